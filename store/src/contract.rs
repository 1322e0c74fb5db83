//! The contract every [`Store`] implementation must meet, written once.
//!
//! An implementation's tests call [`store_contract_tests!`] with a function that returns an
//! [`Opener`] for a fresh, empty location; calling the opener again reopens the same location.

use crate::{FeaturePatch, Query, Store, StoreError, Writer};
use geo::{point, Geometry};
use onemap_model::{LayerId, NewFeature, Properties, Scope};
use serde_json::json;

/// Opens the store at one location (again and again).
pub type Opener = Box<dyn Fn() -> Box<dyn Store>>;

/// A hazard point at EPSG:4326 `lon`, `lat` degrees in township `township`.
pub fn hazard(id: &str, lon: f64, lat: f64, township: &str, risk: &str) -> NewFeature {
    let props = json!({"name": format!("隐患{id}"), "kind": "landslide", "risk_level": risk,
                       "threatened_people": 10, "township": township});
    NewFeature {
        id: Some(id.to_owned()),
        geometry: Geometry::Point(point!(x: lon, y: lat)),
        properties: Properties::from_json(LayerId::HAZARDS, props).expect("valid fixture"),
    }
}

fn admin() -> Writer {
    Writer::system("contract-test")
}

fn all(q: Query) -> Query {
    Query { limit: usize::MAX, ..q }
}

/// Insert, read, replace, patch, delete; versions and the change log follow.
pub fn crud(open: &Opener) {
    let s = open();
    let h = LayerId::HAZARDS;
    let f = s.insert(h, vec![hazard("a", 103.0, 30.0, "510114001", "major")], &admin()).expect("insert");
    assert_eq!(f[0].version, 1);
    assert_eq!(s.get(h, "a", &Scope::All).expect("get").properties, f[0].properties);

    let mut nf = hazard("a", 103.1, 30.1, "510114001", "low");
    nf.id = None;
    let r = s.replace(h, "a", nf, Some(1), &admin()).expect("replace");
    assert_eq!((r.version, r.created), (2, f[0].created));
    assert!(r.updated >= f[0].updated);

    let patch =
        FeaturePatch { geometry: None, properties: Some(json!({"status": "confirmed", "phone": "13800000000"})) };
    let p = s.patch(h, "a", patch, None, &admin()).expect("patch");
    assert_eq!(p.version, 3);
    assert_eq!(p.properties.to_json()["status"], json!("confirmed"));
    assert_eq!(p.properties.to_json()["risk_level"], json!("low"));
    assert_eq!(p.geometry, r.geometry);

    s.delete(h, "a", Some(3), &admin()).expect("delete");
    assert!(matches!(s.get(h, "a", &Scope::All), Err(StoreError::NotFound { .. })));
    let ops: Vec<_> = s.history(h, "a").expect("history").iter().map(|c| (c.op.as_str(), c.version)).collect();
    assert_eq!(ops, [("insert", 1), ("update", 2), ("update", 3), ("delete", 3)]);
}

/// A bbox query returns exactly the features inside it, also across the antimeridian (300
/// features in one batch: big enough for the in-memory index's bulk-load path).
pub fn bbox(open: &Opener) {
    let s = open();
    let mut batch = Vec::new();
    for i in 0..20 {
        for j in 0..15 {
            let lon = -179.5 + f64::from(i) * 18.0;
            let lat = -45.0 + f64::from(j) * 6.5;
            batch.push(hazard(&format!("p{i}_{j}"), lon, lat, "510114001", "general"));
        }
    }
    let expected = |b: [f64; 4]| {
        let mut ids: Vec<String> = batch
            .iter()
            .filter(|f| {
                let Geometry::Point(p) = f.geometry else { return false };
                let in_lon = if b[0] <= b[2] { p.x() >= b[0] && p.x() <= b[2] } else { p.x() >= b[0] || p.x() <= b[2] };
                in_lon && p.y() >= b[1] && p.y() <= b[3]
            })
            .filter_map(|f| f.id.clone())
            .collect();
        ids.sort();
        ids
    };
    let boxes =
        [[-10.0, -10.0, 50.0, 20.0], [170.0, -50.0, -160.0, 50.0], [0.0, 0.0, 0.1, 0.1], [-180.0, -90.0, 180.0, 90.0]];
    let want: Vec<_> = boxes.iter().map(|b| expected(*b)).collect();
    s.insert(LayerId::HAZARDS, batch.clone(), &admin()).expect("insert");
    for (b, want) in boxes.iter().zip(want) {
        let page =
            s.query(LayerId::HAZARDS, &all(Query { bbox: Some(*b), ..Query::default() }), &Scope::All).expect("query");
        let mut got: Vec<String> = page.features.iter().map(|f| f.id.clone()).collect();
        got.sort();
        assert_eq!(got, want, "bbox {b:?}");
        assert_eq!(page.number_matched, got.len());
    }
}

