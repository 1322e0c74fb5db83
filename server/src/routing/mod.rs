//! `/routing/*`: routes, nearest shelters with room, dispatch, assignment, isochrones, coverage
//! and closures. Positions in requests and responses are WGS84 lon/lat degrees (`lon,lat`);
//! distances metres; durations seconds (and minutes where the field says so).

mod areas;
pub mod closures;
mod closures_api;
pub mod openapi;
mod params;
mod places;

use crate::error::{ApiError, ApiResult};
use crate::AppState;
use axum::http::StatusCode;
use axum::Router;
use chrono::{DateTime, Utc};
use closures::Book;
use onemap_model::registry::rollup::{self, RollupValue};
use onemap_model::registry::{Agg, Cond, Measure, PlaceSpec, Rollup};
use onemap_model::{LayerId, Properties, Registry, Scope};
use onemap_routing::coverage::Coverage;
use onemap_routing::route::DEFAULT_SNAP_M;
use onemap_routing::{Engine, Network, Place, PlaceIndex, Profile, RoutingError};
use onemap_store::{Bbox, ChangeListener, Store};
use parking_lot::Mutex;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// A layer whose features routing uses as places (its registry entry has a
/// [`PlaceSpec`](onemap_model::registry::PlaceSpec)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PlaceLayer(LayerId);

impl PlaceLayer {
    pub const SHELTERS: PlaceLayer = PlaceLayer(LayerId::SHELTERS);
    pub const TEAMS: PlaceLayer = PlaceLayer(LayerId::TEAMS);

    fn layer(self) -> LayerId {
        self.0
    }

    fn spec(self) -> &'static PlaceSpec {
        self.0.def().place.as_ref().unwrap_or(&NO_PLACE)
    }

    /// The place layer of `registry` named `s`.
    fn parse(registry: &Registry, s: &str) -> Option<PlaceLayer> {
        registry.get(s).filter(|l| l.def().place.is_some()).map(PlaceLayer)
    }

    /// The place layers of `registry`, as a list for messages.
    fn names(registry: &Registry) -> String {
        registry.places().map(|(l, _)| l.as_str()).collect::<Vec<_>>().join(", ")
    }

    /// How one travels from (or to) these places unless asked otherwise.
    fn default_profile(self) -> Profile {
        Profile::parse(self.spec().profile).unwrap_or(Profile::Car)
    }
}

/// What a layer without a place declaration is taken as (never reached: [`PlaceLayer`]s are
/// made only from layers that have one).
const NO_PLACE: PlaceSpec =
    PlaceSpec { room: Measure::Prop(""), profile: "car", available: None, excluded_by_closed_areas: false };

type PlaceKey = (PlaceLayer, Profile, String);
/// A cached place index: the layer's change count, the closed-road version it was snapped at
/// and the closures' generation (shelters inside closed areas are left out).
type CachedPlaces = ((u64, u64, u64), Arc<PlaceIndex>);
type CoverageKey = (PlaceLayer, Profile);
/// A cached coverage, stamped as its places are.
type CachedCoverage = ((u64, u64, u64), Arc<Coverage>);

/// The routing engine, its closures and what it caches from the store.
pub struct RoutingState {
    pub engine: Arc<Engine>,
    store: std::sync::Weak<dyn Store>,
    /// Change counters per place layer (bumped by every write to it).
    changes: HashMap<LayerId, AtomicU64>,
    /// Bumped by every write to hazards or risk zones.
    auto_writes: AtomicU64,
    /// The `auto_writes` count the automatic closures reflect (set under `book`).
    auto_applied: AtomicU64,
    pub(crate) book: Mutex<Book>,
    /// When the next closure ends by itself.
    next_expiry: Mutex<Option<DateTime<Utc>>>,
    places: Mutex<HashMap<PlaceKey, CachedPlaces>>,
    coverage: Mutex<HashMap<CoverageKey, CachedCoverage>>,
    /// The closures' area generation ([`Book::generation`]), copied out after every apply so
    /// that cache checks need not wait for the book.
    areas_generation: AtomicU64,
    /// Shelters left out of the last shelter index because a closed area holds them.
    pub(crate) shelters_in_closed_areas: std::sync::atomic::AtomicUsize,
}

