//! Plain Dijkstra over a network's adjacency: the oracle the contraction hierarchy is tested
//! against, and the one-to-all search behind reach times and isochrones.

use crate::closure::Closed;
use crate::network::Network;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// "Not reached".
pub const UNREACHED: u64 = u64::MAX;

/// Milliseconds from the nearest of `sources` (network node, starting milliseconds) to every
/// network node, searching no further than `limit` ms; along the links, or against them when
/// `reverse` (then: from every node to the nearest source). Closed edges are not used.
pub fn reach(net: &Network, sources: &[(u32, u64)], limit: u64, reverse: bool) -> Vec<u64> {
    let closed = net.closed();
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
            if closed.is_closed(l.edge) {
                continue;
            }
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
    targets.iter().filter(|(t, _)| dist[*t as usize] != UNREACHED).map(|(t, w)| dist[*t as usize] + w).min()
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

/// The least-weight path from any source to any target (both weighted, milliseconds) over the
/// links not in `closed`: its total weight and network nodes. Stops as soon as no unsettled node
/// can improve on the best target found.
pub fn path(net: &Network, sources: &[(u32, u64)], targets: &[(u32, u64)], closed: &Closed) -> Option<(u64, Vec<u32>)> {
    let mut dist = vec![UNREACHED; net.len()];
    let mut pred = vec![u32::MAX; net.len()];
    let mut target_w: std::collections::HashMap<u32, u64> = std::collections::HashMap::new();
    for &(t, w) in targets {
        let e = target_w.entry(t).or_insert(w);
        *e = (*e).min(w);
    }
    let mut heap = BinaryHeap::new();
    for &(s, w) in sources {
        if w < dist[s as usize] {
            dist[s as usize] = w;
            heap.push(Reverse((w, s)));
        }
    }
    let mut best: Option<(u64, u32)> = None;
    while let Some(Reverse((d, u))) = heap.pop() {
        if d > dist[u as usize] {
            continue;
        }
        if best.is_some_and(|(b, _)| d >= b) {
            break;
        }
        if let Some(&w) = target_w.get(&u) {
            if best.is_none_or(|(b, _)| d + w < b) {
                best = Some((d + w, u));
            }
        }
        for l in net.out.of(u) {
            if closed.is_closed(l.edge) {
                continue;
            }
            let nd = d + u64::from(l.ms);
            if nd < dist[l.node as usize] {
                dist[l.node as usize] = nd;
                pred[l.node as usize] = u;
                heap.push(Reverse((nd, l.node)));
            }
        }
    }
    let (total, end) = best?;
    let mut nodes = vec![end];
    let mut u = end;
    while pred[u as usize] != u32::MAX {
        u = pred[u as usize];
        nodes.push(u);
    }
    nodes.reverse();
    Some((total, nodes))
}
