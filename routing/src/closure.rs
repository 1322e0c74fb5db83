//! Road closures: which edges of the road graph may not be used right now.
//!
//! A closure is an area (a polygon in WGS84 lon/lat degrees: a landslide, a flood zone, a
//! cordon around a hazard) or a list of road (OpenStreetMap way) ids. [`EdgeIndex`] turns areas
//! into edges; [`Closed`] is the resulting set, versioned so that a prepared hierarchy can say
//! which closures it already leaves out.

use crate::graph::RoadGraph;
use geo::{BoundingRect, Intersects, Line, MultiPolygon};
use onemap_model::geodesy::{degrees_lat, degrees_lon};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{RTree, AABB};
use std::collections::HashMap;

/// The set of closed road-graph edges, as of one version of the closures.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Closed {
    /// Grows by one with every change of the closures (0: none ever).
    pub version: u64,
    bits: Vec<u64>,
    count: usize,
}

impl Closed {
    /// The closed set `edges` (road-graph edge indices) at `version`.
    pub fn new(version: u64, edges: impl IntoIterator<Item = u32>) -> Closed {
        let mut c = Closed { version, bits: Vec::new(), count: 0 };
        for e in edges {
            let (w, b) = ((e / 64) as usize, e % 64);
            if c.bits.len() <= w {
                c.bits.resize(w + 1, 0);
            }
            if c.bits[w] & (1 << b) == 0 {
                c.bits[w] |= 1 << b;
                c.count += 1;
            }
        }
        c
    }

    /// Whether road-graph edge `e` is closed.
    #[inline]
    pub fn is_closed(&self, e: u32) -> bool {
        self.bits.get((e / 64) as usize).is_some_and(|w| w & (1 << (e % 64)) != 0)
    }

    /// How many edges are closed.
    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The closed edges, in index order.
    pub fn edges(&self) -> impl Iterator<Item = u32> + '_ {
        (0..self.bits.len() as u32 * 64).filter(|&e| self.is_closed(e))
    }
}

type Seg = GeomWithData<Rectangle<[f64; 2]>, (u32, u32)>;

/// Every segment of every road-graph edge in an R-tree (plain lon/lat degrees), and the edges of
/// every way: what an area or a list of way ids closes.
pub struct EdgeIndex {
    tree: RTree<Seg>,
    by_way: HashMap<i64, Vec<u32>>,
}

impl EdgeIndex {
    pub fn build(g: &RoadGraph) -> EdgeIndex {
        let mut segs = Vec::new();
        let mut by_way: HashMap<i64, Vec<u32>> = HashMap::new();
        for (i, e) in g.edges.iter().enumerate() {
            by_way.entry(e.way).or_default().push(i as u32);
            for (s, w) in g.edge_shape(e).windows(2).enumerate() {
                segs.push(Seg::new(Rectangle::from_corners(w[0], w[1]), (i as u32, s as u32)));
            }
        }
        EdgeIndex { tree: RTree::bulk_load(segs), by_way }
    }

    /// The edges with any part inside or on `area` (WGS84 lon/lat degrees).
    pub fn in_area(&self, g: &RoadGraph, area: &MultiPolygon<f64>) -> Vec<u32> {
        let Some(r) = area.bounding_rect() else { return Vec::new() };
        let env = AABB::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]);
        let mut out: Vec<u32> = self
            .tree
            .locate_in_envelope_intersecting(&env)
            .filter(|s| {
                let (e, k) = s.data;
                let shape = g.edge_shape(&g.edges[e as usize]);
                let (a, b) = (shape[k as usize], shape[k as usize + 1]);
                area.intersects(&Line::new(a, b))
            })
            .map(|s| s.data.0)
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The edges with a segment whose bounding box meets `[min lon, min lat, max lon, max lat]`
    /// (WGS84 degrees), each once.
    pub fn in_box(&self, b: [f64; 4]) -> Vec<u32> {
        let env = AABB::from_corners([b[0], b[1]], [b[2], b[3]]);
        let mut out: Vec<u32> = self.tree.locate_in_envelope_intersecting(&env).map(|s| s.data.0).collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Whether a road segment lies within about `metres` of `area`'s bounding box (WGS84
    /// degrees; the box is grown by `metres` north–south and east–west).
    pub fn near_roads(&self, area: &MultiPolygon<f64>, metres: f64) -> bool {
        let Some(r) = area.bounding_rect() else { return false };
        let dlat = degrees_lat(metres);
        let dlon = degrees_lon(metres, r.max().y.abs().max(r.min().y.abs()));
        let env = AABB::from_corners([r.min().x - dlon, r.min().y - dlat], [r.max().x + dlon, r.max().y + dlat]);
        self.tree.locate_in_envelope_intersecting(&env).next().is_some()
    }

    /// The edges of OpenStreetMap way (or roads-layer line) `way`.
    pub fn of_way(&self, way: i64) -> &[u32] {
        self.by_way.get(&way).map_or(&[], Vec::as_slice)
    }
}

/// A circle of `radius_m` metres around WGS84 `center` (degrees) as a 32-gon, for closing the
/// roads around a point hazard.
pub fn circle(center: [f64; 2], radius_m: f64) -> MultiPolygon<f64> {
    let dlat = degrees_lat(radius_m);
    let dlon = degrees_lon(radius_m, center[1]);
    let ring: Vec<(f64, f64)> = (0..=32)
        .map(|i| {
            let a = f64::from(i % 32) / 32.0 * std::f64::consts::TAU;
            (center[0] + dlon * a.cos(), center[1] + dlat * a.sin())
        })
        .collect();
    MultiPolygon::new(vec![geo::Polygon::new(ring.into(), vec![])])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::way::Way;

    #[test]
    fn bitset_counts_and_answers() {
        let c = Closed::new(3, [5, 64, 64, 200]);
        assert_eq!(c.len(), 3);
        assert!(c.is_closed(5) && c.is_closed(64) && c.is_closed(200));
        assert!(!c.is_closed(6) && !c.is_closed(100_000));
        assert_eq!(c.edges().collect::<Vec<_>>(), vec![5, 64, 200]);
    }

    #[test]
    fn an_area_closes_the_edges_that_cross_it() {
        let t = vec![("highway".to_owned(), "residential".to_owned())];
        let ways = vec![
            // Crosses the square without a vertex inside it.
            Way { id: 1, tags: t.clone(), nodes: vec![(1, [0.0, 0.5]), (2, [2.0, 0.5])] },
            Way { id: 2, tags: t.clone(), nodes: vec![(3, [0.0, 3.0]), (4, [2.0, 3.0])] },
        ];
        let g = RoadGraph::build(&ways);
        let idx = EdgeIndex::build(&g);
        let square = MultiPolygon::new(vec![geo::Polygon::new(
            vec![(0.9, 0.0), (1.1, 0.0), (1.1, 1.0), (0.9, 1.0), (0.9, 0.0)].into(),
            vec![],
        )]);
        let closed = idx.in_area(&g, &square);
        assert_eq!(closed.len(), 1);
        assert_eq!(g.edges[closed[0] as usize].way, 1);
        assert_eq!(idx.of_way(2).len(), 1);
        assert!(idx.of_way(99).is_empty());
    }

    #[test]
    fn circle_has_its_radius() {
        let c = circle([104.0, 30.0], 100.0);
        for p in c.0[0].exterior().points() {
            let d = crate::graph::haversine_m([104.0, 30.0], [p.x(), p.y()]);
            assert!((d - 100.0).abs() < 0.5, "{d}");
        }
    }
}
