//! The one OpenStreetMap reader of onemap: the importer, the demo, the road graph (and the
//! basemap) all read extracts through [`extract`]. It keeps the position of every node (ways
//! refer to them) and the nodes and ways whose tags match a [`TagFilter`]. Positions are WGS84
//! lon/lat degrees. Data read with it is © OpenStreetMap contributors (ODbL).

mod error;
mod filter;
mod pbf;
mod xml;

pub use error::OsmError;
pub use filter::{FilterError, TagFilter};

use std::collections::HashMap;
use std::path::Path;

/// The tags of a node or way, in file order.
pub type Tags = Vec<(String, String)>;

/// A matching node: id, WGS84 (lon, lat) degrees, tags.
pub type Node = (i64, (f64, f64), Tags);

/// A matching way: id, node refs, tags.
pub type Way = (i64, Vec<i64>, Tags);

/// What an extract holds that matches a filter.
#[derive(Debug, Default)]
pub struct Extract {
    /// The WGS84 (lon, lat) of every node of the file, matching or not.
    pub coords: HashMap<i64, (f64, f64)>,
    /// Matching nodes, in file order.
    pub nodes: Vec<Node>,
    /// Matching ways, in file order.
    pub ways: Vec<Way>,
}

impl Extract {
    /// The positions of a way's nodes; `None` when one is not in the extract.
    pub fn positions(&self, refs: &[i64]) -> Option<Vec<(f64, f64)>> {
        refs.iter().map(|r| self.coords.get(r).copied()).collect()
    }
}

/// Reads the nodes and ways of an extract that match `filter`: `.osm.pbf` by its name, else OSM
/// XML (un-gzipped when the name ends in `.gz`).
pub fn extract(path: &Path, filter: &TagFilter) -> Result<Extract, OsmError> {
    let name = path.file_name().map(|n| n.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    if name.ends_with(".pbf") {
        pbf::read(path, filter)
    } else {
        xml::read(&xml::read_bytes(path)?, filter)
    }
}
