//! Rows to features: properties from the mapped columns (with the mapping file's defaults), the
//! position in lon/lat, the id from the key column; each failure is a report line naming the row,
//! the input column and the reason.

use super::axes::Coords;
use super::geometry::{check, crs_area, to_lonlat};
use super::mapping::{Plan, Target};
use super::report::{IssueKind, Report, Severity};
use super::source::{RawRecord, Source};
use super::values::{coordinate, property};
use super::{Options, Progress};
use geo::{Geodesic, Geometry, Length, Point};
use onemap_model::{check_feature_id, NewFeature, Properties, ValidationKind};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// `--key` names no column of the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("--key {key}: no such column (headers: {})", .headers.join(", "))]
pub struct KeyError {
    pub key: String,
    pub headers: Vec<String>,
}

/// The column index of `--key`, given as an input header or a property name.
pub fn key_column(source: &Source, plan: &Plan, key: &str) -> Result<usize, KeyError> {
    if let Some(i) = source.column(key) {
        return Ok(i);
    }
    plan.columns
        .iter()
        .find(|(_, t)| matches!(t, Target::Property(c) if c.name == key) || (key == "id" && *t == Target::Id))
        .map(|(i, _)| *i)
        .ok_or_else(|| KeyError { key: key.to_owned(), headers: source.headers.clone() })
}

/// A feature id from a key value: the value itself when it is a valid id, else a stable hash.
fn id_of(value: &str) -> String {
    if check_feature_id(value).is_ok() {
        return value.to_owned();
    }
    format!("key-{:016x}", onemap_model::hash::fnv1a(value.as_bytes()))
}

/// The input column a validation path such as `properties.capacity` came from.
fn column_of<'a>(source: &'a Source, plan: &Plan, field: &str) -> Option<&'a str> {
    let name = field.strip_prefix("properties.")?;
    let name = name.split(['.', '[']).next()?;
    plan.columns
        .iter()
        .find(|(_, t)| matches!(t, Target::Property(c) if c.name == name))
        .map(|(i, _)| source.headers[*i].as_str())
}

struct Ctx<'a> {
    source: &'a Source,
    plan: &'a Plan,
    coords: &'a Coords,
    o: &'a Options,
    area: Option<[f64; 4]>,
}

/// Why a row is rejected: its report line.
struct Rejection {
    column: Option<String>,
    value: Option<String>,
    kind: IssueKind,
    reason: String,
}

impl Rejection {
    fn of_row(kind: IssueKind, reason: impl Into<String>) -> Self {
        Rejection { column: None, value: None, kind, reason: reason.into() }
    }

    fn of_cell(cx: &Ctx<'_>, r: &RawRecord, i: usize, kind: IssueKind, reason: impl ToString) -> Self {
        let column = Some(cx.source.headers[i].clone());
        Rejection { column, value: r.values[i].text(), kind, reason: reason.to_string() }
    }
}

