//! The layer registry: every layer of the one map declared once — name, titles, geometry,
//! property columns, what its tiles carry, how its points cluster and what a group adds up to,
//! which properties are personal data, which one holds the admin code, how the page colours it,
//! and the roles it plays in routing. Tiles, the tile cache, `/collections`, `/query/within`,
//! the importer, routing and the page read this and nothing else.
//!
//! Start here: [`builtin`] holds the eight layers of an emergency bureau; a deployment's
//! [`Registry`] is those, or those plus its own ([`LayerDef::leak`] makes a definition built at
//! run time into a [`LayerId`]).

pub mod aliases;
pub mod builtin;
pub mod rollup;

use crate::field::Column;
use crate::{Properties, ValidationError};
use std::fmt;
use std::hash::{Hash, Hasher};

pub use rollup::{Agg, Cond, Measure, Rollup, RollupValue};

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

/// Where a layer's columns come from: a typed property struct, or a list given at run time
/// (whose features are then generic [`crate::Record`]s).
#[derive(Debug, Clone, Copy)]
pub enum Columns {
    Typed(fn() -> &'static [Column]),
    Listed(&'static [Column]),
}

/// Decodes and checks a feature's JSON properties for a layer.
pub type Decode = fn(LayerId, serde_json::Value) -> Result<Properties, ValidationError>;

/// How a property's value sets the lowest zoom a feature shows at (minor roads only zoomed in).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ZoomBy {
    pub property: &'static str,
    /// Values and the zoom they show from.
    pub steps: &'static [(&'static [&'static str], u8)],
    /// The zoom of any other value.
    pub otherwise: u8,
}

/// What the layer's vector tiles carry.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TileSpec {
    pub minzoom: u8,
    pub maxzoom: u8,
    /// Properties written for each feature (besides `id`), in this order.
    pub attributes: &'static [&'static str],
    /// Attributes computed from properties (a shelter's `free` places).
    pub derived: &'static [(&'static str, Measure)],
    /// Per-feature minimum zoom.
    pub zoom_by: Option<ZoomBy>,
}

/// How a point layer's features group into clusters at low zooms.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClusterSpec {
    /// Points cluster at zooms below this one.
    pub below: u8,
    /// What each cluster carries besides `cluster` and `point_count`.
    pub rollups: &'static [Rollup],
}

/// How the page draws the layer: one colour, or a colour per value of an enum property.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StyleSpec {
    /// CSS colour of features (and the legend swatch).
    pub colour: &'static str,
    /// A property whose values carry their own colours ([`Self::palette`]).
    pub colour_by: Option<&'static str>,
    /// Value → CSS colour for `colour_by`.
    pub palette: &'static [(&'static str, &'static str)],
}

/// A layer whose features routing treats as places (shelters to reach, teams to dispatch,
/// depots to supply from).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlaceSpec {
    /// What a place holds (free places, members, people supplied).
    pub room: Measure,
    /// How one travels from or to these places unless asked otherwise (`foot`, `car`, `rescue`).
    pub profile: &'static str,
    /// The places counted as available in coverage (teams on standby).
    pub available: Option<Cond>,
    /// Places inside a closed area are left out (a shelter in a flood zone takes nobody in).
    pub excluded_by_closed_areas: bool,
}

/// How a layer's features close roads to routing while they are in force.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClosureRule {
    /// The `origin` such closures report (`risk_zone`, `hazard`): a stable word for clients.
    pub origin: &'static str,
    /// The features that close roads (an active risk zone, a hazard under control).
    pub when: Cond,
    /// `None`: the feature's own area; `Some(m)`: a cordon of `m` metres around it.
    pub cordon_m: Option<f64>,
    /// The closure's reason: `{name}` and `{property}` stand for the feature's values (enum
    /// values by their Chinese labels), `{cordon_m}` for the cordon.
    pub reason: &'static str,
}

/// One layer, declared once.
#[derive(Debug, Clone, Copy)]
pub struct LayerDef {
    /// Collection id, table name, MVT layer name.
    pub name: &'static str,
    pub title: &'static str,
    pub title_zh: &'static str,
    pub geometry: GeometryKind,
    pub columns: Columns,
    pub decode: Decode,
    /// The property holding the admin code that places a feature in a township or grid.
    pub admin_code: Option<&'static str>,
    /// The property naming a feature.
    pub name_property: Option<&'static str>,
    /// Properties that are personal data (people's names, phone numbers), hidden from outsiders.
    pub personal: &'static [&'static str],
    /// The roles that write this layer besides the commander (see [`crate::access`]).
    pub editors: &'static [crate::Role],
    /// Shown whole to callers scoped to a township (roads, admin areas): the context their
    /// own features sit in.
    pub context: bool,
    pub tiles: TileSpec,
    pub cluster: Option<ClusterSpec>,
    /// The totals `/query/within` reports (besides `count`).
    pub totals: &'static [Rollup],
    pub style: StyleSpec,
    /// Extra import header spellings per property, beyond [`aliases::COMMON`].
    pub aliases: &'static [(&'static str, &'static [&'static str])],
    pub place: Option<PlaceSpec>,
    pub closes_roads: Option<ClosureRule>,
}

