//! The routing benchmark (issue 5), on an OpenStreetMap extract (default: Porto's highways).
//!
//! 1. read the extract, build the road graph and the three profiles' networks with their
//!    hierarchies (time, resident memory), and a restart that reads the saved hierarchies;
//! 2. in-process: car routes between random positions and the 3 nearest shelters (of 200 placed
//!    at random junctions) on foot, p50/p99, against plain Dijkstra (the named baseline);
//! 3. a closure: time to effect (the next route avoids it), route time while the hierarchy is
//!    stale, re-preparation time with the fixed node order;
//! 4. coverage from every shelter (reach time of every road, km beyond 10 minutes);
//! 5. the same route and nearest-shelter queries through pgRouting (`pgr_dijkstraCost` on the
//!    same edge table, one psql session, its own per-statement overhead subtracted);
//! 6. over HTTP with wrk: `/routing/route` and `/routing/nearest-shelters`.
//!
//! Positions are WGS84 lon/lat degrees; times in the output are wall-clock on this machine.

use crate::util::{percentile, rss_mib, wrk};
use onemap_model::{LayerId, NewFeature, Properties};
use onemap_routing::dijkstra::{self, UNREACHED};
use onemap_routing::{way, Engine, Network, Place, PlaceIndex, Profile, Snap};
use onemap_server::{app, AppState, ServiceInfo};
use onemap_store::{GpkgStore, Store, Writer};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Seeded random numbers, so runs are comparable.
struct Rng(rand::rngs::StdRng);
impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(rand::SeedableRng::seed_from_u64(seed))
    }
    fn below(&mut self, n: usize) -> usize {
        rand::Rng::random_range(&mut self.0, 0..n)
    }
    fn unit(&mut self) -> f64 {
        rand::Rng::random(&mut self.0)
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

/// A position near a random junction of `net` (up to ~40 m off the road).
fn near_junction(net: &Network, rng: &mut Rng) -> [f64; 2] {
    let p = net.position(rng.below(net.len()) as u32);
    [p[0] + (rng.unit() - 0.5) * 0.0008, p[1] + (rng.unit() - 0.5) * 0.0006]
}

fn stats(mut v: Vec<Duration>) -> (Duration, Duration) {
    v.sort();
    (percentile(&v, 0.5), percentile(&v, 0.99))
}

/// p50 and p99 of routing between each pair of snapped points.
fn route_times(net: &Network, pairs: &[(Snap, Snap)]) -> (Duration, Duration) {
    stats(
        pairs
            .iter()
            .map(|(a, b)| {
                let t = Instant::now();
                let _ = net.route_between(a, b);
                t.elapsed()
            })
            .collect(),
    )
}

pub fn run(args: &[String]) {
    let data = std::env::var("ONEMAP_TEST_DATA").map_or_else(|_| PathBuf::from("../shared/data"), PathBuf::from);
    let file = args.first().map_or_else(|| data.join("osm/porto-highways-2015.osm.pbf"), PathBuf::from);
    let dir = PathBuf::from(std::env::var("ONEMAP_BENCH_DIR").unwrap_or_else(|_| "bench-out".into())).join("routing");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("bench dir");
    let rss0 = rss_mib();

    // 1. Build.
    let t = Instant::now();
    let ways = way::read_osm(&file).expect("read the extract");
    let t_read = t.elapsed();
    let rss_ways = rss_mib();
    let t = Instant::now();
    let saved = dir.join("saved");
    let engine = Engine::build_saved(&ways, "bench", Some(&saved)).expect("engine");
    let t_build = t.elapsed();
    let rss_engine = rss_mib();
    let t = Instant::now();
    let again = Engine::build_saved(&ways, "bench", Some(&saved)).expect("engine again");
    let t_restart = t.elapsed();
    assert_eq!(again.loaded, 3);
    drop(again);
    drop(ways);
    println!("## {}\n", file.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default());
    println!("| step | figure |\n| --- | --- |");
    println!("| read extract ({} MiB RSS for the ways) | {:.0} ms |", (rss_ways - rss0).round(), ms(t_read));
    println!("| road graph: {} junctions, {} edges | |", engine.graph.nodes.len(), engine.graph.edges.len());
    for net in engine.networks() {
        println!("| {} network: {} nodes | |", net.profile, net.len());
    }
    println!(
        "| graph + 3 networks + hierarchies (3 profiles in parallel on 2 cores), saved | {:.1} s |",
        t_build.as_secs_f64()
    );
    println!("| restart: graph + networks, hierarchies read from the saved files | {:.1} s |", t_restart.as_secs_f64());
    println!(
        "| RSS: ways {:.0} MiB → engine {:.0} MiB (engine alone ≈ {:.0} MiB) | |",
        rss_ways,
        rss_engine,
        rss_engine - rss_ways
    );

    let car = engine.network(Profile::Car).expect("car");
    let foot = engine.network(Profile::Foot).expect("foot");
    let mut rng = Rng::new(0x5eed_2026);

    // 2. Routes, in-process.
    let pairs: Vec<([f64; 2], [f64; 2])> =
        (0..5_000).map(|_| (near_junction(car, &mut rng), near_junction(car, &mut rng))).collect();
    let snaps: Vec<(Snap, Snap)> = pairs
        .iter()
        .map(|(a, b)| {
            (car.snap("a", a[0], a[1], 1_000.0).expect("snap"), car.snap("b", b[0], b[1], 1_000.0).expect("snap"))
        })
        .collect();
    let mut route_t = Vec::new();
    for (a, b) in &pairs {
        let t = Instant::now();
        let r = car.route(*a, *b, 1_000.0);
        route_t.push(t.elapsed());
        assert!(r.is_ok());
    }
    let (r50, r99) = stats(route_t);
    let mut dijk_t = Vec::new();
    for (a, b) in snaps.iter().take(200) {
        let t = Instant::now();
        let d = dijkstra::between(car, a, b);
        dijk_t.push(t.elapsed());
        let ch = car.route_between(a, b).map(|r| (r.duration_s * 1000.0).round() as u64);
        assert_eq!(ch, d, "CH and Dijkstra disagree");
    }
    let (d50, d99) = stats(dijk_t);
    println!("\n| query (in-process) | p50 | p99 | baseline: plain Dijkstra p50 / p99 | ratio p50 |\n| --- | --- | --- | --- | --- |");
    println!("| car route, snap + CH + geometry (5,000 random pairs) | {:.0} µs | {:.0} µs | {:.1} ms / {:.1} ms (200 pairs, equal times) | {:.0}× |", us(r50), us(r99), ms(d50), ms(d99), d50.as_secs_f64() / r50.as_secs_f64());

    // Shelters at random junctions.
    let shelters: Vec<Place> = (0..200)
        .map(|i| Place {
            id: format!("s{i}"),
            name: format!("避难场所{i}"),
            position: foot.position(rng.below(foot.len()) as u32),
            free: 50 + rng.below(950) as i64,
        })
        .collect();
    let idx = PlaceIndex::build(foot, shelters.clone(), 500.0);
    let points: Vec<Snap> = (0..2_000)
        .map(|_| {
            let p = near_junction(foot, &mut rng);
            foot.snap("p", p[0], p[1], 1_000.0).expect("snap")
        })
        .collect();
    let mut near_t = Vec::new();
    for p in &points {
        let t = Instant::now();
        let found = foot.nearest_places(&idx, p, 3, 100);
        near_t.push(t.elapsed());
        assert!(!found.is_empty());
    }
    let (n50, n99) = stats(near_t);
    let shelter_entries: Vec<Vec<(u32, u64)>> = idx
        .snaps
        .iter()
        .map(|s| s.map(|s| foot.entries(&s).iter().map(|d| (d.node, d.ms)).collect()).unwrap_or_default())
        .collect();
    let mut base_t = Vec::new();
    for p in points.iter().take(100) {
        let t = Instant::now();
        let srcs: Vec<(u32, u64)> = foot.exits(p).iter().map(|d| (d.node, d.ms)).collect();
        let dist = dijkstra::reach(foot, &srcs, UNREACHED - 1, false);
        let mut times: Vec<u64> = (0..shelters.len())
            .filter(|&i| shelters[i].free >= 100)
            .filter_map(|i| {
                shelter_entries[i]
                    .iter()
                    .filter(|(n, _)| dist[*n as usize] != UNREACHED)
                    .map(|(n, w)| dist[*n as usize] + w)
                    .min()
            })
            .collect();
        times.sort_unstable();
        times.truncate(3);
        base_t.push(t.elapsed());
    }
    let (b50, b99) = stats(base_t);
    println!("| nearest 3 shelters with room for 100, on foot (2,000 points, 200 shelters) | {:.0} µs | {:.0} µs | {:.1} ms / {:.1} ms (one-to-all Dijkstra, 100 points) | {:.0}× |", us(n50), us(n99), ms(b50), ms(b99), b50.as_secs_f64() / n50.as_secs_f64());

    // 3. A closure on a long car route.
    let (a, b) = snaps
        .iter()
        .find(|(a, b)| car.route_between(a, b).is_some_and(|r| r.distance_m > 8_000.0))
        .copied()
        .expect("a long route");
    let before = car.route_between(&a, &b).expect("route");
    let mid = before.coords[before.coords.len() / 2];
    let area = onemap_routing::closure::circle(mid, 150.0);
    let t = Instant::now();
    let edges = engine.edges.in_area(&engine.graph, &area);
    engine.set_closed(edges.clone());
    let after = car.route_between(&a, &b);
    let t_effect = t.elapsed();
    let closed = car.closed();
    assert!(after.as_ref().is_none_or(|r| r.edges.iter().all(|e| !closed.is_closed(*e))));
    let (s50, s99) = route_times(car, &snaps[..500]);
    let t = Instant::now();
    engine.reprepare();
    let t_prep = t.elapsed();
    let (f50, f99) = route_times(car, &snaps[..500]);
    println!(
        "\n| closure (150 m circle on a {:.1} km car route, {} edges) | figure |\n| --- | --- |",
        before.distance_m / 1000.0,
        edges.len()
    );
    println!(
        "| closure to effect: edges found, set on 3 networks, the next route avoids it | {:.2} ms |",
        ms(t_effect)
    );
    println!("| routes while the hierarchy is stale (500 pairs): p50 / p99 | {:.0} µs / {:.1} ms |", us(s50), ms(s99));
    println!("| re-preparation with the fixed node order, 3 profiles | {:.2} s |", t_prep.as_secs_f64());
    println!("| routes after re-preparation: p50 / p99 | {:.0} µs / {:.0} µs |", us(f50), us(f99));
    engine.set_closed([]);
    engine.reprepare();

    // 4. Coverage from every shelter.
    let t = Instant::now();
    let cov = foot.coverage(idx.snaps.iter().flatten().copied().collect());
    let (mut km, mut beyond) = (0.0, 0.0);
    for e in foot.edges() {
        let len = foot.graph.edges[e as usize].length_m / 1000.0;
        km += len;
        beyond += len * foot.edge_reach(&cov, e, 600_000).beyond;
    }
    let t_cov = t.elapsed();
    println!("\n| coverage from all 200 shelters on foot: reach time of every road, km beyond 10 min ({beyond:.0} of {km:.0} km) | {:.0} ms |", ms(t_cov));

    // 5. pgRouting.
    pgrouting(car, foot, &snaps[..50], &points[..50], &idx, &dir, us(r50), us(n50));

    // 6. HTTP.
    http(engine, &shelters, &pairs, &points, &dir);
    println!("\nRSS at end: {:.0} MiB", rss_mib());
}

fn psql_file(db: &str, file: &Path) -> Duration {
    let t = Instant::now();
    let out = Command::new("psql")
        .args(["-h", "127.0.0.1", "-U", "postgres", "-d", db, "-v", "ON_ERROR_STOP=1", "-qAtX", "-f"])
        .arg(file)
        .output()
        .expect("psql");
    assert!(out.status.success(), "psql: {}", String::from_utf8_lossy(&out.stderr));
    t.elapsed()
}

fn psql(db: &str, sql: &str) {
    let out = Command::new("psql")
        .args(["-h", "127.0.0.1", "-U", "postgres", "-d", db, "-v", "ON_ERROR_STOP=1", "-qAtX", "-c", sql])
        .output()
        .expect("psql");
    assert!(out.status.success(), "psql {sql}: {}", String::from_utf8_lossy(&out.stderr));
}

fn edge_table(db: &str, net: &Network, table: &str, dir: &Path) {
    let file = dir.join(format!("{table}.csv"));
    std::fs::write(&file, net.edge_csv()).expect("csv");
    let _ = std::fs::set_permissions(dir, std::os::unix::fs::PermissionsExt::from_mode(0o755));
    let _ = std::fs::set_permissions(&file, std::os::unix::fs::PermissionsExt::from_mode(0o644));
    psql(db, &format!("CREATE TABLE {table} (id bigint, source bigint, target bigint, cost float8)"));
    psql(
        db,
        &format!("COPY {table} FROM '{}' WITH (FORMAT csv)", std::fs::canonicalize(&file).expect("path").display()),
    );
}

#[allow(clippy::too_many_arguments)]
fn pgrouting(
    car: &Network,
    foot: &Network,
    pairs: &[(Snap, Snap)],
    points: &[Snap],
    idx: &PlaceIndex,
    dir: &Path,
    ours_route_us: f64,
    ours_near_us: f64,
) {
    let db = format!("onemap_bench_{}", std::process::id());
    psql("postgres", &format!("CREATE DATABASE {db}"));
    psql(&db, "CREATE EXTENSION pgrouting CASCADE");
    edge_table(&db, car, "car", dir);
    edge_table(&db, foot, "foot", dir);
    let node = |net: &Network, s: &Snap| net.exits(s).first().map_or(0, |d| d.node);
    let script = |lines: Vec<String>, name: &str| {
        let f = dir.join(name);
        std::fs::write(&f, lines.join("\n")).expect("sql");
        f
    };
    let n = pairs.len() as f64;
    let overhead = psql_file(&db, &script((0..pairs.len()).map(|_| "SELECT 1;".to_owned()).collect(), "noop.sql"));
    let routes = script(
        pairs
            .iter()
            .map(|(a, b)| {
                format!(
                    "SELECT agg_cost FROM pgr_dijkstraCost('SELECT id, source, target, cost FROM car', {}, {}, true);",
                    node(car, a),
                    node(car, b)
                )
            })
            .collect(),
        "routes.sql",
    );
    let t_routes = psql_file(&db, &routes);
    let shelter_nodes: Vec<String> =
        idx.snaps.iter().flatten().map(|s| foot.entries(s).first().map_or(0, |d| d.node).to_string()).collect();
    let near = script(
        points
            .iter()
            .map(|p| format!("SELECT end_vid, agg_cost FROM pgr_dijkstraCost('SELECT id, source, target, cost FROM foot', {}, ARRAY[{}], true) ORDER BY agg_cost LIMIT 3;", node(foot, p), shelter_nodes.join(",")))
            .collect(),
        "near.sql",
    );
    let t_near = psql_file(&db, &near);
    psql("postgres", &format!("DROP DATABASE {db} WITH (FORCE)"));
    let per_route = (t_routes.saturating_sub(overhead)).as_secs_f64() / n * 1e6;
    let per_near = (t_near.saturating_sub(overhead)).as_secs_f64() / points.len() as f64 * 1e6;
    println!("\n| pgRouting 3.4 (pgr_dijkstraCost, same edge table, one session, {} queries each, psql overhead {:.1} ms subtracted) | per query | onemap p50 in-process | ratio |\n| --- | --- | --- | --- |", pairs.len(), ms(overhead));
    println!("| car route | {:.1} ms | {:.0} µs | {:.0}× |", per_route / 1e3, ours_route_us, per_route / ours_route_us);
    println!(
        "| nearest 3 of 200 shelters on foot | {:.1} ms | {:.0} µs | {:.0}× |",
        per_near / 1e3,
        ours_near_us,
        per_near / ours_near_us
    );
}

fn http(engine: Engine, shelters: &[Place], pairs: &[([f64; 2], [f64; 2])], points: &[Snap], dir: &Path) {
    let store = GpkgStore::open(dir.join("bench.gpkg")).expect("store");
    let feats: Vec<NewFeature> = shelters
        .iter()
        .map(|s| NewFeature {
            id: Some(s.id.clone()),
            geometry: geo::Geometry::Point(geo::Point::new(s.position[0], s.position[1])),
            properties: Properties::from_json(
                LayerId::SHELTERS,
                json!({"name": s.name, "kind": "school", "capacity": s.free}),
            )
            .expect("shelter"),
        })
        .collect();
    store.insert(LayerId::SHELTERS, feats, &Writer::system("bench")).expect("insert");
    let store: Arc<dyn Store> = Arc::new(store);
    let state = AppState::new(Arc::clone(&store), ServiceInfo::default()).with_routing(engine, None).expect("routing");
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let listener = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).expect("bind");
    let addr = listener.local_addr().expect("addr");
    rt.spawn(async move { axum::serve(listener, app(state)).await });
    let url = format!("http://{addr}");
    let routes: Vec<String> = pairs
        .iter()
        .take(1000)
        .map(|(a, b)| format!("/routing/route?from={},{}&to={},{}&profile=car&snap_m=1000", a[0], a[1], b[0], b[1]))
        .collect();
    let near: Vec<String> = points
        .iter()
        .take(1000)
        .map(|p| format!("/routing/nearest-shelters?at={},{}&k=3&people=100&snap_m=1000", p.point[0], p.point[1]))
        .collect();
    let secs = std::env::var("ONEMAP_BENCH_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(10);
    let r = wrk(&url, &routes, dir, secs);
    let n = wrk(&url, &near, dir, secs);
    let c = wrk(&url, &["/conformance".to_owned()], dir, secs);
    println!("\n| HTTP (wrk -t1 -c16 -d{secs}s, 1,000 distinct URLs; server and wrk share the 2 cores) | req/s | p50 | p99 |\n| --- | --- | --- | --- |");
    println!("| /routing/route, car | {:.0} | {} | {} |", r.rps, r.p50, r.p99);
    println!("| /routing/nearest-shelters, foot, k=3 | {:.0} | {} | {} |", n.rps, n.p50, n.p99);
    println!(
        "| baseline: /conformance (a small static JSON document, same stack) | {:.0} | {} | {} |",
        c.rps, c.p50, c.p99
    );
    println!(
        "| ratios to the baseline: route {:.2}, nearest shelters {:.2} | | | |",
        r.rps / c.rps.max(1.0),
        n.rps / c.rps.max(1.0)
    );
    assert!(!r.non2xx && !n.non2xx, "wrk saw errors");
}
