//! Vector tiles over HTTP: the one-map XYZ tiles with TileJSON, and OGC API – Tiles per collection.
//! Rendering and caching live in `onemap-tiles`; this module parses, answers and negotiates.

mod matrix;
mod ogc;
pub(crate) mod response;
mod xyz;

pub use matrix::{web_mercator_quad, CONFORMANCE};

use crate::error::ApiError;
use crate::AppState;
use onemap_tiles::TileError;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The tile routes, each documented by its handler.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(xyz::tilejson_all))
        .routes(routes!(xyz::tilejson_some))
        .routes(routes!(xyz::tile_all))
        .routes(routes!(xyz::tile_some))
        .routes(routes!(matrix::list))
        .routes(routes!(matrix::one))
        .routes(routes!(ogc::tilesets))
        .routes(routes!(ogc::tileset))
        .routes(routes!(ogc::tile))
}

impl From<TileError> for ApiError {
    fn from(e: TileError) -> Self {
        match &e {
            TileError::BadCoord(_) | TileError::UnknownLayer { .. } => ApiError::not_found(e.to_string()),
            TileError::BadFilter { field, .. } => ApiError::bad_param(field, &e),
            TileError::Store(_) | TileError::Render { .. } => ApiError::internal(&e),
        }
    }
}

/// Parses a tile coordinate from path text (`12`, `3300`, `1700` or `1700.mvt`).
pub fn coord(z: &str, x: &str, y: &str) -> Result<onemap_tiles::TileCoord, ApiError> {
    let num = |name: &str, v: &str| -> Result<u64, ApiError> {
        v.parse::<u64>()
            .map_err(|_| ApiError::not_found(format!("{name} `{v}` is not a tile index (a whole number ≥ 0)")))
    };
    let z = u32::try_from(num("zoom", z)?).map_err(|_| ApiError::not_found(format!("zoom {z} outside 0..=24")))?;
    Ok(onemap_tiles::TileCoord::new(z, num("x (tileCol)", x)?, num("y (tileRow)", y)?)?)
}
