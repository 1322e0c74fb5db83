//! Point-to-point routes: snap both ends to the network, enter and leave the network part-way
//! along the snapped edges, and run the contraction hierarchy between the weighted end nodes.

use crate::graph::haversine_m;
use crate::network::Network;
use crate::snap::Snap;
use crate::{Result, RoutingError};

/// A route, with its geometry in WGS84 lon/lat degrees.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    /// Travel time in seconds.
    pub duration_s: f64,
    /// Length in metres.
    pub distance_m: f64,
    /// The line from the snapped start to the snapped end.
    pub coords: Vec<[f64; 2]>,
    /// The road-graph edges used, in order (the start and end edges included).
    pub edges: Vec<u32>,
    /// Where the start and the end met the road.
    pub from: Snap,
    pub to: Snap,
}

/// A way into or out of the network from a snapped point: a network node, the milliseconds
/// between the point and that node, and whether that stretch runs along the edge's shape.
#[derive(Debug, Clone, Copy)]
pub struct Door {
    pub node: u32,
    pub ms: u64,
    pub forward: bool,
}

/// How a route goes: along one edge, or out through the network and in again.
#[derive(Debug, Clone)]
pub(crate) enum Leg {
    Direct { ms: u64, forward: bool },
    Via { total: u64, nodes: Vec<u32>, exits: Vec<Door>, entries: Vec<Door> },
}

/// The default snap limit in metres: farther than this from any usable road is an error.
pub const DEFAULT_SNAP_M: f64 = 500.0;

fn part(ms: u32, frac: f64) -> u64 {
    (f64::from(ms) * frac).round() as u64
}

impl Network {
    /// Snaps WGS84 `lon`, `lat` (degrees) to the nearest usable road within `limit_m` metres.
    pub fn snap(&self, what: &'static str, lon: f64, lat: f64, limit_m: f64) -> Result<Snap> {
        if !(lon.is_finite() && lat.is_finite() && (-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat)) {
            return Err(RoutingError::BadCoordinate { what, lon, lat });
        }
        let s = self
            .snap
            .nearest(&self.graph, lon, lat, &self.closed())
            .ok_or(RoutingError::NoRoads { profile: self.profile })?;
        if s.distance_m > limit_m {
            return Err(RoutingError::TooFar {
                what,
                lon,
                lat,
                distance_m: s.distance_m,
                limit_m,
                profile: self.profile,
            });
        }
        Ok(s)
    }

    fn frac(&self, s: &Snap) -> f64 {
        let len = self.graph.edges[s.edge as usize].length_m;
        if len > 0.0 {
            (s.offset_m / len).clamp(0.0, 1.0)
        } else {
            0.0
        }
    }

    /// The nodes a snapped start can reach directly, with the time to reach them.
    pub fn exits(&self, s: &Snap) -> Vec<Door> {
        let e = &self.graph.edges[s.edge as usize];
        let f = self.frac(s);
        let mut out = Vec::with_capacity(2);
        if let (Some(ms), Some(node)) = (e.cost(self.profile, true), self.net_node(e.to)) {
            out.push(Door { node, ms: part(ms, 1.0 - f), forward: true });
        }
        if let (Some(ms), Some(node)) = (e.cost(self.profile, false), self.net_node(e.from)) {
            out.push(Door { node, ms: part(ms, f), forward: false });
        }
        out
    }

    /// The nodes from which a snapped end can be reached directly, with the time from them.
    pub fn entries(&self, s: &Snap) -> Vec<Door> {
        let e = &self.graph.edges[s.edge as usize];
        let f = self.frac(s);
        let mut out = Vec::with_capacity(2);
        if let (Some(ms), Some(node)) = (e.cost(self.profile, true), self.net_node(e.from)) {
            out.push(Door { node, ms: part(ms, f), forward: true });
        }
        if let (Some(ms), Some(node)) = (e.cost(self.profile, false), self.net_node(e.to)) {
            out.push(Door { node, ms: part(ms, 1.0 - f), forward: false });
        }
        out
    }

    /// Milliseconds from `a` to `b` along their common edge without leaving it, if they share one.
    pub fn along(&self, a: &Snap, b: &Snap) -> Option<(u64, bool)> {
        if a.edge != b.edge {
            return None;
        }
        let e = &self.graph.edges[a.edge as usize];
        let (fa, fb) = (self.frac(a), self.frac(b));
        let fwd = e.cost(self.profile, true).filter(|_| fb >= fa).map(|ms| (part(ms, fb - fa), true));
        let bwd = e.cost(self.profile, false).filter(|_| fb <= fa).map(|ms| (part(ms, fa - fb), false));
        match (fwd, bwd) {
            (Some(x), Some(y)) => Some(if x.0 <= y.0 { x } else { y }),
            (x, y) => x.or(y),
        }
    }

    /// The fastest route between two WGS84 positions (degrees), each snapped within `snap_m` metres.
    pub fn route(&self, from: [f64; 2], to: [f64; 2], snap_m: f64) -> Result<Route> {
        let a = self.snap("the start", from[0], from[1], snap_m)?;
        let b = self.snap("the destination", to[0], to[1], snap_m)?;
        self.route_between(&a, &b).ok_or_else(|| RoutingError::Unreachable {
            profile: self.profile,
            from: format!("({:.6}, {:.6})", from[0], from[1]),
            to: format!("({:.6}, {:.6})", to[0], to[1]),
        })
    }

