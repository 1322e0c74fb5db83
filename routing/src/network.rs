//! One profile's routable network: the largest strongly connected part of the road graph, its
//! adjacency both ways, its contraction hierarchy and an R-tree of road segments for snapping.

use crate::closure::Closed;
use crate::graph::RoadGraph;
use crate::profile::Profile;
use crate::scc;
use crate::snap::SnapIndex;
use crate::{Result, RoutingError};
use fast_paths::{FastGraph, InputGraph, PathCalculator};
use parking_lot::{Mutex, RwLock};
use rstar::RTree;
use std::sync::Arc;

/// The weight of a closed link in a re-prepared hierarchy (about 35 years): a path that weighs
/// this much or more uses a closed road, which is no path.
pub const CLOSED_MS: u64 = 1 << 40;

/// "No node": a graph node outside the profile's network.
pub const OUTSIDE: u32 = u32::MAX;

/// A directed link between two network nodes along one edge of the road graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Link {
    /// The node at the other end (the head for out-links, the tail for in-links).
    pub node: u32,
    /// Travel time in milliseconds.
    pub ms: u32,
    /// The road-graph edge.
    pub edge: u32,
    /// Whether the link runs along the edge's shape (`from` → `to`).
    pub forward: bool,
}

/// Compressed adjacency: the links of node `u` are `links[first[u]..first[u + 1]]`.
#[derive(Debug, Clone, Default)]
pub struct Adjacency {
    first: Vec<u32>,
    links: Vec<Link>,
}

impl Adjacency {
    fn build(n: usize, mut pairs: Vec<(u32, Link)>) -> Adjacency {
        pairs.sort_by_key(|(u, l)| (*u, l.node, l.ms));
        let mut first = vec![0u32; n + 1];
        for (u, _) in &pairs {
            first[*u as usize + 1] += 1;
        }
        for i in 0..n {
            first[i + 1] += first[i];
        }
        Adjacency { first, links: pairs.into_iter().map(|(_, l)| l).collect() }
    }

    /// The links of node `u`.
    pub fn of(&self, u: u32) -> &[Link] {
        &self.links[self.first[u as usize] as usize..self.first[u as usize + 1] as usize]
    }
}

/// One profile's network over a shared [`RoadGraph`].
pub struct Network {
    pub profile: Profile,
    pub graph: Arc<RoadGraph>,
    /// Road-graph node → network node ([`OUTSIDE`] when not in the largest component).
    net_of: Vec<u32>,
    /// Network node → road-graph node.
    node_of: Vec<u32>,
    pub out: Adjacency,
    pub inn: Adjacency,
    /// The hierarchy of the whole network (no closures).
    pub(crate) fast: FastGraph,
    /// Its node order, reused when a closure changes the weights.
    order: Vec<usize>,
    /// A hierarchy without the edges closed at some version of the closures.
    pub(crate) closed_fast: RwLock<Option<Arc<(u64, FastGraph)>>>,
    /// The closures in force.
    closed: RwLock<Arc<Closed>>,
    pub(crate) calculators: Mutex<Vec<PathCalculator>>,
    pub(crate) snap: SnapIndex,
    /// The nodes by position (for isochrones), built on first use.
    pub(crate) node_tree: std::sync::OnceLock<NodeTree>,
    /// The fastest speed on any link, metres per second (a lower bound on travel times).
    top_speed: f64,
}

impl Network {
    /// Builds the profile's network and prepares its contraction hierarchy (seconds on a city).
    pub fn build(graph: Arc<RoadGraph>, profile: Profile) -> Result<Network> {
        Self::build_saved(graph, profile, None).map(|(n, _)| n)
    }

