//! Column metadata shared by every layer: how a property is stored, filtered and described.

use chrono::{DateTime, NaiveDate, Utc};
use std::collections::BTreeMap;

/// The storage type of a property column (GeoPackage / PostGIS column type).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    Text,
    Integer,
    Real,
    Boolean,
    Date,
    DateTime,
    /// JSON text (an object), e.g. a depot's inventory.
    Json,
}

impl ColumnType {
    /// The declared type of the column in a GeoPackage table.
    pub fn gpkg_type(self) -> &'static str {
        match self {
            ColumnType::Text | ColumnType::Json => "TEXT",
            ColumnType::Integer => "INTEGER",
            ColumnType::Real => "REAL",
            ColumnType::Boolean => "BOOLEAN",
            ColumnType::Date => "DATE",
            ColumnType::DateTime => "DATETIME",
        }
    }

    /// JSON-schema type name used in queryables.
    pub fn json_type(self) -> &'static str {
        match self {
            ColumnType::Text | ColumnType::Date | ColumnType::DateTime => "string",
            ColumnType::Integer => "integer",
            ColumnType::Real => "number",
            ColumnType::Boolean => "boolean",
            ColumnType::Json => "object",
        }
    }

    /// Whether a filter value `raw` can be compared with this column; the error says why not.
    pub fn check_filter(self, enum_values: Option<&[&str]>, raw: &str) -> Result<(), FilterValueError> {
        if let Some(values) = enum_values {
            return if values.contains(&raw) {
                Ok(())
            } else {
                Err(FilterValueError::NotOneOf(values.iter().map(|v| (*v).to_owned()).collect()))
            };
        }
        match self {
            ColumnType::Text => Ok(()),
            ColumnType::Integer => raw.parse::<i64>().map(|_| ()).map_err(|_| FilterValueError::NotInteger),
            ColumnType::Real => match raw.parse::<f64>() {
                Ok(v) if v.is_finite() => Ok(()),
                _ => Err(FilterValueError::NotNumber),
            },
            ColumnType::Boolean => parse_bool(raw).map(|_| ()).ok_or(FilterValueError::NotBoolean),
            ColumnType::Date => {
                NaiveDate::parse_from_str(raw, "%Y-%m-%d").map(|_| ()).map_err(|_| FilterValueError::NotDate)
            }
            ColumnType::DateTime => {
                DateTime::parse_from_rfc3339(raw).map(|_| ()).map_err(|_| FilterValueError::NotDateTime)
            }
            ColumnType::Json => Err(FilterValueError::JsonColumn),
        }
    }
}

/// Why a filter value cannot be compared with a column ([`ColumnType::check_filter`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FilterValueError {
    /// The column is an enum and the value is none of its values (listed).
    #[error("must be one of {}", .0.join(", "))]
    NotOneOf(Vec<String>),
    #[error("must be an integer")]
    NotInteger,
    #[error("must be a number")]
    NotNumber,
    #[error("must be true or false")]
    NotBoolean,
    #[error("must be a date YYYY-MM-DD")]
    NotDate,
    #[error("must be an RFC 3339 date-time")]
    NotDateTime,
    /// A JSON column.
    #[error("cannot be filtered on")]
    JsonColumn,
}

fn parse_bool(raw: &str) -> Option<bool> {
    match raw {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}

/// A value as bound to an SQL statement.
#[derive(Debug, Clone, PartialEq)]
pub enum SqlValue {
    Null,
    Integer(i64),
    Real(f64),
    Text(String),
}

/// A stored value borrowed from a feature where it can be (text of strings and enum names), for
/// hot read paths such as tile rendering that must not allocate per attribute.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldRef<'a> {
    Null,
    Integer(i64),
    Real(f64),
    Text(std::borrow::Cow<'a, str>),
}

impl From<SqlValue> for FieldRef<'_> {
    fn from(v: SqlValue) -> Self {
        match v {
            SqlValue::Null => FieldRef::Null,
            SqlValue::Integer(i) => FieldRef::Integer(i),
            SqlValue::Real(r) => FieldRef::Real(r),
            SqlValue::Text(t) => FieldRef::Text(t.into()),
        }
    }
}

/// Describes one property column of a layer.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub name: &'static str,
    pub ty: ColumnType,
    pub required: bool,
    /// Left out of the input, the value takes a default (a hazard's `status` starts `discovered`);
    /// a required column without one must be given.
    pub default: bool,
    pub enum_values: Option<&'static [&'static str]>,
    /// Chinese labels of the enum values, in the order of `enum_values`.
    pub enum_labels_zh: Option<&'static [&'static str]>,
    /// Chinese label for legends, forms and import headers.
    pub title_zh: &'static str,
}

impl Column {
    /// Whether the input must give this column.
    pub fn must_be_given(&self) -> bool {
        self.required && !self.default
    }

