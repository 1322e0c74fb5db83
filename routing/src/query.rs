//! The searches every analysis builds on: the contraction hierarchy, exact under closures
//! (falling back to Dijkstra on the open links where the hierarchy's path is closed).
//! Below: [`crate::network`] and [`crate::dijkstra`]; above: routes, places, isochrones, coverage.

use crate::closure::Closed;
use crate::network::{Network, CLOSED_MS};
use fast_paths::FastGraph;

impl Network {
    /// The fastest path from weighted sources to weighted targets (network nodes, milliseconds)
    /// that uses no edge of `closed`: the total weight and the node path, or `None` when
    /// unreachable. Exact in every state:
    /// - no closures, or a hierarchy prepared for exactly these: that hierarchy's answer;
    /// - otherwise the full hierarchy's answer when its path uses no closed edge (closing roads
    ///   only makes paths longer, so a shortest path that avoids them is still shortest), else
    ///   Dijkstra on the open links.
    pub fn ch_query(&self, sources: &[(u32, u64)], targets: &[(u32, u64)], closed: &Closed) -> Option<(u64, Vec<u32>)> {
        if sources.is_empty() || targets.is_empty() {
            return None;
        }
        if closed.is_empty() {
            return self.run_ch(&self.fast, sources, targets);
        }
        let prepared = self.closed_fast.read().clone();
        if let Some(p) = prepared.filter(|p| p.0 == closed.version) {
            return self.run_ch(&p.1, sources, targets).filter(|(w, _)| *w < CLOSED_MS);
        }
        let full = self.run_ch(&self.fast, sources, targets)?;
        let open = full.1.windows(2).all(|w| {
            let best = self.out.of(w[0]).iter().filter(|l| l.node == w[1]).map(|l| l.ms).min();
            best.is_some() && self.link(w[0], w[1], closed).map(|l| l.ms) == best
        });
        if open {
            Some(full)
        } else {
            crate::dijkstra::path(self, sources, targets, closed)
        }
    }

    fn run_ch(&self, fast: &FastGraph, sources: &[(u32, u64)], targets: &[(u32, u64)]) -> Option<(u64, Vec<u32>)> {
        let mut calc = self.calculators.lock().pop().unwrap_or_else(|| fast_paths::create_calculator(fast));
        let conv = |v: &[(u32, u64)]| v.iter().map(|&(n, w)| (n as usize, w as usize)).collect::<Vec<_>>();
        let path = calc.calc_path_multiple_sources_and_targets(fast, conv(sources), conv(targets));
        self.calculators.lock().push(calc);
        path.map(|p| (p.get_weight() as u64, p.get_nodes().iter().map(|&n| n as u32).collect()))
    }
}
