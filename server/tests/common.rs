//! Helpers for the HTTP tests: a demo store in a temporary file and one-shot requests.

#![allow(dead_code)]

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use onemap_server::{app, AppState, ServiceInfo};
use onemap_store::{GpkgStore, Store};
use serde_json::Value;
use std::path::PathBuf;
use std::sync::Arc;
use tower::ServiceExt;

pub struct TestApp {
    pub store: Arc<dyn Store>,
    pub router: Router,
    pub _dir: tempfile::TempDir,
}

pub fn frontend() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../frontend")
}

/// A store holding the demo county (seed 1, `hazards` hazard points) and an app over it.
pub fn demo_app(hazards: usize, body_limit: usize) -> TestApp {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = GpkgStore::open(dir.path().join("t.gpkg")).expect("open");
    onemap_import::demo::load(&store, onemap_import::demo::generate(1, hazards)).expect("demo");
    let store: Arc<dyn Store> = Arc::new(store);
    let info = ServiceInfo {
        demo: true,
        frontend_dir: frontend(),
        icons_dir: frontend().join("../styles/icons"),
        body_limit,
        ..ServiceInfo::default()
    };
    let router = app(AppState::new(Arc::clone(&store), info));
    TestApp { store, router, _dir: dir }
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
    pub text: String,
    pub bytes: Vec<u8>,
}

impl TestApp {
    pub async fn send(&self, method: Method, uri: &str, body: Option<String>, headers: &[(&str, &str)]) -> Reply {
        let mut req = Request::builder().method(method).uri(uri).header("host", "onemap.test");
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        if body.is_some() {
            req = req.header("content-type", "application/json");
        }
        let req = req.body(body.map_or_else(Body::empty, Body::from)).expect("request");
        let res = self.router.clone().oneshot(req).await.expect("response");
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.expect("body").to_bytes();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Reply { status, headers, body, text, bytes: bytes.to_vec() }
    }

    pub async fn get(&self, uri: &str) -> Reply {
        self.send(Method::GET, uri, None, &[]).await
    }

    pub async fn json(&self, method: Method, uri: &str, body: &Value, headers: &[(&str, &str)]) -> Reply {
        self.send(method, uri, Some(body.to_string()), headers).await
    }
}

/// Asserts an OGC exception with `status` whose description mentions `needle`.
pub fn assert_error(r: &Reply, status: StatusCode, needle: &str) {
    assert_eq!(r.status, status, "body: {}", r.text);
    let d = r.body["description"].as_str().unwrap_or("");
    assert!(d.contains(needle), "`{needle}` not in error description `{d}`");
    assert!(r.body["code"].is_string(), "no code in {}", r.text);
}
