//! OGC API – Features Part 4 writes and every bad-input case: the right 4xx, and nothing written.

mod common;

use axum::http::{Method, StatusCode};
use common::{assert_error, demo_app, TestApp};
use onemap_model::{LayerId, Scope};
use serde_json::{json, Value};

fn hazard(id: Option<&str>) -> Value {
    let mut f = json!({"type": "Feature",
        "geometry": {"type": "Point", "coordinates": [103.7, 30.9]},
        "properties": {"name": "测试滑坡", "kind": "landslide", "risk_level": "major", "threatened_people": 12, "township": "519901002"}});
    if let Some(id) = id {
        f["id"] = json!(id);
    }
    f
}

fn count(app: &TestApp, layer: LayerId) -> usize {
    app.store.summary(layer, &Scope::All).count
}

#[tokio::test]
async fn create_read_replace_patch_delete() {
    let app = demo_app(5, 1 << 20);
    let r = app
        .json(Method::POST, "/collections/hazards/items", &hazard(Some("new-1")), &[("x-onemap-user", "李警官")]) // ignored: no identity from headers
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.headers["location"], "http://onemap.test/collections/hazards/items/new-1");
    assert_eq!(r.headers["etag"], "\"1\"");
    assert_eq!(r.body["properties"]["status"], "discovered");

    let mut replacement = hazard(None);
    replacement["properties"]["risk_level"] = json!("low");
    let r = app.json(Method::PUT, "/collections/hazards/items/new-1", &replacement, &[("if-match", "\"1\"")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!((r.body["version"].clone(), r.body["properties"]["risk_level"].clone()), (json!(2), json!("low")));

    let r = app
        .json(
            Method::PATCH,
            "/collections/hazards/items/new-1",
            &json!({"properties": {"status": "confirmed", "phone": null}}),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["properties"]["status"], "confirmed");
    assert_eq!(r.body["properties"]["risk_level"], "low");

    let history = app.get("/collections/hazards/items/new-1/history").await;
    let changes = history.body["changes"].as_array().expect("changes");
    assert_eq!(changes.len(), 3);
    assert_eq!(changes[0]["actor"], "anonymous", "a header names nobody");

    let r = app.send(Method::DELETE, "/collections/hazards/items/new-1", None, &[("if-match", "\"3\"")]).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(app.get("/collections/hazards/items/new-1").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_feature_collection_is_created_all_or_nothing() {
    let app = demo_app(5, 1 << 20);
    let before = count(&app, LayerId::HAZARDS);
    let mut bad = hazard(Some("b-3"));
    bad["geometry"]["coordinates"] = json!([200.0, 30.0]);
    let fc = json!({"type": "FeatureCollection", "features": [hazard(Some("b-1")), hazard(Some("b-2")), bad]});
    let r = app.json(Method::POST, "/collections/hazards/items", &fc, &[]).await;
    assert_error(&r, StatusCode::BAD_REQUEST, "features[2].geometry.coordinates");
    assert_eq!(r.body["field"], "features[2].geometry.coordinates");
    assert_eq!(count(&app, LayerId::HAZARDS), before);

    let dup = json!({"type": "FeatureCollection", "features": [hazard(Some("c-1")), hazard(Some("hz-0001"))]});
    assert_error(
        &app.json(Method::POST, "/collections/hazards/items", &dup, &[]).await,
        StatusCode::CONFLICT,
        "hz-0001",
    );
    assert_eq!(count(&app, LayerId::HAZARDS), before);

    let ok = json!({"type": "FeatureCollection", "features": [hazard(Some("c-1")), hazard(Some("c-2"))]});
    let r = app.json(Method::POST, "/collections/hazards/items", &ok, &[]).await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert_eq!(count(&app, LayerId::HAZARDS), before + 2);
}

#[tokio::test]
async fn bad_writes_get_4xx_naming_the_problem_and_change_nothing() {
    let app = demo_app(5, 4096);
    let before = app.get("/collections/hazards/items/hz-0001").await.body;
    let n = count(&app, LayerId::HAZARDS);
    let url = "/collections/hazards/items";

    let r = app.send(Method::POST, url, Some("{\"type\": \"Feature\", ".into()), &[]).await;
    assert_error(&r, StatusCode::BAD_REQUEST, "malformed JSON");

    let mut line = hazard(None);
    line["geometry"] = json!({"type": "LineString", "coordinates": [[103.7, 30.9], [103.8, 30.9]]});
    assert_error(
        &app.json(Method::POST, url, &line, &[]).await,
        StatusCode::BAD_REQUEST,
        "takes Point, not LineString",
    );

    let mut far = hazard(None);
    far["geometry"]["coordinates"] = json!([103.7, 91.0]);
    assert_error(&app.json(Method::POST, url, &far, &[]).await, StatusCode::BAD_REQUEST, "latitude 91");

    let mut neg = hazard(None);
    neg["properties"]["threatened_people"] = json!(-1);
    assert_error(&app.json(Method::POST, url, &neg, &[]).await, StatusCode::BAD_REQUEST, "threatened_people");

    let big = json!({"type": "Feature", "geometry": {"type": "Point", "coordinates": [1.0, 1.0]},
                     "properties": {"name": "x".repeat(5000), "kind": "other", "risk_level": "low", "township": "519901001"}});
    let r = app.json(Method::POST, url, &big, &[]).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.text);

    let closed = json!({"properties": {"status": "closed"}});
    let current_status = before["properties"]["status"].as_str().expect("status").to_owned();
    if current_status != "rectifying" && current_status != "closed" {
        assert_error(
            &app.json(Method::PATCH, "/collections/hazards/items/hz-0001", &closed, &[]).await,
            StatusCode::BAD_REQUEST,
            "illegal transition",
        );
    }

    let stale = json!({"properties": {"threatened_people": 1}});
    let r = app.json(Method::PATCH, "/collections/hazards/items/hz-0001", &stale, &[("if-match", "\"7\"")]).await;
    assert_error(&r, StatusCode::PRECONDITION_FAILED, "not 7");
    let r =
        app.json(Method::PUT, "/collections/hazards/items/hz-0001", &hazard(None), &[("if-match", "W/\"x\"")]).await;
    assert_eq!(r.status, StatusCode::PRECONDITION_FAILED);

    assert_error(
        &app.json(Method::POST, "/collections/nowhere/items", &hazard(None), &[]).await,
        StatusCode::NOT_FOUND,
        "nowhere",
    );
    assert_error(
        &app.json(Method::PATCH, "/collections/hazards/items/hz-0001", &json!({"colour": 1}), &[]).await,
        StatusCode::BAD_REQUEST,
        "colour",
    );
    assert_error(
        &app.json(Method::PUT, "/collections/hazards/items/missing", &hazard(None), &[]).await,
        StatusCode::NOT_FOUND,
        "missing",
    );

    assert_eq!(app.get("/collections/hazards/items/hz-0001").await.body, before);
    assert_eq!(count(&app, LayerId::HAZARDS), n);
}

#[tokio::test]
async fn within_answers_what_lies_inside_an_area() {
    let app = demo_app(300, 1 << 20);
    let area = json!({"type": "Polygon", "coordinates": [[[103.55, 30.82], [103.75, 30.82], [103.75, 30.98], [103.55, 30.98], [103.55, 30.82]]]});
    let r = app
        .json(
            Method::POST,
            "/query/within",
            &json!({"geometry": area, "layers": ["hazards", "shelters", "teams"]}),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let hazards = r.body["layers"]["hazards"]["features"]["features"].as_array().expect("hazards");
    // Oracle: a plain scan of every hazard.
    let all = app.get("/collections/hazards/items?limit=10000").await.body;
    let inside: Vec<&Value> = all["features"]
        .as_array()
        .expect("all")
        .iter()
        .filter(|f| {
            let c = &f["geometry"]["coordinates"];
            let (x, y) = (c[0].as_f64().unwrap_or(0.0), c[1].as_f64().unwrap_or(0.0));
            (103.55..=103.75).contains(&x) && (30.82..=30.98).contains(&y)
        })
        .collect();
    assert_eq!(hazards.len(), inside.len());
    let people: i64 = inside.iter().map(|f| f["properties"]["threatened_people"].as_i64().unwrap_or(0)).sum();
    assert_eq!(r.body["layers"]["hazards"]["totals"]["threatened_people"], people);
    assert!(r.body["layers"]["shelters"]["totals"]["free_places"].is_i64());
    assert!(r.body["layers"].get("roads").is_none());

    let point = json!({"geometry": {"type": "Point", "coordinates": [103.7, 30.9]}, "buffer_m": 2000});
    let r = app.json(Method::POST, "/query/within", &point, &[]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["area"]["type"], "MultiPolygon");
    assert_error(
        &app.json(
            Method::POST,
            "/query/within",
            &json!({"geometry": {"type": "Point", "coordinates": [103.7, 30.9]}}),
            &[],
        )
        .await,
        StatusCode::BAD_REQUEST,
        "buffer_m",
    );
    assert_error(
        &app.json(Method::POST, "/query/within", &json!({"geometry": area, "layers": ["volcanoes"]}), &[]).await,
        StatusCode::BAD_REQUEST,
        "layers[0]",
    );
    assert_error(
        &app.json(Method::POST, "/query/within", &json!({"geometry": area, "buffer_m": 1e9}), &[]).await,
        StatusCode::BAD_REQUEST,
        "buffer_m",
    );
}
