//! GeoJSON FeatureCollections (or one Feature): properties become columns, the feature `id` a
//! column `id` unless a property has that name; a legacy `crs` member names the CRS.

use super::{FileError, ReadError};
use crate::crs::{Crs, CrsError};
use crate::survey::source::{RawRecord, RawValue, Source};
use serde_json::Value;
use std::collections::HashMap;

/// One feature as read: its index, cells (column, value), geometry, and why the geometry was refused.
type FeatureRow = (usize, Vec<(usize, RawValue)>, Option<geo::Geometry<f64>>, Option<String>);

fn value(v: &Value) -> RawValue {
    match v {
        Value::Null => RawValue::Empty,
        Value::Bool(b) => RawValue::Bool(*b),
        Value::Number(n) => n.as_f64().map_or(RawValue::Empty, RawValue::Number),
        Value::String(s) => RawValue::Text(s.clone()),
        other => RawValue::Text(other.to_string()),
    }
}

/// The CRS a legacy GeoJSON `crs` member names (`EPSG:4490`, `urn:ogc:def:crs:EPSG::4490`, CRS84).
fn declared_crs(doc: &Value) -> Result<Option<Crs>, CrsError> {
    let Some(name) = doc.pointer("/crs/properties/name").and_then(Value::as_str) else { return Ok(None) };
    if name.ends_with("CRS84") {
        return Ok(Some(Crs::Wgs84));
    }
    let code = name.rsplit(':').next().unwrap_or(name);
    Ok(Some(code.parse::<Crs>()?))
}

/// Reads a GeoJSON document.
pub fn read(text: &str) -> Result<Source, ReadError> {
    let doc: Value = serde_json::from_str(text).map_err(FileError::Json)?;
    let features: Vec<&Value> = match doc.get("type").and_then(Value::as_str) {
        Some("FeatureCollection") => {
            doc.get("features").and_then(Value::as_array).ok_or(FileError::NoFeatures)?.iter().collect()
        }
        Some("Feature") => vec![&doc],
        _ => return Err(FileError::NotGeoJson.into()),
    };
    let mut headers: Vec<String> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let id_is_property = features.iter().any(|f| f.pointer("/properties/id").is_some());
    let mut add_header = |h: &str, headers: &mut Vec<String>| -> usize {
        *index.entry(h.to_owned()).or_insert_with(|| {
            headers.push(h.to_owned());
            headers.len() - 1
        })
    };
    let mut rows: Vec<FeatureRow> = Vec::new();
    for (i, f) in features.iter().enumerate() {
        let mut cells = Vec::new();
        if let (Some(id), false) = (f.get("id"), id_is_property) {
            cells.push((add_header("id", &mut headers), value(id)));
        }
        if let Some(props) = f.get("properties").and_then(Value::as_object) {
            for (k, v) in props {
                cells.push((add_header(k, &mut headers), value(v)));
            }
        }
        let (geometry, error) = match f.get("geometry") {
            None | Some(Value::Null) => (None, Some("has no geometry".to_owned())),
            Some(g) => match geojson::Geometry::from_json_value(g.clone())
                .map_err(|e| e.to_string())
                .and_then(|g| geo::Geometry::<f64>::try_from(g).map_err(|e| e.to_string()))
            {
                Ok(g) => (Some(g), None),
                Err(e) => (None, Some(format!("geometry is not valid GeoJSON: {e}"))),
            },
        };
        rows.push((i + 1, cells, geometry, error));
    }
    let width = headers.len();
    let records = rows
        .into_iter()
        .map(|(row, cells, geometry, error)| {
            let mut values = vec![RawValue::Empty; width];
            for (c, v) in cells {
                values[c] = v;
            }
            RawRecord { row, values, geometry, error }
        })
        .collect();
    Ok(Source {
        headers,
        records,
        crs: declared_crs(&doc)?,
        notes: vec![format!("GeoJSON, {} features", features.len())],
        area_as_point: false,
    })
}
