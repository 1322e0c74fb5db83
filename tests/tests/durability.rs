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
    let (status, _) = http(
        "PATCH",
        &format!("{}/collections/hazards/items/k9-0", server.url),
        Some(r#"{"properties": {"status": "confirmed"}}"#),
    );
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

/// Features GDAL counts in the hazards layer of a store.
fn hazard_count(store: &std::path::Path) -> usize {
    let out =
        std::process::Command::new("ogrinfo").args(["-ro", "-so"]).arg(store).arg("hazards").output().expect("ogrinfo");
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .find_map(|l| l.strip_prefix("Feature Count: "))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no count: {text}"))
}

/// `kill -9` while a large import is being written: afterwards the store holds all of that
/// import or none of it, never a part.
#[test]
fn kill_9_during_a_large_import_leaves_all_or_nothing() {
    onemap_e2e::require_tool("ogrinfo");
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("big.gpkg");
    let csv = dir.path().join("big.csv");
    let n: usize = 100_000;
    let mut text = String::from("编号,名称,类型,经度,纬度,风险等级,受威胁人数,乡镇代码\n");
    for i in 0..u32::try_from(n).expect("n") {
        text.push_str(&format!(
            "B{i},批量{i},滑坡,{:.6},{:.6},一般,{},519901001\n",
            103.0 + f64::from(i % 1000) * 0.001,
            30.0 + f64::from(i / 1000) * 0.001,
            i % 50
        ));
    }
    std::fs::write(&csv, text).expect("csv");
    let bin = onemap_e2e::onemap_bin();
    let import = |store: &std::path::Path| {
        std::process::Command::new(bin)
            .args(["import", "hazards"])
            .arg(&csv)
            .arg("--store")
            .arg(store)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn import")
    };
    // The import holds everything in one transaction; it reaches the file's write-ahead log
    // only when it commits. Kill it once the log is growing, i.e. in the middle of the commit.
    let mut child = import(&store);
    let wal = dir.path().join("big.gpkg-wal");
    let started = std::time::Instant::now();
    let killed_mid_write = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            assert!(status.success(), "import failed on its own");
            break false;
        }
        if std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0) > 256 * 1024 {
            child.kill().expect("kill -9");
            let _ = child.wait();
            break true;
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(600), "import never wrote");
        std::thread::yield_now();
    };
    assert!(killed_mid_write, "the import finished before it could be killed: make it larger");
    let after = hazard_count(&store);
    assert!(after == 0 || after == n, "a killed import left {after} of {n} rows");
    eprintln!("killed mid-write: {killed_mid_write}; rows after restart: {after}");
    // Run again to completion: the whole import, once (a re-run without --key adds new rows only
    // when the first attempt left nothing).
    if after == 0 {
        let status = import(&store).wait().expect("import");
        assert!(status.success());
        assert_eq!(hazard_count(&store), n);
    }
}

/// A road closure answered with 201 survives `kill -9`: after a restart it is still listed and
/// routes still avoid it; the restart reads the prepared hierarchies saved beside the store.
#[test]
fn a_closure_survives_kill_9_and_the_restart_reads_the_saved_hierarchies() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("c.gpkg");
    let path = store.to_str().expect("path");
    let server = Server::start(&["demo", "--store", path, "--hazards", "40"]);
    let route = |url: &str| {
        let (status, body) = http(
            "GET",
            &format!("{url}/routing/route?from=103.56,30.86&to=103.86,31.04&profile=car&snap_m=3000"),
            None,
        );
        assert_eq!(status, 200, "{body}");
        let v: Value = serde_json::from_str(&body).expect("json");
        v["geometry"]["coordinates"]
            .as_array()
            .expect("line")
            .iter()
            .map(|c| [c[0].as_f64().unwrap_or(0.0), c[1].as_f64().unwrap_or(0.0)])
            .collect::<Vec<[f64; 2]>>()
    };
    let before = route(&server.url);
    let [x, y] = before[before.len() / 2];
    let square = json!({"type": "Polygon", "coordinates": [[[x - 0.003, y - 0.003], [x + 0.003, y - 0.003], [x + 0.003, y + 0.003], [x - 0.003, y + 0.003], [x - 0.003, y - 0.003]]]});
    let (status, body) = http(
        "POST",
        &format!("{}/routing/closures", server.url),
        Some(&json!({"reason": "桥梁垮塌", "geometry": square}).to_string()),
    );
    assert_eq!(status, 201, "{body}");
    let id = serde_json::from_str::<Value>(&body).expect("json")["id"].as_str().expect("id").to_owned();
    let around = route(&server.url);
    assert_ne!(around, before);
    server.kill_9();

    let saved = std::fs::read_dir(dir.path().join("c.routing")).expect("saved hierarchies").count();
    assert_eq!(saved, 3, "one saved hierarchy per profile");
    let server = Server::start(&["serve", "--store", path]);
    let (_, body) = http("GET", &format!("{}/routing/closures", server.url), None);
    assert!(body.contains(&id), "closure {id} lost after kill -9: {body}");
    assert_eq!(route(&server.url), around);
    let (status, _) = http("DELETE", &format!("{}/routing/closures/{id}", server.url), None);
    assert_eq!(status, 204);
    assert_eq!(route(&server.url), before);
}
