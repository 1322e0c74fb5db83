//! `Properties`: the typed properties of a feature of any layer.

use crate::field::SqlValue;
use crate::props::{
    AdminAreaProps, DepotProps, HazardProps, RiskZoneProps, RoadProps, RouteProps, ShelterProps, TeamProps,
};
use crate::{LayerId, ValidationError};
use serde_json::{Map, Value};

/// The typed properties of one feature; the variant says the layer.
#[derive(Debug, Clone, PartialEq)]
pub enum Properties {
    Hazard(HazardProps),
    RiskZone(RiskZoneProps),
    Shelter(ShelterProps),
    Route(RouteProps),
    Depot(DepotProps),
    Team(TeamProps),
    AdminArea(AdminAreaProps),
    Road(RoadProps),
}

/// Calls the same method on whichever struct the variant holds.
macro_rules! each {
    ($self:expr, $p:ident => $e:expr) => {
        match $self {
            Properties::Hazard($p) => $e,
            Properties::RiskZone($p) => $e,
            Properties::Shelter($p) => $e,
            Properties::Route($p) => $e,
            Properties::Depot($p) => $e,
            Properties::Team($p) => $e,
            Properties::AdminArea($p) => $e,
            Properties::Road($p) => $e,
        }
    };
}

fn decode<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, ValidationError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let field = if path == "." { "properties".to_owned() } else { format!("properties.{path}") };
        ValidationError::new(field, e.into_inner().to_string())
    })
}

impl Properties {
    /// Decodes and validates the JSON properties of a feature of `layer`.
    pub fn from_json(layer: LayerId, value: Value) -> Result<Self, ValidationError> {
        if !value.is_object() {
            return Err(ValidationError::new("properties", "must be a JSON object"));
        }
        let props = match layer {
            LayerId::Hazards => Properties::Hazard(decode(value)?),
            LayerId::RiskZones => Properties::RiskZone(decode(value)?),
            LayerId::Shelters => Properties::Shelter(decode(value)?),
            LayerId::EvacuationRoutes => Properties::Route(decode(value)?),
            LayerId::Depots => Properties::Depot(decode(value)?),
            LayerId::Teams => Properties::Team(decode(value)?),
            LayerId::AdminAreas => Properties::AdminArea(decode(value)?),
            LayerId::Roads => Properties::Road(decode(value)?),
        };
        props.validate()?;
        Ok(props)
    }

    /// The layer these properties belong to.
    pub fn layer(&self) -> LayerId {
        match self {
            Properties::Hazard(_) => LayerId::Hazards,
            Properties::RiskZone(_) => LayerId::RiskZones,
            Properties::Shelter(_) => LayerId::Shelters,
            Properties::Route(_) => LayerId::EvacuationRoutes,
            Properties::Depot(_) => LayerId::Depots,
            Properties::Team(_) => LayerId::Teams,
            Properties::AdminArea(_) => LayerId::AdminAreas,
            Properties::Road(_) => LayerId::Roads,
        }
    }

    /// Checks the layer's rules (ranges, codes, occupancy within capacity).
    pub fn validate(&self) -> Result<(), ValidationError> {
        each!(self, p => p.validate())
    }

    /// Checks that replacing `old` by `self` is a legal change (e.g. the hazard status loop).
    pub fn validate_change(&self, old: &Properties) -> Result<(), ValidationError> {
        if let (Properties::Hazard(new), Properties::Hazard(old)) = (self, old) {
            if !old.status.can_become(new.status) {
                let allowed = old
                    .status
                    .next()
                    .map_or_else(|| "none: the hazard is closed".to_owned(), |n| format!("{} or {}", old.status, n));
                return Err(ValidationError::property(
                    "status",
                    format!("illegal transition {} → {}; allowed: {allowed}", old.status, new.status),
                ));
            }
        }
        Ok(())
    }

    /// The properties as a JSON object.
    pub fn to_json(&self) -> Map<String, Value> {
        let value = each!(self, p => serde_json::to_value(p));
        match value {
            Ok(Value::Object(map)) => map,
            _ => Map::new(),
        }
    }

    /// Values in the order of the layer's columns.
    pub fn sql_values(&self) -> Vec<SqlValue> {
        each!(self, p => p.sql_values())
    }

    /// `Some(equal)` for a known column, `None` for an unknown one.
    /// The stored value of one column by name (`None` for an unknown name); booleans are 0/1.
    pub fn field_value(&self, name: &str) -> Option<crate::SqlValue> {
        each!(self, p => p.field_value(name))
    }

    /// [`Self::field_value`] borrowed where possible (no allocation for text and enums).
    pub fn field_ref(&self, name: &str) -> Option<crate::FieldRef<'_>> {
        each!(self, p => p.field_ref(name))
    }

    pub fn field_matches(&self, name: &str, raw: &str) -> Option<bool> {
        each!(self, p => p.field_matches(name, raw))
    }

    /// The admin code that places the feature in a township or grid, used by [`crate::Scope`].
    pub fn admin_code(&self) -> Option<&str> {
        match self {
            Properties::Hazard(p) => Some(&p.township),
            Properties::RiskZone(p) => p.township.as_deref(),
            Properties::Shelter(p) => p.township.as_deref(),
            Properties::Route(p) => p.township.as_deref(),
            Properties::Depot(p) => p.township.as_deref(),
            Properties::Team(p) => p.township.as_deref(),
            Properties::AdminArea(p) => Some(&p.code),
            Properties::Road(_) => None,
        }
    }

    /// The display name, if the layer has one.
    pub fn name(&self) -> Option<&str> {
        match self {
            Properties::Hazard(p) => Some(&p.name),
            Properties::RiskZone(p) => Some(&p.name),
            Properties::Shelter(p) => Some(&p.name),
            Properties::Route(p) => Some(&p.name),
            Properties::Depot(p) => Some(&p.name),
            Properties::Team(p) => Some(&p.name),
            Properties::AdminArea(p) => Some(&p.name),
            Properties::Road(p) => p.name.as_deref(),
        }
    }
}

/// Merges a JSON merge-patch (RFC 7396) into `target`.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    match (target, patch) {
        (Value::Object(t), Value::Object(p)) => {
            for (k, v) in p {
                if v.is_null() {
                    t.remove(k);
                } else {
                    merge_patch(t.entry(k.clone()).or_insert(Value::Null), v);
                }
            }
        }
        (t, p) => *t = p.clone(),
    }
}
