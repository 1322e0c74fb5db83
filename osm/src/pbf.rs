//! `.osm.pbf` extracts, through osmpbf.

use crate::{Extract, OsmError, TagFilter, Tags};
use std::path::Path;

fn tags<'a>(it: impl Iterator<Item = (&'a str, &'a str)>) -> Tags {
    it.map(|(k, v)| (k.to_owned(), v.to_owned())).collect()
}

pub fn read(path: &Path, filter: &TagFilter) -> Result<Extract, OsmError> {
    let reader = osmpbf::ElementReader::from_path(path)?;
    let mut x = Extract::default();
    let node = |x: &mut Extract, id: i64, pos: (f64, f64), t: Tags| {
        x.coords.insert(id, pos);
        if filter.matches(&t) {
            x.nodes.push((id, pos, t));
        }
    };
    reader.for_each(|el| match el {
        osmpbf::Element::Node(n) => node(&mut x, n.id(), (n.lon(), n.lat()), tags(n.tags())),
        osmpbf::Element::DenseNode(n) => node(&mut x, n.id(), (n.lon(), n.lat()), tags(n.tags())),
        osmpbf::Element::Way(w) => {
            let t = tags(w.tags());
            if filter.matches(&t) {
                x.ways.push((w.id(), w.refs().collect(), t));
            }
        }
        osmpbf::Element::Relation(_) => {}
    })?;
    Ok(x)
}
