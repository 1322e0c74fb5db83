//! The access matrix: every route of the router (its documented handlers and the routes served
//! outside them) × every role × in and out of a township's scope, on the demo county with
//! routing and an account per role. Each call's status is checked against the route's rule and
//! the role table, a refused write must leave the store as it was, and no 2xx body may carry a
//! feature the caller must not see (a township account: another township's ids) or personal
//! data (a partner system: the phones and names of responsible people). The routes come from
//! the router itself, so a route added without a rule, or without a call here, fails this test.

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use common::{frontend, TestApp};
use http_body_util::BodyExt;
use onemap_model::{Feature, LayerId, NewAccount, NewFeature, Role, Scope};
use onemap_server::policy::{self, Need};
use onemap_server::{app, AppState, ServiceInfo};

use onemap_store::{GpkgStore, Query, Store, Writer};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use tower::ServiceExt;

/// The township the `township` account is scoped to (the demo's first, 青山镇).
const TOWNSHIP: &str = "519901001";
const BOUNDARY: &str = "matrix-boundary";
const PASSWORD: &str = "matrix passphrase";

struct World {
    app: TestApp,
    keys: BTreeMap<Role, String>,
    /// Per non-context layer: a feature inside the township and one outside it (if any).
    inside: BTreeMap<LayerId, Arc<Feature>>,
    outside: BTreeMap<LayerId, Arc<Feature>>,
    /// Ids a township caller must never get: the other townships' features.
    foreign_ids: Vec<String>,
    /// Personal values a partner system must never get.
    personal: Vec<String>,
    /// An import job of the commander's, which only the commander sees.
    commander_job: String,
    center: [f64; 2],
    /// Another point on the network, a few kilometres away.
    elsewhere: [f64; 2],
    /// Where the matrix closes roads: the county's corner, away from the routing calls.
    corner: [f64; 2],
}

fn all(store: &dyn Store, layer: LayerId) -> Vec<Arc<Feature>> {
    let q = Query { limit: usize::MAX, any_order: true, ..Query::default() };
    store.query(layer, &q, &Scope::All).expect("query").features
}

