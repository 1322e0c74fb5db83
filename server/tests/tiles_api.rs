//! Vector tiles over HTTP: XYZ and OGC API – Tiles endpoints, TileJSON, filters, clustering,
//! ETag/304/204, errors, and write-through invalidation (also under concurrent writers/readers).

mod common;

use axum::http::{Method, StatusCode};
use common::{assert_error, demo_app, TestApp};
use geo::Geometry;
use onemap_model::{LayerId, Scope};
use onemap_store::Query;
use onemap_tiles::coord::lonlat_to_world;
use onemap_tiles::decode::{features, DecodedFeature};
use serde_json::{json, Value};
use std::sync::Arc;

/// The tile (z, x, y) containing a stored point feature.
fn tile_of(app: &TestApp, layer: LayerId, id: &str, z: u8) -> (u8, u32, u32) {
    let f = app.store.get(layer, id, &Scope::All).expect("feature");
    let Geometry::Point(p) = f.geometry else { panic!("not a point") };
    let (x, y) = lonlat_to_world(p.x(), p.y());
    let n = f64::from(1u32 << z);
    (z, (x * n) as u32, (y * n) as u32)
}

async fn tile(app: &TestApp, uri: &str) -> Vec<DecodedFeature> {
    let r = app.get(uri).await;
    match r.status {
        StatusCode::OK => {
            assert_eq!(r.headers["content-type"], "application/vnd.mapbox-vector-tile", "{uri}");
            features(&r.bytes).expect("decodes")
        }
        StatusCode::NO_CONTENT => Vec::new(),
        s => panic!("{uri}: {s} {}", r.text),
    }
}

