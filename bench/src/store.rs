//! The store benchmark of the foundation (issue 2).
//!
//! 1. writes POINTS (default 1,000,000) hazard points into a GeoPackage in batches of 10,000;
//! 2. reopens it: open + R-tree build time and resident memory;
//! 3. bbox items queries (limit 100) in-process, against a linear scan of the same features;
//! 4. the same queries over HTTP with `wrk`, against a static endpoint returning as many bytes.
//!
//! Points are uniform over 102–106° E, 28–32° N (EPSG:4326 degrees).

use axum::routing::get;
use axum::Router;
use geo::{Geometry, Point};
use onemap_model::{LayerId, NewFeature, Properties, Scope};
use onemap_server::{app_with, AppState, ServiceInfo};
use onemap_store::{GpkgStore, Query, Store, Writer};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::util::{percentile, rss_mib, wrk};

pub const LON: (f64, f64) = (102.0, 106.0);
pub const LAT: (f64, f64) = (28.0, 32.0);

pub struct Rng(pub u64);
impl Rng {
    pub fn unit(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn hazard(i: usize, rng: &mut Rng) -> NewFeature {
    let levels = ["major", "large", "general", "low"];
    let p = Point::new(LON.0 + rng.unit() * (LON.1 - LON.0), LAT.0 + rng.unit() * (LAT.1 - LAT.0));
    let props = json!({"name": format!("隐患点{i}"), "kind": "landslide", "risk_level": levels[i % 4],
        "threatened_people": i % 200, "responsible": "王伟", "phone": "13800000000", "township": format!("510{:03}{:03}", i % 97, i % 13)});
    NewFeature {
        id: Some(format!("b{i}")),
        geometry: Geometry::Point(p),
        properties: Properties::from_json(LayerId::HAZARDS, props).expect("valid"),
    }
}

pub fn build(path: &Path, n: usize) -> Duration {
    let store = GpkgStore::open(path).expect("open");
    let mut rng = Rng(0x5eed);
    let t = Instant::now();
    let w = Writer::system("bench");
    for start in (0..n).step_by(10_000) {
        let batch: Vec<_> = (start..(start + 10_000).min(n)).map(|i| hazard(i, &mut rng)).collect();
        store.insert(LayerId::HAZARDS, batch, &w).expect("insert");
    }
    t.elapsed()
}

fn boxes(count: usize) -> Vec<[f64; 4]> {
    let mut rng = Rng(42);
    (0..count)
        .map(|_| {
            let size = 0.02 + rng.unit() * 0.08;
            let x = LON.0 + rng.unit() * (LON.1 - LON.0 - size);
            let y = LAT.0 + rng.unit() * (LAT.1 - LAT.0 - size);
            [x, y, x + size, y + size]
        })
        .collect()
}

/// `onemap-bench store [POINTS]`.
pub fn run(args: &[String]) {
    let n: usize = args.first().and_then(|s| s.parse().ok()).unwrap_or(1_000_000);
    let dir = PathBuf::from(std::env::var("ONEMAP_BENCH_DIR").unwrap_or_else(|_| "bench-out".into()));
    std::fs::create_dir_all(&dir).expect("bench dir");
    let path = dir.join(format!("hazards-{n}.gpkg"));
    if !path.exists() {
        let t = build(&path, n);
        println!(
            "write: {n} points in batches of 10,000: {:.1} s ({:.0} features/s)",
            t.as_secs_f64(),
            n as f64 / t.as_secs_f64()
        );
    }
    let file_mib = std::fs::metadata(&path).map(|m| m.len() as f64 / 1048576.0).unwrap_or(0.0);

    let rss0 = rss_mib();
    let t = Instant::now();
    let store = GpkgStore::open(&path).expect("open");
    let open = t.elapsed();
    let rss1 = rss_mib();
    println!("open + index build: {:.2} s for {n} features; file {file_mib:.0} MiB; RSS {rss0:.0} → {rss1:.0} MiB (+{:.0} MiB)", open.as_secs_f64(), rss1 - rss0);

    // In-process: R-tree bbox queries vs a linear scan of the same features.
    let qs = boxes(10_000);
    let mut times = Vec::with_capacity(qs.len());
    let mut returned = 0usize;
    for b in &qs {
        let t = Instant::now();
        let page = store
            .query(LayerId::HAZARDS, &Query { bbox: Some(*b), limit: 100, ..Query::default() }, &Scope::All)
            .expect("query");
        times.push(t.elapsed());
        returned += page.features.len();
    }
    times.sort();
    let all = store
        .query(LayerId::HAZARDS, &Query { limit: usize::MAX, ..Query::default() }, &Scope::All)
        .expect("all")
        .features;
    let mut base = Vec::new();
    for b in qs.iter().take(200) {
        let t = Instant::now();
        let mut matched = 0usize;
        let mut page = Vec::with_capacity(100);
        for f in &all {
            if let Geometry::Point(p) = &f.geometry {
                if p.x() >= b[0] && p.x() <= b[2] && p.y() >= b[1] && p.y() <= b[3] {
                    matched += 1;
                    if page.len() < 100 {
                        page.push(Arc::clone(f));
                    }
                }
            }
        }
        std::hint::black_box((matched, page));
        base.push(t.elapsed());
    }
    base.sort();
    let (p50, p99, b50, b99) =
        (percentile(&times, 0.5), percentile(&times, 0.99), percentile(&base, 0.5), percentile(&base, 0.99));
    println!(
        "in-process bbox query (limit 100, {} queries, {:.1} features/page): p50 {:?} p99 {:?}; linear scan baseline p50 {:?} p99 {:?}; ratio p50 {:.0}×",
        qs.len(), returned as f64 / qs.len() as f64, p50, p99, b50, b99, b50.as_secs_f64() / p50.as_secs_f64()
    );
    drop(all);

    // Over HTTP with wrk.
    let paths: Vec<String> = qs
        .iter()
        .take(1000)
        .map(|b| format!("/collections/hazards/items?bbox={},{},{},{}&limit=100", b[0], b[1], b[2], b[3]))
        .collect();
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let store: Arc<dyn Store> = Arc::new(store);
    let sample = {
        let q = Query { bbox: Some(qs[0]), limit: 100, ..Query::default() };
        let page = store.query(LayerId::HAZARDS, &q, &Scope::All).expect("q");
        let feats: Vec<_> = page.features.iter().map(|f| f.to_geojson()).collect();
        json!({"type": "FeatureCollection", "features": feats, "numberMatched": page.number_matched, "numberReturned": feats.len(), "links": []}).to_string()
    };
    let bytes = axum::body::Bytes::from(sample);
    let size = bytes.len();
    let router = app_with(
        AppState::new(store, ServiceInfo::default()),
        Router::new().route(
            "/__bench/static",
            get(move || {
                let b = bytes.clone();
                async move { ([("content-type", "application/geo+json")], b) }
            }),
        ),
    );
    let listener = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).expect("bind");
    let addr = listener.local_addr().expect("addr");
    rt.spawn(async move { axum::serve(listener, router).await });
    let url = format!("http://{addr}");
    let items = wrk(&url, &paths, &dir, 10);
    let stat = wrk(&url, &["/__bench/static".to_owned()], &dir, 10);
    println!(
        "HTTP bbox items (wrk -t1 -c16 -d10s, 1000 distinct boxes): {:.0} req/s, p50 {}, p99 {}",
        items.rps, items.p50, items.p99
    );
    println!(
        "HTTP static {size} bytes (same size, same server): {:.0} req/s, p50 {}, p99 {}; ratio {:.2}",
        stat.rps,
        stat.p50,
        stat.p99,
        items.rps / stat.rps.max(1.0)
    );
    println!("RSS at end: {:.0} MiB", rss_mib());
}
