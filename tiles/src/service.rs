//! [`TileService`]: a [`TileSource`] behind the write-through [`TileCache`]. It listens to the
//! store, so a write drops the tiles it touches before the write call returns.

use crate::cache::{CachedTile, TileCache, TileKey};
use crate::{TileError, TileRequest, TileSource};
use onemap_model::{LayerId, Scope};
use onemap_store::{Bbox, ChangeListener};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Cache hits and misses since start.
#[derive(Debug, Default)]
pub struct TileStats {
    pub hits: AtomicU64,
    pub misses: AtomicU64,
}

/// Cached tiles from one source.
pub struct TileService {
    source: Arc<dyn TileSource>,
    cache: TileCache,
    pub stats: TileStats,
}

fn variant(req: &TileRequest) -> String {
    let scope = match &req.scope {
        Scope::All => String::new(),
        Scope::Areas(codes) => format!("|scope={}", codes.join(",")),
    };
    format!("{}{scope}", req.filter.key())
}

impl TileService {
    /// `cache_bytes` is the cache's budget; 0 disables caching.
    pub fn new(source: Arc<dyn TileSource>, cache_bytes: u64) -> Self {
        // Pad matched areas by a quarter tile: covers the 64-unit buffer and 512-unit cluster cells.
        TileService { source, cache: TileCache::new(cache_bytes, 0.25), stats: TileStats::default() }
    }

    pub fn source(&self) -> &Arc<dyn TileSource> {
        &self.source
    }

    pub fn cache(&self) -> &TileCache {
        &self.cache
    }

    /// The tile for `req`, from the cache or freshly rendered (and then cached).
    pub async fn tile(&self, req: &TileRequest) -> Result<CachedTile, TileError> {
        let key = TileKey::new(&req.layers, &variant(req), req.coord);
        if let Some(t) = self.cache.get(&key) {
            self.stats.hits.fetch_add(1, Ordering::Relaxed);
            return Ok(t);
        }
        self.stats.misses.fetch_add(1, Ordering::Relaxed);
        let ticket = self.cache.ticket();
        let tile = CachedTile::new(self.source.tile(req).await?);
        self.cache.insert(key, tile.clone(), ticket);
        Ok(tile)
    }
}

impl ChangeListener for TileService {
    fn changed(&self, layer: LayerId, boxes: &[Bbox]) {
        self.cache.invalidate(layer, boxes);
    }
}