    /// Like [`Network::build`], but reads the hierarchy from `dir` when one was saved there for
    /// exactly this network, and saves it there after preparing. Returns whether it was read.
    pub fn build_saved(
        graph: Arc<RoadGraph>,
        profile: Profile,
        dir: Option<&std::path::Path>,
    ) -> Result<(Network, bool)> {
        let (net_of, node_of, out, inn) = Self::restrict(&graph, profile)?;
        let n = node_of.len();
        let key =
            crate::prepared::input_key(n, (0..n as u32).flat_map(|u| out.of(u).iter().map(move |l| (u, l.node, l.ms))));
        let loaded = match dir {
            Some(d) => crate::prepared::load(d, profile, key, n).unwrap_or_else(|e| {
                eprintln!("onemap: {e}; preparing again");
                None
            }),
            None => None,
        };
        let was_loaded = loaded.is_some();
        let fast = match loaded {
            Some(f) => f,
            None => {
                let f = fast_paths::prepare(&Self::input(n, &out, &Closed::default()));
                if let Some(d) = dir {
                    if let Err(e) = crate::prepared::save(d, profile, key, &f) {
                        eprintln!("onemap: {e}; the hierarchy will be prepared again at the next start");
                    }
                }
                f
            }
        };
        Ok((Self::assemble(graph, profile, net_of, node_of, out, inn, fast), was_loaded))
    }

    fn restrict(graph: &RoadGraph, profile: Profile) -> Result<(Vec<u32>, Vec<u32>, Adjacency, Adjacency)> {
        let n = graph.nodes.len();
        let mut arcs: Vec<(u32, Link)> = Vec::new();
        for (i, e) in graph.edges.iter().enumerate() {
            if e.from == e.to {
                continue;
            }
            if let Some(ms) = e.cost(profile, true) {
                arcs.push((e.from, Link { node: e.to, ms, edge: i as u32, forward: true }));
            }
            if let Some(ms) = e.cost(profile, false) {
                arcs.push((e.to, Link { node: e.from, ms, edge: i as u32, forward: false }));
            }
        }
        let all = Adjacency::build(n, arcs.clone());
        let member = scc::largest(n, |u| all.of(u as u32).iter().map(|l| l.node as usize).collect());
        let mut net_of = vec![OUTSIDE; n];
        let mut node_of = Vec::new();
        for (u, m) in member.iter().enumerate() {
            if *m && !all.of(u as u32).is_empty() {
                net_of[u] = node_of.len() as u32;
                node_of.push(u as u32);
            }
        }
        if node_of.len() < 2 {
            return Err(RoutingError::NoRoads { profile });
        }
        let inside: Vec<(u32, Link)> = arcs
            .into_iter()
            .filter(|(u, l)| net_of[*u as usize] != OUTSIDE && net_of[l.node as usize] != OUTSIDE)
            .map(|(u, l)| (net_of[u as usize], Link { node: net_of[l.node as usize], ..l }))
            .collect();
        let reversed: Vec<(u32, Link)> = inside.iter().map(|(u, l)| (l.node, Link { node: *u, ..*l })).collect();
        let m = node_of.len();
        Ok((net_of, node_of, Adjacency::build(m, inside), Adjacency::build(m, reversed)))
    }

    /// The hierarchy's input: every link, a closed one with the weight [`CLOSED_MS`] (leaving it
    /// out could drop the last node, and the node order must cover every node).
    fn input(n: usize, out: &Adjacency, closed: &Closed) -> InputGraph {
        let mut input = InputGraph::new();
        for u in 0..n as u32 {
            for l in out.of(u) {
                let w = if closed.is_closed(l.edge) { CLOSED_MS } else { u64::from(l.ms) };
                input.add_edge(u as usize, l.node as usize, w as usize);
            }
        }
        input.freeze();
        input
    }

    fn assemble(
        graph: Arc<RoadGraph>,
        profile: Profile,
        net_of: Vec<u32>,
        node_of: Vec<u32>,
        out: Adjacency,
        inn: Adjacency,
        fast: FastGraph,
    ) -> Network {
        let snap = SnapIndex::build(&graph, |e| {
            let edge = &graph.edges[e];
            edge.from != edge.to
                && net_of[edge.from as usize] != OUTSIDE
                && net_of[edge.to as usize] != OUTSIDE
                && (edge.cost(profile, true).is_some() || edge.cost(profile, false).is_some())
        });
        let top_speed = (0..node_of.len() as u32)
            .flat_map(|u| out.of(u))
            .map(|l| graph.edges[l.edge as usize].length_m / (f64::from(l.ms) / 1000.0))
            .fold(0.1, f64::max)
            * 1.01; // margin for the rounding of partial edge times
        let order = fast_paths::get_node_ordering(&fast);
        Network {
            profile,
            graph,
            net_of,
            node_of,
            out,
            inn,
            fast,
            order,
            closed_fast: RwLock::new(None),
            closed: RwLock::new(Arc::new(Closed::default())),
            calculators: Mutex::new(Vec::new()),
            snap,
            node_tree: std::sync::OnceLock::new(),
            top_speed,
        }
    }

