//! Absolute links, built from the configured public URL or the request's Host header.

use crate::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use std::convert::Infallible;

/// The URL prefix under which this server is reached, without a trailing slash.
#[derive(Debug, Clone)]
pub struct BaseUrl(pub String);

impl FromRequestParts<AppState> for BaseUrl {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if let Some(url) = &state.info.public_url {
            return Ok(BaseUrl(url.trim_end_matches('/').to_owned()));
        }
        let host = parts
            .headers
            .get(axum::http::header::HOST)
            .and_then(|h| h.to_str().ok())
            .filter(|h| h.bytes().all(|b| b.is_ascii_graphic()))
            .unwrap_or("localhost");
        let proto = parts
            .headers
            .get("x-forwarded-proto")
            .and_then(|h| h.to_str().ok())
            .filter(|p| *p == "https")
            .unwrap_or("http");
        Ok(BaseUrl(format!("{proto}://{host}")))
    }
}

impl BaseUrl {
    /// `base + path`.
    pub fn at(&self, path: &str) -> String {
        format!("{}{path}", self.0)
    }
}

/// One link object (OGC API, RFC 8288 relation).
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct Link {
    pub href: String,
    pub rel: String,
    /// The media type of the target.
    #[serde(rename = "type")]
    pub media: String,
    pub title: String,
    /// The href is a URI template (`{tileMatrix}` …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub templated: Option<bool>,
}

/// One link object.
pub fn link(href: String, rel: &str, media: &str, title: &str) -> Link {
    Link { href, rel: rel.to_owned(), media: media.to_owned(), title: title.to_owned(), templated: None }
}

pub const JSON: &str = "application/json";
pub const GEOJSON: &str = "application/geo+json";
pub const HTML: &str = "text/html";
pub const OPENAPI: &str = "application/vnd.oai.openapi+json;version=3.0";
