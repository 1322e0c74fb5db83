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

use crate::survey::source::Source;
use std::path::Path;

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
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "csv" | "txt" | "tsv" => Ok(Format::Csv),
            "xlsx" | "xls" | "xlsm" | "xlsb" | "ods" | "excel" => Ok(Format::Xlsx),
            "geojson" | "json" => Ok(Format::GeoJson),
            "gpx" => Ok(Format::Gpx),
            "kml" => Ok(Format::Kml),
            "shp" | "zip" | "shapefile" => Ok(Format::Shapefile),
            "gpkg" | "geopackage" => Ok(Format::GeoPackage),
            "pbf" | "osm" => Ok(Format::Osm),
            other => Err(format!("unknown format `{other}`: use csv, xlsx, geojson, gpx, kml, shp, gpkg or osm")),
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

/// Reads `path` as `format`; `Err` is a message about the whole file (the caller adds the path).
/// `sheet` picks a sheet or table; `osm_tags` says which OpenStreetMap features to take.
pub fn read(path: &Path, format: Format, sheet: Option<&str>, osm_tags: Option<&str>) -> Result<Source, String> {
    match format {
        Format::Osm => {
            let tags = osm_tags.ok_or(
                "an OpenStreetMap extract holds everything: say which features with --osm-tags (e.g. amenity=hospital,emergency=*)",
            )?;
            let filter = osm::TagFilter::parse(tags).map_err(|e| e.to_string())?;
            let mut s = osm::read(path, &filter)?;
            s.area_as_point = true;
            Ok(s)
        }
        Format::Xlsx => xlsx::read(path, sheet),
        Format::Shapefile => shp::read(path, sheet),
        Format::GeoPackage => gpkg::read(path, sheet),
        Format::Csv | Format::GeoJson | Format::Gpx | Format::Kml => {
            let bytes = text::read_bytes(path).map_err(|e| format!("cannot be read: {e}"))?;
            if format == Format::Csv {
                return csv::read(&bytes);
            }
            let (text, _) = text::decode(&bytes)?;
            match format {
                Format::Gpx => gpx::read(&text),
                Format::Kml => kml::read(&text),
                _ => geojson::read(&text),
            }
        }
    }
}
