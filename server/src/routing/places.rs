//! Routes between points and places: `/routing/route`, `/routing/nearest-shelters`,
//! `/routing/dispatch`, `POST /routing/assign`, `POST /routing/evacuation-routes`.

use super::engine;
use super::params::{
    check_keys, json_lonlat, line, number, parse_profile, position, profile, round1, route_props, Params,
};
use crate::body::JsonBody;
#[allow(unused_imports)]
use crate::error::Exception;
use crate::error::{ApiError, ApiResult};
use crate::AppState;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Json;
use onemap_model::{LayerId, NewFeature, Properties};
use onemap_routing::assign::Group;
use onemap_routing::route::DEFAULT_SNAP_M;
use onemap_routing::{Closed, Profile, Route, Snap};
use onemap_routing_service::{PlaceLayer, RoutingService};
use serde_json::{json, Value};
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Most places one request may rank.
pub const MAX_K: usize = 20;
/// Most groups one assignment may place.
pub const MAX_GROUPS: usize = 2_000;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(route))
        .routes(routes!(nearest_shelters))
        .routes(routes!(dispatch))
        .routes(routes!(assign))
        .routes(routes!(save_route))
}

/// The closures in force that the route would have crossed without them.
fn avoided(rs: &RoutingService, profile: Profile, a: &Snap, b: &Snap, taken: &Route) -> ApiResult<Vec<Value>> {
    let net = rs.engine.network(profile)?;
    if net.closed().is_empty() {
        return Ok(Vec::new());
    }
    let Some(open) = net.route_between_with(a, b, &Closed::default()) else { return Ok(Vec::new()) };
    if open.edges == taken.edges {
        return Ok(Vec::new());
    }
    let mut book = rs.book.lock();
    let list: Vec<_> = book.in_force(chrono::Utc::now()).cloned().collect();
    Ok(list
        .into_iter()
        .filter(|c| {
            let edges = book.edges_of(&rs.engine, c);
            open.edges.iter().any(|e| edges.binary_search(e).is_ok())
        })
        .map(|c| json!({"id": c.id, "origin": c.origin, "reason": c.reason}))
        .collect())
}

fn route_feature(rs: &RoutingService, r: &Route, profile: Profile, avoided: Vec<Value>) -> Value {
    let mut props = route_props(r, profile);
    props.insert("closures_avoided".into(), json!(avoided));
    props.insert("roads".into(), json!(rs.engine.source));
    json!({"type": "Feature", "geometry": line(r), "properties": props})
}

/// `GET /routing/route?from=lon,lat&to=lon,lat&profile=car[&snap_m=500]`: the fastest route as a
/// GeoJSON Feature (LineString) with `distance_m`, `duration_s`, `minutes` and the closures it
/// avoided.
#[utoipa::path(get, path = "/routing/route", tag = "routing", params(("from" = String, Query, description = "start: lon,lat in WGS84 degrees"), ("to" = String, Query, description = "destination: lon,lat in WGS84 degrees"), ("profile" = Option<String>, Query, description = "foot (evacuees), car or rescue (emergency vehicles); default car"), ("snap_m" = Option<f64>, Query, description = "largest distance to the nearest usable road, metres (1–5000, default 500)")), responses((status = 200, description = "the fastest route (distance_m, duration_s, minutes, closures_avoided)", body = Object, content_type = "application/geo+json"), (status = 400, description = "a bad parameter or value, named in `field`", body = Exception), (status = 422, description = "the request cannot be answered on this road network (far from roads, unreachable)", body = Exception), (status = 503, description = "no road network is loaded", body = Exception)))]
async fn route(State(state): State<AppState>, Query(p): Query<Params>) -> ApiResult<Json<Value>> {
    check_keys(&p, &["from", "to", "profile", "snap_m"])?;
    let (from, to) = (position(&p, "from")?, position(&p, "to")?);
    let profile = profile(&p, Profile::Car)?;
    let snap_m = number(&p, "snap_m", DEFAULT_SNAP_M, 1.0, 5_000.0)?;
    let rs = engine(&state)?;
    let net = rs.engine.network(profile)?;
    let a = net.snap("the start", from[0], from[1], snap_m)?;
    let b = net.snap("the destination", to[0], to[1], snap_m)?;
    let r = net.route_between(&a, &b).ok_or_else(|| onemap_routing::RoutingError::Unreachable {
        profile,
        from: format!("({:.6}, {:.6})", from[0], from[1]),
        to: format!("({:.6}, {:.6})", to[0], to[1]),
    })?;
    let avoided = avoided(&rs, profile, &a, &b, &r)?;
    Ok(Json(route_feature(&rs, &r, profile, avoided)))
}

