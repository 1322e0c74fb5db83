//! The survey-data importer: read → map columns → transform coordinates → validate → write, all
//! or nothing. Every rejected row is reported with its row number, column and reason.
//!
//! Coordinates are stored as WGS84/CGCS2000 lon/lat degrees (EPSG:4326/4490); inputs may be in
//! any [`Crs`].

pub mod geometry;
pub mod mapping;
pub mod read;
pub mod report;
pub mod source;
pub mod values;

mod axes;
pub mod header;
mod rows;

pub use axes::AxesError;
pub use mapping::{MappingError, MappingFile};
pub use read::{FileError, Format, ReadError};
pub use report::{Issue, IssueKind, Report, Severity};
pub use rows::KeyError;

use crate::crs::Crs;
use crate::{CrsOrigin, ImportError, Result};
use onemap_model::LayerId;
use onemap_store::{Store, Writer};
use std::path::Path;

/// How to import one file.
#[derive(Debug, Clone)]
pub struct Options {
    pub layer: LayerId,
    /// The file's format; from its name when `None`.
    pub format: Option<Format>,
    /// The coordinates' CRS; from the mapping file, the file itself, or the values when `None`.
    pub crs: Option<Crs>,
    pub mapping: MappingFile,
    /// Input column (header or property name) whose value identifies a feature: a re-import
    /// updates the features it imported before instead of adding copies.
    pub key: Option<String>,
    /// Import the valid rows and report the others (default: one bad row stops the import).
    pub skip_invalid: bool,
    /// Check everything, write nothing.
    pub dry_run: bool,
    /// The spreadsheet's sheet; the first with data when `None`.
    pub sheet: Option<String>,
    /// WGS84 box every row must lie in `[min_lon, min_lat, max_lon, max_lat]`.
    pub area: Option<[f64; 4]>,
    /// Which features of an OpenStreetMap extract to take: `amenity=hospital,emergency=*`.
    pub osm_tags: Option<String>,
    /// The file's name in the report and in errors (an upload's own name, not the server's
    /// temporary file); the path when `None`.
    pub name: Option<String>,
}

impl Options {
    pub fn new(layer: LayerId) -> Self {
        Options {
            layer,
            format: None,
            crs: None,
            mapping: MappingFile::default(),
            key: None,
            skip_invalid: false,
            dry_run: false,
            sheet: None,
            area: None,
            osm_tags: None,
            name: None,
        }
    }
}

/// Progress callbacks: rows checked so far out of all rows.
pub trait Progress {
    fn rows(&mut self, done: usize, total: usize);
}

impl<F: FnMut(usize, usize)> Progress for F {
    fn rows(&mut self, done: usize, total: usize) {
        self(done, total)
    }
}

/// Imports `path` into `store`. `Err` is for a file that cannot be imported at all, its variant
/// saying why (unreadable, not its format, a CRS or mapping problem, a store failure: see
/// [`ImportError`]); rows that fail validation are in the report, and with any such row nothing
/// is written unless `skip_invalid`.
pub fn import(store: &dyn Store, path: &Path, o: &Options, w: &Writer, progress: &mut dyn Progress) -> Result<Report> {
    let p = o.name.clone().unwrap_or_else(|| path.display().to_string());
    let format = match o.format {
        Some(f) => f,
        None => Format::of(path).ok_or_else(|| ImportError::UnknownFormat { path: p.clone(), given: None })?,
    };
    let t = std::time::Instant::now();
    let mut source = read::read(path, format, o.sheet.as_deref(), o.osm_tags.as_deref()).map_err(|e| match e {
        ReadError::Io(source) => ImportError::Read { path: p.clone(), source },
        ReadError::File(source) => ImportError::File { path: p.clone(), source },
        ReadError::Crs(source) => ImportError::Crs { path: p.clone(), origin: CrsOrigin::File, source },
    })?;
    let header_note = if matches!(format, Format::Csv | Format::Xlsx) {
        header::find(o.layer, &mut source, &o.mapping)
    } else {
        None
    };
    source.notes.extend(header_note);
    let read_ms = t.elapsed().as_millis() as u64;
    let mut report = Report {
        file: p.clone(),
        layer: o.layer.to_string(),
        rows_read: source.records.len(),
        read_ms,
        dry_run: o.dry_run,
        notes: source.notes.clone(),
        ..Report::default()
    };
    let mapping_error = |source| ImportError::Mapping { path: p.clone(), source };
    let plan = mapping::plan(o.layer, &source, &o.mapping).map_err(mapping_error)?;
    if !plan.ignored.is_empty() {
        report.notes.push(format!("columns not imported: {}", plan.ignored.join(", ")));
    }
    let mapping_crs = o.mapping.crs.as_deref().map(str::parse::<Crs>).transpose().map_err(|e| ImportError::Crs {
        path: p.clone(),
        origin: CrsOrigin::MappingFile,
        source: e.into(),
    })?;
    let coords = axes::decide(&source, &plan, o.crs.clone().or(mapping_crs), &mut report).map_err(|e| match e {
        AxesError::Mapping(source) => mapping_error(source),
        AxesError::Crs(source) => ImportError::Crs { path: p.clone(), origin: CrsOrigin::Values, source },
    })?;
    // Ids come from the key column, or else from an id column the file has (GeoJSON feature ids).
    let key = match &o.key {
        None => plan.index_of(mapping::Target::Id),
        Some(k) => {
            Some(rows::key_column(&source, &plan, k).map_err(|source| ImportError::Key { path: p.clone(), source })?)
        }
    };
    let t = std::time::Instant::now();
    let features = rows::convert(&source, &plan, &coords, key, o, &mut report, progress);
    report.check_ms = t.elapsed().as_millis() as u64;
    report.rows_valid = features.len();
    report.rows_rejected = source.records.len() - features.len();
    if o.dry_run || (report.rows_rejected > 0 && !o.skip_invalid) || features.is_empty() {
        return Ok(report);
    }
    let t = std::time::Instant::now();
    let outcome = if o.key.is_some() {
        store.upsert(o.layer, features, w)?
    } else {
        onemap_store::Upserted { inserted: store.insert(o.layer, features, w)?.len(), updated: 0 }
    };
    report.write_ms = t.elapsed().as_millis() as u64;
    report.inserted = outcome.inserted;
    report.updated = outcome.updated;
    report.committed = true;
    Ok(report)
}
