//! Routing on real OpenStreetMap extracts (Monaco, Andorra, Malta): the contraction hierarchy
//! gives the same travel time as plain Dijkstra for hundreds of random pairs per profile, and
//! every route's line is as long as its reported distance.

use onemap_e2e::shared_data;
use onemap_routing::graph::haversine_m;
use onemap_routing::{dijkstra, way, Network, Profile, RoadGraph};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::sync::Arc;

fn check(file: &str, pairs: usize) {
    let Some(path) = shared_data(file) else { return };
    let ways = way::read_osm(&path).expect("read extract");
    let graph = Arc::new(RoadGraph::build(&ways));
    let mut rng = StdRng::seed_from_u64(2026);
    for profile in Profile::ALL {
        let net = Network::build(Arc::clone(&graph), profile).expect("network");
        assert!(net.len() > 100, "{file} {profile}: {} nodes", net.len());
        let mut routes = 0;
        for _ in 0..pairs {
            // Random junctions of the network, moved up to ~50 m off the road.
            let pick = |rng: &mut StdRng| {
                let p = net.position(rng.random_range(0..net.len() as u32));
                [p[0] + rng.random_range(-0.0005..0.0005), p[1] + rng.random_range(-0.0004..0.0004)]
            };
            let (from, to) = (pick(&mut rng), pick(&mut rng));
            let a = net.snap("a", from[0], from[1], 1_000.0).expect("snap a");
            let b = net.snap("b", to[0], to[1], 1_000.0).expect("snap b");
            let want = dijkstra::between(&net, &a, &b);
            let got = net.route_between(&a, &b);
            assert_eq!(
                got.as_ref().map(|r| (r.duration_s * 1000.0).round() as u64),
                want,
                "{file} {profile} {from:?} → {to:?}"
            );
            let r = got.expect("strongly connected: every pair has a route");
            let line: f64 = r.coords.windows(2).map(|w| haversine_m(w[0], w[1])).sum();
            assert!(
                (line - r.distance_m).abs() < 0.5 + 1e-6 * line,
                "{file} {profile}: line {line} m, distance {} m",
                r.distance_m
            );
            routes += 1;
        }
        eprintln!("{file} {profile}: {} nodes, {routes} routes equal to Dijkstra", net.len());
    }
}

#[test]
fn monaco_ch_equals_dijkstra() {
    check("osm/monaco-2016.osm.pbf", 300);
}

#[test]
fn andorra_ch_equals_dijkstra() {
    check("osm/andorra-2013.osm.pbf", 300);
}

#[test]
fn malta_ch_equals_dijkstra() {
    check("osm/malta-2018.osm.pbf", 200);
}

/// The real binary routing on an OpenStreetMap extract given with `--roads`: a route across
/// Andorra la Vella answers with its source attributed, and a restart reads the hierarchies it
/// saved beside the store.
#[test]
fn serve_routes_on_an_extract_given_with_roads() {
    let Some(path) = shared_data("osm/andorra-2013.osm.pbf") else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("a.gpkg");
    let args = ["serve", "--store", store.to_str().expect("path"), "--roads", path.to_str().expect("path")];
    let url = "/routing/route?from=1.5218,42.5063&to=1.5341,42.5108&profile=car";
    let first = {
        let server = onemap_e2e::Server::start(&args);
        let (status, body) = onemap_e2e::http("GET", &format!("{}{url}", server.url), None);
        assert_eq!(status, 200, "{body}");
        body
    };
    let v: serde_json::Value = serde_json::from_str(&first).expect("json");
    assert!(v["properties"]["roads"].as_str().unwrap_or("").contains("© OpenStreetMap contributors"), "{v}");
    let d = v["properties"]["distance_m"].as_f64().unwrap_or(0.0);
    let crow = haversine_m([1.5218, 42.5063], [1.5341, 42.5108]);
    assert!(d > crow && d < 3.0 * crow, "{d} m for {crow} m as the crow flies");
    assert_eq!(std::fs::read_dir(dir.path().join("a.routing")).expect("saved").count(), 3);
    let server = onemap_e2e::Server::start(&args);
    let (_, again) = onemap_e2e::http("GET", &format!("{}{url}", server.url), None);
    assert_eq!(again, first, "the restart on saved hierarchies routes the same");
}