    /// The fastest route between two snapped points over the open roads, or `None` when none
    /// exists (also when either point's road is closed).
    pub fn route_between(&self, a: &Snap, b: &Snap) -> Option<Route> {
        self.route_between_with(a, b, &self.closed())
    }

    /// The fastest route between two snapped points over the roads not in `closed` (e.g. an
    /// empty set: the route there would be without any closure).
    pub fn route_between_with(&self, a: &Snap, b: &Snap, closed: &crate::Closed) -> Option<Route> {
        let (_, leg) = self.leg_between(a, b, closed)?;
        self.build_route(a, b, leg, closed)
    }

    /// The travel time in milliseconds from `a` to `b` over the roads not in `closed`, and how
    /// to draw it ([`Network::build_route`]): ranking many candidates needs only the times.
    pub(crate) fn leg_between(&self, a: &Snap, b: &Snap, closed: &crate::Closed) -> Option<(u64, Leg)> {
        if closed.is_closed(a.edge) || closed.is_closed(b.edge) {
            return None;
        }
        let exits = self.exits(a);
        let entries = self.entries(b);
        let direct = self.along(a, b);
        let srcs: Vec<(u32, u64)> = exits.iter().map(|d| (d.node, d.ms)).collect();
        let dsts: Vec<(u32, u64)> = entries.iter().map(|d| (d.node, d.ms)).collect();
        let via = self.ch_query(&srcs, &dsts, closed);
        match (direct, via) {
            (Some((ms, forward)), via) if via.as_ref().is_none_or(|(w, _)| ms <= *w) => {
                Some((ms, Leg::Direct { ms, forward }))
            }
            (_, Some((total, nodes))) => Some((total, Leg::Via { total, nodes, exits, entries })),
            _ => None,
        }
    }

    /// The route of a leg found by [`Network::leg_between`] for the same points and closures.
    pub(crate) fn build_route(&self, a: &Snap, b: &Snap, leg: Leg, closed: &crate::Closed) -> Option<Route> {
        match leg {
            Leg::Direct { ms, forward } => Some(self.direct_route(a, b, ms, forward)),
            Leg::Via { total, nodes, exits, entries } => {
                self.assemble_route(a, b, &exits, &entries, total, &nodes, closed)
            }
        }
    }

    fn direct_route(&self, a: &Snap, b: &Snap, ms: u64, forward: bool) -> Route {
        let e = &self.graph.edges[a.edge as usize];
        let shape = self.graph.edge_shape(e);
        let mut coords = vec![a.point];
        let (sa, sb) = (a.seg as usize, b.seg as usize);
        if forward && sb > sa {
            coords.extend_from_slice(&shape[sa + 1..=sb]);
        } else if !forward && sa > sb {
            coords.extend(shape[sb + 1..=sa].iter().rev());
        }
        coords.push(b.point);
        Route {
            duration_s: ms as f64 / 1000.0,
            distance_m: (b.offset_m - a.offset_m).abs(),
            coords,
            edges: vec![a.edge],
            from: *a,
            to: *b,
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn assemble_route(
        &self,
        a: &Snap,
        b: &Snap,
        exits: &[Door],
        entries: &[Door],
        total: u64,
        nodes: &[u32],
        closed: &crate::Closed,
    ) -> Option<Route> {
        let (first, last) = (*nodes.first()?, *nodes.last()?);
        let links: Vec<_> = nodes.windows(2).map(|w| self.link(w[0], w[1], closed)).collect::<Option<_>>()?;
        let inner: u64 = links.iter().map(|l| u64::from(l.ms)).sum();
        // The door pair that gives the hierarchy's total.
        let (exit, entry) = exits
            .iter()
            .filter(|d| d.node == first)
            .flat_map(|x| entries.iter().filter(|d| d.node == last).map(move |y| (x, y)))
            .min_by_key(|(x, y)| (x.ms + inner + y.ms).abs_diff(total))?;
        let g = &self.graph;
        let (ea, eb) = (&g.edges[a.edge as usize], &g.edges[b.edge as usize]);
        let (sa, sb) = (g.edge_shape(ea), g.edge_shape(eb));
        let mut coords = vec![a.point];
        let mut distance = 0.0;
        if exit.forward {
            coords.extend_from_slice(&sa[a.seg as usize + 1..]);
            distance += ea.length_m - a.offset_m;
        } else {
            coords.extend(sa[..=a.seg as usize].iter().rev());
            distance += a.offset_m;
        }
        let mut edges = vec![a.edge];
        for l in &links {
            let e = &g.edges[l.edge as usize];
            let s = g.edge_shape(e);
            if l.forward {
                coords.extend_from_slice(&s[1..]);
            } else {
                coords.extend(s[..s.len() - 1].iter().rev());
            }
            distance += e.length_m;
            edges.push(l.edge);
        }
        if entry.forward {
            coords.extend_from_slice(&sb[1..=b.seg as usize]);
            distance += b.offset_m;
        } else {
            coords.extend(sb[b.seg as usize + 1..sb.len() - 1].iter().rev());
            distance += eb.length_m - b.offset_m;
        }
        coords.push(b.point);
        coords.dedup();
        if coords.len() < 2 {
            // Both ends at one junction: still a line (of two equal points), as GeoJSON requires.
            coords.push(b.point);
        }
        edges.push(b.edge);
        let ms = exit.ms + inner + entry.ms;
        debug_assert!(haversine_m(coords[0], a.point) < 1e-6);
        Some(Route { duration_s: ms as f64 / 1000.0, distance_m: distance, coords, edges, from: *a, to: *b })
    }
}
