//! Rendering one tile from a store: per layer, a bbox query over the buffered tile, filters,
//! per-feature minimum zooms, clustering at low zooms, then MVT encoding.

use super::RenderOptions;
use crate::cluster;
use crate::encode::{encode, encode_point, feature_id, tile_bytes, AttrValue, LayerBuilder, TileFrame};
use crate::layers::{clustered_at, feature_minzoom, shows_at};
use crate::{TileError, TileRequest};
use onemap_model::registry::rollup::{self, RollupValue};
use onemap_model::{ColumnType, Feature, FieldRef, LayerId};
use onemap_store::{Query, Store};
use std::sync::Arc;

/// Renders `req` from `store`; an empty vector when no layer has anything in the tile.
pub fn render(store: &dyn Store, req: &TileRequest, o: &RenderOptions) -> Result<Vec<u8>, TileError> {
    let z = req.coord.z;
    let frame = TileFrame {
        tile: req.coord,
        extent: o.extent,
        buffer: o.buffer,
        tolerance: if z < o.simplify_below { o.tolerance } else { 0.0 },
    };
    let mut layers = Vec::new();
    for &layer in &req.layers {
        if !shows_at(layer, z) {
            continue;
        }
        let clustered = clustered_at(layer, z);
        let pad = if clustered { o.buffer.max(o.cluster_cell) } else { o.buffer };
        let q = Query {
            bbox: Some(req.coord.lonlat_bounds(pad, o.extent)),
            filters: req.filter.for_layer(layer),
            limit: usize::MAX,
            any_order: true,
            ..Query::default()
        };
        let features: Vec<Arc<Feature>> = store
            .query(layer, &q, &req.scope.on(layer))?
            .features
            .into_iter()
            .filter(|f| req.filter.township_ok(f) && feature_minzoom(layer, f) <= z)
            .collect();
        let mut b = LayerBuilder::new(layer.as_str(), o.extent);
        if clustered {
            for g in cluster::group(&features, &frame, o.cluster_cell) {
                if let [single] = g.members.as_slice() {
                    add_feature(&mut b, layer, single, &frame);
                } else if let Some(geom) = encode_point(g.centre, &frame) {
                    let id = feature_id(&format!("cluster/{z}/{}/{}", g.cell.0, g.cell.1));
                    b.add(Some(id), geom, cluster::attributes(layer, &g.members));
                }
            }
        } else {
            for f in &features {
                add_feature(&mut b, layer, f, &frame);
            }
        }
        if !b.is_empty() {
            layers.push(b.finish());
        }
    }
    Ok(tile_bytes(layers))
}

fn add_feature<'a>(b: &mut LayerBuilder<'a>, layer: LayerId, f: &'a Feature, frame: &TileFrame) {
    let Some(geom) = encode(&f.geometry, frame) else { return };
    b.add(Some(feature_id(&f.id)), geom, attributes(layer, f));
}

/// The map attributes of one feature: its `id`, the layer's chosen properties (borrowing its
/// text), then its derived attributes.
pub fn attributes(layer: LayerId, f: &Feature) -> Vec<(&'static str, AttrValue<'_>)> {
    let spec = &layer.def().tiles;
    let mut out = Vec::with_capacity(spec.attributes.len() + spec.derived.len() + 1);
    out.push(("id", AttrValue::Str(f.id.as_str().into())));
    for &a in spec.attributes {
        let boolean = layer.column(a).is_some_and(|c| c.ty == ColumnType::Boolean);
        match f.properties.field_ref(a) {
            Some(FieldRef::Integer(i)) if boolean => out.push((a, AttrValue::Bool(i != 0))),
            Some(FieldRef::Integer(i)) => out.push((a, AttrValue::Int(i))),
            Some(FieldRef::Real(r)) => out.push((a, AttrValue::Float(r))),
            Some(FieldRef::Text(s)) => out.push((a, AttrValue::Str(s))),
            Some(FieldRef::Null) | None => {}
        }
    }
    for &(name, m) in spec.derived {
        match rollup::measure_value(f, m) {
            RollupValue::Int(i) => out.push((name, AttrValue::Int(i))),
            RollupValue::Real(x) => out.push((name, AttrValue::Float(x))),
            _ => {}
        }
    }
    out
}
