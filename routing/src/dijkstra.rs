//! Plain Dijkstra over a network's adjacency: the oracle the contraction hierarchy is tested
//! against, and the one-to-all search behind reach times and isochrones.

use crate::network::Network;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// "Not reached".
pub const UNREACHED: u64 = u64::MAX;

/// Milliseconds from the nearest of `sources` (network node, starting milliseconds) to every
/// network node, searching no further than `limit` ms; along the links, or against them when
/// `reverse` (then: from every node to the nearest source).
pub fn reach(net: &Network, sources: &[(u32, u64)], limit: u64, reverse: bool) -> Vec<u64> {
    let adj = if reverse { &net.inn } else { &net.out };
    let mut dist = vec![UNREACHED; net.len()];
    let mut heap = BinaryHeap::new();
    for &(s, w) in sources {
        if w <= limit && w < dist[s as usize] {
            dist[s as usize] = w;
            heap.push(Reverse((w, s)));
        }
    }
    while let Some(Reverse((d, u))) = heap.pop() {
        if d > dist[u as usize] {
            continue;
        }
        for l in adj.of(u) {
            let nd = d + u64::from(l.ms);
            if nd <= limit && nd < dist[l.node as usize] {
                dist[l.node as usize] = nd;
                heap.push(Reverse((nd, l.node)));
            }
        }
    }
    dist
}

/// The least total weight from any source to any target (both weighted, milliseconds).
pub fn shortest(net: &Network, sources: &[(u32, u64)], targets: &[(u32, u64)]) -> Option<u64> {
    let dist = reach(net, sources, UNREACHED - 1, false);
    targets
        .iter()
        .filter(|(t, _)| dist[*t as usize] != UNREACHED)
        .map(|(t, w)| dist[*t as usize] + w)
        .min()
}

/// The least milliseconds from snapped point `a` to snapped point `b` by Dijkstra: along their
/// common edge, or out of `a`'s edge, through the network and into `b`'s edge.
pub fn between(net: &Network, a: &crate::Snap, b: &crate::Snap) -> Option<u64> {
    let srcs: Vec<(u32, u64)> = net.exits(a).iter().map(|d| (d.node, d.ms)).collect();
    let dsts: Vec<(u32, u64)> = net.entries(b).iter().map(|d| (d.node, d.ms)).collect();
    let via = if srcs.is_empty() || dsts.is_empty() { None } else { shortest(net, &srcs, &dsts) };
    match (net.along(a, b).map(|(ms, _)| ms), via) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, y) => x.or(y),
    }
}
