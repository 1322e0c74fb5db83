//! Road closures: manual ones (`POST/GET/DELETE /routing/closures`, kept in a JSON file beside
//! the store, written atomically before the answer) and automatic ones from the layers whose
//! registry entry has a [`ClosureRule`] (of the built-in layers: every active risk zone closes
//! the roads inside it; every hazard under control, 管控, closes the roads within 100 m of it).
//!
//! All areas are WGS84 lon/lat degrees. The closed set is the union of all of them; it is put in
//! force on every profile's network at once (queries stay exact while the hierarchies are
//! re-prepared in the background).

use chrono::{DateTime, Utc};
use geo::MultiPolygon;
use onemap_model::registry::{rollup, ClosureRule, Cond};
use onemap_model::{LayerId, Scope};
use onemap_routing::closure::circle;
use onemap_routing::Engine;
use onemap_store::analysis::buffer_metres;
use onemap_store::Store;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The `origin` of a closure made by hand; an automatic one names its layer.
pub const MANUAL: &str = "manual";

/// A road to close: an OpenStreetMap way id (or a roads-layer line's `osm_id`), or the feature id
/// of a roads-layer line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum RoadRef {
    Way(i64),
    Feature(String),
}

/// The way id routing gives a roads-layer line without an `osm_id`: a stable hash of its feature
/// id, negative so it never meets an OpenStreetMap id (lines with one are found by
/// [`Book::road_ways`]).
pub fn road_way_id(feature_id: &str) -> i64 {
    -((onemap_model::hash::fnv1a(feature_id.as_bytes()) >> 2) as i64) - 1
}

/// One closure.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Closure {
    pub id: String,
    /// `manual`, or the layer whose feature it follows.
    pub origin: String,
    pub reason: String,
    /// The closed area, WGS84 lon/lat degrees, as GeoJSON (absent for a closure by road ids).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area: Option<serde_json::Value>,
    /// Roads closed whole.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roads: Vec<RoadRef>,
    /// When it ends by itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<DateTime<Utc>>,
    pub created: DateTime<Utc>,
    pub created_by: String,
    /// The feature it follows (automatic closures).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feature: Option<String>,
    /// The version of that feature (0 for manual closures): a new version is a new area.
    #[serde(skip)]
    pub rev: i64,
}

/// The closures and the edges each closes.
pub struct Book {
    /// Manual closures, persisted.
    pub manual: Vec<Closure>,
    /// Closures from the layers, recomputed after their writes.
    pub auto: Vec<Closure>,
    /// Edges per closure (keyed by id and creation time).
    edges: HashMap<String, Vec<u32>>,
    /// The closed set last put in force (so an unchanged set does not disturb the hierarchies).
    applied: Option<Vec<u32>>,
    /// Roads-layer feature id → the way id routing knows the line by.
    pub road_ways: HashMap<String, i64>,
    /// Grows whenever the closed areas in force change: what depends on them (shelters inside
    /// closed areas) is stale when it changed.
    pub generation: u64,
    /// The closed areas in force at the last [`Book::apply`] (their keys).
    areas: Vec<String>,
    file: Option<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
pub enum BookError {
    #[error("closures file {path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("closures file {path} is not valid: {source}")]
    Parse { path: String, source: serde_json::Error },
    #[error("reading the roads layer: {0}")]
    Store(#[from] onemap_store::StoreError),
}

impl Book {
    /// Opens the manual closures kept in `file` (none yet when it does not exist).
    pub fn open(file: Option<PathBuf>) -> Result<Book, BookError> {
        let manual = match &file {
            Some(p) if p.exists() => {
                let text =
                    std::fs::read(p).map_err(|source| BookError::Io { path: p.display().to_string(), source })?;
                serde_json::from_slice(&text)
                    .map_err(|source| BookError::Parse { path: p.display().to_string(), source })?
            }
            _ => Vec::new(),
        };
        Ok(Book {
            manual,
            auto: Vec::new(),
            edges: HashMap::new(),
            applied: None,
            road_ways: HashMap::new(),
            generation: 0,
            areas: Vec::new(),
            file,
        })
    }

    /// Every closure in force at `now`.
    pub fn in_force(&self, now: DateTime<Utc>) -> impl Iterator<Item = &Closure> {
        self.manual.iter().chain(&self.auto).filter(move |c| c.until.is_none_or(|u| u > now))
    }

    /// The soonest `until` still ahead of `now`.
    pub fn next_expiry(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.manual.iter().chain(&self.auto).filter_map(|c| c.until).filter(|u| *u > now).min()
    }

    /// The edges `c` closes (computed once per closure).
    pub fn edges_of(&mut self, engine: &Engine, c: &Closure) -> &[u32] {
        let key = Self::key(c);
        let ways = &self.road_ways;
        self.edges.entry(key).or_insert_with(|| {
            let way = |r: &RoadRef| match r {
                RoadRef::Way(w) => *w,
                RoadRef::Feature(id) => ways.get(id).copied().unwrap_or_else(|| road_way_id(id)),
            };
            let mut out: Vec<u32> = c.roads.iter().flat_map(|r| engine.edges.of_way(way(r)).iter().copied()).collect();
            if let Some(area) = c.area.as_ref().and_then(area_of) {
                out.extend(engine.edges.in_area(&engine.graph, &area));
            }
            out.sort_unstable();
            out.dedup();
            out
        })
    }

    fn key(c: &Closure) -> String {
        format!("{}:{}:{}", c.id, c.rev, c.created.timestamp_micros())
    }

    /// Forgets the cached edges of a closure that is gone (or was refused).
    pub fn forget(&mut self, c: &Closure) {
        self.edges.remove(&Self::key(c));
    }

