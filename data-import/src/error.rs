//! Errors of import and export.
//!
//! Each [`ImportError`] variant is one kind of failure a caller may act on: the file cannot be
//! read at all ([`ImportError::Read`], an I/O fault), is not readable as its format
//! ([`ImportError::File`]), its format is unknown, its coordinate system is unusable or cannot be
//! told ([`ImportError::Crs`]), its columns do not map onto the layer ([`ImportError::Mapping`]),
//! the key column is missing ([`ImportError::Key`]), or the store failed. Problems with single
//! rows are not errors: they are in the import's [`crate::survey::Report`].
//!
//! `path` is how the caller named the file (see [`crate::survey::Options::name`]); the inner
//! errors never name it.

use crate::crs::CrsError;
use crate::survey::mapping::MappingError;
use crate::survey::read::{FileError, UnknownFormat};
use crate::survey::KeyError;
use onemap_model::ValidationError;
use onemap_store::StoreError;

/// Where the coordinate system that could not be used came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CrsOrigin {
    /// The caller named it (`--crs`).
    Given,
    /// The mapping file's `crs`.
    MappingFile,
    /// The file declares it: a `.prj`, a GeoJSON `crs` member, a GeoPackage's spatial reference system.
    File,
    /// None was named and the coordinate values do not tell.
    Values,
}

impl CrsOrigin {
    /// What the message says before the CRS error.
    fn prefix(self) -> &'static str {
        match self {
            CrsOrigin::Given => "--crs: ",
            CrsOrigin::MappingFile => "mapping file: ",
            CrsOrigin::File => "the file's CRS: ",
            CrsOrigin::Values => "",
        }
    }
}

fn unknown_format(given: &Option<UnknownFormat>) -> String {
    match given {
        Some(u) => u.to_string(),
        None => "unknown file type: name it .csv, .xlsx, .geojson, .gpx, .kml, .shp, .zip, .gpkg, .osm.pbf or .osm, \
                 or pass --format"
            .into(),
    }
}

/// Why an import or export failed; nothing was written when it did.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file (or another the import needs, such as the mapping file) cannot be read at all:
    /// missing, not permitted, an I/O fault.
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// The file is not readable as its format: a broken spreadsheet, invalid JSON or XML, a
    /// truncated shapefile, an unknown text encoding, no such sheet or table…
    #[error("{path}: {source}")]
    File {
        path: String,
        #[source]
        source: FileError,
    },
    /// The file's format cannot be told from its name and none was given (`given` is `None`),
    /// or the one given is not one onemap reads.
    #[error("{path}: {}", unknown_format(.given))]
    UnknownFormat {
        path: String,
        #[source]
        given: Option<UnknownFormat>,
    },
    /// A coordinate system that cannot be used, or that cannot be told from the values.
    #[error("{path}: {}{source}", .origin.prefix())]
    Crs {
        path: String,
        origin: CrsOrigin,
        #[source]
        source: CrsError,
    },
    /// The file's columns do not map onto the layer (or the mapping file is wrong): `path` is
    /// the mapping file when it cannot be parsed, else the data file.
    #[error("{path}: {source}")]
    Mapping {
        path: String,
        #[source]
        source: MappingError,
    },
    /// The key column the caller named is not in the file.
    #[error("{path}: {source}")]
    Key {
        path: String,
        #[source]
        source: KeyError,
    },
    #[error("{path}: {error}")]
    Invalid { path: String, error: ValidationError },
    /// An export would overwrite a file.
    #[error("{path} already exists; not overwriting")]
    Exists { path: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ImportError {
    /// The file the error is about; `None` for a store failure.
    pub fn path(&self) -> Option<&str> {
        match self {
            ImportError::Read { path, .. }
            | ImportError::File { path, .. }
            | ImportError::UnknownFormat { path, .. }
            | ImportError::Crs { path, .. }
            | ImportError::Mapping { path, .. }
            | ImportError::Key { path, .. }
            | ImportError::Invalid { path, .. }
            | ImportError::Exists { path } => Some(path),
            ImportError::Store(_) => None,
        }
    }
}

/// Result alias for import and export.
pub type Result<T, E = ImportError> = std::result::Result<T, E>;
