//! OGC API – Features reads: landing, conformance, collections, queryables, items, paging, filters.

mod common;

use axum::http::StatusCode;
use common::{assert_error, demo_app};
use onemap_model::{LayerId, Registry, Scope};
use onemap_store::Query;
use serde_json::Value;

#[tokio::test]
async fn landing_links_and_conformance() {
    let app = demo_app(50, 1 << 20);
    let r = app.get("/?f=json").await;
    assert_eq!(r.status, StatusCode::OK);
    let rels: Vec<&str> = r.body["links"].as_array().expect("links").iter().filter_map(|l| l["rel"].as_str()).collect();
    for rel in ["self", "service-desc", "service-doc", "conformance", "data"] {
        assert!(rels.contains(&rel), "no {rel} link in {rels:?}");
    }
    assert!(r.body["links"][0]["href"].as_str().expect("href").starts_with("http://onemap.test/"));
    let c = app.get("/conformance").await;
    let classes: Vec<&str> =
        c.body["conformsTo"].as_array().expect("conformsTo").iter().filter_map(Value::as_str).collect();
    assert!(classes.contains(&"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core"));
    assert!(classes.contains(&"http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/create-replace-delete"));
    assert_error(&app.get("/conformance?foo=1").await, StatusCode::BAD_REQUEST, "unknown query parameter");
}

