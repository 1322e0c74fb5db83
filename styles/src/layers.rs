//! The style layers of a view, in the registry's drawing order: the store's own admin areas and
//! roads as the base, then each layer by its geometry, colour and cluster declaration; labels
//! and icons where the server has glyphs and a sprite.

use crate::{Features, View, FONT};
use onemap_model::registry::{GeometryKind, StyleSpec};
use onemap_model::{LayerId, Registry};
use serde_json::{json, Value};

/// The colour expression of a layer: `match` over its `colour_by` values, else its colour.
pub fn colour(style: &StyleSpec) -> Value {
    match style.colour_by {
        Some(p) if !style.palette.is_empty() => {
            let mut m = vec![json!("match"), json!(["get", p])];
            for (value, c) in style.palette {
                m.push(json!(value));
                m.push(json!(c));
            }
            m.push(json!(style.colour));
            Value::Array(m)
        }
        _ => json!(style.colour),
    }
}

fn single() -> Value {
    json!(["!", ["has", "point_count"]])
}

fn clustered() -> Value {
    json!(["has", "point_count"])
}

/// Every layer of `view`.
pub fn all(view: View, registry: &Registry, f: Features) -> Vec<Value> {
    let p = view.palette();
    let mut out = vec![json!({"id": "background", "type": "background", "paint": {"background-color": p.background}})];
    for &l in registry.layers() {
        let id = l.as_str();
        let c = colour(&l.def().style);
        let minzoom = l.def().tiles.minzoom;
        let base = |suffix: &str, kind: &str| json!({"id": format!("{id}-{suffix}"), "type": kind, "source": "onemap", "source-layer": id, "minzoom": minzoom});
        if l == LayerId::ADMIN_AREAS {
            out.extend(admin_areas(view, id, minzoom, f));
            continue;
        }
        if l == LayerId::ROADS {
            out.extend(roads(view, id, minzoom, f));
            continue;
        }
        match l.geometry_kind() {
            GeometryKind::MultiPolygon => {
                let mut fill = base("fill", "fill");
                fill["paint"] = json!({"fill-color": c, "fill-opacity": if view == View::Wall { 0.3 } else { 0.22 }});
                let mut line = base("line", "line");
                line["paint"] = json!({"line-color": c, "line-width": 1.2, "line-opacity": 0.8});
                out.extend([fill, line]);
            }
            GeometryKind::LineString => {
                let mut line = base("line", "line");
                line["layout"] = json!({"line-cap": "round", "line-join": "round"});
                line["paint"] =
                    json!({"line-color": c, "line-width": ["interpolate", ["linear"], ["zoom"], 8, 1.5, 14, 4]});
                out.push(line);
                if f.sprite {
                    let mut arrows = base("arrows", "symbol");
                    arrows["layout"] = json!({"symbol-placement": "line", "symbol-spacing": 80, "icon-image": "arrow", "icon-allow-overlap": true});
                    arrows["minzoom"] = json!(minzoom.max(11));
                    out.push(arrows);
                }
            }
            GeometryKind::Point => out.extend(points(view, l, &c, f)),
        }
    }
    out
}

/// Admin areas as the base map: a faint fill of the county, boundaries by level, township names.
fn admin_areas(view: View, id: &str, minzoom: u8, f: Features) -> Vec<Value> {
    let p = view.palette();
    let level = |l: &str| json!(["==", ["get", "level"], l]);
    let mut v = vec![
        json!({"id": format!("{id}-line"), "type": "line", "source": "onemap", "source-layer": id, "minzoom": minzoom,
        "paint": {
            "line-color": p.boundary,
            "line-width": ["match", ["get", "level"], "district", 2.5, "township", 1.6, "village", 0.8, 0.5],
            "line-dasharray": ["match", ["get", "level"], "district", ["literal", [1, 0]], "township", ["literal", [4, 2]], ["literal", [2, 2]]],
            "line-opacity": ["match", ["get", "level"], "grid", 0.4, 0.85]
        }}),
    ];
    if f.glyphs {
        v.push(json!({"id": format!("{id}-label"), "type": "symbol", "source": "onemap", "source-layer": id, "minzoom": 8,
            "filter": ["any", level("township"), level("village")],
            "layout": {"text-field": ["get", "name"], "text-font": [crate::FONT], "text-size": ["match", ["get", "level"], "township", 15, 11]},
            "paint": {"text-color": p.boundary, "text-halo-color": p.halo, "text-halo-width": 1.5}}));
    }
    v
}

/// Roads by class: a casing and a fill, wider for the planner; names along them.
fn roads(view: View, id: &str, minzoom: u8, f: Features) -> Vec<Value> {
    let p = view.palette();
    let k = if p.roads_prominent { 1.6 } else { 1.0 };
    // Relative width per road class; the zoom ramp scales it.
    let class = json!([
        "match",
        ["get", "highway"],
        ["motorway", "trunk"],
        3,
        "primary",
        2.5,
        "secondary",
        2,
        "tertiary",
        1.5,
        0.8
    ]);
    let width = |scale: f64| {
        json!([
            "interpolate",
            ["exponential", 1.5],
            ["zoom"],
            8,
            ["*", scale * k * 0.5, class.clone()],
            16,
            ["*", scale * k * 4.0, class.clone()]
        ])
    };
    let layout = json!({"line-cap": "round", "line-join": "round"});
    let mut v = vec![
        json!({"id": format!("{id}-casing"), "type": "line", "source": "onemap", "source-layer": id, "minzoom": minzoom,
            "layout": layout, "paint": {"line-color": p.road_casing, "line-width": width(1.4)}}),
        json!({"id": format!("{id}-line"), "type": "line", "source": "onemap", "source-layer": id, "minzoom": minzoom,
            "layout": layout, "paint": {"line-color": p.road, "line-width": width(1.0)}}),
    ];
    if f.glyphs {
        v.push(
            json!({"id": format!("{id}-label"), "type": "symbol", "source": "onemap", "source-layer": id, "minzoom": 13,
            "layout": {"symbol-placement": "line", "text-field": ["get", "name"], "text-font": [FONT], "text-size": 11},
            "paint": {"text-color": p.text, "text-halo-color": p.halo, "text-halo-width": 1.2}}),
        );
    }
    v
}