/// Ranked places as GeoJSON Features (their routes), each with `rank`, `name` and what `extra`
/// adds.
fn ranked(
    idx: &onemap_routing::PlaceIndex,
    found: &[onemap_routing::Reached],
    profile: Profile,
    extra: impl Fn(&onemap_routing::Place, &Route, &mut serde_json::Map<String, Value>),
) -> Vec<Value> {
    found
        .iter()
        .enumerate()
        .map(|(rank, r)| {
            let place = &idx.places[r.place];
            let mut props = route_props(&r.route, profile);
            props.insert("rank".into(), json!(rank + 1));
            props.insert("name".into(), json!(place.name));
            extra(place, &r.route, &mut props);
            json!({"type": "Feature", "id": place.id, "geometry": line(&r.route), "properties": props})
        })
        .collect()
}

/// `GET /routing/nearest-shelters?at=lon,lat&k=3&profile=foot&people=N`: the `k` shelters with
/// at least `people` free places that are fastest to reach, as a FeatureCollection of routes.
#[utoipa::path(get, path = "/routing/nearest-shelters", tag = "routing", params(("at" = String, Query, description = "where the people are: lon,lat in WGS84 degrees"), ("k" = Option<u32>, Query, description = "how many (1–20, default 3)"), ("people" = Option<u32>, Query, description = "free places needed (default 1)"), ("profile" = Option<String>, Query, description = "foot (evacuees), car or rescue (emergency vehicles); default foot"), ("snap_m" = Option<f64>, Query, description = "largest distance to the nearest usable road, metres (1–5000, default 500)")), responses((status = 200, description = "shelters with room by travel time, with their routes", body = Object, content_type = "application/geo+json"), (status = 400, description = "a bad parameter or value, named in `field`", body = Exception), (status = 422, description = "the request cannot be answered on this road network (far from roads, unreachable)", body = Exception), (status = 503, description = "no road network is loaded", body = Exception)))]
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
    let idx = rs.places(PlaceLayer::SHELTERS, net, &[])?;
    let found = net.nearest_places(&idx, &from, k, people);
    let features = ranked(&idx, &found, profile, |place, _, props| {
        props.insert("shelter".into(), json!(place.id));
        props.insert("free_places".into(), json!(place.free));
    });
    let too_small = idx.places.iter().filter(|s| s.free < people).count();
    Ok(Json(json!({
        "type": "FeatureCollection",
        "features": features,
        "profile": profile.as_str(),
        "people": people,
        "shelters_without_room": too_small,
        "shelters_in_closed_areas": rs.shelters_in_closed_areas.load(std::sync::atomic::Ordering::Acquire),
        "shelters_off_the_network": idx.unsnapped(),
        "roads": rs.engine.source,
    })))
}

