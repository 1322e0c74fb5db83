//! Road ways as the graph builder takes them: OpenStreetMap ways, or lines of a roads layer.

use onemap_osm::{extract, OsmError, TagFilter};
use std::path::Path;

/// One road: its tags and its nodes (an id shared by the ways that meet there, and a WGS84
/// lon/lat position in degrees).
#[derive(Debug, Clone, PartialEq)]
pub struct Way {
    pub id: i64,
    pub tags: Vec<(String, String)>,
    pub nodes: Vec<(i64, [f64; 2])>,
}

impl Way {
    /// The value of tag `key`.
    pub fn tag(&self, key: &str) -> Option<&str> {
        self.tags.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }
}

/// The `highway=*` ways of an OpenStreetMap extract (`.osm.pbf`, `.osm`, `.osm.gz`), with their
/// node positions; ways whose nodes are missing from the extract are cut at the gap.
pub fn read_osm(path: &Path) -> Result<Vec<Way>, OsmError> {
    let x = extract(path, &TagFilter::any_of(&["highway"]))?;
    let mut ways = Vec::with_capacity(x.ways.len());
    for (id, refs, tags) in x.ways {
        let mut run: Vec<(i64, [f64; 2])> = Vec::with_capacity(refs.len());
        for r in refs {
            match x.coords.get(&r) {
                Some(&(lon, lat)) => run.push((r, [lon, lat])),
                None => {
                    if run.len() >= 2 {
                        ways.push(Way { id, tags: tags.clone(), nodes: std::mem::take(&mut run) });
                    }
                    run.clear();
                }
            }
        }
        if run.len() >= 2 {
            ways.push(Way { id, tags, nodes: run });
        }
    }
    Ok(ways)
}

/// Ways from plain lines (a roads layer): lines that share a position (to 1e-7°, ~1 cm) are
/// joined there. Each line is `(id, WGS84 lon/lat points in degrees, OSM-style tags)`.
pub fn from_lines(lines: impl IntoIterator<Item = (i64, Vec<[f64; 2]>, Vec<(String, String)>)>) -> Vec<Way> {
    let mut ids: std::collections::HashMap<(i64, i64), i64> = std::collections::HashMap::new();
    lines
        .into_iter()
        .filter(|(_, pts, _)| pts.len() >= 2)
        .map(|(id, pts, tags)| {
            let nodes = pts
                .into_iter()
                .map(|p| {
                    let key = ((p[0] * 1e7).round() as i64, (p[1] * 1e7).round() as i64);
                    let next = ids.len() as i64 + 1;
                    (*ids.entry(key).or_insert(next), p)
                })
                .collect();
            Way { id, tags, nodes }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_join_where_they_touch() {
        let t = vec![("highway".to_owned(), "residential".to_owned())];
        let ways = from_lines([
            (1, vec![[0.0, 0.0], [0.001, 0.0]], t.clone()),
            (2, vec![[0.001, 0.000_000_01], [0.002, 0.0]], t.clone()),
            (3, vec![[5.0, 5.0]], t),
        ]);
        assert_eq!(ways.len(), 2);
        assert_eq!(ways[0].nodes[1].0, ways[1].nodes[0].0, "1e-8° apart is the same node");
        assert_ne!(ways[0].nodes[0].0, ways[1].nodes[1].0);
    }
}