impl RoutingState {
    /// Routing on `engine` over `store`'s layers; manual closures are kept in `closures_file`.
    pub fn new(
        roads: RoadNetwork,
        store: &Arc<dyn Store>,
        closures_file: Option<std::path::PathBuf>,
    ) -> Result<RoutingState, closures::BookError> {
        let mut book = Book::open(closures_file)?;
        book.road_ways = roads.road_ways;
        let engine = Arc::new(roads.engine);
        engine.spawn_preparer();
        let rs = RoutingState {
            engine,
            store: Arc::downgrade(store),
            changes: store.registry().places().map(|(l, _)| (l, AtomicU64::new(0))).collect(),
            // One write "before" the start, so the first request computes them.
            auto_writes: AtomicU64::new(1),
            auto_applied: AtomicU64::new(0),
            book: Mutex::new(book),
            next_expiry: Mutex::new(None),
            places: Mutex::default(),
            coverage: Mutex::default(),
            shelters_in_closed_areas: Default::default(),
            areas_generation: AtomicU64::new(0),
        };
        Ok(rs)
    }

    fn store(&self) -> ApiResult<Arc<dyn Store>> {
        self.store.upgrade().ok_or_else(|| ApiError::internal("the store is gone"))
    }

    /// Brings the closures up to date: automatic ones after writes to their layers, and any
    /// that has ended by itself. Called before every routing answer.
    /// A request that finds them out of date waits for the one bringing them up to date (under
    /// `book`), so no answer after a write's 2xx misses that write's closures.
    pub fn refresh(&self) -> ApiResult<()> {
        let now = Utc::now();
        let expired = || self.next_expiry.lock().is_some_and(|t| t <= now);
        let behind = || self.auto_applied.load(Ordering::Acquire) < self.auto_writes.load(Ordering::Acquire);
        if !behind() && !expired() {
            return Ok(());
        }
        let store = self.store()?;
        let mut book = self.book.lock();
        let writes = self.auto_writes.load(Ordering::Acquire);
        if self.auto_applied.load(Ordering::Acquire) < writes {
            book.refresh_auto(store.as_ref())?;
            self.auto_applied.store(writes, Ordering::Release);
        } else if !expired() {
            return Ok(()); // another request brought them up to date meanwhile
        }
        self.reapply(&mut book);
        Ok(())
    }

    /// Puts the book's closures in force (after a change of the manual ones, a refresh of the
    /// automatic ones or an expiry).
    pub(crate) fn reapply(&self, book: &mut Book) {
        let now = Utc::now();
        book.apply(&self.engine, now);
        self.areas_generation.store(book.generation, Ordering::Release);
        *self.next_expiry.lock() = book.next_expiry(now);
    }

    fn change_count(&self, l: PlaceLayer) -> u64 {
        self.changes.get(&l.layer()).map_or(0, |c| c.load(Ordering::Acquire))
    }

    /// What a place index (and a coverage from it) depends on: the layer's writes, the closed
    /// roads (snaps), and for shelters the closures' generation (those inside closed areas are
    /// left out).
    fn stamp(&self, l: PlaceLayer, net: &Network) -> (u64, u64, u64) {
        let generation =
            if l.spec().excluded_by_closed_areas { self.areas_generation.load(Ordering::Acquire) } else { 0 };
        (self.change_count(l), net.closed().version, generation)
    }

    /// The places of layer `l` snapped to `net`'s open roads, rebuilt after any write to the
    /// layer or change of the closures. `filter` picks teams by kind and status.
    fn places(&self, l: PlaceLayer, net: &Network, filter: &[(String, String)]) -> ApiResult<Arc<PlaceIndex>> {
        let key: PlaceKey = (l, net.profile, format!("{filter:?}"));
        // Snaps follow the closed roads; shelters also follow the closed areas.
        let stamp = self.stamp(l, net);
        if let Some((s, idx)) = self.places.lock().get(&key) {
            if *s == stamp {
                return Ok(Arc::clone(idx));
            }
        }
        let q =
            onemap_store::Query { limit: usize::MAX, any_order: true, filters: filter.to_vec(), ..Default::default() };
        let page = self.store()?.query(l.layer(), &q, &Scope::All)?;
        // A shelter inside a closed area (a flood zone in force, a cordon) takes nobody in, even
        // where a road outside the area is near it.
        let closed_areas: Vec<geo::MultiPolygon<f64>> = if l.spec().excluded_by_closed_areas {
            let book = self.book.lock();
            book.in_force(Utc::now()).filter_map(|c| c.area.as_ref().and_then(closures::area_of)).collect()
        } else {
            Vec::new()
        };
        let mut inside = 0;
        let room = Rollup::new("room", Agg::Sum(l.spec().room));
        let places = page
            .features
            .iter()
            .filter_map(|f| {
                let geo::Geometry::Point(pt) = f.geometry else { return None };
                if closed_areas.iter().any(|a| geo::Intersects::intersects(a, &pt)) {
                    inside += 1;
                    return None;
                }
                let name = f.properties.name().unwrap_or_default().to_owned();
                let free = match rollup::evaluate(l.layer(), &room, [&**f]) {
                    RollupValue::Int(i) => i,
                    RollupValue::Real(r) => r.floor() as i64,
                    _ => 0,
                };
                Some(Place { id: f.id.clone(), name, position: [pt.x(), pt.y()], free })
            })
            .collect();
        let idx = Arc::new(PlaceIndex::build(net, places, DEFAULT_SNAP_M));
        if l.spec().excluded_by_closed_areas {
            self.shelters_in_closed_areas.store(inside, Ordering::Release);
        }
        self.places.lock().insert(key, (stamp, Arc::clone(&idx)));
        Ok(idx)
    }

