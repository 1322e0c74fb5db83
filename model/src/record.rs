//! [`Record`]: the properties of a feature of a layer declared by its columns alone (no property
//! struct): checked against the columns' types, enums and required flags.

use crate::field::{ColumnType, FieldRef, SqlValue};
use crate::{LayerId, Properties, ValidationError};
use chrono::{DateTime, NaiveDate};
use serde_json::{Map, Value};

/// Values in the order of the layer's columns; `SqlValue::Null` where a value is absent.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub layer: LayerId,
    pub values: Vec<SqlValue>,
}

impl Record {
    /// Decodes a JSON object of properties for `layer`, naming the first wrong member.
    pub fn decode(layer: LayerId, value: Value) -> Result<Properties, ValidationError> {
        let Value::Object(mut obj) = value else {
            return Err(ValidationError::new("properties", "must be a JSON object"));
        };
        let columns = layer.columns();
        let mut values = Vec::with_capacity(columns.len());
        for c in columns {
            let v = obj.remove(c.name).unwrap_or(Value::Null);
            values
                .push(convert(c.ty, c.enum_values, &v).map_err(|m| ValidationError::property(c.name, m.to_string()))?);
            if c.required && values.last() == Some(&SqlValue::Null) {
                return Err(ValidationError::property(c.name, "is required"));
            }
        }
        if let Some(k) = obj.keys().next() {
            let known: Vec<_> = columns.iter().map(|c| c.name).collect();
            return Err(ValidationError::property(k, format!("unknown field, expected one of {}", known.join(", "))));
        }
        Ok(Properties::Record(Record { layer, values }))
    }

    /// The properties as a JSON object (every column, `null` where absent).
    pub fn to_json(&self) -> Map<String, Value> {
        self.layer.columns().iter().zip(&self.values).map(|(c, v)| (c.name.to_owned(), json_of(c.ty, v))).collect()
    }

    /// Values in the order of the layer's columns.
    pub fn sql_values(&self) -> Vec<SqlValue> {
        self.values.clone()
    }

    /// The stored value of one column by name.
    pub fn field_value(&self, name: &str) -> Option<SqlValue> {
        let i = self.layer.columns().iter().position(|c| c.name == name)?;
        Some(self.values[i].clone())
    }

    /// The stored value of one column, borrowed.
    pub fn field_ref(&self, name: &str) -> Option<FieldRef<'_>> {
        let i = self.layer.columns().iter().position(|c| c.name == name)?;
        Some(match &self.values[i] {
            SqlValue::Null => FieldRef::Null,
            SqlValue::Integer(n) => FieldRef::Integer(*n),
            SqlValue::Real(r) => FieldRef::Real(*r),
            SqlValue::Text(t) => FieldRef::Text(t.as_str().into()),
        })
    }

    /// `Some(equal)` for a known column.
    pub fn field_matches(&self, name: &str, raw: &str) -> Option<bool> {
        let c = self.layer.column(name)?;
        Some(match (self.field_ref(name)?, c.ty) {
            (FieldRef::Null, _) => false,
            (FieldRef::Integer(i), ColumnType::Boolean) => matches!((raw, i), ("true" | "1", 1) | ("false" | "0", 0)),
            (FieldRef::Integer(i), _) => raw.parse::<i64>() == Ok(i),
            (FieldRef::Real(r), _) => raw.parse::<f64>().is_ok_and(|v| v == r),
            (FieldRef::Text(t), _) => t == raw,
        })
    }
}

/// Why a JSON value does not fit a column: the text of the [`ValidationError`] it becomes.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub(crate) enum ValueMismatch {
    #[error("must be a string, got {0}")]
    NotString(Value),
    /// An enum column's value is none of its values (listed).
    #[error("unknown value `{value}`, expected one of {}", .expected.join(", "))]
    UnknownValue { value: String, expected: Vec<String> },
    #[error("must be an integer, got {0}")]
    NotInteger(Value),
    #[error("must be a number, got {0}")]
    NotNumber(Value),
    #[error("must be true or false, got {0}")]
    NotBoolean(Value),
    #[error("`{0}` is not a date YYYY-MM-DD")]
    NotDate(String),
    #[error("`{0}` is not an RFC 3339 date-time")]
    NotDateTime(String),
    #[error("must be a JSON object, got {0}")]
    NotObject(Value),
}

/// The stored value of `v` in a column of type `ty` (with `enums`, the values it takes).
pub(crate) fn convert(ty: ColumnType, enums: Option<&[&str]>, v: &Value) -> Result<SqlValue, ValueMismatch> {
    if v.is_null() {
        return Ok(SqlValue::Null);
    }
    let text = || v.as_str().map(str::to_owned).ok_or_else(|| ValueMismatch::NotString(v.clone()));
    Ok(match ty {
        ColumnType::Text => {
            let t = text()?;
            if let Some(values) = enums {
                if !values.contains(&t.as_str()) {
                    let expected = values.iter().map(|v| (*v).to_owned()).collect();
                    return Err(ValueMismatch::UnknownValue { value: t, expected });
                }
            }
            SqlValue::Text(t)
        }
        ColumnType::Integer => SqlValue::Integer(v.as_i64().ok_or_else(|| ValueMismatch::NotInteger(v.clone()))?),
        ColumnType::Real => SqlValue::Real(v.as_f64().ok_or_else(|| ValueMismatch::NotNumber(v.clone()))?),
        ColumnType::Boolean => {
            SqlValue::Integer(i64::from(v.as_bool().ok_or_else(|| ValueMismatch::NotBoolean(v.clone()))?))
        }
        ColumnType::Date => {
            let t = text()?;
            if NaiveDate::parse_from_str(&t, "%Y-%m-%d").is_err() {
                return Err(ValueMismatch::NotDate(t));
            }
            SqlValue::Text(t)
        }
        ColumnType::DateTime => {
            let t = text()?;
            if DateTime::parse_from_rfc3339(&t).is_err() {
                return Err(ValueMismatch::NotDateTime(t));
            }
            SqlValue::Text(t)
        }
        ColumnType::Json => match v {
            Value::Object(_) => SqlValue::Text(v.to_string()),
            _ => return Err(ValueMismatch::NotObject(v.clone())),
        },
    })
}

fn json_of(ty: ColumnType, v: &SqlValue) -> Value {
    match (v, ty) {
        (SqlValue::Null, _) => Value::Null,
        (SqlValue::Integer(i), ColumnType::Boolean) => Value::Bool(*i != 0),
        (SqlValue::Integer(i), _) => Value::from(*i),
        (SqlValue::Real(r), _) => Value::from(*r),
        (SqlValue::Text(t), ColumnType::Json) => serde_json::from_str(t).unwrap_or(Value::Null),
        (SqlValue::Text(t), _) => Value::from(t.as_str()),
    }
}
