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
    eprintln!(
        "Gauss-Kruger vs PROJ over {} points: worst {worst_m:.2e} m forward, {worst_deg:.2e}° inverse",
        ours.len()
    );
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
    let (Some(csv), Some(gj), Some(berlin)) = (
        shared_data("pois/malta_emergency_pois.csv"),
        shared_data("pois/malta_emergency_pois.geojson"),
        shared_data("tracks/berlin_gps_traces.csv.gz"),
    ) else {
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
    let args =
        ["import", "hazards", csv.to_str().expect("path"), "--store", &p("m.gpkg"), "--mapping", &p("malta.json")];
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
    let out = onemap(&[
        "import",
        "hazards",
        gj.to_str().expect("path"),
        "--store",
        &p("g.gpkg"),
        "--mapping",
        &p("malta.json"),
        "--dry-run",
        "--report",
        &p("g.json"),
    ]);
    assert!(!out.status.success());
    let report: Value = serde_json::from_str(&std::fs::read_to_string(p("g.json")).expect("report")).expect("json");
    let polygons = report["issues"]
        .as_array()
        .expect("issues")
        .iter()
        .filter(|i| i["reason"].as_str().unwrap_or("").contains("this layer takes Point"))
        .count();
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
    let out = onemap(&[
        "import",
        "hazards",
        berlin.to_str().expect("path"),
        "--store",
        &p("b.gpkg"),
        "--mapping",
        &p("berlin.json"),
    ]);
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
        json!({"defaults": {"from_ref": "村委会", "to_ref": "避难场所", "minutes": 25, "created_by": "巡查队"}})
            .to_string(),
    )
    .expect("mapping");
    let out = onemap(&[
        "import",
        "evacuation_routes",
        gpx.to_str().expect("path"),
        "--store",
        &p("r.gpkg"),
        "--mapping",
        &p("route.json"),
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let fc = onemap(&["export", &p("r.geojson"), "--layer", "evacuation_routes", "--store", &p("r.gpkg")]);
    assert!(fc.status.success());
    let fc: Value = serde_json::from_str(&std::fs::read_to_string(p("r.geojson")).expect("geojson")).expect("json");
    let f = &fc["features"][0];
    let coords = f["geometry"]["coordinates"].as_array().expect("line");
    assert_eq!(coords.len(), 21, "every track point kept");
    // PROJ's geodesic (pyproj.Geod, Karney) as the oracle for the length we measured.
    let script = "import json,sys\nfrom pyproj import Geod\nc=json.load(sys.stdin)\nprint(Geod(ellps='WGS84').line_length([p[0] for p in c],[p[1] for p in c]))";
    let mut child = Command::new(&python)
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python");
    child.stdin.take().expect("stdin").write_all(Value::Array(coords.clone()).to_string().as_bytes()).expect("write");
    let theirs: f64 =
        String::from_utf8_lossy(&child.wait_with_output().expect("python").stdout).trim().parse().expect("length");
    let ours = f["properties"]["length_m"].as_f64().expect("length_m");
    assert!((ours - theirs).abs() <= 0.1, "length_m {ours} vs PROJ {theirs}");
}

/// Bounding boxes per feature name of a GeoJSON FeatureCollection (lon/lat degrees).
fn boxes(fc: &Value, name_key: &str) -> std::collections::BTreeMap<String, [f64; 4]> {
    let mut out = std::collections::BTreeMap::new();
    for f in fc["features"].as_array().expect("features") {
        let name = f["properties"][name_key].as_str().expect("name").to_owned();
        let mut b = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
        let mut visit = |c: &Value| {
            let (x, y) = (c[0].as_f64().unwrap_or(0.0), c[1].as_f64().unwrap_or(0.0));
            b = [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)];
        };
        for poly in f["geometry"]["coordinates"].as_array().expect("multipolygon") {
            for ring in poly.as_array().expect("rings") {
                ring.as_array().expect("ring").iter().for_each(&mut visit);
            }
        }
        out.insert(name, b);
    }
    out
}

