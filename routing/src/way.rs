//! Road ways as the graph builder takes them: OpenStreetMap ways, or lines of a roads layer.

use onemap_import::survey::read::osm::{extract, TagFilter};
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
pub fn read_osm(path: &Path) -> Result<Vec<Way>, String> {
    let filter = TagFilter::parse("highway=*")?;
    let x = extract(path, &filter)?;
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
