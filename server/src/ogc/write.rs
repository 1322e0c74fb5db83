//! OGC API – Features Part 4 writes: POST, PUT, PATCH, DELETE with ETag / If-Match.

use super::collections::layer;
use super::items::{feature_response, geojson_response};
use super::links::BaseUrl;
use crate::auth::Caller;
use crate::body::JsonBody;
use crate::conditional::if_match_version;
use crate::error::ApiResult;
#[allow(unused_imports)]
use crate::error::Exception;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use onemap_model::geometry::geometry_from_geojson;
use onemap_model::{NewFeature, ValidationError};
use onemap_store::FeaturePatch;
use serde_json::Value;

/// The features a collection POST created.
#[derive(Debug, serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct Created<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    features: Vec<onemap_model::GeoJsonFeature<'a>>,
    number_returned: usize,
}

/// `POST /collections/{id}/items`: one Feature or a FeatureCollection, all or nothing.
#[utoipa::path(post, path = "/collections/{collectionId}/items", tag = "features", params(("collectionId" = String, Path, description = "the layer (collection) id, as /collections lists them")), request_body(content = Object, content_type = "application/geo+json", description = "a Feature or a FeatureCollection, written all or nothing"), responses((status = 201, description = "created; Location names the feature", body = Object, content_type = "application/geo+json"), (status = 400, description = "a bad parameter or value, named in `field`", body = Exception), (status = 404, description = "no such collection, feature or job", body = Exception), (status = 409, description = "a feature with that id exists", body = Exception), (status = 413, description = "the body is too large")))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    base: BaseUrl,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let layer = layer(&state, &id)?;
    let (batch, single) = match body.get("type").and_then(Value::as_str) {
        Some("Feature") => (vec![NewFeature::from_geojson(layer, &body)?], true),
        Some("FeatureCollection") => {
            let features = body
                .get("features")
                .and_then(Value::as_array)
                .ok_or_else(|| ValidationError::new("features", "must be an array"))?;
            if features.is_empty() {
                return Err(ValidationError::new("features", "is empty").into());
            }
            let batch = features
                .iter()
                .enumerate()
                .map(|(i, f)| NewFeature::from_geojson(layer, f).map_err(|e| e.prefixed(&format!("features[{i}]."))))
                .collect::<Result<Vec<_>, _>>()?;
            (batch, false)
        }
        _ => return Err(ValidationError::new("type", "must be \"Feature\" or \"FeatureCollection\"").into()),
    };
    let store = state.store.clone();
    let w = caller.writer_for(layer)?;
    let created = crate::blocking(move || store.insert(layer, batch, &w)).await??;
    let location = |fid: &str| base.at(&format!("/collections/{id}/items/{fid}"));
    if single {
        if let Some(f) = created.first() {
            let mut res = feature_response(StatusCode::CREATED, f);
            if let Ok(v) = HeaderValue::from_str(&location(&f.id)) {
                res.headers_mut().insert(header::LOCATION, v);
            }
            return Ok(res);
        }
    }
    let body = Created {
        kind: "FeatureCollection",
        number_returned: created.len(),
        features: created.iter().map(|f| f.geojson()).collect(),
    };
    Ok(geojson_response(StatusCode::CREATED, &body))
}

/// `PUT /collections/{id}/items/{featureId}`.
#[utoipa::path(put, path = "/collections/{collectionId}/items/{featureId}", tag = "features", params(("collectionId" = String, Path, description = "the layer (collection) id, as /collections lists them"), ("featureId" = String, Path, description = "the feature id"), ("If-Match" = Option<String>, Header, description = "the version being replaced")), request_body(content = Object, content_type = "application/geo+json", description = "the new Feature"), responses((status = 200, description = "the feature as stored", body = Object, content_type = "application/geo+json"), (status = 400, description = "a bad parameter or value, named in `field`", body = Exception), (status = 404, description = "no such collection, feature or job", body = Exception), (status = 412, description = "If-Match names a stale version", body = Exception)))]
pub async fn replace(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, fid)): Path<(String, String)>,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let layer = layer(&state, &id)?;
    let feature = NewFeature::from_geojson(layer, &body)?;
    let expected = if_match_version(&headers)?;
    let store = state.store.clone();
    let w = caller.writer_for(layer)?;
    let f = crate::blocking(move || store.replace(layer, &fid, feature, expected, &w)).await??;
    Ok(feature_response(StatusCode::OK, &f))
}

/// `PATCH /collections/{id}/items/{featureId}`: `{"geometry"?: …, "properties"?: merge-patch}`.
#[utoipa::path(patch, path = "/collections/{collectionId}/items/{featureId}", tag = "features", params(("collectionId" = String, Path, description = "the layer (collection) id, as /collections lists them"), ("featureId" = String, Path, description = "the feature id"), ("If-Match" = Option<String>, Header, description = "the version being changed")), request_body(content = Object, content_type = "application/merge-patch+json", description = "a JSON merge patch of properties, optionally a geometry"), responses((status = 200, description = "the feature as stored", body = Object, content_type = "application/geo+json"), (status = 400, description = "a bad parameter or value, named in `field`", body = Exception), (status = 404, description = "no such collection, feature or job", body = Exception), (status = 412, description = "If-Match names a stale version", body = Exception)))]
pub async fn patch(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, fid)): Path<(String, String)>,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let layer = layer(&state, &id)?;
    let obj = body.as_object().ok_or_else(|| ValidationError::new("", "a patch must be a JSON object"))?;
    if let Some(k) = obj.keys().find(|k| !matches!(k.as_str(), "type" | "id" | "geometry" | "properties")) {
        return Err(ValidationError::new(k.as_str(), "unknown member; a patch has geometry and/or properties").into());
    }
    let geometry = match obj.get("geometry") {
        None | Some(Value::Null) => None,
        Some(g) => Some(geometry_from_geojson(g, layer.geometry_kind())?),
    };
    let p = FeaturePatch { geometry, properties: obj.get("properties").cloned() };
    let expected = if_match_version(&headers)?;
    let store = state.store.clone();
    let w = caller.writer_for(layer)?;
    let f = crate::blocking(move || store.patch(layer, &fid, p, expected, &w)).await??;
    Ok(feature_response(StatusCode::OK, &f))
}

/// `DELETE /collections/{id}/items/{featureId}`.
#[utoipa::path(delete, path = "/collections/{collectionId}/items/{featureId}", tag = "features", params(("collectionId" = String, Path, description = "the layer (collection) id, as /collections lists them"), ("featureId" = String, Path, description = "the feature id"), ("If-Match" = Option<String>, Header, description = "the version being deleted")), responses((status = 204, description = "deleted"), (status = 404, description = "no such collection, feature or job", body = Exception), (status = 412, description = "If-Match names a stale version", body = Exception)))]
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, fid)): Path<(String, String)>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let layer = layer(&state, &id)?;
    let expected = if_match_version(&headers)?;
    let store = state.store.clone();
    let w = caller.writer_for(layer)?;
    crate::blocking(move || store.delete(layer, &fid, expected, &w)).await??;
    Ok(StatusCode::NO_CONTENT.into_response())
}
