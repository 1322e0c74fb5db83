//! Rendering one tile from a store: per layer, a bbox query over the buffered tile, filters,
//! per-feature minimum zooms, clustering at low zooms, then MVT encoding.

use super::RenderOptions;
use crate::cluster;
use crate::encode::{encode, encode_point, feature_id, tile_bytes, AttrValue, LayerBuilder, TileFrame};
use crate::layers::{feature_minzoom, tiling, LayerTiling};
use crate::{TileError, TileRequest};
use onemap_model::{ColumnType, Feature, FieldRef, Properties};
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
        let t = tiling(layer);
        if z < t.minzoom || z > t.maxzoom {
            continue;
        }
        let clustered = t.cluster_below.is_some_and(|c| z < c);
        let pad = if clustered { o.buffer.max(o.cluster_cell) } else { o.buffer };
        let q = Query {
            bbox: Some(req.coord.lonlat_bounds(pad, o.extent)),
            filters: req.filter.for_layer(layer),
            limit: usize::MAX,
            any_order: true,
            ..Query::default()
        };
        let features: Vec<Arc<Feature>> = store
            .query(layer, &q, &req.scope)?
            .features
            .into_iter()
            .filter(|f| req.filter.township_ok(f) && feature_minzoom(&f.properties) <= z)
            .collect();
        let mut b = LayerBuilder::new(layer.as_str(), o.extent);
        if clustered {
            for g in cluster::group(&features, &frame, o.cluster_cell) {
                if let [single] = g.members.as_slice() {
                    add_feature(&mut b, t, single, &frame);
                } else if let Some(geom) = encode_point(g.centre, &frame) {
                    let id = feature_id(&format!("cluster/{z}/{}/{}", g.cell.0, g.cell.1));
                    b.add(Some(id), geom, cluster::attributes(&g.members));
                }
            }
        } else {
            for f in &features {
                add_feature(&mut b, t, f, &frame);
            }
        }
        if !b.is_empty() {
            layers.push(b.finish());
        }
    }
    Ok(tile_bytes(layers))
}

fn add_feature<'a>(b: &mut LayerBuilder<'a>, t: &LayerTiling, f: &'a Feature, frame: &TileFrame) {
    let Some(geom) = encode(&f.geometry, frame) else { return };
    b.add(Some(feature_id(&f.id)), geom, attributes(t, f));
}

/// The map attributes of one feature: its `id` and the layer's chosen properties, borrowing its text.
pub fn attributes<'a>(t: &LayerTiling, f: &'a Feature) -> Vec<(&'static str, AttrValue<'a>)> {
    let mut out = Vec::with_capacity(t.attributes.len() + 1);
    out.push(("id", AttrValue::Str(f.id.as_str().into())));
    for &a in t.attributes {
        if a == "free" {
            if let Properties::Shelter(s) = &f.properties {
                out.push(("free", AttrValue::Int(s.free_places())));
            }
            continue;
        }
        let boolean = t.layer.column(a).is_some_and(|c| c.ty == ColumnType::Boolean);
        match f.properties.field_ref(a) {
            Some(FieldRef::Integer(i)) if boolean => out.push((a, AttrValue::Bool(i != 0))),
            Some(FieldRef::Integer(i)) => out.push((a, AttrValue::Int(i))),
            Some(FieldRef::Real(r)) => out.push((a, AttrValue::Float(r))),
            Some(FieldRef::Text(s)) => out.push((a, AttrValue::Str(s))),
            Some(FieldRef::Null) | None => {}
        }
    }
    out
}
