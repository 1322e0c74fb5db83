//! The obfuscated coordinate systems of Chinese web maps: GCJ-02 ("Mars coordinates", used by
//! AMap/Tencent/Google China) and BD-09 (Baidu). Forward transforms follow the published
//! algorithm (the Krasovsky-ellipsoid offset polynomial); the inverses iterate the forward
//! transform until the round trip is below a micro-degree.

use std::f64::consts::PI;

/// Krasovsky 1940 semi-major axis (m) and first eccentricity squared, as the algorithm uses them.
const A: f64 = 6_378_245.0;
const EE: f64 = 0.006_693_421_622_965_943;
const X_PI: f64 = PI * 3000.0 / 180.0;

/// Whether GCJ-02 applies at this WGS84 lon/lat (degrees): outside mainland China's box the
/// offset is not applied, as in the published implementations.
pub fn in_china(lon: f64, lat: f64) -> bool {
    (72.004..=137.8347).contains(&lon) && (0.8293..=55.8271).contains(&lat)
}

fn offset_lat(x: f64, y: f64) -> f64 {
    let mut r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * x.abs().sqrt();
    r += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    r += (20.0 * (y * PI).sin() + 40.0 * (y / 3.0 * PI).sin()) * 2.0 / 3.0;
    r += (160.0 * (y / 12.0 * PI).sin() + 320.0 * (y * PI / 30.0).sin()) * 2.0 / 3.0;
    r
}

fn offset_lon(x: f64, y: f64) -> f64 {
    let mut r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * x.abs().sqrt();
    r += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    r += (20.0 * (x * PI).sin() + 40.0 * (x / 3.0 * PI).sin()) * 2.0 / 3.0;
    r += (150.0 * (x / 12.0 * PI).sin() + 300.0 * (x / 30.0 * PI).sin()) * 2.0 / 3.0;
    r
}

/// WGS84 lon/lat (degrees) → GCJ-02 lon/lat (degrees).
pub fn wgs84_to_gcj02(lon: f64, lat: f64) -> (f64, f64) {
    if !in_china(lon, lat) {
        return (lon, lat);
    }
    let d_lat = offset_lat(lon - 105.0, lat - 35.0);
    let d_lon = offset_lon(lon - 105.0, lat - 35.0);
    let rad_lat = lat / 180.0 * PI;
    let magic = 1.0 - EE * rad_lat.sin().powi(2);
    let sqrt_magic = magic.sqrt();
    let d_lat = (d_lat * 180.0) / ((A * (1.0 - EE)) / (magic * sqrt_magic) * PI);
    let d_lon = (d_lon * 180.0) / (A / sqrt_magic * rad_lat.cos() * PI);
    (lon + d_lon, lat + d_lat)
}

/// Inverts `forward` at `target` by fixed-point iteration (the offsets vary slowly, so each step
/// gains several digits); stops below 1e-10 degrees (~0.01 mm).
fn invert(target: (f64, f64), forward: impl Fn(f64, f64) -> (f64, f64)) -> (f64, f64) {
    let mut p = target;
    for _ in 0..30 {
        let f = forward(p.0, p.1);
        let (dx, dy) = (target.0 - f.0, target.1 - f.1);
        p = (p.0 + dx, p.1 + dy);
        if dx.abs() < 1e-10 && dy.abs() < 1e-10 {
            break;
        }
    }
    p
}

/// GCJ-02 lon/lat (degrees) → WGS84 lon/lat (degrees).
pub fn gcj02_to_wgs84(lon: f64, lat: f64) -> (f64, f64) {
    invert((lon, lat), wgs84_to_gcj02)
}

/// GCJ-02 lon/lat (degrees) → BD-09 lon/lat (degrees).
pub fn gcj02_to_bd09(lon: f64, lat: f64) -> (f64, f64) {
    let z = (lon * lon + lat * lat).sqrt() + 0.00002 * (lat * X_PI).sin();
    let theta = lat.atan2(lon) + 0.000003 * (lon * X_PI).cos();
    (z * theta.cos() + 0.0065, z * theta.sin() + 0.006)
}

/// BD-09 lon/lat (degrees) → GCJ-02 lon/lat (degrees), by iteration on the forward transform.
pub fn bd09_to_gcj02(lon: f64, lat: f64) -> (f64, f64) {
    invert((lon, lat), gcj02_to_bd09)
}

/// WGS84 → BD-09 (degrees).
pub fn wgs84_to_bd09(lon: f64, lat: f64) -> (f64, f64) {
    let (x, y) = wgs84_to_gcj02(lon, lat);
    gcj02_to_bd09(x, y)
}

/// BD-09 → WGS84 (degrees).
pub fn bd09_to_wgs84(lon: f64, lat: f64) -> (f64, f64) {
    let (x, y) = bd09_to_gcj02(lon, lat);
    gcj02_to_wgs84(x, y)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Metres between two lon/lat points (degrees).
    fn metres(a: (f64, f64), b: (f64, f64)) -> f64 {
        onemap_model::geodesy::haversine_m([a.0, a.1], [b.0, b.1])
    }

    #[test]
    fn gcj02_forward_matches_published_reference_values() {
        // The examples in the README of the widely used JavaScript implementation
        // (wandergis/coordtransform), for (116.404, 39.915) in Beijing.
        let (x, y) = wgs84_to_gcj02(116.404, 39.915);
        assert!((x - 116.410_244_499_169_38).abs() < 1e-9 && (y - 39.916_404_281_501_64).abs() < 1e-9, "{x} {y}");
        let (x, y) = gcj02_to_bd09(116.404, 39.915);
        assert!((x - 116.410_369_493_710_29).abs() < 1e-9 && (y - 39.921_336_993_510_21).abs() < 1e-9, "{x} {y}");
        // Outside China nothing moves.
        assert_eq!(wgs84_to_gcj02(14.5, 35.9), (14.5, 35.9));
    }

    #[test]
    fn inverses_round_trip_within_half_a_metre_across_china() {
        let mut worst: f64 = 0.0;
        for i in 0..2_000 {
            let lon = 74.0 + f64::from(i % 50) * 1.2;
            let lat = 18.0 + f64::from(i / 50) * 0.9;
            let w = (lon, lat);
            let g = wgs84_to_gcj02(lon, lat);
            assert!(metres(w, g) < 1_000.0 && metres(w, g) > 1.0, "GCJ-02 offset at {w:?}: {} m", metres(w, g));
            worst = worst.max(metres(w, gcj02_to_wgs84(g.0, g.1)));
            let b = wgs84_to_bd09(lon, lat);
            worst = worst.max(metres(w, bd09_to_wgs84(b.0, b.1)));
        }
        assert!(worst < 0.5, "worst round trip {worst} m");
    }
}
