//! Exporting the store: every layer to a GeoPackage, or one layer to GeoJSON.

use crate::{ImportError, Result};
use onemap_model::{LayerId, NewFeature, Scope};
use onemap_store::{GpkgStore, Query, Store, Writer};
use serde_json::{json, Value};
use std::path::Path;

fn all_features(store: &dyn Store, layer: LayerId) -> Result<Vec<std::sync::Arc<onemap_model::Feature>>> {
    let q = Query { limit: usize::MAX, ..Query::default() };
    Ok(store.query(layer, &q, &Scope::All)?.features)
}

/// Writes every layer of the store into a new GeoPackage at `path` (refusing to overwrite);
/// returns the count.
pub fn to_gpkg(store: &dyn Store, path: &Path) -> Result<usize> {
    if path.exists() {
        return Err(ImportError::Exists { path: path.display().to_string() });
    }
    let out = GpkgStore::open_with(path, store.registry().clone())?;
    out.set_dataset(&store.dataset()?)?;
    let mut n = 0;
    for &layer in store.registry().layers() {
        let batch: Vec<NewFeature> = all_features(store, layer)?
            .iter()
            .map(|f| NewFeature {
                id: Some(f.id.clone()),
                geometry: f.geometry.clone(),
                properties: f.properties.clone(),
            })
            .collect();
        if !batch.is_empty() {
            n += out.insert(layer, batch, &Writer::system("export"))?.len();
        }
    }
    Ok(n)
}

/// One layer as a GeoJSON FeatureCollection.
pub fn to_geojson(store: &dyn Store, layer: LayerId) -> Result<Value> {
    let features: Vec<Value> = all_features(store, layer)?.iter().map(|f| f.to_geojson()).collect();
    Ok(json!({"type": "FeatureCollection", "name": layer.as_str(), "features": features}))
}