#[test]
fn a_zipped_shapefile_in_us_feet_lands_where_gdal_puts_it() {
    require_tool("ogr2ogr");
    let Some(zip) = shared_data("boundaries/nybb_16a_epsg2263.zip") else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let p = |name: &str| dir.path().join(name).to_str().expect("path").to_owned();
    std::fs::write(
        p("nybb.json"),
        json!({"columns": {"BoroName": "name"}, "defaults": {"kind": "other", "risk_level": "low"}}).to_string(),
    )
    .expect("mapping");
    let out = onemap(&[
        "import",
        "risk_zones",
        zip.to_str().expect("path"),
        "--store",
        &p("z.gpkg"),
        "--mapping",
        &p("nybb.json"),
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("imported 5 features") && stdout.contains("NAD_1983_StatePlane_New_York_Long_Island"),
        "{stdout}"
    );
    assert!(onemap(&["export", &p("ours.geojson"), "--layer", "risk_zones", "--store", &p("z.gpkg")]).status.success());
    // GDAL (PROJ) reprojects the same zip: the oracle.
    run(
        Command::new("ogr2ogr").args([
            "-f",
            "GeoJSON",
            "-t_srs",
            "EPSG:4326",
            &p("gdal.geojson"),
            &format!("/vsizip/{}", zip.display()),
        ]),
        Duration::from_secs(120),
    );
    let read =
        |f: &str| -> Value { serde_json::from_str(&std::fs::read_to_string(p(f)).expect("geojson")).expect("json") };
    let (ours, theirs) = (boxes(&read("ours.geojson"), "name"), boxes(&read("gdal.geojson"), "BoroName"));
    assert_eq!(ours.keys().collect::<Vec<_>>(), theirs.keys().collect::<Vec<_>>());
    let mut worst: f64 = 0.0;
    for (name, a) in &ours {
        let b = theirs[name];
        worst = a.iter().zip(b).fold(worst, |w, (x, y)| w.max((x - y).abs()));
    }
    eprintln!("NYC boroughs EPSG:2263 → WGS84: worst bbox difference from GDAL {worst:.2e}°");
    assert!(worst < 1e-7, "{worst}° (1e-7° ≈ 1 cm)");
}

#[test]
fn a_gbk_shapefile_keeps_its_chinese_names_with_or_without_its_cpg() {
    require_tool("ogr2ogr");
    let dir = tempfile::tempdir().expect("tempdir");
    let p = |name: &str| dir.path().join(name).to_str().expect("path").to_owned();
    let fc = json!({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"名称": "人民公园", "类型": "park", "容纳人数": 3000, "乡镇代码": "510104001"}, "geometry": {"type": "Point", "coordinates": [104.0551, 30.6627]}},
        {"type": "Feature", "properties": {"名称": "七中操场", "类型": "school", "容纳人数": 1200, "乡镇代码": "510104001"}, "geometry": {"type": "Point", "coordinates": [104.041, 30.6512]}}]});
    std::fs::write(p("in.geojson"), fc.to_string()).expect("write");
    run(
        Command::new("ogr2ogr").args([
            "-f",
            "ESRI Shapefile",
            "-lco",
            "ENCODING=CP936",
            &p("shelters.shp"),
            &p("in.geojson"),
        ]),
        Duration::from_secs(60),
    );
    let dbf = std::fs::read(p("shelters.dbf")).expect("dbf");
    assert!(std::str::from_utf8(&dbf).is_err(), "the fixture's .dbf should be GBK, not UTF-8");
    for round in ["with .cpg", "without .cpg"] {
        if round == "without .cpg" {
            let _ = std::fs::remove_file(p("shelters.cpg"));
        }
        let store = p(&format!("{}.gpkg", round.replace(' ', "_")));
        let out = onemap(&["import", "shelters", &p("shelters.shp"), "--store", &store]);
        assert!(out.status.success(), "{round}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(onemap(&["export", &p("out.geojson"), "--layer", "shelters", "--store", &store]).status.success());
        let out: Value = serde_json::from_str(&std::fs::read_to_string(p("out.geojson")).expect("out")).expect("json");
        let mut names: Vec<&str> = out["features"]
            .as_array()
            .expect("features")
            .iter()
            .filter_map(|f| f["properties"]["name"].as_str())
            .collect();
        names.sort_unstable();
        assert_eq!(names, ["七中操场", "人民公园"], "{round}");
    }
}