/// `GET /routing/dispatch?at=lon,lat&k=5[&kind=fire_rescue][&status=standby][&profile=rescue]`:
/// teams ranked by arrival time at `at` from their current positions (by default the teams on
/// standby; `status=any` ranks every team).
#[utoipa::path(get, path = "/routing/dispatch", tag = "routing", params(("at" = String, Query, description = "the incident: lon,lat in WGS84 degrees"), ("k" = Option<u32>, Query, description = "how many (1–20, default 5)"), ("kind" = Option<String>, Query, description = "team kind"), ("status" = Option<String>, Query, description = "team status, or any (default standby)"), ("profile" = Option<String>, Query, description = "foot (evacuees), car or rescue (emergency vehicles); default rescue"), ("snap_m" = Option<f64>, Query, description = "largest distance to the nearest usable road, metres (1–5000, default 500)")), responses((status = 200, description = "teams by arrival time", body = Object, content_type = "application/geo+json"), (status = 400, description = "a bad parameter or value, named in `field`", body = Exception), (status = 422, description = "the request cannot be answered on this road network (far from roads, unreachable)", body = Exception), (status = 503, description = "no road network is loaded", body = Exception)))]
async fn dispatch(State(state): State<AppState>, Query(p): Query<Params>) -> ApiResult<Json<Value>> {
    check_keys(&p, &["at", "k", "kind", "status", "profile", "snap_m"])?;
    let at = position(&p, "at")?;
    let profile = profile(&p, Profile::Rescue)?;
    let k = number(&p, "k", 5usize, 1, MAX_K)?;
    let snap_m = number(&p, "snap_m", DEFAULT_SNAP_M, 1.0, 5_000.0)?;
    let mut filter = Vec::new();
    if let Some(kind) = p.get("kind") {
        onemap_model::TeamKind::parse(kind).ok_or_else(|| {
            ApiError::bad_param(
                "kind",
                format!("`{kind}` is not a team kind; use one of {}", onemap_model::TeamKind::NAMES.join(", ")),
            )
        })?;
        filter.push(("kind".to_owned(), kind.clone()));
    }
    match p.get("status").map(String::as_str) {
        Some("any") => {}
        Some(s) => {
            onemap_model::TeamStatus::parse(s).ok_or_else(|| {
                ApiError::bad_param(
                    "status",
                    format!(
                        "`{s}` is not a team status; use any or one of {}",
                        onemap_model::TeamStatus::NAMES.join(", ")
                    ),
                )
            })?;
            filter.push(("status".to_owned(), s.to_owned()));
        }
        None => filter.push(("status".to_owned(), "standby".to_owned())),
    }
    let rs = engine(&state)?;
    let net = rs.engine.network(profile)?;
    let target = net.snap("the incident", at[0], at[1], snap_m)?;
    let idx = rs.places(PlaceLayer::TEAMS, net, &filter)?;
    let found = net.fastest_to(&idx, &target, k);
    let features = ranked(&idx, &found, profile, |team, route, props| {
        props.insert("team".into(), json!(team.id));
        props.insert("members".into(), json!(team.free));
        props.insert("arrival_s".into(), json!(round1(route.duration_s)));
    });
    Ok(Json(json!({
        "type": "FeatureCollection",
        "features": features,
        "profile": profile.as_str(),
        "teams_considered": idx.places.len(),
        "teams_off_the_network": idx.unsnapped(),
        "roads": rs.engine.source,
    })))
}

