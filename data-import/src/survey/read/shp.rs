//! Shapefiles: `.shp` geometries with their `.dbf` attributes (see [`super::dbf`] for the text
//! encoding), the CRS from the `.prj`, read from the files beside the `.shp` or from a `.zip`
//! holding one shapefile set (as surveyors e-mail them).

use super::dbf;
use crate::crs::Crs;
use crate::survey::source::{RawRecord, RawValue, Source};
use std::io::{Cursor, Read};
use std::path::Path;

/// The files of one shapefile set.
struct Set {
    name: String,
    shp: Vec<u8>,
    dbf: Option<Vec<u8>>,
    prj: Option<String>,
    cpg: Option<String>,
}

fn from_zip(path: &Path, layer: Option<&str>) -> Result<Set, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("cannot be read: {e}"))?;
    let mut zip = zip::ZipArchive::new(file).map_err(|e| format!("is not a readable zip archive: {e}"))?;
    let names: Vec<String> = zip.file_names().filter_map(|n| n.ok().map(|c| c.into_owned())).collect();
    let shps: Vec<String> = names.iter().filter(|n| n.to_ascii_lowercase().ends_with(".shp")).cloned().collect();
    let shp_name = match (layer, shps.as_slice()) {
        (Some(l), _) => shps
            .iter()
            .find(|n| n.trim_end_matches(".shp").rsplit('/').next() == Some(l))
            .cloned()
            .ok_or_else(|| format!("holds no shapefile `{l}` (it holds {})", shps.join(", ")))?,
        (None, [one]) => one.clone(),
        (None, []) => return Err("holds no .shp file".into()),
        (None, many) => {
            return Err(format!("holds {} shapefiles ({}): choose one with --sheet NAME", many.len(), many.join(", ")))
        }
    };
    let stem = shp_name[..shp_name.len() - 4].to_owned();
    let mut read = |ext: &str| -> Result<Option<Vec<u8>>, String> {
        let wanted = format!("{stem}.{ext}").to_ascii_lowercase();
        let Some(name) = names.iter().find(|n| n.to_ascii_lowercase() == wanted).cloned() else { return Ok(None) };
        let mut buf = Vec::new();
        zip.by_name(&name)
            .map_err(|e| format!("{name}: {e}"))?
            .read_to_end(&mut buf)
            .map_err(|e| format!("{name}: {e}"))?;
        Ok(Some(buf))
    };
    let shp = read("shp")?.ok_or("the .shp vanished")?;
    let text = |b: Option<Vec<u8>>| b.map(|b| String::from_utf8_lossy(&b).into_owned());
    Ok(Set { dbf: read("dbf")?, prj: text(read("prj")?), cpg: text(read("cpg")?), shp, name: shp_name })
}

fn from_files(path: &Path) -> Result<Set, String> {
    let shp = std::fs::read(path).map_err(|e| format!("cannot be read: {e}"))?;
    let side = |ext: &str| -> Option<Vec<u8>> {
        [ext.to_owned(), ext.to_ascii_uppercase()].iter().find_map(|e| std::fs::read(path.with_extension(e)).ok())
    };
    let text = |b: Option<Vec<u8>>| b.map(|b| String::from_utf8_lossy(&b).into_owned());
    Ok(Set { name: path.display().to_string(), shp, dbf: side("dbf"), prj: text(side("prj")), cpg: text(side("cpg")) })
}

/// Reads a `.shp` (with its sidecar files) or a `.zip` of one; `layer` picks a shapefile by
/// name in a zip that holds several.
pub fn read(path: &Path, layer: Option<&str>) -> Result<Source, String> {
    let is_zip = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("zip"));
    let set = if is_zip { from_zip(path, layer)? } else { from_files(path)? };
    let mut reader = shapefile::ShapeReader::new(Cursor::new(set.shp))
        .map_err(|e| format!("{}: not a readable .shp: {e}", set.name))?;
    let mut notes = vec![format!("shapefile {}", set.name)];
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
        Some(wkt) => Some(Crs::from_wkt(wkt).map_err(|e| e.to_string())?),
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
            Err(e) => return Err(format!("{}: shape {} is unreadable (is the file truncated?): {e}", set.name, i + 1)),
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
