//! GDAL as the client: `ogrinfo`/`ogr2ogr` read our OGC API and our GeoPackage.

use onemap_e2e::{require_tool, run, Server};
use std::process::Command;
use std::time::Duration;

fn demo_server(dir: &std::path::Path, hazards: &str) -> Server {
    let store = dir.join("demo.gpkg");
    Server::start(&["demo", "--store", store.to_str().expect("utf-8 path"), "--hazards", hazards])
}

/// GDAL's header option carrying the demo `role` account's key.
fn bearer(server: &Server, role: &str) -> String {
    format!("Authorization: Bearer {}", server.key(role))
}

#[test]
fn ogrinfo_is_refused_without_a_key() {
    require_tool("ogrinfo");
    let dir = tempfile_dir();
    let server = demo_server(dir.path(), "5");
    let out = Command::new("ogrinfo").args(["-ro", "-q", &format!("OAPIF:{}", server.url)]).output().expect("ogrinfo");
    assert!(!out.status.success(), "ogrinfo read a protected server without a key");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("401"), "{err}");
}

#[test]
fn a_partner_system_reads_features_without_personal_data() {
    require_tool("ogr2ogr");
    let dir = tempfile_dir();
    let server = demo_server(dir.path(), "30");
    let out = dir.path().join("shelters.geojson");
    let auth = bearer(&server, "external");
    let url = format!("OAPIF:{}", server.url);
    let dest = out.to_str().expect("path");
    run(
        Command::new("ogr2ogr").args(["--config", "GDAL_HTTP_HEADERS", &auth, "-f", "GeoJSON", dest, &url, "shelters"]),
        Duration::from_secs(60),
    );
    let fc: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).expect("read")).expect("json");
    let features = fc["features"].as_array().expect("features");
    assert!(features.len() > 10, "{} shelters", features.len());
    for f in features {
        let p = &f["properties"];
        assert!(p["name"].is_string(), "{p}");
        assert!(p.get("phone").is_none_or(serde_json::Value::is_null), "a phone number reached a partner: {p}");
        assert!(p.get("responsible").is_none_or(serde_json::Value::is_null), "a name reached a partner: {p}");
    }
}

#[test]
fn ogrinfo_lists_the_collections_over_ogc_api() {
    require_tool("ogrinfo");
    let dir = tempfile_dir();
    let server = demo_server(dir.path(), "50");
    let auth = bearer(&server, "viewer");
    let out = run(
        Command::new("ogrinfo").args([
            "-ro",
            "-q",
            "--config",
            "GDAL_HTTP_HEADERS",
            &auth,
            &format!("OAPIF:{}", server.url),
        ]),
        Duration::from_secs(60),
    );
    for layer in ["hazards", "risk_zones", "shelters", "evacuation_routes", "depots", "teams", "admin_areas", "roads"] {
        assert!(out.contains(layer), "ogrinfo did not list {layer}:\n{out}");
    }
}

#[test]
fn ogr2ogr_reads_every_feature_through_the_next_links() {
    require_tool("ogr2ogr");
    let dir = tempfile_dir();
    let server = demo_server(dir.path(), "1234");
    let out = dir.path().join("hazards.geojson");
    let auth = bearer(&server, "commander");
    run(
        Command::new("ogr2ogr").args([
            "--config",
            "GDAL_HTTP_HEADERS",
            &auth,
            "-f",
            "GeoJSON",
            out.to_str().expect("path"),
            &format!("OAPIF:{}", server.url),
            "hazards",
            "-oo",
            "PAGE_SIZE=100",
        ]),
        Duration::from_secs(120),
    );
    let fc: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).expect("read")).expect("json");
    let features = fc["features"].as_array().expect("features");
    assert_eq!(features.len(), 1234, "GDAL did not page through every feature");
    let mut ids: Vec<&str> =
        features.iter().filter_map(|f| f["properties"]["id"].as_str().or(f["id"].as_str())).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 1234, "duplicate or missing ids across pages");
    let first = &features[0]["properties"];
    assert!(first["risk_level"].is_string() && first["township"].is_string(), "properties missing: {first}");
}

#[test]
fn ogrinfo_reads_the_store_file_with_types_and_counts() {
    require_tool("ogrinfo");
    let dir = tempfile_dir();
    let store = dir.path().join("demo.gpkg");
    run(
        Command::new(onemap_e2e::onemap_bin()).args([
            "demo",
            "--no-serve",
            "--hazards",
            "77",
            "--store",
            store.to_str().expect("path"),
        ]),
        Duration::from_secs(60),
    );
    let out = run(
        Command::new("ogrinfo").args(["-ro", "-al", "-so", store.to_str().expect("path")]),
        Duration::from_secs(60),
    );
    let expect = [
        ("hazards", "Point", Some(77)),
        ("shelters", "Point", Some(36)),
        ("depots", "Point", Some(7)),
        ("teams", "Point", Some(24)),
        ("roads", "Line String", None),
        ("evacuation_routes", "Line String", None),
        ("risk_zones", "Multi Polygon", Some(14)),
        ("admin_areas", "Multi Polygon", Some(79)),
    ];
    for (layer, geom, count) in expect {
        let block = out
            .split("Layer name: ")
            .find(|b| b.starts_with(&format!("{layer}\n")))
            .unwrap_or_else(|| panic!("no layer {layer}:\n{out}"));
        assert!(block.contains(&format!("Geometry: {geom}\n")), "{layer} is not {geom}:\n{block}");
        let n: usize = block
            .split("Feature Count: ")
            .nth(1)
            .and_then(|s| s.lines().next())
            .and_then(|s| s.trim().parse().ok())
            .expect("count");
        match count {
            Some(c) => assert_eq!(n, c, "{layer}"),
            None => assert!(n > 0, "{layer} is empty"),
        }
        assert!(
            block.contains("EPSG\",4326") || block.contains("ID[\"EPSG\",4326]") || block.contains("WGS 84"),
            "{layer} has no WGS 84 SRS"
        );
    }
}

fn tempfile_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("tempdir")
}
