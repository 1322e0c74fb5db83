//! What each layer puts into tiles: zoom range, per-feature minimum zoom, clustering and the
//! attributes a map needs (not every column).

use onemap_model::{LayerId, Properties};

/// How one layer is tiled.
#[derive(Debug, Clone, Copy)]
pub struct LayerTiling {
    pub layer: LayerId,
    pub minzoom: u8,
    pub maxzoom: u8,
    /// Points are clustered at zooms below this one.
    pub cluster_below: Option<u8>,
    /// Attributes written for each feature (besides `id`).
    pub attributes: &'static [&'static str],
    /// Cluster attributes, described for TileJSON.
    pub cluster_attributes: &'static [&'static str],
}

/// The tiling of every layer, bottom to top as drawn.
pub const TILING: &[LayerTiling] = &[
    LayerTiling {
        layer: LayerId::AdminAreas,
        minzoom: 0,
        maxzoom: 24,
        cluster_below: None,
        attributes: &["code", "name", "level", "parent"],
        cluster_attributes: &[],
    },
    LayerTiling {
        layer: LayerId::RiskZones,
        minzoom: 5,
        maxzoom: 24,
        cluster_below: None,
        attributes: &["name", "kind", "risk_level", "active", "township"],
        cluster_attributes: &[],
    },
    LayerTiling {
        layer: LayerId::Roads,
        minzoom: 6,
        maxzoom: 24,
        cluster_below: None,
        attributes: &["highway", "name", "oneway"],
        cluster_attributes: &[],
    },
    LayerTiling {
        layer: LayerId::EvacuationRoutes,
        minzoom: 8,
        maxzoom: 24,
        cluster_below: None,
        attributes: &["name", "from_ref", "to_ref", "length_m", "minutes"],
        cluster_attributes: &[],
    },
    LayerTiling {
        layer: LayerId::Shelters,
        minzoom: 0,
        maxzoom: 24,
        cluster_below: Some(11),
        attributes: &["name", "kind", "capacity", "occupancy", "free", "open", "township"],
        cluster_attributes: &["cluster", "point_count", "capacity", "occupancy", "free"],
    },
    LayerTiling {
        layer: LayerId::Depots,
        minzoom: 5,
        maxzoom: 24,
        cluster_below: None,
        attributes: &["name", "supplies_people", "township"],
        cluster_attributes: &[],
    },
    LayerTiling {
        layer: LayerId::Hazards,
        minzoom: 0,
        maxzoom: 24,
        cluster_below: Some(12),
        attributes: &["name", "kind", "risk_level", "status", "threatened_people", "township"],
        cluster_attributes: &["cluster", "point_count", "risk_level", "threatened_people"],
    },
    LayerTiling {
        layer: LayerId::Teams,
        minzoom: 0,
        maxzoom: 24,
        cluster_below: Some(9),
        attributes: &["name", "kind", "level", "status", "members", "township"],
        cluster_attributes: &["cluster", "point_count", "members", "standby"],
    },
];

/// The tiling of one layer.
pub fn tiling(layer: LayerId) -> &'static LayerTiling {
    TILING.iter().find(|t| t.layer == layer).unwrap_or(&TILING[0])
}

/// The lowest zoom at which a feature shows: minor roads and small admin units only when zoomed in.
pub fn feature_minzoom(p: &Properties) -> u8 {
    match p {
        Properties::Road(r) => match r.highway.as_str() {
            "motorway" | "trunk" | "motorway_link" | "trunk_link" => 6,
            "primary" | "primary_link" => 8,
            "secondary" | "secondary_link" => 9,
            "tertiary" | "tertiary_link" => 10,
            "unclassified" | "residential" => 12,
            _ => 13,
        },
        Properties::AdminArea(a) => match a.level.as_str() {
            "district" => 0,
            "township" => 7,
            "village" => 10,
            _ => 13,
        },
        _ => 0,
    }
}
