use crate::*;
use serde_json::json;

fn hazard_json() -> serde_json::Value {
    json!({
        "type": "Feature",
        "id": "hz-1",
        "geometry": {"type": "Point", "coordinates": [103.5, 30.1]},
        "properties": {"name": "后山滑坡", "kind": "landslide", "risk_level": "major",
                       "threatened_people": 42, "township": "510114001"}
    })
}

#[test]
fn parses_a_hazard_with_defaults() {
    let f = NewFeature::from_geojson(LayerId::HAZARDS, &hazard_json()).expect("valid");
    let Properties::Hazard(h) = &f.properties else { panic!("not a hazard") };
    assert_eq!(h.status, HazardStatus::Discovered);
    assert_eq!(h.risk_level, RiskLevel::Major);
    assert_eq!(f.id.as_deref(), Some("hz-1"));
}

#[test]
fn chinese_enum_labels_parse() {
    let mut v = hazard_json();
    v["properties"]["risk_level"] = json!("较大");
    let f = NewFeature::from_geojson(LayerId::HAZARDS, &v).expect("valid");
    assert_eq!(f.properties.to_json()["risk_level"], json!("large"));
}

#[test]
fn errors_name_the_field() {
    let mut v = hazard_json();
    v["properties"]["risk_level"] = json!("extreme");
    let e = NewFeature::from_geojson(LayerId::HAZARDS, &v).unwrap_err();
    assert_eq!(e.field, "properties.risk_level");
    assert!(e.message.contains("major, large, general, low"), "{e}");

    let mut v = hazard_json();
    v["properties"]["threatened_people"] = json!(-3);
    assert_eq!(NewFeature::from_geojson(LayerId::HAZARDS, &v).unwrap_err().field, "properties.threatened_people");

    let mut v = hazard_json();
    v["properties"]["colour"] = json!("red");
    let e = NewFeature::from_geojson(LayerId::HAZARDS, &v).unwrap_err();
    assert!(e.message.contains("colour"), "{e}");

    let mut v = hazard_json();
    v["geometry"] = json!({"type": "Point", "coordinates": [103.5, 95.0]});
    let e = NewFeature::from_geojson(LayerId::HAZARDS, &v).unwrap_err();
    assert_eq!(e.field, "geometry.coordinates");
    assert!(e.message.contains("latitude 95"), "{e}");

    let mut v = hazard_json();
    v["geometry"] = json!({"type": "LineString", "coordinates": [[1.0, 2.0], [2.0, 3.0]]});
    assert_eq!(NewFeature::from_geojson(LayerId::HAZARDS, &v).unwrap_err().field, "geometry.type");
}

#[test]
fn polygon_rings_are_checked_with_a_path() {
    let v = json!({"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.5, 0.5]]]},
                   "properties": {"name": "z", "kind": "flood", "risk_level": "low"}});
    let e = NewFeature::from_geojson(LayerId::RISK_ZONES, &v).unwrap_err();
    assert_eq!(e.field, "geometry.coordinates[0]");
    assert!(e.message.contains("closed"));
}

#[test]
fn shelter_occupancy_within_capacity() {
    let v = json!({"type": "Feature", "geometry": {"type": "Point", "coordinates": [1.0, 2.0]},
                   "properties": {"name": "一中", "kind": "school", "capacity": 100, "occupancy": 101}});
    let e = NewFeature::from_geojson(LayerId::SHELTERS, &v).unwrap_err();
    assert_eq!(e.field, "properties.occupancy");
}

#[test]
fn hazard_status_moves_one_step_at_a_time() {
    use HazardStatus::*;
    assert!(Discovered.can_become(Confirmed));
    assert!(Confirmed.can_become(Confirmed));
    assert!(!Discovered.can_become(Controlled));
    assert!(!Closed.can_become(Discovered));
    assert!(!Confirmed.can_become(Discovered));
    let old = NewFeature::from_geojson(LayerId::HAZARDS, &hazard_json()).expect("valid").properties;
    let mut v = hazard_json();
    v["properties"]["status"] = json!("closed");
    let new = NewFeature::from_geojson(LayerId::HAZARDS, &v).expect("valid").properties;
    let e = new.validate_change(&old).unwrap_err();
    assert!(e.message.contains("discovered → closed"), "{e}");
}

#[test]
fn scope_matches_admin_code_prefixes() {
    let p = NewFeature::from_geojson(LayerId::HAZARDS, &hazard_json()).expect("valid").properties;
    assert!(Scope::All.contains(&p));
    assert!(Scope::Areas(vec!["510114".into()]).contains(&p));
    assert!(Scope::Areas(vec!["510114001".into()]).contains(&p));
    assert!(!Scope::Areas(vec!["510114002".into()]).contains(&p));
}

#[test]
fn columns_follow_the_struct() {
    let names: Vec<_> = LayerId::HAZARDS.columns().iter().map(|c| c.name).collect();
    let p = NewFeature::from_geojson(LayerId::HAZARDS, &hazard_json()).expect("valid").properties;
    let keys: Vec<_> = p.to_json().keys().cloned().collect();
    let mut sorted = names.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    sorted.sort();
    let mut keys_sorted = keys.clone();
    keys_sorted.sort();
    assert_eq!(sorted, keys_sorted);
    assert_eq!(p.sql_values().len(), names.len());
    let rl = LayerId::HAZARDS.column("risk_level").expect("column");
    assert_eq!(rl.enum_values, Some(RiskLevel::NAMES));
    let e = rl.ty.check_filter(rl.enum_values, "bad").expect_err("not a risk level");
    assert!(matches!(&e, FilterValueError::NotOneOf(v) if v.len() == RiskLevel::NAMES.len()), "{e:?}");
    assert!(e.to_string().starts_with("must be one of major, "), "{e}");
    assert_eq!(ColumnType::Integer.check_filter(None, "1.5"), Err(FilterValueError::NotInteger));
    assert_eq!(
        ColumnType::Json.check_filter(None, "{}").map_err(|e| e.to_string()),
        Err("cannot be filtered on".into())
    );
}

#[test]
fn a_value_that_does_not_fit_its_column_says_why() {
    use crate::record::{convert, ValueMismatch};
    let e = convert(ColumnType::Integer, None, &json!("12")).expect_err("a string");
    assert_eq!(e, ValueMismatch::NotInteger(json!("12")));
    assert_eq!(e.to_string(), "must be an integer, got \"12\"");
    let e = convert(ColumnType::Text, Some(&["a", "b"]), &json!("c")).expect_err("not in the enum");
    assert!(matches!(&e, ValueMismatch::UnknownValue { value, .. } if value == "c"));
    assert_eq!(e.to_string(), "unknown value `c`, expected one of a, b");
    let e = convert(ColumnType::Date, None, &json!("2024-13-01")).expect_err("no 13th month");
    assert_eq!(e.to_string(), "`2024-13-01` is not a date YYYY-MM-DD");
    assert_eq!(convert(ColumnType::Boolean, None, &json!(true)), Ok(SqlValue::Integer(1)));
}

#[test]
fn merge_patch_follows_rfc7396() {
    let mut t = json!({"a": 1, "b": {"c": 2, "d": 3}});
    merge_patch(&mut t, &json!({"a": null, "b": {"c": 5}}));
    assert_eq!(t, json!({"b": {"c": 5, "d": 3}}));
}
