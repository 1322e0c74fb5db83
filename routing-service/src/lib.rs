//! The routing application service: routing on the road network as the one map needs it, with
//! no HTTP. It keeps the closures book (manual closures persisted beside the store, automatic ones
//! from the layers whose registry entry closes roads), the caches of places snapped to the network
//! (the layers whose registry entry makes them places: shelters, teams, depots) and their
//! coverage, and brings them up to date after writes. The server, the CLI and the benches call it
//! directly. Positions are WGS84 lon/lat degrees; distances metres; durations milliseconds.

mod areas;
mod assign;
mod closing;
pub mod closures;
mod error;
mod network;
mod ranking;
mod routes;

pub use areas::{CoverageSummary, Isochrones, RoadReach, VillageBeyond};
pub use assign::{GroupRequest, Placed};
pub use closing::{ClosedRoads, InForce, NewClosure, NEAR_M};
pub use closures::{Book, BookError, Closure, RoadRef};
pub use error::{LoadError, Result, ServiceError};
pub use network::{load_engine, RoadNetwork};
pub use ranking::{Ranking, ShelterRanking, TeamFilter};
pub use routes::{ClosureRef, Destination, NewEvacuationRoute, RouteAnswer};

use chrono::{DateTime, Utc};
use onemap_model::registry::rollup::{self, RollupValue};
use onemap_model::registry::{Cond, Measure, PlaceSpec};
use onemap_model::{LayerId, Registry, Scope};
use onemap_routing::coverage::Coverage;
use onemap_routing::route::DEFAULT_SNAP_M;
use onemap_routing::{Engine, Network, Place, PlaceIndex, Profile};
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

    pub fn layer(self) -> LayerId {
        self.0
    }

    fn spec(self) -> &'static PlaceSpec {
        self.0.def().place.as_ref().unwrap_or(&NO_PLACE)
    }

    /// The place layer of `registry` named `s`.
    pub fn parse(registry: &Registry, s: &str) -> Option<PlaceLayer> {
        registry.get(s).filter(|l| l.def().place.is_some()).map(PlaceLayer)
    }

    /// The place layers of `registry`, as a list for messages.
    pub fn names(registry: &Registry) -> String {
        registry.places().map(|(l, _)| l.as_str()).collect::<Vec<_>>().join(", ")
    }

    /// How one travels from (or to) these places unless asked otherwise.
    pub fn default_profile(self) -> Profile {
        Profile::parse(self.spec().profile).unwrap_or(Profile::Car)
    }
}

/// What a layer without a place declaration is taken as (never reached: [`PlaceLayer`]s are
/// made only from layers that have one).
const NO_PLACE: PlaceSpec =
    PlaceSpec { room: Measure::Prop(""), profile: "car", available: None, excluded_by_closed_areas: false };

/// A place index per layer, profile, filter and the scope of the callers it serves.
type PlaceKey = (PlaceLayer, Profile, String, Scope);
/// A cached place index: the layer's change count, the closed-road version it was snapped at
/// and the closures' generation (shelters inside closed areas are left out).
type CachedPlaces = ((u64, u64, u64), Arc<PlaceIndex>);
type CoverageKey = (PlaceLayer, Profile, Scope);
/// A cached coverage, stamped as its places are.
type CachedCoverage = ((u64, u64, u64), Arc<Coverage>);

/// The routing engine, its closures and what it caches from the store.
pub struct RoutingService {
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

impl RoutingService {
    /// Routing on `engine` over `store`'s layers; manual closures are kept in `closures_file`.
    pub fn new(
        roads: RoadNetwork,
        store: &Arc<dyn Store>,
        closures_file: Option<std::path::PathBuf>,
    ) -> Result<RoutingService, BookError> {
        let mut book = Book::open(closures_file)?;
        book.road_ways = roads.road_ways;
        let engine = Arc::new(roads.engine);
        engine.spawn_preparer();
        let rs = RoutingService {
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

    pub(crate) fn store(&self) -> Result<Arc<dyn Store>> {
        self.store.upgrade().ok_or(ServiceError::StoreGone)
    }

    /// Brings the closures up to date: automatic ones after writes to their layers, and any
    /// that has ended by itself. Called before every routing answer.
    /// A request that finds them out of date waits for the one bringing them up to date (under
    /// `book`), so no answer after a write's 2xx misses that write's closures.
    pub fn refresh(&self) -> Result<()> {
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

    /// The places of layer `l` a caller with `scope` sees, snapped to `net`'s open roads,
    /// rebuilt after any write to the layer or change of the closures. `filter` picks teams by
    /// kind and status.
    pub fn places(
        &self,
        l: PlaceLayer,
        net: &Network,
        filter: &[(String, String)],
        scope: &Scope,
    ) -> Result<Arc<PlaceIndex>> {
        let scope = scope.on(l.layer());
        let key: PlaceKey = (l, net.profile, format!("{filter:?}"), scope.clone());
        // Snaps follow the closed roads; shelters also follow the closed areas.
        let stamp = self.stamp(l, net);
        if let Some((s, idx)) = self.places.lock().get(&key) {
            if *s == stamp {
                return Ok(Arc::clone(idx));
            }
        }
        let q =
            onemap_store::Query { limit: usize::MAX, any_order: true, filters: filter.to_vec(), ..Default::default() };
        let page = self.store()?.query(l.layer(), &q, &scope)?;
        // A shelter inside a closed area (a flood zone in force, a cordon) takes nobody in, even
        // where a road outside the area is near it.
        let closed_areas: Vec<geo::MultiPolygon<f64>> = if l.spec().excluded_by_closed_areas {
            let book = self.book.lock();
            book.in_force(Utc::now()).filter_map(|c| c.area.as_ref().and_then(closures::area_of)).collect()
        } else {
            Vec::new()
        };
        let mut inside = 0;
        let room = l.spec().room;
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
                let free = match rollup::measure_value(f, room) {
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

    /// The coverage from every place of `l` a caller with `scope` sees on `net`, recomputed
    /// after writes to `l` or a change of the closures.
    pub fn coverage(&self, l: PlaceLayer, net: &Network, scope: &Scope) -> Result<(Arc<PlaceIndex>, Arc<Coverage>)> {
        let filter = match l.spec().available {
            Some(Cond::Is(p, v)) => vec![(p.to_owned(), v.to_owned())],
            _ => vec![],
        };
        let stamp = self.stamp(l, net);
        let idx = self.places(l, net, &filter, scope)?;
        let key: CoverageKey = (l, net.profile, scope.on(l.layer()));
        if let Some((s, cov)) = self.coverage.lock().get(&key) {
            if *s == stamp {
                return Ok((idx, Arc::clone(cov)));
            }
        }
        let cov = Arc::new(net.coverage(idx.snaps.iter().flatten().copied().collect()));
        self.coverage.lock().insert(key, (stamp, Arc::clone(&cov)));
        Ok((idx, cov))
    }
}

impl ChangeListener for RoutingService {
    fn changed(&self, layer: LayerId, _boxes: &[Bbox]) {
        if let Some(c) = self.changes.get(&layer) {
            c.fetch_add(1, Ordering::AcqRel);
        }
        if layer.def().closes_roads.is_some() {
            self.auto_writes.fetch_add(1, Ordering::AcqRel);
        }
    }
}
