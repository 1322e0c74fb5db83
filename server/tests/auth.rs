//! Authentication: a store without accounts serves everyone; once it has one, every request but
//! the page's files and the OGC landing/conformance documents needs a valid API key (401 with
//! `WWW-Authenticate` otherwise), and disabling the account stops its key at once.

mod common;

use axum::http::StatusCode;
use common::{frontend, TestApp};
use onemap_model::{NewAccount, Role};
use onemap_server::{app, AppState, ServiceInfo};
use onemap_store::accounts::AccountStore;
use onemap_store::{GpkgStore, Store};
use std::sync::Arc;

fn app_with_accounts() -> (TestApp, Arc<GpkgStore>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Arc::new(GpkgStore::open(dir.path().join("a.gpkg")).expect("open"));
    onemap_import::demo::load(store.as_ref(), onemap_import::demo::generate(1, 10)).expect("demo");
    let accounts: Arc<dyn AccountStore> = store.clone();
    let dyn_store: Arc<dyn Store> = store.clone();
    let info = ServiceInfo { frontend_dir: frontend(), body_limit: 1 << 20, ..ServiceInfo::default() };
    let router = app(AppState::new(Arc::clone(&dyn_store), info).with_accounts(accounts));
    (TestApp { store: dyn_store, router, _dir: dir }, store)
}

#[tokio::test]
async fn a_store_without_accounts_serves_everyone() {
    let (t, _) = app_with_accounts();
    assert_eq!(t.get("/collections").await.status, StatusCode::OK);
    let me = t.get("/auth/me").await;
    assert_eq!((me.status, me.body["open"].clone()), (StatusCode::OK, serde_json::json!(true)));
}

#[tokio::test]
async fn with_an_account_every_request_needs_a_valid_key() {
    let (t, store) = app_with_accounts();
    let new = NewAccount { name: "ops".into(), role: Role::Commander, township: None };
    store.add_account(&new, None).expect("add");
    let key = store.issue_key("ops").expect("key");
    let bearer = format!("Bearer {key}");
    let auth = [("authorization", bearer.as_str())];

    let r = t.get("/collections/hazards/items").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.text);
    assert_eq!(r.headers["www-authenticate"], "Bearer realm=\"onemap\"");
    assert_eq!(r.body["code"], "Unauthorized");
    for open in ["/conformance", "/?f=json", "/static/app.js"] {
        assert_eq!(t.get(open).await.status, StatusCode::OK, "{open} is public");
    }
    let r = t
        .send(
            axum::http::Method::GET,
            "/tiles/hazards/10/0/0.mvt",
            None,
            &[("authorization", "Bearer om_000000000000_x")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "an unknown key");

    let r = t.send(axum::http::Method::GET, "/collections/hazards/items", None, &auth).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["numberMatched"], 10);
    let me = t.send(axum::http::Method::GET, "/auth/me", None, &auth).await;
    assert_eq!((me.body["name"].as_str(), me.body["role"].as_str()), (Some("ops"), Some("commander")));

    // The key was verified once and is remembered; disabling the account still stops it at once.
    store.disable("ops").expect("disable");
    let r = t.send(axum::http::Method::GET, "/collections/hazards/items", None, &auth).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}
