//! The tile benchmark (issue 3): onemap against martin on the same data.
//!
//! Data: POINTS hazard points (the store benchmark's file, 102–106° E, 28–32° N) plus the roads,
//! shelters and team bases of Malta's OpenStreetMap extract, in one GeoPackage store; the hazards
//! and roads tables are copied into a fresh PostGIS database with `ogr2ogr`, with the columns
//! onemap puts in its tiles. martin (cargo-installed, `--cache-size 0`) serves the PostGIS tables;
//! onemap serves its store from memory, in this process, once without and once with its tile cache.
//! `wrk` drives each over the same 2,000 z10–z16 tile URLs (tiles around random features).

use crate::store::{build, Rng};
use crate::util::{rss_mib, rss_of, wrk, Wrk};
use axum::routing::get;
use axum::Router;
use onemap_model::{LayerId, Scope};
use onemap_server::{app, app_with, AppState, ServiceInfo};
use onemap_store::{GpkgStore, Query, Store};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

const DB: &str = "onemap_bench_tiles";

fn psql(db: &str, sql: &str) -> String {
    let out = Command::new("psql")
        .args(["-h", "127.0.0.1", "-U", "postgres", "-d", db, "-v", "ON_ERROR_STOP=1", "-qAtX", "-c", sql])
        .output()
        .expect("run psql");
    assert!(out.status.success(), "psql {sql}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn martin_bin() -> Option<PathBuf> {
    let candidates = [
        std::env::var("MARTIN").ok().map(PathBuf::from),
        Some(PathBuf::from("/work/tools/martin/bin/martin")),
        std::env::var("HOME").ok().map(|h| PathBuf::from(h).join(".cargo/bin/martin")),
    ];
    candidates.into_iter().flatten().find(|p| p.exists())
}

fn http_get(addr: &str, path: &str) -> (u16, Vec<u8>) {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).expect("connect");
    write!(s, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").expect("write");
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).expect("read");
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap_or(raw.len());
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let status = head.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    (status, raw.get(split + 4..).unwrap_or_default().to_vec())
}