    /// Puts the closures in force at `now` on the engine, unless that closed set is already in
    /// force (a new version would send the hierarchies back to preparation for nothing);
    /// returns how many edges are closed.
    pub fn apply(&mut self, engine: &Engine, now: DateTime<Utc>) -> usize {
        let list: Vec<Closure> = self.in_force(now).cloned().collect();
        let mut all: Vec<u32> = Vec::new();
        for c in &list {
            all.extend_from_slice(self.edges_of(engine, c));
        }
        all.sort_unstable();
        all.dedup();
        let n = all.len();
        let mut areas: Vec<String> = list.iter().filter(|c| c.area.is_some()).map(Self::key).collect();
        areas.sort_unstable();
        if areas != self.areas {
            self.areas = areas;
            self.generation += 1;
        }
        if self.applied.as_ref() != Some(&all) {
            engine.set_closed(all.iter().copied());
            self.applied = Some(all);
        }
        n
    }

    /// Writes the manual closures to the file: a temporary file, fsync, rename, fsync of the
    /// folder — so an answered change survives a crash whole.
    pub fn save(&self) -> Result<(), BookError> {
        let Some(path) = &self.file else { return Ok(()) };
        let io = |source| BookError::Io { path: path.display().to_string(), source };
        let tmp = path.with_extension("json.tmp");
        let text = serde_json::to_vec_pretty(&self.manual).map_err(|e| io(std::io::Error::other(e)))?;
        let mut f = std::fs::File::create(&tmp).map_err(io)?;
        f.write_all(&text).map_err(io)?;
        f.sync_all().map_err(io)?;
        std::fs::rename(&tmp, path).map_err(io)?;
        // The file now holds the change: from here on it counts as written. A failed fsync of
        // the folder can only lose the rename in a crash, which leaves the previous whole file.
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            if let Err(e) = std::fs::File::open(dir).and_then(|d| d.sync_all()) {
                tracing::warn!(error = %e, dir = %dir.display(), "fsync of the closures folder failed");
            }
        }
        Ok(())
    }

    /// Rebuilds the automatic closures from the features of every layer with a [`ClosureRule`].
    pub fn refresh_auto(&mut self, store: &dyn Store) -> Result<(), onemap_store::StoreError> {
        let mut auto = Vec::new();
        for (layer, rule) in store.registry().road_closers() {
            let when = rule.when;
            let filters = match when {
                Cond::Is(p, v) => vec![(p.to_owned(), v.to_owned())],
                Cond::IsNot(..) => vec![],
            };
            let q = onemap_store::Query { limit: usize::MAX, any_order: true, filters, ..Default::default() };
            for f in store.query(layer, &q, &Scope::All)?.features {
                if !rollup::holds(&f, when) {
                    continue;
                }
                let area = match (rule.cordon_m, &f.geometry) {
                    (None, g) => g.clone(),
                    (Some(r), geo::Geometry::Point(pt)) => geo::Geometry::MultiPolygon(circle([pt.x(), pt.y()], r)),
                    (Some(r), g) => geo::Geometry::MultiPolygon(buffer_metres(g, r)),
                };
                auto.push(Closure {
                    id: format!("{layer}:{}", f.id),
                    origin: rule.origin.to_owned(),
                    reason: reason(layer, &rule, &f),
                    area: Some(onemap_model::geometry::geometry_to_geojson(&area)),
                    roads: Vec::new(),
                    until: None,
                    created: f.updated,
                    created_by: format!("{layer} layer"),
                    feature: Some(f.id.clone()),
                    rev: f.version,
                });
            }
        }
        let keep: std::collections::HashSet<String> = self.manual.iter().chain(&auto).map(Self::key).collect();
        self.edges.retain(|k, _| keep.contains(k));
        self.auto = auto;
        Ok(())
    }
}

/// The rule's reason for feature `f`: `{name}`, `{cordon_m}` and `{property}` filled in, enum
/// values by their Chinese labels.
fn reason(layer: LayerId, rule: &ClosureRule, f: &onemap_model::Feature) -> String {
    let mut out = String::new();
    let mut rest = rule.reason;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let Some(len) = rest[start..].find('}') else { break };
        let key = &rest[start + 1..start + len];
        rest = &rest[start + len + 1..];
        let value = match key {
            "name" => f.properties.name().unwrap_or(&f.id).to_owned(),
            "cordon_m" => rule.cordon_m.map(|m| m.to_string()).unwrap_or_default(),
            p => label(layer, p, f),
        };
        out.push_str(&value);
    }
    out.push_str(rest);
    out
}

/// A property's value as a reader says it: an enum value by its Chinese label.
fn label(layer: LayerId, property: &str, f: &onemap_model::Feature) -> String {
    let Some(onemap_model::FieldRef::Text(v)) = f.properties.field_ref(property) else { return String::new() };
    let labelled = layer.column(property).and_then(|c| {
        let i = c.enum_values?.iter().position(|x| *x == v)?;
        c.enum_labels_zh?.get(i).copied()
    });
    labelled.map_or_else(|| v.into_owned(), str::to_owned)
}

/// A closure area from GeoJSON (Polygon or MultiPolygon, WGS84 degrees).
pub fn area_of(v: &serde_json::Value) -> Option<MultiPolygon<f64>> {
    match onemap_model::geometry::geometry_from_geojson(v, onemap_model::GeometryKind::MultiPolygon).ok()? {
        geo::Geometry::MultiPolygon(m) => Some(m),
        _ => None,
    }
}

/// The closures file beside a store: `x.gpkg` → `x.closures.json`.
pub fn file_beside(store: &Path) -> PathBuf {
    store.with_extension("closures.json")
}

/// The folder for prepared hierarchies beside a store: `x.gpkg` → `x.routing/`.
pub fn saved_dir_beside(store: &Path) -> PathBuf {
    store.with_extension("routing")
}
