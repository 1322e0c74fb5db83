//! `POST /routing/closures`, `GET /routing/closures`, `DELETE /routing/closures/{id}`.

use super::engine;
use crate::body::JsonBody;
#[allow(unused_imports)]
use crate::error::Exception;
use crate::error::{ApiError, ApiResult};
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use onemap_routing::closure::circle;
use onemap_routing_service::closures::{area_of, Closure, RoadRef, MANUAL};
use serde_json::{json, Value};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// An area closure with no road in it is still taken (it closes its shelters) when a road is
/// within this many metres of it; farther from every road it is a mistake.
pub const NEAR_M: f64 = 2_000.0;

/// The largest buffer around a point or line closure, metres.
pub const MAX_BUFFER_M: f64 = 5_000.0;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, create)).routes(routes!(remove))
}

fn closure_json(c: &Closure, edges: usize) -> Value {
    let mut props = json!({
        "id": c.id, "origin": c.origin, "reason": c.reason, "created": c.created, "created_by": c.created_by,
        "edges_closed": edges,
    });
    if let Some(u) = c.until {
        props["until"] = json!(u);
    }
    if !c.roads.is_empty() {
        props["roads"] = json!(c.roads);
    }
    if let Some(f) = &c.feature {
        props["feature"] = json!(f);
    }
    json!({"type": "Feature", "id": c.id, "geometry": c.area.clone().unwrap_or(Value::Null), "properties": props})
}

/// `GET /routing/closures`: every closure in force (manual and automatic) as a FeatureCollection.
#[utoipa::path(get, path = "/routing/closures", tag = "routing", responses((status = 200, description = "the closures in force: manual ones and those from the layers", body = Object, content_type = "application/geo+json"), (status = 503, description = "no road network is loaded", body = Exception)))]
async fn list(State(state): State<AppState>) -> ApiResult<Json<Value>> {
    let rs = engine(&state)?;
    let mut book = rs.book.lock();
    let now = Utc::now();
    let all: Vec<Closure> = book.in_force(now).cloned().collect();
    let features: Vec<Value> = all.iter().map(|c| closure_json(c, book.edges_of(&rs.engine, c).len())).collect();
    let closed = rs.engine.closed();
    Ok(Json(json!({
        "type": "FeatureCollection",
        "features": features,
        "edges_closed": closed.len(),
        "version": closed.version,
        "hierarchies_prepared": rs.engine.is_prepared(),
        "last_prepare_ms": rs.engine.last_prepare().map(|d| d.as_millis() as u64),
    })))
}

/// The closed area from `geometry` (Polygon/MultiPolygon, or a Point with `buffer_m`).
fn area_from(obj: &serde_json::Map<String, Value>) -> ApiResult<Option<Value>> {
    let Some(g) = obj.get("geometry").filter(|g| !g.is_null()) else { return Ok(None) };
    let kind = g.get("type").and_then(Value::as_str).unwrap_or_default();
    let buffer = obj.get("buffer_m").map(|b| b.as_f64().filter(|b| *b > 0.0 && *b <= MAX_BUFFER_M));
    match kind {
        "Polygon" | "MultiPolygon" => {
            area_of(g)
                .ok_or_else(|| ApiError::bad_param("geometry", "is not a valid polygon (WGS84 lon/lat degrees)"))?;
            Ok(Some(g.clone()))
        }
        "Point" => {
            let r = buffer.flatten().ok_or_else(|| {
                ApiError::bad_param("buffer_m", format!("a point closure needs buffer_m in 0..={MAX_BUFFER_M} metres"))
            })?;
            let c = super::params::json_lonlat("geometry.coordinates", g.get("coordinates"))?;
            Ok(Some(onemap_model::geometry::geometry_to_geojson(&geo::Geometry::MultiPolygon(circle(c, r)))))
        }
        other => Err(ApiError::bad_param(
            "geometry.type",
            format!("`{other}` is not supported; use Polygon, MultiPolygon or a Point with buffer_m"),
        )),
    }
}

