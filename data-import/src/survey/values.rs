//! Cell values to property values: numbers with separators and units, Chinese yes/no, dates as
//! Excel and Chinese offices write them, enum values by name or Chinese label, coordinates in
//! decimal degrees or degrees-minutes-seconds. Every error says what was expected.

use crate::survey::source::RawValue;
use chrono::NaiveDate;
use onemap_model::{Column, ColumnType};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Why a cell is not a value of its column. The texts are what the report shows.
#[derive(Debug, thiserror::Error)]
pub enum ValueError {
    /// A numeric cell holding infinity or NaN.
    #[error("`{0}` is not a finite number")]
    NotFinite(f64),
    /// A yes/no or empty cell where a number belongs.
    #[error("is not a number")]
    NumberExpected,
    #[error("`{0}` is not a number")]
    NotANumber(String),
    #[error("`{0}` is not a whole number")]
    NotWhole(String),
    #[error("`{0}` is not yes/no (是/否, true/false, 1/0)")]
    NotYesNo(String),
    /// An Excel day number past the calendar's end.
    #[error("`{0}` is not a date")]
    DayOutOfRange(f64),
    #[error("`{0}` is not a date (YYYY-MM-DD)")]
    NotADate(String),
    /// Not one of an enum column's values; `names` and `labels` are its values and Chinese labels.
    #[error("`{value}` is not one of {}", choices(.names, .labels))]
    NotInVocabulary { value: String, names: &'static [&'static str], labels: &'static [&'static str] },
    #[error("inventory JSON: {0}")]
    InventoryJson(#[source] serde_json::Error),
    #[error("inventory entry `{0}` is not item:quantity")]
    InventoryEntry(String),
    #[error("inventory `{item}`: {source}")]
    InventoryQuantity {
        item: String,
        #[source]
        source: Box<ValueError>,
    },
    /// An empty coordinate cell.
    #[error("is empty")]
    Empty,
    #[error("`{0}` is not a coordinate")]
    NotACoordinate(String),
    /// Neither decimal degrees nor degrees-minutes-seconds.
    #[error("`{0}` is not a coordinate (decimal degrees or 度分秒)")]
    NotDms(String),
}

/// An enum's choices as the report lists them: `重大/major, 较大/large, …` (the name alone
/// where there is no label).
fn choices(names: &[&str], labels: &[&str]) -> String {
    let each = names.iter().enumerate().map(|(i, n)| match labels.get(i) {
        Some(l) => format!("{l}/{n}"),
        None => (*n).to_owned(),
    });
    each.collect::<Vec<_>>().join(", ")
}

/// A number from a cell: `1,234`, `1 234`, `300人` (a trailing unit in Chinese is dropped).
pub fn number(v: &RawValue) -> Result<f64, ValueError> {
    let text = match v {
        RawValue::Number(n) => return if n.is_finite() { Ok(*n) } else { Err(ValueError::NotFinite(*n)) },
        RawValue::Bool(_) | RawValue::Empty => return Err(ValueError::NumberExpected),
        RawValue::Text(t) => t.trim(),
    };
    let cleaned: String = text
        .trim_end_matches(|c: char| !c.is_ascii() && !c.is_numeric())
        .chars()
        .filter(|c| !matches!(c, ',' | '，' | ' ' | '\u{3000}'))
        .collect();
    match cleaned.parse::<f64>() {
        Ok(n) if n.is_finite() => Ok(n),
        _ => Err(ValueError::NotANumber(text.to_owned())),
    }
}

fn integer(v: &RawValue) -> Result<i64, ValueError> {
    let n = number(v)?;
    if n.fract() != 0.0 || n.abs() > 9.0e15 {
        return Err(ValueError::NotWhole(v.text().unwrap_or_default()));
    }
    Ok(n as i64)
}

fn boolean(v: &RawValue) -> Result<bool, ValueError> {
    if let RawValue::Bool(b) = v {
        return Ok(*b);
    }
    let t = v.text().unwrap_or_default();
    match t.to_lowercase().as_str() {
        "是" | "有" | "开放" | "已开放" | "true" | "yes" | "y" | "1" | "√" | "t" => Ok(true),
        "否" | "无" | "关闭" | "未开放" | "false" | "no" | "n" | "0" | "×" | "f" => Ok(false),
        _ => Err(ValueError::NotYesNo(t)),
    }
}

