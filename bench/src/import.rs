//! `onemap-bench import`: survey import rows/s against `ogr2ogr -f GPKG` of the same file, in
//! the same run: the 75,000-point Berlin GPS CSV (gzip) and the Malta emergency POIs CSV.
//! Both write a fresh GeoPackage with a spatial index; each is run 3 times, the median counts.

use onemap_import::survey::{self, MappingFile, Options};
use onemap_model::LayerId;
use onemap_store::{GpkgStore, Writer};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ours(file: &Path, mapping: &MappingFile, dir: &Path, skip_invalid: bool) -> (Duration, usize) {
    let mut times = Vec::new();
    let mut rows = 0;
    for i in 0..3 {
        let out = dir.join(format!("ours-{i}.gpkg"));
        let _ = std::fs::remove_file(&out);
        let t = Instant::now();
        let store = GpkgStore::open(&out).expect("store");
        let mut o = Options::new(LayerId::HAZARDS);
        o.mapping = mapping.clone();
        o.skip_invalid = skip_invalid;
        let r =
            survey::import(&store, file, &o, &Writer::system("bench"), &mut |_: usize, _: usize| {}).expect("import");
        assert!(r.committed, "{}", r.summary(5));
        drop(store);
        times.push(t.elapsed());
        if i == 0 {
            eprintln!("{}: read {} ms, check {} ms, write {} ms", file.display(), r.read_ms, r.check_ms, r.write_ms);
        }
        rows = r.inserted;
    }
    (median(times), rows)
}

fn gdal(src: &str, oo: &[&str], dir: &Path) -> Duration {
    let mut times = Vec::new();
    for i in 0..3 {
        let out = dir.join(format!("gdal-{i}.gpkg"));
        let _ = std::fs::remove_file(&out);
        let t = Instant::now();
        let st = Command::new("ogr2ogr")
            .args(["-f", "GPKG", "-a_srs", "EPSG:4326", "-nln", LayerId::HAZARDS.as_str()])
            .arg(&out)
            .arg(src)
            .args(oo)
            .status()
            .expect("ogr2ogr");
        assert!(st.success(), "ogr2ogr {src}");
        times.push(t.elapsed());
    }
    median(times)
}

pub fn run(_args: &[String]) {
    let data = std::env::var("ONEMAP_TEST_DATA").map_or_else(|_| PathBuf::from("../shared/data"), PathBuf::from);
    let dir = PathBuf::from(std::env::var("ONEMAP_BENCH_DIR").unwrap_or_else(|_| "bench-out".into())).join("import");
    std::fs::create_dir_all(&dir).expect("bench dir");
    let defaults = |township: &str| -> MappingFile {
        serde_json::from_value(
            serde_json::json!({"defaults": {"kind": "other", "risk_level": "low", "township": township}}),
        )
        .expect("mapping")
    };
    let mut berlin_map = defaults("990000002");
    berlin_map.columns.insert("TrackID".into(), "name".into());
    berlin_map.columns.insert("Time".into(), "-".into());
    let berlin = data.join("tracks/berlin_gps_traces.csv.gz");
    let malta = data.join("pois/malta_emergency_pois.csv");
    println!("| file | rows | onemap import | ogr2ogr -f GPKG | rows/s onemap | rows/s ogr2ogr | ratio |\n| --- | --- | --- | --- | --- | --- | --- |");
    let cases: [(&Path, MappingFile, String, Vec<&str>, bool); 2] = [
        (
            &berlin,
            berlin_map,
            format!("/vsigzip/{}", berlin.display()),
            vec!["-oo", "X_POSSIBLE_NAMES=Longitude", "-oo", "Y_POSSIBLE_NAMES=Latitude"],
            false,
        ),
        (
            &malta,
            defaults("990000001"),
            malta.display().to_string(),
            vec!["-oo", "X_POSSIBLE_NAMES=X", "-oo", "Y_POSSIBLE_NAMES=Y"],
            true,
        ),
    ];
    for (file, mapping, src, oo, skip) in cases {
        let (t_ours, rows) = ours(file, &mapping, &dir, skip);
        let t_gdal = gdal(&src, &oo, &dir);
        let total = std::fs::read_to_string(file).map_or(0, |s| s.lines().count().saturating_sub(1));
        let total = if total == 0 { rows } else { total };
        let (a, b) = (total as f64 / t_ours.as_secs_f64(), total as f64 / t_gdal.as_secs_f64());
        println!(
            "| {} | {total} ({rows} imported) | {:.0} ms | {:.0} ms | {a:.0} | {b:.0} | {:.2} |",
            file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            t_ours.as_secs_f64() * 1e3,
            t_gdal.as_secs_f64() * 1e3,
            a / b
        );
    }
}
