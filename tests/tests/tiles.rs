//! Our vector tiles read by decoders we did not write: GDAL's MVT driver (`ogrinfo`) and Python's
//! mapbox-vector-tile. Layer names, feature counts, attributes and positions must agree.

use onemap_e2e::{http, http_bytes, require_tool, root, run, Server};
use onemap_tiles::coord::lonlat_to_world;
use onemap_tiles::decode::{features, DecodedFeature};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// Half the Web-Mercator square, metres.
const HALF: f64 = 20_037_508.342_789_244;

fn save_tile(server: &Server, dir: &Path, path: &str, z: u8, x: u32, y: u32) -> (PathBuf, Vec<DecodedFeature>) {
    let (status, bytes) = http_bytes("GET", &format!("{}{path}/{z}/{x}/{y}.mvt", server.url), None);
    assert_eq!(status, 200, "{path}/{z}/{x}/{y}");
    let file = dir.join(format!("{}/{z}/{x}/{y}.mvt", path.trim_start_matches('/').replace(['/', ','], "_")));
    std::fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
    std::fs::write(&file, &bytes).expect("write tile");
    (file, features(&bytes).expect("our decoder"))
}

/// `ogrinfo -al -so`: layer → (feature count, field names).
fn ogr_summary(file: &Path) -> BTreeMap<String, (usize, BTreeSet<String>)> {
    let text =
        run(Command::new(require_tool("ogrinfo")).args(["-ro", "-al", "-so"]).arg(file), Duration::from_secs(60));
    let mut out: BTreeMap<String, (usize, BTreeSet<String>)> = BTreeMap::new();
    let mut current = String::new();
    let mut in_fields = false;
    for line in text.lines() {
        if let Some(name) = line.strip_prefix("Layer name: ") {
            current = name.trim().to_owned();
            out.insert(current.clone(), (0, BTreeSet::new()));
            in_fields = false;
        } else if let Some(n) = line.strip_prefix("Feature Count: ") {
            out.get_mut(&current).expect("layer").0 = n.trim().parse().expect("count");
        } else if line.starts_with("Data axis to CRS axis mapping") {
            in_fields = true;
        } else if in_fields {
            if let Some((field, _)) = line.split_once(": ") {
                out.get_mut(&current).expect("layer").1.insert(field.trim().to_owned());
            }
        }
    }
    out
}

/// `ogrinfo -al` on one layer: id attribute → POINT (x y) in EPSG:3857 metres.
fn ogr_points(file: &Path, layer: &str) -> BTreeMap<String, (f64, f64)> {
    let text =
        run(Command::new(require_tool("ogrinfo")).args(["-ro", "-al"]).arg(file).arg(layer), Duration::from_secs(60));
    let mut out = BTreeMap::new();
    let mut id = String::new();
    for line in text.lines().map(str::trim) {
        if let Some(v) = line.strip_prefix("id (String) = ") {
            id = v.to_owned();
        } else if let Some(p) = line.strip_prefix("POINT (").and_then(|p| p.strip_suffix(')')) {
            let mut it = p.split(' ').map(|v| v.parse::<f64>().expect("coordinate"));
            out.insert(id.clone(), (it.next().expect("x"), it.next().expect("y")));
        }
    }
    out
}

fn layer_counts(fs: &[DecodedFeature]) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for f in fs {
        *m.entry(f.layer.clone()).or_insert(0) += 1;
    }
    m
}

#[test]
fn gdal_and_python_read_our_tiles() {
    let python = root().join(".venv/bin/python");
    assert!(python.exists(), "{} is missing: run scripts/setup.sh", python.display());
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("demo.gpkg");
    let server = Server::start(&["demo", "--store", store.to_str().expect("path"), "--hazards", "600"]);
    let (_, body) = http("GET", &format!("{}/collections/hazards/items/hz-0001", server.url), None);
    let h: Value = serde_json::from_str(&body).expect("hazard json");
    let (lon, lat) = (
        h["geometry"]["coordinates"][0].as_f64().expect("lon"),
        h["geometry"]["coordinates"][1].as_f64().expect("lat"),
    );
    let (wx, wy) = lonlat_to_world(lon, lat);
    let at = |z: u8| ((wx * f64::from(1u32 << z)) as u32, (wy * f64::from(1u32 << z)) as u32);

    let mut files = Vec::new();
    for (path, z) in [("/tiles", 13u8), ("/tiles", 15), ("/tiles/hazards,shelters,teams", 8), ("/tiles", 11)] {
        let (x, y) = at(z);
        let (file, ours) = save_tile(&server, dir.path(), path, z, x, y);
        // GDAL: same layers, counts and attribute names.
        let ogr = ogr_summary(&file);
        let counts = layer_counts(&ours);
        assert_eq!(
            ogr.iter().map(|(l, (n, _))| (l.clone(), *n)).collect::<BTreeMap<_, _>>(),
            counts,
            "{}",
            file.display()
        );
        for (layer, (_, fields)) in &ogr {
            let ours_keys: BTreeSet<String> = ours
                .iter()
                .filter(|f| &f.layer == layer)
                .flat_map(|f| f.attrs.keys().cloned())
                .chain(["mvt_id".to_owned()])
                .collect();
            assert_eq!(fields, &ours_keys, "fields of {layer} in {}", file.display());
        }
        files.push((file, ours, z, at(z)));
    }

    // GDAL georeferences the tile from its path: hz-0001 must sit where it is, within one tile unit.
    let (file, _, z, _) = &files[0];
    let pts = ogr_points(file, "hazards");
    let (mx, my) = pts.get("hz-0001").copied().expect("hz-0001 in GDAL's reading");
    let (ex, ey) = (wx * 2.0 * HALF - HALF, HALF - wy * 2.0 * HALF);
    let unit = 2.0 * HALF / f64::from(1u32 << *z) / 4096.0;
    assert!(
        (mx - ex).abs() <= unit && (my - ey).abs() <= unit,
        "GDAL puts hz-0001 at {mx},{my}, expected {ex},{ey} (±{unit} m)"
    );

    // Python's mapbox-vector-tile: same features, ids, properties and coordinates.
    let mut cmd = Command::new(&python);
    cmd.arg(root().join("tests/e2e/decode_mvt.py"));
    for (f, ..) in &files {
        cmd.arg(f);
    }
    let decoded: Value = serde_json::from_str(&run(&mut cmd, Duration::from_secs(60))).expect("python json");
    for (file, ours, ..) in &files {
        let theirs = &decoded[file.to_str().expect("path")];
        for (layer, n) in layer_counts(ours) {
            let list = theirs[&layer].as_array().unwrap_or_else(|| panic!("python lacks {layer}"));
            assert_eq!(list.len(), n, "{layer} in {}", file.display());
            let mine: Vec<&DecodedFeature> = ours.iter().filter(|f| f.layer == layer).collect();
            for (a, b) in mine.iter().zip(list) {
                assert_eq!(Value::Object(a.attrs.clone()), b["properties"], "{layer} properties");
                assert_eq!(a.id, b["mvt_id"].as_u64());
                if b["type"] == "Point" {
                    let (x, y) = a.parts[0][0];
                    assert_eq!(b["coordinates"], serde_json::json!([x, y]), "{layer} point");
                }
            }
        }
    }
}
