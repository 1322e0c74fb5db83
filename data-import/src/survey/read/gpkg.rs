//! GeoPackage feature tables (from QGIS, GDAL, a surveyor's tablet): attributes as columns, the
//! geometries, and the CRS of the table's `gpkg_spatial_ref_sys` row (its EPSG code, else its WKT).

use super::ReadError;
use crate::crs::{Crs, CrsError};
use crate::survey::source::{RawRecord, RawValue, Source};
use onemap_store::gpkg::foreign::read_table;
use serde_json::Value;
use std::path::Path;

fn value(v: Option<&Value>) -> RawValue {
    match v {
        None | Some(Value::Null) => RawValue::Empty,
        Some(Value::Bool(b)) => RawValue::Bool(*b),
        Some(Value::Number(n)) => n.as_f64().map_or(RawValue::Empty, RawValue::Number),
        Some(Value::String(s)) => RawValue::Text(s.clone()),
        Some(other) => RawValue::Text(other.to_string()),
    }
}

/// Reads feature table `table` (or the only one) of a GeoPackage.
pub fn read(path: &Path, table: Option<&str>) -> Result<Source, ReadError> {
    let t = read_table(path, table)?;
    let crs = match (&t.srs, &t.definition) {
        (Some((org, code)), _) if org.eq_ignore_ascii_case("EPSG") => {
            Some(format!("EPSG:{code}").parse::<Crs>().map_err(CrsError::from)?)
        }
        (_, Some(wkt)) if !wkt.trim().is_empty() && wkt.trim() != "undefined" => Some(Crs::from_wkt(wkt)?),
        _ => None,
    };
    let records = t
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let (geometry, error) = match &r.geometry {
                Some(Ok(g)) => (Some(g.clone()), None),
                Some(Err(e)) => (None, Some(e.to_string())),
                None => (None, Some("has no geometry".to_owned())),
            };
            RawRecord {
                row: i + 1,
                values: t.columns.iter().map(|c| value(r.values.get(c))).collect(),
                geometry,
                error,
            }
        })
        .collect();
    Ok(Source {
        headers: t.columns.clone(),
        records,
        crs,
        notes: vec![format!("GeoPackage table `{}`, {} features", t.name, t.rows.len())],
        area_as_point: false,
    })
}
