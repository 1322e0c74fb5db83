//! OpenStreetMap extracts (`.osm.pbf`, `.osm`, `.osm.gz`): the nodes and ways whose tags match a
//! filter (`amenity=hospital`, `emergency=*`), with their tags as columns (plus `osm_type`,
//! `osm_id`). A node is a point; a way is a line, or a polygon when closed. OSM coordinates are
//! WGS84 degrees.

use crate::crs::Crs;
use crate::survey::source::{RawRecord, RawValue, Source};
use geo::{Coord, Geometry, LineString, Point, Polygon};
use quick_xml::events::Event;
use quick_xml::Reader;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// The tags of a node or way, in file order.
pub type Tags = Vec<(String, String)>;

/// One `key=value` (or `key=*`) condition; a feature matches when any condition holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagFilter(Vec<(String, Option<String>)>);

impl TagFilter {
    /// Parses `amenity=hospital,emergency=*` (also separated by `;` or spaces).
    pub fn parse(s: &str) -> Result<TagFilter, String> {
        let conds: Vec<(String, Option<String>)> = s
            .split([',', ';', ' '])
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(|c| match c.split_once('=') {
                Some((k, "*")) => Ok((k.trim().to_owned(), None)),
                Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_owned(), Some(v.trim().to_owned()))),
                _ => Err(format!("`{c}` is not key=value or key=*")),
            })
            .collect::<Result<_, _>>()?;
        if conds.is_empty() {
            return Err("the tag filter is empty".into());
        }
        Ok(TagFilter(conds))
    }

    pub fn matches(&self, tags: &[(String, String)]) -> bool {
        self.0.iter().any(|(k, v)| tags.iter().any(|(tk, tv)| tk == k && v.as_ref().is_none_or(|v| v == tv)))
    }
}

/// What an extract holds that matches a filter (positions are WGS84 lon/lat degrees).
#[derive(Debug, Default)]
pub struct Extract {
    /// The position of every node of the file, matching or not (ways refer to them).
    pub coords: HashMap<i64, (f64, f64)>,
    /// Matching nodes: id, position, tags.
    pub nodes: Vec<(i64, (f64, f64), Tags)>,
    /// Matching ways: id, node refs, tags.
    pub ways: Vec<(i64, Vec<i64>, Tags)>,
}

/// Reads the nodes and ways of an extract (`.osm.pbf`, `.osm`, `.osm.gz`) that match `filter`;
/// the error says what is wrong with the file.
pub fn extract(path: &Path, filter: &TagFilter) -> Result<Extract, String> {
    let name = path.file_name().map(|n| n.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    if name.ends_with(".pbf") {
        read_pbf(path, filter)
    } else {
        let bytes = super::text::read_bytes(path).map_err(|e| format!("cannot be read: {e}"))?;
        let (text, _) = super::text::decode(&bytes)?;
        read_xml(&text, filter)
    }
}

fn read_pbf(path: &Path, filter: &TagFilter) -> Result<Extract, String> {
    let reader = osmpbf::ElementReader::from_path(path).map_err(|e| format!("is not a readable .osm.pbf: {e}"))?;
    let mut x = Extract::default();
    let tags =
        |it: &mut dyn Iterator<Item = (&str, &str)>| it.map(|(k, v)| (k.to_owned(), v.to_owned())).collect::<Vec<_>>();
    reader
        .for_each(|el| match el {
            osmpbf::Element::Node(n) => {
                x.coords.insert(n.id(), (n.lon(), n.lat()));
                let t = tags(&mut n.tags());
                if filter.matches(&t) {
                    x.nodes.push((n.id(), (n.lon(), n.lat()), t));
                }
            }
            osmpbf::Element::DenseNode(n) => {
                x.coords.insert(n.id(), (n.lon(), n.lat()));
                let t = tags(&mut n.tags());
                if filter.matches(&t) {
                    x.nodes.push((n.id(), (n.lon(), n.lat()), t));
                }
            }
            osmpbf::Element::Way(w) => {
                let t = tags(&mut w.tags());
                if filter.matches(&t) {
                    x.ways.push((w.id(), w.refs().collect(), t));
                }
            }
            osmpbf::Element::Relation(_) => {}
        })
        .map_err(|e| format!("cannot be read (truncated?): {e}"))?;
    Ok(x)
}

fn attr(e: &quick_xml::events::BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .and_then(|a| a.normalized_value(quick_xml::XmlVersion::Implicit1_0).ok().map(|v| v.into_owned()))
}

/// The element being read: (`node`/`way`, id, position, node refs, tags).
type XmlElement = (String, i64, Option<(f64, f64)>, Vec<i64>, Tags);

/// One feature as a row: cells (column, text) and its geometry or why it has none.
type OsmRow = (Vec<(usize, String)>, Result<Geometry<f64>, String>);

fn read_xml(text: &str, filter: &TagFilter) -> Result<Extract, String> {
    let mut r = Reader::from_str(text);
    let mut x = Extract::default();
    let mut cur: Option<XmlElement> = None;
    loop {
        let ev =
            r.read_event().map_err(|e| format!("is not well-formed OSM XML at byte {}: {e}", r.buffer_position()))?;
        let (start, empty) = match &ev {
            Event::Start(e) => (Some(e.clone()), false),
            Event::Empty(e) => (Some(e.clone()), true),
            _ => (None, false),
        };
        if let Some(e) = start {
            let name = e.local_name().as_ref().to_owned();
            match name.as_str() {
                "node" | "way" => {
                    let id = attr(&e, "id")
                        .and_then(|v| v.parse::<i64>().ok())
                        .ok_or_else(|| format!("a <{name}> without a numeric id"))?;
                    let pos = match (
                        attr(&e, "lon").and_then(|v| v.parse().ok()),
                        attr(&e, "lat").and_then(|v| v.parse().ok()),
                    ) {
                        (Some(lon), Some(lat)) => Some((lon, lat)),
                        _ => None,
                    };
                    cur = Some((name.clone(), id, pos, Vec::new(), Vec::new()));
                }
                "nd" => {
                    if let (Some(c), Some(r)) = (cur.as_mut(), attr(&e, "ref").and_then(|v| v.parse().ok())) {
                        c.3.push(r);
                    }
                }
                "tag" => {
                    if let (Some(c), Some(k), Some(v)) = (cur.as_mut(), attr(&e, "k"), attr(&e, "v")) {
                        c.4.push((k, v));
                    }
                }
                _ => {}
            }
            if !(empty && (name == "node" || name == "way")) {
                continue;
            }
        } else if !matches!(&ev, Event::End(e) if matches!(e.local_name().as_ref(), "node" | "way")) {
            if matches!(ev, Event::Eof) {
                break;
            }
            continue;
        }
        // The end of a node or way.
        if let Some((kind, id, pos, refs, tags)) = cur.take() {
            if kind == "node" {
                let p = pos.ok_or_else(|| format!("node {id} has no lat/lon"))?;
                x.coords.insert(id, p);
                if filter.matches(&tags) {
                    x.nodes.push((id, p, tags));
                }
            } else if filter.matches(&tags) {
                x.ways.push((id, refs, tags));
            }
        }
    }
    if cur.is_some() {
        return Err("ends inside a node or way: the file is truncated".into());
    }
    Ok(x)
}

/// Reads the features of an extract that match `filter`.
pub fn read(path: &Path, filter: &TagFilter) -> Result<Source, String> {
    let x = extract(path, filter)?;
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
