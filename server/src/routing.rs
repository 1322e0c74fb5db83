//! `/routing/*`: routes, nearest shelters with room. Positions in requests and responses are
//! WGS84 lon/lat degrees (`lon,lat`); distances metres; durations seconds.

use crate::error::{ApiError, ApiResult};
use crate::AppState;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use onemap_model::{LayerId, Properties, Scope};
use onemap_routing::route::DEFAULT_SNAP_M;
use onemap_routing::{Engine, Network, Place, PlaceIndex, Profile, Route, RoutingError};
use onemap_store::{Bbox, ChangeListener, Store};
use parking_lot::Mutex;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Most shelters one nearest-shelters request may ask for.
pub const MAX_K: usize = 20;

/// The routing engine and what it caches from the store.
pub struct RoutingState {
    pub engine: Arc<Engine>,
    /// Bumped by every write to the shelters layer.
    shelters_changed: AtomicU64,
    /// Per profile: the shelters snapped to its network, and the change count they reflect.
    shelters: Mutex<[Option<(u64, Arc<PlaceIndex>)>; 3]>,
}

impl RoutingState {
    pub fn new(engine: Engine) -> RoutingState {
        RoutingState { engine: Arc::new(engine), shelters_changed: AtomicU64::new(0), shelters: Mutex::new([None, None, None]) }
    }

    /// The shelters snapped to `net`, rebuilt after any shelter write.
    fn shelters(&self, store: &dyn Store, net: &Network) -> ApiResult<Arc<PlaceIndex>> {
        let seen = self.shelters_changed.load(Ordering::Acquire);
        if let Some((v, idx)) = &self.shelters.lock()[net.profile.index()] {
            if *v == seen {
                return Ok(Arc::clone(idx));
            }
        }
        let q = onemap_store::Query { limit: usize::MAX, any_order: true, ..Default::default() };
        let page = store.query(LayerId::Shelters, &q, &Scope::All)?;
        let places = page
            .features
            .iter()
            .filter_map(|f| {
                let Properties::Shelter(p) = &f.properties else { return None };
                let geo::Geometry::Point(pt) = f.geometry else { return None };
                Some(Place { id: f.id.clone(), name: p.name.clone(), position: [pt.x(), pt.y()], free: p.free_places() })
            })
            .collect();
        let idx = Arc::new(PlaceIndex::build(net, places, DEFAULT_SNAP_M));
        self.shelters.lock()[net.profile.index()] = Some((seen, Arc::clone(&idx)));
        Ok(idx)
    }
}

impl ChangeListener for RoutingState {
    fn changed(&self, layer: LayerId, _boxes: &[Bbox]) {
        if layer == LayerId::Shelters {
            self.shelters_changed.fetch_add(1, Ordering::AcqRel);
        }
    }
}

pub fn router() -> Router<AppState> {
    Router::new().route("/routing/route", get(route)).route("/routing/nearest-shelters", get(nearest_shelters))
}

impl From<RoutingError> for ApiError {
    fn from(e: RoutingError) -> Self {
        let status = match e {
            RoutingError::BadCoordinate { .. } => StatusCode::BAD_REQUEST,
            RoutingError::TooFar { .. } | RoutingError::Unreachable { .. } | RoutingError::NoRoads { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            RoutingError::Saved { .. } => return ApiError::internal(e),
        };
        ApiError::new(status, "RoutingError", e.to_string())
    }
}

type Params = HashMap<String, String>;

fn check_keys(p: &Params, allowed: &[&str]) -> ApiResult<()> {
    match p.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => Err(ApiError::bad_param(k, format!("unknown parameter; expected {}", allowed.join(", ")))),
        None => Ok(()),
    }
}

/// `lon,lat` in WGS84 degrees.
fn position(p: &Params, name: &str) -> ApiResult<[f64; 2]> {
    let v = p.get(name).ok_or_else(|| ApiError::bad_param(name, "is required (lon,lat in WGS84 degrees)"))?;
    let parts: Vec<f64> = v.split(',').map(|s| s.trim().parse::<f64>()).collect::<Result<_, _>>().map_err(|_| {
        ApiError::bad_param(name, format!("`{v}` is not lon,lat in degrees"))
    })?;
    match parts[..] {
        [lon, lat] if lon.is_finite() && lat.is_finite() && (-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat) => Ok([lon, lat]),
        _ => Err(ApiError::bad_param(name, format!("`{v}` is not lon,lat with lon in -180..180 and lat in -90..90"))),
    }
}

fn profile(p: &Params, default: Profile) -> ApiResult<Profile> {
    match p.get("profile") {
        None => Ok(default),
        Some(v) => Profile::parse(v).ok_or_else(|| ApiError::bad_param("profile", format!("`{v}` is unknown; use foot, car or rescue"))),
    }
}

fn number<T: std::str::FromStr + PartialOrd + std::fmt::Display + Copy>(p: &Params, name: &str, default: T, lo: T, hi: T) -> ApiResult<T> {
    match p.get(name) {
        None => Ok(default),
        Some(v) => v.trim().parse::<T>().ok().filter(|n| *n >= lo && *n <= hi).ok_or_else(|| ApiError::bad_param(name, format!("`{v}` is not a number in {lo}..={hi}"))),
    }
}

fn engine(state: &AppState) -> ApiResult<Arc<RoutingState>> {
    state.routing.clone().ok_or_else(|| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "NoRoadNetwork",
            "no road network is loaded: start the server with --roads FILE.osm.pbf, or import a roads layer and restart",
        )
    })
}

