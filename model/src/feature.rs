//! Features: a geometry (EPSG:4326 lon/lat degrees), typed properties, a stable id and a version.

use crate::geometry::{geometry_from_geojson, geometry_to_geojson};
use crate::{LayerId, Properties, ValidationError};
use chrono::{DateTime, SecondsFormat, Utc};
use geo::Geometry;
use serde_json::Value;

/// A stored feature. `version` starts at 1 and grows by one with every change.
#[derive(Debug, Clone, PartialEq)]
pub struct Feature {
    pub id: String,
    /// EPSG:4326 longitude/latitude in degrees.
    pub geometry: Geometry,
    pub properties: Properties,
    pub version: i64,
    pub created: DateTime<Utc>,
    pub updated: DateTime<Utc>,
}

/// A feature to be written: the store assigns version and timestamps, and an id when none is given.
#[derive(Debug, Clone, PartialEq)]
pub struct NewFeature {
    pub id: Option<String>,
    /// EPSG:4326 longitude/latitude in degrees.
    pub geometry: Geometry,
    pub properties: Properties,
}

/// Formats a timestamp as RFC 3339 UTC with milliseconds (`2026-11-22T08:00:00.000Z`).
pub fn format_timestamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Checks a client-chosen feature id: 1–64 characters of `A-Z a-z 0-9 _ - . :`.
pub fn check_feature_id(id: &str) -> Result<(), ValidationError> {
    let ok = (1..=64).contains(&id.len())
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b':'));
    if ok {
        Ok(())
    } else {
        Err(ValidationError::new("id", "must be 1–64 characters of A-Z a-z 0-9 _ - . :"))
    }
}

/// A feature as GeoJSON (RFC 7946), geometry in CRS84 lon/lat degrees, with onemap's foreign
/// members `version`, `created` and `updated`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct GeoJsonFeature<'a> {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub id: &'a str,
    pub geometry: Value,
    pub properties: serde_json::Map<String, Value>,
    pub version: i64,
    pub created: String,
    pub updated: String,
}

impl NewFeature {
    /// Parses a GeoJSON Feature object for `layer`.
    pub fn from_geojson(layer: LayerId, value: &Value) -> Result<Self, ValidationError> {
        let obj = value.as_object().ok_or_else(|| ValidationError::new("", "a feature must be a JSON object"))?;
        if obj.get("type").and_then(Value::as_str) != Some("Feature") {
            return Err(ValidationError::new("type", "must be \"Feature\""));
        }
        let id = match obj.get("id") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            Some(_) => return Err(ValidationError::new("id", "must be a string or a number")),
        };
        if let Some(id) = &id {
            check_feature_id(id)?;
        }
        let geometry = match obj.get("geometry") {
            None | Some(Value::Null) => return Err(ValidationError::new("geometry", "is required")),
            Some(g) => geometry_from_geojson(g, layer.geometry_kind())?,
        };
        let properties = obj.get("properties").cloned().unwrap_or(Value::Null);
        let properties = Properties::from_json(layer, properties)?;
        Ok(NewFeature { id, geometry, properties })
    }
}

impl Feature {
    /// The feature as a GeoJSON Feature document, with `version`, `created` and `updated` as
    /// foreign members.
    pub fn geojson(&self) -> GeoJsonFeature<'_> {
        GeoJsonFeature {
            kind: "Feature",
            id: &self.id,
            geometry: geometry_to_geojson(&self.geometry),
            properties: self.properties.to_json(),
            version: self.version,
            created: format_timestamp(self.created),
            updated: format_timestamp(self.updated),
        }
    }

    /// [`Self::geojson`] as a JSON value.
    pub fn to_geojson(&self) -> Value {
        serde_json::to_value(self.geojson()).unwrap_or(Value::Null)
    }

    /// The layer of the feature.
    pub fn layer(&self) -> LayerId {
        self.properties.layer()
    }

    /// Strong entity tag for HTTP (`"<version>"`).
    pub fn etag(&self) -> String {
        format!("\"{}\"", self.version)
    }
}