/// A date: `2024-05-01`, `2024/5/1`, `2024.5.1`, `20240501`, `2024年5月1日`, or an Excel day number.
pub fn date(v: &RawValue) -> Result<NaiveDate, ValueError> {
    if let RawValue::Number(n) = v {
        // Excel's serial day (1900 date system; day 60 is the phantom 29 Feb 1900).
        if (1.0..2_958_466.0).contains(n) && n.fract() == 0.0 && *n > 20_000.0 {
            let base = NaiveDate::from_ymd_opt(1899, 12, 30).expect("base date");
            return base.checked_add_days(chrono::Days::new(*n as u64)).ok_or(ValueError::DayOutOfRange(*n));
        }
    }
    let t = v.text().unwrap_or_default();
    let unified: String = t
        .trim()
        .trim_end_matches('日')
        .chars()
        .map(|c| if matches!(c, '/' | '.' | '年' | '月') { '-' } else { c })
        .collect();
    let unified = unified.split(['T', ' ']).next().unwrap_or("").to_owned();
    NaiveDate::parse_from_str(&unified, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(&unified, "%Y%m%d"))
        .map_err(|_| ValueError::NotADate(t))
}

/// An enum value by name, Chinese label, a mapping-file value, or a label inside the text
/// (`重大风险` → major; the longest label wins).
fn enum_value(c: &Column, t: &str, file_values: Option<&BTreeMap<String, String>>) -> Result<String, ValueError> {
    let names = c.enum_values.unwrap_or(&[]);
    let labels = c.enum_labels_zh.unwrap_or(&[]);
    if let Some(mapped) = file_values.and_then(|m| m.get(t)) {
        return Ok(mapped.clone());
    }
    let lower = t.to_lowercase().replace([' ', '-'], "_");
    if let Some(n) = names.iter().find(|n| **n == lower) {
        return Ok((*n).to_owned());
    }
    if let Some(i) = labels.iter().position(|l| *l == t) {
        return Ok(names[i].to_owned());
    }
    let inside = labels.iter().enumerate().filter(|(_, l)| t.contains(**l)).max_by_key(|(_, l)| l.chars().count());
    if let Some((i, _)) = inside {
        return Ok(names[i].to_owned());
    }
    Err(ValueError::NotInVocabulary { value: t.to_owned(), names, labels })
}

/// Inventory text: JSON (`{"帐篷": 100}`) or `item:qty` pairs separated by `;`/`；`/`,`/`、`.
fn inventory(t: &str) -> Result<Value, ValueError> {
    if t.trim_start().starts_with('{') {
        return serde_json::from_str(t).map_err(ValueError::InventoryJson);
    }
    let mut out = serde_json::Map::new();
    for part in t.split([';', '；', ',', '，', '、']).map(str::trim).filter(|p| !p.is_empty()) {
        let (item, qty) = part.split_once([':', '：']).ok_or_else(|| ValueError::InventoryEntry(part.to_owned()))?;
        let q = integer(&RawValue::Text(qty.to_owned()))
            .map_err(|e| ValueError::InventoryQuantity { item: item.to_owned(), source: Box::new(e) })?;
        out.insert(item.trim().to_owned(), json!(q));
    }
    Ok(Value::Object(out))
}

/// The JSON property value of a cell for column `c`; `Ok(None)` for an empty cell.
pub fn property(
    c: &Column,
    v: &RawValue,
    file_values: Option<&BTreeMap<String, String>>,
) -> Result<Option<Value>, ValueError> {
    let Some(text) = v.text() else { return Ok(None) };
    if c.enum_values.is_some() {
        return enum_value(c, &text, file_values).map(|s| Some(json!(s)));
    }
    if let Some(mapped) = file_values.and_then(|m| m.get(&text)) {
        return Ok(Some(json!(mapped)));
    }
    Ok(Some(match c.ty {
        ColumnType::Text => json!(text),
        ColumnType::Integer => json!(integer(v)?),
        ColumnType::Real => json!(number(v)?),
        ColumnType::Boolean => json!(boolean(v)?),
        ColumnType::Date => json!(date(v)?.format("%Y-%m-%d").to_string()),
        ColumnType::DateTime => json!(text),
        ColumnType::Json => inventory(&text)?,
    }))
}

/// A coordinate: decimal (`104.06`), or degrees-minutes-seconds (`104°3′30.5″E`, `104度3分30.5秒`,
/// `30 39 12.6 N`); S and W (南纬/西经) make it negative.
pub fn coordinate(v: &RawValue) -> Result<f64, ValueError> {
    if let Ok(n) = number(v) {
        return Ok(n);
    }
    let t = v.text().ok_or(ValueError::Empty)?;
    let negative = t.contains(['S', 'W', 's', 'w']) || t.contains("南纬") || t.contains("西经");
    let parts: Vec<f64> = t
        .split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .filter(|p| !p.is_empty())
        .map(|p| p.parse::<f64>().map_err(|_| ValueError::NotACoordinate(t.clone())))
        .collect::<Result<_, _>>()?;
    if parts.is_empty() || parts.len() > 3 || parts[1..].iter().any(|p| *p >= 60.0) {
        return Err(ValueError::NotDms(t));
    }
    let deg = parts[0] + parts.get(1).unwrap_or(&0.0) / 60.0 + parts.get(2).unwrap_or(&0.0) / 3600.0;
    Ok(if negative { -deg } else { deg })
}