    /// The closures in force on this network.
    pub fn closed(&self) -> Arc<Closed> {
        Arc::clone(&self.closed.read())
    }

    /// Puts `closed` in force at once: from the next query on, no route, reach time or snap
    /// uses a closed edge. Queries stay exact while the hierarchy is stale (see
    /// [`Network::ch_query`]); [`Network::reprepare`] makes them fast again.
    pub fn set_closed(&self, closed: Arc<Closed>) {
        *self.closed.write() = closed;
    }

    /// Prepares a hierarchy without the closed edges, with the node order of the full one
    /// (fast_paths' `prepare_with_order`), and puts it in use unless the closures changed
    /// meanwhile. Returns whether it was put in use.
    pub fn reprepare(&self) -> bool {
        let closed = self.closed();
        if closed.is_empty() {
            *self.closed_fast.write() = None;
            return true;
        }
        if self.closed_fast.read().as_ref().is_some_and(|c| c.0 == closed.version) {
            return true;
        }
        let input = Self::input(self.len(), &self.out, &closed);
        let Ok(fast) = fast_paths::prepare_with_order(&input, &self.order) else { return false };
        let current = self.closed.read().version == closed.version;
        if current {
            *self.closed_fast.write() = Some(Arc::new((closed.version, fast)));
        }
        current
    }

    /// Whether the hierarchy in use already leaves out the closures in force.
    pub fn is_prepared(&self) -> bool {
        let closed = self.closed();
        closed.is_empty() || self.closed_fast.read().as_ref().is_some_and(|c| c.0 == closed.version)
    }

    /// The fastest speed on any link in metres per second: no route is faster than the straight
    /// line at this speed.
    pub fn top_speed_mps(&self) -> f64 {
        self.top_speed
    }

    /// Number of network nodes.
    pub fn len(&self) -> usize {
        self.node_of.len()
    }

    pub fn is_empty(&self) -> bool {
        self.node_of.is_empty()
    }

    /// The network node of a road-graph node.
    pub fn net_node(&self, graph_node: u32) -> Option<u32> {
        self.net_of.get(graph_node as usize).copied().filter(|&n| n != OUTSIDE)
    }

    /// WGS84 lon/lat of network node `n`.
    pub fn position(&self, n: u32) -> [f64; 2] {
        self.graph.nodes[self.node_of[n as usize] as usize]
    }

    /// The network as an edge list for other routers (pgRouting's `id, source, target, cost`):
    /// one CSV line per directed link, nodes by network index, cost in seconds.
    pub fn edge_csv(&self) -> String {
        use std::fmt::Write as _;
        let mut csv = String::new();
        let mut id = 0;
        for u in 0..self.len() as u32 {
            for l in self.out.of(u) {
                id += 1;
                let _ = writeln!(csv, "{id},{u},{},{}", l.node, f64::from(l.ms) / 1000.0);
            }
        }
        csv
    }

    /// The cheapest open link from `u` to `v`.
    pub fn link(&self, u: u32, v: u32, closed: &Closed) -> Option<Link> {
        self.out.of(u).iter().filter(|l| l.node == v && !closed.is_closed(l.edge)).min_by_key(|l| l.ms).copied()
    }
}

/// Network nodes by position (WGS84 degrees), for isochrones.
pub(crate) type NodeTree = RTree<rstar::primitives::GeomWithData<[f64; 2], u32>>;

impl Network {
    /// An R-tree of the network's nodes (WGS84 degrees), built on first use.
    pub(crate) fn nodes_tree(&self) -> &NodeTree {
        self.node_tree.get_or_init(|| {
            RTree::bulk_load(
                (0..self.len() as u32).map(|n| rstar::primitives::GeomWithData::new(self.position(n), n)).collect(),
            )
        })
    }
}
