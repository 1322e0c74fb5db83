//! The eight layers of an emergency bureau's one map, bottom to top. Everything the rest of the
//! code knows about a layer is written here; their property structs are in [`crate::props`].

use super::{
    Agg, ClosureRule, ClusterSpec, Columns, Cond, GeometryKind, LayerDef, LayerId, Measure, PlaceSpec, Rollup,
    StyleSpec, TileSpec, ZoomBy,
};
use crate::properties::typed;
use crate::props::{
    AdminAreaProps, DepotProps, HazardProps, RiskZoneProps, RoadProps, RouteProps, ShelterProps, TeamProps,
};
use crate::{Properties, Role};

/// Risk colours from the field: major red, large orange, general yellow, low blue.
pub const RISK_PALETTE: &[(&str, &str)] =
    &[("major", "#d7191c"), ("large", "#f17c0e"), ("general", "#f5d000"), ("low", "#2b83ba")];

const NO_TILE_EXTRAS: (&[(&str, Measure)], Option<ZoomBy>) = (&[], None);

const fn tiles(minzoom: u8, attributes: &'static [&'static str]) -> TileSpec {
    TileSpec { minzoom, maxzoom: 24, attributes, derived: NO_TILE_EXTRAS.0, zoom_by: NO_TILE_EXTRAS.1 }
}

const fn colour(colour: &'static str) -> StyleSpec {
    StyleSpec { colour, colour_by: None, palette: &[] }
}

/// Rescue teams by status: on standby green, dispatched orange, on scene red, off duty grey.
pub const TEAM_STATUS_PALETTE: &[(&str, &str)] =
    &[("standby", "#1a9850"), ("dispatched", "#f17c0e"), ("on_scene", "#d7191c"), ("off_duty", "#888888")];

const BY_RISK: StyleSpec = StyleSpec { colour: "#d7191c", colour_by: Some("risk_level"), palette: RISK_PALETTE };

/// The defaults every layer starts from; each declaration below says where it differs.
const BASE: LayerDef = LayerDef {
    name: "",
    title: "",
    title_zh: "",
    geometry: GeometryKind::Point,
    columns: Columns::Listed(&[]),
    decode: crate::record::Record::decode,
    admin_code: Some("township"),
    name_property: Some("name"),
    personal: &[],
    editors: &[],
    context: false,
    tiles: tiles(0, &[]),
    cluster: None,
    totals: &[],
    style: colour("#888888"),
    aliases: &[],
    place: None,
    closes_roads: None,
};

pub static ADMIN_AREAS_DEF: LayerDef = LayerDef {
    name: "admin_areas",
    title: "Admin areas and grid",
    title_zh: "行政区划",
    geometry: GeometryKind::MultiPolygon,
    columns: Columns::Typed(AdminAreaProps::columns),
    decode: |_, v| Ok(Properties::AdminArea(typed(v)?)),
    admin_code: Some("code"),
    tiles: TileSpec {
        zoom_by: Some(ZoomBy {
            property: "level",
            steps: &[(&["district"], 0), (&["township"], 7), (&["village"], 10)],
            otherwise: 13,
        }),
        ..tiles(0, &["code", "name", "level", "parent"])
    },
    totals: &[
        Rollup::new("population", Agg::Sum(Measure::Prop("population"))),
        Rollup::new("by_level", Agg::CountBy("level")),
    ],
    style: colour("#56657a"),
    context: true,
    ..BASE
};

pub static RISK_ZONES_DEF: LayerDef = LayerDef {
    name: "risk_zones",
    title: "Risk zones",
    title_zh: "风险区划",
    geometry: GeometryKind::MultiPolygon,
    columns: Columns::Typed(RiskZoneProps::columns),
    decode: |_, v| Ok(Properties::RiskZone(typed(v)?)),
    tiles: tiles(5, &["name", "kind", "risk_level", "active", "township"]),
    totals: &[Rollup::new("by_risk_level", Agg::CountBy("risk_level"))],
    style: BY_RISK,
    closes_roads: Some(ClosureRule {
        origin: "risk_zone",
        when: Cond::Is("active", "true"),
        cordon_m: None,
        reason: "风险区 {name} ({kind}, {risk_level})",
    }),
    editors: &[Role::Planner],
    ..BASE
};