impl LayerDef {
    /// Makes a definition built at run time (a test's or a deployment's own layer) into a
    /// [`LayerId`] that lives as long as the process.
    pub fn leak(self) -> LayerId {
        LayerId(Box::leak(Box::new(self)))
    }
}

/// A layer: a cheap handle to its [`LayerDef`]. Equal, hashed and ordered by name.
#[derive(Clone, Copy)]
pub struct LayerId(&'static LayerDef);

impl LayerId {
    /// A handle to a definition in a `static`.
    pub const fn of(def: &'static LayerDef) -> Self {
        LayerId(def)
    }

    /// The whole declaration.
    pub fn def(self) -> &'static LayerDef {
        self.0
    }

    /// The collection id and table name.
    pub fn as_str(self) -> &'static str {
        self.0.name
    }

    /// English title.
    pub fn title(self) -> &'static str {
        self.0.title
    }

    /// Chinese title.
    pub fn title_zh(self) -> &'static str {
        self.0.title_zh
    }

    /// The geometry type the layer stores.
    pub fn geometry_kind(self) -> GeometryKind {
        self.0.geometry
    }

    /// The property columns, in storage order.
    pub fn columns(self) -> &'static [Column] {
        match self.0.columns {
            Columns::Typed(f) => f(),
            Columns::Listed(c) => c,
        }
    }

    /// The column a property filter names, if any.
    pub fn column(self, name: &str) -> Option<&'static Column> {
        self.columns().iter().find(|c| c.name == name)
    }

    /// Import header spellings of a property: the layer's own, then the common ones.
    pub fn aliases(self, property: &str) -> impl Iterator<Item = &'static str> + '_ {
        let own = self.0.aliases.iter().filter(move |(p, _)| *p == property).flat_map(|(_, a)| a.iter());
        own.chain(aliases::common(property)).copied()
    }
}

impl PartialEq for LayerId {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.0, other.0) || self.0.name == other.0.name
    }
}

impl Eq for LayerId {}

impl Hash for LayerId {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.name.hash(state);
    }
}

impl PartialOrd for LayerId {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for LayerId {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.name.cmp(other.0.name)
    }
}

impl fmt::Debug for LayerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LayerId({})", self.0.name)
    }
}

impl fmt::Display for LayerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.name)
    }
}

/// The layers of one deployment, in drawing order from bottom to top.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registry {
    layers: Vec<LayerId>,
}