    /// The coverage from every place of `l` on `net`, recomputed after writes to `l` or a
    /// change of the closures.
    fn coverage(&self, l: PlaceLayer, net: &Network) -> ApiResult<(Arc<PlaceIndex>, Arc<Coverage>)> {
        let filter = match l.spec().available {
            Some(Cond::Is(p, v)) => vec![(p.to_owned(), v.to_owned())],
            _ => vec![],
        };
        let stamp = self.stamp(l, net);
        let idx = self.places(l, net, &filter)?;
        if let Some((s, cov)) = self.coverage.lock().get(&(l, net.profile)) {
            if *s == stamp {
                return Ok((idx, Arc::clone(cov)));
            }
        }
        let cov = Arc::new(net.coverage(idx.snaps.iter().flatten().copied().collect()));
        self.coverage.lock().insert((l, net.profile), (stamp, Arc::clone(&cov)));
        Ok((idx, cov))
    }
}

impl ChangeListener for RoutingState {
    fn changed(&self, layer: LayerId, _boxes: &[Bbox]) {
        if let Some(c) = self.changes.get(&layer) {
            c.fetch_add(1, Ordering::AcqRel);
        }
        if layer.def().closes_roads.is_some() {
            self.auto_writes.fetch_add(1, Ordering::AcqRel);
        }
    }
}

pub fn router() -> Router<AppState> {
    places::router().merge(areas::router()).merge(closures_api::router())
}

impl From<RoutingError> for ApiError {
    fn from(e: RoutingError) -> Self {
        let status = match e {
            RoutingError::BadCoordinate { .. } => StatusCode::BAD_REQUEST,
            RoutingError::TooFar { .. } | RoutingError::Unreachable { .. } | RoutingError::NoRoads { .. } => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            RoutingError::Saved { .. } => return ApiError::internal(e),
        };
        ApiError::new(status, "RoutingError", e.to_string())
    }
}

/// The routing state, its closures brought up to date; a 503 when no road network is loaded.
fn engine(state: &AppState) -> ApiResult<Arc<RoutingState>> {
    let rs = state.routing.clone().ok_or_else(|| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "NoRoadNetwork",
            "no road network is loaded: start the server with --roads FILE.osm.pbf, or import a roads layer and restart",
        )
    })?;
    rs.refresh()?;
    Ok(rs)
}

/// The store's roads as `(feature id, way id, WGS84 lon/lat points, OSM-style tags)`; the way id
/// is the line's `osm_id`, or else a stable hash of its feature id.
type RoadLine = (String, i64, Vec<[f64; 2]>, Vec<(String, String)>);

fn road_lines(store: &dyn Store) -> Result<Vec<RoadLine>, onemap_store::StoreError> {
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
) -> Result<Option<RoadNetwork>, String> {
    let mut road_ways = HashMap::new();
    let (ways, source) = match roads {
        Some(path) => {
            let ways = onemap_routing::way::read_osm(path).map_err(|e| format!("{}: {e}", path.display()))?;
            let name =
                path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
            (ways, format!("OpenStreetMap extract {name}; © OpenStreetMap contributors"))
        }
        None => {
            let lines = road_lines(store).map_err(|e| e.to_string())?;
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
    let engine = Engine::build_saved(&ways, source, saved).map_err(|e| e.to_string())?;
    Ok(Some(RoadNetwork { engine, road_ways }))
}
