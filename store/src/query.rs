//! What a reader asks of a layer.

use chrono::{DateTime, Utc};
use onemap_model::{Feature, LayerId, Properties};
use std::sync::Arc;

/// A bounding box in EPSG:4326 degrees: `[min_lon, min_lat, max_lon, max_lat]`. A box whose
/// `min_lon > max_lon` crosses the antimeridian.
pub type Bbox = [f64; 4];

/// A time interval on the feature's `updated` timestamp; an open end is `None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Interval {
    pub start: Option<DateTime<Utc>>,
    pub end: Option<DateTime<Utc>>,
}

impl Interval {
    pub fn contains(&self, t: DateTime<Utc>) -> bool {
        self.start.is_none_or(|s| t >= s) && self.end.is_none_or(|e| t <= e)
    }
}

/// A page request over one layer; features come in a stable order (insertion order) unless
/// [`Query::any_order`] is set.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Query {
    pub bbox: Option<Bbox>,
    /// Property equality filters, all of which must hold (already checked against the columns).
    pub filters: Vec<(String, String)>,
    pub updated: Option<Interval>,
    pub offset: usize,
    pub limit: usize,
    /// The caller needs no stable order (a tile render takes everything in a box): the store may
    /// return the features in whatever order is cheapest. Paging with `offset` needs it unset.
    pub any_order: bool,
}

impl Query {
    /// Whether a feature's properties and timestamp pass the non-spatial filters.
    pub fn matches(&self, f: &Feature) -> bool {
        self.updated.is_none_or(|i| i.contains(f.updated)) && filters_match(&f.properties, &self.filters)
    }
}

pub(crate) fn filters_match(p: &Properties, filters: &[(String, String)]) -> bool {
    filters.iter().all(|(k, v)| p.field_matches(k, v) == Some(true))
}

/// One page of features plus how many matched in all.
#[derive(Debug, Clone, Default)]
pub struct Page {
    pub features: Vec<Arc<Feature>>,
    pub number_matched: usize,
}

/// A layer's size and extent as one caller sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerSummary {
    pub layer: LayerId,
    pub count: usize,
    /// `[min_lon, min_lat, max_lon, max_lat]` in EPSG:4326 degrees; `None` when empty.
    pub extent: Option<Bbox>,
    pub last_updated: Option<DateTime<Utc>>,
}

/// A partial update: a new geometry and/or a JSON merge-patch (RFC 7396) of the properties.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FeaturePatch {
    pub geometry: Option<geo::Geometry>,
    pub properties: Option<serde_json::Value>,
}
