//! Validation errors that name the offending field.

/// Why a feature, a property or a geometry was refused. `field` is a path such as
/// `properties.capacity` or `geometry.coordinates[0][3]`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct ValidationError {
    pub field: String,
    pub message: String,
    pub kind: ValidationKind,
}

/// What is wrong with the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ValidationKind {
    /// Its value is not allowed.
    #[default]
    Invalid,
    /// It is required and was not given.
    Missing,
}

impl ValidationError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into(), kind: ValidationKind::Invalid }
    }

    /// An error in `properties.<name>`.
    pub fn property(name: &str, message: impl Into<String>) -> Self {
        Self::new(format!("properties.{name}"), message)
    }

    /// Property `name` is required and was not given.
    pub fn missing(name: &str) -> Self {
        ValidationError { kind: ValidationKind::Missing, ..Self::property(name, "is required") }
    }

    /// The same error with `prefix` in front of its field path (e.g. `features[3].`).
    #[must_use]
    pub fn prefixed(mut self, prefix: &str) -> Self {
        self.field = format!("{prefix}{}", self.field);
        self
    }
}
