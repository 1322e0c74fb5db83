//! Vector tiles over HTTP: the one-map XYZ tiles with TileJSON, and OGC API – Tiles per collection.
//! Rendering and caching live in `onemap-tiles`; this module parses, answers and negotiates.

mod matrix;
mod ogc;
pub(crate) mod response;
mod xyz;

pub use matrix::{web_mercator_quad, CONFORMANCE};

use crate::error::ApiError;
use crate::AppState;
use axum::routing::get;
use axum::Router;
use onemap_tiles::TileError;

/// The tile routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/tiles.json", get(xyz::tilejson_all))
        .route("/tiles/{layers}", get(xyz::tilejson_some))
        .route("/tiles/{z}/{x}/{y}", get(xyz::tile_all))
        .route("/tiles/{layers}/{z}/{x}/{y}", get(xyz::tile_some))
        .route("/tileMatrixSets", get(matrix::list))
        .route("/tileMatrixSets/{id}", get(matrix::one))
        .route("/collections/{id}/tiles", get(ogc::tilesets))
        .route("/collections/{id}/tiles/{tms}", get(ogc::tileset))
        .route("/collections/{id}/tiles/{tms}/{z}/{row}/{col}", get(ogc::tile))
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