fn line(r: &Route) -> Value {
    json!({"type": "LineString", "coordinates": r.coords.iter().map(|c| [round7(c[0]), round7(c[1])]).collect::<Vec<_>>()})
}

fn round7(v: f64) -> f64 {
    (v * 1e7).round() / 1e7
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

fn route_props(r: &Route, profile: Profile) -> serde_json::Map<String, Value> {
    let mut m = serde_json::Map::new();
    m.insert("profile".into(), json!(profile.as_str()));
    m.insert("distance_m".into(), json!(round1(r.distance_m)));
    m.insert("duration_s".into(), json!(round1(r.duration_s)));
    m.insert("minutes".into(), json!(round1(r.duration_s / 60.0)));
    m.insert("snap_from_m".into(), json!(round1(r.from.distance_m)));
    m.insert("snap_to_m".into(), json!(round1(r.to.distance_m)));
    m
}

/// `GET /routing/route?from=lon,lat&to=lon,lat&profile=car[&snap_m=500]`: the fastest route as a
/// GeoJSON Feature (LineString) with `distance_m`, `duration_s`, `minutes`.
async fn route(State(state): State<AppState>, Query(p): Query<Params>) -> ApiResult<Json<Value>> {
    check_keys(&p, &["from", "to", "profile", "snap_m"])?;
    let (from, to) = (position(&p, "from")?, position(&p, "to")?);
    let profile = profile(&p, Profile::Car)?;
    let snap_m = number(&p, "snap_m", DEFAULT_SNAP_M, 1.0, 5_000.0)?;
    let rs = engine(&state)?;
    let r = rs.engine.network(profile)?.route(from, to, snap_m)?;
    let mut props = route_props(&r, profile);
    props.insert("closures_avoided".into(), json!([]));
    props.insert("roads".into(), json!(rs.engine.source));
    Ok(Json(json!({"type": "Feature", "geometry": line(&r), "properties": props})))
}

/// `GET /routing/nearest-shelters?at=lon,lat&k=3&profile=foot&people=N`: the `k` shelters with
/// at least `people` free places that are fastest to reach, as a FeatureCollection of routes.
async fn nearest_shelters(State(state): State<AppState>, Query(p): Query<Params>) -> ApiResult<Json<Value>> {
    check_keys(&p, &["at", "k", "profile", "people", "snap_m"])?;
    let at = position(&p, "at")?;
    let profile = profile(&p, Profile::Foot)?;
    let k = number(&p, "k", 3usize, 1, MAX_K)?;
    let people = number(&p, "people", 1i64, 1, 1_000_000)?;
    let snap_m = number(&p, "snap_m", DEFAULT_SNAP_M, 1.0, 5_000.0)?;
    let rs = engine(&state)?;
    let net = rs.engine.network(profile)?;
    let from = net.snap("the position", at[0], at[1], snap_m)?;
    let idx = rs.shelters(state.store.as_ref(), net)?;
    let found = net.nearest_places(&idx, &from, k, people);
    let features: Vec<Value> = found
        .iter()
        .enumerate()
        .map(|(rank, r)| {
            let place = &idx.places[r.place];
            let mut props = route_props(&r.route, profile);
            props.insert("rank".into(), json!(rank + 1));
            props.insert("shelter".into(), json!(place.id));
            props.insert("name".into(), json!(place.name));
            props.insert("free_places".into(), json!(place.free));
            json!({"type": "Feature", "id": place.id, "geometry": line(&r.route), "properties": props})
        })
        .collect();
    let too_small = idx.places.iter().filter(|s| s.free < people).count();
    Ok(Json(json!({
        "type": "FeatureCollection",
        "features": features,
        "profile": profile.as_str(),
        "people": people,
        "shelters_without_room": too_small,
        "shelters_off_the_network": idx.unsnapped(),
        "roads": rs.engine.source,
    })))
}

/// The road network to route on: the OpenStreetMap extract `roads` when given, else the store's
/// roads layer (lines joined where they share a vertex); `None` when there are no roads.
pub fn load_engine(store: &dyn Store, roads: Option<&std::path::Path>) -> Result<Option<Engine>, String> {
    let (ways, source) = match roads {
        Some(path) => {
            let ways = onemap_routing::way::read_osm(path).map_err(|e| format!("{}: {e}", path.display()))?;
            let name = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
            (ways, format!("OpenStreetMap extract {name}; © OpenStreetMap contributors"))
        }
        None => {
            let q = onemap_store::Query { limit: usize::MAX, any_order: true, ..Default::default() };
            let page = store.query(LayerId::Roads, &q, &Scope::All).map_err(|e| e.to_string())?;
            let lines = page.features.iter().enumerate().filter_map(|(i, f)| {
                let Properties::Road(p) = &f.properties else { return None };
                let geo::Geometry::LineString(ls) = &f.geometry else { return None };
                let mut tags = vec![("highway".to_owned(), p.highway.clone())];
                if p.oneway {
                    tags.push(("oneway".into(), "yes".into()));
                }
                if let Some(s) = p.maxspeed_kmh {
                    tags.push(("maxspeed".into(), s.to_string()));
                }
                let id = p.osm_id.unwrap_or(i as i64 + 1);
                Some((id, ls.coords().map(|c| [c.x, c.y]).collect(), tags))
            });
            (onemap_routing::way::from_lines(lines), "the roads layer".to_owned())
        }
    };
    if ways.is_empty() {
        return Ok(None);
    }
    Engine::build(&ways, source).map(Some).map_err(|e| e.to_string())
}
