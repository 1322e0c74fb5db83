//! `/` and `/conformance`: what the whole server offers, assembled from the features and tiles
//! modules (which know nothing of each other's conformance).

use crate::error::ApiResult;
use crate::ogc::links::{link, BaseUrl, Link, HTML, JSON, OPENAPI};
use crate::ogc::params;
use crate::{web, AppState};
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::Json;

/// The OGC API landing document.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Landing {
    pub title: String,
    pub description: &'static str,
    pub attribution: Option<String>,
    pub links: Vec<Link>,
}

/// The conformance classes the server implements.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Conformance {
    pub conforms_to: Vec<&'static str>,
}

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
#[utoipa::path(get, path = "/", tag = "ogc", params(("f" = Option<String>, Query, description = "json")), responses((status = 200, description = "the landing page (the one-map page for a browser asking for HTML)", body = Landing)))]
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
    Ok(Json(Landing {
        title: info.title.clone(),
        description: "应急指挥一张图 — hazards, risk zones, shelters, routes, depots, teams and admin areas on one map (OGC API – Features)",
        attribution: info.attribution.clone(),
        links: vec![
            link(base.at("/?f=json"), "self", JSON, "this document"),
            link(base.at("/?f=html"), "alternate", HTML, "the one-map page"),
            link(base.at("/api"), "service-desc", OPENAPI, "the API definition (OpenAPI 3.0)"),
            link(base.at("/api.html"), "service-doc", HTML, "the API documentation"),
            link(base.at("/conformance"), "conformance", JSON, "conformance classes"),
            link(base.at("/collections"), "data", JSON, "the layers"),
            link(base.at("/tileMatrixSets"), "http://www.opengis.net/def/rel/ogc/1.0/tiling-schemes", JSON, "tile matrix sets"),
            link(base.at("/tiles.json"), "describedby", JSON, "TileJSON of the one-map vector tiles"),
        ],
    })
    .into_response())
}

/// `GET /conformance`.
#[utoipa::path(get, path = "/conformance", tag = "ogc", params(("f" = Option<String>, Query, description = "json")), responses((status = 200, description = "the conformance classes", body = Conformance)))]
pub async fn conformance(RawQuery(raw): RawQuery) -> ApiResult<Json<Conformance>> {
    let pairs = params::pairs(raw.as_deref())?;
    params::only(&pairs, &["f"])?;
    let conforms_to = crate::ogc::CONFORMANCE.iter().chain(crate::tiles::CONFORMANCE).copied().collect();
    Ok(Json(Conformance { conforms_to }))
}
