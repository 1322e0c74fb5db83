//! Closures: with roads closed, routes equal Dijkstra on the open roads in every state of the
//! hierarchy (stale, then re-prepared with the fixed node order); a route through a closed area
//! goes around it; removing the closure restores the original route.

mod common;

use common::{oracle, town};
use geo::{Intersects, Line, MultiPolygon, Polygon};
use onemap_routing::closure::circle;
use onemap_routing::{Engine, Profile};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

fn square(c: [f64; 2], half: f64) -> MultiPolygon<f64> {
    let (x0, y0, x1, y1) = (c[0] - half, c[1] - half, c[0] + half, c[1] + half);
    MultiPolygon::new(vec![Polygon::new(vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)].into(), vec![])])
}

/// Compares every profile's routes with the oracle for `pairs` random pairs; returns how many had
/// a route.
fn compare(engine: &Engine, rng: &mut StdRng, n: usize, pairs: usize, label: &str) -> usize {
    let mut routed = 0;
    for net in engine.networks() {
        for _ in 0..pairs {
            let p = |rng: &mut StdRng| {
                [104.06 + rng.random_range(0.0..0.0006 * n as f64), 30.65 + rng.random_range(0.0..0.0005 * n as f64)]
            };
            let (from, to) = (p(rng), p(rng));
            let (Ok(a), Ok(b)) = (net.snap("a", from[0], from[1], 5_000.0), net.snap("b", to[0], to[1], 5_000.0))
            else {
                continue;
            };
            let want = oracle(net, &a, &b);
            let got = net.route_between(&a, &b);
            assert_eq!(
                got.as_ref().map(|r| (r.duration_s * 1000.0).round() as u64),
                want,
                "{label} {} {from:?} → {to:?}",
                net.profile
            );
            if let Some(r) = got {
                let closed = net.closed();
                assert!(r.edges.iter().all(|e| !closed.is_closed(*e)), "{label}: a route uses a closed edge");
                routed += 1;
            }
        }
    }
    routed
}

#[test]
fn routes_with_closures_equal_dijkstra_before_and_after_repreparing() {
    let mut total = 0;
    for seed in 0..25 {
        let mut rng = StdRng::seed_from_u64(seed);
        let n = 8 + (seed as usize % 8);
        let ways = town(&mut rng, n);
        let engine = Engine::build(&ways, "town").expect("engine");
        // Close a few random squares (~50–150 m), as landslides would.
        let mut edges = Vec::new();
        for _ in 0..rng.random_range(1..4) {
            let c =
                [104.06 + rng.random_range(0.0..0.0006 * n as f64), 30.65 + rng.random_range(0.0..0.0005 * n as f64)];
            edges.extend(engine.edges.in_area(&engine.graph, &square(c, rng.random_range(0.0005..0.0015))));
        }
        let closed = engine.set_closed(edges);
        assert!(!engine.is_prepared() || closed.is_empty());
        total += compare(&engine, &mut rng, n, 20, "stale hierarchy");
        engine.reprepare();
        assert!(engine.is_prepared());
        total += compare(&engine, &mut rng, n, 20, "re-prepared");
        engine.set_closed([]);
        total += compare(&engine, &mut rng, n, 10, "reopened");
    }
    assert!(total > 1_500, "only {total} routes compared");
}

#[test]
fn a_route_goes_around_a_closed_area_and_comes_back_when_it_reopens() {
    // Find a town and a pair whose car route has an interior vertex to close around.
    let mut rng = StdRng::seed_from_u64(7);
    let n = 14;
    let engine = Engine::build(&town(&mut rng, n), "town").expect("engine");
    let net = engine.network(Profile::Car).expect("car network");
    let (from, to) = ([104.0605, 30.6505], [104.0665, 30.657]);
    let before = net.route(from, to, 2_000.0).expect("route");
    let mid = before.coords[before.coords.len() / 2];
    let area = circle(mid, 40.0);
    let closed = engine.set_closed(engine.edges.in_area(&engine.graph, &area));
    assert!(!closed.is_empty());
    let crosses = |coords: &[[f64; 2]]| coords.windows(2).any(|w| area.intersects(&Line::new(w[0], w[1])));
    assert!(crosses(&before.coords));
    for state in ["stale", "prepared"] {
        if state == "prepared" {
            engine.reprepare();
        }
        match net.route(from, to, 2_000.0) {
            Ok(around) => {
                assert!(!crosses(&around.coords), "{state}: the detour still crosses the closed area");
                assert!(around.duration_s >= before.duration_s, "{state}: a detour cannot be faster");
            }
            // The closure may cut the town in two; then there is no route, and it says so.
            Err(e) => assert!(e.to_string().contains("no car route"), "{e}"),
        }
    }
    engine.set_closed([]);
    let again = net.route(from, to, 2_000.0).expect("reopened");
    assert_eq!(again.coords, before.coords);
    assert_eq!(again.duration_s, before.duration_s);
}

#[test]
fn snapping_skips_closed_roads() {
    let mut rng = StdRng::seed_from_u64(3);
    let engine = Engine::build(&town(&mut rng, 10), "town").expect("engine");
    let net = engine.network(Profile::Foot).expect("foot");
    let at = [104.063, 30.652];
    let s = net.snap("at", at[0], at[1], 5_000.0).expect("snap");
    engine.set_closed([s.edge]);
    let s2 = net.snap("at", at[0], at[1], 5_000.0).expect("snap again");
    assert_ne!(s2.edge, s.edge);
    assert!(s2.distance_m >= s.distance_m);
}
