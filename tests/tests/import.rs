//! The survey importer against other people's tools and real files: PROJ (through pyproj) as the
//! oracle for the Gauss–Krüger zones, and the CLI on real third-party data — the Malta emergency
//! POIs (CSV with X/Y columns, GeoJSON) and the 75,000-point Berlin GPS CSV, counted by GDAL.

use onemap_e2e::{onemap_bin, require_tool, root, run, shared_data};
use onemap_import::crs::Crs;
use serde_json::{json, Value};
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

#[test]
fn gauss_kruger_matches_proj_within_a_millimetre() {
    let python = root().join(".venv/bin/python");
    assert!(python.exists(), "{} is missing: run scripts/setup.sh", python.display());
    let codes = [4491u16, 4495, 4501, 4502, 4508, 4512, 4513, 4523, 4527, 4533, 4534, 4545, 4549, 4554];
    let mut points = Vec::new();
    let mut ours = Vec::new();
    for code in codes {
        let crs: Crs = format!("EPSG:{code}").parse().expect("crs");
        let Crs::GaussKruger(z) = crs else { panic!("{code} is not Gauss-Kruger") };
        for i in 0..25 {
            // Across the zone's strip and China's latitudes.
            let lon = f64::from(z.central_meridian) + (f64::from(i % 5) - 2.0) / 2.0 * f64::from(z.width) / 2.0 * 0.98;
            let lat = 18.0 + f64::from(i / 5) * 8.7;
            let (e, n) = crs.from_lonlat(lon, lat);
            let (e_in, n_in) = (e + 1234.5, n - 987.6);
            points.push(json!({"epsg": code, "lon": lon, "lat": lat, "e_in": e_in, "n_in": n_in}));
            ours.push(((e, n), crs.to_lonlat(e_in, n_in)));
        }
    }
    let mut child = Command::new(&python)
        .arg(root().join("tests/e2e/proj_oracle.py"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python");
    child.stdin.take().expect("stdin").write_all(Value::Array(points.clone()).to_string().as_bytes()).expect("write");
    let out = child.wait_with_output().expect("oracle");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let theirs: Vec<Value> = serde_json::from_slice(&out.stdout).expect("oracle json");
    assert_eq!(theirs.len(), ours.len());
    let (mut worst_m, mut worst_deg) = (0.0f64, 0.0f64);
    for (((e, n), (lon, lat)), t) in ours.iter().zip(&theirs) {
        let f = |k: &str| t[k].as_f64().expect("number");
        worst_m = worst_m.max((e - f("e")).abs()).max((n - f("n")).abs());
        worst_deg = worst_deg.max((lon - f("lon")).abs()).max((lat - f("lat")).abs());
    }
    eprintln!("Gauss-Kruger vs PROJ over {} points: worst {worst_m:.2e} m forward, {worst_deg:.2e}° inverse", ours.len());
    assert!(worst_m < 0.001, "forward differs from PROJ by {worst_m} m");
    assert!(worst_deg < 1e-8, "inverse differs from PROJ by {worst_deg}° (1e-8° ≈ 1 mm)");
}

fn onemap(args: &[&str]) -> std::process::Output {
    Command::new(onemap_bin()).args(args).output().expect("run onemap")
}

/// Features GDAL counts in `layer` of a GeoPackage.
fn ogr_count(gpkg: &str, layer: &str) -> usize {
    let info = run(Command::new("ogrinfo").args(["-ro", "-so", gpkg, layer]), Duration::from_secs(60));
    info.lines()
        .find_map(|l| l.strip_prefix("Feature Count: "))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no feature count in {info}"))
}

#[test]
fn real_files_import_through_the_cli_and_gdal_counts_them() {
    require_tool("ogrinfo");
    let (Some(csv), Some(gj), Some(berlin)) =
        (shared_data("pois/malta_emergency_pois.csv"), shared_data("pois/malta_emergency_pois.geojson"), shared_data("tracks/berlin_gps_traces.csv.gz"))
    else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let p = |name: &str| dir.path().join(name).to_str().expect("path").to_owned();
    // Malta POIs as hazard points: X/Y in degrees, unnamed POIs rejected with their rows.
    std::fs::write(
        p("malta.json"),
        json!({"columns": {"amenity": "note"}, "defaults": {"kind": "other", "risk_level": "low", "township": "990000001"}}).to_string(),
    )
    .expect("mapping");
    let rows = std::fs::read_to_string(&csv).expect("csv").lines().count() - 1;
    let unnamed = std::fs::read_to_string(&csv).expect("csv").lines().skip(1).filter(|l| l.ends_with(',')).count();
    let args = ["import", "hazards", csv.to_str().expect("path"), "--store", &p("m.gpkg"), "--mapping", &p("malta.json")];
    let out = onemap(&args);
    assert!(!out.status.success(), "unnamed POIs must stop an all-or-nothing import");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!("{unnamed} of {rows} rows rejected")) && err.contains("name"), "{err}");
    let out = onemap(&[&args[..], &["--skip-invalid", "--report", &p("report.csv")]].concat());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(ogr_count(&p("m.gpkg"), "hazards"), rows - unnamed);
    let report = std::fs::read_to_string(p("report.csv")).expect("report");
    assert_eq!(report.lines().filter(|l| l.contains(",rejected,")).count(), unnamed, "{report}");

    // The GeoJSON of the same POIs: points only go into a point layer; polygons are rejected by row.
    let out = onemap(&["import", "hazards", gj.to_str().expect("path"), "--store", &p("g.gpkg"), "--mapping", &p("malta.json"), "--dry-run", "--report", &p("g.json")]);
    assert!(!out.status.success());
    let report: Value = serde_json::from_str(&std::fs::read_to_string(p("g.json")).expect("report")).expect("json");
    let polygons = report["issues"].as_array().expect("issues").iter().filter(|i| i["reason"].as_str().unwrap_or("").contains("this layer takes Point")).count();
    assert!(polygons > 0, "{report}");
    assert_eq!(report["rows_read"], 422);
    assert_eq!(report["committed"], false);
    assert!(!std::path::Path::new(&p("g.gpkg")).exists() || ogr_count(&p("g.gpkg"), "hazards") == 0);

    // Berlin GPS traces: 75,000 rows, gzip, Latitude before Longitude.
    std::fs::write(
        p("berlin.json"),
        json!({"columns": {"TrackID": "name", "Time": "-"}, "defaults": {"kind": "other", "risk_level": "low", "township": "990000002"}}).to_string(),
    )
    .expect("mapping");
    let out = onemap(&["import", "hazards", berlin.to_str().expect("path"), "--store", &p("b.gpkg"), "--mapping", &p("berlin.json")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("imported 75000 features"));
    assert_eq!(ogr_count(&p("b.gpkg"), "hazards"), 75_000);
    let extent = run(Command::new("ogrinfo").args(["-ro", "-so", &p("b.gpkg"), "hazards"]), Duration::from_secs(60));
    assert!(extent.contains("Extent: (12.8"), "lon/lat read the right way round: {extent}");
}

#[test]
fn import_help_reads_like_instructions() {
    let out = onemap(&["import", "--help"]);
    let help = String::from_utf8_lossy(&out.stdout);
    for needle in ["经度/纬度", "GCJ-02", "--skip-invalid", "--key", "--dry-run", "EPSG:4527"] {
        assert!(help.contains(needle), "`{needle}` missing from import --help:\n{help}");
    }
}

#[test]
fn a_gpx_track_becomes_an_evacuation_route_with_its_geodesic_length() {
    let Some(gpx) = shared_data("tracks/andorra_track.gpx") else { return };
    let python = root().join(".venv/bin/python");
    let dir = tempfile::tempdir().expect("tempdir");
    let p = |name: &str| dir.path().join(name).to_str().expect("path").to_owned();
    std::fs::write(
        p("route.json"),
        json!({"defaults": {"from_ref": "村委会", "to_ref": "避难场所", "minutes": 25, "created_by": "巡查队"}}).to_string(),
    )
    .expect("mapping");
    let out = onemap(&["import", "evacuation_routes", gpx.to_str().expect("path"), "--store", &p("r.gpkg"), "--mapping", &p("route.json")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let fc = onemap(&["export", &p("r.geojson"), "--layer", "evacuation_routes", "--store", &p("r.gpkg")]);
    assert!(fc.status.success());
    let fc: Value = serde_json::from_str(&std::fs::read_to_string(p("r.geojson")).expect("geojson")).expect("json");
    let f = &fc["features"][0];
    let coords = f["geometry"]["coordinates"].as_array().expect("line");
    assert_eq!(coords.len(), 21, "every track point kept");
    // PROJ's geodesic (pyproj.Geod, Karney) as the oracle for the length we measured.
    let script = "import json,sys\nfrom pyproj import Geod\nc=json.load(sys.stdin)\nprint(Geod(ellps='WGS84').line_length([p[0] for p in c],[p[1] for p in c]))";
    let mut child = Command::new(&python).args(["-c", script]).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().expect("python");
    child.stdin.take().expect("stdin").write_all(Value::Array(coords.clone()).to_string().as_bytes()).expect("write");
    let theirs: f64 = String::from_utf8_lossy(&child.wait_with_output().expect("python").stdout).trim().parse().expect("length");
    let ours = f["properties"]["length_m"].as_f64().expect("length_m");
    assert!((ours - theirs).abs() <= 0.1, "length_m {ours} vs PROJ {theirs}");
}
