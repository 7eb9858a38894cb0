//! Variations: the values a flag can serve, and the kind they share.

use crate::json::Json;
use alloc::string::String;

/// The kind shared by all of a flag's values; what typed getters check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `true` / `false`
    Boolean,
    /// Strings.
    String,
    /// Numbers.
    Number,
    /// Objects and arrays.
    Json,
}

impl Kind {
    /// The kind of a value; `None` for `null`.
    pub fn of(value: &Json<'_>) -> Option<Kind> {
        match value {
            Json::Null => None,
            Json::Bool(_) => Some(Kind::Boolean),
            Json::Number(_) => Some(Kind::Number),
            Json::String(_) => Some(Kind::String),
            Json::Array(_) | Json::Object(_) => Some(Kind::Json),
        }
    }

    /// `boolean`, `string`, `number` or `json`.
    pub const fn name(self) -> &'static str {
        match self {
            Kind::Boolean => "boolean",
            Kind::String => "string",
            Kind::Number => "number",
            Kind::Json => "json",
        }
    }
}

/// One value a flag can serve.
#[derive(Clone, Debug)]
pub struct Variation {
    pub(crate) name: String,
    pub(crate) value: Json<'static>,
}

impl Variation {
    /// The variation's name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The variation's value.
    pub fn value(&self) -> &Json<'static> {
        &self.value
    }
}
