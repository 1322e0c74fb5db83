//! An acknowledged write survives `kill -9`; a refused one leaves nothing behind.

use onemap_e2e::{http, Server};
use serde_json::{json, Value};

#[test]
fn a_2xx_write_survives_kill_9_and_restart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("d.gpkg");
    let args = ["serve", "--store", store.to_str().expect("path")];
    let server = Server::start(&args);
    let mut ids = Vec::new();
    for i in 0..20 {
        let f = json!({"type": "Feature", "id": format!("k9-{i}"),
            "geometry": {"type": "Point", "coordinates": [103.6 + f64::from(i) * 0.001, 30.9]},
            "properties": {"name": format!("断电测试{i}"), "kind": "flood", "risk_level": "large", "township": "519901003"}});
        let (status, body) = http("POST", &format!("{}/collections/hazards/items", server.url), Some(&f.to_string()));
        assert_eq!(status, 201, "{body}");
        ids.push(format!("k9-{i}"));
    }
    let (status, _) = http("PATCH", &format!("{}/collections/hazards/items/k9-0", server.url), Some(r#"{"properties": {"status": "confirmed"}}"#));
    assert_eq!(status, 200);
    let bad = json!({"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": "k9-bad-1", "geometry": {"type": "Point", "coordinates": [103.6, 30.9]},
         "properties": {"name": "x", "kind": "flood", "risk_level": "large", "township": "519901003"}},
        {"type": "Feature", "id": "k9-bad-2", "geometry": {"type": "Point", "coordinates": [103.6, 30.9]},
         "properties": {"name": "x", "kind": "flood", "risk_level": "huge", "township": "519901003"}}]});
    let (status, _) = http("POST", &format!("{}/collections/hazards/items", server.url), Some(&bad.to_string()));
    assert_eq!(status, 400);
    server.kill_9();

    let server = Server::start(&args);
    for id in &ids {
        let (status, body) = http("GET", &format!("{}/collections/hazards/items/{id}", server.url), None);
        assert_eq!(status, 200, "{id} lost after kill -9: {body}");
    }
    let (_, body) = http("GET", &format!("{}/collections/hazards/items/k9-0", server.url), None);
    let f: Value = serde_json::from_str(&body).expect("json");
    assert_eq!((f["properties"]["status"].clone(), f["version"].clone()), (json!("confirmed"), json!(2)));
    let (status, _) = http("GET", &format!("{}/collections/hazards/items/k9-bad-1", server.url), None);
    assert_eq!(status, 404, "half of a refused batch was written");
    let (_, body) = http("GET", &format!("{}/collections/hazards/items?limit=1", server.url), None);
    let page: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(page["numberMatched"], 20);
}