/// `POST /routing/assign` with `{"groups": [{"id", "at": [lon, lat], "people"}], "profile":
/// "foot", "candidates": 5}`: every group's people to shelters with room, never over a
/// shelter's free places, by travel time (greedy; see `onemap_routing::assign`).
#[utoipa::path(post, path = "/routing/assign", tag = "routing", request_body(content = Object, description = "{\"groups\": [{\"id\", \"at\": [lon, lat], \"people\"}] (at most 2000), \"profile\", \"candidates\", \"snap_m\"}"), responses((status = 200, description = "placements, load per shelter, who cannot be placed", body = Object, content_type = "application/json"), (status = 400, description = "a bad parameter or value, named in `field`", body = Exception), (status = 422, description = "the request cannot be answered on this road network (far from roads, unreachable)", body = Exception), (status = 503, description = "no road network is loaded", body = Exception)))]
async fn assign(State(state): State<AppState>, JsonBody(body): JsonBody) -> ApiResult<Json<Value>> {
    let obj = body.as_object().ok_or_else(|| ApiError::bad_request("the body must be a JSON object"))?;
    if let Some(k) = obj.keys().find(|k| !matches!(k.as_str(), "groups" | "profile" | "candidates" | "snap_m")) {
        return Err(ApiError::bad_param(k, "unknown member; expected groups, profile, candidates, snap_m"));
    }
    let profile = match obj.get("profile") {
        None => Profile::Foot,
        Some(v) => parse_profile("profile", v.as_str().unwrap_or_default())?,
    };
    let candidates = match obj.get("candidates") {
        None => 5,
        Some(v) => v
            .as_u64()
            .filter(|c| (1..=50).contains(c))
            .ok_or_else(|| ApiError::bad_param("candidates", "must be a whole number in 1..=50"))?
            as usize,
    };
    let snap_m = obj
        .get("snap_m")
        .map_or(Some(DEFAULT_SNAP_M), Value::as_f64)
        .filter(|s| (1.0..=5_000.0).contains(s))
        .ok_or_else(|| ApiError::bad_param("snap_m", "must be metres in 1..=5000"))?;
    let groups_json = obj
        .get("groups")
        .and_then(Value::as_array)
        .ok_or_else(|| ApiError::bad_param("groups", "is required: an array of {id, at: [lon, lat], people}"))?;
    if groups_json.is_empty() || groups_json.len() > MAX_GROUPS {
        return Err(ApiError::bad_param("groups", format!("give 1 to {MAX_GROUPS} groups")));
    }
    let rs = engine(&state)?;
    let net = rs.engine.network(profile)?;
    let mut ids = Vec::new();
    let mut groups = Vec::new();
    for (i, g) in groups_json.iter().enumerate() {
        let field = |f: &str| format!("groups[{i}].{f}");
        let id = g.get("id").map_or_else(
            || Some(format!("{}", i + 1)),
            |v| v.as_str().map(str::to_owned).or_else(|| v.as_i64().map(|n| n.to_string())),
        );
        let id = id.ok_or_else(|| ApiError::bad_param(&field("id"), "must be a string or a number"))?;
        let at = json_lonlat(&field("at"), g.get("at"))?;
        let people =
            g.get("people").and_then(Value::as_i64).filter(|p| (1..=10_000_000).contains(p)).ok_or_else(|| {
                ApiError::bad_param(&field("people"), "must be a whole number of people in 1..=10000000")
            })?;
        let snap = net.snap("a group", at[0], at[1], snap_m).map_err(|e| ApiError::bad_param(&field("at"), e))?;
        ids.push(id);
        groups.push(Group { snap, people });
    }
    let idx = rs.places(PlaceLayer::SHELTERS, net, &[])?;
    let net = Arc::clone(net);
    let a = {
        let idx = Arc::clone(&idx);
        tokio::task::spawn_blocking(move || net.assign(&idx, &groups, candidates)).await.map_err(ApiError::internal)?
    };
    let placements: Vec<Value> = a
        .placements
        .iter()
        .map(|p| {
            let s = &idx.places[p.place];
            json!({"group": ids[p.group], "shelter": s.id, "name": s.name, "people": p.people,
                   "minutes": round1(p.route.duration_s / 60.0), "distance_m": round1(p.route.distance_m)})
        })
        .collect();
    let mut load: Vec<i64> = vec![0; idx.places.len()];
    for p in &a.placements {
        load[p.place] += p.people;
    }
    let shelters: Vec<Value> = (0..idx.places.len())
        .filter(|&i| load[i] > 0)
        .map(|i| json!({"shelter": idx.places[i].id, "name": idx.places[i].name, "free_before": idx.places[i].free, "assigned": load[i]}))
        .collect();
    let unplaced: Vec<Value> = a
        .unplaced
        .iter()
        .map(|(g, n)| json!({"group": ids[*g], "people": n, "reason": "no reachable shelter has room left"}))
        .collect();
    let person_minutes: f64 = a.placements.iter().map(|p| p.people as f64 * p.route.duration_s / 60.0).sum();
    Ok(Json(json!({
        "profile": profile.as_str(),
        "method": "greedy by travel time over each group's fastest shelters with room, then every shelter with room left",
        "placements": placements,
        "shelters": shelters,
        "unplaced": unplaced,
        "people_placed": a.placements.iter().map(|p| p.people).sum::<i64>(),
        "people_unplaced": a.unplaced.iter().map(|u| u.1).sum::<i64>(),
        "person_minutes": round1(person_minutes),
    })))
}

