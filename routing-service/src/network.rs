//! The road network to route on: an OpenStreetMap extract, or the store's roads layer.

use crate::closures;
use crate::error::LoadError;
use onemap_model::{LayerId, Properties, Scope};
use onemap_routing::Engine;
use onemap_store::Store;
use std::collections::HashMap;

/// The store's roads as `(feature id, way id, WGS84 lon/lat points, OSM-style tags)`; the way id
/// is the line's `osm_id`, or else a stable hash of its feature id.
type RoadLine = (String, i64, Vec<[f64; 2]>, Vec<(String, String)>);

pub fn road_lines(store: &dyn Store) -> Result<Vec<RoadLine>, onemap_store::StoreError> {
    let q = onemap_store::Query { limit: usize::MAX, any_order: true, ..Default::default() };
    let features = store.query(LayerId::ROADS, &q, &Scope::All)?.features;
    Ok(features
        .into_iter()
        .filter_map(|f| {
            let Properties::Road(p) = &f.properties else { return None };
            let geo::Geometry::LineString(ls) = &f.geometry else { return None };
            let mut tags = vec![("highway".to_owned(), p.highway.clone())];
            if p.oneway {
                tags.push(("oneway".into(), "yes".into()));
            }
            if let Some(s) = p.maxspeed_kmh {
                tags.push(("maxspeed".into(), s.to_string()));
            }
            let way = p.osm_id.unwrap_or_else(|| closures::road_way_id(&f.id));
            Some((f.id.clone(), way, ls.coords().map(|c| [c.x, c.y]).collect(), tags))
        })
        .collect())
}

/// The engine and, when it routes on the roads layer, the way id of every road feature (what a
/// closure by feature id closes).
pub struct RoadNetwork {
    pub engine: Engine,
    pub road_ways: HashMap<String, i64>,
}

impl From<Engine> for RoadNetwork {
    fn from(engine: Engine) -> Self {
        RoadNetwork { engine, road_ways: HashMap::new() }
    }
}

/// The road network to route on: the OpenStreetMap extract `roads` when given, else the store's
/// roads layer (lines joined where they share a vertex); `None` when there are no roads. The
/// prepared hierarchies are read from (and saved to) `saved`, e.g. `x.routing/` beside `x.gpkg`.
pub fn load_engine(
    store: &dyn Store,
    roads: Option<&std::path::Path>,
    saved: Option<&std::path::Path>,
) -> Result<Option<RoadNetwork>, LoadError> {
    let mut road_ways = HashMap::new();
    let (ways, source) = match roads {
        Some(path) => {
            let ways = onemap_routing::way::read_osm(path)
                .map_err(|source| LoadError::Extract { path: path.display().to_string(), source })?;
            let name =
                path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
            (ways, format!("OpenStreetMap extract {name}; © OpenStreetMap contributors"))
        }
        None => {
            let lines = road_lines(store)?;
            road_ways = lines.iter().map(|(fid, way, _, _)| (fid.clone(), *way)).collect();
            (
                onemap_routing::way::from_lines(lines.into_iter().map(|(_, id, coords, tags)| (id, coords, tags))),
                "the roads layer".to_owned(),
            )
        }
    };
    if ways.is_empty() {
        return Ok(None);
    }
    let engine = Engine::build_saved(&ways, source, saved)?;
    Ok(Some(RoadNetwork { engine, road_ways }))
}
