//! A real browser (Debian chromium driven by playwright-core) opens the one-map page on the demo
//! county and must find every layer rendered, the Chinese legend and the risk colours on screen.

use onemap_e2e::{require_tool, root, run, Server};
use serde_json::Value;
use std::process::Command;
use std::time::Duration;

/// Risk colours of the legend (domain.md): major, large, general, low.
const RISK_RGB: [(&str, [u8; 3]); 4] = [
    ("major", [0xd7, 0x19, 0x1c]),
    ("large", [0xf1, 0x7c, 0x0e]),
    ("general", [0xf5, 0xd0, 0x00]),
    ("low", [0x2b, 0x83, 0xba]),
];

/// Pixels of the screenshot within a small distance of `rgb`.
fn pixels_near(img: &image::RgbaImage, rgb: [u8; 3]) -> usize {
    img.pixels().filter(|p| p.0[..3].iter().zip(rgb).all(|(&a, b)| a.abs_diff(b) <= 10)).count()
}

#[test]
fn chromium_renders_every_layer_of_the_demo_county() {
    let node = require_tool("node");
    assert!(
        root().join("frontend/node_modules/playwright-core").exists()
            && root().join("frontend/node_modules/maplibre-gl/dist/maplibre-gl.mjs").exists(),
        "frontend packages are missing: run scripts/setup.sh (npm ci in frontend/)"
    );
    assert!(std::path::Path::new("/usr/bin/chromium").exists(), "chromium is missing: run scripts/setup.sh");
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("demo.gpkg");
    let server = Server::start(&["demo", "--store", store.to_str().expect("path")]);
    let (_, cfg) = onemap_e2e::http("GET", &format!("{}/map/config.json", server.url), None);
    let cfg: Value = serde_json::from_str(&cfg).expect("config json");

    let shot = root().join("target/browser-demo.png");
    let commander = server.account("commander");
    let out = run(
        Command::new(&node)
            .current_dir(root())
            .args(["tests/e2e/map.mjs", &format!("{}/", server.url)])
            .arg(&shot)
            .env("ONEMAP_USER", &commander.name)
            .env("ONEMAP_PASSWORD", &commander.password)
            .env("ONEMAP_WRONG_FIRST", "1"),
        Duration::from_secs(180),
    );
    let report: Value = serde_json::from_str(out.lines().last().unwrap_or("")).expect("report json");
    assert_eq!(report["wrongPasswordMessage"], "用户名或密码错误", "{report}");
    assert!(report["requests"]["tiles"].as_u64().unwrap_or(0) > 0, "no vector tiles requested: {report}");
    assert_eq!(report["requests"]["items"], serde_json::json!([]), "the page loaded whole layers: {report}");
    // Chinese labels: CJK glyph ranges (U+4E00–U+9FFF) are asked for and answered.
    let glyphs = report["requests"]["glyphs"].as_array().expect("glyph requests");
    let cjk: Vec<&Value> = glyphs
        .iter()
        .filter(|g| {
            let start = g["path"].as_str().and_then(|p| p.rsplit('/').next()).and_then(|r| r.split('-').next());
            start.and_then(|s| s.parse::<u32>().ok()).is_some_and(|s| (0x4E00..0xA000).contains(&s))
        })
        .collect();
    assert!(!cjk.is_empty(), "no CJK glyphs asked for: {glyphs:?}");
    assert!(cjk.iter().all(|g| g["status"] == 200 && g["bytes"].as_u64().unwrap_or(0) > 100), "{cjk:?}");
    assert!(report["who"].as_str().unwrap_or("").contains(&commander.name), "the bar does not show who: {report}");
    for layer in cfg["layers"].as_array().expect("layers") {
        let id = layer["id"].as_str().expect("id");
        let rendered = report["layers"][id].as_u64().unwrap_or(0);
        assert!(rendered > 0, "layer {id} rendered nothing: {report}");
        let title = layer["title_zh"].as_str().expect("title_zh");
        assert!(report["legend"].as_str().unwrap_or("").contains(title), "legend lacks {title}: {report}");
    }
    for label in ["重大", "较大", "一般", "低", "风险等级"] {
        assert!(report["legend"].as_str().unwrap_or("").contains(label), "legend lacks {label}");
    }
    assert_eq!(report["demoBanner"], true, "the demo banner is hidden: {report}");
    assert!(report["attribution"].as_str().unwrap_or("").contains("Demo data"), "{report}");
    assert_eq!(report["consoleErrors"], serde_json::json!([]), "page errors: {report}");
    assert_eq!(report["outsideRequests"], serde_json::json!([]), "the page reached off the server: {report}");

    let img = image::open(&shot).expect("screenshot png").to_rgba8();
    assert_eq!((img.width(), img.height()), (1280, 800));
    for (level, rgb) in RISK_RGB {
        let n = pixels_near(&img, rgb);
        assert!(n >= 30, "risk colour {level} covers only {n} px of {}", shot.display());
    }
    eprintln!("browser: rendered {} ; screenshot {}", report["layers"], shot.display());

    // The township account's page: its own hazards only, and it says who is logged in.
    let town = server.account("township");
    let out = run(
        Command::new(&node)
            .current_dir(root())
            .args(["tests/e2e/map.mjs", &format!("{}/#/township/519901001", server.url)])
            .arg(root().join("target/browser-township.png"))
            .env("ONEMAP_USER", &town.name)
            .env("ONEMAP_PASSWORD", &town.password),
        Duration::from_secs(180),
    );
    let town_report: Value = serde_json::from_str(out.lines().last().unwrap_or("")).expect("report json");
    assert!(town_report["who"].as_str().unwrap_or("").contains("乡镇"), "{town_report}");
    assert_eq!(town_report["view"], "township", "{town_report}");
    assert!(town_report["layers"]["hazards"].as_u64().unwrap_or(0) > 0, "{town_report}");
    let all = report["counts"]["hazards"].as_u64().expect("hazards count");
    let own = town_report["counts"]["hazards"].as_u64().expect("township hazards count");
    let key = format!("Bearer {}", server.key("township"));
    let (_, body) =
        onemap_e2e::http_as("GET", &format!("{}/collections/hazards/items?limit=1", server.url), None, &key);
    let matched = serde_json::from_str::<Value>(&body).expect("json")["numberMatched"].as_u64().expect("matched");
    assert!(own > 0 && own < all && own == matched, "township page {own}, API {matched}, commander {all}");
    assert_eq!(town_report["consoleErrors"], serde_json::json!([]), "page errors: {town_report}");

    // The map wall: the dark wall style, a clock, no side panel.
    let wall = server.account("viewer");
    let out = run(
        Command::new(&node)
            .current_dir(root())
            .args(["tests/e2e/map.mjs", &format!("{}/#/wall", server.url)])
            .arg(root().join("target/browser-wall.png"))
            .env("ONEMAP_USER", &wall.name)
            .env("ONEMAP_PASSWORD", &wall.password),
        Duration::from_secs(180),
    );
    let wall_report: Value = serde_json::from_str(out.lines().last().unwrap_or("")).expect("report json");
    assert_eq!(
        (wall_report["view"].as_str(), wall_report["legendShown"].as_bool()),
        (Some("wall"), Some(false)),
        "{wall_report}"
    );
    assert!(wall_report["clock"].as_str().unwrap_or("").contains(':'), "no clock on the wall: {wall_report}");
    assert!(wall_report["layers"]["hazards"].as_u64().unwrap_or(0) > 0, "{wall_report}");
    assert_eq!(wall_report["consoleErrors"], serde_json::json!([]), "page errors: {wall_report}");
}