fn ids(fs: &[DecodedFeature], layer: &str) -> Vec<String> {
    fs.iter()
        .filter(|f| f.layer == layer)
        .filter_map(|f| f.attrs.get("id").and_then(Value::as_str).map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn composite_tile_has_every_layer_with_map_attributes() {
    let app = demo_app(200, 1 << 20);
    let (z, x, y) = tile_of(&app, LayerId::HAZARDS, "hz-0001", 13);
    let fs = tile(&app, &format!("/tiles/{z}/{x}/{y}.mvt")).await;
    let layers: std::collections::BTreeSet<&str> = fs.iter().map(|f| f.layer.as_str()).collect();
    assert!(layers.contains("hazards") && layers.contains("admin_areas") && layers.contains("roads"), "{layers:?}");
    let h = fs.iter().find(|f| f.attrs.get("id") == Some(&json!("hz-0001"))).expect("hz-0001 in its tile");
    for a in ["name", "kind", "risk_level", "status", "threatened_people", "township"] {
        assert!(h.attrs.contains_key(a), "hazard attribute {a} missing: {:?}", h.attrs);
    }
    assert!(!h.attrs.contains_key("phone"), "tiles carry map attributes, not every column");
    // The chosen-set endpoint gives only those layers.
    let only = tile(&app, &format!("/tiles/hazards,shelters/{z}/{x}/{y}.mvt")).await;
    assert!(only.iter().all(|f| f.layer == "hazards" || f.layer == "shelters"));
    assert_eq!(ids(&only, "hazards"), ids(&fs, "hazards"));
    // OGC API – Tiles gives the same hazards (tileRow = y, tileCol = x).
    let ogc = tile(&app, &format!("/collections/hazards/tiles/WebMercatorQuad/{z}/{y}/{x}")).await;
    assert_eq!(ids(&ogc, "hazards"), ids(&fs, "hazards"));
}

#[tokio::test]
async fn every_hazard_is_counted_once_across_the_clustered_tiles_of_a_zoom() {
    let app = demo_app(400, 1 << 20);
    let total = app.store.summary(LayerId::HAZARDS, &Scope::All);
    let e = total.extent.expect("extent");
    for z in [6u8, 9, 11, 13] {
        let n = f64::from(1u32 << z);
        let (x0, y0) = lonlat_to_world(e[0], e[3]);
        let (x1, y1) = lonlat_to_world(e[2], e[1]);
        let mut counted = 0i64;
        let mut clusters = 0;
        for x in (x0 * n) as u32..=(x1 * n) as u32 {
            for y in (y0 * n) as u32..=(y1 * n) as u32 {
                for f in tile(&app, &format!("/tiles/hazards/{z}/{x}/{y}.mvt")).await {
                    let (px, py) = f.parts[0][0];
                    // Count each symbol in the tile that owns it, not in its neighbours' buffers.
                    if (0..4096).contains(&px) && (0..4096).contains(&py) {
                        counted += f.attrs.get("point_count").and_then(Value::as_i64).unwrap_or(1);
                        clusters += usize::from(f.attrs.contains_key("cluster"));
                    }
                }
            }
        }
        assert_eq!(counted, total.count as i64, "zoom {z}: symbols account for {counted} hazards of {}", total.count);
        if z < 12 {
            assert!(clusters > 0, "zoom {z} should cluster");
        } else {
            assert_eq!(clusters, 0, "zoom {z} should not cluster");
        }
    }
}

#[tokio::test]
async fn clusters_carry_the_worst_risk_and_summed_people() {
    let app = demo_app(400, 1 << 20);
    let all =
        app.store.query(LayerId::HAZARDS, &Query { limit: usize::MAX, ..Query::default() }, &Scope::All).expect("all");
    let people: i64 =
        all.features.iter().map(|f| f.properties.to_json()["threatened_people"].as_i64().unwrap_or(0)).sum();
    // At zoom 5 the whole demo county fits one tile (plus perhaps a neighbour).
    let e = app.store.summary(LayerId::HAZARDS, &Scope::All).extent.expect("extent");
    let (x, y) = lonlat_to_world((e[0] + e[2]) / 2.0, (e[1] + e[3]) / 2.0);
    let fs = tile(&app, &format!("/tiles/hazards/5/{}/{}.mvt", (x * 32.0) as u32, (y * 32.0) as u32)).await;
    let summed: i64 = fs.iter().map(|f| f.attrs["threatened_people"].as_i64().unwrap_or(0)).sum();
    assert_eq!(summed, people);
    assert!(fs.len() < 60, "a low-zoom wall shows tens of symbols, got {}", fs.len());
    assert!(fs.iter().any(|f| f.attrs.get("risk_level") == Some(&json!("major"))));
}

#[tokio::test]
async fn filters_narrow_the_tile() {
    let app = demo_app(300, 1 << 20);
    let (z, x, y) = tile_of(&app, LayerId::HAZARDS, "hz-0001", 12);
    let major = tile(&app, &format!("/tiles/{z}/{x}/{y}.mvt?risk_level=major")).await;
    assert!(major
        .iter()
        .filter(|f| f.layer == "hazards" || f.layer == "risk_zones")
        .all(|f| f.attrs["risk_level"] == "major"));
    assert!(major.iter().any(|f| f.layer == "roads"), "layers without risk_level stay as context");
    let h = app.store.get(LayerId::HAZARDS, "hz-0001", &Scope::All).expect("hz-0001");
    let township = h.properties.admin_code().expect("township").to_owned();
    let mine = tile(&app, &format!("/tiles/hazards,admin_areas/{z}/{x}/{y}.mvt?township={township}")).await;
    assert!(!mine.is_empty());
    for f in &mine {
        let code = f.attrs.get("township").or_else(|| f.attrs.get("code")).and_then(Value::as_str).unwrap_or("");
        assert!(code.starts_with(&township), "{code} outside {township}");
    }
    assert_error(&app.get(&format!("/tiles/{z}/{x}/{y}.mvt?risk=major")).await, StatusCode::BAD_REQUEST, "risk");
    assert_error(
        &app.get(&format!("/tiles/{z}/{x}/{y}.mvt?risk_level=huge")).await,
        StatusCode::BAD_REQUEST,
        "risk_level",
    );
    assert_error(
        &app.get(&format!("/tiles/roads/{z}/{x}/{y}.mvt?risk_level=major")).await,
        StatusCode::BAD_REQUEST,
        "no requested layer",
    );
    assert_error(&app.get(&format!("/tiles/{z}/{x}/{y}.mvt?township=abc")).await, StatusCode::BAD_REQUEST, "township");
}

#[tokio::test]
async fn etag_304_204_and_bad_coordinates() {
    let app = demo_app(50, 1 << 20);
    let (z, x, y) = tile_of(&app, LayerId::HAZARDS, "hz-0001", 12);
    let uri = format!("/tiles/{z}/{x}/{y}.mvt");
    let r = app.get(&uri).await;
    assert_eq!(r.status, StatusCode::OK);
    let etag = r.headers["etag"].to_str().expect("etag").to_owned();
    assert_eq!(r.headers["cache-control"], "no-cache");
    let again = app.send(Method::GET, &uri, None, &[("if-none-match", &etag)]).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.bytes.is_empty());
    // Weak, since the same tag goes with the gzip and brotli encodings of the tile.
    assert!(etag.starts_with("W/\""), "{etag}");
    let strong = etag.trim_start_matches("W/");
    let again = app.send(Method::GET, &uri, None, &[("if-none-match", &format!("\"x\", {strong}"))]).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED, "weak comparison");
    let gz = app.send(Method::GET, &uri, None, &[("accept-encoding", "gzip")]).await;
    assert_eq!(gz.headers["content-encoding"], "gzip");
    assert_eq!(gz.headers["etag"], etag.as_str());
    assert!(!gz.bytes.is_empty() && gz.bytes != r.bytes);
    let br = app.send(Method::GET, &uri, None, &[("accept-encoding", "br")]).await;
    assert_eq!(br.headers["content-encoding"], "br");
    let changed = app.send(Method::GET, &uri, None, &[("if-none-match", "W/\"0000000000000000-1\"")]).await;
    assert_eq!(changed.status, StatusCode::OK, "a different tag gets the tile");
    // Far from the demo county: nothing there.
    assert_eq!(app.get("/tiles/12/0/0.mvt").await.status, StatusCode::NO_CONTENT);
    assert_error(&app.get("/tiles/25/0/0.mvt").await, StatusCode::NOT_FOUND, "zoom 25 outside 0..=24");
    assert_error(&app.get("/tiles/3/8/0.mvt").await, StatusCode::NOT_FOUND, "x (tileCol) 8 outside 0..8");
    assert_error(&app.get("/tiles/3/0/-1.mvt").await, StatusCode::NOT_FOUND, "y (tileRow)");
    assert_error(&app.get("/tiles/3/0/0.png").await, StatusCode::NOT_FOUND, ".mvt");
    assert_error(&app.get("/tiles/hazards,bridges/3/0/0.mvt").await, StatusCode::NOT_FOUND, "unknown layer `bridges`");
    assert_error(&app.get("/collections/bridges/tiles/WebMercatorQuad/0/0/0").await, StatusCode::NOT_FOUND, "bridges");
    assert_error(
        &app.get("/collections/hazards/tiles/WorldCRS84Quad/0/0/0").await,
        StatusCode::NOT_FOUND,
        "WorldCRS84Quad",
    );
    assert_error(
        &app.get("/collections/hazards/tiles/WebMercatorQuad/2/4/0").await,
        StatusCode::NOT_FOUND,
        "y (tileRow) 4",
    );
    assert_error(
        &app.get("/collections/hazards/tiles/WebMercatorQuad/2/0/0?f=png").await,
        StatusCode::BAD_REQUEST,
        "f",
    );
}

