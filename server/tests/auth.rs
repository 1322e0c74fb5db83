//! Authentication: a store without accounts serves everyone; once it has one, every request but
//! the page's files and the OGC landing/conformance documents needs a valid API key (401 with
//! `WWW-Authenticate` otherwise), and disabling the account stops its key at once.

mod common;

use axum::http::StatusCode;
use common::{frontend, TestApp};
use onemap_model::{NewAccount, Role};
use onemap_server::{app, AppState, ServiceInfo};
use onemap_store::accounts::AccountStore;
use onemap_store::{GpkgStore, Security, Store};
use std::sync::Arc;

fn app_with_accounts() -> (TestApp, Arc<GpkgStore>) {
    app_with(ServiceInfo::default())
}

fn app_with(info: ServiceInfo) -> (TestApp, Arc<GpkgStore>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Arc::new(GpkgStore::open(dir.path().join("a.gpkg")).expect("open"));
    onemap_import::demo::load(store.as_ref(), onemap_import::demo::generate(1, 10)).expect("demo");
    let accounts: Arc<dyn Security> = store.clone();
    let dyn_store: Arc<dyn Store> = store.clone();
    let info = ServiceInfo {
        frontend_dir: frontend(),
        icons_dir: frontend().join("../styles/icons"),
        body_limit: 1 << 20,
        ..info
    };
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

/// Logs `name` in; the session cookie (`name=value`) and the Set-Cookie header.
async fn login(t: &TestApp, name: &str, password: &str) -> (StatusCode, String, String) {
    let body = serde_json::json!({"name": name, "password": password});
    let r = t.json(axum::http::Method::POST, "/auth/login", &body, &[]).await;
    let set = r.headers.get("set-cookie").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    (r.status, set.split(';').next().unwrap_or_default().to_owned(), set)
}

fn officer(store: &GpkgStore, name: &str, role: Role) {
    store.add_account(&NewAccount { name: name.into(), role, township: None }, Some("a long passphrase")).expect("add");
}

#[tokio::test]
async fn the_browser_logs_in_gets_a_strict_cookie_and_logs_out() {
    let (t, store) = app_with_accounts();
    officer(&store, "duty", Role::Commander);
    let (status, _, _) = login(&t, "duty", "not the passphrase").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, cookie, set) = login(&t, "duty", "a long passphrase").await;
    assert_eq!(status, StatusCode::OK, "{set}");
    for part in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=43"] {
        assert!(set.contains(part), "{part} in {set}");
    }
    assert!(!set.contains("Secure"), "no https public URL: {set}");
    assert!(cookie.starts_with("onemap_session=os_"), "{cookie}");
    let me = t.send(axum::http::Method::GET, "/auth/me", None, &[("cookie", &cookie)]).await;
    assert_eq!(me.body["name"], "duty", "{}", me.text);
    let out = t.send(axum::http::Method::POST, "/auth/logout", None, &[("cookie", &cookie)]).await;
    assert_eq!(out.status, StatusCode::FORBIDDEN, "a bare cross-site POST cannot log anyone out");
    let page = [("cookie", cookie.as_str()), ("origin", "http://onemap.test")];
    let out = t.send(axum::http::Method::POST, "/auth/logout", Some("{}".into()), &page).await;
    assert_eq!(out.status, StatusCode::NO_CONTENT, "{}", out.text);
    assert!(out.headers["set-cookie"].to_str().unwrap_or_default().contains("Max-Age=0"));
    let r = t.send(axum::http::Method::GET, "/collections", None, &[("cookie", &cookie)]).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "the session ended");

    // Disabling the account ends its sessions at once.
    let (_, cookie, _) = login(&t, "duty", "a long passphrase").await;
    assert_eq!(
        t.send(axum::http::Method::GET, "/collections", None, &[("cookie", &cookie)]).await.status,
        StatusCode::OK
    );
    store.disable("duty").expect("disable");
    assert_eq!(
        t.send(axum::http::Method::GET, "/collections", None, &[("cookie", &cookie)]).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn behind_an_https_public_url_the_cookie_is_secure() {
    let info = ServiceInfo { public_url: Some("https://gis.example.org".into()), ..ServiceInfo::default() };
    let (t, store) = app_with(info);
    officer(&store, "duty", Role::Viewer);
    let (status, _, set) = login(&t, "duty", "a long passphrase").await;
    assert_eq!(status, StatusCode::OK);
    assert!(set.contains("; Secure"), "{set}");
}

#[tokio::test]
async fn a_cookie_request_from_another_site_or_as_plain_text_is_refused_and_writes_nothing() {
    let (t, store) = app_with_accounts();
    officer(&store, "duty", Role::Commander);
    let (_, cookie, _) = login(&t, "duty", "a long passphrase").await;
    let hazard = serde_json::json!({"type": "Feature", "geometry": {"type": "Point", "coordinates": [103.7, 30.9]},
        "properties": {"name": "跨站", "kind": "landslide", "risk_level": "major", "township": "519901001"}});
    let count = || store.summary(onemap_model::LayerId::HAZARDS, &onemap_model::Scope::All).count;
    let before = count();
    let post = |ct: &'static str, origin: Option<&'static str>| {
        let mut h = vec![("cookie", cookie.clone()), ("content-type", ct.to_owned())];
        h.extend(origin.map(|o| ("origin", o.to_owned())));
        h
    };
    for (ct, origin) in [
        ("text/plain", Some("http://onemap.test")),
        ("application/json", None),
        ("application/json", Some("http://evil.test")),
        ("application/x-www-form-urlencoded", Some("http://onemap.test")),
    ] {
        let headers = post(ct, origin);
        let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = send_raw(&t, "/collections/hazards/items", hazard.to_string(), &headers).await;
        assert_eq!(r.0, StatusCode::FORBIDDEN, "{ct} from {origin:?}: {}", r.1);
        assert_eq!(count(), before, "{ct} from {origin:?}: nothing written");
    }
    let headers = post("application/geo+json", Some("http://onemap.test"));
    let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = send_raw(&t, "/collections/hazards/items", hazard.to_string(), &headers).await;
    assert_eq!(r.0, StatusCode::CREATED, "the page's own request: {}", r.1);
    assert_eq!(count(), before + 1);
}

/// A POST with exactly these headers (the test helper would add a JSON content type).
async fn send_raw(t: &TestApp, uri: &str, body: String, headers: &[(&str, &str)]) -> (StatusCode, String) {
    use tower::ServiceExt;
    let mut req = axum::http::Request::post(uri).header("host", "onemap.test");
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let res =
        t.router.clone().oneshot(req.body(axum::body::Body::from(body)).expect("request")).await.expect("response");
    let status = res.status();
    let bytes = http_body_util::BodyExt::collect(res.into_body()).await.expect("body").to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

#[tokio::test]
async fn failed_logins_are_limited_and_everything_is_audited() {
    let (t, store) = app_with_accounts();
    officer(&store, "duty", Role::Commander);
    officer(&store, "wall", Role::Viewer);
    for i in 0..5 {
        assert_eq!(login(&t, "duty", &format!("guess {i}")).await.0, StatusCode::UNAUTHORIZED, "guess {i}");
    }
    let body = serde_json::json!({"name": "duty", "password": "a long passphrase"});
    let r = t.json(axum::http::Method::POST, "/auth/login", &body, &[]).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "even the right password waits: {}", r.text);
    let wait: u64 = r.headers["retry-after"].to_str().unwrap_or_default().parse().expect("seconds");
    assert!((1..=900).contains(&wait), "{wait}");
    assert_eq!(login(&t, "wall", "a long passphrase").await.0, StatusCode::OK, "another account is not held up");

    let key = store.issue_key("duty").expect("key");
    let bearer = format!("Bearer {key}");
    let hazard = serde_json::json!({"type": "Feature", "id": "audited", "geometry": {"type": "Point", "coordinates": [103.7, 30.9]},
        "properties": {"name": "审计", "kind": "landslide", "risk_level": "major", "township": "519901001"}});
    let r =
        t.json(axum::http::Method::POST, "/collections/hazards/items", &hazard, &[("authorization", &bearer)]).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let audit = t.send(axum::http::Method::GET, "/audit?limit=100", None, &[("authorization", &bearer)]).await;
    assert_eq!(audit.status, StatusCode::OK, "{}", audit.text);
    let entries = audit.body["entries"].as_array().expect("entries").clone();
    let kinds: Vec<&str> = entries.iter().filter_map(|e| e["kind"].as_str()).collect();
    assert_eq!(kinds.iter().filter(|k| **k == "login_failed").count(), 6, "{kinds:?}");
    assert_eq!(kinds.iter().filter(|k| **k == "login").count(), 1, "{kinds:?}");
    let write = entries.iter().find(|e| e["kind"] == "write").expect("the write");
    assert_eq!(
        (write["account"].as_str(), write["target"].as_str()),
        (Some("duty"), Some("POST /collections/hazards/items"))
    );
    assert!(write["detail"].as_str().unwrap_or_default().starts_with("201"), "{write}");
    assert!(!audit.text.contains(&key) && !audit.text.contains("a long passphrase"), "no secrets in the trail");
    let only =
        t.send(axum::http::Method::GET, "/audit?kind=login&account=wall", None, &[("authorization", &bearer)]).await;
    assert_eq!(only.body["entries"].as_array().map(Vec::len), Some(1), "{}", only.text);
    let bad = t.send(axum::http::Method::GET, "/audit?kind=coffee", None, &[("authorization", &bearer)]).await;
    assert_eq!((bad.status, bad.body["field"].as_str()), (StatusCode::BAD_REQUEST, Some("kind")));

    let wall = format!("Bearer {}", store.issue_key("wall").expect("key"));
    let r = t.send(axum::http::Method::GET, "/audit", None, &[("authorization", &wall)]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "the map wall does not read the audit trail");
    let r = t.json(axum::http::Method::POST, "/collections/hazards/items", &hazard, &[("authorization", &wall)]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let refused = t.send(axum::http::Method::GET, "/audit?kind=refused", None, &[("authorization", &bearer)]).await;
    assert_eq!(refused.body["entries"][0]["account"], "wall", "{}", refused.text);
}

#[tokio::test]
async fn other_sites_read_only_from_listed_origins() {
    let (t, _) = app_with_accounts();
    let r = t.send(axum::http::Method::GET, "/conformance", None, &[("origin", "http://elsewhere.test")]).await;
    assert!(r.headers.get("access-control-allow-origin").is_none(), "no CORS by default");
    let info = ServiceInfo { cors_origins: vec!["https://partner.example".into()], ..ServiceInfo::default() };
    let (t, _) = app_with(info);
    let r = t.send(axum::http::Method::GET, "/conformance", None, &[("origin", "https://partner.example")]).await;
    assert_eq!(r.headers["access-control-allow-origin"], "https://partner.example");
    let r = t.send(axum::http::Method::GET, "/conformance", None, &[("origin", "http://elsewhere.test")]).await;
    assert!(r.headers.get("access-control-allow-origin").is_none());
}

/// A test identity provider's Ed25519 key pair (made for this test with `openssl genpkey
/// -algorithm ed25519`; it signs nothing else), and another key that is not the provider's.
const IDP_PRIVATE: &str = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIMae6YeKW3jW7vIIB3dnNhok6RFBz+EYB3w6N+H9++Am\n-----END PRIVATE KEY-----";
const IDP_PUBLIC: &str = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAMqAuAdNVkRNmKc0hIPJBpiU918Sy7CJT5hNrgiMXSo4=\n-----END PUBLIC KEY-----";
const NOT_THE_IDP: &str = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIPff0e2xXfOexEjI9EHMPB6NexBjAzJVFtUwtm97P/sE\n-----END PRIVATE KEY-----";

fn jwt(signing_pem: &str, claims: serde_json::Value) -> String {
    let key = jsonwebtoken::EncodingKey::from_ed_pem(signing_pem.as_bytes()).expect("key");
    jsonwebtoken::encode(&jsonwebtoken::Header::new(jsonwebtoken::Algorithm::EdDSA), &claims, &key).expect("sign")
}

#[tokio::test]
async fn tokens_of_the_identity_provider_name_role_and_township() {
    let sso =
        onemap_server::auth::sso::Sso::from_pem(IDP_PUBLIC.as_bytes(), Some("https://idp.bureau"), None).expect("key");
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Arc::new(GpkgStore::open(dir.path().join("j.gpkg")).expect("open"));
    onemap_import::demo::load(store.as_ref(), onemap_import::demo::generate(1, 30)).expect("demo");
    let security: Arc<dyn Security> = store.clone();
    let dyn_store: Arc<dyn Store> = store.clone();
    let info = ServiceInfo {
        frontend_dir: frontend(),
        icons_dir: frontend().join("../styles/icons"),
        body_limit: 1 << 20,
        ..ServiceInfo::default()
    };
    let state = AppState::new(Arc::clone(&dyn_store), info).with_accounts(security).with_sso(sso).expect("sso");
    let t = TestApp { store: dyn_store, router: app(state), _dir: dir };
    assert_eq!(t.get("/collections").await.status, StatusCode::UNAUTHORIZED, "no local account, still protected");

    let exp = chrono::Utc::now().timestamp() + 600;
    let claims = |sub: &str, role: &str, township: Option<&str>, exp: i64| serde_json::json!({"sub": sub, "role": role, "township": township, "exp": exp, "iss": "https://idp.bureau"});
    let t = &t;
    let call = |token: String| async move {
        let bearer = format!("Bearer {token}");
        t.send(axum::http::Method::GET, "/collections/hazards/items?limit=1000", None, &[("authorization", &bearer)])
            .await
    };
    let r = call(jwt(IDP_PRIVATE, claims("张镇长", "township", Some("519901001"), exp))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let scope = onemap_model::Scope::Areas(vec!["519901001".into()]);
    let own = store.summary(onemap_model::LayerId::HAZARDS, &scope).count;
    assert!(own > 0 && own < 30);
    assert_eq!(r.body["numberMatched"], own, "the token's township scopes the reads");

    for (token, why) in [
        (jwt(IDP_PRIVATE, claims("张镇长", "township", Some("519901001"), exp - 3600)), "expired"),
        (jwt(NOT_THE_IDP, claims("张镇长", "commander", None, exp)), "signature"),
        (jwt(IDP_PRIVATE, claims("张镇长", "emperor", None, exp)), "emperor"),
        (jwt(IDP_PRIVATE, claims("张镇长", "township", None, exp)), "township"),
        (
            jwt(IDP_PRIVATE, serde_json::json!({"sub": "x", "role": "viewer", "exp": exp, "iss": "https://elsewhere"})),
            "issuer",
        ),
    ] {
        let r = call(token).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{why}: {}", r.text);
        assert!(r.text.contains(why), "`{why}` in {}", r.text);
    }
    // A local account of that name that is disabled stops the provider's tokens.
    store.add_account(&NewAccount { name: "王指挥".into(), role: Role::Commander, township: None }, None).expect("add");
    let token = jwt(IDP_PRIVATE, claims("王指挥", "commander", None, exp));
    assert_eq!(call(token.clone()).await.status, StatusCode::OK);
    store.disable("王指挥").expect("disable");
    assert_eq!(call(token).await.status, StatusCode::UNAUTHORIZED);
}
