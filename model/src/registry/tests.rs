use super::*;
use crate::{Feature, NewFeature, Properties};
use chrono::Utc;
use serde_json::json;

fn feature(layer: LayerId, props: serde_json::Value, coords: serde_json::Value) -> Feature {
    let kind = match layer.geometry_kind() {
        GeometryKind::Point => "Point",
        GeometryKind::LineString => "LineString",
        GeometryKind::MultiPolygon => "MultiPolygon",
    };
    let gj = json!({"type": "Feature", "geometry": {"type": kind, "coordinates": coords}, "properties": props});
    let n = NewFeature::from_geojson(layer, &gj).expect("valid feature");
    Feature {
        id: "f".into(),
        geometry: n.geometry,
        properties: n.properties,
        version: 1,
        created: Utc::now(),
        updated: Utc::now(),
    }
}

fn hazard(level: &str, people: i64, status: &str) -> Feature {
    feature(
        LayerId::HAZARDS,
        json!({"name": "h", "kind": "landslide", "risk_level": level, "threatened_people": people,
               "status": status, "township": "510114001"}),
        json!([103.5, 30.1]),
    )
}

#[test]
fn the_builtin_declarations_are_consistent() {
    let r = Registry::new(builtin::ALL.to_vec()).expect("every property a declaration names is a column");
    assert_eq!(r.names().len(), 8);
    assert_eq!(r.places().count(), 3);
    assert_eq!(r.road_closers().map(|(l, _)| l.as_str()).collect::<Vec<_>>(), ["risk_zones", "hazards"]);
    assert_eq!(Registry::builtin().with(LayerId::HAZARDS), Err(RegistryError::Duplicate("hazards")));
}

#[test]
fn a_declaration_naming_a_missing_column_is_refused() {
    let bad = LayerDef {
        name: "bad_layer",
        tiles: TileSpec { attributes: &["colour"], ..HAZARDS_TILES },
        ..builtin::HAZARDS_DEF
    };
    let e = Registry::builtin().with(bad.leak()).expect_err("refused");
    assert_eq!(e, RegistryError::NoSuchColumn { layer: "bad_layer", what: "tiles.attributes", property: "colour" });
    let e = Registry::new(vec![LayerDef { name: "Bad-Name", ..builtin::HAZARDS_DEF }.leak()]).expect_err("refused");
    assert_eq!(e, RegistryError::BadName("Bad-Name"));
}

#[test]
fn personal_data_in_tiles_and_unwritable_editors_are_refused() {
    let phone_in_tiles =
        LayerDef { name: "leaky", tiles: TileSpec { attributes: &["phone"], ..HAZARDS_TILES }, ..builtin::HAZARDS_DEF };
    let e = Registry::builtin().with(phone_in_tiles.leak()).expect_err("refused");
    assert!(e.to_string().contains("personal"), "{e}");
    let viewer_writes = LayerDef { name: "wall", editors: &[crate::Role::Viewer], ..builtin::HAZARDS_DEF };
    let e = Registry::builtin().with(viewer_writes.leak()).expect_err("refused");
    assert!(e.to_string().contains("viewer"), "{e}");
}

const HAZARDS_TILES: TileSpec = builtin::HAZARDS_DEF.tiles;

#[test]
fn rollups_add_up_what_they_declare() {
    let hs = [hazard("general", 5, "discovered"), hazard("major", 7, "closed"), hazard("low", i64::MAX, "confirmed")];
    let l = LayerId::HAZARDS;
    let first = Rollup::new("risk_level", Agg::First("risk_level"));
    assert_eq!(rollup::evaluate(l, &first, &hs), RollupValue::Text("major"));
    let sum = Rollup::new("p", Agg::Sum(Measure::Prop("threatened_people")));
    assert_eq!(rollup::evaluate(l, &sum, &hs), RollupValue::Int(i64::MAX), "saturates, never wraps");
    let active = Rollup::new("active", Agg::Count).when(Cond::IsNot("status", "closed"));
    assert_eq!(rollup::evaluate(l, &active, &hs), RollupValue::Int(2));
    let by = Rollup::new("by", Agg::CountBy("risk_level"));
    let RollupValue::Counts(c) = rollup::evaluate(l, &by, &hs) else { panic!("counts") };
    assert_eq!(c.values().sum::<i64>(), 3);
    assert_eq!(rollup::evaluate(l, &first, &hs[..0]), RollupValue::None);
}

