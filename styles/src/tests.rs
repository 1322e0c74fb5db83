use super::*;
use onemap_model::registry::builtin::RISK_PALETTE;
use onemap_model::LayerId;
use std::collections::BTreeSet;

fn dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

#[test]
fn every_view_draws_every_layer_from_the_one_source_with_unique_ids() {
    let registry = Registry::builtin();
    for view in View::ALL {
        let doc = style(view, &registry, "http://x", Features { glyphs: true, sprite: true });
        assert_eq!(doc["version"], 8);
        assert_eq!(doc["sources"]["onemap"]["url"], "http://x/tiles.json");
        let layers = doc["layers"].as_array().expect("layers");
        let ids: BTreeSet<&str> = layers.iter().filter_map(|l| l["id"].as_str()).collect();
        assert_eq!(ids.len(), layers.len(), "{view:?}: duplicate layer ids");
        let drawn: BTreeSet<&str> = layers.iter().filter_map(|l| l["source-layer"].as_str()).collect();
        let names: BTreeSet<&str> = registry.names().into_iter().collect();
        assert_eq!(drawn, names, "{view:?}: every registry layer, and nothing else");
    }
}

#[test]
fn colours_come_from_the_registry() {
    let doc = style(View::Planner, &Registry::builtin(), "", Features::default());
    let layer =
        |id: &str| doc["layers"].as_array().and_then(|ls| ls.iter().find(|l| l["id"] == id)).cloned().expect("layer");
    let hazards = layer("hazards-point");
    let expr = hazards["paint"]["circle-color"].as_array().expect("match").clone();
    for (level, colour) in RISK_PALETTE {
        let i = expr.iter().position(|v| v == level).unwrap_or_else(|| panic!("{level} missing"));
        assert_eq!(expr[i + 1], *colour, "{level}");
    }
    assert_eq!(layer("hazards-cluster")["paint"]["circle-color"], hazards["paint"]["circle-color"]);
    let teams = LayerId::TEAMS.def().style;
    assert_eq!(layer("teams-point")["paint"]["circle-color"], layers::colour(&teams));
}

#[test]
fn without_glyphs_or_sprite_no_layer_asks_for_them() {
    let registry = Registry::builtin();
    let text = file_text(View::Wall, &registry);
    let doc = fill(&text, "https://gis.example.org", Features::default()).expect("a style");
    assert!(doc.get("glyphs").is_none() && doc.get("sprite").is_none());
    let layers = doc["layers"].as_array().expect("layers");
    assert!(layers.iter().all(|l| l["layout"].get("text-field").is_none() && l["layout"].get("icon-image").is_none()));
    assert!(layers.len() > 10);
    assert!(!doc.to_string().contains(BASE_PLACEHOLDER));
    let full = fill(&text, "https://gis.example.org", Features { glyphs: true, sprite: true }).expect("a style");
    assert_eq!(full["glyphs"], "https://gis.example.org/fonts/{fontstack}/{range}.pbf");
    assert_eq!(full["sprite"], "https://gis.example.org/sprites/onemap");
    assert!(full["layers"].as_array().expect("layers").len() > layers.len());
}

/// The files under `styles/` are what the registry makes (`ONEMAP_WRITE_STYLES=1 cargo test -p
/// onemap-styles` writes them).
#[test]
fn the_kept_files_are_current() {
    let registry = Registry::builtin();
    for view in View::ALL {
        let path = dir().join(format!("{}.json", view.as_str()));
        let want = file_text(view, &registry);
        if std::env::var_os("ONEMAP_WRITE_STYLES").is_some() {
            std::fs::write(&path, &want).expect("write");
        }
        let kept = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            kept == want,
            "{} is out of date: run ONEMAP_WRITE_STYLES=1 cargo test -p onemap-styles",
            path.display()
        );
    }
}

#[test]
fn the_icons_cover_every_kind_and_pack_into_a_sprite() {
    let icons = dir().join("icons");
    assert_eq!(sprite::missing_icons(&icons, &icon_names()), Vec::<String>::new());
    for ratio in [1u8, 2] {
        let sheet = sprite::build(&icons, ratio).expect("a sprite");
        assert_eq!(&sheet.png[1..4], b"PNG");
        let index: serde_json::Value = serde_json::from_slice(&sheet.index).expect("index json");
        for name in icon_names() {
            let e = &index[&name];
            assert_eq!(e["pixelRatio"], ratio, "{name}: {e}");
            assert!(e["width"].as_u64().unwrap_or(0) >= 12 * u64::from(ratio), "{name}: {e}");
        }
    }
    let empty = tempfile::tempdir().expect("tempdir");
    assert!(matches!(sprite::build(empty.path(), 1), Err(sprite::SpriteError::Empty(_))));
}

#[test]
fn chinese_glyphs_render_from_noto_sans_cjk() {
    let path = std::path::Path::new(glyphs::NOTO_CJK);
    if !path.exists() {
        assert!(std::env::var("CI").is_err(), "{} is missing: run scripts/setup.sh", path.display());
        eprintln!("SKIPPED: {} is missing (scripts/setup.sh installs fonts-noto-cjk)", path.display());
        return;
    }
    let font = glyphs::Font::open(path).expect("the font");
    assert_eq!(font.name, FONT, "the styles ask for the face the server renders");
    // 一 (U+4E00) .. 丿: the first range of CJK ideographs.
    let stacks = glyphs::decode(&font.range("19968-20223").expect("glyphs")).expect("a glyph protobuf");
    assert_eq!(stacks.len(), 1);
    assert_eq!(stacks[0].0, FONT);
    assert!(stacks[0].1.contains(&0x4E00) && stacks[0].1.len() > 200, "{} glyphs", stacks[0].1.len());
    for bad in ["0-256", "1-256", "65536-65791", "x-y", "0255"] {
        assert!(matches!(font.range(bad), Err(glyphs::GlyphError::Range(_))), "{bad}");
    }
}
