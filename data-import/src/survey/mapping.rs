//! Which input column feeds which layer property: headers recognised in Chinese and English
//! (经度/纬度/X/Y, 名称, 风险等级, 容纳人数 …), overridable by a small mapping file.

use crate::survey::source::Source;
use onemap_model::{Column, LayerId};
use serde::Deserialize;
use std::collections::BTreeMap;

/// A mapping file (JSON): header → property or coordinate, value maps per property, defaults.
///
/// ```json
/// { "columns": { "隐患点名": "name", "东坐标": "x", "北坐标": "y" },
///   "values": { "risk_level": { "红": "major", "橙": "large" } },
///   "defaults": { "township": "510104001" },
///   "crs": "EPSG:4527", "area": [103.5, 30.3, 104.5, 31.0] }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MappingFile {
    /// Input header → `lon`, `lat`, `x`, `y`, `id`, `-` (ignore) or a property name.
    #[serde(default)]
    pub columns: BTreeMap<String, String>,
    /// Property → (input value → stored value).
    #[serde(default)]
    pub values: BTreeMap<String, BTreeMap<String, String>>,
    /// Property → value for rows that leave it empty.
    #[serde(default)]
    pub defaults: BTreeMap<String, serde_json::Value>,
    /// The CRS of the coordinates (as `--crs` takes it).
    #[serde(default)]
    pub crs: Option<String>,
    /// The declared area `[min_lon, min_lat, max_lon, max_lat]` (WGS84 degrees) every row must lie in.
    #[serde(default)]
    pub area: Option<[f64; 4]>,
}

impl MappingFile {
    /// Parses a mapping file's JSON.
    pub fn from_json(text: &str) -> Result<MappingFile, MappingError> {
        serde_json::from_str(text).map_err(MappingError::Json)
    }
}

/// Why the columns of a file cannot be mapped onto the layer: a mapping file that does not fit
/// the layer, two columns for one thing, no coordinates.
#[derive(Debug, thiserror::Error)]
pub enum MappingError {
    /// The mapping file is not JSON of the expected shape.
    #[error("not a mapping file: {0}")]
    Json(#[source] serde_json::Error),
    /// A `columns` entry names a property the layer does not have.
    #[error("mapping file: column `{header}` → `{name}`: {layer} has no property `{name}`")]
    UnknownTarget { layer: LayerId, header: String, name: String },
    /// A `values` or `defaults` entry names a property the layer does not have.
    #[error("mapping file: {layer} has no property `{name}`")]
    UnknownProperty { layer: LayerId, name: String },
    /// Two columns claim one target.
    #[error(
        "columns `{first}` and `{second}` both map to {}: name one in a mapping file (\"columns\": {{\"{second}\": \"-\"}} ignores it)",
        describe(*.target)
    )]
    SameTarget { first: String, second: String, target: Target },
    /// No geometries in the file and no lon/lat or x/y columns.
    #[error(
        "no coordinate columns: expected 经度 and 纬度 (lon/lat) or X and Y among the headers [{}]; \
         a mapping file can name them (\"columns\": {{\"my lon\": \"lon\", \"my lat\": \"lat\"}})",
        .headers.join(", ")
    )]
    NoCoordinateColumns { headers: Vec<String> },
}

/// Where a column goes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Target {
    Lon,
    Lat,
    X,
    Y,
    Id,
    Property(&'static Column),
}

const LON: &[&str] = &["经度", "东经", "lon", "lng", "long", "longitude", "经度坐标"];
const LAT: &[&str] = &["纬度", "北纬", "lat", "latitude", "纬度坐标"];
const X: &[&str] = &["x", "x坐标", "横坐标", "easting", "东坐标", "东向坐标"];
const Y: &[&str] = &["y", "y坐标", "纵坐标", "northing", "北坐标", "北向坐标"];
const ID: &[&str] = &["id", "fid", "编号", "唯一编号"];

