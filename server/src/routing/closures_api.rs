//! `POST /routing/closures`, `GET /routing/closures`, `DELETE /routing/closures/{id}`.

use super::answers::{ClosureProps, ClosuresMeta, Collection, Feature};
use super::engine;
use crate::auth::Caller;
use crate::body::JsonBody;
#[allow(unused_imports)]
use crate::error::Exception;
use crate::error::{ApiError, ApiResult};
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use onemap_routing::closure::circle;
use onemap_routing_service::closures::{area_of, RoadRef};
use onemap_routing_service::{InForce, NewClosure, ServiceError};
use serde_json::Value;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The largest buffer around a point or line closure, metres.
pub const MAX_BUFFER_M: f64 = 5_000.0;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, create)).routes(routes!(remove))
}

fn closure_feature(f: &InForce, effective_after_ms: Option<f64>) -> Feature<Value, ClosureProps<'_>> {
    let c = &f.closure;
    let props = ClosureProps {
        id: &c.id,
        origin: &c.origin,
        reason: &c.reason,
        created: c.created,
        created_by: &c.created_by,
        edges_closed: f.edges,
        until: c.until,
        roads: &c.roads,
        feature: c.feature.as_deref(),
        effective_after_ms,
    };
    Feature::new(Some(c.id.clone()), c.area.clone().unwrap_or(Value::Null), props)
}

/// `GET /routing/closures`: every closure in force (manual and automatic) as a FeatureCollection.
#[utoipa::path(get, path = "/routing/closures", tag = "routing", responses((status = 200, description = "the closures in force: manual ones and those from the layers", body = Object, content_type = "application/geo+json"), (status = 503, description = "no road network is loaded", body = Exception)))]
async fn list(State(state): State<AppState>, caller: Caller) -> ApiResult<Response> {
    let rs = engine(&state)?;
    let closed = rs.closures_in_force()?;
    let registry = state.store.registry();
    // An automatic closure names the feature it follows: a caller scoped to a township sees
    // those that follow its own features (and every manual one: roads are everybody's context).
    let visible = |c: &InForce| {
        let Some(id) = &c.closure.feature else { return true };
        let origin =
            registry.layers().iter().find(|l| l.def().closes_roads.is_some_and(|r| r.origin == c.closure.origin));
        origin.is_some_and(|&l| state.store.get(l, id, &caller.reads(l)).is_ok())
    };
    let features = closed.closures.iter().filter(|c| visible(c)).map(|c| closure_feature(c, None)).collect();
    let meta = ClosuresMeta {
        edges_closed: closed.edges_closed,
        version: closed.version,
        hierarchies_prepared: closed.hierarchies_prepared,
        last_prepare_ms: closed.last_prepare_ms,
    };
    Ok(Json(Collection::new(features, meta)).into_response())
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
async fn create(
    State(state): State<AppState>,
    caller: crate::auth::Caller,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
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
    let new = NewClosure { reason: reason.to_owned(), area, roads, until, created_by: caller.writer().actor };
    let added = crate::blocking(move || rs.add_closure(new)).await?.map_err(|e| match e {
        ServiceError::UnknownRoads => ApiError::bad_param("roads", e).into_status(StatusCode::UNPROCESSABLE_ENTITY),
        ServiceError::NothingClosed => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "NothingClosed", e.to_string()),
        other => other.into(),
    })?;
    let c = &added.closure;
    let doc = closure_feature(&added, Some(round3(started.elapsed().as_secs_f64() * 1000.0)));
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
    crate::blocking(move || rs.remove_closure(&id)).await?.map_err(|e| match e {
        ServiceError::AutomaticClosure { .. } => ApiError::new(StatusCode::CONFLICT, "AutomaticClosure", e.to_string()),
        ServiceError::NoClosure { .. } => ApiError::not_found(e.to_string()),
        other => other.into(),
    })?;
    Ok(StatusCode::NO_CONTENT)
}