async fn world() -> World {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Arc::new(GpkgStore::open(dir.path().join("m.gpkg")).expect("open"));
    onemap_import::demo::load(store.as_ref(), onemap_import::demo::generate(1, 60)).expect("demo");
    let dyn_store: Arc<dyn Store> = store.clone();
    let engine = onemap_routing_service::load_engine(store.as_ref(), None, None).expect("roads").expect("roads");
    let info = ServiceInfo {
        demo: true,
        frontend_dir: frontend(),
        icons_dir: frontend().join("../styles/icons"),
        body_limit: 1 << 20,
        ..ServiceInfo::default()
    };
    let accounts: Arc<dyn onemap_store::Security> = store.clone();
    let state = AppState::new(Arc::clone(&dyn_store), info)
        .with_routing(engine, Some(dir.path().join("m.closures.json")))
        .expect("routing")
        .with_accounts(Arc::clone(&accounts));
    let mut keys = BTreeMap::new();
    for &role in Role::ALL {
        let township = (role == Role::Township).then(|| TOWNSHIP.to_owned());
        let new = NewAccount { name: format!("m-{role}"), role, township };
        accounts.add_account(&new, Some(PASSWORD)).expect("account");
        keys.insert(role, accounts.issue_key(&new.name).expect("key"));
    }
    let scope = Scope::Areas(vec![TOWNSHIP.into()]);
    let (mut inside, mut outside, mut foreign_ids, mut personal) = (BTreeMap::new(), BTreeMap::new(), vec![], vec![]);
    let mut extent = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
    for &layer in store.registry().layers() {
        for f in all(store.as_ref(), layer) {
            let props = f.geojson().properties;
            personal.extend(layer.def().personal.iter().filter_map(|p| props.get(*p)?.as_str().map(str::to_owned)));
            if layer.def().context {
                continue;
            }
            if scope.contains(&f.properties) {
                inside.entry(layer).or_insert_with(|| Arc::clone(&f));
            } else {
                foreign_ids.push(f.id.clone());
                outside.entry(layer).or_insert_with(|| Arc::clone(&f));
            }
        }
        if let Some(e) = store.summary(layer, &Scope::All).extent {
            extent = [extent[0].min(e[0]), extent[1].min(e[1]), extent[2].max(e[2]), extent[3].max(e[3])];
        }
    }
    personal.retain(|p| p.chars().count() >= 2 && p != "演示数据生成器");
    assert!(inside.len() >= 5 && outside.len() >= 6, "the demo spreads its layers over several townships");
    assert!(
        foreign_ids.len() > 50 && personal.len() > 50,
        "{} foreign, {} personal",
        foreign_ids.len(),
        personal.len()
    );
    // A vertex of a secondary road near the middle: routing calls start on every profile's network.
    let mid = [(extent[0] + extent[2]) / 2.0, (extent[1] + extent[3]) / 2.0];
    let d = |c: &geo::Coord, to: [f64; 2]| (c.x - to[0]).powi(2) + (c.y - to[1]).powi(2);
    let vertices: Vec<geo::Coord> = all(store.as_ref(), LayerId::ROADS)
        .iter()
        .filter(|f| f.geojson().properties.get("highway").and_then(Value::as_str) == Some("secondary"))
        .filter_map(|f| match &f.geometry {
            geo::Geometry::LineString(l) => Some(l.0.clone()),
            _ => None,
        })
        .flatten()
        .collect();
    let nearest = |to: [f64; 2]| {
        let v = vertices.iter().min_by(|a, b| d(a, to).total_cmp(&d(b, to))).expect("roads");
        [v.x, v.y]
    };
    let center = nearest(mid);
    let elsewhere = nearest([mid[0] + 0.03, mid[1] + 0.02]);
    let app = TestApp { store: dyn_store, router: app(state), _dir: dir };
    let mut w = World {
        app,
        keys,
        inside,
        outside,
        foreign_ids,
        personal,
        commander_job: String::new(),
        center,
        elsewhere,
        corner: [extent[0], extent[1]],
    };
    let job = w.call(Some(Role::Commander), &import_call("M0")).await;
    assert_eq!(job.0, StatusCode::CREATED, "{}", job.1);
    w.commander_job = serde_json::from_str::<Value>(&job.1).expect("job")["id"].as_str().expect("id").to_owned();
    w
}

/// Makes a call on a layer's feature (`None`: the layer has none there); `true`: outside.
type MakeCall<'a> = dyn Fn(LayerId, Option<&Arc<Feature>>, bool) -> Option<Call> + 'a;

/// One request of the matrix.
#[derive(Clone)]
struct Call {
    method: Method,
    uri: String,
    body: Option<(String, Vec<u8>)>,
    /// The layer a feature write touches.
    writes: Option<LayerId>,
    /// Whether the feature named or sent lies outside the township.
    outside: bool,
    /// Whether the feature named exists already (a write to it from outside the scope is 404).
    existing: bool,
}

fn get(uri: impl Into<String>) -> Call {
    Call { method: Method::GET, uri: uri.into(), body: None, writes: None, outside: false, existing: false }
}

fn json_call(method: Method, uri: impl Into<String>, body: Value) -> Call {
    let body = Some(("application/json".to_owned(), body.to_string().into_bytes()));
    Call { body, ..Call { method, ..get(uri) } }
}