pub static ROADS_DEF: LayerDef = LayerDef {
    name: "roads",
    title: "Roads",
    title_zh: "路网",
    geometry: GeometryKind::LineString,
    columns: Columns::Typed(RoadProps::columns),
    decode: |_, v| Ok(Properties::Road(typed(v)?)),
    admin_code: None,
    tiles: TileSpec {
        zoom_by: Some(ZoomBy {
            property: "highway",
            steps: &[
                (&["motorway", "trunk", "motorway_link", "trunk_link"], 6),
                (&["primary", "primary_link"], 8),
                (&["secondary", "secondary_link"], 9),
                (&["tertiary", "tertiary_link"], 10),
                (&["unclassified", "residential"], 12),
            ],
            otherwise: 13,
        }),
        ..tiles(6, &["highway", "name", "oneway"])
    },
    totals: &[Rollup::new("length_km", Agg::Sum(Measure::LengthKm))],
    style: colour("#9a8f80"),
    context: true,
    ..BASE
};

pub static EVACUATION_ROUTES_DEF: LayerDef = LayerDef {
    name: "evacuation_routes",
    title: "Evacuation routes",
    title_zh: "转移路线",
    geometry: GeometryKind::LineString,
    columns: Columns::Typed(RouteProps::columns),
    decode: |_, v| Ok(Properties::Route(typed(v)?)),
    personal: &["created_by"],
    tiles: tiles(8, &["name", "from_ref", "to_ref", "length_m", "minutes"]),
    totals: &[Rollup::new("length_km", Agg::Sum(Measure::LengthKm))],
    style: colour("#1a9850"),
    editors: &[Role::Planner],
    ..BASE
};

const SHELTER_FREE: Measure = Measure::Diff("capacity", "occupancy");

pub static SHELTERS_DEF: LayerDef = LayerDef {
    name: "shelters",
    title: "Shelters",
    title_zh: "避难场所",
    geometry: GeometryKind::Point,
    columns: Columns::Typed(ShelterProps::columns),
    decode: |_, v| Ok(Properties::Shelter(typed(v)?)),
    personal: &["responsible", "phone"],
    tiles: TileSpec {
        derived: &[("free", SHELTER_FREE)],
        ..tiles(0, &["name", "kind", "capacity", "occupancy", "open", "township"])
    },
    cluster: Some(ClusterSpec {
        below: 11,
        rollups: &[
            Rollup::new("capacity", Agg::Sum(Measure::Prop("capacity"))),
            Rollup::new("occupancy", Agg::Sum(Measure::Prop("occupancy"))),
            Rollup::new("free", Agg::Sum(SHELTER_FREE)),
        ],
    }),
    totals: &[
        Rollup::new("capacity", Agg::Sum(Measure::Prop("capacity"))),
        Rollup::new("occupancy", Agg::Sum(Measure::Prop("occupancy"))),
        Rollup::new("free_places", Agg::Sum(SHELTER_FREE)),
        Rollup::new("free_places_open", Agg::Sum(SHELTER_FREE)).when(Cond::Is("open", "true")),
    ],
    style: colour("#1a9850"),
    place: Some(PlaceSpec { room: SHELTER_FREE, profile: "foot", available: None, excluded_by_closed_areas: true }),
    editors: &[Role::Planner, Role::Township],
    ..BASE
};

pub static DEPOTS_DEF: LayerDef = LayerDef {
    name: "depots",
    title: "Resource depots",
    title_zh: "物资储备库",
    geometry: GeometryKind::Point,
    columns: Columns::Typed(DepotProps::columns),
    decode: |_, v| Ok(Properties::Depot(typed(v)?)),
    personal: &["responsible", "phone"],
    tiles: tiles(5, &["name", "supplies_people", "township"]),
    totals: &[
        Rollup::new("supplies_people", Agg::Sum(Measure::Prop("supplies_people"))),
        Rollup::new("inventory", Agg::SumItems("inventory")),
    ],
    style: colour("#7b3294"),
    place: Some(PlaceSpec {
        room: Measure::Prop("supplies_people"),
        profile: "car",
        available: None,
        excluded_by_closed_areas: false,
    }),
    editors: &[Role::Township],
    ..BASE
};