/// The routing panel with real mouse clicks: a route between two road points (drawn, with its
/// minutes, then saved as an evacuation route), the nearest shelters of a point, isochrones, and
/// the ten-minute coverage layer from the `reach_time` tiles.
#[test]
fn chromium_routes_saves_and_shows_coverage_on_the_demo_county() {
    let node = require_tool("node");
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("demo.gpkg");
    let server = Server::start(&["demo", "--store", store.to_str().expect("path")]);
    let (_, roads) = onemap_e2e::http("GET", &format!("{}/collections/roads/items?limit=300", server.url), None);
    let roads: Value = serde_json::from_str(&roads).expect("roads json");
    let vertex = |i: usize| {
        let c = &roads["features"][i]["geometry"]["coordinates"][1];
        format!("{},{}", c[0].as_f64().expect("lon"), c[1].as_f64().expect("lat"))
    };
    let shot = root().join("target/browser-routing.png");
    let out = run(
        Command::new(node)
            .current_dir(root())
            .args(["tests/e2e/routing.mjs", &format!("{}/", server.url)])
            .arg(&shot)
            .args([vertex(10), vertex(200)])
            .env("ONEMAP_USER", &server.account("planner").name)
            .env("ONEMAP_PASSWORD", &server.account("planner").password),
        Duration::from_secs(180),
    );
    let report: Value = serde_json::from_str(out.lines().last().unwrap_or("")).expect("report json");
    assert_eq!(report["panel"], 1, "{report}");
    assert!(report["route"]["minutes"].as_f64().unwrap_or(0.0) > 0.0, "{report}");
    assert!(report["routeRendered"].as_u64().unwrap_or(0) > 0, "the route is not drawn: {report}");
    assert!(report["routeText"].as_str().unwrap_or("").contains("分钟"), "{report}");
    let saved = report["saved"].as_str().expect("saved route id");
    let (status, body) =
        onemap_e2e::http("GET", &format!("{}/collections/evacuation_routes/items/{saved}", server.url), None);
    assert_eq!(status, 200, "{body}");
    assert!(report["shelters"]["count"].as_u64().unwrap_or(0) > 0, "{report}");
    assert!(report["sheltersText"].as_str().unwrap_or("").contains("空余"), "{report}");
    let bands: Vec<f64> = report["isochrone"]["bands"]
        .as_array()
        .map(|b| b.iter().filter_map(serde_json::Value::as_f64).collect())
        .unwrap_or_default();
    assert!(
        bands.len() == 3 && bands[0] > 0.0 && bands[0] <= bands[1] && bands[1] <= bands[2],
        "isochrone areas {bands:?}: {report}"
    );
    assert!(report["isochroneRendered"].as_u64().unwrap_or(0) > 0, "no isochrone drawn: {report}");
    assert!(report["coverageRendered"].as_u64().unwrap_or(0) > 0, "no coverage drawn: {report}");
    assert_eq!(report["consoleErrors"], serde_json::json!([]), "page errors: {report}");
    eprintln!("browser routing: {report}; screenshot {}", shot.display());
}

