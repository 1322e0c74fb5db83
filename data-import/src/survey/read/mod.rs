//! Readers: one file in, one [`Source`] table out. The format comes from the file name unless given.

pub mod csv;
pub mod dbf;
pub mod geojson;
pub mod gpkg;
pub mod gpx;
pub mod kml;
pub mod osm;
pub mod shp;
pub mod text;
pub mod xlsx;
pub mod xml;

use crate::crs::CrsError;
use crate::survey::source::Source;
use std::path::Path;

pub use dbf::DbfError;
pub use onemap_osm::{FilterError, OsmError};
pub use onemap_store::gpkg::foreign::ForeignError;
pub use text::EncodingError;
pub use xml::XmlError;

/// Why a file cannot be read as its format. The messages say what is wrong with the file
/// without naming it (the caller names it: see [`crate::ImportError::File`]).
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// Text in an encoding onemap does not detect.
    #[error(transparent)]
    Encoding(#[from] EncodingError),
    /// A `.gz` file that does not decompress.
    #[error("is not readable gzip data: {0}")]
    Gzip(#[source] std::io::Error),
    #[error("cannot read the header line: {0}")]
    CsvHeader(#[source] ::csv::Error),
    #[error("the first line (the header) is empty")]
    EmptyHeader,
    /// A CSV record the csv crate refuses (bad quoting, invalid UTF-8); `line` is the file's line.
    #[error("line {line}: {source}")]
    CsvRecord {
        line: usize,
        #[source]
        source: ::csv::Error,
    },
    #[error("is not a readable spreadsheet: {0}")]
    Spreadsheet(#[source] Box<calamine::Error>),
    #[error("has no sheet `{wanted}` (sheets: {})", .available.join(", "))]
    NoSuchSheet { wanted: String, available: Vec<String> },
    #[error("sheet `{sheet}`: {source}")]
    Sheet {
        sheet: String,
        #[source]
        source: Box<calamine::Error>,
    },
    #[error("has no sheet with data")]
    NoSheetWithData,
    #[error("is not valid JSON: {0}")]
    Json(#[source] serde_json::Error),
    #[error("a FeatureCollection needs a `features` array")]
    NoFeatures,
    #[error("expected a GeoJSON FeatureCollection or Feature")]
    NotGeoJson,
    /// Not well-formed XML (GPX, KML).
    #[error(transparent)]
    Xml(#[from] XmlError),
    /// XML whose root element is not `<gpx>`.
    #[error("is not GPX (root element <{0}>)")]
    NotGpx(String),
    /// XML whose root element is not `<kml>`.
    #[error("is not KML (root element <{0}>)")]
    NotKml(String),
    #[error("is not a readable zip archive: {0}")]
    Zip(#[source] zip::result::ZipError),
    #[error("holds no shapefile `{wanted}` (it holds {})", .available.join(", "))]
    NoSuchShapefile { wanted: String, available: Vec<String> },
    #[error("holds no .shp file")]
    NoShapefile,
    #[error("holds {} shapefiles ({}): choose one with --sheet NAME", .names.len(), .names.join(", "))]
    SeveralShapefiles { names: Vec<String> },
    /// A member of a zip archive that cannot be extracted.
    #[error("{member}: {source}")]
    ZipMember {
        member: String,
        #[source]
        source: zip::result::ZipError,
    },
    /// A member of a zip archive whose data does not decompress.
    #[error("{member}: {source}")]
    ZipMemberData {
        member: String,
        #[source]
        source: std::io::Error,
    },
    /// A `.shp` whose header is unreadable; `member` is its name in a zip.
    #[error("{}not a readable .shp: {source}", in_member(.member))]
    Shp {
        member: Option<String>,
        #[source]
        source: Box<shapefile::Error>,
    },
    /// Shape `index` (from 1) of a `.shp` is unreadable.
    #[error("{}shape {index} is unreadable (is the file truncated?): {source}", in_member(.member))]
    Shape {
        member: Option<String>,
        index: usize,
        #[source]
        source: Box<shapefile::Error>,
    },
    #[error(transparent)]
    Dbf(#[from] DbfError),
    #[error(transparent)]
    GeoPackage(#[from] ForeignError),
    #[error(
        "an OpenStreetMap extract holds everything: say which features with --osm-tags (e.g. amenity=hospital,emergency=*)"
    )]
    NoOsmTags,
    #[error("--osm-tags: {0}")]
    OsmTags(#[from] FilterError),
    #[error(transparent)]
    Osm(#[from] OsmError),
}

/// `name: ` for a member of an archive, nothing for the file itself.
fn in_member(member: &Option<String>) -> String {
    member.as_ref().map(|m| format!("{m}: ")).unwrap_or_default()
}

/// Why [`read`] failed: the file cannot be read at all (I/O), is not readable as its format, or
/// declares a coordinate system onemap cannot use.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot be read: {0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    File(#[from] FileError),
    #[error(transparent)]
    Crs(#[from] CrsError),
}

macro_rules! read_error_from_file_error {
    ($($t:ty),*) => {$(
        impl From<$t> for ReadError {
            fn from(e: $t) -> Self {
                ReadError::File(e.into())
            }
        }
    )*};
}
read_error_from_file_error!(EncodingError, XmlError, DbfError, ForeignError, FilterError, OsmError);

/// A format name that is none of onemap's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown format `{0}`: use csv, xlsx, geojson, gpx, kml, shp, gpkg or osm")]
pub struct UnknownFormat(pub String);

/// The input formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
    GeoJson,
    Gpx,
    Kml,
    /// A `.shp` with its sidecar files, or a `.zip` of them.
    Shapefile,
    GeoPackage,
    /// An OpenStreetMap extract: `.osm.pbf`, `.osm`, `.osm.gz`.
    Osm,
}

impl std::str::FromStr for Format {
    type Err = UnknownFormat;

    fn from_str(s: &str) -> Result<Self, UnknownFormat> {
        match s.to_ascii_lowercase().as_str() {
            "csv" | "txt" | "tsv" => Ok(Format::Csv),
            "xlsx" | "xls" | "xlsm" | "xlsb" | "ods" | "excel" => Ok(Format::Xlsx),
            "geojson" | "json" => Ok(Format::GeoJson),
            "gpx" => Ok(Format::Gpx),
            "kml" => Ok(Format::Kml),
            "shp" | "zip" | "shapefile" => Ok(Format::Shapefile),
            "gpkg" | "geopackage" => Ok(Format::GeoPackage),
            "pbf" | "osm" => Ok(Format::Osm),
            other => Err(UnknownFormat(other.to_owned())),
        }
    }
}

impl Format {
    /// The format a file name implies (`.csv.gz` is CSV).
    pub fn of(path: &Path) -> Option<Format> {
        let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
        let name = name.strip_suffix(".gz").unwrap_or(&name);
        let ext = name.rsplit('.').next()?;
        ext.parse().ok()
    }
}

/// Reads `path` as `format`; the error is about the whole file, and does not name it (the
/// caller does). `sheet` picks a sheet or table; `osm_tags` says which OpenStreetMap features to take.
pub fn read(path: &Path, format: Format, sheet: Option<&str>, osm_tags: Option<&str>) -> Result<Source, ReadError> {
    // A file that is not there or not readable is an I/O error whatever the format (the readers
    // of libraries that open files themselves would wrap it in their own errors).
    drop(std::fs::File::open(path)?);
    match format {
        Format::Osm => {
            let tags = osm_tags.ok_or(FileError::NoOsmTags)?;
            let filter = osm::TagFilter::parse(tags)?;
            let mut s = osm::read(path, &filter)?;
            s.area_as_point = true;
            Ok(s)
        }
        Format::Xlsx => Ok(xlsx::read(path, sheet)?),
        Format::Shapefile => shp::read(path, sheet),
        Format::GeoPackage => gpkg::read(path, sheet),
        Format::Csv | Format::GeoJson | Format::Gpx | Format::Kml => {
            let bytes = text::read_bytes(path)?;
            if format == Format::Csv {
                return Ok(csv::read(&bytes)?);
            }
            let (text, _) = text::decode(&bytes)?;
            match format {
                Format::Gpx => Ok(gpx::read(&text)?),
                Format::Kml => Ok(kml::read(&text)?),
                _ => geojson::read(&text),
            }
        }
    }
}
