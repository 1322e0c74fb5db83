//! [`StoreTileSource`]: tiles rendered from any [`Store`] — for the embedded store, straight from
//! its in-memory R-trees (a bbox query per layer, no disk access).

mod render;

pub use render::render;

use crate::{TileError, TileRequest, TileSource, VectorLayer};
use onemap_model::{ColumnType, LayerId, Scope};
use onemap_store::Store;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Encoding parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RenderOptions {
    /// Tile units per side.
    pub extent: u32,
    /// Tile units of geometry kept beyond each edge.
    pub buffer: u32,
    /// Clustering grid cell in tile units (512 = 64 px on a 512-px tile).
    pub cluster_cell: u32,
    /// Douglas–Peucker tolerance in tile units below [`Self::simplify_below`].
    pub tolerance: f64,
    /// Zooms at and above this one keep every vertex.
    pub simplify_below: u8,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions { extent: 4096, buffer: 64, cluster_cell: 512, tolerance: 0.5, simplify_below: 14 }
    }
}

/// Tiles from a feature store.
pub struct StoreTileSource {
    store: Arc<dyn Store>,
    options: RenderOptions,
}

impl StoreTileSource {
    pub fn new(store: Arc<dyn Store>, options: RenderOptions) -> Self {
        StoreTileSource { store, options }
    }

    pub fn options(&self) -> &RenderOptions {
        &self.options
    }
}

fn field_type(layer: LayerId, name: &str) -> String {
    match layer.column(name).map(|c| c.ty) {
        Some(ColumnType::Integer | ColumnType::Real) => "Number",
        Some(ColumnType::Boolean) => "Boolean",
        _ => "String",
    }
    .to_owned()
}

#[async_trait::async_trait]
impl TileSource for StoreTileSource {
    fn kind(&self) -> &'static str {
        "store"
    }

    fn vector_layers(&self, layers: &[LayerId]) -> Vec<VectorLayer> {
        layers
            .iter()
            .map(|&l| {
                let t = &l.def().tiles;
                let mut fields = BTreeMap::new();
                fields.insert("id".to_owned(), "String".to_owned());
                for a in t.attributes {
                    fields.insert((*a).into(), field_type(l, a));
                }
                for (a, _) in t.derived {
                    fields.insert((*a).to_owned(), "Number".to_owned());
                }
                let mut description = format!("{} {}", l.title_zh(), l.title());
                if let Some(c) = l.def().cluster {
                    let rolled = c.rollups.iter().filter(|r| r.is_scalar()).map(|r| r.key);
                    let names: Vec<&str> = ["cluster", "point_count"].into_iter().chain(rolled).collect();
                    description.push_str(&format!("; clustered below zoom {} ({})", c.below, names.join(", ")));
                    fields.insert("cluster".to_owned(), "Boolean".to_owned());
                    fields.insert("point_count".to_owned(), "Number".to_owned());
                }
                let mut v = VectorLayer::new(l.as_str().to_owned(), fields);
                v.description = Some(description);
                v.minzoom = Some(t.minzoom);
                v.maxzoom = Some(t.maxzoom);
                v
            })
            .collect()
    }

    fn bounds(&self, layers: &[LayerId], scope: &Scope) -> Option<[f64; 4]> {
        layers
            .iter()
            .filter_map(|&l| self.store.summary(l, &scope.on(l)).extent)
            .reduce(|a, b| [a[0].min(b[0]), a[1].min(b[1]), a[2].max(b[2]), a[3].max(b[3])])
    }

    async fn tile(&self, req: &TileRequest) -> Result<Vec<u8>, TileError> {
        let (store, options, request) = (Arc::clone(&self.store), self.options, req.clone());
        // Rendering is CPU work: keep it off the async workers.
        tokio::task::spawn_blocking(move || render(store.as_ref(), &request, &options))
            .await
            .map_err(|e| TileError::Render { tile: req.coord, message: e.to_string() })?
    }
}
