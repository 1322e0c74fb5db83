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

#[tokio::test]
async fn writes_are_recorded_under_the_account_and_a_township_account_writes_only_its_township() {
    let (t, store) = app_with_accounts();
    let town = NewAccount { name: "镇应急办".into(), role: Role::Township, township: Some("519901001".into()) };
    store.add_account(&town, None).expect("add");
    let bearer = format!("Bearer {}", store.issue_key("镇应急办").expect("key"));
    let auth = [("authorization", bearer.as_str()), ("x-onemap-user", "someone else")];
    let hazard = |id: &str, township: &str| {
        serde_json::json!({"type": "Feature", "id": id, "geometry": {"type": "Point", "coordinates": [103.7, 30.9]},
            "properties": {"name": "后山滑坡", "kind": "landslide", "risk_level": "major", "township": township}})
    };
    let r = t.json(axum::http::Method::POST, "/collections/hazards/items", &hazard("in", "519901001"), &auth).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let h = t.send(axum::http::Method::GET, "/collections/hazards/items/in/history", None, &auth).await;
    assert_eq!(h.body["changes"][0]["actor"], "镇应急办", "the account, never the header");
    let before = store.summary(onemap_model::LayerId::HAZARDS, &onemap_model::Scope::All).count;
    let r = t.json(axum::http::Method::POST, "/collections/hazards/items", &hazard("out", "519901002"), &auth).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert_eq!(
        store.summary(onemap_model::LayerId::HAZARDS, &onemap_model::Scope::All).count,
        before,
        "nothing written"
    );
}
