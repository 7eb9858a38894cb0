//! Operator access: `Authorization: Bearer <ADMIN_TOKEN>`.

use crate::http;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use worker::{Response, Result};

/// Whether an `Authorization` header carries the admin token. Both sides are hashed first so the
/// comparison is constant-time in the token's length as well as its content. No token
/// configured means no one is authorized.
pub fn authorized(header: Option<&str>, token: Option<&str>) -> bool {
    let (Some(header), Some(token)) = (header, token.filter(|t| !t.is_empty())) else { return false };
    let Some(given) = header.strip_prefix("Bearer ") else { return false };
    let given = Sha256::digest(given.trim().as_bytes());
    let expected = Sha256::digest(token.as_bytes());
    given.as_slice().ct_eq(expected.as_slice()).into()
}

/// The 401 for a request to `what` (`PUT /admin/snapshot`) without the token.
pub fn unauthorized(what: &str) -> Result<Response> {
    let mut resp =
        http::error(401, "unauthorized", &format!("{what} needs Authorization: Bearer <ADMIN_TOKEN>"), None)?;
    resp.headers_mut().set("www-authenticate", "Bearer")?;
    Ok(resp)
}

#[cfg(test)]
mod tests {
    use super::authorized;

    #[test]
    fn bearer_tokens() {
        let token = Some("s3cret-token");
        assert!(authorized(Some("Bearer s3cret-token"), token));
        assert!(!authorized(Some("Bearer s3cret-tokeN"), token));
        assert!(!authorized(Some("Bearer s3cret"), token));
        assert!(!authorized(Some("s3cret-token"), token));
        assert!(!authorized(Some("Basic s3cret-token"), token));
        assert!(!authorized(None, token));
        assert!(!authorized(Some("Bearer "), Some("")), "no token configured: nobody");
        assert!(!authorized(Some("Bearer s3cret-token"), None));
    }
}
