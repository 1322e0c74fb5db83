//! Metres and degrees on the ground, in one place: great-circle distances and the local
//! degree ↔ metre scale that routing, closures, buffers and snapping use. Positions are WGS84 /
//! CGCS2000 lon/lat degrees; distances are metres on a sphere of the mean Earth radius (the error
//! against the ellipsoid is under 0.5 %).

/// Mean Earth radius in metres (IUGG), as geo's `Haversine` uses it.
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// Metres per degree of latitude (and of longitude at the equator) on that sphere.
pub const METRES_PER_DEGREE: f64 = EARTH_RADIUS_M * std::f64::consts::PI / 180.0;

/// Great-circle distance in metres between two lon/lat points (degrees).
pub fn haversine_m(a: [f64; 2], b: [f64; 2]) -> f64 {
    let (la1, la2) = (a[1].to_radians(), b[1].to_radians());
    let dla = la2 - la1;
    let dlo = (b[0] - a[0]).to_radians();
    let h = (dla / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlo / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
}

/// How much shorter a degree of longitude is than a degree of latitude at `lat` degrees:
/// cos(latitude), taken at 89° at most so that it never reaches 0.
pub fn east_west_scale(lat: f64) -> f64 {
    lat.abs().min(89.0).to_radians().cos()
}

/// Degrees of latitude spanning `metres` north–south.
pub fn degrees_lat(metres: f64) -> f64 {
    metres / METRES_PER_DEGREE
}

/// Degrees of longitude spanning `metres` east–west at latitude `lat` (degrees).
pub fn degrees_lon(metres: f64, lat: f64) -> f64 {
    degrees_lat(metres) / east_west_scale(lat)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_degree_and_a_known_distance() {
        assert!((METRES_PER_DEGREE - 111_195.08).abs() < 0.01);
        // Beijing → Shanghai, about 1,067 km on the sphere.
        let d = haversine_m([116.4074, 39.9042], [121.4737, 31.2304]);
        assert!((1_060_000.0..1_075_000.0).contains(&d), "{d}");
        assert!((degrees_lon(1000.0, 60.0) - 2.0 * degrees_lat(1000.0)).abs() < 1e-9);
        assert!(east_west_scale(90.0) > 0.0);
    }
}
