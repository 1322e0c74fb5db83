//! A tile as an HTTP answer: 200 with an ETag, 304 when the client has it, 204 when empty.

use crate::conditional::ETag;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use onemap_tiles::CachedTile;

pub const MVT: &str = "application/vnd.mapbox-vector-tile";

/// A Mapbox Vector Tile 2.1 (protocol buffers), for the API document.
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)] // documents the body; tiles are sent as bytes
pub struct MvtTile(Vec<u8>);

/// Answers with `tile`, honouring `If-None-Match` by weak comparison (RFC 9110 §13.1.2).
pub fn tile_response(headers: &HeaderMap, tile: &CachedTile, cache_control: &str) -> Response {
    let etag = ETag::new(tile.etag.clone());
    let cc = HeaderValue::from_str(cache_control).unwrap_or(HeaderValue::from_static("no-cache"));
    if etag.matches_if_none_match(headers) {
        return etag.not_modified(&[(header::CACHE_CONTROL, cc)]);
    }
    let etag = etag.header_value();
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