/// Property filters, paging and matched counts; unknown or ill-typed filters are errors.
pub fn filters_and_paging(open: &Opener) {
    let s = open();
    let levels = ["major", "large", "general", "low"];
    let batch: Vec<_> = (0..25)
        .map(|i| hazard(&format!("h{i:02}"), 100.0 + f64::from(i) * 0.01, 30.0, "510114001", levels[i as usize % 4]))
        .collect();
    s.insert(LayerId::HAZARDS, batch, &admin()).expect("insert");
    let q = Query { filters: vec![("risk_level".into(), "major".into())], offset: 2, limit: 3, ..Query::default() };
    let page = s.query(LayerId::HAZARDS, &q, &Scope::All).expect("query");
    assert_eq!(page.number_matched, 7);
    let ids: Vec<_> = page.features.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(ids, ["h08", "h12", "h16"]);
    let bad = Query { filters: vec![("colour".into(), "red".into())], limit: 10, ..Query::default() };
    assert!(matches!(s.query(LayerId::HAZARDS, &bad, &Scope::All), Err(StoreError::UnknownProperty { .. })));
    let bad = Query { filters: vec![("risk_level".into(), "extreme".into())], limit: 10, ..Query::default() };
    assert!(matches!(s.query(LayerId::HAZARDS, &bad, &Scope::All), Err(StoreError::Invalid(_))));
}

/// A scoped caller sees and changes only its own areas.
pub fn scope(open: &Opener) {
    let s = open();
    let h = LayerId::HAZARDS;
    s.insert(
        h,
        vec![hazard("in", 1.0, 1.0, "510114001", "low"), hazard("out", 1.0, 1.0, "510114002", "low")],
        &admin(),
    )
    .expect("insert");
    let scope = Scope::Areas(vec!["510114001".into()]);
    let officer = Writer { scope: scope.clone(), actor: "officer".into() };
    let page = s.query(h, &all(Query::default()), &scope).expect("query");
    assert_eq!(page.features.iter().map(|f| f.id.as_str()).collect::<Vec<_>>(), ["in"]);
    assert_eq!(s.summary(h, &scope).count, 1);
    assert!(matches!(s.get(h, "out", &scope), Err(StoreError::NotFound { .. })));
    assert!(matches!(s.delete(h, "out", None, &officer), Err(StoreError::NotFound { .. })));
    let err = s
        .insert(h, vec![hazard("new", 1.0, 1.0, "510114002", "low")], &officer)
        .expect_err("an insert outside the scope fails");
    assert!(matches!(err, StoreError::OutOfScope { .. }), "{err}");
    let move_out = FeaturePatch { geometry: None, properties: Some(json!({"township": "510114002"})) };
    assert!(matches!(s.patch(h, "in", move_out, None, &officer), Err(StoreError::OutOfScope { .. })));
    assert_eq!(s.get(h, "in", &Scope::All).expect("get").version, 1);
    assert_eq!(s.summary(h, &Scope::All).count, 2);
}

/// A stale version is refused and changes nothing; so is an illegal status change.
pub fn version_conflicts(open: &Opener) {
    let s = open();
    let h = LayerId::HAZARDS;
    s.insert(h, vec![hazard("v", 1.0, 1.0, "510114001", "low")], &admin()).expect("insert");
    let patch = |p: serde_json::Value| FeaturePatch { geometry: None, properties: Some(p) };
    s.patch(h, "v", patch(json!({"threatened_people": 5})), Some(1), &admin()).expect("patch v1");
    let err =
        s.patch(h, "v", patch(json!({"threatened_people": 6})), Some(1), &admin()).expect_err("a stale version fails");
    assert!(matches!(err, StoreError::VersionConflict { expected: 1, actual: 2, .. }), "{err}");
    let err =
        s.patch(h, "v", patch(json!({"status": "closed"})), None, &admin()).expect_err("an illegal transition fails");
    assert!(matches!(err, StoreError::Invalid(ref e) if e.field == "properties.status"), "{err}");
    let f = s.get(h, "v", &Scope::All).expect("get");
    assert_eq!((f.version, f.properties.to_json()["threatened_people"].clone()), (2, json!(5)));
}

