//! onemap's benchmarks. Figures go to BENCHMARKS.md with the command that produced them.
//!
//! - `onemap-bench store [POINTS]`: store load, open + index build, bbox queries in-process and over HTTP;
//! - `onemap-bench tiles [POINTS]`: vector tiles, onemap against martin on the same PostGIS data;
//! - `onemap-bench import`: survey import rows/s against `ogr2ogr -f GPKG` of the same files;
//! - `onemap-bench routing [FILE.osm.pbf]`: routing on Porto's roads, against Dijkstra and pgRouting.

/// The allocator the `onemap` binary ships with, so the figures are the product's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod import;
mod routing;
mod store;
mod tiles;
mod util;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("store") => store::run(&args[1..]),
        Some("tiles") => tiles::run(&args[1..]),
        Some("import") => import::run(&args[1..]),
        Some("render") => tiles::render_only(&args[1..]),
        Some("routing") => routing::run(&args[1..]),
        _ => {
            eprintln!("usage: onemap-bench store [POINTS] | tiles [POINTS] | import | routing [FILE.osm.pbf]");
            std::process::exit(2);
        }
    }
}
