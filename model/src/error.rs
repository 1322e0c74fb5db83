//! Validation errors that name the offending field.

/// Why a feature, a property or a geometry was refused. `field` is a path such as
/// `properties.capacity` or `geometry.coordinates[0][3]`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct ValidationError {
    pub field: String,
    pub message: String,
}

impl ValidationError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into() }
    }

    /// An error in `properties.<name>`.
    pub fn property(name: &str, message: impl Into<String>) -> Self {
        Self::new(format!("properties.{name}"), message)
    }

    /// The same error with `prefix` in front of its field path (e.g. `features[3].`).
    #[must_use]
    pub fn prefixed(mut self, prefix: &str) -> Self {
        self.field = format!("{prefix}{}", self.field);
        self
    }
}
