//! A layer declared only in a registry built here — no tiles, store or server code knows it —
//! is served like any built-in one: written over OGC API – Features, listed in `/collections`
//! and `/map/config.json`, drawn (and clustered) in vector tiles, and totalled by
//! `/query/within`. Coordinates are WGS84 lon/lat degrees.

mod common;

use axum::http::{Method, StatusCode};
use common::{frontend, TestApp};
use onemap_model::registry::{Agg, ClusterSpec, Columns, Measure, Rollup, StyleSpec, TileSpec};
use onemap_model::{Column, ColumnType, GeometryKind, LayerDef, LayerId, Record, Registry, Role};
use onemap_server::{app, AppState, ServiceInfo};
use onemap_store::{GpkgStore, Store};
use onemap_tiles::decode::features;
use serde_json::json;
use std::sync::Arc;

const fn column(name: &'static str, ty: ColumnType, required: bool, title_zh: &'static str) -> Column {
    Column { name, ty, required, default: false, enum_values: None, enum_labels_zh: None, title_zh }
}

static WATER_COLUMNS: [Column; 5] = [
    column("name", ColumnType::Text, true, "名称"),
    Column {
        enum_values: Some(&["hydrant", "pond"]),
        enum_labels_zh: Some(&["消火栓", "水池"]),
        ..column("kind", ColumnType::Text, true, "类型")
    },
    column("flow_lps", ColumnType::Real, false, "流量(升/秒)"),
    column("township", ColumnType::Text, false, "乡镇代码"),
    column("keeper", ColumnType::Text, false, "管护人"),
];

const WATER_CLUSTER: &[Rollup] = &[Rollup::new("flow_lps", Agg::Sum(Measure::Prop("flow_lps")))];
const WATER_TOTALS: &[Rollup] =
    &[Rollup::new("flow_lps", Agg::Sum(Measure::Prop("flow_lps"))), Rollup::new("by_kind", Agg::CountBy("kind"))];

/// Fire-fighting water points (消防水源): a layer no code in the workspace names.
fn water_points() -> LayerId {
    LayerDef {
        name: "water_points",
        title: "Fire-fighting water points",
        title_zh: "消防水源",
        geometry: GeometryKind::Point,
        columns: Columns::Listed(&WATER_COLUMNS),
        decode: Record::decode,
        admin_code: Some("township"),
        name_property: Some("name"),
        personal: &["keeper"],
        editors: &[Role::Township],
        context: false,
        tiles: TileSpec {
            minzoom: 0,
            maxzoom: 24,
            attributes: &["name", "kind", "flow_lps"],
            derived: &[],
            zoom_by: None,
        },
        cluster: Some(ClusterSpec { below: 12, rollups: WATER_CLUSTER }),
        totals: WATER_TOTALS,
        style: StyleSpec { colour: "#0570b0", colour_by: None, palette: &[] },
        aliases: &[("flow_lps", &["流量"])],
        place: None,
        closes_roads: None,
    }
    .leak()
}

fn app_with_water_points() -> TestApp {
    let dir = tempfile::tempdir().expect("tempdir");
    let registry = Registry::builtin().with(water_points()).expect("a valid registry");
    let store = GpkgStore::open_with(dir.path().join("w.gpkg"), registry).expect("open");
    let store: Arc<dyn Store> = Arc::new(store);
    let info = ServiceInfo {
        frontend_dir: frontend(),
        icons_dir: frontend().join("../styles/icons"),
        body_limit: 1 << 20,
        ..ServiceInfo::default()
    };
    let router = app(AppState::new(Arc::clone(&store), info));
    TestApp { store, router, _dir: dir }
}

