//! Routes between points and places: `/routing/route`, `/routing/nearest-shelters`,
//! `/routing/dispatch`, `POST /routing/assign`, `POST /routing/evacuation-routes`.

use super::answers::{
    AssignAnswer, Collection, Feature, Line, Placement, RankedProps, RouteAnswerProps, RouteProps, ShelterExtra,
    ShelterLoad, ShelterMeta, TeamExtra, TeamMeta, Unplaced,
};
use super::engine;
use super::params::{check_keys, json_lonlat, number, parse_profile, position, profile, round1, Params};
use crate::auth::Caller;
use crate::body::JsonBody;
#[allow(unused_imports)]
use crate::error::Exception;
use crate::error::{ApiError, ApiResult};
use crate::AppState;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use onemap_model::LayerId;
use onemap_routing::route::DEFAULT_SNAP_M;
use onemap_routing::{Profile, Route};
use onemap_routing_service::{
    Destination, GroupRequest, NewEvacuationRoute, Ranking, RouteAnswer, RoutingService, TeamFilter,
};
use serde_json::Value;
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

fn route_feature(rs: &RoutingService, answer: &RouteAnswer) -> Response {
    let props = RouteAnswerProps {
        route: RouteProps::of(&answer.route, answer.profile),
        closures_avoided: &answer.avoided,
        roads: &rs.engine.source,
    };
    Json(Feature::new(None, Line::of(&answer.route), props)).into_response()
}

/// `GET /routing/route?from=lon,lat&to=lon,lat&profile=car[&snap_m=500]`: the fastest route as a
/// GeoJSON Feature (LineString) with `distance_m`, `duration_s`, `minutes` and the closures it
/// avoided.
#[utoipa::path(get, path = "/routing/route", tag = "routing", params(("from" = String, Query, description = "start: lon,lat in WGS84 degrees"), ("to" = String, Query, description = "destination: lon,lat in WGS84 degrees"), ("profile" = Option<String>, Query, description = "foot (evacuees), car or rescue (emergency vehicles); default car"), ("snap_m" = Option<f64>, Query, description = "largest distance to the nearest usable road, metres (1–5000, default 500)")), responses((status = 200, description = "the fastest route (distance_m, duration_s, minutes, closures_avoided)", body = Object, content_type = "application/geo+json"), (status = 400, description = "a bad parameter or value, named in `field`", body = Exception), (status = 422, description = "the request cannot be answered on this road network (far from roads, unreachable)", body = Exception), (status = 503, description = "no road network is loaded", body = Exception)))]
async fn route(State(state): State<AppState>, Query(p): Query<Params>) -> ApiResult<Response> {
    check_keys(&p, &["from", "to", "profile", "snap_m"])?;
    let (from, to) = (position(&p, "from")?, position(&p, "to")?);
    let profile = profile(&p, Profile::Car)?;
    let snap_m = number(&p, "snap_m", DEFAULT_SNAP_M, 1.0, 5_000.0)?;
    let rs = engine(&state)?;
    let answer = rs.route(from, to, profile, snap_m)?;
    Ok(route_feature(&rs, &answer))
}

/// Ranked places as GeoJSON Features (their routes), each with `rank`, `name` and what `extra`
/// adds.
fn ranked<E>(r: &Ranking, extra: impl Fn(&onemap_routing::Place, &Route) -> E) -> Vec<Feature<Line, RankedProps<E>>> {
    let (idx, profile) = (&r.places, r.profile);
    r.found
        .iter()
        .enumerate()
        .map(|(rank, r)| {
            let place = &idx.places[r.place];
            let props = RankedProps {
                route: RouteProps::of(&r.route, profile),
                rank: rank + 1,
                name: place.name.clone(),
                extra: extra(place, &r.route),
            };
            Feature::new(Some(place.id.clone()), Line::of(&r.route), props)
        })
        .collect()
}

