//! The layers of the one map and what each takes.

use crate::field::Column;
use crate::props::{
    AdminAreaProps, DepotProps, HazardProps, RiskZoneProps, RoadProps, RouteProps, ShelterProps, TeamProps,
};
use std::fmt;

/// The geometry type a layer stores (all in EPSG:4326 lon/lat degrees).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GeometryKind {
    Point,
    LineString,
    /// Polygons are accepted and stored as one-part multipolygons.
    MultiPolygon,
}

impl GeometryKind {
    /// GeoPackage / OGC simple-features type name.
    pub fn sf_name(self) -> &'static str {
        match self {
            GeometryKind::Point => "POINT",
            GeometryKind::LineString => "LINESTRING",
            GeometryKind::MultiPolygon => "MULTIPOLYGON",
        }
    }

    /// GeoJSON type names accepted on input.
    pub fn accepted_geojson(self) -> &'static [&'static str] {
        match self {
            GeometryKind::Point => &["Point"],
            GeometryKind::LineString => &["LineString"],
            GeometryKind::MultiPolygon => &["Polygon", "MultiPolygon"],
        }
    }
}

macro_rules! layers {
    ($( $variant:ident => $id:literal, $props:ident, $geom:ident, $en:literal, $zh:literal; )+) => {
        /// One of the one map's layers (a GeoPackage table, an OGC API collection).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum LayerId { $($variant),+ }

        impl LayerId {
            /// Every layer, in drawing order from bottom to top.
            pub const ALL: &'static [LayerId] = &[$(LayerId::$variant),+];

            /// The collection id and table name.
            pub fn as_str(self) -> &'static str {
                match self { $(LayerId::$variant => $id),+ }
            }
            /// English title.
            pub fn title(self) -> &'static str {
                match self { $(LayerId::$variant => $en),+ }
            }
            /// Chinese title.
            pub fn title_zh(self) -> &'static str {
                match self { $(LayerId::$variant => $zh),+ }
            }
            /// The geometry type the layer stores.
            pub fn geometry_kind(self) -> GeometryKind {
                match self { $(LayerId::$variant => GeometryKind::$geom),+ }
            }
            /// The property columns, in storage order.
            pub fn columns(self) -> &'static [Column] {
                match self { $(LayerId::$variant => $props::columns()),+ }
            }
            /// Parses a collection id.
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($id => Some(LayerId::$variant),)+ _ => None }
            }
        }
    };
}

layers! {
    AdminAreas => "admin_areas", AdminAreaProps, MultiPolygon, "Admin areas and grid", "行政区划";
    RiskZones => "risk_zones", RiskZoneProps, MultiPolygon, "Risk zones", "风险区划";
    Roads => "roads", RoadProps, LineString, "Roads", "路网";
    EvacuationRoutes => "evacuation_routes", RouteProps, LineString, "Evacuation routes", "转移路线";
    Shelters => "shelters", ShelterProps, Point, "Shelters", "避难场所";
    Depots => "depots", DepotProps, Point, "Resource depots", "物资储备库";
    Hazards => "hazards", HazardProps, Point, "Hazard points", "险情隐患点";
    Teams => "teams", TeamProps, Point, "Rescue teams", "救援队伍";
}

impl LayerId {
    /// The column a property filter names, if any.
    pub fn column(self, name: &str) -> Option<&'static Column> {
        self.columns().iter().find(|c| c.name == name)
    }
}

impl fmt::Display for LayerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