fn import_call(id: &str) -> Call {
    let csv = format!(
        "编号,名称,类型,经度,纬度,风险等级,受威胁人数,乡镇代码\n{id},矩阵一号,滑坡,103.95,30.55,重大,30,{TOWNSHIP}\n"
    );
    let mut body = Vec::new();
    for (name, file, bytes) in [("layer", None, &b"hazards"[..]), ("file", Some("m.csv"), csv.as_bytes())] {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        let disposition = match file {
            Some(f) => format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\n\r\n"),
            None => format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n"),
        };
        body.extend_from_slice(disposition.as_bytes());
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    let content_type = format!("multipart/form-data; boundary={BOUNDARY}");
    Call { method: Method::POST, body: Some((content_type, body)), ..get("/imports?wait=true") }
}

/// A fresh copy of `f` (new id) as a GeoJSON Feature.
fn copy_of(f: &Feature, id: &str) -> Value {
    let mut g = serde_json::to_value(f.geojson()).expect("geojson");
    g["id"] = json!(id);
    g
}

impl World {
    async fn call(&self, role: Option<Role>, c: &Call) -> (StatusCode, String, Vec<u8>) {
        let mut req = Request::builder().method(c.method.clone()).uri(&c.uri).header("host", "onemap.test");
        if let Some(key) = role.and_then(|r| self.keys.get(&r)) {
            req = req.header("authorization", format!("Bearer {key}"));
        }
        if let Some((ct, _)) = &c.body {
            req = req.header("content-type", ct);
        }
        let body = c.body.as_ref().map_or_else(Body::empty, |(_, b)| Body::from(b.clone()));
        let res = self.app.router.clone().oneshot(req.body(body).expect("request")).await.expect("response");
        let status = res.status();
        let bytes = res.into_body().collect().await.expect("body").to_bytes().to_vec();
        (status, String::from_utf8_lossy(&bytes).into_owned(), bytes)
    }

    /// The store's state as far as a refused write could change it.
    fn fingerprint(&self) -> Vec<(usize, Option<String>)> {
        let s = &self.app.store;
        s.registry()
            .layers()
            .iter()
            .map(|&l| {
                let sum = s.summary(l, &Scope::All);
                (sum.count, sum.last_updated.map(|t| t.to_rfc3339()))
            })
            .collect()
    }

    /// A feature of `layer` put in by the system for a call to delete.
    fn victim(&self, layer: LayerId, from: &Feature, id: &str) -> String {
        let nf = NewFeature {
            id: Some(id.to_owned()),
            geometry: from.geometry.clone(),
            properties: from.properties.clone(),
        };
        self.app.store.insert(layer, vec![nf], &Writer::system("matrix")).expect("victim");
        id.to_owned()
    }

    /// The concrete calls of `method route` for `role`.
    fn calls(&self, method: &str, route: &str, role: Role, n: &mut usize) -> Vec<Call> {
        let c = self.center;
        let at = format!("{},{}", c[0], c[1]);
        let (z, x, y) = tile_of(c, 12);
        let layers = self.app.store.registry().layers().to_vec();
        let mut out = Vec::new();
        let mut fresh = |tag: &str| {
            *n += 1;
            format!("m{n}-{role}-{tag}")
        };
        let per_layer = |f: &MakeCall| -> Vec<Call> {
            let mut v = Vec::new();
            for &l in &layers {
                if l.def().context {
                    let any = all(self.app.store.as_ref(), l).into_iter().next();
                    v.extend(f(l, any.as_ref(), false));
                } else {
                    v.extend(f(l, self.inside.get(&l), false));
                    v.extend(f(l, self.outside.get(&l), true));
                }
            }
            v
        };
        let item = |l: LayerId, f: &Feature| format!("/collections/{}/items/{}", l.as_str(), f.id);
        match (method, route) {
            ("GET", "/collections/{collectionId}" | "/collections/{collectionId}/queryables")
            | ("GET", "/collections/{collectionId}/items" | "/collections/{collectionId}/tiles")
            | ("GET", "/collections/{collectionId}/tiles/{tileMatrixSetId}") => {
                for &l in &layers {
                    let uri =
                        route.replace("{collectionId}", l.as_str()).replace("{tileMatrixSetId}", "WebMercatorQuad");
                    let q = if route.ends_with("/items") { "?limit=10000" } else { "" };
                    out.push(get(format!("{uri}{q}")));
                }
            }
            ("GET", "/collections/{collectionId}/tiles/{tileMatrixSetId}/{tileMatrix}/{tileRow}/{tileCol}") => {
                for &l in &layers {
                    out.push(get(format!("/collections/{}/tiles/WebMercatorQuad/{z}/{y}/{x}", l.as_str())));
                }
            }
            (
                "GET",
                "/collections/{collectionId}/items/{featureId}"
                | "/collections/{collectionId}/items/{featureId}/history",
            ) => {
                let suffix = if route.ends_with("/history") { "/history" } else { "" };
                out = per_layer(&|l, f, outside| {
                    f.map(|f| Call { outside, existing: true, ..get(format!("{}{suffix}", item(l, f))) })
                });
            }
            ("POST", "/collections/{collectionId}/items") => {
                let ids: Vec<String> = (0..layers.len() * 2).map(|_| fresh("new")).collect();
                let ids = std::sync::Mutex::new(ids.into_iter());
                out = per_layer(&|l, f, outside| {
                    let id = ids.lock().ok()?.next()?;
                    f.map(|f| Call {
                        writes: Some(l),
                        outside,
                        ..json_call(Method::POST, format!("/collections/{}/items", l.as_str()), copy_of(f, &id))
                    })
                });
            }
            ("PUT" | "PATCH", "/collections/{collectionId}/items/{featureId}") => {
                let m = Method::from_bytes(method.as_bytes()).expect("method");
                out = per_layer(&|l, f, outside| {
                    let body = if m == Method::PUT {
                        let mut g = serde_json::to_value(f?.geojson()).ok()?;
                        g.as_object_mut()?.retain(|k, _| matches!(k.as_str(), "type" | "geometry" | "properties"));
                        g
                    } else {
                        json!({"properties": {}})
                    };
                    Some(Call { writes: Some(l), outside, existing: true, ..json_call(m.clone(), item(l, f?), body) })
                });
            }
            ("DELETE", "/collections/{collectionId}/items/{featureId}") => {
                let tags: Vec<String> = (0..layers.len() * 2).map(|_| fresh("del")).collect();
                let tags = std::sync::Mutex::new(tags.into_iter());
                out = per_layer(&|l, f, outside| {
                    let id = self.victim(l, f?, &tags.lock().ok()?.next()?);
                    let uri = format!("/collections/{}/items/{id}", l.as_str());
                    Some(Call { method: Method::DELETE, writes: Some(l), outside, existing: true, ..get(uri) })
                });
            }
            ("GET", "/tiles/{z}/{x}/{y}") => {
                for zoom in [9, 12, 15] {
                    let (z, x, y) = tile_of(c, zoom);
                    out.push(get(format!("/tiles/{z}/{x}/{y}.mvt")));
                }
            }
            ("GET", "/tiles/{layers}/{z}/{x}/{y}") => {
                out.push(get(format!("/tiles/hazards,shelters,teams/{z}/{x}/{y}.mvt")))
            }
            ("GET", "/tiles/{layers}") => out.push(get("/tiles/hazards,shelters.json")),
            ("GET", "/fonts/{fontstack}/{range}") => {
                out.push(get("/fonts/Noto%20Sans%20CJK%20SC%20Regular/19968-20223.pbf"))
            }
            ("GET", "/sprites/{name}") => {
                out.extend(["onemap.json", "onemap@2x.png"].map(|n| get(format!("/sprites/{n}"))))
            }
            ("GET", "/styles/{name}") => {
                out.extend(["wall", "planner", "township"].map(|v| get(format!("/styles/{v}.json"))))
            }
            ("GET", "/tileMatrixSets/{tileMatrixSetId}") => out.push(get("/tileMatrixSets/WebMercatorQuad")),
            ("POST", "/query/within") => {
                let d = 0.3;
                let ring = json!([
                    [c[0] - d, c[1] - d],
                    [c[0] + d, c[1] - d],
                    [c[0] + d, c[1] + d],
                    [c[0] - d, c[1] + d],
                    [c[0] - d, c[1] - d]
                ]);
                out.push(json_call(
                    Method::POST,
                    route,
                    json!({"geometry": {"type": "Polygon", "coordinates": [ring]}}),
                ));
            }
            ("POST", "/imports") => out.push(Call { writes: Some(LayerId::HAZARDS), ..import_call(&fresh("import")) }),
            ("GET", "/imports/{id}") => out.push(get(format!("/imports/{}", self.commander_job))),
            ("GET", "/routing/route") => {
                out.push(get(format!("/routing/route?from={at}&to={},{}", self.elsewhere[0], self.elsewhere[1])))
            }
            ("GET", "/routing/nearest-shelters") => out.push(get(format!("{route}?at={at}&k=20"))),
            ("GET", "/routing/dispatch") => out.push(get(format!("{route}?at={at}&k=20&status=any"))),
            ("GET", "/routing/isochrone") => out.push(get(format!("{route}?at={at}&minutes=5"))),
            ("GET", "/routing/coverage") => out.push(get(format!("{route}?from=shelters"))),
            ("GET", "/routing/coverage/{z}/{x}/{y}") => {
                out.push(get(format!("/routing/coverage/{z}/{x}/{y}.mvt?from=shelters")))
            }
            ("POST", "/routing/assign") => {
                out.push(json_call(Method::POST, route, json!({"groups": [{"at": [c[0], c[1]], "people": 5}]})))
            }
            ("POST", "/routing/evacuation-routes") => {
                let body =
                    json!({"name": fresh("route"), "from": [c[0], c[1]], "to": self.elsewhere, "township": TOWNSHIP});
                out.push(Call { writes: Some(LayerId::EVACUATION_ROUTES), ..json_call(Method::POST, route, body) });
            }
            ("POST", "/routing/closures") => {
                let body = json!({"reason": fresh("closure"), "geometry": {"type": "Point", "coordinates": self.corner}, "buffer_m": 30});
                out.push(json_call(Method::POST, route, body));
            }
            ("DELETE", "/routing/closures/{id}") => {
                out.push(Call { method: Method::DELETE, ..get("/routing/closures/{id}") })
            }
            ("POST", "/auth/login") => {
                out.push(json_call(Method::POST, route, json!({"name": format!("m-{role}"), "password": PASSWORD})))
            }
            ("POST", "/auth/logout") => out.push(json_call(Method::POST, route, json!({}))),
            ("GET", "/static/vendor/{path}") => out.push(get("/static/vendor/maplibre-gl.mjs")),
            ("GET", "/static/{path}") => out.push(get("/static/app.js")),
            ("GET", r) if !r.contains('{') => out.push(get(r)),
            _ => panic!("{method} {route}: the matrix has no call for this route; add one"),
        }
        out
    }
}

/// The z/x/y of the tile holding `p` (WGS84 lon/lat degrees).
fn tile_of(p: [f64; 2], z: u32) -> (u32, u32, u32) {
    let n = f64::from(1u32 << z);
    let x = ((p[0] + 180.0) / 360.0 * n).floor() as u32;
    let lat = p[1].to_radians();
    let y = ((1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0 * n).floor() as u32;
    (z, x, y)
}

/// Every route the router serves, with its methods.
fn routes() -> Vec<(String, String)> {
    let api = onemap_server::documented_routes().into_openapi();
    let mut out = Vec::new();
    for (path, item) in &api.paths.paths {
        let ops = [
            ("GET", &item.get),
            ("POST", &item.post),
            ("PUT", &item.put),
            ("PATCH", &item.patch),
            ("DELETE", &item.delete),
        ];
        for (m, op) in ops {
            if op.is_some() {
                out.push((m.to_owned(), path.clone()));
            }
        }
    }
    out.extend(onemap_server::openapi::EXTRA_ROUTES.iter().map(|(p, _)| ("GET".to_owned(), (*p).to_owned())));
    out
}

#[test]
fn every_route_has_a_rule_and_every_rule_a_route() {
    let routes = routes();
    let statics = onemap_server::web::STATIC_ROUTES;
    for (m, r) in &routes {
        assert!(policy::rule(m, r).is_some() || statics.contains(&r.as_str()), "{m} {r} has no access rule");
    }
    let served: BTreeSet<(&str, &str)> = routes.iter().map(|(m, r)| (m.as_str(), r.as_str())).collect();
    for (m, r, _) in policy::RULES {
        assert!(served.contains(&(*m, *r)), "the rule for {m} {r} names no route");
    }
}

/// What `role` must get for `c` on a route needing `need`.
fn expected(w: &World, role: Role, need: Need, c: &Call, route: &str) -> Vec<StatusCode> {
    let registry = w.app.store.registry();
    let ok = vec![StatusCode::OK, StatusCode::CREATED, StatusCode::ACCEPTED, StatusCode::NO_CONTENT];
    if !need.allows(role, registry) || c.writes.is_some_and(|l| !role.may_write(l)) {
        return vec![StatusCode::FORBIDDEN];
    }
    if role == Role::Township && c.outside {
        return vec![if c.existing { StatusCode::NOT_FOUND } else { StatusCode::FORBIDDEN }];
    }
    if route == "/imports/{id}" && role != Role::Commander {
        return vec![StatusCode::NOT_FOUND]; // another account's job
    }
    if route == "/routing/closures/{id}" {
        return vec![StatusCode::NO_CONTENT];
    }
    ok
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_every_role_in_and_out_of_scope() {
    let w = world().await;
    let (mut n, mut checked, mut leaks_checked) = (0usize, 0usize, 0usize);
    for (method, route) in routes() {
        let need = policy::rule(&method, &route);
        for &role in Role::ALL {
            for mut c in w.calls(&method, &route, role, &mut n) {
                if route == "/routing/closures/{id}" {
                    // A closure of the commander's for this role to remove.
                    let body = json!({"reason": format!("m{n}"), "geometry": {"type": "Point", "coordinates": w.corner}, "buffer_m": 20});
                    let made = w.call(Some(Role::Commander), &json_call(Method::POST, "/routing/closures", body)).await;
                    assert_eq!(made.0, StatusCode::CREATED, "{}", made.1);
                    let id =
                        serde_json::from_str::<Value>(&made.1).expect("closure")["id"].as_str().expect("id").to_owned();
                    c.uri = format!("/routing/closures/{id}");
                }
                let before = w.fingerprint();
                let (status, text, bytes) = w.call(Some(role), &c).await;
                let want = match need {
                    Some(need) => expected(&w, role, need, &c, &route),
                    None => vec![StatusCode::OK], // the page's static files
                };
                assert!(want.contains(&status), "{role} {} {}: {status}, expected {want:?}: {text}", c.method, c.uri);
                checked += 1;
                if !status.is_success() {
                    assert_eq!(
                        w.fingerprint(),
                        before,
                        "{role} {} {}: refused, yet the store changed",
                        c.method,
                        c.uri
                    );
                    continue;
                }
                if role == Role::Township {
                    leaks_checked += 1;
                    for id in &w.foreign_ids {
                        assert!(
                            !contains(&bytes, id),
                            "{role} {} {} got `{id}` from another township",
                            c.method,
                            c.uri
                        );
                    }
                }
                if role == Role::External {
                    leaks_checked += 1;
                    for p in &w.personal {
                        assert!(!contains(&bytes, p), "{role} {} {} got personal data `{p}`", c.method, c.uri);
                    }
                }
                // Without a key, only the public routes answer.
                if c.method == Method::GET {
                    let anon = w.call(None, &c).await.0;
                    let public = need.is_none_or(|n| n == Need::Anyone);
                    assert_eq!(anon == StatusCode::UNAUTHORIZED, !public, "anonymous {} {}: {anon}", c.method, c.uri);
                }
            }
        }
    }
    assert!(checked > 600 && leaks_checked > 100, "{checked} calls, {leaks_checked} bodies checked for leaks");
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// A township caller's answers hold its own features, all of them: the scope cuts, it does not
/// empty.
#[tokio::test]
async fn a_township_reads_all_of_its_own_features() {
    let w = world().await;
    let scope = Scope::Areas(vec![TOWNSHIP.into()]);
    for &l in w.inside.keys() {
        let want: BTreeSet<String> = all(w.app.store.as_ref(), l)
            .into_iter()
            .filter(|f| scope.contains(&f.properties))
            .map(|f| f.id.clone())
            .collect();
        let (status, text, _) =
            w.call(Some(Role::Township), &get(format!("/collections/{}/items?limit=10000", l.as_str()))).await;
        assert_eq!(status, StatusCode::OK, "{text}");
        let body: Value = serde_json::from_str(&text).expect("json");
        let got: BTreeSet<String> = body["features"]
            .as_array()
            .expect("features")
            .iter()
            .filter_map(|f| f["id"].as_str().map(str::to_owned))
            .collect();
        assert_eq!(got, want, "{l}");
        assert_eq!(body["numberMatched"], json!(want.len()), "{l}");
    }
    let roads = w.call(Some(Role::Township), &get("/collections/roads")).await;
    let count = w.app.store.summary(LayerId::ROADS, &Scope::All).count;
    assert_eq!(serde_json::from_str::<Value>(&roads.1).expect("json")["numberOfFeatures"], json!(count), "roads whole");
    let ext = w
        .call(Some(Role::External), &get(format!("/collections/hazards/items/{}", w.inside[&LayerId::HAZARDS].id)))
        .await;
    let props = &serde_json::from_str::<Value>(&ext.1).expect("json")["properties"];
    assert!(
        props.get("phone").is_none() && props.get("responsible").is_none() && props.get("name").is_some(),
        "{props}"
    );
}

/// The hazards drawn in a tile: `(ids of single points, points counted, threatened people)`.
fn drawn_hazards(bytes: &[u8]) -> (Vec<String>, i64, f64) {
    let (mut ids, mut count, mut people) = (Vec::new(), 0, 0.0);
    for f in onemap_tiles::decode::features(bytes).expect("a valid tile") {
        if f.layer != "hazards" {
            continue;
        }
        match f.attrs.get("point_count").and_then(Value::as_i64) {
            Some(n) => count += n,
            None => {
                count += 1;
                ids.extend(f.attrs.get("id").and_then(Value::as_str).map(str::to_owned));
            }
        }
        people += f.attrs.get("threatened_people").and_then(Value::as_f64).unwrap_or(0.0);
    }
    (ids, count, people)
}

/// Tiles: at a cluster zoom a township caller's clusters count and add up its own hazards only,
/// though the commander's tile of the same place was rendered (and cached) first; at z16 each
/// of its hazards is drawn and no other township's is.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_township_tile_holds_its_own_features_and_sums() {
    let w = world().await;
    let hazards = all(w.app.store.as_ref(), LayerId::HAZARDS);
    let scope = Scope::Areas(vec![TOWNSHIP.into()]);
    let (own, foreign): (Vec<_>, Vec<_>) = hazards.iter().partition(|f| scope.contains(&f.properties));
    let at = |f: &Feature| match f.geometry {
        geo::Geometry::Point(p) => [p.x(), p.y()],
        _ => panic!("hazards are points"),
    };
    let people = |fs: &[&Arc<Feature>]| -> f64 {
        fs.iter().filter_map(|f| f.geojson().properties.get("threatened_people").and_then(Value::as_f64)).sum()
    };
    // The highest cluster zoom at which one tile holds every hazard.
    let z = (1..12)
        .rev()
        .find(|&z| hazards.iter().map(|f| tile_of(at(f), z)).collect::<BTreeSet<_>>().len() == 1)
        .expect("the county fits a tile");
    let (_, x, y) = tile_of(at(&hazards[0]), z);
    let uri = format!("/tiles/hazards/{z}/{x}/{y}.mvt");
    let commander = w.call(Some(Role::Commander), &get(uri.clone())).await;
    let township = w.call(Some(Role::Township), &get(uri.clone())).await;
    assert_eq!((commander.0, township.0), (StatusCode::OK, StatusCode::OK), "{uri}");
    let (_, n_all, people_all) = drawn_hazards(&commander.2);
    assert_eq!((n_all, people_all), (hazards.len() as i64, people(&hazards.iter().collect::<Vec<_>>())));
    let (_, n_own, people_own) = drawn_hazards(&township.2);
    assert!(!own.is_empty() && !foreign.is_empty());
    assert_eq!((n_own, people_own), (own.len() as i64, people(&own)), "z{z}: the township's own hazards only");
    assert_ne!(commander.2, township.2);

    for f in own.iter().chain(&foreign) {
        let (_, x, y) = tile_of(at(f), 16);
        let r = w.call(Some(Role::Township), &get(format!("/tiles/16/{x}/{y}.mvt"))).await;
        let (ids, _, _) = if r.0 == StatusCode::NO_CONTENT { Default::default() } else { drawn_hazards(&r.2) };
        assert!(ids.iter().all(|id| own.iter().any(|o| &o.id == id)), "a foreign hazard in {ids:?}");
        assert_eq!(ids.contains(&f.id), scope.contains(&f.properties), "{} at z16", f.id);
    }
}