fn wait_for(addr: &str, path: &str) {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(60) {
        if std::net::TcpStream::connect(addr).is_ok() && http_get(addr, path).0 == 200 {
            return;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    panic!("{addr}{path} did not come up");
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("free port")
}

/// The store file: the store benchmark's hazards plus Malta from OpenStreetMap.
fn prepare_store(dir: &Path, n: usize, pbf: &Path) -> PathBuf {
    let path = dir.join(format!("tiles-{n}.gpkg"));
    if path.exists() {
        return path;
    }
    let hazards = dir.join(format!("hazards-{n}.gpkg"));
    if !hazards.exists() {
        build(&hazards, n);
    }
    std::fs::copy(&hazards, &path).expect("copy store");
    for ext in ["-wal", "-shm"] {
        let side = PathBuf::from(format!("{}{ext}", hazards.display()));
        if side.exists() {
            std::fs::copy(&side, format!("{}{ext}", path.display())).expect("copy WAL");
        }
    }
    let store = GpkgStore::open(&path).expect("open");
    let added = onemap_import::osm::load(&store, pbf).expect("load Malta");
    println!("store: {n} hazards + {added} features from {}", pbf.display());
    path
}

fn prepare_postgis(store: &Path) {
    psql("postgres", &format!("DROP DATABASE IF EXISTS {DB} WITH (FORCE)"));
    psql("postgres", &format!("CREATE DATABASE {DB}"));
    psql(DB, "CREATE EXTENSION postgis");
    let t = Instant::now();
    for (table, cols) in [
        (LayerId::HAZARDS.as_str(), "feature_id,name,kind,risk_level,status,threatened_people,township"),
        (LayerId::ROADS.as_str(), "feature_id,highway,name,oneway"),
    ] {
        let st = Command::new("ogr2ogr")
            .args(["-f", "PostgreSQL", &format!("PG:host=127.0.0.1 user=postgres dbname={DB}")])
            .arg(store)
            .args([table, "-select", cols, "-lco", "GEOMETRY_NAME=geom", "-lco", "SPATIAL_INDEX=GIST", "-gt", "100000"])
            .status()
            .expect("ogr2ogr");
        assert!(st.success(), "ogr2ogr {table}");
    }
    psql(DB, "VACUUM ANALYZE");
    println!("postgis: copied hazards and roads in {:.1} s", t.elapsed().as_secs_f64());
}

/// Tile paths `z/x/y` around random features of `layer`, zooms 10..=16.
fn tile_paths(store: &dyn Store, layer: LayerId, count: usize, zooms: (u32, u32), rng: &mut Rng) -> Vec<String> {
    let all =
        store.query(layer, &Query { limit: usize::MAX, ..Query::default() }, &Scope::All).expect("query").features;
    (0..count)
        .map(|_| {
            let f = &all[(rng.unit() * all.len() as f64) as usize % all.len()];
            let c = geo::BoundingRect::bounding_rect(&f.geometry).map(|r| r.center()).expect("geometry");
            let span = zooms.1 - zooms.0 + 1;
            let z = zooms.0 + (rng.unit() * f64::from(span)) as u32 % span;
            let (x, y) = onemap_tiles::coord::lonlat_to_world(c.x, c.y);
            let n = f64::from(1u32 << z);
            format!("{z}/{}/{}", (x * n) as u32, (y * n) as u32)
        })
        .collect()
}

fn line(name: &str, w: &Wrk) {
    println!("| {name} | {:.0} | {} | {} |{}", w.rps, w.p50, w.p99, if w.non2xx { " (non-2xx answers!)" } else { "" });
}

/// `onemap-bench tiles [POINTS]`.
pub fn run(args: &[String]) {
    let n: usize = args.first().and_then(|s| s.parse().ok()).unwrap_or(1_000_000);
    let secs: u32 = std::env::var("ONEMAP_BENCH_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(15);
    let dir = PathBuf::from(std::env::var("ONEMAP_BENCH_DIR").unwrap_or_else(|_| "bench-out".into()));
    std::fs::create_dir_all(&dir).expect("bench dir");
    let data = std::env::var("ONEMAP_TEST_DATA").map_or_else(|_| PathBuf::from("../shared/data"), PathBuf::from);
    let pbf = data.join("osm/malta-2018.osm.pbf");
    assert!(pbf.exists(), "{} is missing (set ONEMAP_TEST_DATA)", pbf.display());
    let Some(martin) = martin_bin() else {
        panic!("martin is not installed: cargo install martin@1.14.0 --locked --no-default-features --features postgres,mbtiles,pmtiles,fonts,sprites,styles,metrics,geojson (or set MARTIN)");
    };
    let path = prepare_store(&dir, n, &pbf);
    prepare_postgis(&path);

    let t = Instant::now();
    let store: Arc<dyn Store> = Arc::new(GpkgStore::open(&path).expect("open"));
    println!("onemap: open + index {:.1} s", t.elapsed().as_secs_f64());
    let mut rng = Rng(0x7113_5eed);
    let mut paths = tile_paths(store.as_ref(), LayerId::HAZARDS, 1000, (10, 16), &mut rng);
    paths.extend(tile_paths(store.as_ref(), LayerId::ROADS, 1000, (10, 16), &mut rng));
    // z13–z16 only: no clustering, every road drawn, so both servers send the same features.
    let mut high = tile_paths(store.as_ref(), LayerId::HAZARDS, 1000, (13, 16), &mut rng);
    high.extend(tile_paths(store.as_ref(), LayerId::ROADS, 1000, (13, 16), &mut rng));

    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let serve = |router: Router| {
        let listener = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).expect("bind");
        let addr = listener.local_addr().expect("addr").to_string();
        rt.spawn(async move { axum::serve(listener, router).await });
        addr
    };
    let cold =
        serve(app(AppState::new(Arc::clone(&store), ServiceInfo { tile_cache_bytes: 0, ..ServiceInfo::default() })));
    let warm_state =
        AppState::new(Arc::clone(&store), ServiceInfo { tile_cache_bytes: 1 << 30, ..ServiceInfo::default() });
    let warm = serve(app(warm_state.clone()));

    let port = free_port();
    let mut child: Child = Command::new(&martin)
        .args(["--listen-addresses", &format!("127.0.0.1:{port}"), "--cache-size", "0", "--workers", "2"])
        .arg(format!("postgres://postgres@127.0.0.1/{DB}"))
        .env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start martin");
    let maddr = format!("127.0.0.1:{port}");
    wait_for(&maddr, "/catalog");

    let ours: Vec<String> = paths.iter().map(|p| format!("/tiles/hazards,roads/{p}.mvt")).collect();
    let theirs: Vec<String> = paths.iter().map(|p| format!("/hazards,roads/{p}")).collect();
    let ours_high: Vec<String> = high.iter().map(|p| format!("/tiles/hazards,roads/{p}.mvt")).collect();
    let theirs_high: Vec<String> = high.iter().map(|p| format!("/hazards,roads/{p}")).collect();
    // Same tiles? Compare feature counts over 300 URLs of each list.
    let mut sizes = Vec::new();
    for (name, a_list, b_list) in [("z10–z16", &ours, &theirs), ("z13–z16", &ours_high, &theirs_high)] {
        let (mut ours_n, mut theirs_n) = (0usize, 0usize);
        for (a, b) in a_list.iter().zip(b_list.iter()).step_by(6).take(300) {
            let (_, ta) = http_get(&warm, a);
            let (_, tb) = http_get(&maddr, b);
            ours_n += onemap_tiles::decode::features(&ta).map_or(0, |f| f.len());
            theirs_n += onemap_tiles::decode::features(&tb).map_or(0, |f| f.len());
            sizes.push(ta.len());
        }
        println!("content {name}: 300 tiles hold {ours_n} features from onemap, {theirs_n} from martin");
    }
    sizes.sort_unstable();
    let median = sizes[sizes.len() / 2];
    // The baseline answers each path with the very bytes of that tile, from a HashMap.
    let exact: std::collections::HashMap<String, axum::body::Bytes> =
        ours.iter().map(|p| (format!("/__bench{p}"), axum::body::Bytes::from(http_get(&warm, p).1))).collect();
    let mean = exact.values().map(|b| b.len()).sum::<usize>() / exact.len().max(1);
    let exact = Arc::new(exact);
    // The baseline goes through the same layers (trace, CORS, compression, body limit) as the tiles.
    let static_router = app_with(
        warm_state.clone(),
        Router::new().route(
            "/__bench/{*rest}",
            get(move |uri: axum::http::Uri| {
                let b = exact.get(uri.path()).cloned().unwrap_or_default();
                async move { ([("content-type", "application/vnd.mapbox-vector-tile")], b) }
            }),
        ),
    );
    let stat = serve(static_router.clone());

    println!("\n| run (wrk -t1 -c16 -d{secs}s, 2,000 distinct tiles each) | tiles/s | p50 | p99 |\n| --- | --- | --- | --- |");
    let m = wrk(&format!("http://{maddr}"), &theirs, &dir, secs);
    line("z10–z16: martin 1.14, PostGIS 3.3, --cache-size 0", &m);
    let c = wrk(&format!("http://{cold}"), &ours, &dir, secs);
    line("z10–z16: onemap, tile cache off (every tile rendered)", &c);
    let mh = wrk(&format!("http://{maddr}"), &theirs_high, &dir, secs);
    line("z13–z16: martin, --cache-size 0", &mh);
    let ch = wrk(&format!("http://{cold}"), &ours_high, &dir, secs);
    line("z13–z16: onemap, tile cache off", &ch);
    for p in &ours {
        let _ = http_get(&warm, p); // fills the cache with every tile of the list
    }
    if std::env::var("ONEMAP_BENCH_PROFILE").is_ok() {
        let parts: Vec<u32> = paths[0].split('/').map(|v| v.parse().unwrap_or(0)).collect();
        let req = onemap_tiles::TileRequest {
            coord: onemap_tiles::TileCoord::new(parts[0], parts[1].into(), parts[2].into()).expect("coord"),
            layers: vec![LayerId::ROADS, LayerId::HAZARDS],
            filter: onemap_tiles::TileFilter::default(),
            scope: Scope::All,
        };
        let t = Instant::now();
        for _ in 0..20_000 {
            std::hint::black_box(rt.block_on(warm_state.tiles.tile(&req)).expect("tile"));
        }
        println!("profile: TileService::tile (hit) {:?} per call", t.elapsed() / 20_000);
        let router = app(warm_state.clone());
        let t = Instant::now();
        for _ in 0..20_000 {
            let req = axum::http::Request::builder().uri(&ours[0]).body(axum::body::Body::empty()).expect("req");
            let res = rt.block_on(tower::ServiceExt::oneshot(router.clone(), req)).expect("res");
            std::hint::black_box(res);
        }
        println!("profile: router oneshot (hit) {:?} per call", t.elapsed() / 20_000);
        for uri in
            ["/tiles.json", "/conformance", "/collections/hazards/tiles/WebMercatorQuad", "/tiles/roads/0/0/0.mvt"]
        {
            let t = Instant::now();
            for _ in 0..2_000 {
                let req = axum::http::Request::builder().uri(uri).body(axum::body::Body::empty()).expect("req");
                std::hint::black_box(rt.block_on(tower::ServiceExt::oneshot(router.clone(), req)).expect("res"));
            }
            println!("profile: router oneshot {uri} {:?} per call", t.elapsed() / 2_000);
        }
    }
    let w = wrk(&format!("http://{warm}"), &ours, &dir, secs);
    line("z10–z16: onemap, tile cache warm", &w);
    let static_paths: Vec<String> = ours.iter().map(|p| format!("/__bench{p}")).collect();
    let s = wrk(&format!("http://{stat}"), &static_paths, &dir, secs);
    line(
        &format!(
            "static: the same 2,000 tiles' bytes from a HashMap (median {median} B, mean {mean} B), same axum stack"
        ),
        &s,
    );
    let (entries, cache_bytes) = warm_state.tiles.cache().usage();
    let st = &warm_state.tiles.stats;
    println!(
        "warm server: {} cache hits, {} misses",
        st.hits.load(std::sync::atomic::Ordering::Relaxed),
        st.misses.load(std::sync::atomic::Ordering::Relaxed)
    );
    println!(
        "\ncache-miss ratio onemap ÷ martin: z10–z16 {:.2}, z13–z16 {:.2}; cached ÷ static: {:.2}\nRSS: onemap process {:.0} MiB (store + {entries} cached tiles, {:.1} MiB); martin {:.0} MiB (plus PostgreSQL's own)",
        c.rps / m.rps.max(1.0),
        ch.rps / mh.rps.max(1.0),
        w.rps / s.rps.max(1.0),
        rss_mib(),
        cache_bytes as f64 / 1048576.0,
        rss_of(child.id())
    );
    if std::env::var("ONEMAP_BENCH_PROFILE").is_ok() {
        let router = app(warm_state.clone());
        for uri in [ours[0].clone(), format!("/__bench{}", ours[0])] {
            let r = if uri.starts_with("/__bench") { static_router.clone() } else { router.clone() };
            let t = Instant::now();
            for _ in 0..20_000 {
                let req = axum::http::Request::builder().uri(&uri).body(axum::body::Body::empty()).expect("req");
                std::hint::black_box(rt.block_on(tower::ServiceExt::oneshot(r.clone(), req)).expect("res"));
            }
            println!("profile: oneshot {uri} {:?} per call", t.elapsed() / 20_000);
        }
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// `onemap-bench render [SECS]`: renders the z13–z16 tile list of the `tiles` run in-process,
/// without HTTP or cache, for profiling (`perf record -g`) the render path alone.
pub fn render_only(args: &[String]) {
    let secs: u64 = args.first().and_then(|s| s.parse().ok()).unwrap_or(10);
    let dir = PathBuf::from(std::env::var("ONEMAP_BENCH_DIR").unwrap_or_else(|_| "bench-out".into()));
    let path = dir.join("tiles-1000000.gpkg");
    assert!(path.exists(), "{} is missing: run `onemap-bench tiles` first", path.display());
    let store: Arc<dyn Store> = Arc::new(GpkgStore::open(&path).expect("open"));
    let mut rng = Rng(0x7113_5eed);
    // The same draws as `run`, so the list is the same.
    let _ = tile_paths(store.as_ref(), LayerId::HAZARDS, 1000, (10, 16), &mut rng);
    let _ = tile_paths(store.as_ref(), LayerId::ROADS, 1000, (10, 16), &mut rng);
    let mut high = tile_paths(store.as_ref(), LayerId::HAZARDS, 1000, (13, 16), &mut rng);
    high.extend(tile_paths(store.as_ref(), LayerId::ROADS, 1000, (13, 16), &mut rng));
    let reqs: Vec<onemap_tiles::TileRequest> = high
        .iter()
        .map(|p| {
            let v: Vec<u32> = p.split('/').map(|x| x.parse().unwrap_or(0)).collect();
            onemap_tiles::TileRequest {
                coord: onemap_tiles::TileCoord::new(v[0], v[1].into(), v[2].into()).expect("coord"),
                layers: vec![LayerId::HAZARDS, LayerId::ROADS],
                filter: onemap_tiles::TileFilter::default(),
                scope: Scope::All,
            }
        })
        .collect();
    let opts = onemap_tiles::store_source::RenderOptions::default();
    let t = Instant::now();
    let (mut n, mut bytes) = (0usize, 0usize);
    while t.elapsed() < Duration::from_secs(secs) {
        for r in &reqs {
            bytes += onemap_tiles::store_source::render(store.as_ref(), r, &opts).expect("render").len();
            n += 1;
        }
    }
    let s = t.elapsed().as_secs_f64();
    println!(
        "render only, one thread: {n} tiles in {s:.1} s = {:.0} tiles/s, mean {} B",
        n as f64 / s,
        bytes / n.max(1)
    );
}
