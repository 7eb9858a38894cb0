//! The object's SQLite storage (docs in worker/README.md, "Storage"): every published version's
//! text and how it came about, the audit log, the tokens, and which version KV holds. Statements
//! run synchronously; a commit issues its statements with no `await` between them, so the
//! runtime's write coalescing stores them as one atomic unit (workers-rs has no binding for
//! `transactionSync`), and no other request runs in the object meanwhile.

use super::auth::{Role, Token};
use serde::Deserialize;
use worker::{SqlStorage, SqlStorageValue as V};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS versions (
  version INTEGER PRIMARY KEY, at INTEGER NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
  reason TEXT, patch TEXT NOT NULL, detail TEXT, parts INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS texts (
  version INTEGER NOT NULL, part INTEGER NOT NULL, text TEXT NOT NULL, PRIMARY KEY (version, part));
CREATE TABLE IF NOT EXISTS version_flags (
  flag TEXT NOT NULL, version INTEGER NOT NULL, PRIMARY KEY (flag, version));
CREATE TABLE IF NOT EXISTS audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, actor TEXT, client TEXT,
  action TEXT NOT NULL, outcome TEXT NOT NULL, version INTEGER, detail TEXT);
CREATE TABLE IF NOT EXISTS tokens (
  name TEXT PRIMARY KEY, role TEXT NOT NULL, hash TEXT NOT NULL, created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
";

/// Texts are stored in parts: a row holds at most 2 MB, a snapshot up to 16 MiB.
const PART_BYTES: usize = 1 << 20;

pub struct Records {
    sql: SqlStorage,
}

/// One committed version, without its text.
#[derive(Clone, Debug, Deserialize)]
pub struct Entry {
    pub version: i64,
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub reason: Option<String>,
    pub patch: String,
    pub detail: Option<String>,
}

/// A flag's newest version.
#[derive(Clone, Debug, Deserialize)]
pub struct LastChange {
    pub flag: String,
    pub version: i64,
    pub at: i64,
    pub actor: String,
    pub action: String,
}

/// A version about to be committed.
pub struct NewVersion<'a> {
    pub version: u64,
    pub at: i64,
    pub actor: &'a str,
    pub action: &'a str,
    pub reason: Option<&'a str>,
    /// RFC 6902 from the previous version, as JSON text.
    pub patch: &'a str,
    pub detail: Option<&'a str>,
    pub flags: &'a [String],
    pub text: &'a str,
}

/// An audit entry.
pub struct Audit<'a> {
    pub at: i64,
    pub actor: Option<&'a str>,
    pub client: &'a str,
    pub action: &'a str,
    pub outcome: &'a str,
    pub version: Option<u64>,
    pub detail: Option<&'a str>,
}

#[derive(Deserialize)]
struct Number {
    value: Option<i64>,
}

#[derive(Deserialize)]
struct Part {
    text: String,
}

fn text(s: &str) -> V {
    V::String(s.to_string())
}

fn int(n: u64) -> V {
    V::Integer(i64::try_from(n).unwrap_or(i64::MAX))
}

fn opt(s: Option<&str>) -> V {
    s.map_or(V::Null, text)
}

impl Records {
    pub fn open(sql: SqlStorage) -> worker::Result<Records> {
        for statement in SCHEMA.split(';').map(str::trim).filter(|s| !s.is_empty()) {
            sql.exec(statement, None)?;
        }
        Ok(Records { sql })
    }

    fn number(&self, query: &str, bindings: Vec<V>) -> worker::Result<Option<i64>> {
        let rows: Vec<Number> = self.sql.exec(query, bindings)?.to_array()?;
        Ok(rows.into_iter().next().and_then(|n| n.value))
    }

    /// The newest version committed.
    pub fn head(&self) -> worker::Result<Option<u64>> {
        Ok(self.number("SELECT MAX(version) AS value FROM versions", vec![])?.map(|v| v as u64))
    }

    pub fn text(&self, version: u64) -> worker::Result<Option<String>> {
        let parts: Vec<Part> =
            self.sql.exec("SELECT text FROM texts WHERE version = ? ORDER BY part", vec![int(version)])?.to_array()?;
        Ok((!parts.is_empty()).then(|| parts.into_iter().map(|p| p.text).collect()))
    }

