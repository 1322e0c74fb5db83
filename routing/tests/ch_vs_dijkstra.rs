//! The contraction hierarchy against plain Dijkstra on random synthetic road networks: the same
//! travel time for every pair of random positions, and routes whose geometry and length add up.

use onemap_routing::graph::haversine_m;
use onemap_routing::{dijkstra, Network, Profile, RoadGraph, Snap, Way};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::sync::Arc;

/// A jittered `n`×`n` grid near Chengdu (~60 m spacing): row and column streets of random class,
/// some one-way, some missing, so that some grid nodes are only shape points.
fn town(rng: &mut StdRng, n: usize) -> Vec<Way> {
    let pos: Vec<[f64; 2]> = (0..n * n)
        .map(|i| {
            let (r, c) = ((i / n) as f64, (i % n) as f64);
            [104.06 + c * 0.0006 + rng.random_range(-0.0002..0.0002), 30.65 + r * 0.0005 + rng.random_range(-0.0002..0.0002)]
        })
        .collect();
    let classes = ["residential", "primary", "tertiary", "footway", "service", "track", "steps", "living_street"];
    let mut ways = Vec::new();
    let mut id = 0;
    for line in 0..2 * n {
        let mut k = 0;
        while k + 1 < n {
            let len = rng.random_range(2..=5).min(n - k);
            let idx: Vec<usize> = (k..k + len).map(|j| if line < n { line * n + j } else { j * n + (line - n) }).collect();
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
fn oracle(net: &Network, a: &Snap, b: &Snap) -> Option<u64> {
    let g = &net.graph;
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

fn check_town(seed: u64, n: usize, pairs: usize) -> usize {
    let mut rng = StdRng::seed_from_u64(seed);
    let ways = town(&mut rng, n);
    let graph = Arc::new(RoadGraph::build(&ways));
    let mut checked = 0;
    for profile in Profile::ALL {
        let Ok(net) = Network::build(Arc::clone(&graph), profile) else { continue };
        for _ in 0..pairs {
            let p = |rng: &mut StdRng| [104.06 + rng.random_range(0.0..0.0006 * n as f64), 30.65 + rng.random_range(0.0..0.0005 * n as f64)];
            let (from, to) = (p(&mut rng), p(&mut rng));
            let (a, b) = (net.snap("a", from[0], from[1], 5_000.0).expect("snap a"), net.snap("b", to[0], to[1], 5_000.0).expect("snap b"));
            let oracle = oracle(&net, &a, &b);
            assert_eq!(dijkstra::between(&net, &a, &b), oracle);
            let route = net.route_between(&a, &b);
            assert_eq!(route.as_ref().map(|r| (r.duration_s * 1000.0).round() as u64), oracle, "seed {seed} {profile} {from:?} → {to:?}");
            if let Some(r) = route {
                assert_eq!((r.coords[0], *r.coords.last().expect("coords")), (a.point, b.point));
                let line: f64 = r.coords.windows(2).map(|w| haversine_m(w[0], w[1])).sum();
                assert!((line - r.distance_m).abs() < 0.5 + 1e-6 * line, "seed {seed}: line {line} m, distance {} m", r.distance_m);
                checked += 1;
            }
        }
    }
    checked
}

#[test]
fn ch_equals_dijkstra_on_random_towns() {
    let mut checked = 0;
    for seed in 0..40 {
        checked += check_town(seed, 6 + (seed as usize % 10), 25);
    }
    // Strongly connected networks: nearly every pair has a route.
    assert!(checked > 2_000, "only {checked} routes compared");
}

#[test]
fn far_points_and_bad_coordinates_are_errors() {
    let mut rng = StdRng::seed_from_u64(1);
    let graph = Arc::new(RoadGraph::build(&town(&mut rng, 8)));
    let net = Network::build(graph, Profile::Foot).expect("network");
    let err = net.route([104.06, 30.65], [104.2, 30.65], 500.0).expect_err("13 km away");
    assert!(err.to_string().contains("from the nearest road usable on foot; the limit is 500 m"), "{err}");
    assert!(net.route([f64::NAN, 30.65], [104.06, 30.65], 500.0).is_err());
    assert!(net.route([104.06, 95.0], [104.06, 30.65], 500.0).is_err());
}

/// The k fastest places with room, against routing to every place and sorting.
#[test]
fn nearest_places_equal_brute_force() {
    use onemap_routing::{Place, PlaceIndex};
    let mut compared = 0;
    for seed in 100..120 {
        let mut rng = StdRng::seed_from_u64(seed);
        let n = 12;
        let graph = Arc::new(RoadGraph::build(&town(&mut rng, n)));
        for profile in Profile::ALL {
            let Ok(net) = Network::build(Arc::clone(&graph), profile) else { continue };
            let p = |rng: &mut StdRng| [104.06 + rng.random_range(0.0..0.0006 * n as f64), 30.65 + rng.random_range(0.0..0.0005 * n as f64)];
            let places: Vec<Place> = (0..30)
                .map(|i| Place { id: format!("s{i}"), name: format!("避难场所{i}"), position: p(&mut rng), free: rng.random_range(0..200) })
                .collect();
            let idx = PlaceIndex::build(&net, places, 5_000.0);
            for _ in 0..10 {
                let at = p(&mut rng);
                let from = net.snap("at", at[0], at[1], 5_000.0).expect("snap");
                let need = rng.random_range(0..150);
                let k = rng.random_range(1..6);
                let got: Vec<(usize, u64)> =
                    net.nearest_places(&idx, &from, k, need).iter().map(|r| (r.place, (r.route.duration_s * 1000.0).round() as u64)).collect();
                let mut all: Vec<(usize, u64)> = (0..idx.places.len())
                    .filter(|&i| idx.places[i].free >= need)
                    .filter_map(|i| idx.snaps[i].and_then(|s| oracle(&net, &from, &s)).map(|ms| (i, ms)))
                    .collect();
                all.sort_by_key(|&(i, ms)| (ms, i));
                let want: Vec<u64> = all.iter().take(k).map(|x| x.1).collect();
                assert_eq!(got.iter().map(|x| x.1).collect::<Vec<_>>(), want, "seed {seed} {profile}");
                assert!(got.iter().all(|(i, _)| idx.places[*i].free >= need));
                compared += 1;
            }
        }
    }
    assert!(compared > 400, "{compared}");
}
