//! `/` and `/conformance`.

use super::links::{link, BaseUrl, HTML, JSON, OPENAPI};
use super::params;
use crate::error::ApiResult;
use crate::{web, AppState};
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

/// Conformance classes this server implements.
pub const CONFORMANCE: &[&str] = &[
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
    "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/create-replace-delete",
    "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/update",
    "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/features",
];

/// Whether the client asked for HTML (a browser) rather than JSON.
pub fn wants_html(headers: &HeaderMap, pairs: &[(String, String)]) -> bool {
    if let Some((_, f)) = pairs.iter().find(|(k, _)| k == "f") {
        return f == "html";
    }
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or("");
    let pos = |m: &str| accept.find(m);
    match (pos("text/html"), pos("json")) {
        (Some(h), Some(j)) => h < j,
        (Some(_), None) => true,
        _ => false,
    }
}

/// The landing page: the one-map page for browsers, the OGC landing document for clients.
pub async fn landing(
    State(state): State<AppState>,
    base: BaseUrl,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let pairs = params::pairs(raw.as_deref())?;
    params::only(&pairs, &["f"])?;
    if wants_html(&headers, &pairs) {
        return web::index(&state).await;
    }
    if let Some((_, f)) = pairs.first() {
        params::check_format(f)?;
    }
    let info = &state.info;
    Ok(Json(json!({
        "title": info.title,
        "description": "应急指挥一张图 — hazards, risk zones, shelters, routes, depots, teams and admin areas on one map (OGC API – Features)",
        "attribution": info.attribution,
        "links": [
            link(base.at("/?f=json"), "self", JSON, "this document"),
            link(base.at("/?f=html"), "alternate", HTML, "the one-map page"),
            link(base.at("/api"), "service-desc", OPENAPI, "the API definition (OpenAPI 3.0)"),
            link(base.at("/api.html"), "service-doc", HTML, "the API documentation"),
            link(base.at("/conformance"), "conformance", JSON, "conformance classes"),
            link(base.at("/collections"), "data", JSON, "the layers"),
            link(base.at("/tileMatrixSets"), "http://www.opengis.net/def/rel/ogc/1.0/tiling-schemes", JSON, "tile matrix sets"),
            link(base.at("/tiles.json"), "describedby", JSON, "TileJSON of the one-map vector tiles"),
        ],
    }))
    .into_response())
}

/// `GET /conformance`.
pub async fn conformance(RawQuery(raw): RawQuery) -> ApiResult<Json<serde_json::Value>> {
    let pairs = params::pairs(raw.as_deref())?;
    params::only(&pairs, &["f"])?;
    let all: Vec<&str> = CONFORMANCE.iter().chain(crate::tiles::CONFORMANCE).copied().collect();
    Ok(Json(json!({ "conformsTo": all })))
}