/// `POST /routing/evacuation-routes` with `{"name", "from": [lon, lat], "to": [lon, lat] |
/// "shelter": id, "profile", "from_ref", "to_ref", "township"}`: routes and saves the route as an
/// `evacuation_routes` feature with its line, `length_m` and `minutes`; 201 with the feature.
#[utoipa::path(post, path = "/routing/evacuation-routes", tag = "routing", request_body(content = Object, description = "{\"name\", \"from\": [lon, lat], \"to\": [lon, lat] or \"shelter\": id, \"profile\", \"from_ref\", \"to_ref\", \"township\"}"), responses((status = 201, description = "the saved evacuation route", body = Object, content_type = "application/geo+json"), (status = 400, description = "a bad parameter or value, named in `field`", body = Exception), (status = 422, description = "the request cannot be answered on this road network (far from roads, unreachable)", body = Exception), (status = 503, description = "no road network is loaded", body = Exception)))]
async fn save_route(
    State(state): State<AppState>,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let obj = body.as_object().ok_or_else(|| ApiError::bad_request("the body must be a JSON object"))?;
    const KEYS: [&str; 8] = ["name", "from", "to", "shelter", "profile", "from_ref", "to_ref", "township"];
    if let Some(k) = obj.keys().find(|k| !KEYS.contains(&k.as_str())) {
        return Err(ApiError::bad_param(k, format!("unknown member; expected {}", KEYS.join(", "))));
    }
    let text = |k: &str| obj.get(k).and_then(Value::as_str).map(str::to_owned);
    let name =
        text("name").filter(|n| !n.trim().is_empty()).ok_or_else(|| ApiError::bad_param("name", "is required"))?;
    let profile = match obj.get("profile") {
        None => Profile::Foot,
        Some(v) => parse_profile("profile", v.as_str().unwrap_or_default())?,
    };
    let from = json_lonlat("from", obj.get("from"))?;
    let rs = engine(&state)?;
    let (to, shelter_ref) = match (obj.get("to"), text("shelter")) {
        (Some(v), None) => (json_lonlat("to", Some(v))?, None),
        (None, Some(id)) => {
            let f = state.store.get(LayerId::SHELTERS, &id, &onemap_model::Scope::All).map_err(|e| match e {
                onemap_store::StoreError::NotFound { .. } => {
                    ApiError::bad_param("shelter", format!("no shelter `{id}`"))
                }
                other => other.into(),
            })?;
            let geo::Geometry::Point(pt) = f.geometry else {
                return Err(ApiError::bad_param("shelter", "has no point"));
            };
            ([pt.x(), pt.y()], Some(id))
        }
        _ => return Err(ApiError::bad_param("to", "give either to: [lon, lat] or shelter: id")),
    };
    let net = rs.engine.network(profile)?;
    let r = net.route(from, to, DEFAULT_SNAP_M)?;
    if r.distance_m < 1.0 {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "EmptyRoute",
            "the start and the destination meet the road at the same point: there is no route to save",
        ));
    }
    let props = json!({
        "name": name,
        "from_ref": text("from_ref").unwrap_or_else(|| format!("{:.6},{:.6}", from[0], from[1])),
        "to_ref": text("to_ref").or(shelter_ref).unwrap_or_else(|| format!("{:.6},{:.6}", to[0], to[1])),
        "length_m": round1(r.distance_m),
        "minutes": round1(r.duration_s / 60.0),
        "created_by": crate::ogc::write::writer_or(&headers, "routing").actor,
        "profile": profile.as_str(),
        "township": text("township"),
    });
    let properties = Properties::from_json(LayerId::EVACUATION_ROUTES, props)?;
    let coords: Vec<geo::Coord> = r.coords.iter().map(|c| geo::Coord { x: c[0], y: c[1] }).collect();
    let feature =
        NewFeature { id: None, geometry: geo::Geometry::LineString(geo::LineString::new(coords)), properties };
    let writer = crate::ogc::write::writer_or(&headers, "routing");
    let saved = state.store.insert(LayerId::EVACUATION_ROUTES, vec![feature], &writer)?;
    let f = saved.first().ok_or_else(|| ApiError::internal("insert returned nothing"))?;
    let mut res = crate::ogc::items::feature_response(StatusCode::CREATED, f);
    if let Ok(v) = axum::http::HeaderValue::from_str(&format!("/collections/evacuation_routes/items/{}", f.id)) {
        res.headers_mut().insert(axum::http::header::LOCATION, v);
    }
    Ok(res)
}