/// A batch with one bad feature writes nothing.
pub fn atomic_batches(open: &Opener) {
    let s = open();
    let h = LayerId::HAZARDS;
    s.insert(h, vec![hazard("x", 1.0, 1.0, "510114001", "low")], &admin()).expect("insert");
    let batch = vec![
        hazard("y", 1.0, 1.0, "510114001", "low"),
        hazard("z", 1.0, 1.0, "510114001", "low"),
        hazard("x", 2.0, 2.0, "510114001", "low"),
    ];
    assert!(matches!(s.insert(h, batch, &admin()), Err(StoreError::Duplicate { .. })));
    let dup_in_batch = vec![hazard("y", 1.0, 1.0, "510114001", "low"), hazard("y", 1.0, 1.0, "510114001", "low")];
    assert!(matches!(s.insert(h, dup_in_batch, &admin()), Err(StoreError::Duplicate { .. })));
    assert_eq!(s.summary(h, &Scope::All).count, 1);
    assert!(s.get(h, "y", &Scope::All).is_err());
}

/// An upsert inserts new ids and replaces existing ones in one transaction; a bad feature
/// leaves everything as it was.
pub fn upsert(open: &Opener) {
    let s = open();
    let h = LayerId::HAZARDS;
    s.insert(h, vec![hazard("a", 1.0, 1.0, "510114001", "low")], &admin()).expect("insert");
    let batch = vec![hazard("a", 2.0, 2.0, "510114001", "major"), hazard("b", 3.0, 3.0, "510114001", "low")];
    assert_eq!(s.upsert(h, batch, &admin()).expect("upsert"), crate::Upserted { inserted: 1, updated: 1 });
    let a = s.get(h, "a", &Scope::All).expect("a");
    assert_eq!((a.version, a.properties.to_json()["risk_level"].clone()), (2, json!("major")));
    // Idempotent: the same batch again updates both and adds nothing.
    let again = vec![hazard("a", 2.0, 2.0, "510114001", "major"), hazard("b", 3.0, 3.0, "510114001", "low")];
    assert_eq!(s.upsert(h, again, &admin()).expect("again"), crate::Upserted { inserted: 0, updated: 2 });
    assert_eq!(s.summary(h, &Scope::All).count, 2);
    // One feature without an id: nothing of the batch is written.
    let mut no_id = hazard("c", 4.0, 4.0, "510114001", "low");
    no_id.id = None;
    assert!(s.upsert(h, vec![hazard("d", 5.0, 5.0, "510114001", "low"), no_id], &admin()).is_err());
    assert!(s.get(h, "d", &Scope::All).is_err());
    assert_eq!(s.summary(h, &Scope::All).count, 2);
}

/// The change log of features written in one batch: each one's history starts with its own
/// insert and the properties it was inserted with, after updates, deletes and a reopen.
pub fn batch_history(open: &Opener) {
    let h = LayerId::HAZARDS;
    let risks = ["low", "general", "major"];
    {
        let s = open();
        let batch = risks
            .iter()
            .enumerate()
            .map(|(i, r)| hazard(&format!("h{i}"), 1.0 + i as f64, 1.0, "510114001", r))
            .collect();
        s.insert(h, batch, &admin()).expect("insert");
        let raise = FeaturePatch { geometry: None, properties: Some(json!({"risk_level": "large"})) };
        s.patch(h, "h1", raise, None, &Writer::system("township")).expect("patch");
        s.delete(h, "h2", None, &admin()).expect("delete");
    }
    let s = open();
    let record = |id: &str| -> Vec<(String, i64, String, serde_json::Value)> {
        s.history(h, id)
            .expect("history")
            .into_iter()
            .map(|c| {
                (
                    c.op.as_str().to_owned(),
                    c.version,
                    c.actor,
                    c.properties.map_or(json!(null), |p| p["risk_level"].clone()),
                )
            })
            .collect()
    };
    let row = |op: &str, v: i64, actor: &str, risk: serde_json::Value| (op.to_owned(), v, actor.to_owned(), risk);
    assert_eq!(record("h0"), [row("insert", 1, "contract-test", json!("low"))]);
    assert_eq!(
        record("h1"),
        [row("insert", 1, "contract-test", json!("general")), row("update", 2, "township", json!("large"))]
    );
    assert_eq!(
        record("h2"),
        [row("insert", 1, "contract-test", json!("major")), row("delete", 1, "contract-test", json!(null))]
    );
    assert!(record("nobody").is_empty());
}

