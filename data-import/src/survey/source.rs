//! What a reader hands to the mapping step: a table of raw values, one geometry per row where
//! the format carries geometries, and what the file itself says about its coordinates.

use crate::crs::Crs;
use geo::Geometry;

/// One cell as the file holds it.
#[derive(Debug, Clone, PartialEq)]
pub enum RawValue {
    Empty,
    Text(String),
    Number(f64),
    Bool(bool),
}

impl RawValue {
    /// The cell as text (numbers without a trailing `.0` when whole).
    pub fn text(&self) -> Option<String> {
        match self {
            RawValue::Empty => None,
            RawValue::Text(s) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
            RawValue::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => Some(format!("{}", *n as i64)),
            RawValue::Number(n) => Some(n.to_string()),
            RawValue::Bool(b) => Some(b.to_string()),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.text().is_none()
    }
}

/// One input row. `row` is the number a user finds the row under in the file: the line of a CSV
/// (the header is line 1), the row of a spreadsheet, the 1-based feature of a GeoJSON file.
#[derive(Debug, Clone, PartialEq)]
pub struct RawRecord {
    pub row: usize,
    /// Aligned with [`Source::headers`].
    pub values: Vec<RawValue>,
    /// The row's geometry in the source CRS, for formats that carry one.
    pub geometry: Option<Geometry<f64>>,
    /// What the reader already found wrong with the row (it is rejected with this reason).
    pub error: Option<String>,
}

/// A whole input file, read.
#[derive(Debug, Clone, Default)]
pub struct Source {
    pub headers: Vec<String>,
    pub records: Vec<RawRecord>,
    /// The CRS the file declares (a GeoJSON `crs` member, a `.prj`), if any.
    pub crs: Option<Crs>,
    /// What the reader noticed (the encoding it detected, the sheet it read).
    pub notes: Vec<String>,
    /// Whether a line or area may stand for a point (a POI mapped as a building outline):
    /// a point layer then takes its interior point.
    pub area_as_point: bool,
}

impl Source {
    /// The index of a header, exactly.
    pub fn column(&self, header: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == header)
    }
}
