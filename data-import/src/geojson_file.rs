//! Importing a GeoJSON FeatureCollection into one layer, all or nothing.

use crate::{ImportError, Result};
use onemap_model::{LayerId, NewFeature};
use onemap_store::{Store, Writer};
use serde_json::Value;
use std::path::Path;

/// Parses a GeoJSON FeatureCollection (or a single Feature) for `layer`; an error names the feature.
pub fn parse(layer: LayerId, path: &Path, text: &str) -> Result<Vec<NewFeature>> {
    let p = path.display().to_string();
    let value: Value = serde_json::from_str(text).map_err(|source| ImportError::Json { path: p.clone(), source })?;
    match value.get("type").and_then(Value::as_str) {
        Some("FeatureCollection") => {
            let features = value.get("features").and_then(Value::as_array).ok_or_else(|| ImportError::Format {
                path: p.clone(),
                message: "a FeatureCollection needs a `features` array".into(),
            })?;
            features
                .iter()
                .enumerate()
                .map(|(i, f)| {
                    NewFeature::from_geojson(layer, f)
                        .map_err(|e| ImportError::Invalid { path: p.clone(), error: e.prefixed(&format!("features[{i}].")) })
                })
                .collect()
        }
        Some("Feature") => NewFeature::from_geojson(layer, &value)
            .map(|f| vec![f])
            .map_err(|error| ImportError::Invalid { path: p, error }),
        _ => Err(ImportError::Format { path: p, message: "expected a GeoJSON FeatureCollection or Feature".into() }),
    }
}

/// Imports a GeoJSON file into `layer` in one transaction; returns the number of features added.
pub fn import(store: &dyn Store, layer: LayerId, path: &Path, writer: &Writer) -> Result<usize> {
    let text = std::fs::read_to_string(path).map_err(|source| ImportError::Read { path: path.display().to_string(), source })?;
    let features = parse(layer, path, &text)?;
    Ok(store.insert(layer, features, writer)?.len())
}
