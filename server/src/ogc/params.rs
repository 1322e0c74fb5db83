//! Query parameters of the items endpoints, checked into a store [`Query`].

use crate::error::{ApiError, ApiResult};
use chrono::{DateTime, NaiveDate, Utc};
use onemap_model::LayerId;
use onemap_store::{Bbox, Interval, Query};
use std::collections::HashSet;

/// Items returned when `limit` is not given.
pub const DEFAULT_LIMIT: usize = 100;
/// The largest page; a larger `limit` is lowered to this, as OGC API – Features requires.
pub const MAX_LIMIT: usize = 10_000;

const CRS84: &str = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";

/// Parses a raw query string into name/value pairs.
pub fn pairs(raw: Option<&str>) -> ApiResult<Vec<(String, String)>> {
    serde_urlencoded::from_str(raw.unwrap_or(""))
        .map_err(|e| ApiError::bad_request(format!("malformed query string: {e}")))
}

/// Refuses any parameter not in `allowed` (OGC API: unknown parameters are an error).
pub fn only(pairs: &[(String, String)], allowed: &[&str]) -> ApiResult<()> {
    for (k, _) in pairs {
        if !allowed.contains(&k.as_str()) {
            return Err(ApiError::bad_param(
                k,
                format!("unknown query parameter; allowed here: {}", allowed.join(", ")),
            ));
        }
    }
    Ok(())
}

/// `f=json` or nothing; anything else is refused.
pub fn check_format(value: &str) -> ApiResult<()> {
    match value {
        "json" | "geojson" => Ok(()),
        other => Err(ApiError::bad_param("f", format!("unsupported format `{other}`; use json"))),
    }
}

/// Parses `bbox=minLon,minLat,maxLon,maxLat` (CRS84 degrees; 6 numbers with heights are accepted).
pub fn parse_bbox(raw: &str) -> ApiResult<Bbox> {
    let nums: Vec<f64> = raw
        .split(',')
        .map(|s| s.trim().parse::<f64>().ok().filter(|v| v.is_finite()))
        .collect::<Option<_>>()
        .ok_or_else(|| ApiError::bad_param("bbox", format!("`{raw}` is not a list of numbers")))?;
    let b = match nums.as_slice() {
        [a, b, c, d] => [*a, *b, *c, *d],
        [a, b, _, d, e, _] => [*a, *b, *d, *e],
        _ => return Err(ApiError::bad_param("bbox", format!("needs 4 or 6 numbers, got {}", nums.len()))),
    };
    for lon in [b[0], b[2]] {
        if !(-180.0..=180.0).contains(&lon) {
            return Err(ApiError::bad_param("bbox", format!("longitude {lon} outside -180..180")));
        }
    }
    for lat in [b[1], b[3]] {
        if !(-90.0..=90.0).contains(&lat) {
            return Err(ApiError::bad_param("bbox", format!("latitude {lat} outside -90..90")));
        }
    }
    if b[1] > b[3] {
        return Err(ApiError::bad_param("bbox", "the southern edge is north of the northern edge"));
    }
    Ok(b)
}