#[test]
fn china_provinces_with_invalid_polygons_are_repaired_and_reported() {
    let Some(cn) = shared_data("boundaries/china/echarts4_china.geojson") else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let p = |name: &str| dir.path().join(name).to_str().expect("path").to_owned();
    std::fs::write(
        p("cn.json"),
        json!({"columns": {"id": "-", "cp": "-", "childNum": "-"}, "defaults": {"kind": "other", "risk_level": "low"}})
            .to_string(),
    )
    .expect("mapping");
    let out = onemap(&[
        "import",
        "risk_zones",
        cn.to_str().expect("path"),
        "--store",
        &p("cn.gpkg"),
        "--mapping",
        &p("cn.json"),
        "--report",
        &p("r.json"),
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_str(&std::fs::read_to_string(p("r.json")).expect("report")).expect("json");
    assert_eq!((report["rows_read"].as_u64(), report["inserted"].as_u64()), (Some(34), Some(34)));
    let repaired: Vec<u64> = report["issues"]
        .as_array()
        .expect("issues")
        .iter()
        .filter(|i| i["severity"] == "repaired")
        .filter_map(|i| i["row"].as_u64())
        .collect();
    assert!(repaired.len() >= 12, "{report}");
    assert!(onemap(&["export", &p("out.geojson"), "--layer", "risk_zones", "--store", &p("cn.gpkg")]).status.success());
    let fc: Value = serde_json::from_str(&std::fs::read_to_string(p("out.geojson")).expect("out")).expect("json");
    for f in fc["features"].as_array().expect("features") {
        let g: geo::Geometry<f64> = geojson::Geometry::from_json_value(f["geometry"].clone())
            .ok()
            .and_then(|g| g.try_into().ok())
            .expect("geometry");
        assert!(geo::Validation::is_valid(&g), "{} stored invalid", f["properties"]["name"]);
    }
}

#[test]
fn geopackages_import_like_their_csv_and_in_their_own_crs() {
    require_tool("ogr2ogr");
    // The GeoPackage holds the POIs as points, like the CSV (the GeoJSON keeps building outlines).
    let (Some(gpkg), Some(csv)) =
        (shared_data("pois/malta_emergency_pois.gpkg"), shared_data("pois/malta_emergency_pois.csv"))
    else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let p = |name: &str| dir.path().join(name).to_str().expect("path").to_owned();
    std::fs::write(p("m.json"), json!({"columns": {"amenity": "note"}, "defaults": {"kind": "other", "risk_level": "low", "township": "990000001"}}).to_string()).expect("mapping");
    // The same POIs as GeoPackage and as CSV: the same rows imported, the same rejected.
    let mut counts = Vec::new();
    for (file, store) in [(&gpkg, "a.gpkg"), (&csv, "b.gpkg")] {
        let out = onemap(&[
            "import",
            "hazards",
            file.to_str().expect("path"),
            "--store",
            &p(store),
            "--mapping",
            &p("m.json"),
            "--skip-invalid",
            "--report",
            &p("r.json"),
        ]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let r: Value = serde_json::from_str(&std::fs::read_to_string(p("r.json")).expect("report")).expect("json");
        counts.push((r["rows_read"].as_u64(), r["inserted"].as_u64(), r["rows_rejected"].as_u64()));
    }
    assert_eq!(counts[0], counts[1], "GeoPackage vs CSV of the same POIs");
    assert!(counts[0].1 > Some(100), "{counts:?}");
    // A GeoPackage in CGCS2000 Gauss-Kruger (written by GDAL): positions come back in degrees.
    let fc = json!({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"名称": "甲", "类型": "滑坡", "风险等级": "重大", "乡镇代码": "510104001"}, "geometry": {"type": "Point", "coordinates": [117.31, 31.86]}}]});
    std::fs::write(p("in.geojson"), fc.to_string()).expect("write");
    run(
        Command::new("ogr2ogr").args([
            "-f",
            "GPKG",
            "-s_srs",
            "EPSG:4490",
            "-t_srs",
            "EPSG:4527",
            &p("gk.gpkg"),
            &p("in.geojson"),
            "-nln",
            "测量点",
        ]),
        Duration::from_secs(60),
    );
    let out = onemap(&["import", "hazards", &p("gk.gpkg"), "--store", &p("c.gpkg")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("4527"), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(onemap(&["export", &p("c.geojson"), "--layer", "hazards", "--store", &p("c.gpkg")]).status.success());
    let back: Value = serde_json::from_str(&std::fs::read_to_string(p("c.geojson")).expect("out")).expect("json");
    let c = &back["features"][0]["geometry"]["coordinates"];
    let (x, y) = (c[0].as_f64().unwrap_or(0.0), c[1].as_f64().unwrap_or(0.0));
    assert!((x - 117.31).abs() < 1e-8 && (y - 31.86).abs() < 1e-8, "{x} {y}");
}

/// Nodes GDAL's OSM driver finds with `key=value` in an extract.
fn gdal_osm_nodes(file: &str, key: &str, value: &str) -> usize {
    let sql = format!(
        "SELECT COUNT(*) AS n FROM points WHERE other_tags LIKE '%\"{key}\"=>\"{value}\"%' OR {key} = '{value}'"
    );
    let sql = if ["man_made", "barrier", "highway", "place"].contains(&key) {
        sql
    } else {
        sql.replace(&format!(" OR {key} = '{value}'"), "")
    };
    let out = run(
        Command::new("ogrinfo").args(["-ro", "-q", "-dialect", "SQLite", "-sql", &sql, file]),
        Duration::from_secs(120),
    );
    out.lines()
        .find_map(|l| l.trim().strip_prefix("n (Integer) = "))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no count in {out}"))
}

#[test]
fn openstreetmap_pois_by_tag_match_what_gdal_finds() {
    require_tool("ogrinfo");
    let (Some(pbf), Some(xml)) = (shared_data("osm/malta-2018.osm.pbf"), shared_data("osm/monaco-small.osm.gz")) else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let p = |name: &str| dir.path().join(name).to_str().expect("path").to_owned();
    std::fs::write(
        p("m.json"),
        json!({"defaults": {"name": "未命名", "kind": "other", "risk_level": "low", "township": "990000001"}})
            .to_string(),
    )
    .expect("mapping");
    for (file, gdal_file, key, value) in [
        (pbf.to_str().expect("path").to_owned(), pbf.to_str().expect("path").to_owned(), "amenity", "hospital"),
        (xml.to_str().expect("path").to_owned(), format!("/vsigzip/{}", xml.display()), "highway", "crossing"),
    ] {
        let out = onemap(&[
            "import",
            "hazards",
            &file,
            "--store",
            &p("o.gpkg"),
            "--mapping",
            &p("m.json"),
            "--osm-tags",
            &format!("{key}={value}"),
            "--dry-run",
            "--report",
            &p("r.json"),
        ]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let r: Value = serde_json::from_str(&std::fs::read_to_string(p("r.json")).expect("report")).expect("json");
        let note = r["notes"]
            .as_array()
            .expect("notes")
            .iter()
            .filter_map(Value::as_str)
            .find(|n| n.starts_with("OpenStreetMap"))
            .expect("osm note")
            .to_owned();
        let ours: usize = note.split_whitespace().nth(1).and_then(|n| n.parse().ok()).expect("node count");
        assert!(ours > 0, "{note}");
        assert_eq!(ours, gdal_osm_nodes(&gdal_file, key, value), "{key}={value} nodes in {file}");
        assert!(note.contains("© OpenStreetMap contributors"));
    }
    let out = onemap(&["import", "hazards", pbf.to_str().expect("path"), "--store", &p("o.gpkg")]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("--osm-tags"));
}