/// `GET /routing/nearest-shelters?at=lon,lat&k=3&profile=foot&people=N`: the `k` shelters with
/// at least `people` free places that are fastest to reach, as a FeatureCollection of routes.
#[utoipa::path(get, path = "/routing/nearest-shelters", tag = "routing", params(("at" = String, Query, description = "where the people are: lon,lat in WGS84 degrees"), ("k" = Option<u32>, Query, description = "how many (1–20, default 3)"), ("people" = Option<u32>, Query, description = "free places needed (default 1)"), ("profile" = Option<String>, Query, description = "foot (evacuees), car or rescue (emergency vehicles); default foot"), ("snap_m" = Option<f64>, Query, description = "largest distance to the nearest usable road, metres (1–5000, default 500)")), responses((status = 200, description = "shelters with room by travel time, with their routes", body = Object, content_type = "application/geo+json"), (status = 400, description = "a bad parameter or value, named in `field`", body = Exception), (status = 422, description = "the request cannot be answered on this road network (far from roads, unreachable)", body = Exception), (status = 503, description = "no road network is loaded", body = Exception)))]
async fn nearest_shelters(
    State(state): State<AppState>,
    caller: Caller,
    Query(p): Query<Params>,
) -> ApiResult<Response> {
    check_keys(&p, &["at", "k", "profile", "people", "snap_m"])?;
    let at = position(&p, "at")?;
    let profile = profile(&p, Profile::Foot)?;
    let k = number(&p, "k", 3usize, 1, MAX_K)?;
    let people = number(&p, "people", 1i64, 1, 1_000_000)?;
    let snap_m = number(&p, "snap_m", DEFAULT_SNAP_M, 1.0, 5_000.0)?;
    let rs = engine(&state)?;
    let r = rs.nearest_shelters(&caller.scope(), at, k, people, profile, snap_m)?;
    let features = ranked(&r.ranking, |place, _| ShelterExtra { shelter: place.id.clone(), free_places: place.free });
    let meta = ShelterMeta {
        profile: profile.as_str(),
        people,
        shelters_without_room: r.without_room,
        shelters_in_closed_areas: r.in_closed_areas,
        shelters_off_the_network: r.off_the_network,
        roads: &rs.engine.source,
    };
    Ok(Json(Collection::new(features, meta)).into_response())
}

/// `GET /routing/dispatch?at=lon,lat&k=5[&kind=fire_rescue][&status=standby][&profile=rescue]`:
/// teams ranked by arrival time at `at` from their current positions (by default the teams on
/// standby; `status=any` ranks every team).
#[utoipa::path(get, path = "/routing/dispatch", tag = "routing", params(("at" = String, Query, description = "the incident: lon,lat in WGS84 degrees"), ("k" = Option<u32>, Query, description = "how many (1–20, default 5)"), ("kind" = Option<String>, Query, description = "team kind"), ("status" = Option<String>, Query, description = "team status, or any (default standby)"), ("profile" = Option<String>, Query, description = "foot (evacuees), car or rescue (emergency vehicles); default rescue"), ("snap_m" = Option<f64>, Query, description = "largest distance to the nearest usable road, metres (1–5000, default 500)")), responses((status = 200, description = "teams by arrival time", body = Object, content_type = "application/geo+json"), (status = 400, description = "a bad parameter or value, named in `field`", body = Exception), (status = 422, description = "the request cannot be answered on this road network (far from roads, unreachable)", body = Exception), (status = 503, description = "no road network is loaded", body = Exception)))]
async fn dispatch(State(state): State<AppState>, caller: Caller, Query(p): Query<Params>) -> ApiResult<Response> {
    check_keys(&p, &["at", "k", "kind", "status", "profile", "snap_m"])?;
    let at = position(&p, "at")?;
    let profile = profile(&p, Profile::Rescue)?;
    let k = number(&p, "k", 5usize, 1, MAX_K)?;
    let snap_m = number(&p, "snap_m", DEFAULT_SNAP_M, 1.0, 5_000.0)?;
    let mut filter = TeamFilter::standby();
    if let Some(kind) = p.get("kind") {
        filter.kind = Some(onemap_model::TeamKind::parse(kind).ok_or_else(|| {
            ApiError::bad_param(
                "kind",
                format!("`{kind}` is not a team kind; use one of {}", onemap_model::TeamKind::NAMES.join(", ")),
            )
        })?);
    }
    match p.get("status").map(String::as_str) {
        Some("any") => filter.status = None,
        Some(s) => {
            filter.status = Some(onemap_model::TeamStatus::parse(s).ok_or_else(|| {
                ApiError::bad_param(
                    "status",
                    format!(
                        "`{s}` is not a team status; use any or one of {}",
                        onemap_model::TeamStatus::NAMES.join(", ")
                    ),
                )
            })?);
        }
        None => {}
    }
    let rs = engine(&state)?;
    let r = rs.dispatch(&caller.scope(), at, k, filter, profile, snap_m)?;
    let features = ranked(&r, |team, route| TeamExtra {
        team: team.id.clone(),
        members: team.free,
        arrival_s: round1(route.duration_s),
    });
    let meta = TeamMeta {
        profile: profile.as_str(),
        teams_considered: r.places.places.len(),
        teams_off_the_network: r.places.unsnapped(),
        roads: &rs.engine.source,
    };
    Ok(Json(Collection::new(features, meta)).into_response())
}

