//! `GET /collections/{id}/items` and `GET /collections/{id}/items/{featureId}`.

use super::collections::layer;
use super::links::{link, BaseUrl, Link, GEOJSON, JSON};
use super::params;
use crate::auth::Caller;
use crate::conditional::ETag;
#[allow(unused_imports)]
use crate::error::Exception;
use crate::error::{ApiError, ApiResult};
use crate::AppState;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use onemap_model::{format_timestamp, Feature, GeoJsonFeature, Scope};
use serde::Serialize;
use serde_json::Value;

/// A page of features (OGC API – Features `items`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FeaturePage<'a> {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub features: Vec<GeoJsonFeature<'a>>,
    pub number_matched: usize,
    pub number_returned: usize,
    pub time_stamp: String,
    pub links: Vec<Link>,
}

/// One recorded change of a feature.
#[derive(Debug, Serialize)]
pub struct Change<'a> {
    pub version: i64,
    pub op: &'static str,
    pub actor: &'a str,
    pub at: String,
    /// The properties after the change (`null` for a delete).
    pub properties: &'a Option<Value>,
}

/// The change log of a feature, oldest first.
#[derive(Debug, Serialize)]
pub struct History<'a> {
    pub changes: Vec<Change<'a>>,
}

/// A JSON body with the GeoJSON media type.
pub fn geojson_response(status: StatusCode, body: &impl Serialize) -> Response {
    let text = serde_json::to_string(body).unwrap_or_else(|_| "null".to_owned());
    let mut res = (status, text).into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(GEOJSON));
    res
}

/// A single feature with its ETag.
pub fn feature_response(status: StatusCode, f: &Feature) -> Response {
    let mut res = geojson_response(status, &f.geojson());
    ETag::new(f.etag()).set(&mut res);
    res
}

/// `GET /collections/{id}/items`.
#[utoipa::path(get, path = "/collections/{collectionId}/items", tag = "features", params(("collectionId" = String, Path, description = "the layer (collection) id, as /collections lists them"), ("bbox" = Option<String>, Query, description = "minLon,minLat,maxLon,maxLat in CRS84 degrees"), ("limit" = Option<u32>, Query, description = "features per page (1–10000, default 100)"), ("offset" = Option<u32>, Query, description = "features to skip (the next link sets it)"), ("datetime" = Option<String>, Query, description = "instant or interval (a/b, .. open) on the last update"), ("f" = Option<String>, Query, description = "json")), responses((status = 200, description = "a page of features (numberMatched, numberReturned, next/prev links)", body = Object, content_type = "application/geo+json"), (status = 400, description = "a bad parameter or value, named in `field`", body = Exception), (status = 404, description = "no such collection, feature or job", body = Exception)))]
pub async fn items(
    State(state): State<AppState>,
    caller: Caller,
    base: BaseUrl,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let layer = layer(&state, &id)?;
    let pairs = params::pairs(raw.as_deref())?;
    let q = params::items_query(layer, &pairs)?;
    if caller.hides_personal() {
        if let Some((k, _)) = q.filters.iter().find(|(k, _)| layer.def().personal.contains(&k.as_str())) {
            return Err(ApiError::bad_param(k, "is not a queryable property"));
        }
    }
    let page = state.store.query(layer, &q, &caller.reads(layer))?;

    let path = format!("/collections/{id}/items");
    let url_with_offset = |offset: usize| {
        let mut p: Vec<(String, String)> = pairs.iter().filter(|(k, _)| k != "offset").cloned().collect();
        if offset > 0 {
            p.push(("offset".into(), offset.to_string()));
        }
        let qs = serde_urlencoded::to_string(&p).unwrap_or_default();
        base.at(&if qs.is_empty() { path.clone() } else { format!("{path}?{qs}") })
    };
    let returned = page.features.len();
    let mut links = vec![
        link(url_with_offset(q.offset), "self", GEOJSON, "this page"),
        link(base.at(&format!("/collections/{id}")), "collection", JSON, "the collection"),
    ];
    if q.offset + returned < page.number_matched {
        links.push(link(url_with_offset(q.offset + returned), "next", GEOJSON, "next page"));
    }
    if q.offset > 0 {
        links.push(link(url_with_offset(q.offset.saturating_sub(q.limit)), "prev", GEOJSON, "previous page"));
    }
    let body = FeaturePage {
        kind: "FeatureCollection",
        features: page.features.iter().map(|f| caller.geojson(layer, f)).collect(),
        number_matched: page.number_matched,
        number_returned: returned,
        time_stamp: format_timestamp(Utc::now()),
        links,
    };
    Ok(geojson_response(StatusCode::OK, &body))
}

/// `GET /collections/{id}/items/{featureId}`; `If-None-Match` with the current ETag → 304.
#[utoipa::path(get, path = "/collections/{collectionId}/items/{featureId}", tag = "features", params(("collectionId" = String, Path, description = "the layer (collection) id, as /collections lists them"), ("featureId" = String, Path, description = "the feature id"), ("f" = Option<String>, Query, description = "json"), ("If-None-Match" = Option<String>, Header, description = "an ETag the client has")), responses((status = 200, description = "the feature, with its ETag", body = Object, content_type = "application/geo+json"), (status = 304, description = "the client has this version"), (status = 404, description = "no such collection, feature or job", body = Exception)))]
pub async fn item(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, fid)): Path<(String, String)>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let layer = layer(&state, &id)?;
    params::only(&params::pairs(raw.as_deref())?, &["f"])?;
    let f = state.store.get(layer, &fid, &caller.reads(layer))?;
    let etag = ETag::new(f.etag());
    if etag.matches_if_none_match(&headers) {
        return Ok(etag.not_modified(&[]));
    }
    let mut res = geojson_response(StatusCode::OK, &caller.geojson(layer, &f));
    etag.set(&mut res);
    Ok(res)
}

/// `GET /collections/{id}/items/{featureId}/history`: the change log (who, when, what).
#[utoipa::path(get, path = "/collections/{collectionId}/items/{featureId}/history", tag = "features", params(("collectionId" = String, Path, description = "the layer (collection) id, as /collections lists them"), ("featureId" = String, Path, description = "the feature id")), responses((status = 200, description = "the change log of the feature: who, when, what", body = Object, content_type = "application/json"), (status = 404, description = "no such collection, feature or job", body = Exception)))]
pub async fn history(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, fid)): Path<(String, String)>,
) -> ApiResult<Response> {
    let layer = layer(&state, &id)?;
    let store = state.store.clone();
    let scope = caller.reads(layer);
    let records = crate::blocking(move || {
        // A feature outside the caller's scope has no history for it (404, as for the feature);
        // a deleted one is looked up by its last recorded properties.
        let records = store.history(layer, &fid)?;
        let inside = match records.iter().rev().find_map(|r| r.properties.as_ref()) {
            Some(p) => onemap_model::Properties::from_json(layer, p.clone()).is_ok_and(|p| scope.contains(&p)),
            None => scope == Scope::All,
        };
        if inside {
            Ok(records)
        } else {
            Err(onemap_store::StoreError::NotFound { layer, id: fid.clone() })
        }
    })
    .await??;
    let changes = records
        .iter()
        .map(|r| Change {
            version: r.version,
            op: r.op.as_str(),
            actor: &r.actor,
            at: format_timestamp(r.at),
            properties: &r.properties,
        })
        .collect();
    Ok(axum::Json(History { changes }).into_response())
}