    /// Stores a version: its row, its text's parts and the flags it changed. Synchronous.
    pub fn commit(&self, v: &NewVersion<'_>) -> worker::Result<()> {
        let parts = split(v.text, PART_BYTES);
        self.sql.exec(
            "INSERT INTO versions (version, at, actor, action, reason, patch, detail, parts) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            vec![
                int(v.version),
                V::Integer(v.at),
                text(v.actor),
                text(v.action),
                opt(v.reason),
                text(v.patch),
                opt(v.detail),
                int(parts.len() as u64),
            ],
        )?;
        for (i, part) in parts.iter().enumerate() {
            self.sql.exec(
                "INSERT INTO texts (version, part, text) VALUES (?, ?, ?)",
                vec![int(v.version), int(i as u64), text(part)],
            )?;
        }
        for flag in v.flags {
            self.sql.exec(
                "INSERT OR IGNORE INTO version_flags (flag, version) VALUES (?, ?)",
                vec![text(flag), int(v.version)],
            )?;
        }
        Ok(())
    }

    /// Versions newest first, at most `limit`, older than `before` when given, touching `flag`
    /// when given.
    pub fn history(&self, flag: Option<&str>, before: Option<u64>, limit: u32) -> worker::Result<Vec<Entry>> {
        let before = int(before.unwrap_or(i64::MAX as u64));
        let columns = "v.version, v.at, v.actor, v.action, v.reason, v.patch, v.detail";
        let cursor = match flag {
            Some(flag) => self.sql.exec(
                &format!(
                    "SELECT {columns} FROM versions v JOIN version_flags f ON f.version = v.version \
                     WHERE f.flag = ? AND v.version < ? ORDER BY v.version DESC LIMIT ?"
                ),
                vec![text(flag), before, int(u64::from(limit))],
            )?,
            None => self.sql.exec(
                &format!("SELECT {columns} FROM versions v WHERE v.version < ? ORDER BY v.version DESC LIMIT ?"),
                vec![before, int(u64::from(limit))],
            )?,
        };
        cursor.to_array()
    }

    /// Each flag's newest version: one query for the flag list (SQLite takes the other columns
    /// from the row holding the maximum).
    pub fn last_changes(&self) -> worker::Result<std::collections::HashMap<String, LastChange>> {
        let rows: Vec<LastChange> = self
            .sql
            .exec(
                "SELECT f.flag, MAX(v.version) AS version, v.at, v.actor, v.action \
                 FROM version_flags f JOIN versions v ON v.version = f.version GROUP BY f.flag",
                None,
            )?
            .to_array()?;
        Ok(rows.into_iter().map(|l| (l.flag.clone(), l)).collect())
    }

    pub fn flags_of(&self, version: u64) -> worker::Result<Vec<String>> {
        #[derive(Deserialize)]
        struct Flag {
            flag: String,
        }
        let rows: Vec<Flag> = self
            .sql
            .exec("SELECT flag FROM version_flags WHERE version = ? ORDER BY flag", vec![int(version)])?
            .to_array()?;
        Ok(rows.into_iter().map(|f| f.flag).collect())
    }

    pub fn audit(&self, a: &Audit<'_>) -> worker::Result<i64> {
        self.sql.exec(
            "INSERT INTO audit (at, actor, client, action, outcome, version, detail) VALUES (?, ?, ?, ?, ?, ?, ?)",
            vec![
                V::Integer(a.at),
                opt(a.actor),
                text(a.client),
                text(a.action),
                text(a.outcome),
                a.version.map_or(V::Null, int),
                opt(a.detail),
            ],
        )?;
        Ok(self.number("SELECT last_insert_rowid() AS value", vec![])?.unwrap_or(0))
    }

    /// Rewrites an entry's detail (the count of a rate-limited client's refused requests).
    pub fn audit_detail(&self, id: i64, detail: &str) -> worker::Result<()> {
        self.sql.exec("UPDATE audit SET detail = ? WHERE id = ?", vec![text(detail), V::Integer(id)])?;
        Ok(())
    }

    pub fn audit_log(&self, before: Option<i64>, limit: u32) -> worker::Result<Vec<AuditRow>> {
        self.sql
            .exec(
                "SELECT id, at, actor, client, action, outcome, version, detail FROM audit WHERE id < ? ORDER BY id DESC LIMIT ?",
                vec![V::Integer(before.unwrap_or(i64::MAX)), int(u64::from(limit))],
            )?
            .to_array()
    }

    pub fn tokens(&self) -> worker::Result<Vec<Token>> {
        self.token_rows().map(|rows| {
            rows.into_iter()
                .filter_map(|r| {
                    let hash = unhex(&r.hash)?;
                    Some(Token { name: r.name, role: Role::parse(&r.role)?, hash })
                })
                .collect()
        })
    }

    pub fn token_rows(&self) -> worker::Result<Vec<TokenRow>> {
        self.sql.exec("SELECT name, role, hash, created_at, created_by FROM tokens ORDER BY name", None)?.to_array()
    }

    /// Adds a token; `false` if the name is taken.
    pub fn add_token(&self, name: &str, role: Role, hash: [u8; 32], at: i64, by: &str) -> worker::Result<bool> {
        let taken = self.number("SELECT COUNT(*) AS value FROM tokens WHERE name = ?", vec![text(name)])?;
        if taken.unwrap_or(0) > 0 {
            return Ok(false);
        }
        self.sql.exec(
            "INSERT INTO tokens (name, role, hash, created_at, created_by) VALUES (?, ?, ?, ?, ?)",
            vec![text(name), text(role.name()), text(&hex(&hash)), V::Integer(at), text(by)],
        )?;
        Ok(true)
    }

    pub fn remove_token(&self, name: &str) -> worker::Result<bool> {
        let cursor = self.sql.exec("DELETE FROM tokens WHERE name = ?", vec![text(name)])?;
        let _ = cursor.to_array::<serde_json::Value>();
        Ok(cursor.rows_written() > 0)
    }

    pub fn meta(&self, name: &str) -> worker::Result<Option<i64>> {
        self.number("SELECT value FROM meta WHERE name = ?", vec![text(name)])
    }

    pub fn set_meta(&self, name: &str, value: i64) -> worker::Result<()> {
        self.sql
            .exec("INSERT OR REPLACE INTO meta (name, value) VALUES (?, ?)", vec![text(name), V::Integer(value)])?;
        Ok(())
    }
}