pub static HAZARDS_DEF: LayerDef = LayerDef {
    name: "hazards",
    title: "Hazard points",
    title_zh: "险情隐患点",
    geometry: GeometryKind::Point,
    columns: Columns::Typed(HazardProps::columns),
    decode: |_, v| Ok(Properties::Hazard(typed(v)?)),
    personal: &["responsible", "phone"],
    tiles: tiles(0, &["name", "kind", "risk_level", "status", "threatened_people", "township"]),
    cluster: Some(ClusterSpec {
        below: 12,
        rollups: &[
            Rollup::new("risk_level", Agg::First("risk_level")),
            Rollup::new("threatened_people", Agg::Sum(Measure::Prop("threatened_people"))),
        ],
    }),
    totals: &[
        Rollup::new("threatened_people", Agg::Sum(Measure::Prop("threatened_people"))),
        Rollup::new("active", Agg::Count).when(Cond::IsNot("status", "closed")),
        Rollup::new("by_risk_level", Agg::CountBy("risk_level")),
    ],
    style: BY_RISK,
    closes_roads: Some(ClosureRule {
        origin: "hazard",
        when: Cond::Is("status", "controlled"),
        cordon_m: Some(100.0),
        reason: "隐患点 {name} 管控 (cordon {cordon_m} m)",
    }),
    editors: &[Role::Township],
    ..BASE
};

pub static TEAMS_DEF: LayerDef = LayerDef {
    name: "teams",
    title: "Rescue teams",
    title_zh: "救援队伍",
    geometry: GeometryKind::Point,
    columns: Columns::Typed(TeamProps::columns),
    decode: |_, v| Ok(Properties::Team(typed(v)?)),
    personal: &["leader", "phone"],
    tiles: tiles(0, &["name", "kind", "level", "status", "members", "township"]),
    cluster: Some(ClusterSpec {
        below: 9,
        rollups: &[
            Rollup::new("members", Agg::Sum(Measure::Prop("members"))),
            Rollup::new("standby", Agg::Count).when(Cond::Is("status", "standby")),
        ],
    }),
    totals: &[
        Rollup::new("members", Agg::Sum(Measure::Prop("members"))),
        Rollup::new("by_status", Agg::CountBy("status")),
    ],
    style: StyleSpec { colour: "#1f4e9c", colour_by: Some("status"), palette: TEAM_STATUS_PALETTE },
    place: Some(PlaceSpec {
        room: Measure::Prop("members"),
        profile: "rescue",
        available: Some(Cond::Is("status", "standby")),
        excluded_by_closed_areas: false,
    }),
    editors: &[Role::Township],
    ..BASE
};

impl LayerId {
    pub const ADMIN_AREAS: LayerId = LayerId::of(&ADMIN_AREAS_DEF);
    pub const RISK_ZONES: LayerId = LayerId::of(&RISK_ZONES_DEF);
    pub const ROADS: LayerId = LayerId::of(&ROADS_DEF);
    pub const EVACUATION_ROUTES: LayerId = LayerId::of(&EVACUATION_ROUTES_DEF);
    pub const SHELTERS: LayerId = LayerId::of(&SHELTERS_DEF);
    pub const DEPOTS: LayerId = LayerId::of(&DEPOTS_DEF);
    pub const HAZARDS: LayerId = LayerId::of(&HAZARDS_DEF);
    pub const TEAMS: LayerId = LayerId::of(&TEAMS_DEF);
}

/// The built-in layers in drawing order, bottom to top.
pub const ALL: &[LayerId] = &[
    LayerId::ADMIN_AREAS,
    LayerId::RISK_ZONES,
    LayerId::ROADS,
    LayerId::EVACUATION_ROUTES,
    LayerId::SHELTERS,
    LayerId::DEPOTS,
    LayerId::HAZARDS,
    LayerId::TEAMS,
];