/// The map wall: its counters equal what the API says, and a hazard created through the API shows
/// in the counter and on the rendered map within 5 s, with no reload.
#[test]
fn the_wall_counts_and_follows_a_new_hazard_within_5_s() {
    let node = require_tool("node");
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("demo.gpkg");
    let server = Server::start(&["demo", "--store", store.to_str().expect("path"), "--hazards", "120"]);
    let viewer = server.account("viewer");
    let key = format!("Bearer {}", server.key("viewer"));
    let (_, body) = onemap_e2e::http_as("GET", &format!("{}/map/summary.json", server.url), None, &key);
    let summary: Value = serde_json::from_str(&body).expect("summary");
    let (_, cfg) = onemap_e2e::http("GET", &format!("{}/map/config.json", server.url), None);
    let b = serde_json::from_str::<Value>(&cfg).expect("config")["bounds"].clone();
    let at = [
        (b[0].as_f64().unwrap_or(0.0) + b[2].as_f64().unwrap_or(0.0)) / 2.0,
        (b[1].as_f64().unwrap_or(0.0) + b[3].as_f64().unwrap_or(0.0)) / 2.0,
    ];
    let hazard = serde_json::json!({"type": "Feature", "id": "wall-new", "geometry": {"type": "Point", "coordinates": at},
        "properties": {"name": "大屏新增隐患", "kind": "landslide", "risk_level": "major", "township": "519901001", "threatened_people": 17}});
    let file = dir.path().join("hazard.json");
    std::fs::write(&file, hazard.to_string()).expect("write");
    let out = run(
        Command::new(&node)
            .current_dir(root())
            .args(["tests/e2e/wall.mjs", &format!("{}/#/wall", server.url)])
            .arg(root().join("target/browser-wall-live.png"))
            .arg(&file)
            .env("ONEMAP_USER", &viewer.name)
            .env("ONEMAP_PASSWORD", &viewer.password)
            .env("ONEMAP_WRITE_KEY", server.key("commander")),
        Duration::from_secs(180),
    );
    let report: Value = serde_json::from_str(out.lines().last().unwrap_or("")).expect("report json");
    let l = &summary["layers"];
    let want = serde_json::json!({
        "hazards": l["hazards"]["count"],
        "threatened_people": l["hazards"]["threatened_people"],
        "shelter_free": l["shelters"]["free_places"],
        "teams_standby": l["teams"]["by_status"]["standby"].as_u64().unwrap_or(0),
        "teams_dispatched": l["teams"]["by_status"]["dispatched"].as_u64().unwrap_or(0),
    });
    assert_eq!(report["before"], want, "the counters are not what the API says: {report}");
    assert_eq!(report["after"]["hazards"], want["hazards"].as_u64().unwrap_or(0) + 1, "{report}");
    assert_eq!(report["after"]["threatened_people"], want["threatened_people"].as_u64().unwrap_or(0) + 17, "{report}");
    assert!(report["counterMs"].as_u64().unwrap_or(u64::MAX) <= 5000, "the counter took too long: {report}");
    assert!(report["renderedAfter"].as_u64() > report["renderedBefore"].as_u64(), "the map did not draw it: {report}");
    assert!(report["mapMs"].as_u64().unwrap_or(u64::MAX) <= 5000, "the map took too long: {report}");
    assert_eq!(report["consoleErrors"], serde_json::json!([]), "{report}");
    eprintln!("wall: counter after {} ms, map after {} ms", report["counterMs"], report["mapMs"]);
}

