//! Shared by the routing tests: random synthetic towns and an oracle written from the definition.
#![allow(dead_code)]

use onemap_routing::{dijkstra, Network, Snap, Way};
use rand::rngs::StdRng;
use rand::Rng;

/// A jittered `n`×`n` grid near Chengdu (~60 m spacing): row and column streets of random class,
/// some one-way, some missing, so that some grid nodes are only shape points.
pub fn town(rng: &mut StdRng, n: usize) -> Vec<Way> {
    let pos: Vec<[f64; 2]> = (0..n * n)
        .map(|i| {
            let (r, c) = ((i / n) as f64, (i % n) as f64);
            [
                104.06 + c * 0.0006 + rng.random_range(-0.0002..0.0002),
                30.65 + r * 0.0005 + rng.random_range(-0.0002..0.0002),
            ]
        })
        .collect();
    let classes = ["residential", "primary", "tertiary", "footway", "service", "track", "steps", "living_street"];
    let mut ways = Vec::new();
    let mut id = 0;
    for line in 0..2 * n {
        let mut k = 0;
        while k + 1 < n {
            let len = rng.random_range(2..=5).min(n - k);
            let idx: Vec<usize> =
                (k..k + len).map(|j| if line < n { line * n + j } else { j * n + (line - n) }).collect();
            k += len - 1;
            if rng.random_bool(0.15) {
                continue;
            }
            id += 1;
            let mut tags = vec![("highway".to_owned(), classes[rng.random_range(0..classes.len())].to_owned())];
            match rng.random_range(0..10) {
                0 | 1 => tags.push(("oneway".into(), "yes".into())),
                2 => tags.push(("oneway".into(), "-1".into())),
                3 => tags.push(("maxspeed".into(), "30".into())),
                _ => {}
            }
            ways.push(Way { id, tags, nodes: idx.iter().map(|&i| (i as i64, pos[i])).collect() });
        }
    }
    ways
}

/// The oracle, written from the definition and not from the library's door code: leaving a
/// point at `offset` metres along an edge of `length` metres and `ms` milliseconds costs the
/// share of `ms` of the part travelled; then plain Dijkstra between the junctions.
pub fn oracle(net: &Network, a: &Snap, b: &Snap) -> Option<u64> {
    let g = &net.graph;
    let closed = net.closed();
    if closed.is_closed(a.edge) || closed.is_closed(b.edge) {
        return None;
    }
    let share = |ms: u32, m: f64, len: f64| (f64::from(ms) * if len > 0.0 { m / len } else { 0.0 }).round() as u64;
    let ends = |s: &Snap, leaving: bool| -> Vec<(u32, u64)> {
        let e = &g.edges[s.edge as usize];
        let mut v = Vec::new();
        // Leaving: forward to `to`, backward to `from`. Arriving: forward from `from`, backward from `to`.
        let (fwd_node, fwd_m, bwd_node, bwd_m) = if leaving {
            (e.to, e.length_m - s.offset_m, e.from, s.offset_m)
        } else {
            (e.from, s.offset_m, e.to, e.length_m - s.offset_m)
        };
        if let (Some(ms), Some(n)) = (e.cost(net.profile, true), net.net_node(fwd_node)) {
            v.push((n, share(ms, fwd_m, e.length_m)));
        }
        if let (Some(ms), Some(n)) = (e.cost(net.profile, false), net.net_node(bwd_node)) {
            v.push((n, share(ms, bwd_m, e.length_m)));
        }
        v
    };
    let via = dijkstra::shortest(net, &ends(a, true), &ends(b, false));
    let direct = (a.edge == b.edge).then(|| {
        let e = &g.edges[a.edge as usize];
        let m = b.offset_m - a.offset_m;
        // Standing still is allowed on a one-way street too.
        let dir = if m > 0.0 {
            e.cost(net.profile, true)
        } else if m < 0.0 {
            e.cost(net.profile, false)
        } else {
            e.cost(net.profile, true).or(e.cost(net.profile, false))
        };
        dir.map(|ms| share(ms, m.abs(), e.length_m))
    });
    [via, direct.flatten()].into_iter().flatten().min()
}
