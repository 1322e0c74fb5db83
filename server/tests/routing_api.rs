//! `/routing/*` over HTTP on the demo county's roads layer: routes, closures (manual and from
//! the layers) taking effect with the answer, nearest shelters, dispatch, assignment,
//! isochrones, coverage (summary and tiles), saving a route, and the 4xx of bad input.

mod common;

use axum::http::{Method, StatusCode};
use common::{assert_error, demo_app, TestApp};
use geo::{Intersects, Line};
use onemap_server::AppState;
use serde_json::{json, Value};
use std::sync::Arc;

/// The demo county with routing on its roads layer, every risk zone made inactive first (so the
/// network starts open); manual closures go to a file in the test's folder.
async fn routing_app() -> (TestApp, std::path::PathBuf) {
    let t = demo_app(60, 1 << 20);
    let zones = t.get("/collections/risk_zones/items?limit=100").await;
    for f in zones.body["features"].as_array().expect("zones") {
        let id = f["id"].as_str().expect("id");
        let r = t
            .json(
                Method::PATCH,
                &format!("/collections/risk_zones/items/{id}"),
                &json!({"properties": {"active": false}}),
                &[],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    }
    let engine =
        onemap_routing_service::load_engine(t.store.as_ref(), None, None).expect("roads").expect("the demo has roads");
    let file = t._dir.path().join("t.closures.json");
    let info = onemap_server::ServiceInfo {
        demo: true,
        frontend_dir: common::frontend(),
        icons_dir: common::frontend().join("../styles/icons"),
        ..Default::default()
    };
    let state = AppState::new(Arc::clone(&t.store), info).with_routing(engine, Some(file.clone())).expect("routing");
    let router = onemap_server::app(state);
    (TestApp { store: t.store, router, _dir: t._dir }, file)
}

fn coords(f: &Value) -> Vec<[f64; 2]> {
    f["geometry"]["coordinates"]
        .as_array()
        .expect("line")
        .iter()
        .map(|c| [c[0].as_f64().unwrap_or(f64::NAN), c[1].as_f64().unwrap_or(f64::NAN)])
        .collect()
}

fn crosses(line: &[[f64; 2]], area: &geo::MultiPolygon<f64>) -> bool {
    line.windows(2).any(|w| area.intersects(&Line::new(w[0], w[1])))
}

fn square(c: [f64; 2], half: f64) -> Value {
    let (x0, y0, x1, y1) = (c[0] - half, c[1] - half, c[0] + half, c[1] + half);
    json!({"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]})
}

fn area(v: &Value) -> geo::MultiPolygon<f64> {
    onemap_routing_service::closures::area_of(v).expect("area")
}

const FROM: &str = "103.56,30.86";
const TO: &str = "103.86,31.04";

#[tokio::test]
async fn a_closure_reroutes_at_once_and_its_removal_restores_the_route() {
    let (t, file) = routing_app().await;
    let r = t.get(&format!("/routing/route?from={FROM}&to={TO}&profile=car")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let before = coords(&r.body);
    let (dist, dur) = (
        r.body["properties"]["distance_m"].as_f64().expect("d"),
        r.body["properties"]["duration_s"].as_f64().expect("t"),
    );
    assert!(dist > 30_000.0 && dur > 0.0, "{dist} m {dur} s");
    assert_eq!(r.body["properties"]["closures_avoided"], json!([]));
    let line_m: f64 = before.windows(2).map(|w| onemap_routing::graph::haversine_m(w[0], w[1])).sum();
    assert!((line_m - dist).abs() < 1.0, "line {line_m} vs distance {dist}");

    // Close a square around the route's middle.
    let mid = before[before.len() / 2];
    let sq = square(mid, 0.004);
    let c = t.json(Method::POST, "/routing/closures", &json!({"reason": "滑坡 landslide", "geometry": sq}), &[]).await;
    assert_eq!(c.status, StatusCode::CREATED, "{}", c.text);
    let id = c.body["id"].as_str().expect("id").to_owned();
    assert!(c.body["properties"]["edges_closed"].as_u64().expect("edges") > 0);
    assert_eq!(c.body["properties"]["created_by"], "anonymous", "a store without accounts");
    // It is on disk before the answer.
    let saved: Value = serde_json::from_slice(&std::fs::read(&file).expect("closures file")).expect("json");
    assert_eq!(saved[0]["id"], id.as_str());

    let r2 = t.get(&format!("/routing/route?from={FROM}&to={TO}&profile=car")).await;
    assert_eq!(r2.status, StatusCode::OK, "{}", r2.text);
    let around = coords(&r2.body);
    assert!(!crosses(&around, &area(&sq)), "the route still crosses the closure");
    assert!(crosses(&before, &area(&sq)));
    assert!(r2.body["properties"]["duration_s"].as_f64().expect("t") >= dur);
    assert_eq!(r2.body["properties"]["closures_avoided"][0]["id"], id.as_str());

    let list = t.get("/routing/closures").await;
    let manual: Vec<&Value> = list.body["features"]
        .as_array()
        .expect("list")
        .iter()
        .filter(|f| f["properties"]["origin"] == "manual")
        .collect();
    assert_eq!(manual.len(), 1, "{}", list.text);

    let d = t.send(Method::DELETE, &format!("/routing/closures/{id}"), None, &[]).await;
    assert_eq!(d.status, StatusCode::NO_CONTENT, "{}", d.text);
    let r3 = t.get(&format!("/routing/route?from={FROM}&to={TO}&profile=car")).await;
    assert_eq!(coords(&r3.body), before);
    assert_eq!(
        t.send(Method::DELETE, &format!("/routing/closures/{id}"), None, &[]).await.status,
        StatusCode::NOT_FOUND
    );
    let saved: Value = serde_json::from_slice(&std::fs::read(&file).expect("closures file")).expect("json");
    assert_eq!(saved, json!([]));
}

#[tokio::test]
async fn risk_zones_and_controlled_hazards_close_roads_by_themselves() {
    let (t, _) = routing_app().await;
    let r = t.get(&format!("/routing/route?from={FROM}&to={TO}&profile=rescue")).await;
    let before = coords(&r.body);
    let mid = before[before.len() / 3];
    // A new flood zone over the route, active: the next route goes around it.
    let zone = json!({"type": "Feature", "geometry": {"type": "MultiPolygon", "coordinates": [square(mid, 0.003)["coordinates"]]},
        "properties": {"name": "临时洪涝区", "kind": "flood", "risk_level": "major", "active": true}});
    let z = t.json(Method::POST, "/collections/risk_zones/items", &zone, &[]).await;
    assert_eq!(z.status, StatusCode::CREATED, "{}", z.text);
    let zid = z.body["id"].as_str().expect("id").to_owned();
    let r2 = t.get(&format!("/routing/route?from={FROM}&to={TO}&profile=rescue")).await;
    assert_eq!(r2.status, StatusCode::OK, "{}", r2.text);
    assert!(!crosses(&coords(&r2.body), &area(&square(mid, 0.003))));
    assert_eq!(r2.body["properties"]["closures_avoided"][0]["id"], format!("risk_zones:{zid}"));
    let p = t
        .json(
            Method::PATCH,
            &format!("/collections/risk_zones/items/{zid}"),
            &json!({"properties": {"active": false}}),
            &[],
        )
        .await;
    assert_eq!(p.status, StatusCode::OK);
    assert_eq!(coords(&t.get(&format!("/routing/route?from={FROM}&to={TO}&profile=rescue")).await.body), before);

    // A hazard under control (管控) cordons 100 m around it.
    let at = before[2 * before.len() / 3];
    let h = json!({"type": "Feature", "geometry": {"type": "Point", "coordinates": at},
        "properties": {"name": "危化品泄漏", "kind": "hazmat", "risk_level": "major", "status": "controlled", "township": "519901001"}});
    let hz = t.json(Method::POST, "/collections/hazards/items", &h, &[]).await;
    assert_eq!(hz.status, StatusCode::CREATED, "{}", hz.text);
    let r3 = t.get(&format!("/routing/route?from={FROM}&to={TO}&profile=rescue")).await;
    let cordon = onemap_routing::closure::circle(at, 100.0);
    assert!(!crosses(&coords(&r3.body), &cordon));
    let list = t.get("/routing/closures").await;
    assert!(
        list.body["features"].as_array().expect("list").iter().any(|f| f["properties"]["origin"] == "hazard"),
        "{}",
        list.text
    );
}

#[tokio::test]
async fn shelters_dispatch_and_assignment() {
    let (t, _) = routing_app().await;
    let r = t.get("/routing/nearest-shelters?at=103.7,30.95&k=3&people=50&snap_m=3000").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let fs = r.body["features"].as_array().expect("features");
    assert!(!fs.is_empty());
    let times: Vec<f64> = fs.iter().map(|f| f["properties"]["duration_s"].as_f64().expect("t")).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");
    assert!(fs.iter().all(|f| f["properties"]["free_places"].as_i64().expect("free") >= 50));

    let d = t.get("/routing/dispatch?at=103.7,30.95&k=4&snap_m=3000").await;
    assert_eq!(d.status, StatusCode::OK, "{}", d.text);
    let teams = d.body["features"].as_array().expect("teams");
    assert!(!teams.is_empty());
    let arr: Vec<f64> = teams.iter().map(|f| f["properties"]["arrival_s"].as_f64().expect("t")).collect();
    assert!(arr.windows(2).all(|w| w[0] <= w[1]));
    for f in teams {
        let team = t.get(&format!("/collections/teams/items/{}", f["properties"]["team"].as_str().expect("id"))).await;
        assert_eq!(team.body["properties"]["status"], "standby");
    }

    let groups: Vec<Value> = (0..6).map(|i| json!({"id": format!("村{i}"), "at": [103.6 + 0.05 * f64::from(i), 30.9 + 0.02 * f64::from(i)], "people": 400})).collect();
    let a = t
        .json(Method::POST, "/routing/assign", &json!({"groups": groups, "profile": "foot", "snap_m": 3000}), &[])
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    for s in a.body["shelters"].as_array().expect("shelters") {
        assert!(s["assigned"].as_i64() <= s["free_before"].as_i64(), "{s}");
    }
    let placed =
        a.body["people_placed"].as_i64().expect("placed") + a.body["people_unplaced"].as_i64().expect("unplaced");
    assert_eq!(placed, 2_400);
}

#[tokio::test]
async fn isochrones_coverage_and_a_saved_route() {
    let (t, _) = routing_app().await;
    let iso = t.get("/routing/isochrone?at=103.7,30.95&minutes=5,10,20&profile=car&snap_m=3000").await;
    assert_eq!(iso.status, StatusCode::OK, "{}", iso.text);
    let bands = iso.body["features"].as_array().expect("bands");
    let areas: Vec<f64> = bands.iter().map(|b| b["properties"]["area_km2"].as_f64().expect("area")).collect();
    assert_eq!(areas.len(), 3);
    assert!(areas[0] > 0.0 && areas[0] <= areas[1] && areas[1] <= areas[2], "{areas:?}");

    let cov = t.get("/routing/coverage?from=teams&minutes=10").await;
    assert_eq!(cov.status, StatusCode::OK, "{}", cov.text);
    let km = cov.body["road_km"].as_f64().expect("km");
    let beyond = cov.body["road_km_beyond"].as_f64().expect("beyond");
    assert!(km > 100.0 && (0.0..=km).contains(&beyond), "{km} {beyond}");
    let wider = t.get("/routing/coverage?from=teams&minutes=30").await;
    assert!(wider.body["road_km_beyond"].as_f64().expect("beyond") <= beyond);
    // The z10 tile holding (103.7, 30.95).
    let (lon, lat) = (103.7f64, 30.95f64);
    let n = 1024.0;
    let x = ((lon + 180.0) / 360.0 * n) as u32;
    let y =
        ((1.0 - (lat.to_radians().tan() + 1.0 / lat.to_radians().cos()).ln() / std::f64::consts::PI) / 2.0 * n) as u32;
    let tile = t.get(&format!("/routing/coverage/10/{x}/{y}.mvt?from=teams&minutes=10")).await;
    assert_eq!(tile.status, StatusCode::OK, "{}", tile.text);
    let feats = onemap_tiles::decode::features(&tile.bytes).expect("mvt");
    assert!(!feats.is_empty() && feats.iter().all(|f| f.layer == "reach_time"));
    assert!(feats.iter().any(|f| f.attrs.contains_key("reach_s")));

    let roads = t.get("/collections/roads/items?limit=200").await;
    let vertex = |i: usize| roads.body["features"][i]["geometry"]["coordinates"][0].clone();
    let (a, b) = (vertex(0), vertex(150));
    let s = t
        .json(
            Method::POST,
            "/routing/evacuation-routes",
            &json!({"name": "一号转移路线", "from": a, "to": b, "profile": "foot"}),
            &[],
        )
        .await;
    assert_eq!(s.status, StatusCode::CREATED, "{}", s.text);
    let loc = s.headers["location"].to_str().expect("location").to_owned();
    let got = t.get(&loc).await;
    assert_eq!(got.body["properties"]["created_by"], "anonymous");
    let (len, min) = (
        got.body["properties"]["length_m"].as_f64().expect("length"),
        got.body["properties"]["minutes"].as_f64().expect("minutes"),
    );
    assert!(len > 1_000.0, "{len}");
    // On foot at 5 km/h.
    assert!((min - len / (5_000.0 / 60.0)).abs() < 0.2, "{min} min for {len} m");
    assert_eq!(got.body["geometry"]["type"], "LineString");
}

#[tokio::test]
async fn bad_routing_input_is_a_4xx_naming_the_parameter() {
    let (t, file) = routing_app().await;
    assert_error(
        &t.get("/routing/route?from=103.6,30.9&to=103.7,30.95&profile=bike").await,
        StatusCode::BAD_REQUEST,
        "profile",
    );
    assert_error(&t.get("/routing/route?from=103.6&to=103.7,30.95").await, StatusCode::BAD_REQUEST, "from");
    assert_error(
        &t.get("/routing/route?from=10.0,30.9&to=103.7,30.95").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "from the nearest road",
    );
    assert_error(&t.get("/routing/route?from=103.6,30.9&to=103.7,30.95&via=1").await, StatusCode::BAD_REQUEST, "via");
    assert_error(&t.get("/routing/nearest-shelters?at=103.7,30.95&k=0").await, StatusCode::BAD_REQUEST, "k");
    assert_error(&t.get("/routing/isochrone?at=103.7,30.95&minutes=0").await, StatusCode::BAD_REQUEST, "minutes");
    assert_error(&t.get("/routing/isochrone?at=103.7,30.95&minutes=500").await, StatusCode::BAD_REQUEST, "minutes");
    assert_error(&t.get("/routing/coverage?from=villages").await, StatusCode::BAD_REQUEST, "from");
    assert_error(&t.get("/routing/dispatch?at=103.7,30.95&kind=pilot").await, StatusCode::BAD_REQUEST, "kind");
    let no_reason =
        t.json(Method::POST, "/routing/closures", &json!({"geometry": square([103.7, 30.95], 0.01)}), &[]).await;
    assert_error(&no_reason, StatusCode::BAD_REQUEST, "reason");
    let far = t
        .json(Method::POST, "/routing/closures", &json!({"reason": "x", "geometry": square([10.0, 10.0], 0.01)}), &[])
        .await;
    assert_error(&far, StatusCode::UNPROCESSABLE_ENTITY, "no road");
    let past = t
        .json(
            Method::POST,
            "/routing/closures",
            &json!({"reason": "x", "roads": [1], "until": "2020-01-01T00:00:00Z"}),
            &[],
        )
        .await;
    assert_error(&past, StatusCode::BAD_REQUEST, "until");
    // None of the refused closures was written or is in force.
    assert!(!file.exists(), "a refused closure reached the closures file");
    let listed = t.get("/routing/closures").await;
    assert!(
        listed.body["features"].as_array().expect("list").iter().all(|f| f["properties"]["origin"] != "manual"),
        "{}",
        listed.text
    );
    // Refused evacuation routes write no feature.
    let routes_before = t.get("/collections/evacuation_routes/items?limit=1").await.body["numberMatched"].clone();
    let no_name = t
        .json(Method::POST, "/routing/evacuation-routes", &json!({"from": [103.6, 30.9], "to": [103.7, 30.95]}), &[])
        .await;
    assert_error(&no_name, StatusCode::BAD_REQUEST, "name");
    let no_shelter = t
        .json(
            Method::POST,
            "/routing/evacuation-routes",
            &json!({"name": "x", "from": [103.6, 30.9], "shelter": "no-such-shelter"}),
            &[],
        )
        .await;
    assert_error(&no_shelter, StatusCode::BAD_REQUEST, "no shelter");
    let far = t
        .json(
            Method::POST,
            "/routing/evacuation-routes",
            &json!({"name": "x", "from": [10.0, 10.0], "to": [103.7, 30.95]}),
            &[],
        )
        .await;
    assert_error(&far, StatusCode::UNPROCESSABLE_ENTITY, "from the nearest road");
    assert_eq!(t.get("/collections/evacuation_routes/items?limit=1").await.body["numberMatched"], routes_before);
    let groups =
        t.json(Method::POST, "/routing/assign", &json!({"groups": [{"at": [103.7, 30.95], "people": -3}]}), &[]).await;
    assert_error(&groups, StatusCode::BAD_REQUEST, "groups[0].people");
    // A ring of closures cuts the destination off: its roads are open but unreachable.
    let (cx, cy) = (103.71, 30.95);
    let (o, i) = (0.06, 0.035);
    let ring = json!({"type": "Polygon", "coordinates": [
        [[cx - o, cy - o], [cx + o, cy - o], [cx + o, cy + o], [cx - o, cy + o], [cx - o, cy - o]],
        [[cx - i, cy - i], [cx - i, cy + i], [cx + i, cy + i], [cx + i, cy - i], [cx - i, cy - i]]]});
    let c = t.json(Method::POST, "/routing/closures", &json!({"reason": "包围圈", "geometry": ring}), &[]).await;
    assert_eq!(c.status, StatusCode::CREATED, "{}", c.text);
    assert_error(
        &t.get(&format!("/routing/route?from={FROM}&to={cx},{cy}&profile=car&snap_m=2000")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "no car route",
    );
    // Without roads, routing says so.
    let bare = demo_app(0, 1 << 20);
    assert_error(
        &bare.get("/routing/route?from=103.6,30.9&to=103.7,30.95").await,
        StatusCode::SERVICE_UNAVAILABLE,
        "no road network",
    );
}

#[tokio::test]
async fn roads_are_closed_by_feature_id_and_listed_as_given() {
    let (t, _) = routing_app().await;
    let c = t
        .json(
            Method::POST,
            "/routing/closures",
            &json!({"reason": "道路施工", "roads": ["rd-0005", "rd-0006"], "until": "2099-01-01T00:00:00+08:00"}),
            &[],
        )
        .await;
    assert_eq!(c.status, StatusCode::CREATED, "{}", c.text);
    assert_eq!(c.body["properties"]["roads"], json!(["rd-0005", "rd-0006"]));
    // Each demo road line is one edge between two junctions (or two, where a junction splits it).
    let edges = c.body["properties"]["edges_closed"].as_u64().expect("edges");
    assert!((2..=4).contains(&edges), "{edges}");
    assert_eq!(c.body["properties"]["until"], "2098-12-31T16:00:00Z");
    let unknown =
        t.json(Method::POST, "/routing/closures", &json!({"reason": "x", "roads": ["no-such-road"]}), &[]).await;
    assert_error(&unknown, StatusCode::UNPROCESSABLE_ENTITY, "no road");
}

#[tokio::test]
async fn the_openapi_document_describes_routing() {
    let (t, _) = routing_app().await;
    let api = t.get("/api").await;
    assert_eq!(api.status, StatusCode::OK);
    let paths = api.body["paths"].as_object().expect("paths");
    for p in [
        "/routing/route",
        "/routing/nearest-shelters",
        "/routing/dispatch",
        "/routing/assign",
        "/routing/isochrone",
        "/routing/coverage",
        "/routing/closures",
        "/routing/evacuation-routes",
    ] {
        assert!(paths.contains_key(p), "{p} missing from /api");
    }
    let names: Vec<&str> = paths["/routing/route"]["get"]["parameters"]
        .as_array()
        .expect("params")
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert_eq!(names, ["from", "to", "profile", "snap_m"]);
    // Every documented query parameter of the route endpoint is accepted by it.
    let r = t.get("/routing/route?from=103.56,30.86&to=103.86,31.04&profile=car&snap_m=3000").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
}

#[tokio::test]
async fn a_shelter_inside_a_closed_area_takes_nobody_in() {
    let (t, _) = routing_app().await;
    let url = "/routing/nearest-shelters?at=103.7,30.95&k=1&people=1&snap_m=3000";
    let r = t.get(url).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let first = r.body["features"][0]["properties"]["shelter"].as_str().expect("a shelter").to_owned();
    // Some demo hazards are under control: their cordons may already hold a shelter.
    let before = r.body["shelters_in_closed_areas"].as_u64().expect("count");
    let s = t.get(&format!("/collections/shelters/items/{first}")).await;
    let c = s.body["geometry"]["coordinates"].clone();
    let at = [c[0].as_f64().expect("lon"), c[1].as_f64().expect("lat")];
    let close = t
        .json(
            Method::POST,
            "/routing/closures",
            &json!({"reason": "内涝", "geometry": {"type": "Point", "coordinates": at}, "buffer_m": 300}),
            &[],
        )
        .await;
    assert_eq!(close.status, StatusCode::CREATED, "{}", close.text);
    let r2 = t.get(url).await;
    assert_eq!(r2.body["shelters_in_closed_areas"].as_u64(), Some(before + 1), "{}", r2.text);
    assert_ne!(r2.body["features"][0]["properties"]["shelter"], first.as_str());
    let id = close.body["id"].as_str().expect("id");
    assert_eq!(
        t.send(Method::DELETE, &format!("/routing/closures/{id}"), None, &[]).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(t.get(url).await.body["features"][0]["properties"]["shelter"], first.as_str());
}
