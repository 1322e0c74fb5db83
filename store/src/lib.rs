//! onemap's feature store.
//!
//! [`Store`] is the one seam every reader and writer goes through. [`GpkgStore`] keeps the layers in
//! one GeoPackage 1.3 file (SQLite, WAL) that GDAL and QGIS open, and serves reads from an in-memory
//! copy with an R-tree per layer ([`indexed`]). Every call takes a [`Scope`], so a township
//! officer's requests see and change only their township.
//!
//! Coordinates are EPSG:4326 longitude/latitude in degrees throughout.

pub mod accounts;
pub mod analysis;
pub mod audit;
pub mod contract;
mod error;
pub mod gpkg;
pub mod indexed;
mod query;

pub use accounts::{AccountError, AccountStore};
pub use audit::{AuditKind, AuditLog};

/// Accounts, sessions and the audit trail: what the server's access control needs of a store.
pub trait Security: AccountStore + AuditLog {}
impl<T: AccountStore + AuditLog> Security for T {}
pub use error::{Result, StoreError};
pub use gpkg::GpkgStore;
pub use query::{Bbox, FeaturePatch, Interval, LayerSummary, Page, Query};

use geo::Geometry;
use onemap_model::{Feature, LayerId, NewFeature, Registry, Scope};
use std::sync::Arc;

/// Who writes, and where they may write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Writer {
    pub scope: Scope,
    /// Recorded in the change log with every write (执法过程全记录).
    pub actor: String,
}

impl Writer {
    /// A writer with access to everything.
    pub fn system(actor: impl Into<String>) -> Self {
        Writer { scope: Scope::All, actor: actor.into() }
    }
}

/// One recorded change of a feature.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeRecord {
    pub layer: LayerId,
    pub id: String,
    pub version: i64,
    pub op: ChangeOp,
    pub actor: String,
    pub at: chrono::DateTime<chrono::Utc>,
    /// The properties after the change (`None` for a delete).
    pub properties: Option<serde_json::Value>,
}

/// What a change did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeOp {
    Insert,
    Update,
    Delete,
}

impl ChangeOp {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeOp::Insert => "insert",
            ChangeOp::Update => "update",
            ChangeOp::Delete => "delete",
        }
    }
}

/// The feature store. Reads see only what `scope` allows; a feature outside it is reported as
/// not found. Writes are atomic: a call either applies completely and durably, or not at all.
/// `if_version` (optimistic concurrency) makes a write fail with
/// [`StoreError::VersionConflict`] unless the feature is at that version.
/// What an [`Store::upsert`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Upserted {
    pub inserted: usize,
    pub updated: usize,
}

pub trait Store: Send + Sync {
    /// A short name of the implementation (`gpkg`, `postgis`).
    fn kind(&self) -> &'static str;

    /// The layers this store holds, in drawing order.
    fn registry(&self) -> &Registry;

    /// Count, extent and last change of a layer as `scope` sees it.
    fn summary(&self, layer: LayerId, scope: &Scope) -> LayerSummary;

    /// One feature by id.
    fn get(&self, layer: LayerId, id: &str, scope: &Scope) -> Result<Arc<Feature>>;

    /// A page of features; filters name columns of the layer, or the call fails.
    fn query(&self, layer: LayerId, q: &Query, scope: &Scope) -> Result<Page>;

    /// Features whose geometry intersects `area` (EPSG:4326 degrees).
    fn intersecting(&self, layer: LayerId, area: &Geometry, scope: &Scope) -> Result<Vec<Arc<Feature>>>;

    /// Adds features, all or none.
    fn insert(&self, layer: LayerId, features: Vec<NewFeature>, w: &Writer) -> Result<Vec<Arc<Feature>>>;

    /// Inserts the features whose id is new and replaces those whose id exists (each must carry
    /// an id), all or none: how a keyed re-import updates instead of duplicating. Returns how
    /// many were inserted and how many updated.
    fn upsert(&self, layer: LayerId, features: Vec<NewFeature>, w: &Writer) -> Result<Upserted>;

    /// Replaces a feature's geometry and properties.
    fn replace(
        &self,
        layer: LayerId,
        id: &str,
        feature: NewFeature,
        if_version: Option<i64>,
        w: &Writer,
    ) -> Result<Arc<Feature>>;

    /// Changes part of a feature.
    fn patch(
        &self,
        layer: LayerId,
        id: &str,
        patch: FeaturePatch,
        if_version: Option<i64>,
        w: &Writer,
    ) -> Result<Arc<Feature>>;

    /// Removes a feature.
    fn delete(&self, layer: LayerId, id: &str, if_version: Option<i64>, w: &Writer) -> Result<()>;

    /// The recorded changes of one feature, oldest first.
    fn history(&self, layer: LayerId, id: &str) -> Result<Vec<ChangeRecord>>;

    /// What the data set is (title, demo flag, attribution).
    fn dataset(&self) -> Result<DatasetInfo>;

    /// Records what the data set is.
    fn set_dataset(&self, info: &DatasetInfo) -> Result<()>;

    /// Registers a listener told of every durable write (see [`ChangeListener`]).
    fn subscribe(&self, listener: Arc<dyn ChangeListener>);
}

/// Hears of writes: called once per successful write call, after it is durable and visible to
/// readers and before the call returns, with the layer and the extents (EPSG:4326 degrees) of every
/// changed feature before and after. Caches of derived data (tiles) drop what the boxes touch here.
pub trait ChangeListener: Send + Sync {
    fn changed(&self, layer: LayerId, boxes: &[Bbox]);
}

/// Describes the data set held in a store.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct DatasetInfo {
    pub title: Option<String>,
    /// Generated demo data, to be labelled as such wherever it shows.
    pub demo: bool,
    /// e.g. "© OpenStreetMap contributors" for data derived from OpenStreetMap.
    pub attribution: Option<String>,
}
