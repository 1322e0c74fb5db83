//! The one map's MapLibre style documents (style spec v8), one per view:
//! - [`View::Wall`]: dark, for the command centre's video wall;
//! - [`View::Planner`]: light, roads prominent, for drawing routes and closures;
//! - [`View::Township`]: light and print-friendly, for a township's own risk map.
//!
//! Every colour and label comes from the layer registry ([`onemap_model::registry`]): a layer's
//! [`StyleSpec`](onemap_model::registry::StyleSpec) colours it (per value of its `colour_by`
//! property), so the page's legend and the map cannot disagree. The documents use one vector
//! source, `onemap`, the server's composite tiles (`/tiles.json`); URLs are written relative to
//! `base` (the server's public URL; `{base}` in the files under `styles/`).
//!
//! Nothing here knows HTTP: the server fills in `base` and serves the documents.

pub mod glyphs;
mod layers;
pub mod sprite;
mod view;

pub use view::View;

use onemap_model::Registry;
use serde_json::{json, Value};

/// What the server can give a style besides its tiles.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Features {
    /// Signed-distance-field glyphs at `/fonts/{fontstack}/{range}.pbf` (labels are drawn only then).
    pub glyphs: bool,
    /// The icon sprite at `/sprites/onemap` (icons are drawn only then).
    pub sprite: bool,
}

/// The font stack labels ask for.
pub const FONT: &str = "Noto Sans CJK SC Regular";

/// The style document of `view` over `registry`'s layers, with URLs under `base`.
pub fn style(view: View, registry: &Registry, base: &str, features: Features) -> Value {
    let mut doc = json!({
        "version": 8,
        "name": format!("onemap {}", view.title_zh()),
        "metadata": {"onemap:view": view.as_str()},
        "sources": {
            "onemap": {"type": "vector", "url": format!("{base}/tiles.json")}
        },
        "layers": layers::all(view, registry, features),
    });
    if features.glyphs {
        doc["glyphs"] = json!(format!("{base}/fonts/{{fontstack}}/{{range}}.pbf"));
    }
    if features.sprite {
        doc["sprite"] = json!(format!("{base}/sprites/onemap"));
    }
    doc
}

/// Every icon name the styles can ask for: one per hazard, shelter and team kind, the depot, the
/// route arrow.
pub fn icon_names() -> Vec<String> {
    use onemap_model::{HazardKind, ShelterKind, TeamKind};
    let mut names: Vec<String> = HazardKind::NAMES.iter().map(|k| format!("hazard-{k}")).collect();
    names.extend(ShelterKind::NAMES.iter().map(|k| format!("shelter-{k}")));
    names.extend(TeamKind::NAMES.iter().map(|k| format!("team-{k}")));
    names.extend(["depot".to_owned(), "arrow".to_owned()]);
    names
}

/// The placeholder for the server's URL in the files under `styles/`.
pub const BASE_PLACEHOLDER: &str = "{base}";

/// The document as kept in `styles/{view}.json`: pretty JSON with [`BASE_PLACEHOLDER`] for the
/// server's URL, everything the server can draw turned on.
pub fn file_text(view: View, registry: &Registry) -> String {
    let doc = style(view, registry, BASE_PLACEHOLDER, Features { glyphs: true, sprite: true });
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

/// A kept document with its URLs under `base`, the server's features applied: what
/// `/styles/{view}.json` answers. `None` when `text` is not a style document.
pub fn fill(text: &str, base: &str, features: Features) -> Option<Value> {
    let mut doc: Value = serde_json::from_str(&text.replace(BASE_PLACEHOLDER, base)).ok()?;
    let obj = doc.as_object_mut()?;
    if !features.glyphs {
        obj.remove("glyphs");
        if let Some(layers) = obj.get_mut("layers").and_then(Value::as_array_mut) {
            layers.retain(|l| l["layout"].get("text-field").is_none());
        }
    }
    if !features.sprite {
        obj.remove("sprite");
        if let Some(layers) = obj.get_mut("layers").and_then(Value::as_array_mut) {
            layers.retain(|l| l["layout"].get("icon-image").is_none());
        }
    }
    Some(doc)
}

#[cfg(test)]
mod tests;