#[test]
fn shelter_free_places_and_depot_inventory_roll_up() {
    let s = |cap: i64, occ: i64, open: bool| {
        feature(
            LayerId::SHELTERS,
            json!({"name": "s", "kind": "school", "capacity": cap, "occupancy": occ, "open": open}),
            json!([103.5, 30.1]),
        )
    };
    let ss = [s(100, 30, true), s(50, 50, false), s(10, 0, false)];
    let free = Rollup::new("free", Agg::Sum(Measure::Diff("capacity", "occupancy")));
    assert_eq!(rollup::evaluate(LayerId::SHELTERS, &free, &ss), RollupValue::Int(80));
    assert_eq!(rollup::evaluate(LayerId::SHELTERS, &free.when(Cond::Is("open", "true")), &ss), RollupValue::Int(70));
    let d = |inv: serde_json::Value| {
        feature(LayerId::DEPOTS, json!({"name": "d", "inventory": inv, "supplies_people": 10}), json!([103.5, 30.1]))
    };
    let ds = [d(json!({"tent": 2, "quilt": 5})), d(json!({"tent": 3}))];
    let items = Rollup::new("inventory", Agg::SumItems("inventory"));
    let RollupValue::Items(i) = rollup::evaluate(LayerId::DEPOTS, &items, &ds) else { panic!("items") };
    assert_eq!((i["tent"], i["quilt"]), (5.0, 5.0));
}

#[test]
fn aliases_come_from_the_layer_then_the_common_table() {
    let a: Vec<_> = LayerId::HAZARDS.aliases("name").collect();
    assert!(a.contains(&"隐患点名称") && a.contains(&"名称"), "{a:?}");
    let own = LayerDef { name: "wells", aliases: &[("name", &["井名"])], ..builtin::HAZARDS_DEF }.leak();
    assert_eq!(own.aliases("name").next(), Some("井名"));
    assert!(own.aliases("name").any(|x| x == "名称"));
}

#[test]
fn declarations_that_cannot_work_are_refused() {
    let when = |v: &'static str| crate::registry::ClosureRule {
        origin: "x",
        when: Cond::Is("status", v),
        cordon_m: Some(10.0),
        reason: "{name}",
    };
    let typo = LayerDef { name: "a_layer", closes_roads: Some(when("controled")), ..builtin::HAZARDS_DEF }.leak();
    assert!(matches!(Registry::new(vec![typo]), Err(RegistryError::Declaration { what: "closes_roads.when", .. })));
    let lines = LayerDef { name: "lines", geometry: GeometryKind::LineString, ..builtin::HAZARDS_DEF }.leak();
    assert!(matches!(Registry::new(vec![lines]), Err(RegistryError::Declaration { what: "cluster", .. })));
    let cols: &'static [crate::Column] = Box::leak(Box::new([crate::Column {
        name: "version",
        ty: crate::ColumnType::Integer,
        required: false,
        default: false,
        enum_values: None,
        enum_labels_zh: None,
        title_zh: "版本",
    }]));
    let reserved = LayerDef { name: "r", columns: Columns::Listed(cols), ..builtin::ROADS_DEF };
    let reserved =
        LayerDef { tiles: TileSpec { zoom_by: None, attributes: &[], ..reserved.tiles }, totals: &[], ..reserved };
    assert!(matches!(Registry::new(vec![reserved.leak()]), Err(RegistryError::Declaration { what: "columns", .. })));
    assert!(matches!(
        Registry::new(vec![LayerDef { name: "gpkg_x", ..builtin::HAZARDS_DEF }.leak()]),
        Err(RegistryError::BadName(_))
    ));
}

#[test]
fn admin_code_and_name_follow_the_declaration() {
    let a = feature(
        LayerId::ADMIN_AREAS,
        json!({"code": "510114001", "name": "镇", "level": "township", "parent": "510114"}),
        json!([[[[103.0, 30.0], [103.1, 30.0], [103.1, 30.1], [103.0, 30.0]]]]),
    );
    assert_eq!((a.properties.admin_code(), a.properties.name()), (Some("510114001"), Some("镇")));
    let h = hazard("low", 1, "discovered");
    assert_eq!(h.properties.admin_code(), Some("510114001"));
}

#[test]
fn a_required_property_left_out_is_missing_and_one_with_a_default_is_not() {
    let status = LayerId::HAZARDS.column("status").expect("status");
    assert!(status.required && status.default, "a hazard's status starts discovered");
    assert!(LayerId::HAZARDS.column("name").expect("name").must_be_given());
    let e = Properties::from_json(
        LayerId::HAZARDS,
        json!({"kind": "landslide", "risk_level": "low", "township": "510114001"}),
    )
    .expect_err("no name");
    assert_eq!((e.field.as_str(), e.kind), ("properties.name", crate::ValidationKind::Missing));
    let e = Properties::from_json(
        LayerId::HAZARDS,
        json!({"name": "n", "kind": "slide", "risk_level": "low", "township": "510114001"}),
    )
    .expect_err("bad kind");
    assert_eq!(e.kind, crate::ValidationKind::Invalid);
}
