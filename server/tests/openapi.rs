//! `/api` is valid OpenAPI 3.0 (checked by openapi-spec-validator, somebody else's reader) and
//! lists every route the router serves; every path it lists is served.

mod common;

use axum::http::{Method, StatusCode};
use common::demo_app;
use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;

fn python() -> PathBuf {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.venv/bin/python");
    assert!(p.exists(), "{} is missing: run scripts/setup.sh", p.display());
    p
}

#[tokio::test]
async fn the_api_document_is_valid_openapi_3() {
    let app = demo_app(10, 1 << 20);
    let r = app.get("/api").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["openapi"], "3.0.3");
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("api.json");
    std::fs::write(&file, &r.bytes).expect("write");
    let out = Command::new(python())
        .args(["-c", "import json, sys\nfrom openapi_spec_validator import validate\nvalidate(json.load(open(sys.argv[1])))\nprint('valid')"])
        .arg(&file)
        .output()
        .expect("python runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "openapi-spec-validator refused /api:\n{stderr}");
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "valid");

    // The validator is not a rubber stamp: a broken copy is refused.
    let mut broken = r.body.clone();
    broken["paths"]["/collections"]["get"]["responses"] = Value::String("none".into());
    std::fs::write(&file, broken.to_string()).expect("write");
    let out = Command::new(python())
        .args([
            "-c",
            "import json, sys\nfrom openapi_spec_validator import validate\nvalidate(json.load(open(sys.argv[1])))",
        ])
        .arg(&file)
        .output()
        .expect("python runs");
    assert!(!out.status.success(), "a document with responses = \"none\" passed validation");
}

/// A value for a path parameter that routes (the handler may still refuse it with a 4xx).
fn fill(path: &str) -> String {
    path.replace("{collectionId}", "hazards")
        .replace("{featureId}", "no-such-feature")
        .replace("{layers}", "hazards")
        .replace("{tileMatrixSetId}", "WebMercatorQuad")
        .replace("{tileMatrix}", "0")
        .replace("{tileRow}", "0")
        .replace("{tileCol}", "0")
        .replace("{z}", "0")
        .replace("{x}", "0")
        .replace("{y}", "0.mvt")
        .replace("{id}", "no-such-id")
        .replace("/static/vendor/{path}", "/static/vendor/maplibre-gl.mjs")
        .replace("{path}", "app.js")
        .replace("/sprites/{name}", "/sprites/onemap.json")
        .replace("{fontstack}", "Noto%20Sans%20CJK%20SC%20Regular")
        .replace("{range}", "0-255.pbf")
        .replace("{name}", "wall.json")
}

#[tokio::test]
async fn every_route_is_documented_and_every_documented_path_is_served() {
    let app = demo_app(10, 1 << 20);
    let api = app.get("/api").await.body;
    let paths = api["paths"].as_object().expect("paths");
    // Every route of the router: the handlers' own, and those served outside them.
    let routes = onemap_server::documented_routes().into_openapi();
    let mut served: Vec<String> = routes.paths.paths.keys().cloned().collect();
    served.extend(onemap_server::openapi::EXTRA_ROUTES.iter().map(|(p, _)| (*p).to_owned()));
    assert!(served.len() >= 35, "only {} routes found", served.len());
    for p in &served {
        assert!(paths.contains_key(p), "{p} is served but not in /api");
    }
    // Every documented operation reaches a handler: no bare 404 (no route) and no 405.
    let mut calls = 0;
    for (path, item) in paths {
        for method in ["get", "post", "put", "patch", "delete"] {
            if item.get(method).is_none() {
                continue;
            }
            let m = Method::from_bytes(method.to_uppercase().as_bytes()).expect("method");
            let uri = fill(path);
            let body = (method != "get" && method != "delete").then(|| "{}".to_owned());
            let r = app.send(m, &uri, body, &[]).await;
            calls += 1;
            assert_ne!(r.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {uri}: documented but not routed");
            assert!(
                !(r.status == StatusCode::NOT_FOUND && r.bytes.is_empty()),
                "{method} {uri}: documented but no route answers it"
            );
        }
    }
    assert!(calls > 60, "only {calls} operations called (per-collection paths expected)");
}
