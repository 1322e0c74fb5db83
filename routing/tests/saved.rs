//! Hierarchies saved beside the store: a second start on the same roads reads them instead of
//! preparing, and routes the same; a damaged or foreign file is prepared again, never trusted.

mod common;

use common::town;
use onemap_routing::Engine;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

fn durations(e: &Engine, seed: u64) -> Vec<Option<u64>> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut out = Vec::new();
    for net in e.networks() {
        for _ in 0..50 {
            let mut p = || [104.06 + rng.random_range(0.0..0.006), 30.65 + rng.random_range(0.0..0.005)];
            let (a, b) = (p(), p());
            out.push(net.route(a, b, 5_000.0).ok().map(|r| (r.duration_s * 1000.0).round() as u64));
        }
    }
    out
}

#[test]
fn a_restart_reads_the_saved_hierarchies() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ways = town(&mut StdRng::seed_from_u64(5), 12);
    let first = Engine::build_saved(&ways, "town", Some(dir.path())).expect("first");
    assert_eq!(first.loaded, 0);
    let files = std::fs::read_dir(dir.path()).expect("dir").count();
    assert_eq!(files, first.networks().count());
    let second = Engine::build_saved(&ways, "town", Some(dir.path())).expect("second");
    assert_eq!(second.loaded, second.networks().count());
    assert_eq!(durations(&first, 1), durations(&second, 1));
    assert!(durations(&first, 1).iter().filter(|d| d.is_some()).count() > 100);

    // Damage one file: it is prepared again, and the answers do not change.
    let victim = std::fs::read_dir(dir.path()).expect("dir").flatten().next().expect("a file").path();
    let len = std::fs::metadata(&victim).expect("meta").len();
    std::fs::write(&victim, vec![7u8; (len / 2) as usize]).expect("damage");
    let third = Engine::build_saved(&ways, "town", Some(dir.path())).expect("third");
    assert_eq!(third.loaded, third.networks().count() - 1);
    assert_eq!(durations(&third, 1), durations(&first, 1));

    // Other roads: other files; the old ones of each profile are removed.
    let other = town(&mut StdRng::seed_from_u64(6), 12);
    let fourth = Engine::build_saved(&other, "town", Some(dir.path())).expect("fourth");
    assert_eq!(fourth.loaded, 0);
    assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), fourth.networks().count());
}