/// A header as compared: lower case, no spaces, no bracketed unit (`容纳人数（人）` → `容纳人数`),
/// no required-field star.
pub fn normalise(h: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in h.trim().chars() {
        match c {
            '(' | '（' | '[' | '【' => depth += 1,
            ')' | '）' | ']' | '】' => depth = (depth - 1).max(0),
            _ if depth > 0 => {}
            '*' | ' ' | '\u{3000}' | '_' | '-' => {}
            c => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// The target of one header for `layer`, by the mapping file, then the property's own name or
/// Chinese title, then the header spellings the layer's registry entry knows.
pub fn target(layer: LayerId, header: &str, file: &MappingFile) -> Option<Target> {
    if let Some(t) = file.columns.get(header) {
        return named_target(layer, t);
    }
    let n = normalise(header);
    if n.is_empty() {
        return None;
    }
    for c in layer.columns() {
        if normalise(c.name) == n || normalise(c.title_zh) == n {
            return Some(Target::Property(c));
        }
    }
    let is = |list: &[&str]| list.iter().any(|a| normalise(a) == n);
    if is(LON) {
        return Some(Target::Lon);
    }
    if is(LAT) {
        return Some(Target::Lat);
    }
    if is(X) {
        return Some(Target::X);
    }
    if is(Y) {
        return Some(Target::Y);
    }
    if is(ID) {
        return Some(Target::Id);
    }
    layer.columns().iter().find(|c| layer.aliases(c.name).any(|a| normalise(a) == n)).map(Target::Property)
}

/// The target a mapping-file entry names; `None` for `-` (ignore).
fn named_target(layer: LayerId, name: &str) -> Option<Target> {
    match name {
        "lon" => Some(Target::Lon),
        "lat" => Some(Target::Lat),
        "x" => Some(Target::X),
        "y" => Some(Target::Y),
        "id" => Some(Target::Id),
        "-" => None,
        p => layer.column(p).map(Target::Property),
    }
}

/// The plan for one file: which column feeds what, what is ignored.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// `(column index, target)`; at most one column per target.
    pub columns: Vec<(usize, Target)>,
    /// Headers that feed nothing.
    pub ignored: Vec<String>,
}

impl Plan {
    pub fn index_of(&self, t: Target) -> Option<usize> {
        self.columns.iter().find(|(_, x)| *x == t).map(|(i, _)| *i)
    }
}

/// Checks a mapping file against the layer; the error names the bad entry.
pub fn check_file(layer: LayerId, file: &MappingFile) -> Result<(), MappingError> {
    for (header, name) in &file.columns {
        if named_target(layer, name).is_none() && name != "-" {
            return Err(MappingError::UnknownTarget { layer, header: header.clone(), name: name.clone() });
        }
    }
    for name in file.values.keys().chain(file.defaults.keys()) {
        if layer.column(name).is_none() {
            return Err(MappingError::UnknownProperty { layer, name: name.clone() });
        }
    }
    Ok(())
}

/// Plans `source` for `layer`; an error when two columns claim the same target.
pub fn plan(layer: LayerId, source: &Source, file: &MappingFile) -> Result<Plan, MappingError> {
    check_file(layer, file)?;
    let mut plan = Plan::default();
    let mut claimed: BTreeMap<String, &str> = BTreeMap::new();
    for (i, h) in source.headers.iter().enumerate() {
        match target(layer, h, file) {
            Some(t) => {
                let key = format!("{t:?}");
                if let Some(first) = claimed.insert(key, h) {
                    return Err(MappingError::SameTarget { first: first.to_owned(), second: h.clone(), target: t });
                }
                plan.columns.push((i, t));
            }
            None if h.is_empty() => {}
            None => plan.ignored.push(h.clone()),
        }
    }
    Ok(plan)
}

/// A target in words, for messages.
pub fn describe(t: Target) -> String {
    match t {
        Target::Lon => "longitude".into(),
        Target::Lat => "latitude".into(),
        Target::X => "x".into(),
        Target::Y => "y".into(),
        Target::Id => "the feature id".into(),
        Target::Property(c) => format!("property `{}` ({})", c.name, c.title_zh),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_and_english_headers_are_recognised() {
        let l = LayerId::HAZARDS;
        let f = MappingFile::default();
        let prop = |h: &str| match target(l, h, &f) {
            Some(Target::Property(c)) => Some(c.name),
            _ => None,
        };
        assert_eq!(prop("名称"), Some("name"));
        assert_eq!(prop("风险等级"), Some("risk_level"));
        assert_eq!(prop("受威胁人数（人）"), Some("threatened_people"));
        assert_eq!(prop("联系电话"), Some("phone"));
        assert_eq!(prop("Risk_Level"), Some("risk_level"));
        assert_eq!(target(l, "经度", &f), Some(Target::Lon));
        assert_eq!(target(l, "北纬", &f), Some(Target::Lat));
        assert_eq!(target(l, "X坐标", &f), Some(Target::X));
        assert_eq!(target(l, "说明文字", &f), None);
        assert_eq!(
            match target(LayerId::SHELTERS, "容纳人数", &f) {
                Some(Target::Property(c)) => c.name,
                _ => "",
            },
            "capacity"
        );
        let file = MappingFile { columns: [("东坐标".to_owned(), "y".to_owned())].into(), ..MappingFile::default() };
        assert_eq!(target(l, "东坐标", &file), Some(Target::Y));
    }

    #[test]
    fn two_columns_for_one_property_are_refused_by_name() {
        let s = Source { headers: vec!["名称".into(), "name".into()], ..Source::default() };
        let e = plan(LayerId::HAZARDS, &s, &MappingFile::default()).unwrap_err();
        assert!(matches!(&e, MappingError::SameTarget { target: Target::Property(c), .. } if c.name == "name"));
        assert!(e.to_string().contains("`名称` and `name`"), "{e}");
        let bad = MappingFile { columns: [("a".to_owned(), "colour".to_owned())].into(), ..MappingFile::default() };
        let e = plan(LayerId::HAZARDS, &s, &bad).unwrap_err();
        assert!(matches!(&e, MappingError::UnknownTarget { name, .. } if name == "colour"), "{e:?}");
        assert!(e.to_string().contains("no property `colour`"));
        let e = MappingFile::from_json(r#"{"colums": {}}"#).unwrap_err();
        assert!(matches!(e, MappingError::Json(_)), "{e:?}");
    }
}