/// `POST /routing/assign` with `{"groups": [{"id", "at": [lon, lat], "people"}], "profile":
/// "foot", "candidates": 5}`: every group's people to shelters with room, never over a
/// shelter's free places, by travel time (greedy; see `onemap_routing::assign`).
#[utoipa::path(post, path = "/routing/assign", tag = "routing", request_body(content = Object, description = "{\"groups\": [{\"id\", \"at\": [lon, lat], \"people\"}] (at most 2000), \"profile\", \"candidates\", \"snap_m\"}"), responses((status = 200, description = "placements, load per shelter, who cannot be placed", body = Object, content_type = "application/json"), (status = 400, description = "a bad parameter or value, named in `field`", body = Exception), (status = 422, description = "the request cannot be answered on this road network (far from roads, unreachable)", body = Exception), (status = 503, description = "no road network is loaded", body = Exception)))]
async fn assign(State(state): State<AppState>, caller: Caller, JsonBody(body): JsonBody) -> ApiResult<Response> {
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
        groups.push(GroupRequest { id, at, people });
    }
    let rs = engine(&state)?;
    let placed = {
        let (rs, groups, scope) = (Arc::clone(&rs), groups.clone(), caller.scope());
        crate::blocking(move || rs.assign(&scope, &groups, candidates, profile, snap_m)).await??
    };
    let (a, idx) = (&placed.assignment, &placed.shelters);
    let ids: Vec<&str> = groups.iter().map(|g| g.id.as_str()).collect();
    let placements = a
        .placements
        .iter()
        .map(|p| {
            let s = &idx.places[p.place];
            Placement {
                group: ids[p.group],
                shelter: &s.id,
                name: &s.name,
                people: p.people,
                minutes: round1(p.route.duration_s / 60.0),
                distance_m: round1(p.route.distance_m),
            }
        })
        .collect();
    let mut load: Vec<i64> = vec![0; idx.places.len()];
    for p in &a.placements {
        load[p.place] += p.people;
    }
    let shelters = (0..idx.places.len())
        .filter(|&i| load[i] > 0)
        .map(|i| ShelterLoad {
            shelter: &idx.places[i].id,
            name: &idx.places[i].name,
            free_before: idx.places[i].free,
            assigned: load[i],
        })
        .collect();
    let unplaced = a
        .unplaced
        .iter()
        .map(|(g, n)| Unplaced { group: ids[*g], people: *n, reason: "no reachable shelter has room left" })
        .collect();
    let person_minutes: f64 = a.placements.iter().map(|p| p.people as f64 * p.route.duration_s / 60.0).sum();
    let answer = AssignAnswer {
        profile: profile.as_str(),
        method: "greedy by travel time over each group's fastest shelters with room, then every shelter with room left",
        placements,
        shelters,
        unplaced,
        people_placed: a.placements.iter().map(|p| p.people).sum(),
        people_unplaced: a.unplaced.iter().map(|u| u.1).sum(),
        person_minutes: round1(person_minutes),
    };
    Ok(Json(answer).into_response())
}

/// `POST /routing/evacuation-routes` with `{"name", "from": [lon, lat], "to": [lon, lat] |
/// "shelter": id, "profile", "from_ref", "to_ref", "township"}`: routes and saves the route as an
/// `evacuation_routes` feature with its line, `length_m` and `minutes`; 201 with the feature.
#[utoipa::path(post, path = "/routing/evacuation-routes", tag = "routing", request_body(content = Object, description = "{\"name\", \"from\": [lon, lat], \"to\": [lon, lat] or \"shelter\": id, \"profile\", \"from_ref\", \"to_ref\", \"township\"}"), responses((status = 201, description = "the saved evacuation route", body = Object, content_type = "application/geo+json"), (status = 400, description = "a bad parameter or value, named in `field`", body = Exception), (status = 422, description = "the request cannot be answered on this road network (far from roads, unreachable)", body = Exception), (status = 503, description = "no road network is loaded", body = Exception)))]
async fn save_route(
    State(state): State<AppState>,
    caller: crate::auth::Caller,
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
    let to = match (obj.get("to"), text("shelter")) {
        (Some(v), None) => Destination::At(json_lonlat("to", Some(v))?),
        (None, Some(id)) => Destination::Shelter(id),
        _ => return Err(ApiError::bad_param("to", "give either to: [lon, lat] or shelter: id")),
    };
    let req = NewEvacuationRoute {
        name,
        from,
        to,
        profile,
        from_ref: text("from_ref"),
        to_ref: text("to_ref"),
        township: text("township"),
    };
    let rs = engine(&state)?;
    let writer = caller.writer_for(LayerId::EVACUATION_ROUTES)?;
    let f = crate::blocking(move || rs.save_evacuation_route(req, &writer)).await??;

    let mut res = crate::ogc::items::feature_response(StatusCode::CREATED, &f);
    let location = format!("/collections/{}/items/{}", LayerId::EVACUATION_ROUTES, f.id);
    if let Ok(v) = axum::http::HeaderValue::from_str(&location) {
        res.headers_mut().insert(axum::http::header::LOCATION, v);
    }
    Ok(res)
}
