//! onemap's data model: the emergency layers of the one map (应急指挥一张图), their typed
//! properties, validation rules, access scopes and GeoJSON form.
//!
//! Read [`registry`] first: every layer is declared there once, and everything else (tiles,
//! clustering, totals, the importer, routing, the page) reads that declaration.
//!
//! All coordinates are EPSG:4326 (WGS84) or EPSG:4490 (CGCS2000) longitude/latitude in degrees;
//! the two agree to well under a metre, so they are stored alike.

pub mod access;
mod account;
mod enums;
mod error;
mod feature;
mod field;
pub mod geodesy;
pub mod geometry;
pub mod hash;
mod properties;
pub mod props;
mod record;
pub mod registry;
mod scope;

pub use account::{Account, NewAccount};
pub use enums::*;
pub use error::{ValidationError, ValidationKind};
pub use feature::{check_feature_id, format_timestamp, Feature, GeoJsonFeature, NewFeature};
pub use field::{Column, ColumnType, FieldRef, FieldType, FilterValueError, Inventory, SqlValue};
pub use properties::{merge_patch, Properties};
pub use record::Record;
pub use registry::{GeometryKind, LayerDef, LayerId, Registry, UnknownLayer};
pub use scope::Scope;

#[cfg(test)]
mod tests;