/// The XYZ tile holding a WGS84 point at zoom `z`.
fn tile_of(lon: f64, lat: f64, z: u32) -> (u32, u32) {
    let n = f64::from(1u32 << z);
    let x = ((lon + 180.0) / 360.0 * n).floor();
    let lat = lat.to_radians();
    let y = ((1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0 * n).floor();
    (x as u32, y as u32)
}

const POINTS: [(&str, f64, f64, &str, f64); 3] = [
    ("w1", 103.600, 30.100, "hydrant", 15.0),
    ("w2", 103.601, 30.100, "hydrant", 20.5),
    ("w3", 103.602, 30.101, "pond", 40.0),
];

async fn write_points(t: &TestApp) {
    let fc = json!({"type": "FeatureCollection", "features": POINTS.iter().map(|(id, lon, lat, kind, flow)| json!({
        "type": "Feature", "id": id,
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": {"name": format!("水源 {id}"), "kind": kind, "flow_lps": flow, "township": "510114001"},
    })).collect::<Vec<_>>()});
    let r = t.json(Method::POST, "/collections/water_points/items", &fc, &[]).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
}

#[tokio::test]
async fn a_layer_declared_in_a_test_registry_is_listed_tiled_and_totalled() {
    let t = app_with_water_points();
    write_points(&t).await;

    let cols = t.get("/collections").await;
    let listed = cols.body["collections"].as_array().expect("collections");
    let water = listed.iter().find(|c| c["id"] == "water_points").expect("water_points in /collections");
    assert!(water["description"].as_str().expect("description").contains("3 features"), "{water}");
    assert_eq!(listed.len(), 9, "the eight built-in layers and the new one");

    let config = t.get("/map/config.json").await;
    let layer = config.body["layers"].as_array().expect("layers").last().cloned().expect("a layer");
    assert_eq!((layer["id"].clone(), layer["count"].clone()), (json!("water_points"), json!(3)));
    assert_eq!(layer["fields"][1]["labels_zh"]["pond"], "水池");

    // Zoom 13: each point drawn with its declared attributes.
    let (x, y) = tile_of(103.601, 30.1005, 13);
    let r = t.get(&format!("/tiles/water_points/13/{x}/{y}.mvt")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let mut drawn = features(&r.bytes).expect("a valid tile");
    drawn.sort_by(|a, b| a.attrs["id"].as_str().cmp(&b.attrs["id"].as_str()));
    assert_eq!(drawn.iter().map(|f| f.layer.as_str()).collect::<Vec<_>>(), ["water_points"; 3]);
    assert_eq!(drawn[2].attrs["kind"], "pond");
    assert_eq!(drawn[2].attrs["flow_lps"], 40.0);
    assert!(!drawn[0].attrs.contains_key("keeper"), "only the declared attributes: {:?}", drawn[0].attrs);

    // Zoom 8: the three points are one cluster carrying the declared sum.
    let (x, y) = tile_of(103.601, 30.1005, 8);
    let r = t.get(&format!("/tiles/water_points/8/{x}/{y}.mvt")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let clusters: Vec<_> =
        features(&r.bytes).expect("tile").into_iter().filter(|f| f.layer == "water_points").collect();
    assert_eq!(clusters.len(), 1, "{clusters:?}");
    assert_eq!(clusters[0].attrs["point_count"], 3);
    assert_eq!(clusters[0].attrs["flow_lps"], 75.5);

    // What lies within 500 m: the declared totals.
    let q = json!({"geometry": {"type": "Point", "coordinates": [103.601, 30.1005]}, "buffer_m": 500.0, "layers": ["water_points", "hazards"]});
    let r = t.json(Method::POST, "/query/within", &q, &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let totals = &r.body["layers"]["water_points"]["totals"];
    assert_eq!(totals["count"], 3);
    assert_eq!(totals["flow_lps"], 75.5);
    assert_eq!(totals["by_kind"], json!({"hydrant": 2, "pond": 1}));
    assert_eq!(r.body["layers"]["hazards"]["totals"]["count"], 0);
}

#[tokio::test]
async fn the_new_layer_checks_its_columns_and_is_unknown_to_a_builtin_registry() {
    let t = app_with_water_points();
    let bad = json!({"type": "Feature", "geometry": {"type": "Point", "coordinates": [103.6, 30.1]},
                     "properties": {"name": "x", "kind": "well"}});
    let r = t.json(Method::POST, "/collections/water_points/items", &bad, &[]).await;
    common::assert_error(&r, StatusCode::BAD_REQUEST, "well");
    assert_eq!(r.body["field"], "properties.kind");
    let r = t.get("/collections/water_points/items").await;
    assert_eq!(r.body["numberMatched"], 0, "nothing written: {}", r.text);

    let demo = common::demo_app(10, 1 << 20);
    let r = demo.get("/collections/water_points").await;
    common::assert_error(&r, StatusCode::NOT_FOUND, "water_points");
}