#[cfg(test)]
mod tests {
    use super::*;
    use onemap_model::LayerId;

    fn t(s: &str) -> RawValue {
        RawValue::Text(s.into())
    }

    /// [`property`] with the error as the report shows it.
    fn property(c: &Column, v: &RawValue, m: Option<&BTreeMap<String, String>>) -> Result<Option<Value>, String> {
        super::property(c, v, m).map_err(|e| e.to_string())
    }

    #[test]
    fn cells_become_typed_values() {
        let hz = |n: &str| LayerId::HAZARDS.column(n).expect(n);
        assert_eq!(property(hz("risk_level"), &t("重大"), None), Ok(Some(json!("major"))));
        assert_eq!(property(hz("risk_level"), &t("较大风险"), None), Ok(Some(json!("large"))));
        assert_eq!(property(hz("risk_level"), &t("General"), None), Ok(Some(json!("general"))));
        assert!(property(hz("risk_level"), &t("红色"), None).unwrap_err().contains("重大/major"));
        let m: BTreeMap<String, String> = [("红色".to_owned(), "major".to_owned())].into();
        assert_eq!(property(hz("risk_level"), &t("红色"), Some(&m)), Ok(Some(json!("major"))));
        assert_eq!(property(hz("threatened_people"), &t("1,200人"), None), Ok(Some(json!(1200))));
        assert!(property(hz("threatened_people"), &t("12.5"), None).unwrap_err().contains("whole number"));
        assert!(property(hz("threatened_people"), &t("NaN"), None).unwrap_err().contains("not a number"));
        assert_eq!(property(hz("last_inspected"), &t("2024年5月1日"), None), Ok(Some(json!("2024-05-01"))));
        assert_eq!(property(hz("last_inspected"), &RawValue::Number(45413.0), None), Ok(Some(json!("2024-05-01"))));
        assert_eq!(property(hz("name"), &RawValue::Empty, None), Ok(None));
        let sh = |n: &str| LayerId::SHELTERS.column(n).expect(n);
        assert_eq!(property(sh("open"), &t("是"), None), Ok(Some(json!(true))));
        let dp = LayerId::DEPOTS.column("inventory").expect("inventory");
        assert_eq!(property(dp, &t("帐篷:100；棉被：200"), None), Ok(Some(json!({"帐篷": 100, "棉被": 200}))));
    }

    #[test]
    fn a_caller_can_tell_the_kinds_apart() {
        let hz = |n: &str| LayerId::HAZARDS.column(n).expect(n);
        let e = super::property(hz("risk_level"), &t("红色"), None).expect_err("not a risk level");
        let ValueError::NotInVocabulary { value, names, .. } = &e else { panic!("{e:?}") };
        assert_eq!((value.as_str(), names.first()), ("红色", Some(&"major")));
        assert!(matches!(super::property(hz("threatened_people"), &t("12.5"), None), Err(ValueError::NotWhole(_))));
        let dp = LayerId::DEPOTS.column("inventory").expect("inventory");
        let e = super::property(dp, &t("帐篷:很多"), None).expect_err("not a quantity");
        assert!(
            matches!(&e, ValueError::InventoryQuantity { item, source } if item == "帐篷" && matches!(**source, ValueError::NotANumber(_)))
        );
        assert_eq!(e.to_string(), "inventory `帐篷`: `很多` is not a number");
        assert!(matches!(super::property(dp, &t("{bad"), None), Err(ValueError::InventoryJson(_))));
        assert!(matches!(coordinate(&RawValue::Empty), Err(ValueError::Empty)));
        assert_eq!(
            coordinate(&t("104°75′")).map_err(|e| e.to_string()),
            Err("`104°75′` is not a coordinate (decimal degrees or 度分秒)".into())
        );
        assert_eq!(choices(&["a", "b"], &["甲"]), "甲/a, b", "a value without a Chinese label is listed by name");
    }

    #[test]
    fn coordinates_in_decimal_and_dms() {
        assert_eq!(coordinate(&t("104.5")).ok(), Some(104.5));
        assert!((coordinate(&t("104°30′36″E")).unwrap_or(0.0) - 104.51).abs() < 1e-9);
        assert!((coordinate(&t("30度15分")).unwrap_or(0.0) - 30.25).abs() < 1e-9);
        assert!((coordinate(&t("33 52 10.5 S")).unwrap_or(0.0) + 33.869_583_333).abs() < 1e-6);
        assert!(coordinate(&t("东边")).is_err());
        assert!(coordinate(&t("104°75′")).is_err());
    }
}
