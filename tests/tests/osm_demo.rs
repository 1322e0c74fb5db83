//! `onemap demo --osm` derives roads, shelters and team bases from a real OpenStreetMap extract.

use onemap_e2e::{http, shared_data, Server};
use serde_json::Value;

#[test]
fn malta_extract_becomes_layers_with_attribution() {
    let Some(pbf) = shared_data("osm/malta-2018.osm.pbf") else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("malta.gpkg");
    let server =
        Server::start(&["demo", "--store", store.to_str().expect("path"), "--osm", pbf.to_str().expect("path")]);
    let (_, body) = http("GET", &format!("{}/map/config.json", server.url), None);
    let cfg: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(cfg["attribution"], "© OpenStreetMap contributors");
    let count = |id: &str| {
        cfg["layers"]
            .as_array()
            .and_then(|l| l.iter().find(|x| x["id"] == id))
            .and_then(|x| x["count"].as_u64())
            .unwrap_or(0)
    };
    // Malta 2018 has 26,197 highway ways; 168 schools, 9 fire stations, 19 hospitals (nodes, ways and relations).
    assert!(count("roads") > 25_000, "roads: {}", count("roads"));
    assert!(count("shelters") > 150, "shelters: {}", count("shelters"));
    assert!(count("teams") >= 20, "teams: {}", count("teams"));
    let b = cfg["bounds"].as_array().expect("bounds");
    assert!(b[0].as_f64().unwrap_or(0.0) > 14.1 && b[2].as_f64().unwrap_or(0.0) < 14.6, "bounds {b:?}");
    let (_, body) = http("GET", &format!("{}/collections/teams/items?kind=fire_rescue&limit=100", server.url), None);
    let fc: Value = serde_json::from_str(&body).expect("json");
    assert!(fc["numberMatched"].as_u64().unwrap_or(0) >= 9, "{}", fc["numberMatched"]);
}