    /// A value of the column's type (the first enum value), for probing decoders.
    pub fn sample(&self) -> serde_json::Value {
        use serde_json::Value;
        match self.ty {
            ColumnType::Text => Value::from(self.enum_values.and_then(|v| v.first().copied()).unwrap_or("x")),
            ColumnType::Integer => Value::from(0),
            ColumnType::Real => Value::from(0.0),
            ColumnType::Boolean => Value::Bool(false),
            ColumnType::Date => Value::from("2000-01-01"),
            ColumnType::DateTime => Value::from("2000-01-01T00:00:00Z"),
            ColumnType::Json => Value::Object(serde_json::Map::new()),
        }
    }
}

/// A Rust type that can be a property column.
pub trait FieldType {
    fn column_type() -> ColumnType;
    fn required() -> bool {
        true
    }
    fn enum_values() -> Option<&'static [&'static str]> {
        None
    }
    fn enum_labels_zh() -> Option<&'static [&'static str]> {
        None
    }
    fn sql_value(&self) -> SqlValue;
    /// The value as [`Self::sql_value`] gives it, borrowed where possible.
    fn field_ref(&self) -> FieldRef<'_> {
        self.sql_value().into()
    }
    /// Equality with a (pre-checked) filter value from a query string.
    fn matches(&self, raw: &str) -> bool;
}

impl FieldType for String {
    fn column_type() -> ColumnType {
        ColumnType::Text
    }
    fn sql_value(&self) -> SqlValue {
        SqlValue::Text(self.clone())
    }
    fn field_ref(&self) -> FieldRef<'_> {
        FieldRef::Text(self.as_str().into())
    }
    fn matches(&self, raw: &str) -> bool {
        self == raw
    }
}

impl FieldType for i64 {
    fn column_type() -> ColumnType {
        ColumnType::Integer
    }
    fn sql_value(&self) -> SqlValue {
        SqlValue::Integer(*self)
    }
    fn matches(&self, raw: &str) -> bool {
        raw.parse::<i64>() == Ok(*self)
    }
}

impl FieldType for f64 {
    fn column_type() -> ColumnType {
        ColumnType::Real
    }
    fn sql_value(&self) -> SqlValue {
        SqlValue::Real(*self)
    }
    fn matches(&self, raw: &str) -> bool {
        raw.parse::<f64>().is_ok_and(|v| v == *self)
    }
}

impl FieldType for bool {
    fn column_type() -> ColumnType {
        ColumnType::Boolean
    }
    fn sql_value(&self) -> SqlValue {
        SqlValue::Integer(i64::from(*self))
    }
    fn matches(&self, raw: &str) -> bool {
        parse_bool(raw) == Some(*self)
    }
}

impl FieldType for NaiveDate {
    fn column_type() -> ColumnType {
        ColumnType::Date
    }
    fn sql_value(&self) -> SqlValue {
        SqlValue::Text(self.format("%Y-%m-%d").to_string())
    }
    fn matches(&self, raw: &str) -> bool {
        NaiveDate::parse_from_str(raw, "%Y-%m-%d").is_ok_and(|d| d == *self)
    }
}

impl FieldType for DateTime<Utc> {
    fn column_type() -> ColumnType {
        ColumnType::DateTime
    }
    fn sql_value(&self) -> SqlValue {
        SqlValue::Text(crate::format_timestamp(*self))
    }
    fn matches(&self, raw: &str) -> bool {
        DateTime::parse_from_rfc3339(raw).is_ok_and(|d| d == *self)
    }
}

/// Item → quantity, e.g. `{"tent": 200, "quilt": 1500}`.
pub type Inventory = BTreeMap<String, f64>;

impl FieldType for Inventory {
    fn column_type() -> ColumnType {
        ColumnType::Json
    }
    fn sql_value(&self) -> SqlValue {
        SqlValue::Text(serde_json::to_string(self).unwrap_or_else(|_| "{}".into()))
    }
    fn matches(&self, _raw: &str) -> bool {
        false
    }
}

impl<T: FieldType> FieldType for Option<T> {
    fn column_type() -> ColumnType {
        T::column_type()
    }
    fn required() -> bool {
        false
    }
    fn enum_values() -> Option<&'static [&'static str]> {
        T::enum_values()
    }
    fn enum_labels_zh() -> Option<&'static [&'static str]> {
        T::enum_labels_zh()
    }
    fn sql_value(&self) -> SqlValue {
        self.as_ref().map_or(SqlValue::Null, FieldType::sql_value)
    }
    fn field_ref(&self) -> FieldRef<'_> {
        self.as_ref().map_or(FieldRef::Null, FieldType::field_ref)
    }
    fn matches(&self, raw: &str) -> bool {
        self.as_ref().is_some_and(|v| v.matches(raw))
    }
}
