//! The contraction hierarchy against plain Dijkstra on random synthetic road networks: the same
//! travel time for every pair of random positions, and routes whose geometry and length add up.

mod common;

use common::{oracle, town};
use onemap_routing::graph::haversine_m;
use onemap_routing::{dijkstra, Network, Profile, RoadGraph};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::sync::Arc;

fn check_town(seed: u64, n: usize, pairs: usize) -> usize {
    let mut rng = StdRng::seed_from_u64(seed);
    let ways = town(&mut rng, n);
    let graph = Arc::new(RoadGraph::build(&ways));
    let mut checked = 0;
    for profile in Profile::ALL {
        let Ok(net) = Network::build(Arc::clone(&graph), profile) else { continue };
        for _ in 0..pairs {
            let p = |rng: &mut StdRng| {
                [104.06 + rng.random_range(0.0..0.0006 * n as f64), 30.65 + rng.random_range(0.0..0.0005 * n as f64)]
            };
            let (from, to) = (p(&mut rng), p(&mut rng));
            let (a, b) = (
                net.snap("a", from[0], from[1], 5_000.0).expect("snap a"),
                net.snap("b", to[0], to[1], 5_000.0).expect("snap b"),
            );
            let oracle = oracle(&net, &a, &b);
            assert_eq!(dijkstra::between(&net, &a, &b), oracle);
            let route = net.route_between(&a, &b);
            assert_eq!(
                route.as_ref().map(|r| (r.duration_s * 1000.0).round() as u64),
                oracle,
                "seed {seed} {profile} {from:?} → {to:?}"
            );
            if let Some(r) = route {
                assert_eq!((r.coords[0], *r.coords.last().expect("coords")), (a.point, b.point));
                let line: f64 = r.coords.windows(2).map(|w| haversine_m(w[0], w[1])).sum();
                assert!(
                    (line - r.distance_m).abs() < 0.5 + 1e-6 * line,
                    "seed {seed}: line {line} m, distance {} m",
                    r.distance_m
                );
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
            let p = |rng: &mut StdRng| {
                [104.06 + rng.random_range(0.0..0.0006 * n as f64), 30.65 + rng.random_range(0.0..0.0005 * n as f64)]
            };
            let places: Vec<Place> = (0..30)
                .map(|i| Place {
                    id: format!("s{i}"),
                    name: format!("避难场所{i}"),
                    position: p(&mut rng),
                    free: rng.random_range(0..200),
                })
                .collect();
            let idx = PlaceIndex::build(&net, places, 5_000.0);
            for _ in 0..10 {
                let at = p(&mut rng);
                let from = net.snap("at", at[0], at[1], 5_000.0).expect("snap");
                let need = rng.random_range(0..150);
                let k = rng.random_range(1..6);
                let got: Vec<(usize, u64)> = net
                    .nearest_places(&idx, &from, k, need)
                    .iter()
                    .map(|r| (r.place, (r.route.duration_s * 1000.0).round() as u64))
                    .collect();
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