#[tokio::test]
async fn tilejson_and_ogc_tiles_metadata() {
    let app = demo_app(50, 1 << 20);
    let tj = app.get("/tiles.json").await;
    assert_eq!(tj.body["tilejson"], "3.0.0");
    assert_eq!(tj.body["tiles"][0], "http://onemap.test/tiles/{z}/{x}/{y}.mvt");
    assert_eq!(tj.body["vector_layers"].as_array().expect("vector_layers").len(), 8);
    assert!(tj.body["attribution"].as_str().unwrap_or("").contains("Demo"), "{}", tj.body);
    let b = tj.body["bounds"].as_array().expect("bounds");
    assert!(b[0].as_f64().unwrap_or(0.0) > 103.0);
    let some = app.get("/tiles/hazards,shelters.json?risk_level=major").await;
    assert_eq!(some.body["tiles"][0], "http://onemap.test/tiles/hazards,shelters/{z}/{x}/{y}.mvt?risk_level=major");
    let hz = some.body["vector_layers"]
        .as_array()
        .expect("layers")
        .iter()
        .find(|l| l["id"] == "hazards")
        .cloned()
        .expect("hazards");
    assert_eq!(hz["fields"]["threatened_people"], "Number");
    assert_eq!(hz["fields"]["point_count"], "Number");

    let conf = app.get("/conformance").await;
    assert!(conf.text.contains("http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/mvt"));
    let col = app.get("/collections/hazards").await;
    assert!(col.text.contains("/collections/hazards/tiles"));
    let sets = app.get("/collections/hazards/tiles").await;
    assert_eq!(sets.body["tilesets"][0]["dataType"], "vector");
    let ts = app.get("/collections/hazards/tiles/WebMercatorQuad").await;
    let item =
        ts.body["links"].as_array().expect("links").iter().find(|l| l["rel"] == "item").cloned().expect("item link");
    assert_eq!(
        item["href"],
        "http://onemap.test/collections/hazards/tiles/WebMercatorQuad/{tileMatrix}/{tileRow}/{tileCol}"
    );
    assert_eq!(item["type"], "application/vnd.mapbox-vector-tile");
    assert_eq!(ts.body["layers"][0]["geometryDimension"], "points");
    let tms = app.get("/tileMatrixSets/WebMercatorQuad").await;
    let m = tms.body["tileMatrices"].as_array().expect("matrices");
    assert_eq!(m.len(), 25);
    assert_eq!(m[24]["matrixWidth"], 1u64 << 24);
    assert!((m[0]["scaleDenominator"].as_f64().unwrap_or(0.0) - 559_082_264.028_717_8).abs() < 1e-3);
    assert_eq!(app.get("/tileMatrixSets").await.body["tileMatrixSets"][0]["id"], "WebMercatorQuad");
    assert_error(&app.get("/tileMatrixSets/Foo").await, StatusCode::NOT_FOUND, "Foo");
}

