//! Isochrones: the area reachable within a time, as polygons.
//!
//! Reach times come from Dijkstra over the open roads. The network's junctions around the reached
//! ones, and points along the reached roads (so that sparse rural networks show how far one gets
//! between junctions), are triangulated (Delaunay, spade) and each triangle is cut where the
//! reach time, interpolated linearly along its sides, crosses the limit ("marching
//! triangles"); the pieces are merged (geo's `unary_union`). By construction every junction and
//! road point reached within the limit lies in the polygon and every other one outside it.

use crate::dijkstra::{reach, UNREACHED};
use crate::network::Network;
use crate::snap::Snap;
use geo::{Coord, LineString, MultiPolygon, Polygon};
use rstar::{Envelope, AABB};
use spade::{DelaunayTriangulation, HasPosition, Point2, Triangulation};

/// One isochrone band.
#[derive(Debug, Clone)]
pub struct Isochrone {
    /// The limit in seconds.
    pub limit_s: f64,
    /// The area, WGS84 lon/lat degrees.
    pub area: MultiPolygon<f64>,
    /// Junctions reached within the limit.
    pub nodes: usize,
}

struct Vertex {
    /// Scaled position: lon × cos(lat₀), lat.
    pos: Point2<f64>,
    /// Reach time in milliseconds ([`UNREACHED`] when not reached within the largest limit).
    ms: u64,
}

impl HasPosition for Vertex {
    type Scalar = f64;
    fn position(&self) -> Point2<f64> {
        self.pos
    }
}

impl Network {
    /// Reach times in milliseconds from snapped `from` to every network node over the open
    /// roads, up to `limit_ms` ([`UNREACHED`] beyond).
    pub fn reach_from(&self, from: &Snap, limit_ms: u64) -> Vec<u64> {
        let srcs: Vec<(u32, u64)> = self.exits(from).iter().map(|d| (d.node, d.ms)).collect();
        reach(self, &srcs, limit_ms, false)
    }

    /// Isochrones from `from` for each limit in `limits_s` (seconds), smallest first.
    pub fn isochrones(&self, from: &Snap, limits_s: &[f64]) -> Vec<Isochrone> {
        let mut limits: Vec<u64> = limits_s.iter().map(|s| (s * 1000.0).round() as u64).collect();
        limits.sort_unstable();
        let Some(&max) = limits.last() else { return Vec::new() };
        let dist = self.reach_from(from, max);
        let reached: Vec<u32> = (0..self.len() as u32).filter(|&n| dist[n as usize] <= max).collect();
        let k = onemap_model::geodesy::east_west_scale(from.point[1]);
        // Points along the roads, so that a sparse network (rural roads kilometres between
        // junctions) still shows how far one gets along them.
        let samples = self.road_samples(from, &dist, max, k);
        let reached_pts = reached
            .iter()
            .map(|&n| self.position(n))
            .chain(samples.iter().filter(|v| v.ms <= max).map(|v| [v.pos.x / k, v.pos.y]));
        let (mut lo, mut hi) = ([f64::MAX; 2], [f64::MIN; 2]);
        for p in reached_pts {
            lo = [lo[0].min(p[0]), lo[1].min(p[1])];
            hi = [hi[0].max(p[0]), hi[1].max(p[1])];
        }
        if lo[0] > hi[0] {
            return limits
                .iter()
                .map(|&l| Isochrone { limit_s: l as f64 / 1000.0, area: MultiPolygon::new(vec![]), nodes: 0 })
                .collect();
        }
        // Every junction in the reached box (grown by a margin), reached or not: an unreached
        // junction left out could end up inside a triangle of reached ones.
        let margin = 0.002 + 0.1 * (hi[1] - lo[1]).max(hi[0] - lo[0]);
        let env = AABB::from_corners([lo[0] - margin, lo[1] - margin], [hi[0] + margin, hi[1] + margin]);
        let mut verts: Vec<Vertex> = self
            .nodes_tree()
            .locate_in_envelope(&env)
            .map(|p| {
                let n = p.data;
                let q = self.position(n);
                Vertex { pos: Point2::new(q[0] * k, q[1]), ms: dist[n as usize] }
            })
            .collect();
        verts.extend(samples.into_iter().filter(|v| env.contains_point(&[v.pos.x / k, v.pos.y])));
        // A frame of unreached points around it all, so that every junction is inside the
        // triangulation and a reached one is never on its hull (where rounding could put it out).
        let (x0, y0, x1, y1) =
            (env.lower()[0] - margin, env.lower()[1] - margin, env.upper()[0] + margin, env.upper()[1] + margin);
        for i in 0..=8 {
            let f = f64::from(i) / 8.0;
            for (x, y) in
                [(x0 + f * (x1 - x0), y0), (x0 + f * (x1 - x0), y1), (x0, y0 + f * (y1 - y0)), (x1, y0 + f * (y1 - y0))]
            {
                verts.push(Vertex { pos: Point2::new(x * k, y), ms: UNREACHED });
            }
        }
        // Junctions at one position (bridges over each other): the faster one counts.
        verts.sort_by(|a, b| {
            (a.pos.x, a.pos.y, a.ms).partial_cmp(&(b.pos.x, b.pos.y, b.ms)).unwrap_or(std::cmp::Ordering::Equal)
        });
        verts.dedup_by(|b, a| a.pos == b.pos);
        let Ok(tri) = DelaunayTriangulation::<Vertex>::bulk_load(verts) else { return Vec::new() };
        limits
            .iter()
            .map(|&limit| {
                let nodes = reached.iter().filter(|&&n| dist[n as usize] <= limit).count();
                let pieces: Vec<Polygon<f64>> = tri
                    .inner_faces()
                    .filter_map(|f| {
                        let [a, b, c] = f.vertices().map(|v| (v.data().pos, v.data().ms));
                        cut(&[a, b, c], limit, k)
                    })
                    .collect();
                let area = if pieces.is_empty() { MultiPolygon::new(vec![]) } else { geo::unary_union(pieces.iter()) };
                Isochrone { limit_s: limit as f64 / 1000.0, area, nodes }
            })
            .collect()
    }
}