/// One row.
fn row(cx: &Ctx<'_>, r: &RawRecord, report: &mut Report) -> Result<NewFeature, Rejection> {
    if let Some(e) = &r.error {
        return Err(Rejection::of_row(IssueKind::Row, e.clone()));
    }
    let layer = cx.o.layer;
    let mut props = Map::new();
    for (i, t) in &cx.plan.columns {
        let v = &r.values[*i];
        if let Target::Property(c) = t {
            match property(c, v, cx.o.mapping.values.get(c.name)) {
                Ok(Some(value)) => {
                    props.insert(c.name.to_owned(), value);
                }
                Ok(None) => {}
                Err(e) => return Err(Rejection::of_cell(cx, r, *i, IssueKind::Value, e)),
            }
        }
    }
    for (k, v) in &cx.o.mapping.defaults {
        props.entry(k.clone()).or_insert_with(|| v.clone());
    }
    let geometry = match cx.coords {
        Coords::FromFile { crs } => match &r.geometry {
            Some(g) => to_lonlat(g, crs),
            None => return Err(Rejection::of_row(IssueKind::Geometry, "has no geometry")),
        },
        Coords::Columns { x, y, crs } => {
            let read =
                |i: usize| coordinate(&r.values[i]).map_err(|e| Rejection::of_cell(cx, r, i, IssueKind::Coordinate, e));
            let (a, b) = (read(*x)?, read(*y)?);
            let (lon, lat) = crs.to_lonlat(a, b);
            Geometry::Point(Point::new(lon, lat))
        }
    };
    // A POI mapped as an outline stands for its interior point, where the reader allows it.
    let geometry = match (&geometry, layer.geometry_kind()) {
        (
            Geometry::Polygon(_) | Geometry::MultiPolygon(_) | Geometry::LineString(_),
            onemap_model::GeometryKind::Point,
        ) if cx.source.area_as_point => geo::InteriorPoint::interior_point(&geometry).map_or(geometry, Geometry::Point),
        _ => geometry,
    };
    let checked = check(geometry, layer.geometry_kind(), cx.area)
        .map_err(|e| Rejection::of_row(IssueKind::Geometry, e.to_string()))?;
    if let Some(repair) = checked.repaired {
        report.push(r.row, IssueKind::Geometry, None, None, Severity::Repaired, repair);
    }
    // A line's length the file does not give is measured (geodesic, WGS84 ellipsoid, metres).
    if let (Some(_), Geometry::LineString(ls)) = (layer.column("length_m"), &checked.geometry) {
        if !props.contains_key("length_m") {
            props.insert("length_m".into(), serde_json::json!((Geodesic.length(ls) * 10.0).round() / 10.0));
        }
    }
    let properties = Properties::from_json(layer, Value::Object(props)).map_err(|e| {
        let missing = (e.kind == ValidationKind::Missing).then(|| e.field.clone());
        let col = column_of(cx.source, cx.plan, &e.field).map(str::to_owned);
        let reason = match (&col, &missing) {
            (Some(_), Some(_)) => "is required".to_owned(),
            (Some(_), None) => e.message.clone(),
            (None, Some(m)) => {
                let name = m.trim_start_matches("properties.");
                let title = layer.column(name).map_or("", |c| c.title_zh);
                format!("required property `{name}` ({title}) has no column: add one, or a default in a mapping file")
            }
            (None, None) => format!("{}: {}", e.field.trim_start_matches("properties."), e.message),
        };
        Rejection { column: col, value: None, kind: IssueKind::Property, reason }
    })?;
    Ok(NewFeature { id: None, geometry: checked.geometry, properties })
}

/// Converts every row; returns the valid features (ids from `key`) and reports the rest.
pub fn convert(
    source: &Source,
    plan: &Plan,
    coords: &Coords,
    key: Option<usize>,
    o: &Options,
    report: &mut Report,
    progress: &mut dyn Progress,
) -> Vec<NewFeature> {
    let area = match (o.area.or(o.mapping.area), crs_area(coords.crs())) {
        (Some(a), _) => Some(a),
        (None, a) => a,
    };
    let cx = Ctx { source, plan, coords, o, area };
    let mut out = Vec::with_capacity(source.records.len());
    let mut seen: HashMap<String, usize> = HashMap::new();
    let total = source.records.len();
    for (n, r) in source.records.iter().enumerate() {
        if n % 1000 == 0 {
            progress.rows(n, total);
        }
        match row(&cx, r, report) {
            Ok(mut f) if key.is_some() => {
                let k = key.and_then(|k| r.values[k].text());
                let Some(k) = k else {
                    if o.key.is_none() {
                        out.push(f); // an id column left empty: a fresh id
                    } else {
                        let column = key.map(|k| source.headers[k].as_str());
                        report.reject(r.row, IssueKind::Key, column, None, "the key column is empty");
                    }
                    continue;
                };
                if let Some(first) = seen.insert(k.clone(), r.row) {
                    report.reject(
                        r.row,
                        IssueKind::Key,
                        key.map(|k| source.headers[k].as_str()),
                        Some(k),
                        format!("duplicate key: row {first} has it too"),
                    );
                    continue;
                }
                f.id = Some(id_of(&k));
                out.push(f);
            }
            Ok(f) => out.push(f),
            Err(j) => report.reject(r.row, j.kind, j.column.as_deref(), j.value, j.reason),
        }
    }
    progress.rows(total, total);
    out
}