/// Why a registry cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegistryError {
    #[error("layer `{0}` is declared twice")]
    Duplicate(&'static str),
    #[error("layer `{0}`: the name must be 1–63 characters of a-z, 0-9 and _, starting with a letter, not gpkg_, rtree_ or onemap_")]
    BadName(&'static str),
    #[error("layer `{layer}`: {what} names no column `{property}`")]
    NoSuchColumn { layer: &'static str, what: &'static str, property: &'static str },
    #[error("layer `{layer}`: {what}: {message}")]
    Declaration { layer: &'static str, what: &'static str, message: String },
}

impl Registry {
    /// The eight layers of an emergency bureau ([`builtin`]).
    pub fn builtin() -> Registry {
        Registry { layers: builtin::ALL.to_vec() }
    }

    /// A registry of `layers` in drawing order, checked: unique names, table-safe names, and
    /// every property the declaration mentions is a column.
    pub fn new(layers: Vec<LayerId>) -> Result<Registry, RegistryError> {
        for (i, l) in layers.iter().enumerate() {
            if layers[..i].iter().any(|o| o.as_str() == l.as_str()) {
                return Err(RegistryError::Duplicate(l.as_str()));
            }
            check(*l)?;
        }
        Ok(Registry { layers })
    }

    /// This registry with `layer` drawn on top.
    pub fn with(&self, layer: LayerId) -> Result<Registry, RegistryError> {
        let mut layers = self.layers.clone();
        layers.push(layer);
        Registry::new(layers)
    }

    /// Every layer, bottom to top.
    pub fn layers(&self) -> &[LayerId] {
        &self.layers
    }

    /// The layer with this collection id.
    pub fn get(&self, name: &str) -> Option<LayerId> {
        self.layers.iter().copied().find(|l| l.as_str() == name)
    }

    /// The layer with this collection id, or an error listing the known ones.
    pub fn parse(&self, name: &str) -> Result<LayerId, UnknownLayer> {
        self.get(name).ok_or_else(|| UnknownLayer { name: name.to_owned(), known: self.names().join(", ") })
    }

    /// The collection ids, bottom to top.
    pub fn names(&self) -> Vec<&'static str> {
        self.layers.iter().map(|l| l.as_str()).collect()
    }

    /// The layers routing uses as places.
    pub fn places(&self) -> impl Iterator<Item = (LayerId, &'static PlaceSpec)> + '_ {
        self.layers.iter().filter_map(|l| l.def().place.as_ref().map(|p| (*l, p)))
    }

    /// The layers whose features close roads.
    pub fn road_closers(&self) -> impl Iterator<Item = (LayerId, ClosureRule)> + '_ {
        self.layers.iter().filter_map(|l| l.def().closes_roads.map(|r| (*l, r)))
    }
}

impl Default for Registry {
    fn default() -> Self {
        Registry::builtin()
    }
}

/// A collection id that names no layer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown layer `{name}`; layers are {known}")]
pub struct UnknownLayer {
    pub name: String,
    pub known: String,
}

/// Column names the GeoPackage table keeps for itself.
const RESERVED_COLUMNS: [&str; 6] = ["fid", "geom", "feature_id", "version", "created_at", "updated_at"];

fn check(l: LayerId) -> Result<(), RegistryError> {
    let name = l.as_str();
    let ok = (1..=63).contains(&name.len())
        && name.as_bytes()[0].is_ascii_lowercase()
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && !name.starts_with("gpkg_")
        && !name.starts_with("rtree_")
        && !name.starts_with("onemap_");
    if !ok {
        return Err(RegistryError::BadName(name));
    }
    let d = l.def();
    let bad = |what: &'static str, message: String| RegistryError::Declaration { layer: name, what, message };
    for c in l.columns() {
        let ok =
            !c.name.is_empty() && c.name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !ok || RESERVED_COLUMNS.contains(&c.name) {
            return Err(bad("columns", format!("`{}` cannot be a column name", c.name)));
        }
    }
    let column = |what: &'static str, property: &'static str| {
        l.column(property).map(|_| ()).ok_or(RegistryError::NoSuchColumn { layer: name, what, property })
    };
    let condition = |what: &'static str, cond: Cond| {
        let (Cond::Is(p, v) | Cond::IsNot(p, v)) = cond;
        let c = l.column(p).ok_or(RegistryError::NoSuchColumn { layer: name, what, property: p })?;
        c.ty.check_filter(c.enum_values, v).map_err(|e| bad(what, format!("`{p} = {v}`: {e}")))
    };
    let measure = |what: &'static str, m: Measure| match m {
        Measure::Prop(p) => column(what, p),
        Measure::Diff(a, b) => column(what, a).and(column(what, b)),
        Measure::LengthKm => Ok(()),
    };
    for p in d.tiles.attributes {
        column("tiles.attributes", p)?;
        if d.personal.contains(p) {
            return Err(bad("tiles.attributes", format!("`{p}` is personal data: tiles go to every reader")));
        }
    }
    for r in d.editors {
        if !matches!(r, crate::Role::Planner | crate::Role::Township) {
            return Err(bad("editors", format!("`{r}` cannot be given layers to write (see the role table)")));
        }
    }
    for (_, m) in d.tiles.derived {
        measure("tiles.derived", *m)?;
    }
    if let Some(z) = d.tiles.zoom_by {
        column("tiles.zoom_by", z.property)?;
    }
    for p in d.admin_code.iter().chain(&d.name_property).chain(d.personal) {
        column("a property role", p)?;
    }
    let mut keys: Vec<&str> = vec!["count"];
    for r in d.totals {
        if keys.contains(&r.key) {
            return Err(bad("totals", format!("`{}` is named twice", r.key)));
        }
        keys.push(r.key);
    }
    if let Some(c) = d.cluster {
        if d.geometry != GeometryKind::Point {
            return Err(bad("cluster", "only points cluster".into()));
        }
        let mut keys: Vec<&str> = vec!["id", "cluster", "point_count"];
        for r in c.rollups {
            if keys.contains(&r.key) {
                return Err(bad("cluster", format!("`{}` is named twice", r.key)));
            }
            keys.push(r.key);
        }
    }
    let rollups = d.totals.iter().chain(d.cluster.iter().flat_map(|c| c.rollups));
    for r in rollups {
        for p in rollup_properties(r) {
            column("a roll-up", p)?;
        }
        if let Some(c) = r.when {
            condition("a roll-up", c)?;
        }
    }
    if let Some(c) = d.style.colour_by {
        column("style.colour_by", c)?;
    }
    if let Some(p) = d.place {
        measure("place.room", p.room)?;
        if let Some(c) = p.available {
            condition("place.available", c)?;
        }
        if !matches!(p.profile, "foot" | "car" | "rescue") {
            return Err(bad("place.profile", format!("`{}` is not foot, car or rescue", p.profile)));
        }
        if d.geometry != GeometryKind::Point {
            return Err(bad("place", "places are points".into()));
        }
    }
    if let Some(r) = d.closes_roads {
        condition("closes_roads.when", r.when)?;
    }
    Ok(())
}

fn rollup_properties(r: &Rollup) -> Vec<&'static str> {
    let mut out = match r.agg {
        Agg::Count | Agg::Sum(Measure::LengthKm) => vec![],
        Agg::Sum(Measure::Prop(p)) | Agg::CountBy(p) | Agg::First(p) | Agg::SumItems(p) => vec![p],
        Agg::Sum(Measure::Diff(a, b)) => vec![a, b],
    };
    if let Some(Cond::Is(p, _) | Cond::IsNot(p, _)) = r.when {
        out.push(p);
    }
    out
}

#[cfg(test)]
mod tests;
