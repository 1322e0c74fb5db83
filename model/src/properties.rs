//! `Properties`: the typed properties of a feature of any layer.

use crate::field::SqlValue;
use crate::props::{
    AdminAreaProps, DepotProps, HazardProps, RiskZoneProps, RoadProps, RouteProps, ShelterProps, TeamProps,
};
use crate::record::Record;
use crate::{FieldRef, LayerId, ValidationError};
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
    /// A feature of a layer declared by its columns alone.
    Record(Record),
}

/// Calls the same method on whichever struct the variant holds.
macro_rules! each {
    ($self:expr, $p:ident => $e:expr) => {
        match $self {
            Properties::Record($p) => $e,
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

/// Decodes a typed property struct, naming the offending member (`properties.risk_level`).
pub(crate) fn typed<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, ValidationError> {
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
        if let Some(c) =
            layer.columns().iter().find(|c| c.must_be_given() && value.get(c.name).is_none_or(|v| v.is_null()))
        {
            return Err(ValidationError::missing(c.name));
        }
        let props = (layer.def().decode)(layer, value)?;
        props.validate()?;
        Ok(props)
    }

    /// The layer these properties belong to.
    pub fn layer(&self) -> LayerId {
        match self {
            Properties::Hazard(_) => LayerId::HAZARDS,
            Properties::RiskZone(_) => LayerId::RISK_ZONES,
            Properties::Shelter(_) => LayerId::SHELTERS,
            Properties::Route(_) => LayerId::EVACUATION_ROUTES,
            Properties::Depot(_) => LayerId::DEPOTS,
            Properties::Team(_) => LayerId::TEAMS,
            Properties::AdminArea(_) => LayerId::ADMIN_AREAS,
            Properties::Road(_) => LayerId::ROADS,
            Properties::Record(r) => r.layer,
        }
    }

    /// Checks the layer's rules (ranges, codes, occupancy within capacity).
    pub fn validate(&self) -> Result<(), ValidationError> {
        match self {
            // Checked against the columns as it was decoded.
            Properties::Record(_) => Ok(()),
            Properties::Hazard(p) => p.validate(),
            Properties::RiskZone(p) => p.validate(),
            Properties::Shelter(p) => p.validate(),
            Properties::Route(p) => p.validate(),
            Properties::Depot(p) => p.validate(),
            Properties::Team(p) => p.validate(),
            Properties::AdminArea(p) => p.validate(),
            Properties::Road(p) => p.validate(),
        }
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
        let value = match self {
            Properties::Record(r) => return r.to_json(),
            Properties::Hazard(p) => serde_json::to_value(p),
            Properties::RiskZone(p) => serde_json::to_value(p),
            Properties::Shelter(p) => serde_json::to_value(p),
            Properties::Route(p) => serde_json::to_value(p),
            Properties::Depot(p) => serde_json::to_value(p),
            Properties::Team(p) => serde_json::to_value(p),
            Properties::AdminArea(p) => serde_json::to_value(p),
            Properties::Road(p) => serde_json::to_value(p),
        };
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

    /// The admin code that places the feature in a township or grid (the layer's
    /// [`crate::LayerDef::admin_code`] property), used by [`crate::Scope`].
    pub fn admin_code(&self) -> Option<&str> {
        self.text(self.layer().def().admin_code?)
    }

    /// The display name (the layer's [`crate::LayerDef::name_property`]), if it has one.
    pub fn name(&self) -> Option<&str> {
        self.text(self.layer().def().name_property?)
    }

    /// A text property, borrowed.
    fn text(&self, property: &str) -> Option<&str> {
        match self.field_ref(property)? {
            FieldRef::Text(std::borrow::Cow::Borrowed(s)) => Some(s),
            _ => None,
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
