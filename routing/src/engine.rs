//! The road graph and every profile's network, built together, and the closures in force on
//! all of them.

use crate::closure::{Closed, EdgeIndex};
use crate::graph::RoadGraph;
use crate::network::Network;
use crate::profile::Profile;
use crate::way::Way;
use crate::{Result, RoutingError};
use parking_lot::{Condvar, Mutex};
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

/// What routing runs on: one road graph, a network per profile that has roads.
pub struct Engine {
    pub graph: Arc<RoadGraph>,
    nets: [Option<Arc<Network>>; 3],
    /// How many networks' hierarchies were read from saved files rather than prepared.
    pub loaded: usize,
    /// Where the roads came from, for logs and responses (e.g. "OpenStreetMap extract x.osm.pbf").
    pub source: String,
    /// Every edge's segments, for turning closure areas into edges.
    pub edges: EdgeIndex,
    /// The closure version last set; held while setting, so versions go in order.
    version: Mutex<u64>,
    /// Wakes the background preparer: the version it should prepare for.
    wake: (Mutex<u64>, Condvar),
    /// How long the last re-preparation of all networks took.
    last_prepare: Mutex<Option<Duration>>,
}

impl Engine {
    /// Builds the graph from `ways` and the three networks (in parallel). Fails only when no
    /// profile has any road.
    pub fn build(ways: &[Way], source: impl Into<String>) -> Result<Engine> {
        Self::build_saved(ways, source, None)
    }

    /// Like [`Engine::build`], with the hierarchies read from (or saved to) `dir`.
    pub fn build_saved(ways: &[Way], source: impl Into<String>, dir: Option<&std::path::Path>) -> Result<Engine> {
        let graph = Arc::new(RoadGraph::build(ways));
        let mut loaded = 0;
        let nets = std::thread::scope(|s| {
            let handles = Profile::ALL.map(|p| {
                let g = Arc::clone(&graph);
                s.spawn(move || Network::build_saved(g, p, dir).ok())
            });
            handles.map(|h| h.join().ok().flatten())
        });
        let nets = nets.map(|n| {
            n.map(|(net, was)| {
                loaded += usize::from(was);
                Arc::new(net)
            })
        });
        if nets.iter().all(Option::is_none) {
            return Err(RoutingError::NoRoads { profile: Profile::Car });
        }
        let edges = EdgeIndex::build(&graph);
        Ok(Engine {
            graph,
            nets,
            loaded,
            source: source.into(),
            edges,
            version: Mutex::new(0),
            wake: (Mutex::new(0), Condvar::new()),
            last_prepare: Mutex::new(None),
        })
    }

    /// The network of `profile`.
    pub fn network(&self, profile: Profile) -> Result<&Arc<Network>> {
        self.nets[profile.index()].as_ref().ok_or(RoutingError::NoRoads { profile })
    }

    /// The networks that exist.
    pub fn networks(&self) -> impl Iterator<Item = &Arc<Network>> {
        self.nets.iter().flatten()
    }

    /// Closes exactly `edges` (road-graph edge indices; every earlier closure is replaced) on
    /// every network, effective for the next query, and asks the background preparer (if
    /// started) for hierarchies without them.
    pub fn set_closed(&self, edges: impl IntoIterator<Item = u32>) -> Arc<Closed> {
        let mut v = self.version.lock();
        *v += 1;
        let closed = Arc::new(Closed::new(*v, edges));
        for net in self.networks() {
            net.set_closed(Arc::clone(&closed));
        }
        *self.wake.0.lock() = *v;
        self.wake.1.notify_all();
        closed
    }

    /// The closures in force.
    pub fn closed(&self) -> Arc<Closed> {
        self.networks().next().map(|n| n.closed()).unwrap_or_default()
    }

    /// Prepares every network's hierarchy for the closures in force (seconds on a city; the
    /// queries are exact meanwhile, only slower near closures).
    pub fn reprepare(&self) {
        let started = Instant::now();
        for net in self.networks() {
            net.reprepare();
        }
        *self.last_prepare.lock() = Some(started.elapsed());
    }

    /// Whether every network's hierarchy leaves out the closures in force.
    pub fn is_prepared(&self) -> bool {
        self.networks().all(|n| n.is_prepared())
    }

    /// How long the last [`Engine::reprepare`] took.
    pub fn last_prepare(&self) -> Option<Duration> {
        *self.last_prepare.lock()
    }

    /// Starts a thread that re-prepares the hierarchies after every change of the closures; it
    /// ends when the engine is dropped.
    pub fn spawn_preparer(self: &Arc<Self>) -> std::thread::JoinHandle<()> {
        let weak: Weak<Engine> = Arc::downgrade(self);
        std::thread::Builder::new()
            .name("onemap-ch-prepare".into())
            .spawn(move || {
                let mut done = 0u64;
                loop {
                    let Some(engine) = weak.upgrade() else { return };
                    {
                        let mut want = engine.wake.0.lock();
                        if *want == done {
                            // Wake at least every second to notice that the engine is gone.
                            engine.wake.1.wait_for(&mut want, Duration::from_secs(1));
                        }
                        if *want == done {
                            continue;
                        }
                        done = *want;
                    }
                    engine.reprepare();
                }
            })
            .expect("spawn the preparer thread")
    }
}
