//! What each layer puts into tiles, as its registry declaration says: zoom range, per-feature
//! minimum zoom, clustering and the attributes a map needs (not every column).

use onemap_model::{Feature, LayerId};

/// The lowest zoom at which a feature shows (minor roads and small admin units only zoomed in),
/// by the layer's [`ZoomBy`](onemap_model::registry::ZoomBy).
pub fn feature_minzoom(layer: LayerId, f: &Feature) -> u8 {
    let Some(by) = layer.def().tiles.zoom_by else { return 0 };
    let Some(onemap_model::FieldRef::Text(text)) = f.properties.field_ref(by.property) else { return by.otherwise };
    by.steps.iter().find(|(values, _)| values.contains(&text.as_ref())).map_or(by.otherwise, |(_, z)| *z)
}

/// Whether `layer` is drawn at zoom `z`.
pub fn shows_at(layer: LayerId, z: u8) -> bool {
    let t = &layer.def().tiles;
    (t.minzoom..=t.maxzoom).contains(&z)
}

/// Whether `layer`'s points are clustered at zoom `z`.
pub fn clustered_at(layer: LayerId, z: u8) -> bool {
    layer.def().cluster.is_some_and(|c| z < c.below)
}
