//! Shapefiles: `.shp` geometries with their `.dbf` attributes (see [`super::dbf`] for the text
//! encoding), the CRS from the `.prj`, read from the files beside the `.shp` or from a `.zip`
//! holding one shapefile set (as surveyors e-mail them).

use super::{dbf, FileError, ReadError};
use crate::crs::Crs;
use crate::survey::source::{RawRecord, RawValue, Source};
use std::io::{Cursor, Read};
use std::path::Path;

/// The files of one shapefile set.
struct Set {
    /// The `.shp`'s name in the zip; `None` for the file read itself.
    member: Option<String>,
    shp: Vec<u8>,
    dbf: Option<Vec<u8>>,
    prj: Option<String>,
    cpg: Option<String>,
}

fn from_zip(path: &Path, layer: Option<&str>) -> Result<Set, ReadError> {
    let file = std::fs::File::open(path)?;
    let mut zip = zip::ZipArchive::new(file).map_err(FileError::Zip)?;
    let names: Vec<String> = zip.file_names().filter_map(|n| n.ok().map(|c| c.into_owned())).collect();
    let shps: Vec<String> = names.iter().filter(|n| n.to_ascii_lowercase().ends_with(".shp")).cloned().collect();
    let shp_name = match (layer, shps.as_slice()) {
        (Some(l), _) => shps
            .iter()
            .find(|n| n.trim_end_matches(".shp").rsplit('/').next() == Some(l))
            .cloned()
            .ok_or_else(|| FileError::NoSuchShapefile { wanted: l.to_owned(), available: shps.clone() })?,
        (None, [one]) => one.clone(),
        (None, []) => return Err(FileError::NoShapefile.into()),
        (None, _) => return Err(FileError::SeveralShapefiles { names: shps }.into()),
    };
    let stem = shp_name[..shp_name.len() - 4].to_owned();
    let mut read = |ext: &str| -> Result<Option<Vec<u8>>, FileError> {
        let wanted = format!("{stem}.{ext}").to_ascii_lowercase();
        let Some(name) = names.iter().find(|n| n.to_ascii_lowercase() == wanted).cloned() else { return Ok(None) };
        let mut buf = Vec::new();
        let mut member = match zip.by_name(&name) {
            Ok(m) => m,
            Err(source) => return Err(FileError::ZipMember { member: name, source }),
        };
        if let Err(source) = member.read_to_end(&mut buf) {
            return Err(FileError::ZipMemberData { member: name, source });
        }
        Ok(Some(buf))
    };
    let shp = read("shp")?.ok_or(FileError::NoShapefile)?;
    let text = |b: Option<Vec<u8>>| b.map(|b| String::from_utf8_lossy(&b).into_owned());
    Ok(Set { dbf: read("dbf")?, prj: text(read("prj")?), cpg: text(read("cpg")?), shp, member: Some(shp_name) })
}

fn from_files(path: &Path) -> Result<Set, ReadError> {
    let shp = std::fs::read(path)?;
    let side = |ext: &str| -> Option<Vec<u8>> {
        [ext.to_owned(), ext.to_ascii_uppercase()].iter().find_map(|e| std::fs::read(path.with_extension(e)).ok())
    };
    let text = |b: Option<Vec<u8>>| b.map(|b| String::from_utf8_lossy(&b).into_owned());
    Ok(Set { member: None, shp, dbf: side("dbf"), prj: text(side("prj")), cpg: text(side("cpg")) })
}

/// Reads a `.shp` (with its sidecar files) or a `.zip` of one; `layer` picks a shapefile by
/// name in a zip that holds several.
pub fn read(path: &Path, layer: Option<&str>) -> Result<Source, ReadError> {
    let is_zip = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("zip"));
    let set = if is_zip { from_zip(path, layer)? } else { from_files(path)? };
    let member = set.member.clone();
    let mut reader = shapefile::ShapeReader::new(Cursor::new(set.shp))
        .map_err(|source| FileError::Shp { member: member.clone(), source: Box::new(source) })?;
    // The name in the zip, or the file's own name (never the directory it was read from).
    let name =
        member.clone().unwrap_or_else(|| path.file_name().map_or_else(String::new, |n| n.to_string_lossy().into()));
    let mut notes = vec![format!("shapefile {name}")];
    let table = match &set.dbf {
        Some(b) => {
            let t = dbf::read(b, set.cpg.as_deref())?;
            notes.push(format!(
                "attributes in {}{}",
                t.encoding,
                if set.cpg.is_some() { " (from the .cpg)" } else { "" }
            ));
            t
        }
        None => {
            notes.push("no .dbf: geometries only".into());
            dbf::Table::default()
        }
    };
    let crs = match &set.prj {
        Some(wkt) => Some(Crs::from_wkt(wkt)?),
        None => {
            notes.push("no .prj: the CRS is not stated".into());
            None
        }
    };
    let mut records = Vec::new();
    for (i, shape) in reader.iter_shapes().enumerate() {
        let (geometry, error) = match shape {
            Ok(shapefile::Shape::NullShape) => (None, Some("has a null geometry".to_owned())),
            Ok(s) => match geo::Geometry::<f64>::try_from(s) {
                Ok(g) => (Some(g), None),
                Err(e) => (None, Some(format!("geometry: {e}"))),
            },
            Err(source) => return Err(FileError::Shape { member, index: i + 1, source: Box::new(source) }.into()),
        };
        let values = match table.rows.get(i) {
            Some(Some(v)) => v.clone(),
            Some(None) => continue, // deleted in the .dbf
            None if table.fields.is_empty() => Vec::new(),
            None => vec![RawValue::Empty; table.fields.len()],
        };
        records.push(RawRecord { row: i + 1, values, geometry, error });
    }
    if !table.fields.is_empty() && table.rows.len() != records.len() + table.rows.iter().filter(|r| r.is_none()).count()
    {
        notes.push(format!("the .dbf has {} rows for {} shapes", table.rows.len(), records.len()));
    }
    Ok(Source {
        headers: table.fields.iter().map(|f| f.name.clone()).collect(),
        records,
        crs,
        notes,
        area_as_point: false,
    })
}
