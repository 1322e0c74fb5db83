//! GeoJSON geometry in and out, checked against a layer's geometry type.
//!
//! Coordinates are EPSG:4326 / EPSG:4490 longitude, latitude in degrees (GeoJSON order).

use crate::{GeometryKind, ValidationError};
use geo::{Geometry, MultiPolygon, Polygon};
use geojson::Value as Gj;

type Position = Vec<f64>;

fn check_position(path: &str, p: &Position) -> Result<(), ValidationError> {
    if !(2..=3).contains(&p.len()) {
        return Err(ValidationError::new(path, format!("a position needs 2 or 3 numbers, got {}", p.len())));
    }
    let (lon, lat) = (p[0], p[1]);
    if !lon.is_finite() || !lat.is_finite() {
        return Err(ValidationError::new(path, "coordinates must be finite numbers"));
    }
    if !(-180.0..=180.0).contains(&lon) {
        return Err(ValidationError::new(path, format!("longitude {lon} outside -180..180")));
    }
    if !(-90.0..=90.0).contains(&lat) {
        return Err(ValidationError::new(path, format!("latitude {lat} outside -90..90")));
    }
    Ok(())
}

fn check_line(path: &str, line: &[Position]) -> Result<(), ValidationError> {
    for (i, p) in line.iter().enumerate() {
        check_position(&format!("{path}[{i}]"), p)?;
    }
    let distinct = line.windows(2).any(|w| w[0][..2] != w[1][..2]);
    if line.len() < 2 || !distinct {
        return Err(ValidationError::new(path, "a line needs at least 2 distinct positions"));
    }
    Ok(())
}

fn check_polygon(path: &str, rings: &[Vec<Position>]) -> Result<(), ValidationError> {
    if rings.is_empty() {
        return Err(ValidationError::new(path, "a polygon needs an exterior ring"));
    }
    for (r, ring) in rings.iter().enumerate() {
        let rp = format!("{path}[{r}]");
        for (i, p) in ring.iter().enumerate() {
            check_position(&format!("{rp}[{i}]"), p)?;
        }
        if ring.len() < 4 {
            return Err(ValidationError::new(rp, format!("a ring needs at least 4 positions, got {}", ring.len())));
        }
        if ring.first().map(|p| &p[..2]) != ring.last().map(|p| &p[..2]) {
            return Err(ValidationError::new(rp, "a ring must be closed (first position = last)"));
        }
    }
    Ok(())
}

/// Parses a GeoJSON geometry object for a layer of `kind`, checking type, ranges and shape.
/// Polygons become one-part multipolygons; a Z value is dropped.
pub fn geometry_from_geojson(value: &serde_json::Value, kind: GeometryKind) -> Result<Geometry, ValidationError> {
    let gj = geojson::Geometry::from_json_value(value.clone())
        .map_err(|e| ValidationError::new("geometry", format!("not a GeoJSON geometry: {e}")))?;
    let type_name = gj.value.type_name();
    if !kind.accepted_geojson().contains(&type_name) {
        return Err(ValidationError::new(
            "geometry.type",
            format!("this layer takes {}, not {type_name}", kind.accepted_geojson().join(" or ")),
        ));
    }
    let c = "geometry.coordinates";
    match &gj.value {
        Gj::Point(p) => check_position(c, p)?,
        Gj::LineString(l) => check_line(c, l)?,
        Gj::Polygon(rings) => check_polygon(c, rings)?,
        Gj::MultiPolygon(polys) => {
            if polys.is_empty() {
                return Err(ValidationError::new(c, "a multipolygon needs at least one polygon"));
            }
            for (i, rings) in polys.iter().enumerate() {
                check_polygon(&format!("{c}[{i}]"), rings)?;
            }
        }
        _ => {}
    }
    let geometry =
        Geometry::<f64>::try_from(gj).map_err(|e| ValidationError::new("geometry", format!("cannot convert: {e}")))?;
    Ok(match geometry {
        Geometry::Polygon(p) => Geometry::MultiPolygon(MultiPolygon(vec![p])),
        other => other,
    })
}

/// The GeoJSON geometry object of `geometry`.
pub fn geometry_to_geojson(geometry: &Geometry) -> serde_json::Value {
    serde_json::to_value(geojson::Geometry::from(geometry)).unwrap_or(serde_json::Value::Null)
}

/// Whether a stored geometry has the layer's type.
pub fn has_kind(geometry: &Geometry, kind: GeometryKind) -> bool {
    matches!(
        (geometry, kind),
        (Geometry::Point(_), GeometryKind::Point)
            | (Geometry::LineString(_), GeometryKind::LineString)
            | (Geometry::MultiPolygon(_), GeometryKind::MultiPolygon)
    )
}

/// A polygon made into the layer's multipolygon type (helper for generators and importers).
pub fn multi(p: Polygon) -> Geometry {
    Geometry::MultiPolygon(MultiPolygon(vec![p]))
}