#[derive(Debug, Deserialize, serde::Serialize)]
pub struct AuditRow {
    pub id: i64,
    pub at: i64,
    pub actor: Option<String>,
    pub client: Option<String>,
    pub action: String,
    pub outcome: String,
    pub version: Option<i64>,
    pub detail: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct TokenRow {
    pub name: String,
    pub role: String,
    /// SHA-256 of the token, in hex.
    pub hash: String,
    pub created_at: i64,
    pub created_by: String,
}

fn hex(bytes: &[u8; 32]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<[u8; 32]> {
    let mut out = [0u8; 32];
    if text.len() != 64 {
        return None;
    }
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(text.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

/// `text` in pieces of at most `max` bytes, cut at character boundaries.
fn split(text: &str, max: usize) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut rest = text;
    while rest.len() > max {
        let mut cut = max;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        let (part, tail) = rest.split_at(cut);
        parts.push(part);
        rest = tail;
    }
    parts.push(rest);
    parts
}

#[cfg(test)]
mod tests {
    use super::{hex, split, unhex};

    #[test]
    fn parts_cut_at_characters() {
        assert_eq!(split("", 4), vec![""]);
        assert_eq!(split("abcdefgh", 4), vec!["abcd", "efgh"]);
        assert_eq!(split("aé€b", 4), vec!["aé", "€b"]);
        assert_eq!(split("aé€b", 4).concat(), "aé€b");
        assert_eq!(unhex(&hex(&[0xa5; 32])), Some([0xa5; 32]));
        assert_eq!(unhex("zz"), None);
    }
}
