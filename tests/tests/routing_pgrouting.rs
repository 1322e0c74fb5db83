//! pgRouting as the oracle: the same edge table (one row per directed link of a profile's
//! network, cost in seconds) loaded into PostgreSQL, `pgr_dijkstraCost` for a sample of node
//! pairs, and our contraction hierarchy must give the same travel times within 0.1 %.
//! Runs on Andorra's roads from ../shared/data and, always, on a generated town.

use onemap_e2e::pg::{psql, Db};
use onemap_e2e::shared_data;
use onemap_routing::{way, Closed, Engine, Profile, Way};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// A generated grid town (~80 m blocks) with a few one-way and missing streets.
fn grid_town() -> Vec<Way> {
    let n = 30usize;
    let mut rng = StdRng::seed_from_u64(9);
    let pos = |r: usize, c: usize| [11.0 + c as f64 * 0.001, 48.0 + r as f64 * 0.0007];
    let mut ways = Vec::new();
    for r in 0..n {
        for c in 0..n {
            for (dr, dc) in [(0, 1), (1, 0)] {
                let (r2, c2) = (r + dr, c + dc);
                if r2 >= n || c2 >= n || rng.random_bool(0.1) {
                    continue;
                }
                let mut tags =
                    vec![("highway".to_owned(), if r % 5 == 0 { "primary" } else { "residential" }.to_owned())];
                if rng.random_bool(0.15) {
                    tags.push(("oneway".into(), "yes".into()));
                }
                let id = ways.len() as i64 + 1;
                ways.push(Way {
                    id,
                    tags,
                    nodes: vec![((r * n + c) as i64, pos(r, c)), ((r2 * n + c2) as i64, pos(r2, c2))],
                });
            }
        }
    }
    ways
}

/// Compares `pairs` random node pairs of every profile with pgRouting; returns how many.
fn compare(ways: &[Way], label: &str, pairs: usize) -> usize {
    let engine = Engine::build(ways, label).expect("engine");
    let db = Db::create(&["pgrouting"]);
    let mut compared = 0;
    for profile in Profile::ALL {
        let Ok(net) = engine.network(profile) else { continue };
        let table = format!("edges_{profile}");
        let csv = net.edge_csv();
        let links = csv.lines().count();
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("edges.csv");
        std::fs::write(&file, csv).expect("write csv");
        // The server reads the file: it must be readable by the postgres user.
        let _ = std::fs::set_permissions(dir.path(), std::os::unix::fs::PermissionsExt::from_mode(0o755));
        let _ = std::fs::set_permissions(&file, std::os::unix::fs::PermissionsExt::from_mode(0o644));
        psql(&db.name, &format!("CREATE TABLE {table} (id bigint, source bigint, target bigint, cost float8)"));
        psql(&db.name, &format!("COPY {table} FROM '{}' WITH (FORMAT csv)", file.display()));
        let mut rng = StdRng::seed_from_u64(2026);
        let sample: Vec<(u32, u32)> = (0..pairs)
            .map(|_| (rng.random_range(0..net.len() as u32), rng.random_range(0..net.len() as u32)))
            .filter(|(a, b)| a != b)
            .collect();
        let values: Vec<String> = sample.iter().map(|(a, b)| format!("({a},{b})")).collect();
        psql(
            &db.name,
            &format!("CREATE TABLE pairs_{profile} AS SELECT * FROM (VALUES {}) v(source, target)", values.join(",")),
        );
        let out = psql(
            &db.name,
            &format!("SELECT start_vid, end_vid, agg_cost FROM pgr_dijkstraCost('SELECT id, source, target, cost FROM {table}', 'SELECT source, target FROM pairs_{profile}', true)"),
        );
        let theirs: std::collections::HashMap<(u32, u32), f64> = out
            .lines()
            .filter_map(|l| {
                let f: Vec<&str> = l.split('\t').collect();
                Some(((f.first()?.parse().ok()?, f.get(1)?.parse().ok()?), f.get(2)?.parse().ok()?))
            })
            .collect();
        for (a, b) in &sample {
            let ours = net.ch_query(&[(*a, 0)], &[(*b, 0)], &Closed::default()).map(|(ms, _)| ms as f64 / 1000.0);
            let want = theirs.get(&(*a, *b)).copied();
            match (ours, want) {
                (Some(x), Some(y)) => assert!(
                    (x - y).abs() <= 1e-3 * y.max(1.0),
                    "{label} {profile} {a}→{b}: ours {x} s, pgRouting {y} s"
                ),
                (x, y) => {
                    assert_eq!(x.is_some(), y.is_some(), "{label} {profile} {a}→{b}: ours {x:?}, pgRouting {y:?}")
                }
            }
            compared += 1;
        }
        eprintln!("{label} {profile}: {links} links, {} pairs equal to pgRouting within 0.1 %", sample.len());
    }
    compared
}

#[test]
fn ch_equals_pgrouting_on_a_generated_town() {
    assert!(compare(&grid_town(), "grid town", 150) >= 300);
}

#[test]
fn ch_equals_pgrouting_on_andorra() {
    let Some(path) = shared_data("osm/andorra-2013.osm.pbf") else { return };
    let ways = way::read_osm(&path).expect("read");
    assert!(compare(&ways, "Andorra", 200) >= 400);
}