impl Network {
    /// Points along every road with a reached end (or the start on it), `step` metres apart,
    /// with their reach times (scaled positions, as the triangulation takes them); only those
    /// reached within `max`, and the first beyond it on each side, which shape the edge of the
    /// area along the road.
    fn road_samples(&self, from: &Snap, dist: &[u64], max: u64, k: f64) -> Vec<Vertex> {
        let cov = crate::coverage::Coverage { node_ms: dist.to_vec(), sources: vec![*from], closed: self.closed() };
        let reach_m = self.top_speed_mps() * max as f64 / 1000.0;
        let step = (reach_m / 40.0).clamp(10.0, 250.0);
        // A time one step beyond the limit at the network's top speed.
        let beyond = max + (step / self.top_speed_mps() * 1000.0) as u64;
        let near = |n: u32| self.net_node(n).is_some_and(|m| dist[m as usize] <= max);
        let mut out = Vec::new();
        for e in self.edges() {
            let edge = &self.graph.edges[e as usize];
            if !(near(edge.from) || near(edge.to) || e == from.edge) || edge.length_m <= 0.0 {
                continue;
            }
            let shape = self.graph.edge_shape(edge);
            let (mut seg, mut seg_start) = (0usize, 0.0);
            let mut d = step;
            while d < edge.length_m {
                let t = d / edge.length_m;
                let ms = self.time_at(&cov, e, t).unwrap_or(UNREACHED);
                if ms <= beyond {
                    // Walk the shape to the point `d` metres along it.
                    while seg + 2 < shape.len() && seg_start + crate::graph::haversine_m(shape[seg], shape[seg + 1]) < d
                    {
                        seg_start += crate::graph::haversine_m(shape[seg], shape[seg + 1]);
                        seg += 1;
                    }
                    let (a, b) = (shape[seg], shape[seg + 1]);
                    let len = crate::graph::haversine_m(a, b);
                    let f = if len > 0.0 { ((d - seg_start) / len).clamp(0.0, 1.0) } else { 0.0 };
                    let p = [a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1])];
                    out.push(Vertex { pos: Point2::new(p[0] * k, p[1]), ms });
                }
                d += step;
            }
        }
        out
    }
}

/// The part of a triangle where the linearly interpolated reach time is at most `limit`, in
/// WGS84 degrees (`k` undoes the longitude scaling); `None` when no corner is within the limit.
/// A corner beyond every limit counts as twice the limit, so the cut lies between the corners.
fn cut(t: &[(Point2<f64>, u64); 3], limit: u64, k: f64) -> Option<Polygon<f64>> {
    let inside = |ms: u64| ms <= limit;
    if !t.iter().any(|c| inside(c.1)) {
        return None;
    }
    // Times are whole milliseconds: cutting at limit + ½ keeps a corner reached exactly at the
    // limit strictly inside its pieces, and every later corner outside.
    let level = limit as f64 + 0.5;
    let cap = |ms: u64| if ms == UNREACHED { 2.0 * level } else { ms as f64 };
    let mut ring: Vec<Coord<f64>> = Vec::with_capacity(5);
    for i in 0..3 {
        let (p, q) = (t[i], t[(i + 1) % 3]);
        if inside(p.1) {
            ring.push(Coord { x: p.0.x / k, y: p.0.y });
        }
        if inside(p.1) != inside(q.1) {
            let (vp, vq) = (cap(p.1), cap(q.1));
            let s = ((level - vp) / (vq - vp)).clamp(0.0, 1.0);
            ring.push(Coord { x: (p.0.x + s * (q.0.x - p.0.x)) / k, y: p.0.y + s * (q.0.y - p.0.y) });
        }
    }
    ring.dedup();
    if ring.len() < 3 {
        return None;
    }
    Some(Polygon::new(LineString::new(ring), vec![]))
}