/// The icon name expression of a point layer's features (see `styles/icons/README.md`).
fn icon(layer: LayerId) -> Option<Value> {
    let by_kind = |prefix: &str| json!(["concat", prefix, ["get", "kind"]]);
    match layer {
        l if l == LayerId::HAZARDS => Some(by_kind("hazard-")),
        l if l == LayerId::SHELTERS => Some(by_kind("shelter-")),
        l if l == LayerId::TEAMS => Some(by_kind("team-")),
        l if l == LayerId::DEPOTS => Some(json!("depot")),
        _ => None,
    }
}

/// A point layer: clusters with their counts below its cluster zoom, then single features
/// (hazards: closed ones faded, controlled ones ringed; shelters sized by free places), their
/// icons and names.
fn points(view: View, l: LayerId, c: &Value, f: Features) -> Vec<Value> {
    let p = view.palette();
    let (id, minzoom) = (l.as_str(), l.def().tiles.minzoom);
    let mut v = Vec::new();
    let d = l.def();
    if d.cluster.is_some() {
        let has_colour_rollup =
            d.cluster.is_some_and(|cl| d.style.colour_by.is_some_and(|p| cl.rollups.iter().any(|r| r.key == p)));
        let colour = if has_colour_rollup { c.clone() } else { json!(d.style.colour) };
        v.push(json!({"id": format!("{id}-cluster"), "type": "circle", "source": "onemap", "source-layer": id, "minzoom": minzoom,
            "filter": clustered(),
            "paint": {
                "circle-color": colour,
                "circle-opacity": 0.85,
                "circle-radius": ["step", ["get", "point_count"], 9, 10, 13, 50, 17, 200, 22],
                "circle-stroke-color": if view == View::Wall { "#ffffff" } else { "#12263f" },
                "circle-stroke-width": 1.5
            }}));
        if f.glyphs {
            v.push(json!({"id": format!("{id}-cluster-count"), "type": "symbol", "source": "onemap", "source-layer": id, "minzoom": minzoom,
                "filter": clustered(),
                "layout": {"text-field": ["to-string", ["get", "point_count"]], "text-font": [FONT], "text-size": 12, "text-allow-overlap": true},
                "paint": {"text-color": "#ffffff", "text-halo-color": "#12263f", "text-halo-width": 1.2}}));
        }
    }
    let is_hazards = l == LayerId::HAZARDS;
    let radius = if d.tiles.derived.iter().any(|(k, _)| *k == "free") {
        json!(["interpolate", ["linear"], ["sqrt", ["max", 0, ["coalesce", ["get", "free"], 0]]], 0, 4, 30, 8, 100, 14])
    } else if icon(l).is_some() && f.sprite {
        // From z12 the icon sits on the circle, which shows as a ring in the feature's colour.
        json!(["interpolate", ["linear"], ["zoom"], 8, 3.5, 11.9, 6, 12, 11, 16, 13])
    } else {
        json!(["interpolate", ["linear"], ["zoom"], 8, 3.5, 14, 7])
    };
    let status_is = |s: &str| json!(["==", ["get", "status"], s]);
    let mut circle = json!({"id": format!("{id}-point"), "type": "circle", "source": "onemap", "source-layer": id, "minzoom": minzoom,
    "filter": single(),
    "paint": {
        "circle-color": c,
        "circle-radius": radius,
        "circle-stroke-color": if view == View::Wall { "#0b1a2b" } else { "#ffffff" },
        "circle-stroke-width": 1.2,
        "circle-opacity": 0.9
    }});
    if is_hazards {
        circle["paint"]["circle-opacity"] = json!(["case", status_is("closed"), 0.3, 0.95]);
        circle["paint"]["circle-stroke-color"] =
            json!(["case", status_is("controlled"), p.text, if view == View::Wall { "#0b1a2b" } else { "#ffffff" }]);
        circle["paint"]["circle-stroke-width"] = json!(["case", status_is("controlled"), 3, 1.2]);
    }
    v.push(circle);
    if let Some(image) = icon(l).filter(|_| f.sprite) {
        v.push(json!({"id": format!("{id}-icon"), "type": "symbol", "source": "onemap", "source-layer": id, "minzoom": 12,
            "filter": single(),
            "layout": {"icon-image": image, "icon-size": 0.8, "icon-allow-overlap": true},
            "paint": {"icon-opacity": if is_hazards { json!(["case", status_is("closed"), 0.4, 1]) } else { json!(1) }}}));
    }
    if let Some(name) = d.name_property.filter(|_| f.glyphs) {
        v.push(
            json!({"id": format!("{id}-label"), "type": "symbol", "source": "onemap", "source-layer": id, "minzoom": 14,
            "filter": single(),
            "layout": {"text-field": ["get", name], "text-font": [FONT], "text-size": 11,
                "text-offset": [0, 1.3], "text-anchor": "top", "text-optional": true},
            "paint": {"text-color": p.text, "text-halo-color": p.halo, "text-halo-width": 1.2}}),
        );
    }
    v
}
