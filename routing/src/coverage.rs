//! Coverage: the reach time from the nearest of many sources (teams, shelters, depots) to every
//! road, and how much road lies beyond a threshold — the "golden ten minutes" gap map.
//!
//! Along an edge the reach time is the least of a few linear functions of the position: from its
//! `from` junction forward, from its `to` junction backward, and from any source standing on the
//! edge. It is exact for that model: the worst point and the length beyond a threshold come from
//! the breakpoints of that minimum.

use crate::dijkstra::{reach, UNREACHED};
use crate::network::Network;
use crate::snap::Snap;

/// Reach times from a set of sources.
pub struct Coverage {
    /// Milliseconds from the nearest source to each network node ([`UNREACHED`]: no road leads
    /// there from any source).
    pub node_ms: Vec<u64>,
    /// The snapped sources.
    pub sources: Vec<Snap>,
    /// The closures the times were computed under.
    pub closed: std::sync::Arc<crate::Closed>,
}

/// One edge under a coverage.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EdgeReach {
    /// Milliseconds to its least reachable point ([`UNREACHED`] when part of it is unreachable).
    pub worst_ms: u64,
    /// Milliseconds to its best reachable point.
    pub best_ms: u64,
    /// Its share (0..=1) reached later than the threshold asked for (or never).
    pub beyond: f64,
}

/// `(start, slope, lo, hi)`: `start + slope × t` ms for `t` in `lo..=hi` (fractions of the edge).
type Piece = (f64, f64, f64, f64);

impl Network {
    /// Reach times from the nearest of `sources` (snapped points; travel goes away from them)
    /// over the open roads.
    pub fn coverage(&self, sources: Vec<Snap>) -> Coverage {
        let closed = self.closed();
        let starts: Vec<(u32, u64)> = sources
            .iter()
            .filter(|s| !closed.is_closed(s.edge))
            .flat_map(|s| self.exits(s))
            .map(|d| (d.node, d.ms))
            .collect();
        Coverage { node_ms: reach(self, &starts, UNREACHED - 1, false), sources, closed }
    }

    /// The reach time at fraction `t` (0..=1) along road-graph edge `e`, milliseconds.
    pub fn time_at(&self, cov: &Coverage, e: u32, t: f64) -> Option<u64> {
        let v = self
            .pieces(cov, e)
            .iter()
            .filter(|p| t >= p.2 - 1e-12 && t <= p.3 + 1e-12)
            .map(|p| p.0 + p.1 * t)
            .fold(f64::INFINITY, f64::min);
        v.is_finite().then(|| v.max(0.0).round() as u64)
    }

    /// The linear pieces of the reach time along road-graph edge `e`.
    fn pieces(&self, cov: &Coverage, e: u32) -> Vec<Piece> {
        let edge = &self.graph.edges[e as usize];
        let mut out = Vec::new();
        if cov.closed.is_closed(e) {
            return out;
        }
        let fwd = edge.cost(self.profile, true).map(f64::from);
        let bwd = edge.cost(self.profile, false).map(f64::from);
        let at = |n: u32| self.net_node(n).map(|m| cov.node_ms[m as usize]).filter(|&d| d != UNREACHED);
        if let (Some(c), Some(d)) = (fwd, at(edge.from)) {
            out.push((d as f64, c, 0.0, 1.0));
        }
        if let (Some(c), Some(d)) = (bwd, at(edge.to)) {
            out.push((d as f64 + c, -c, 0.0, 1.0));
        }
        for s in cov.sources.iter().filter(|s| s.edge == e) {
            let ts = if edge.length_m > 0.0 { (s.offset_m / edge.length_m).clamp(0.0, 1.0) } else { 0.0 };
            if let Some(c) = fwd {
                out.push((-ts * c, c, ts, 1.0));
            }
            if let Some(c) = bwd {
                out.push((ts * c, -c, 0.0, ts));
            }
        }
        out
    }

    /// Reach time along edge `e` (a road-graph edge of this network) against `threshold_ms`.
    pub fn edge_reach(&self, cov: &Coverage, e: u32, threshold_ms: u64) -> EdgeReach {
        let pieces = self.pieces(cov, e);
        let f = |t: f64| {
            pieces
                .iter()
                .filter(|p| t >= p.2 - 1e-12 && t <= p.3 + 1e-12)
                .map(|p| p.0 + p.1 * t)
                .fold(f64::INFINITY, f64::min)
        };
        let mut ts = vec![0.0, 1.0];
        for (i, p) in pieces.iter().enumerate() {
            ts.extend([p.2, p.3]);
            for q in &pieces[i + 1..] {
                if (p.1 - q.1).abs() > 1e-12 {
                    let t = (q.0 - p.0) / (p.1 - q.1);
                    if (0.0..=1.0).contains(&t) {
                        ts.push(t);
                    }
                }
            }
        }
        ts.sort_by(f64::total_cmp);
        ts.dedup_by(|a, b| (*a - *b).abs() < 1e-12);
        let th = threshold_ms as f64;
        let (mut worst, mut best, mut beyond) = (0.0f64, f64::INFINITY, 0.0);
        for w in ts.windows(2) {
            let (a, b) = (w[0], w[1]);
            // Inside (a, b) the minimum is one linear function: judge it at the ends and the middle.
            let (fa, fb, fm) = (f(a + (b - a) * 1e-9), f(b - (b - a) * 1e-9), f((a + b) / 2.0));
            // The breakpoints themselves (a source at the very end of a one-way edge).
            for v in [f(a), f(b)].into_iter().filter(|v| v.is_finite()) {
                best = best.min(v);
            }
            if !fm.is_finite() {
                beyond += b - a;
                worst = f64::INFINITY;
                continue;
            }
            worst = worst.max(fa).max(fb);
            best = best.min(fa).min(fb);
            beyond += if fa > th && fb > th {
                b - a
            } else if fa > th || fb > th {
                let cross = (th - fa) / (fb - fa); // where the line meets the threshold
                if fa > th {
                    (b - a) * cross
                } else {
                    (b - a) * (1.0 - cross)
                }
            } else {
                0.0
            };
        }
        let ms = |v: f64| if v.is_finite() { v.round() as u64 } else { UNREACHED };
        EdgeReach { worst_ms: ms(worst), best_ms: ms(best), beyond: beyond.clamp(0.0, 1.0) }
    }

    /// Milliseconds from the nearest source to snapped point `s` (a village, an incident), or
    /// `None` when no source reaches it.
    pub fn reach_of(&self, cov: &Coverage, s: &Snap) -> Option<u64> {
        if cov.closed.is_closed(s.edge) {
            return None;
        }
        let via = self
            .entries(s)
            .iter()
            .filter(|d| cov.node_ms[d.node as usize] != UNREACHED)
            .map(|d| cov.node_ms[d.node as usize] + d.ms)
            .min();
        let direct = cov.sources.iter().filter_map(|src| self.along(src, s).map(|x| x.0)).min();
        [via, direct].into_iter().flatten().min()
    }

    /// The road-graph edges of this network (each once).
    pub fn edges(&self) -> impl Iterator<Item = u32> + '_ {
        (0..self.graph.edges.len() as u32).filter(|&e| self.has_edge(e))
    }

    /// Whether road-graph edge `e` belongs to this network.
    pub fn has_edge(&self, e: u32) -> bool {
        let edge = &self.graph.edges[e as usize];
        edge.from != edge.to
            && self.net_node(edge.from).is_some()
            && self.net_node(edge.to).is_some()
            && (edge.cost(self.profile, true).is_some() || edge.cost(self.profile, false).is_some())
    }
}