fn parse_instant(raw: &str, end_of_day: bool) -> ApiResult<Option<DateTime<Utc>>> {
    if raw.is_empty() || raw == ".." {
        return Ok(None);
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(raw) {
        return Ok(Some(t.with_timezone(&Utc)));
    }
    let date = NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .map_err(|_| ApiError::bad_param("datetime", format!("`{raw}` is not an RFC 3339 date-time or a date")))?;
    let t = if end_of_day { date.and_hms_milli_opt(23, 59, 59, 999) } else { date.and_hms_opt(0, 0, 0) };
    Ok(t.map(|t| t.and_utc()))
}

/// Parses `datetime` (an instant, a date, or an interval `a/b` with `..` for an open end).
pub fn parse_datetime(raw: &str) -> ApiResult<Interval> {
    let interval = match raw.split_once('/') {
        Some((a, b)) => Interval { start: parse_instant(a, false)?, end: parse_instant(b, true)? },
        None if raw.contains('T') => {
            let t = parse_instant(raw, false)?;
            Interval { start: t, end: t }
        }
        None => Interval { start: parse_instant(raw, false)?, end: parse_instant(raw, true)? },
    };
    if let (Some(s), Some(e)) = (interval.start, interval.end) {
        if s > e {
            return Err(ApiError::bad_param("datetime", "the interval ends before it starts"));
        }
    }
    Ok(interval)
}

fn parse_usize(name: &str, raw: &str) -> ApiResult<usize> {
    raw.parse::<usize>().map_err(|_| ApiError::bad_param(name, format!("`{raw}` is not a non-negative integer")))
}

/// The store query for `GET /collections/{layer}/items`.
pub fn items_query(layer: LayerId, pairs: &[(String, String)]) -> ApiResult<Query> {
    let mut q = Query { limit: DEFAULT_LIMIT, ..Query::default() };
    let mut seen = HashSet::new();
    for (k, v) in pairs {
        if !seen.insert(k.as_str()) {
            return Err(ApiError::bad_param(k, "given more than once"));
        }
        match k.as_str() {
            "bbox" => q.bbox = Some(parse_bbox(v)?),
            "bbox-crs" if v == CRS84 => {}
            "bbox-crs" => return Err(ApiError::bad_param(k, format!("only {CRS84} is supported"))),
            "limit" => {
                let n = parse_usize(k, v)?;
                if n == 0 {
                    return Err(ApiError::bad_param(k, "must be at least 1"));
                }
                q.limit = n.min(MAX_LIMIT);
            }
            "offset" => q.offset = parse_usize(k, v)?,
            "datetime" => q.updated = Some(parse_datetime(v)?),
            "f" => check_format(v)?,
            name if layer.column(name).is_some() => q.filters.push((k.clone(), v.clone())),
            _ => {
                let mut allowed = vec!["bbox", "bbox-crs", "limit", "offset", "datetime", "f"];
                allowed.extend(layer.columns().iter().map(|c| c.name));
                return Err(ApiError::bad_param(
                    k,
                    format!("unknown query parameter; allowed here: {}", allowed.join(", ")),
                ));
            }
        }
    }
    Ok(q)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bbox_checks() {
        assert_eq!(parse_bbox("1,2,3,4").expect("ok"), [1.0, 2.0, 3.0, 4.0]);
        assert_eq!(parse_bbox("170,-10,-170,10").expect("antimeridian")[0], 170.0);
        assert!(parse_bbox("1,2,3").is_err());
        assert!(parse_bbox("1,95,3,96").is_err());
        assert!(parse_bbox("1,5,3,4").is_err());
        assert!(parse_bbox("a,b,c,d").is_err());
        assert!(parse_bbox("1,2,NaN,4").is_err());
    }

    #[test]
    fn datetime_forms() {
        let i = parse_datetime("2026-01-01/..").expect("ok");
        assert!(i.start.is_some() && i.end.is_none());
        let i = parse_datetime("2026-01-01").expect("ok");
        assert!(i.start < i.end);
        assert!(parse_datetime("2026-02-01/2026-01-01").is_err());
        assert!(parse_datetime("yesterday").is_err());
    }

    #[test]
    fn limit_is_clamped_and_unknowns_refused() {
        let p = |s: &str| pairs(Some(s)).expect("pairs");
        assert_eq!(items_query(LayerId::HAZARDS, &p("limit=50000")).expect("ok").limit, MAX_LIMIT);
        assert!(items_query(LayerId::HAZARDS, &p("limit=0")).is_err());
        assert!(items_query(LayerId::HAZARDS, &p("limit=-1")).is_err());
        let e = items_query(LayerId::HAZARDS, &p("colour=red")).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("colour"));
        let q = items_query(LayerId::HAZARDS, &p("risk_level=major&township=510114001")).expect("ok");
        assert_eq!(q.filters.len(), 2);
        assert!(items_query(LayerId::HAZARDS, &p("limit=1&limit=2")).is_err());
    }
}
