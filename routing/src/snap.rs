//! Snapping a position to the nearest point of the nearest usable road segment (not only to the
//! nearest junction), with an R-tree of segments.

use crate::closure::Closed;
use crate::graph::{haversine_m, RoadGraph};
use rstar::primitives::{GeomWithData, Line};
use rstar::RTree;

/// A segment in scaled coordinates (`lon × cos(lat₀)`, `lat`, degrees: locally equal-area, so the
/// nearest segment there is the nearest on the ground), with its edge and segment index.
type Segment = GeomWithData<Line<[f64; 2]>, (u32, u32)>;

/// The segments of the usable edges of a network.
pub struct SnapIndex {
    tree: RTree<Segment>,
    /// `cos` of the mean latitude of the graph.
    k: f64,
}

/// Where a position meets the road network.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Snap {
    /// The road-graph edge.
    pub edge: u32,
    /// Metres along the edge's shape from its `from` node to the snapped point.
    pub offset_m: f64,
    /// The segment of the shape the point lies on (shape points `seg` and `seg + 1`).
    pub seg: u32,
    /// The snapped point, WGS84 lon/lat degrees.
    pub point: [f64; 2],
    /// Metres from the asked position to the snapped point.
    pub distance_m: f64,
}

impl SnapIndex {
    /// Indexes every segment of the edges for which `usable(edge index)` holds.
    pub fn build(g: &RoadGraph, usable: impl Fn(usize) -> bool) -> SnapIndex {
        let mean_lat =
            if g.nodes.is_empty() { 0.0 } else { g.nodes.iter().map(|p| p[1]).sum::<f64>() / g.nodes.len() as f64 };
        let k = onemap_model::geodesy::east_west_scale(mean_lat);
        let mut segs = Vec::new();
        for (i, e) in g.edges.iter().enumerate() {
            if !usable(i) {
                continue;
            }
            for (s, w) in g.edge_shape(e).windows(2).enumerate() {
                let line = Line::new([w[0][0] * k, w[0][1]], [w[1][0] * k, w[1][1]]);
                segs.push(Segment::new(line, (i as u32, s as u32)));
            }
        }
        SnapIndex { tree: RTree::bulk_load(segs), k }
    }

    /// The nearest point of a usable road that is not closed to WGS84 `lon`, `lat` (degrees).
    pub fn nearest(&self, g: &RoadGraph, lon: f64, lat: f64, closed: &Closed) -> Option<Snap> {
        let q = [lon * self.k, lat];
        let seg = self.tree.nearest_neighbor_iter(&q).find(|s| !closed.is_closed(s.data.0))?;
        let (edge, s) = seg.data;
        let (a, b) = (seg.geom().from, seg.geom().to);
        let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
        let len2 = dx * dx + dy * dy;
        let t = if len2 > 0.0 { (((q[0] - a[0]) * dx + (q[1] - a[1]) * dy) / len2).clamp(0.0, 1.0) } else { 0.0 };
        let point = [(a[0] + t * dx) / self.k, a[1] + t * dy];
        let e = &g.edges[edge as usize];
        let shape = g.edge_shape(e);
        let before: f64 = shape[..=s as usize].windows(2).map(|w| haversine_m(w[0], w[1])).sum();
        let offset_m = (before + haversine_m(shape[s as usize], point)).min(e.length_m);
        Some(Snap { edge, offset_m, seg: s, point, distance_m: haversine_m([lon, lat], point) })
    }
}