/// The township view as a township officer: the list holds exactly its hazards, the map near one
/// of them draws only its own, a filter narrows the list, and the lifecycle button moves a hazard
/// one step (recorded under the officer's account).
#[test]
fn a_township_officer_lists_filters_and_steps_its_hazards() {
    let node = require_tool("node");
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("demo.gpkg");
    let server = Server::start(&["demo", "--store", store.to_str().expect("path"), "--hazards", "200"]);
    let town = server.account("township");
    let out = run(
        Command::new(&node)
            .current_dir(root())
            .args(["tests/e2e/township.mjs", &format!("{}/#/township", server.url)])
            .arg(root().join("target/browser-township-list.png"))
            .env("ONEMAP_USER", &town.name)
            .env("ONEMAP_PASSWORD", &town.password),
        Duration::from_secs(180),
    );
    let report: Value = serde_json::from_str(out.lines().last().unwrap_or("")).expect("report json");
    let (_, all) = onemap_e2e::http("GET", &format!("{}/collections/hazards/items?limit=1000", server.url), None);
    let all: Value = serde_json::from_str(&all).expect("json");
    let township_of: std::collections::BTreeMap<String, String> = all["features"]
        .as_array()
        .expect("features")
        .iter()
        .map(|f| {
            (
                f["id"].as_str().unwrap_or_default().to_owned(),
                f["properties"]["township"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let mut own: Vec<&String> =
        township_of.iter().filter(|(_, t)| t.as_str() == "519901001").map(|(id, _)| id).collect();
    let mut listed: Vec<String> =
        report["listed"].as_array().expect("listed").iter().filter_map(|v| v.as_str().map(str::to_owned)).collect();
    own.sort();
    listed.sort();
    assert_eq!(listed.iter().collect::<Vec<_>>(), own, "the list is not exactly the township's hazards");
    assert!(
        report["filteredMajorOnly"] == true && report["filtered"].as_u64().unwrap_or(0) < listed.len() as u64,
        "{report}"
    );
    let drawn = report["drawn"].as_array().expect("drawn");
    assert!(!drawn.is_empty(), "nothing drawn at z15: {report}");
    for id in drawn.iter().filter_map(Value::as_str) {
        assert_eq!(township_of.get(id).map(String::as_str), Some("519901001"), "{id} of another township is drawn");
    }
    let stepped = &report["stepped"];
    assert_eq!(stepped["patched"], 200, "{report}");
    let id = stepped["id"].as_str().expect("id");
    let (_, h) = onemap_e2e::http("GET", &format!("{}/collections/hazards/items/{id}/history", server.url), None);
    let history: Value = serde_json::from_str(&h).expect("history");
    let last = history["changes"].as_array().and_then(|c| c.last()).cloned().expect("a change");
    assert_eq!(
        (last["actor"].as_str(), last["properties"]["status"].clone()),
        (Some(town.name.as_str()), stepped["to"].clone()),
        "{history}"
    );
    assert_eq!(report["consoleErrors"], serde_json::json!([]), "{report}");
}
