//! Errors of import and export.

use onemap_model::ValidationError;
use onemap_store::StoreError;

/// Why an import or export failed; nothing was written when it did.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is not valid JSON: {source}")]
    Json {
        path: String,
        #[source]
        source: serde_json::Error,
    },
    #[error("{path}: {error}")]
    Invalid { path: String, error: ValidationError },
    #[error("{path}: {message}")]
    Format { path: String, message: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Result alias for import and export.
pub type Result<T, E = ImportError> = std::result::Result<T, E>;
