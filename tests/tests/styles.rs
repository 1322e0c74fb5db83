//! The views' MapLibre style documents pass `gl-style-validate` (MapLibre's own validator, from
//! npm) as kept in `styles/` and as a demo server serves them, and every URL in them resolves.

use onemap_e2e::{http, require_tool, root, Server};
use serde_json::Value;
use std::process::Command;

fn validate(file: &std::path::Path) -> (bool, String) {
    let node = require_tool("node");
    let validator = root().join("frontend/node_modules/@maplibre/maplibre-gl-style-spec/dist/gl-style-validate.mjs");
    assert!(validator.exists(), "the style validator is missing: run scripts/setup.sh (npm ci in frontend/)");
    let out = Command::new(node).arg(validator).arg(file).output().expect("node");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

#[test]
fn the_styles_are_valid_and_every_url_in_them_resolves() {
    let dir = tempfile::tempdir().expect("tempdir");
    for view in ["wall", "planner", "township"] {
        let (ok, text) = validate(&root().join(format!("styles/{view}.json")));
        assert!(ok, "styles/{view}.json: {text}");
    }
    let broken = dir.path().join("broken.json");
    std::fs::write(
        &broken,
        r#"{"version": 8, "sources": {}, "layers": [{"id": "x", "type": "circle", "source": "nowhere"}]}"#,
    )
    .expect("write");
    assert!(!validate(&broken).0, "the validator accepts a layer on a missing source");

    let store = dir.path().join("demo.gpkg");
    let server = Server::start(&["demo", "--store", store.to_str().expect("path"), "--hazards", "50"]);
    for view in ["wall", "planner", "township"] {
        let (status, body) = http("GET", &format!("{}/styles/{view}.json", server.url), None);
        assert_eq!(status, 200, "{body}");
        let file = dir.path().join(format!("{view}.json"));
        std::fs::write(&file, &body).expect("write");
        let (ok, text) = validate(&file);
        assert!(ok, "/styles/{view}.json: {text}");
        let doc: Value = serde_json::from_str(&body).expect("json");
        for (name, source) in doc["sources"].as_object().expect("sources") {
            let url = source["url"].as_str().expect("a TileJSON url");
            assert!(url.starts_with(&server.url), "{name}: {url} is not on this server");
            let (status, tilejson) = http("GET", url, None);
            assert_eq!(status, 200, "{url}: {tilejson}");
            let tilejson: Value = serde_json::from_str(&tilejson).expect("TileJSON");
            let template = tilejson["tiles"][0].as_str().expect("a tile URL");
            let b = tilejson["bounds"].as_array().expect("bounds");
            let (lon, lat) = (
                (b[0].as_f64().unwrap_or(0.0) + b[2].as_f64().unwrap_or(0.0)) / 2.0,
                (b[1].as_f64().unwrap_or(0.0) + b[3].as_f64().unwrap_or(0.0)) / 2.0,
            );
            let z = 12u32;
            let n = f64::from(1u32 << z);
            let x = ((lon + 180.0) / 360.0 * n) as u32;
            let y = ((1.0 - (lat.to_radians().tan() + 1.0 / lat.to_radians().cos()).ln() / std::f64::consts::PI) / 2.0
                * n) as u32;
            let tile =
                template.replace("{z}", &z.to_string()).replace("{x}", &x.to_string()).replace("{y}", &y.to_string());
            let (status, _) = onemap_e2e::http_bytes("GET", &tile, None);
            assert!(status == 200 || status == 204, "{tile}: {status}");
        }
        let glyphs = doc["glyphs"].as_str().expect("glyphs");
        let font = doc["layers"]
            .as_array()
            .and_then(|ls| ls.iter().find_map(|l| l["layout"]["text-font"][0].as_str()))
            .expect("a label layer");
        // 应 (U+5E94) lies in 24064-24319.
        let url = glyphs.replace("{fontstack}", &font.replace(' ', "%20")).replace("{range}", "24064-24319");
        let (status, bytes) = onemap_e2e::http_bytes("GET", &url, None);
        assert_eq!(status, 200, "{url}");
        let stacks = onemap_styles::glyphs::decode(&bytes).expect("a glyph protobuf");
        assert!(stacks[0].1.contains(&0x5E94), "{url}: {} glyphs", stacks[0].1.len());
        let sprite = doc["sprite"].as_str().expect("the icon sprite");
        for suffix in [".json", ".png", "@2x.json", "@2x.png"] {
            let (status, bytes) = onemap_e2e::http_bytes("GET", &format!("{sprite}{suffix}"), None);
            assert_eq!(status, 200, "{sprite}{suffix}");
            if suffix.ends_with(".png") {
                assert_eq!(&bytes[1..4], b"PNG", "{sprite}{suffix}");
            }
        }
        let (_, index) = http("GET", &format!("{sprite}.json"), None);
        let index: Value = serde_json::from_str(&index).expect("sprite index");
        let mut asked = Vec::new();
        collect_icons(&doc["layers"], &mut asked);
        assert!(asked.iter().any(|i| i == "arrow"), "{asked:?}");
        for icon in &asked {
            assert!(index.get(icon).is_some(), "{view}: icon {icon} is not in the sprite");
        }
        let layers = doc["layers"].as_array().expect("layers");
        assert!(layers.iter().any(|l| l["source-layer"] == "hazards"), "{view}");
    }
}

/// The literal icon names and `concat` prefixes in a style's `icon-image` values, expanded with
/// the kinds of the demo (every `hazard-…`, `shelter-…`, `team-…` the sprite must hold).
fn collect_icons(layers: &Value, out: &mut Vec<String>) {
    let kinds = |prefix: &str| -> Vec<String> {
        let names: &[&str] = match prefix {
            "hazard-" => onemap_model::HazardKind::NAMES,
            "shelter-" => onemap_model::ShelterKind::NAMES,
            "team-" => onemap_model::TeamKind::NAMES,
            _ => &[],
        };
        names.iter().map(|k| format!("{prefix}{k}")).collect()
    };
    for l in layers.as_array().into_iter().flatten() {
        match &l["layout"]["icon-image"] {
            Value::String(s) => out.push(s.clone()),
            Value::Array(a) if a.first() == Some(&Value::from("concat")) => {
                out.extend(kinds(a.get(1).and_then(Value::as_str).unwrap_or_default()));
            }
            _ => {}
        }
    }
}
