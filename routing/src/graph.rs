//! The road graph shared by every profile: junctions as nodes, the road between two junctions as
//! one edge with its shape, length and a travel time per profile and direction.

use crate::profile::{Direction, Profile};
use crate::way::Way;
use std::collections::HashMap;

/// A travel time that is not allowed (the direction is closed to the profile).
pub const NO: u32 = u32::MAX;

pub use onemap_model::geodesy::haversine_m;

/// The road between two junctions.
#[derive(Debug, Clone, PartialEq)]
pub struct Edge {
    pub from: u32,
    pub to: u32,
    /// The OpenStreetMap way (or roads-layer line) it is part of.
    pub way: i64,
    /// Its shape: `RoadGraph::shape[start..=end]`, from `from` to `to`.
    pub shape: (u32, u32),
    /// Length in metres (haversine along the shape).
    pub length_m: f64,
    /// Travel time in milliseconds per profile, `[forward, backward]`; [`NO`] where closed.
    pub cost: [[u32; 2]; 3],
}

impl Edge {
    /// Milliseconds to travel the edge as `profile`, forward (`from` → `to`) or backward.
    pub fn cost(&self, profile: Profile, forward: bool) -> Option<u32> {
        let c = self.cost[profile.index()][usize::from(!forward)];
        (c != NO).then_some(c)
    }
}

/// All roads usable by at least one profile. Positions are WGS84 lon/lat degrees.
#[derive(Debug, Clone, Default)]
pub struct RoadGraph {
    /// Junctions and road ends.
    pub nodes: Vec<[f64; 2]>,
    pub edges: Vec<Edge>,
    /// Shape points of every edge, edge after edge.
    pub shape: Vec<[f64; 2]>,
}

/// Milliseconds to cover `m` metres at `kmh`, at least 1 (contraction needs positive weights).
fn millis(m: f64, kmh: f64) -> u32 {
    ((m / (kmh / 3.6)) * 1000.0).round().clamp(1.0, f64::from(NO - 1)) as u32
}

impl RoadGraph {
    /// Builds the graph: a way is cut into edges at every node it shares with another way (or
    /// visits twice) and at its ends.
    pub fn build(ways: &[Way]) -> RoadGraph {
        let rules: Vec<[Option<(f64, Direction)>; 3]> = ways.iter().map(|w| Profile::ALL.map(|p| p.rule(w))).collect();
        let usable = |i: usize| rules[i].iter().any(Option::is_some);
        let mut uses: HashMap<i64, u32> = HashMap::new();
        for (_, w) in ways.iter().enumerate().filter(|(i, _)| usable(*i)) {
            for (k, (id, _)) in w.nodes.iter().enumerate() {
                let extra = u32::from(k == 0 || k + 1 == w.nodes.len());
                *uses.entry(*id).or_default() += 1 + extra;
            }
        }
        let mut g = RoadGraph::default();
        let mut node_of: HashMap<i64, u32> = HashMap::new();
        let mut junction = |g: &mut RoadGraph, id: i64, p: [f64; 2]| -> u32 {
            *node_of.entry(id).or_insert_with(|| {
                g.nodes.push(p);
                (g.nodes.len() - 1) as u32
            })
        };
        for (i, w) in ways.iter().enumerate().filter(|(i, _)| usable(*i)) {
            let mut nodes = w.nodes.clone();
            nodes.dedup_by_key(|n| n.0);
            if nodes.len() < 2 {
                continue;
            }
            let mut start = junction(&mut g, nodes[0].0, nodes[0].1);
            let mut shape_start = g.shape.len();
            g.shape.push(nodes[0].1);
            let mut length = 0.0;
            for k in 1..nodes.len() {
                let (id, p) = nodes[k];
                length += haversine_m(nodes[k - 1].1, p);
                g.shape.push(p);
                if uses.get(&id).copied().unwrap_or(0) < 2 {
                    continue;
                }
                let end = junction(&mut g, id, p);
                let cost = rules[i].map(|r| match r {
                    None => [NO, NO],
                    Some((kmh, dir)) => {
                        let t = millis(length, kmh);
                        match dir {
                            Direction::Both => [t, t],
                            Direction::Forward => [t, NO],
                            Direction::Backward => [NO, t],
                        }
                    }
                });
                let last = g.shape.len() - 1;
                g.edges.push(Edge {
                    from: start,
                    to: end,
                    way: w.id,
                    shape: (shape_start as u32, last as u32),
                    length_m: length,
                    cost,
                });
                // The next edge starts at this junction: its first shape point is this one.
                start = end;
                shape_start = last;
                length = 0.0;
            }
        }
        g
    }

    /// The shape of edge `e`, from its `from` node to its `to` node.
    pub fn edge_shape(&self, e: &Edge) -> &[[f64; 2]] {
        &self.shape[e.shape.0 as usize..=e.shape.1 as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn way(id: i64, tags: &[(&str, &str)], nodes: &[(i64, f64, f64)]) -> Way {
        Way {
            id,
            tags: tags.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect(),
            nodes: nodes.iter().map(|(n, x, y)| (*n, [*x, *y])).collect(),
        }
    }

    #[test]
    fn ways_are_cut_at_shared_nodes() {
        // A street of 5 nodes crossed at its middle node by a one-way street; a footway joins at node 1.
        let ways = [
            way(
                1,
                &[("highway", "residential")],
                &[(1, 0.0, 0.0), (2, 0.001, 0.0), (3, 0.002, 0.0), (4, 0.003, 0.0), (5, 0.004, 0.0)],
            ),
            way(
                2,
                &[("highway", "primary"), ("oneway", "yes")],
                &[(10, 0.002, -0.001), (3, 0.002, 0.0), (11, 0.002, 0.001)],
            ),
            way(3, &[("highway", "footway")], &[(1, 0.0, 0.0), (20, 0.0, 0.001)]),
            way(4, &[("building", "yes")], &[(30, 1.0, 1.0), (31, 1.0, 1.1)]),
        ];
        let g = RoadGraph::build(&ways);
        assert_eq!(g.edges.len(), 5);
        assert_eq!(g.nodes.len(), 6, "1, 3, 5, 10, 11, 20");
        let first = &g.edges[0];
        assert_eq!(g.edge_shape(first).len(), 3);
        assert!((first.length_m - 222.39).abs() < 0.1, "{}", first.length_m);
        // 222.39 m at 20 km/h = 40.03 s, both ways, for cars.
        assert_eq!(first.cost(Profile::Car, true), Some(40_030));
        assert_eq!(first.cost(Profile::Car, false), Some(40_030));
        let oneway = g.edges.iter().find(|e| e.way == 2).expect("way 2");
        assert!(oneway.cost(Profile::Car, true).is_some() && oneway.cost(Profile::Car, false).is_none());
        assert!(oneway.cost(Profile::Foot, false).is_some());
        let footway = g.edges.iter().find(|e| e.way == 3).expect("way 3");
        assert_eq!((footway.cost(Profile::Car, true), footway.cost(Profile::Rescue, true)), (None, None));
        assert!(footway.cost(Profile::Foot, true).is_some());
    }

    #[test]
    fn haversine_matches_a_known_distance() {
        // One degree of latitude on the mean sphere: 111.195 km.
        assert!((haversine_m([0.0, 0.0], [0.0, 1.0]) - 111_194.9).abs() < 1.0);
    }
}
