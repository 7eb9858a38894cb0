//! Who may do what: named tokens with a role, kept as SHA-256 hashes (a token is 32 random
//! bytes, so an unsalted hash is as strong as the token), presented as `Authorization: Bearer`
//! and compared in constant time against every stored hash. The `ADMIN_TOKEN` secret is the
//! bootstrap token: role `admin`, owner `ADMIN_TOKEN`, never stored.

use sha2::{Digest, Sha256};
use subtle::{Choice, ConstantTimeEq};

/// What a token may do; each role may do what the ones before it may.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// Fetch the full snapshot, its history and health (servers, the web app).
    Read,
    /// Publish snapshots and change flags.
    Write,
    /// Tokens, rollback and the audit log.
    Admin,
}

impl Role {
    pub fn name(self) -> &'static str {
        match self {
            Role::Read => "read",
            Role::Write => "write",
            Role::Admin => "admin",
        }
    }

    pub fn parse(name: &str) -> Option<Role> {
        match name {
            "read" => Some(Role::Read),
            "write" => Some(Role::Write),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

/// A stored token: its owner's name, role and hash.
#[derive(Clone, Debug)]
pub struct Token {
    pub name: String,
    pub role: Role,
    pub hash: [u8; 32],
}

/// Who a request's token belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    pub name: String,
    pub role: Role,
}

/// The owner name of the bootstrap token.
pub const BOOTSTRAP: &str = "ADMIN_TOKEN";

pub fn hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// The credentials of a `Bearer` `Authorization` header (RFC 7235 §2.1, RFC 6750 §2.1): the
/// scheme is case-insensitive, then one or more spaces, then a token68. `None` for any other
/// scheme, an empty token or a token with characters token68 does not allow.
pub fn bearer(header: &str) -> Option<&str> {
    let header = header.trim_matches(|c| c == ' ' || c == '\t');
    let (scheme, rest) = header.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    let token = rest.trim_start_matches(' ');
    let token68 = |b: u8| b.is_ascii_alphanumeric() || b"-._~+/".contains(&b);
    let body = token.trim_end_matches('=');
    (!body.is_empty() && body.bytes().all(token68)).then_some(token)
}

/// The caller a presented token identifies: every stored hash is compared, whatever matches
/// first, so the time taken says nothing about which token (or how much of one) was right.
pub fn identify(presented: &str, bootstrap: Option<&str>, tokens: &[Token]) -> Option<Caller> {
    let given = hash(presented);
    let mut found: Option<Caller> = None;
    let mut check = |hash: &[u8; 32], name: &str, role: Role| {
        let hit: Choice = given.ct_eq(hash);
        if bool::from(hit) && found.is_none() {
            found = Some(Caller { name: name.to_string(), role });
        }
    };
    if let Some(secret) = bootstrap.filter(|t| !t.is_empty()) {
        check(&hash(secret), BOOTSTRAP, Role::Admin);
    }
    for t in tokens {
        check(&t.hash, &t.name, t.role);
    }
    found
}

/// A new token's text: `ef_` and 43 base64url characters of 32 random bytes (the prefix lets
/// secret scanners find leaked ones).
pub fn new_token(random: [u8; 32]) -> String {
    use base64::Engine as _;
    format!("ef_{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random))
}

/// Token names: 1–64 of `A-Z a-z 0-9 - _ . @`, so they read plainly in the audit log.
pub fn valid_name(name: &str) -> bool {
    (1..=64).contains(&name.len()) && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.@".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes_are_case_insensitive() {
        for header in ["Bearer abc", "bearer abc", "BEARER abc", "BeArEr   abc", " Bearer abc ", "Bearer abc=="] {
            assert!(bearer(header).is_some_and(|t| t.starts_with("abc")), "{header:?}");
        }
        for header in ["Basic abc", "Bearer", "Bearer ", "Bearerabc", "abc", "Bearer a b", "Bearer ab\"c", "Bearer =="]
        {
            assert_eq!(bearer(header), None, "{header:?}");
        }
    }

    #[test]
    fn tokens_identify_their_owner() {
        let tokens = [
            Token { name: "web-app".into(), role: Role::Read, hash: hash("ef_read") },
            Token { name: "ci".into(), role: Role::Write, hash: hash("ef_write") },
        ];
        let who = |t| identify(t, Some("boot"), &tokens).map(|c| (c.name, c.role));
        assert_eq!(who("ef_read"), Some(("web-app".into(), Role::Read)));
        assert_eq!(who("ef_write"), Some(("ci".into(), Role::Write)));
        assert_eq!(who("boot"), Some((BOOTSTRAP.into(), Role::Admin)));
        assert_eq!(who("ef_rea"), None);
        assert_eq!(who("ef_readx"), None);
        assert_eq!(identify("", Some(""), &[]), None, "no bootstrap configured: nobody");
        assert!(Role::Admin > Role::Write && Role::Write > Role::Read);
    }

    #[test]
    fn new_tokens() {
        let t = new_token([7; 32]);
        assert_eq!(t.len(), 3 + 43);
        assert_eq!(bearer(&format!("Bearer {t}")), Some(t.as_str()));
        assert!(valid_name("web-app") && valid_name("ops@example.com") && !valid_name("") && !valid_name("a b"));
    }
}
