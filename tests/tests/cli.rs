//! The CLI: import GeoJSON (all or nothing), export to GeoPackage and GeoJSON, read back by GDAL.

use onemap_e2e::{onemap_bin, require_tool, run};
use std::process::Command;
use std::time::Duration;

fn onemap(args: &[&str]) -> std::process::Output {
    Command::new(onemap_bin()).args(args).output().expect("run onemap")
}

#[test]
fn import_then_export_round_trips_through_gdal() {
    require_tool("ogrinfo");
    let dir = tempfile::tempdir().expect("tempdir");
    let p = |name: &str| dir.path().join(name).to_str().expect("path").to_owned();
    let fc = serde_json::json!({"type": "FeatureCollection", "features": (0..30).map(|i| serde_json::json!({
        "type": "Feature", "id": format!("s{i}"), "geometry": {"type": "Point", "coordinates": [116.3 + f64::from(i) * 0.01, 39.9]},
        "properties": {"name": format!("避难场所{i}"), "kind": "park", "capacity": 1000 + i, "township": "110108001"}})).collect::<Vec<_>>()});
    std::fs::write(p("in.geojson"), fc.to_string()).expect("write");
    let out = onemap(&["import", "shelters", &p("in.geojson"), "--store", &p("s.gpkg")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("imported 30 features"));

    // A file with one bad feature imports nothing and names the feature.
    let mut bad = fc.clone();
    bad["features"][29]["id"] = serde_json::json!("t29");
    bad["features"][29]["properties"]["occupancy"] = serde_json::json!(999_999);
    for (i, f) in bad["features"].as_array_mut().expect("features").iter_mut().enumerate().take(29) {
        f["id"] = serde_json::json!(format!("t{i}"));
    }
    std::fs::write(p("bad.geojson"), bad.to_string()).expect("write");
    let out = onemap(&["import", "shelters", &p("bad.geojson"), "--store", &p("s.gpkg")]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("row 30, column occupancy"), "{err}");
    assert!(err.contains("nothing imported"), "{err}");

    let out = onemap(&["export", &p("out.gpkg"), "--store", &p("s.gpkg")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let info = run(Command::new("ogrinfo").args(["-ro", "-so", &p("out.gpkg"), "shelters"]), Duration::from_secs(30));
    assert!(info.contains("Feature Count: 30"), "{info}");

    let out = onemap(&["export", &p("out.geojson"), "--layer", "shelters", "--store", &p("s.gpkg")]);
    assert!(out.status.success());
    let info = run(Command::new("ogrinfo").args(["-ro", "-so", "-al", &p("out.geojson")]), Duration::from_secs(30));
    assert!(info.contains("Feature Count: 30"), "{info}");
    assert!(info.contains("capacity: Integer"), "{info}");

    let out = onemap(&["import", "volcanoes", &p("in.geojson"), "--store", &p("s.gpkg")]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown layer `volcanoes`"));
}

/// `onemap user`: an account's API key is the last line of stdout and stored only as an argon2id
/// hash (read back with sqlite3); list, passwd from stdin, disable.
#[test]
fn user_accounts_from_the_command_line() {
    let sqlite = require_tool("sqlite3");
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("u.gpkg");
    let s = store.to_str().expect("path");
    let out = onemap(&["demo", "--store", s, "--hazards", "5", "--no-serve"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let out = onemap(&["user", "add", "ops", "--role", "commander", "--store", s]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let key = stdout.lines().last().expect("a key").to_owned();
    assert!(key.starts_with("om_") && key.len() > 70, "{stdout}");
    let out = onemap(&["user", "add", "镇", "--role", "township", "--store", s]);
    assert!(!out.status.success(), "a township account without its prefix");
    assert!(String::from_utf8_lossy(&out.stderr).contains("township"));
    let out = onemap(&["user", "add", "x", "--role", "boss", "--store", s]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("commander"), "the roles are listed");

    let mut passwd = Command::new(onemap_bin())
        .args(["user", "passwd", "ops", "--password-stdin", "--store", s])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    std::io::Write::write_all(&mut passwd.stdin.take().expect("stdin"), b"correct horse battery\n").expect("write");
    assert!(passwd.wait().expect("wait").success());

    let hashes = run(
        Command::new(&sqlite).args([
            s,
            "SELECT hash FROM onemap_keys WHERE account = 'ops' \
                 UNION ALL SELECT password_hash FROM onemap_accounts WHERE name = 'ops'",
        ]),
        Duration::from_secs(30),
    );
    assert_eq!(hashes.lines().filter(|h| h.starts_with("$argon2id$")).count(), 2, "{hashes}");
    let bytes = std::fs::read(&store).expect("read");
    let text = String::from_utf8_lossy(&bytes);
    assert!(!text.contains(key.rsplit('_').next().expect("secret")) && !text.contains("correct horse battery"));

    let out = onemap(&["user", "disable", "ops", "--store", s]);
    assert!(out.status.success());
    let list = String::from_utf8_lossy(&onemap(&["user", "list", "--store", s]).stdout).into_owned();
    assert!(list.lines().any(|l| l.starts_with("ops\tcommander\t-\tdisabled")), "{list}");
    let audit = run(
        Command::new(&sqlite).args([s, "SELECT account, kind, target, detail FROM onemap_audit WHERE target = 'ops'"]),
        Duration::from_secs(30),
    );
    let changes: Vec<&str> = audit.lines().map(|l| l.rsplit('|').next().unwrap_or_default()).collect();
    assert_eq!(changes, ["created (commander) with a key", "password set", "disabled"], "{audit}");
    assert!(audit.lines().all(|l| l.starts_with("cli:") && l.contains("|account|")), "{audit}");
}

/// `onemap demo` creates an account for every role, prints names, passwords and keys, keeps them
/// beside the store for its owner only, and prints the same ones on the next run.
#[test]
fn the_demo_creates_an_account_for_every_role() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("acc.gpkg");
    let s = store.to_str().expect("path");
    let out = onemap(&["demo", "--store", s, "--hazards", "5", "--no-serve"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let first: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.starts_with("onemap: demo account "))
        .map(str::to_owned)
        .collect();
    for role in ["admin", "commander", "planner", "township", "viewer", "external"] {
        let line = first.iter().find(|l| l.contains(&format!(" role {role}"))).unwrap_or_else(|| panic!("no {role}"));
        assert!(line.contains(" password ") && line.contains(" key om_"), "{line}");
    }
    assert!(first.iter().any(|l| l.contains("role township township 519901001 ")), "{first:?}");
    let file = dir.path().join("acc.gpkg.accounts.txt");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).expect("accounts file").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the demo's passwords are readable by others");
    }
    let out = onemap(&["demo", "--store", s, "--no-serve"]);
    let again: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.starts_with("onemap: demo account "))
        .map(str::to_owned)
        .collect();
    assert_eq!(again, first, "the second run prints the same accounts");
}

/// Protected mode: a store without accounts is not served on a non-loopback address.
#[test]
fn serve_refuses_an_open_store_on_a_public_address() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("p.gpkg");
    let s = store.to_str().expect("path");
    let out = onemap(&["serve", "--store", s, "--bind", "0.0.0.0:0"]);
    assert!(!out.status.success(), "served an open store on 0.0.0.0");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("protected mode") && err.contains("onemap user add"), "{err}");
}