/// What was written is there after reopening, with the same versions and R-tree answers.
pub fn reopen(open: &Opener) {
    {
        let s = open();
        s.insert(LayerId::HAZARDS, vec![hazard("k", 7.42, 43.73, "510114001", "major")], &admin()).expect("insert");
        s.patch(
            LayerId::HAZARDS,
            "k",
            FeaturePatch { geometry: None, properties: Some(json!({"status": "confirmed"})) },
            None,
            &admin(),
        )
        .expect("patch");
    }
    let s = open();
    let f = s.get(LayerId::HAZARDS, "k", &Scope::All).expect("get after reopen");
    assert_eq!(f.version, 2);
    assert_eq!(f.properties.to_json()["status"], json!("confirmed"));
    let q = all(Query { bbox: Some([7.4, 43.7, 7.5, 43.8]), ..Query::default() });
    assert_eq!(s.query(LayerId::HAZARDS, &q, &Scope::All).expect("query").number_matched, 1);
    let ext = s.summary(LayerId::HAZARDS, &Scope::All).extent.expect("extent");
    assert_eq!(ext, [7.42, 43.73, 7.42, 43.73]);
}

/// The data set description is kept across reopening.
pub fn dataset(open: &Opener) {
    let info = crate::DatasetInfo {
        title: Some("演示县".into()),
        demo: true,
        attribution: Some("© OpenStreetMap contributors".into()),
    };
    assert_eq!(open().dataset().expect("read"), crate::DatasetInfo::default());
    open().set_dataset(&info).expect("write");
    assert_eq!(open().dataset().expect("read back"), info);
}

/// `intersecting` tests the exact geometry, not only the envelope.
pub fn intersecting(open: &Opener) {
    let s = open();
    s.insert(
        LayerId::HAZARDS,
        vec![hazard("in", 0.2, 0.2, "510114001", "low"), hazard("corner", 0.9, 0.9, "510114001", "low")],
        &admin(),
    )
    .expect("insert");
    let ring = geo::LineString::from(vec![(0.0, 0.0), (1.0, 0.0), (0.0, 1.0), (0.0, 0.0)]);
    let triangle = Geometry::Polygon(geo::Polygon::new(ring, vec![]));
    let hits = s.intersecting(LayerId::HAZARDS, &triangle, &Scope::All).expect("intersecting");
    assert_eq!(hits.iter().map(|f| f.id.as_str()).collect::<Vec<_>>(), ["in"]);
}

/// Listeners hear every successful write once, with old and new extents; refused writes are silent.
pub fn listeners(open: &Opener) {
    use std::sync::{Arc, Mutex};
    #[derive(Default)]
    struct Record(Mutex<Vec<(LayerId, Vec<crate::Bbox>)>>);
    impl crate::ChangeListener for Record {
        fn changed(&self, layer: LayerId, boxes: &[crate::Bbox]) {
            self.0.lock().expect("lock").push((layer, boxes.to_vec()));
        }
    }
    let s = open();
    let rec = Arc::new(Record::default());
    s.subscribe(rec.clone());
    let h = LayerId::HAZARDS;
    s.insert(
        h,
        vec![hazard("a", 103.0, 30.0, "510114001", "major"), hazard("b", 104.0, 31.0, "510114001", "low")],
        &admin(),
    )
    .expect("insert");
    let moved = FeaturePatch { geometry: Some(Geometry::Point(point!(x: 105.0, y: 32.0))), properties: None };
    s.patch(h, "a", moved, Some(1), &admin()).expect("patch");
    assert!(s.delete(h, "b", Some(7), &admin()).is_err());
    s.delete(h, "b", None, &admin()).expect("delete");
    let got = rec.0.lock().expect("lock").clone();
    assert_eq!(
        got,
        vec![
            (h, vec![[103.0, 30.0, 103.0, 30.0], [104.0, 31.0, 104.0, 31.0]]),
            (h, vec![[103.0, 30.0, 103.0, 30.0], [105.0, 32.0, 105.0, 32.0]]),
            (h, vec![[104.0, 31.0, 104.0, 31.0]]),
        ]
    );
}

/// Generates one `#[test]` per contract check for a store implementation.
#[macro_export]
macro_rules! store_contract_tests {
    ($fresh:expr) => {
        $crate::store_contract_tests!(@each $fresh; crud bbox filters_and_paging scope version_conflicts atomic_batches upsert batch_history reopen intersecting dataset listeners);
    };
    (@each $fresh:expr; $($name:ident)+) => {
        $(
            #[test]
            fn $name() {
                let opener: $crate::contract::Opener = $fresh();
                $crate::contract::$name(&opener);
            }
        )+
    };
}
