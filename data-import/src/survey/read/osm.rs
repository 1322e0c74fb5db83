//! OpenStreetMap extracts (`.osm.pbf`, `.osm`, `.osm.gz`): the nodes and ways whose tags match a
//! filter (`amenity=hospital`, `emergency=*`), with their tags as columns (plus `osm_type`,
//! `osm_id`). A node is a point; a way is a line, or a polygon when closed. OSM coordinates are
//! WGS84 degrees.

use crate::crs::Crs;
use crate::survey::source::{RawRecord, RawValue, Source};
use geo::{Coord, Geometry, LineString, Point, Polygon};
use std::collections::BTreeMap;
use std::path::Path;

pub use onemap_osm::TagFilter;

/// One feature as a row: cells (column, text) and its geometry or why it has none.
type OsmRow = (Vec<(usize, String)>, Result<Geometry<f64>, String>);

/// Reads the features of an extract that match `filter`.
pub fn read(path: &Path, filter: &TagFilter) -> Result<Source, super::FileError> {
    let x = onemap_osm::extract(path, filter)?;
    let mut headers = vec!["osm_type".to_owned(), "osm_id".to_owned()];
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    let mut column = |k: &str, headers: &mut Vec<String>| -> usize {
        *index.entry(k.to_owned()).or_insert_with(|| {
            headers.push(k.to_owned());
            headers.len() - 1
        })
    };
    let mut rows: Vec<OsmRow> = Vec::new();
    for (id, (lon, lat), tags) in &x.nodes {
        let cells = std::iter::once((0, "node".to_owned()))
            .chain([(1, id.to_string())])
            .chain(tags.iter().map(|(k, v)| (column(k, &mut headers), v.clone())))
            .collect();
        rows.push((cells, Ok(Geometry::Point(Point::new(*lon, *lat)))));
    }
    for (id, refs, tags) in &x.ways {
        let cells = std::iter::once((0, "way".to_owned()))
            .chain([(1, id.to_string())])
            .chain(tags.iter().map(|(k, v)| (column(k, &mut headers), v.clone())))
            .collect();
        let coords: Result<Vec<Coord<f64>>, String> = refs
            .iter()
            .map(|r| {
                x.coords
                    .get(r)
                    .map(|(lon, lat)| Coord { x: *lon, y: *lat })
                    .ok_or_else(|| format!("way {id}: node {r} is not in the extract"))
            })
            .collect();
        let g = coords.and_then(|c| {
            if c.len() < 2 {
                Err(format!("way {id} has {} node(s)", c.len()))
            } else if c.len() >= 4 && c.first() == c.last() {
                Ok(Geometry::Polygon(Polygon::new(LineString::new(c), vec![])))
            } else {
                Ok(Geometry::LineString(LineString::new(c)))
            }
        });
        rows.push((cells, g));
    }
    let width = headers.len();
    let records = rows
        .into_iter()
        .enumerate()
        .map(|(i, (cells, g))| {
            let mut values = vec![RawValue::Empty; width];
            for (c, v) in cells {
                values[c] = RawValue::Text(v);
            }
            let (geometry, error) = match g {
                Ok(g) => (Some(g), None),
                Err(e) => (None, Some(e)),
            };
            RawRecord { row: i + 1, values, geometry, error }
        })
        .collect();
    Ok(Source {
        headers,
        records,
        crs: Some(Crs::Wgs84),
        notes: vec![format!(
            "OpenStreetMap: {} nodes and {} ways match; © OpenStreetMap contributors (ODbL)",
            x.nodes.len(),
            x.ways.len()
        )],
        area_as_point: false,
    })
}
