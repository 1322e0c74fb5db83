//! Errors of the feature stores.

use onemap_model::{LayerId, ValidationError};

/// What went wrong in a store call. The first group are the caller's errors (HTTP 4xx);
/// `Database`, `Io` and `Corrupt` are the store's own (HTTP 500, logged).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{layer} has no feature `{id}`")]
    NotFound { layer: LayerId, id: String },
    #[error("{layer} already has a feature `{id}`")]
    Duplicate { layer: LayerId, id: String },
    #[error("{layer}/{id} is at version {actual}, not {expected}")]
    VersionConflict { layer: LayerId, id: String, expected: i64, actual: i64 },
    #[error("{layer}/{id} is outside the caller's area")]
    OutOfScope { layer: LayerId, id: String },
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    #[error("unknown layer `{name}`; layers are {known}")]
    UnknownLayer { name: String, known: String },
    #[error("unknown property `{name}` for {layer}; queryables: {known}")]
    UnknownProperty { layer: LayerId, name: String, known: String },
    #[error("database error while {context}: {source}")]
    Database {
        context: String,
        #[source]
        source: diesel::result::Error,
    },
    #[error("cannot open {path}: {source}")]
    Open {
        path: String,
        #[source]
        source: diesel::ConnectionError,
    },
    #[error("the store file is damaged: {0}")]
    Corrupt(String),
}

impl StoreError {
    /// Wraps a diesel error with what the store was doing.
    pub fn db(context: impl Into<String>) -> impl FnOnce(diesel::result::Error) -> StoreError {
        let context = context.into();
        move |source| StoreError::Database { context, source }
    }

    /// Whether the error is the caller's fault (bad input, missing, conflict, forbidden).
    pub fn is_client_error(&self) -> bool {
        !matches!(self, StoreError::Database { .. } | StoreError::Open { .. } | StoreError::Corrupt(_))
    }
}

/// Result alias for store calls.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;
