//! Layers derived from an OpenStreetMap extract (PBF): roads, shelters, team bases.
//!
//! Mapping (© OpenStreetMap contributors, ODbL):
//! - `highway=*` ways → roads (class, name, `oneway`, `maxspeed` in km/h);
//! - `amenity=school|college|university|kindergarten|shelter|community_centre`, `leisure=park|stadium|sports_centre`,
//!   `emergency=assembly_point` → shelters. Capacity: for an area, 1 person per 2 m² of its footprint
//!   (clamped to 50–20,000); for a node, a default per kind;
//! - `amenity=fire_station` → fire-and-rescue teams; `amenity=hospital` → medical teams (at their bases).
//!
//! Hazards, risk zones, depots and admin codes are not in OpenStreetMap and stay empty.

use crate::{ImportError, Result};
use geo::{GeodesicArea, Geometry, InteriorPoint, LineString, Point, Polygon};
use onemap_model::{LayerId, NewFeature, Properties};
use onemap_osm::TagFilter;
use onemap_store::{DatasetInfo, Store, Writer};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::Path;

const EXCLUDED_HIGHWAYS: [&str; 8] =
    ["proposed", "construction", "platform", "abandoned", "bus_stop", "elevator", "corridor", "raceway"];

/// The data set description for layers derived from OpenStreetMap.
pub fn dataset(path: &Path) -> DatasetInfo {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    DatasetInfo {
        title: Some(format!("onemap — layers derived from OpenStreetMap ({name})")),
        demo: true,
        attribution: Some("© OpenStreetMap contributors".into()),
    }
}

fn shelter_kind(tags: &HashMap<String, String>) -> Option<(&'static str, i64)> {
    let t = |k: &str| tags.get(k).map(String::as_str);
    Some(match (t("amenity"), t("leisure"), t("emergency")) {
        (Some("school" | "college" | "university"), _, _) => ("school", 800),
        (Some("kindergarten"), _, _) => ("school", 150),
        (Some("shelter"), _, _) | (_, _, Some("assembly_point")) => ("purpose_built", 200),
        (Some("community_centre"), _, _) => ("community_centre", 300),
        (_, Some("stadium" | "sports_centre"), _) => ("stadium", 3000),
        (_, Some("park"), _) => ("park", 1000),
        _ => return None,
    })
}

fn team_kind(tags: &HashMap<String, String>) -> Option<(&'static str, &'static str)> {
    match tags.get("amenity").map(String::as_str) {
        Some("fire_station") => Some(("fire_rescue", "消防救援站")),
        Some("hospital") => Some(("medical", "医疗救护队")),
        _ => None,
    }
}

fn name(tags: &HashMap<String, String>) -> Option<String> {
    tags.get("name:zh").or_else(|| tags.get("name")).cloned()
}

fn maxspeed(raw: Option<&String>) -> Option<f64> {
    let raw = raw?.trim();
    if let Some(mph) = raw.strip_suffix("mph") {
        return mph.trim().parse::<f64>().ok().map(|v| v * 1.609_344);
    }
    raw.trim_end_matches("km/h").trim().parse::<f64>().ok().filter(|v| *v > 0.0 && *v < 200.0)
}

#[derive(Default)]
struct Collected {
    roads: Vec<NewFeature>,
    shelters: Vec<NewFeature>,
    teams: Vec<NewFeature>,
}

impl Collected {
    fn feature(layer: LayerId, id: String, geometry: Geometry, props: Value) -> Option<NewFeature> {
        match Properties::from_json(layer, props) {
            Ok(properties) => Some(NewFeature { id: Some(id), geometry, properties }),
            Err(e) => {
                tracing::warn!(%id, error = %e, "skipping an OpenStreetMap object");
                None
            }
        }
    }

    /// A POI at `point`; `area_m2` when it came from a closed way.
    fn poi(&mut self, osm: &str, tags: &HashMap<String, String>, point: Point, area_m2: Option<f64>) {
        let g = Geometry::Point(point);
        if let Some((kind, default_cap)) = shelter_kind(tags) {
            let capacity = area_m2.map_or(default_cap, |a| ((a / 2.0) as i64).clamp(50, 20_000));
            let n = name(tags).unwrap_or_else(|| format!("避难场所 {osm}"));
            self.shelters.extend(Self::feature(
                LayerId::SHELTERS,
                format!("osm-{osm}"),
                g.clone(),
                json!({"name": n, "kind": kind, "capacity": capacity, "occupancy": 0, "open": false}),
            ));
        }
        if let Some((kind, zh)) = team_kind(tags) {
            let n = name(tags).map_or_else(|| format!("{zh} {osm}"), |n| format!("{n} {zh}"));
            self.teams.extend(Self::feature(
                LayerId::TEAMS,
                format!("osm-{osm}"),
                g,
                json!({"name": n, "kind": kind, "level": "district", "members": 20, "status": "standby"}),
            ));
        }
    }
}

/// Reads the roads, shelters and team bases of an OpenStreetMap extract (`.osm.pbf`, `.osm`,
/// `.osm.gz`).
pub fn read_pbf(path: &Path) -> Result<Vec<(LayerId, Vec<NewFeature>)>> {
    let filter = TagFilter::any_of(&["highway", "amenity", "leisure", "emergency"]);
    let p = || path.display().to_string();
    // A missing or unreadable file is an I/O error; the extract's own errors say what is wrong with it.
    drop(std::fs::File::open(path).map_err(|source| ImportError::Read { path: p(), source })?);
    let x = onemap_osm::extract(path, &filter)
        .map_err(|e| ImportError::File { path: p(), source: crate::survey::FileError::Osm(e) })?;
    let mut out = Collected::default();
    for (id, (lon, lat), tags) in &x.nodes {
        let tags: HashMap<String, String> = tags.iter().cloned().collect();
        out.poi(&format!("n{id}"), &tags, Point::new(*lon, *lat), None);
    }
    for (id, refs, tags) in &x.ways {
        let tags: HashMap<String, String> = tags.iter().cloned().collect();
        let Some(pts) = x.positions(refs).filter(|p| p.len() >= 2) else { continue };
        let line = LineString::from(pts);
        if let Some(class) = tags.get("highway").filter(|c| !EXCLUDED_HIGHWAYS.contains(&c.as_str())) {
            let oneway = matches!(tags.get("oneway").map(String::as_str), Some("yes" | "1" | "true"));
            let props = json!({"name": name(&tags), "highway": class, "oneway": oneway,
                               "maxspeed_kmh": maxspeed(tags.get("maxspeed")), "osm_id": id});
            out.roads.extend(Collected::feature(
                LayerId::ROADS,
                format!("osm-w{id}"),
                Geometry::LineString(line),
                props,
            ));
        } else if line.is_closed() && line.0.len() >= 4 {
            let poly = Polygon::new(line, vec![]);
            if let Some(pt) = poly.interior_point() {
                out.poi(&format!("w{id}"), &tags, pt, Some(poly.geodesic_area_unsigned()));
            }
        }
    }
    Ok(vec![(LayerId::ROADS, out.roads), (LayerId::SHELTERS, out.shelters), (LayerId::TEAMS, out.teams)])
}

/// Loads the layers of an extract into a store (one transaction per layer) and labels the data set.
pub fn load(store: &dyn Store, path: &Path) -> Result<usize> {
    let w = Writer::system("osm");
    let mut n = 0;
    for (layer, features) in read_pbf(path)? {
        if !features.is_empty() {
            n += store.insert(layer, features, &w)?.len();
        }
    }
    store.set_dataset(&dataset(path))?;
    Ok(n)
}