#[tokio::test]
async fn a_write_is_in_every_tile_read_after_it() {
    let app = demo_app(100, 1 << 20);
    let (z, x, y) = tile_of(&app, LayerId::HAZARDS, "hz-0002", 12);
    let uri = format!("/tiles/{z}/{x}/{y}.mvt");
    let low = format!("/tiles/hazards/8/{}/{}.mvt", x >> 4, y >> 4);
    let before = tile(&app, &uri).await; // cached now
    let _ = tile(&app, &low).await;
    assert!(!ids(&before, "hazards").contains(&"new-1".to_owned()));
    // Add a hazard next to hz-0002, move hz-0001 there, and change hz-0002's risk level.
    let h2 = app.store.get(LayerId::HAZARDS, "hz-0002", &Scope::All).expect("hz-0002");
    let Geometry::Point(p) = h2.geometry else { panic!() };
    let new = json!({"type": "Feature", "id": "new-1", "geometry": {"type": "Point", "coordinates": [p.x(), p.y()]},
        "properties": {"name": "新隐患", "kind": "flood", "risk_level": "major", "township": "519901001", "threatened_people": 77}});
    assert_eq!(app.json(Method::POST, "/collections/hazards/items", &new, &[]).await.status, StatusCode::CREATED);
    let after = tile(&app, &uri).await;
    assert!(ids(&after, "hazards").contains(&"new-1".to_owned()), "new feature missing from a cached tile");
    let patch = json!({"properties": {"risk_level": "low"}});
    assert_eq!(app.json(Method::PATCH, "/collections/hazards/items/hz-0002", &patch, &[]).await.status, StatusCode::OK);
    let after = tile(&app, &uri).await;
    let f = after.iter().find(|f| f.attrs.get("id") == Some(&json!("hz-0002"))).expect("hz-0002");
    assert_eq!(f.attrs["risk_level"], "low");
    assert_eq!(
        app.send(Method::DELETE, "/collections/hazards/items/new-1", None, &[]).await.status,
        StatusCode::NO_CONTENT
    );
    assert!(!ids(&tile(&app, &uri).await, "hazards").contains(&"new-1".to_owned()));
    // The low-zoom cluster tile re-summed after the writes: one more hazard was added then deleted.
    let low_after = tile(&app, &low).await;
    let sum = |fs: &[DecodedFeature]| {
        fs.iter().map(|f| f.attrs.get("point_count").and_then(Value::as_i64).unwrap_or(1)).sum::<i64>()
    };
    assert_eq!(sum(&low_after), sum(&tile(&app, &low).await));
}

