//! Vector tiles (Mapbox Vector Tile 2.1) for the one map.
//!
//! [`TileSource`] is the seam (as martin-core's `Source`): the first implementation,
//! [`StoreTileSource`], renders from the store's in-memory R-trees; a PostGIS `ST_AsMVT` source can
//! follow without changing callers. [`TileCache`] keeps rendered tiles within a byte budget and
//! drops every tile a write touches before the write is answered (write-through invalidation).
//!
//! Geographic coordinates are EPSG:4326/4490 longitude/latitude degrees; tiles are
//! WebMercatorQuad (EPSG:3857) XYZ with y = 0 at the north.

pub mod cache;
pub mod cluster;
pub mod coord;
pub mod decode;
pub mod encode;
mod filter;
pub mod layers;
pub mod service;
pub mod store_source;

pub use cache::{CachedTile, TileCache, TileKey};
pub use coord::{TileCoord, MAX_ZOOM};
pub use filter::TileFilter;
pub use service::TileService;
pub use store_source::{RenderOptions, StoreTileSource};

use onemap_model::{LayerId, Registry, Scope};

/// Why a tile cannot be served.
#[derive(Debug, thiserror::Error)]
pub enum TileError {
    /// z/x/y outside the tile matrix.
    #[error("{0}")]
    BadCoord(String),
    /// A layer name the source does not have.
    #[error("unknown layer `{name}`; layers are {known}")]
    UnknownLayer { name: String, known: String },
    /// A filter naming no property of the requested layers, or a value of the wrong type.
    #[error("filter `{field}`: {message}")]
    BadFilter { field: String, message: String },
    /// The backing store failed.
    #[error("store: {0}")]
    Store(#[from] onemap_store::StoreError),
    /// Rendering did not finish (its task panicked or was cancelled).
    #[error("rendering {tile} failed: {message}")]
    Render { tile: TileCoord, message: String },
}

impl TileError {
    /// Whether the caller's request is at fault (a 4xx rather than a 5xx).
    pub fn is_client_error(&self) -> bool {
        matches!(self, TileError::BadCoord(_) | TileError::UnknownLayer { .. } | TileError::BadFilter { .. })
    }
}

/// What to render.
#[derive(Debug, Clone, PartialEq)]
pub struct TileRequest {
    pub coord: TileCoord,
    /// Layers in drawing order; each is written as one MVT layer named by its id.
    pub layers: Vec<LayerId>,
    pub filter: TileFilter,
    /// What the caller may see.
    pub scope: Scope,
}

pub use tilejson::{self, VectorLayer};

/// A source of vector tiles. Object safe: the server holds an `Arc<dyn TileSource>`.
#[async_trait::async_trait]
pub trait TileSource: Send + Sync {
    /// A short name of the implementation (`store`, `postgis`).
    fn kind(&self) -> &'static str;
    /// The layers with their zooms and attributes, for TileJSON.
    fn vector_layers(&self, layers: &[LayerId]) -> Vec<VectorLayer>;
    /// Bounds in EPSG:4326 degrees `[w, s, e, n]` of the data a caller with `scope` sees, if any.
    fn bounds(&self, layers: &[LayerId], scope: &Scope) -> Option<[f64; 4]>;
    /// Renders one tile; an empty vector when nothing is in it.
    async fn tile(&self, req: &TileRequest) -> Result<Vec<u8>, TileError>;
}

/// Parses a comma-separated layer list (`hazards,shelters`) against `registry`, keeping drawing
/// order and dropping repeats.
pub fn parse_layers(registry: &Registry, list: &str) -> Result<Vec<LayerId>, TileError> {
    let mut wanted = Vec::new();
    for name in list.split(',').map(str::trim) {
        let layer = registry.parse(name).map_err(|e| TileError::UnknownLayer { name: e.name, known: e.known })?;
        wanted.push(layer);
    }
    Ok(registry.layers().iter().copied().filter(|l| wanted.contains(l)).collect())
}
