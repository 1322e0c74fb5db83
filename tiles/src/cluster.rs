//! Point clustering at low zooms on a grid aligned across tiles, so neighbouring tiles agree on
//! every cluster. A cluster reports its size and what its layer declares it adds up to (the
//! highest risk level and people threatened, places free, members and teams on standby).

use crate::encode::{AttrValue, TileFrame};
use geo::{Coord, Geometry};
use onemap_model::registry::rollup::{self, RollupValue};
use onemap_model::{Feature, LayerId};
use std::collections::BTreeMap;
use std::sync::Arc;

/// One group of points in a grid cell.
pub struct Group<'a> {
    /// Global cell index at this zoom (for a stable id).
    pub cell: (i64, i64),
    /// Mean position in tile units.
    pub centre: Coord<f64>,
    pub members: Vec<&'a Arc<Feature>>,
}

/// The sum of member positions (tile units) and the members of one grid cell.
type CellSum<'a> = (Coord<f64>, Vec<&'a Arc<Feature>>);

/// Groups point features by grid cell of `cell` tile units; keeps the groups whose centre lies in
/// the buffered tile. Features that are not points are ignored.
pub fn group<'a>(features: &'a [Arc<Feature>], frame: &TileFrame, cell: u32) -> Vec<Group<'a>> {
    let c = f64::from(cell);
    let per_tile = i64::from(frame.extent / cell);
    let mut cells: BTreeMap<(i64, i64), CellSum<'a>> = BTreeMap::new();
    for f in features {
        let Geometry::Point(p) = &f.geometry else { continue };
        let t = frame.project(p.x(), p.y());
        let key = ((t.x / c).floor() as i64, (t.y / c).floor() as i64);
        let e = cells.entry(key).or_insert((Coord { x: 0.0, y: 0.0 }, Vec::new()));
        e.0.x += t.x;
        e.0.y += t.y;
        e.1.push(f);
    }
    let lo = -f64::from(frame.buffer);
    let hi = f64::from(frame.extent + frame.buffer);
    cells
        .into_iter()
        .filter_map(|(k, (sum, members))| {
            let n = members.len() as f64;
            let centre = Coord { x: sum.x / n, y: sum.y / n };
            (centre.x >= lo && centre.x <= hi && centre.y >= lo && centre.y <= hi).then(|| Group {
                cell: (i64::from(frame.tile.x) * per_tile + k.0, i64::from(frame.tile.y) * per_tile + k.1),
                centre,
                members,
            })
        })
        .collect()
}

/// The attributes of a cluster of two or more features of `layer`: `cluster`, `point_count`,
/// then the layer's declared cluster roll-ups that are one number or word.
pub fn attributes(layer: LayerId, members: &[&Arc<Feature>]) -> Vec<(&'static str, AttrValue<'static>)> {
    let mut out = vec![("cluster", AttrValue::Bool(true)), ("point_count", AttrValue::Int(members.len() as i64))];
    let rollups = layer.def().cluster.map_or(&[][..], |c| c.rollups);
    for r in rollups.iter().filter(|r| r.is_scalar()) {
        match rollup::evaluate(layer, r, members.iter().map(|f| &***f)) {
            RollupValue::Int(i) => out.push((r.key, AttrValue::Int(i))),
            RollupValue::Real(x) => out.push((r.key, AttrValue::Float(x))),
            RollupValue::Text(t) => out.push((r.key, AttrValue::Str(t.into()))),
            RollupValue::None | RollupValue::Counts(_) | RollupValue::Items(_) => {}
        }
    }
    out
}
