//! Query parameters and JSON pieces shared by the routing handlers.

use crate::error::{ApiError, ApiResult};
use onemap_routing::Profile;
use serde_json::Value;
use std::collections::HashMap;

pub type Params = HashMap<String, String>;

/// A 400 naming the first parameter not in `allowed`.
pub fn check_keys(p: &Params, allowed: &[&str]) -> ApiResult<()> {
    match p.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => Err(ApiError::bad_param(k, format!("unknown parameter; expected {}", allowed.join(", ")))),
        None => Ok(()),
    }
}

/// `lon,lat` in WGS84 degrees.
pub fn lonlat(name: &str, v: &str) -> ApiResult<[f64; 2]> {
    let parts: Vec<f64> = v
        .split(',')
        .map(|s| s.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| ApiError::bad_param(name, format!("`{v}` is not lon,lat in degrees")))?;
    match parts[..] {
        [lon, lat]
            if lon.is_finite()
                && lat.is_finite()
                && (-180.0..=180.0).contains(&lon)
                && (-90.0..=90.0).contains(&lat) =>
        {
            Ok([lon, lat])
        }
        _ => Err(ApiError::bad_param(name, format!("`{v}` is not lon,lat with lon in -180..180 and lat in -90..90"))),
    }
}

/// The required parameter `name` as `lon,lat` in WGS84 degrees.
pub fn position(p: &Params, name: &str) -> ApiResult<[f64; 2]> {
    let v = p.get(name).ok_or_else(|| ApiError::bad_param(name, "is required (lon,lat in WGS84 degrees)"))?;
    lonlat(name, v)
}

/// A `[lon, lat]` JSON array in WGS84 degrees.
pub fn json_lonlat(field: &str, v: Option<&Value>) -> ApiResult<[f64; 2]> {
    let arr =
        v.and_then(Value::as_array).ok_or_else(|| ApiError::bad_param(field, "must be [lon, lat] in WGS84 degrees"))?;
    match arr.iter().map(Value::as_f64).collect::<Option<Vec<f64>>>().as_deref() {
        Some(&[lon, lat]) if (-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat) => Ok([lon, lat]),
        _ => Err(ApiError::bad_param(field, "must be [lon, lat] with lon in -180..180 and lat in -90..90")),
    }
}

pub fn parse_profile(name: &str, v: &str) -> ApiResult<Profile> {
    Profile::parse(v).ok_or_else(|| ApiError::bad_param(name, format!("`{v}` is unknown; use foot, car or rescue")))
}

pub fn profile(p: &Params, default: Profile) -> ApiResult<Profile> {
    p.get("profile").map_or(Ok(default), |v| parse_profile("profile", v))
}

/// The number parameter `name` within `lo..=hi`, or `default` when absent.
pub fn number<T: std::str::FromStr + PartialOrd + std::fmt::Display + Copy>(
    p: &Params,
    name: &str,
    default: T,
    lo: T,
    hi: T,
) -> ApiResult<T> {
    match p.get(name) {
        None => Ok(default),
        Some(v) => v
            .trim()
            .parse::<T>()
            .ok()
            .filter(|n| *n >= lo && *n <= hi)
            .ok_or_else(|| ApiError::bad_param(name, format!("`{v}` is not a number in {lo}..={hi}"))),
    }
}

/// A comma-separated list of minutes, each in `0 < m ≤ max`, at most `most` of them.
pub fn minutes(p: &Params, name: &str, default: &str, max: f64, most: usize) -> ApiResult<Vec<f64>> {
    let raw = p.get(name).map_or(default, String::as_str);
    let list: Vec<f64> = raw
        .split(',')
        .map(|s| s.trim().parse::<f64>().ok().filter(|m| m.is_finite() && *m > 0.0 && *m <= max))
        .collect::<Option<_>>()
        .ok_or_else(|| ApiError::bad_param(name, format!("`{raw}` is not a list of minutes, each in 0..{max}")))?;
    if list.is_empty() || list.len() > most {
        return Err(ApiError::bad_param(name, format!("give 1 to {most} values")));
    }
    Ok(list)
}

pub fn round7(v: f64) -> f64 {
    (v * 1e7).round() / 1e7
}

pub fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}