/// Writers move one hazard around while readers fetch its tiles; after each write is answered,
/// the next read of the feature's tile must show the feature's latest position.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_and_readers_never_see_a_stale_tile_after_a_2xx() {
    let app = Arc::new(demo_app(100, 1 << 20));
    let h = app.store.get(LayerId::HAZARDS, "hz-0003", &Scope::All).expect("hz-0003");
    let Geometry::Point(p0) = h.geometry else { panic!() };
    let z = 14u8;
    let tile_xy = |lon: f64, lat: f64| {
        let (x, y) = lonlat_to_world(lon, lat);
        ((x * 16384.0) as u32, (y * 16384.0) as u32)
    };
    // Background readers keep the cache hot for the tiles the feature moves between.
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut readers = Vec::new();
    for r in 0..3 {
        let (app, stop) = (Arc::clone(&app), Arc::clone(&stop));
        readers.push(tokio::spawn(async move {
            let mut n = 0u32;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let step = f64::from((n + r) % 8) * 0.01;
                let (x, y) = tile_xy(p0.x() + step, p0.y());
                let _ = app.get(&format!("/tiles/hazards/{z}/{x}/{y}.mvt")).await;
                n += 1;
                // A cached tile completes without ever waiting: give the workers back, or three
                // spinning readers starve the writer's tasks.
                tokio::task::yield_now().await;
            }
            n
        }));
    }
    for i in 0..200u32 {
        let lon = p0.x() + f64::from(i % 8) * 0.01;
        let body = json!({"geometry": {"type": "Point", "coordinates": [lon, p0.y()]}, "properties": {"threatened_people": i}});
        let r = app.json(Method::PATCH, "/collections/hazards/items/hz-0003", &body, &[]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let (x, y) = tile_xy(lon, p0.y());
        let fs = tile(&app, &format!("/tiles/hazards/{z}/{x}/{y}.mvt")).await;
        let f = fs.iter().find(|f| f.attrs.get("id") == Some(&json!("hz-0003")));
        assert_eq!(
            f.map(|f| f.attrs["threatened_people"].clone()),
            Some(json!(i)),
            "write {i}: stale tile {z}/{x}/{y}"
        );
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut reads = 0;
    for r in readers {
        reads += r.await.expect("reader");
    }
    assert!(reads > 40, "readers ran concurrently ({reads} reads)");
}

#[tokio::test]
async fn snapshot_of_a_demo_tile() {
    let app = demo_app(60, 1 << 20);
    let (z, x, y) = tile_of(&app, LayerId::HAZARDS, "hz-0001", 14);
    let r = app.get(&format!("/tiles/hazards,shelters,teams,depots/{z}/{x}/{y}.mvt")).await;
    assert_eq!(r.status, StatusCode::OK);
    insta::assert_snapshot!(onemap_tiles::decode::dump(&r.bytes).expect("dump"));
}