/// `POST /routing/closures` with `{"reason", "geometry" | "roads": [OSM way ids or roads-layer
/// feature ids], "buffer_m",
/// "until"}`: closes the roads at once for every profile; 201 with the closure and how many road
/// edges it closed. The closure is on disk before the answer.
#[utoipa::path(post, path = "/routing/closures", tag = "routing", request_body(content = Object, description = "{\"reason\", \"geometry\": Polygon|MultiPolygon|Point with \"buffer_m\", \"roads\": [OSM way ids or roads-layer feature ids], \"until\": RFC 3339}"), responses((status = 201, description = "the closure, with edges_closed", body = Object, content_type = "application/geo+json"), (status = 400, description = "a bad parameter or value, named in `field`", body = Exception), (status = 422, description = "the request cannot be answered on this road network (far from roads, unreachable)", body = Exception), (status = 503, description = "no road network is loaded", body = Exception)))]
async fn create(State(state): State<AppState>, headers: HeaderMap, JsonBody(body): JsonBody) -> ApiResult<Response> {
    let obj = body.as_object().ok_or_else(|| ApiError::bad_request("the body must be a JSON object"))?;
    const KEYS: [&str; 5] = ["reason", "geometry", "roads", "buffer_m", "until"];
    if let Some(k) = obj.keys().find(|k| !KEYS.contains(&k.as_str())) {
        return Err(ApiError::bad_param(k, format!("unknown member; expected {}", KEYS.join(", "))));
    }
    let reason = obj
        .get("reason")
        .and_then(Value::as_str)
        .filter(|r| !r.trim().is_empty())
        .ok_or_else(|| ApiError::bad_param("reason", "is required (why the roads are closed)"))?;
    let area = area_from(obj)?;
    let roads: Vec<RoadRef> = match obj.get("roads") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a
            .iter()
            .enumerate()
            .map(|(i, v)| match v {
                Value::String(id) => Ok(RoadRef::Feature(id.clone())),
                _ => v.as_i64().map(RoadRef::Way).ok_or_else(|| {
                    ApiError::bad_param(
                        &format!("roads[{i}]"),
                        "must be an OpenStreetMap way id or a roads-layer feature id",
                    )
                }),
            })
            .collect::<ApiResult<_>>()?,
        Some(_) => return Err(ApiError::bad_param("roads", "must be an array of road (way) ids")),
    };
    if area.is_none() && roads.is_empty() {
        return Err(ApiError::bad_param("geometry", "give an area (geometry) or road ids (roads)"));
    }
    let now = Utc::now();
    let until = match obj.get("until") {
        None | Some(Value::Null) => None,
        Some(v) => {
            let t = v
                .as_str()
                .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
                .ok_or_else(|| {
                    ApiError::bad_param("until", "must be an RFC 3339 time such as 2026-12-01T18:00:00+08:00")
                })?
                .with_timezone(&Utc);
            if t <= now {
                return Err(ApiError::bad_param("until", "is in the past"));
            }
            Some(t)
        }
    };
    let rs = engine(&state)?;
    let started = std::time::Instant::now();
    let c = Closure {
        id: format!("closure-{}", uuid::Uuid::now_v7()),
        origin: MANUAL.to_owned(),
        reason: reason.to_owned(),
        area,
        roads,
        until,
        created: now,
        created_by: crate::ogc::write::writer_or(&headers, "api").actor,
        feature: None,
        rev: 0,
    };
    let mut book = rs.book.lock();
    let edges = book.edges_of(&rs.engine, &c).len();
    // An area with no road in it still closes its shelters; one away from every road, or road
    // ids that name none, is a mistake.
    let near = c.area.as_ref().and_then(area_of).is_some_and(|a| rs.engine.edges.near_roads(&a, NEAR_M));
    let unknown_roads = !c.roads.is_empty() && {
        let only_roads = Closure { area: None, ..c.clone() };
        let n = book.edges_of(&rs.engine, &only_roads).len();
        book.forget(&only_roads);
        n == 0
    };
    if unknown_roads {
        book.forget(&c);
        return Err(ApiError::bad_param(
            "roads",
            "names no road of the network (OpenStreetMap way ids, or roads-layer feature ids)",
        )
        .into_status(StatusCode::UNPROCESSABLE_ENTITY));
    }
    if edges == 0 && !near {
        book.forget(&c);
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "NothingClosed",
            "no road of the network lies in that area or has those ids",
        ));
    }
    book.manual.push(c.clone());
    if let Err(e) = book.save() {
        book.manual.pop();
        book.forget(&c);
        return Err(ApiError::internal(e));
    }
    rs.reapply(&mut book);
    let mut doc = closure_json(&c, edges);
    doc["properties"]["effective_after_ms"] = json!(round3(started.elapsed().as_secs_f64() * 1000.0));
    let location = format!("/routing/closures/{}", c.id);
    Ok((StatusCode::CREATED, [(axum::http::header::LOCATION, location)], Json(doc)).into_response())
}

fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

/// `DELETE /routing/closures/{id}`: reopens the roads of a manual closure at once; 204.
#[utoipa::path(delete, path = "/routing/closures/{id}", tag = "routing", params(("id" = String, Path, description = "the closure id")), responses((status = 204, description = "the roads are open again"), (status = 404, description = "no such collection, feature or job", body = Exception), (status = 409, description = "an automatic closure: change its feature instead", body = Exception), (status = 503, description = "no road network is loaded", body = Exception)))]
async fn remove(State(state): State<AppState>, Path(id): Path<String>) -> ApiResult<StatusCode> {
    let rs = engine(&state)?;
    let mut book = rs.book.lock();
    let Some(pos) = book.manual.iter().position(|c| c.id == id) else {
        if book.auto.iter().any(|c| c.id == id) {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "AutomaticClosure",
                format!("{id} follows its feature: change that feature (risk zone inactive, hazard status) to reopen"),
            ));
        }
        return Err(ApiError::not_found(format!("no closure {id}")));
    };
    let removed = book.manual.remove(pos);
    if let Err(e) = book.save() {
        book.manual.insert(pos, removed);
        return Err(ApiError::internal(e));
    }
    book.forget(&removed);
    rs.reapply(&mut book);
    Ok(StatusCode::NO_CONTENT)
}
