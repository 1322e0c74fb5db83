//! A tile as an HTTP answer: 200 with an ETag, 304 when the client has it, 204 when empty.

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use onemap_tiles::CachedTile;

pub const MVT: &str = "application/vnd.mapbox-vector-tile";

/// Answers with `tile`, honouring `If-None-Match` by weak comparison (RFC 9110 §13.1.2).
pub fn tile_response(headers: &HeaderMap, tile: &CachedTile, cache_control: &str) -> Response {
    let etag = HeaderValue::from_str(&tile.etag).unwrap_or(HeaderValue::from_static("\"0\""));
    let cc = HeaderValue::from_str(cache_control).unwrap_or(HeaderValue::from_static("no-cache"));
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').map(|t| t.trim()).any(|t| t == "*" || opaque(t) == opaque(&tile.etag)));
    if matches {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag), (header::CACHE_CONTROL, cc)]).into_response();
    }
    if tile.bytes.is_empty() {
        return (StatusCode::NO_CONTENT, [(header::ETAG, etag), (header::CACHE_CONTROL, cc)]).into_response();
    }
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, HeaderValue::from_static(MVT)), (header::ETAG, etag), (header::CACHE_CONTROL, cc)],
        tile.bytes.clone(),
    )
        .into_response()
}

/// An entity tag without its weakness marker.
fn opaque(tag: &str) -> &str {
    tag.strip_prefix("W/").unwrap_or(tag)
}
