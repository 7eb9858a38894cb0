//! The evaluation context: who is asking.

use crate::eval::result::ErrorCode;
use crate::json::Json;
use crate::message::message;
use crate::model::attribute::AttrRef;
use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;

/// A context: a JSON object whose optional `key` is a string and whose other members are
/// attributes. Build it once per request and evaluate any number of flags with it.
///
/// A context that is not valid still exists: every evaluation with it returns an error result
/// (`PARSE_ERROR` or `INVALID_CONTEXT`), so hosts handle one kind of outcome.
#[derive(Clone, Debug)]
pub struct Context<'a> {
    members: Vec<(Cow<'a, str>, Json<'a>)>,
    /// Index of the `key` member, looked up once rather than per clause and per rollout.
    key_at: Option<usize>,
    error: Option<ContextError>,
}

/// Why a context is not usable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContextError {
    /// `PARSE_ERROR` or `INVALID_CONTEXT`.
    pub code: ErrorCode,
    /// For people.
    pub message: String,
}

impl<'a> Context<'a> {
    /// A context from a JSON value; see [`Context::error`] for whether it is usable.
    pub fn new(value: Json<'a>) -> Context<'a> {
        if let Some(path) = repeated(&value) {
            return Context::invalid(
                ErrorCode::InvalidContext,
                message!("context member ", &path, " appears twice").text(),
            );
        }
        match value {
            Json::Object(members) => {
                let key_at = members.iter().position(|(k, _)| k == "key");
                let error = match key_at.map(|i| &members[i].1) {
                    None | Some(Json::String(_)) => None,
                    Some(other) => Some(ContextError {
                        code: ErrorCode::InvalidContext,
                        message: message!("context key must be a string, got ", other.type_name()).text(),
                    }),
                };
                Context { members, key_at, error }
            }
            other => Context::invalid(
                ErrorCode::InvalidContext,
                message!("context must be a JSON object, got ", other.type_name()).text(),
            ),
        }
    }

    /// A context from JSON text.
    #[cfg(feature = "json")]
    pub fn parse(text: &'a str) -> Context<'a> {
        match Json::parse_context(text) {
            Ok(value) => Context::new(value),
            // Not text at all: as when a host's own text holds a lone surrogate (pkg/lib/engine.js).
            Err(e) if e.is_lone_surrogate() => {
                Context::invalid(ErrorCode::InvalidContext, String::from(LONE_SURROGATE))
            }
            Err(e) => Context::invalid(ErrorCode::ParseError, message!("context is not JSON: ", &e.text()).text()),
        }
    }

    /// A context with just a key.
    pub fn with_key(key: &str) -> Context<'static> {
        Context {
            members: alloc::vec![(Cow::Borrowed("key"), Json::from(String::from(key)))],
            key_at: Some(0),
            error: None,
        }
    }

    /// Adds (or replaces) an attribute.
    pub fn with(mut self, name: &str, value: impl Into<Json<'a>>) -> Context<'a> {
        if self.error.is_some() && self.members.is_empty() {
            return self; // not an object to begin with: stays invalid
        }
        let value = value.into();
        match self.members.iter_mut().find(|(k, _)| k == name) {
            Some(slot) => slot.1 = value,
            None => self.members.push((Cow::Owned(name.into()), value)),
        }
        // Re-validate: `key` may have been set to a non-string.
        Context::new(Json::Object(self.members))
    }

    /// A copy that owns its strings, to keep beyond the text it was parsed from.
    pub fn into_owned(self) -> Context<'static> {
        let members = self.members.iter().map(|(k, v)| (Cow::Owned(String::from(&**k)), v.to_owned_json())).collect();
        Context { members, key_at: self.key_at, error: self.error }
    }

    /// A context that cannot be used: every evaluation with it gives `code` and `message` (for
    /// hosts that could not turn what they were given into JSON).
    pub fn invalid(code: ErrorCode, message: String) -> Context<'a> {
        Context { members: Vec::new(), key_at: None, error: Some(ContextError { code, message }) }
    }

    /// Why this context cannot be used, if it cannot.
    pub fn error(&self) -> Option<&ContextError> {
        self.error.as_ref()
    }

    /// The context key, when present.
    pub fn key(&self) -> Option<&str> {
        self.key_at.and_then(|i| self.members[i].1.as_str())
    }

    /// A top-level attribute.
    pub fn get(&self, name: &str) -> Option<&Json<'a>> {
        self.members.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    pub(crate) fn lookup(&self, attr: &AttrRef) -> Option<&Json<'a>> {
        if attr.is_key {
            return self.key_at.map(|i| &self.members[i].1);
        }
        attr.lookup(&self.members)
    }
}

/// What a context holding a lone surrogate (U+D800–U+DFFF) is told, escaped or raw, as text or
/// as an object: every runtime says the same.
#[cfg(feature = "json")]
const LONE_SURROGATE: &str = "context holds a lone surrogate (U+D800–U+DFFF), which UTF-8 cannot encode";

/// The path (`tier`, `address.city`) of the first member whose name an earlier member of its
/// object has: which one an attribute would read is not to be guessed (docs/snapshot.md,
/// "Contexts").
fn repeated(value: &Json<'_>) -> Option<String> {
    let (_, at) = value.repeated_member()?;
    let mut path = String::new();
    crate::json::path::find(value, at as *const Json<'_> as usize, &mut path);
    Some(path)
}