#[tokio::test]
async fn landing_serves_the_map_page_to_browsers() {
    let app = demo_app(5, 1 << 20);
    let r =
        app.send(axum::http::Method::GET, "/", None, &[("accept", "text/html,application/xhtml+xml,*/*;q=0.8")]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text.contains("应急指挥一张图") && r.text.contains("/static/app.js"), "{}", r.text);
    let js = app.get("/static/app.js").await;
    assert_eq!(js.status, StatusCode::OK);
    assert!(js.text.contains("/styles/${route.view}.json"), "the page draws the view's style on vector tiles");
    assert_eq!(app.get("/static/nope.js").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn collections_describe_every_layer() {
    let app = demo_app(50, 1 << 20);
    let r = app.get("/collections").await;
    let cols = r.body["collections"].as_array().expect("collections");
    assert_eq!(cols.len(), onemap_model::registry::builtin::ALL.len());
    for c in cols {
        let layer = Registry::builtin().get(c["id"].as_str().expect("id")).expect("known layer");
        let summary = app.store.summary(layer, &Scope::All);
        assert_eq!(c["numberOfFeatures"], summary.count);
        assert_eq!(c["geometryType"], layer.geometry_kind().sf_name());
        let bbox = &c["extent"]["spatial"]["bbox"][0];
        let e = summary.extent.expect("extent");
        assert_eq!(bbox, &serde_json::json!(e));
    }
    let one = app.get("/collections/shelters").await;
    assert_eq!(one.body["id"], "shelters");
    assert_error(&app.get("/collections/bridges").await, StatusCode::NOT_FOUND, "no collection `bridges`");
    assert_error(&app.get("/collections/bridges/items").await, StatusCode::NOT_FOUND, "hazards");
}

#[tokio::test]
async fn queryables_list_enums() {
    let app = demo_app(10, 1 << 20);
    let r = app.get("/collections/hazards/queryables").await;
    assert_eq!(r.body["properties"]["risk_level"]["enum"], serde_json::json!(["major", "large", "general", "low"]));
    assert_eq!(r.body["properties"]["threatened_people"]["type"], "integer");
    assert!(r.body["properties"].get("inventory").is_none());
}

#[tokio::test]
async fn paging_follows_next_links_through_every_feature() {
    let app = demo_app(230, 1 << 20);
    let mut url = "/collections/hazards/items?limit=100".to_owned();
    let mut ids = Vec::new();
    let mut pages = 0;
    loop {
        let r = app.get(&url).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert_eq!(r.headers["content-type"], "application/geo+json");
        assert_eq!(r.body["numberMatched"], 230);
        let feats = r.body["features"].as_array().expect("features");
        assert_eq!(r.body["numberReturned"], feats.len());
        assert!(r.body["timeStamp"].is_string());
        ids.extend(feats.iter().map(|f| f["id"].as_str().expect("id").to_owned()));
        pages += 1;
        let next = r.body["links"].as_array().expect("links").iter().find(|l| l["rel"] == "next");
        match next {
            Some(l) => url = l["href"].as_str().expect("href").trim_start_matches("http://onemap.test").to_owned(),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 230, "pages overlap or skip features");
    let last = app.get("/collections/hazards/items?limit=100&offset=200").await;
    assert!(last.body["links"].as_array().expect("links").iter().any(|l| l["rel"] == "prev"));
}

#[tokio::test]
async fn bbox_and_property_filters_match_a_brute_force_scan() {
    let app = demo_app(300, 1 << 20);
    let bbox = [103.6, 30.85, 103.75, 30.95];
    let r = app.get("/collections/hazards/items?bbox=103.6,30.85,103.75,30.95&risk_level=general&limit=10000").await;
    let all =
        app.store.query(LayerId::HAZARDS, &Query { limit: usize::MAX, ..Query::default() }, &Scope::All).expect("all");
    let expected: Vec<String> = all
        .features
        .iter()
        .filter(|f| {
            let geo::Geometry::Point(p) = f.geometry else { return false };
            p.x() >= bbox[0]
                && p.x() <= bbox[2]
                && p.y() >= bbox[1]
                && p.y() <= bbox[3]
                && f.properties.to_json()["risk_level"] == "general"
        })
        .map(|f| f.id.clone())
        .collect();
    assert!(!expected.is_empty());
    let got: Vec<String> = r.body["features"]
        .as_array()
        .expect("features")
        .iter()
        .map(|f| f["id"].as_str().expect("id").to_owned())
        .collect();
    assert_eq!(got, expected);
    assert_eq!(r.body["numberMatched"], expected.len());
}

#[tokio::test]
async fn bad_query_parameters_are_400_naming_the_parameter() {
    let app = demo_app(10, 1 << 20);
    let cases = [
        ("/collections/hazards/items?colour=red", "colour"),
        ("/collections/hazards/items?bbox=1,2,3", "bbox"),
        ("/collections/hazards/items?bbox=1,95,2,96", "latitude 95"),
        ("/collections/hazards/items?limit=abc", "limit"),
        ("/collections/hazards/items?limit=0", "limit"),
        ("/collections/hazards/items?risk_level=extreme", "risk_level"),
        ("/collections/hazards/items?threatened_people=many", "threatened_people"),
        ("/collections/hazards/items?datetime=yesterday", "datetime"),
        ("/collections/hazards/items?f=xml", "f"),
    ];
    for (url, needle) in cases {
        let r = app.get(url).await;
        assert_error(&r, StatusCode::BAD_REQUEST, needle);
    }
    let r = app.get("/collections/hazards/items?limit=50000").await;
    assert_eq!(r.status, StatusCode::OK, "limit over the maximum is lowered, not refused");
}

#[tokio::test]
async fn one_item_has_an_etag_and_honours_if_none_match() {
    let app = demo_app(10, 1 << 20);
    let r = app.get("/collections/hazards/items/hz-0001").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["id"], "hz-0001");
    assert_eq!(r.body["geometry"]["type"], "Point");
    let etag = r.headers["etag"].to_str().expect("etag").to_owned();
    assert_eq!(etag, "\"1\"");
    let again = app
        .send(axum::http::Method::GET, "/collections/hazards/items/hz-0001", None, &[("if-none-match", &etag)])
        .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert_error(&app.get("/collections/hazards/items/nope").await, StatusCode::NOT_FOUND, "nope");
}

#[tokio::test]
async fn openapi_and_docs_cover_every_collection() {
    let app = demo_app(10, 1 << 20);
    let r = app.get("/api").await;
    assert_eq!(r.body["openapi"], "3.0.3");
    for l in onemap_model::registry::builtin::ALL {
        let path = format!("/collections/{}/items", l.as_str());
        assert!(r.body["paths"][&path]["get"].is_object(), "{path} missing");
        assert!(r.body["components"]["schemas"][l.as_str()].is_object());
    }
    let html = app.get("/api.html").await;
    assert_eq!(html.status, StatusCode::OK);
    assert!(html.text.contains("/collections/hazards/items"));
}

#[tokio::test]
async fn map_config_reports_demo_and_layers() {
    let app = demo_app(10, 1 << 20);
    let r = app.get("/map/config.json").await;
    assert_eq!(r.body["demo"], true);
    assert_eq!(r.body["layers"].as_array().expect("layers").len(), 8);
    assert_eq!(r.body["layers"][6]["id"], "hazards");
    assert_eq!(r.body["layers"][6]["count"], 10);
    let risk = r.body["layers"][6]["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .find(|f| f["name"] == "risk_level")
        .expect("risk_level field");
    assert_eq!(risk["title_zh"], "风险等级");
    assert_eq!(risk["labels_zh"]["major"], "重大");
    let b = r.body["bounds"].as_array().expect("bounds");
    assert!(b[0].as_f64().expect("lon") > 103.0 && b[2].as_f64().expect("lon") < 104.0);
}
