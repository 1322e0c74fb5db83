//! Web-Mercator tile math (EPSG:3857 "WebMercatorQuad", XYZ with y = 0 at the north).
//!
//! Geographic inputs are EPSG:4326/4490 longitude/latitude in degrees; "world units" are the
//! Mercator plane scaled to `[0, 1]` in both axes, x east and y south.

use crate::TileError;

/// The deepest zoom served.
pub const MAX_ZOOM: u8 = 24;
/// Latitude limit of the Web-Mercator square, degrees.
pub const MAX_LAT: f64 = 85.051_128_779_806_6;

/// One tile of the WebMercatorQuad matrix set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TileCoord {
    pub z: u8,
    pub x: u32,
    pub y: u32,
}

impl TileCoord {
    /// Checks `z` in `0..=24` and `x`, `y` inside the `2^z × 2^z` matrix; the error names the bad part.
    pub fn new(z: u32, x: u64, y: u64) -> Result<Self, TileError> {
        if z > u32::from(MAX_ZOOM) {
            return Err(TileError::BadCoord(format!("zoom {z} outside 0..={MAX_ZOOM}")));
        }
        let n = 1u64 << z;
        if x >= n {
            return Err(TileError::BadCoord(format!("x (tileCol) {x} outside 0..{n} at zoom {z}")));
        }
        if y >= n {
            return Err(TileError::BadCoord(format!("y (tileRow) {y} outside 0..{n} at zoom {z}")));
        }
        // n ≤ 2^24, so x and y fit in u32.
        Ok(TileCoord { z: z as u8, x: x as u32, y: y as u32 })
    }

    /// Number of tiles along one axis at this zoom.
    pub fn matrix_size(self) -> f64 {
        f64::from(1u32 << self.z)
    }

    /// The tile's bounds in world units `[min_x, min_y, max_x, max_y]` (y grows south).
    pub fn world_bounds(self) -> [f64; 4] {
        let n = self.matrix_size();
        [f64::from(self.x) / n, f64::from(self.y) / n, f64::from(self.x + 1) / n, f64::from(self.y + 1) / n]
    }

    /// The tile's bounds in EPSG:4326 degrees `[min_lon, min_lat, max_lon, max_lat]`,
    /// grown by `buffer` tile units of `extent` on every side.
    pub fn lonlat_bounds(self, buffer: u32, extent: u32) -> [f64; 4] {
        let [x0, y0, x1, y1] = self.world_bounds();
        let pad = f64::from(buffer) / f64::from(extent) / self.matrix_size();
        let (w, n) = world_to_lonlat(x0 - pad, y0 - pad);
        let (e, s) = world_to_lonlat(x1 + pad, y1 + pad);
        [w.max(-180.0), s, e.min(180.0), n]
    }

    /// The parent tile one zoom up, if any.
    pub fn parent(self) -> Option<TileCoord> {
        (self.z > 0).then(|| TileCoord { z: self.z - 1, x: self.x / 2, y: self.y / 2 })
    }
}

impl std::fmt::Display for TileCoord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}/{}", self.z, self.x, self.y)
    }
}

/// EPSG:4326 degrees → world units (x east, y south, both in `[0, 1]`); latitude clamped to ±85.05°.
pub fn lonlat_to_world(lon: f64, lat: f64) -> (f64, f64) {
    let x = (lon + 180.0) / 360.0;
    let lat = lat.clamp(-MAX_LAT, MAX_LAT).to_radians();
    let y = (1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0;
    (x, y)
}

/// World units → EPSG:4326 degrees.
pub fn world_to_lonlat(x: f64, y: f64) -> (f64, f64) {
    let lon = x * 360.0 - 180.0;
    let lat = (std::f64::consts::PI * (1.0 - 2.0 * y)).sinh().atan().to_degrees();
    (lon, lat)
}

/// The tiles at zoom `z` that a box in EPSG:4326 degrees touches, grown by `buffer` of `extent`,
/// as inclusive ranges `(x0..=x1, y0..=y1)`.
pub fn tile_range(bbox: [f64; 4], z: u8, buffer: u32, extent: u32) -> (u32, u32, u32, u32) {
    let n = f64::from(1u32 << z);
    let pad = f64::from(buffer) / f64::from(extent);
    let (x0, y0) = lonlat_to_world(bbox[0], bbox[3]);
    let (x1, y1) = lonlat_to_world(bbox[2], bbox[1]);
    let max = (1u32 << z) - 1;
    let clamp = |v: f64| (v.floor().max(0.0) as u32).min(max);
    (clamp(x0 * n - pad), clamp(x1 * n + pad), clamp(y0 * n - pad), clamp(y1 * n + pad))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_coordinates_outside_the_matrix() {
        assert!(TileCoord::new(25, 0, 0).is_err());
        assert!(TileCoord::new(3, 8, 0).unwrap_err().to_string().contains("x (tileCol) 8 outside 0..8"));
        assert!(TileCoord::new(3, 0, 8).is_err());
        assert_eq!(TileCoord::new(24, (1 << 24) - 1, 0).map(|t| t.z).ok(), Some(24));
    }

    #[test]
    fn projection_round_trips_and_matches_known_tiles() {
        for (lon, lat) in [(0.0, 0.0), (116.39, 39.9), (-70.5, -33.4), (179.9, 85.0)] {
            let (x, y) = lonlat_to_world(lon, lat);
            let (lon2, lat2) = world_to_lonlat(x, y);
            assert!((lon - lon2).abs() < 1e-9 && (lat - lat2).abs() < 1e-9, "{lon},{lat}");
        }
        // Beijing's Tiananmen at z10 is tile 843/388 (any XYZ calculator).
        let (x, y) = lonlat_to_world(116.3975, 39.9087);
        assert_eq!(((x * 1024.0) as u32, (y * 1024.0) as u32), (843, 388));
        let b = TileCoord { z: 1, x: 1, y: 0 }.lonlat_bounds(0, 4096);
        assert!(
            (b[0] - 0.0).abs() < 1e-9
                && (b[2] - 180.0).abs() < 1e-9
                && (b[3] - MAX_LAT).abs() < 1e-6
                && b[1].abs() < 1e-9
        );
    }

    #[test]
    fn tile_range_covers_the_box_and_its_buffer() {
        let t = TileCoord { z: 12, x: 3300, y: 1700 };
        let b = t.lonlat_bounds(0, 4096);
        let inner = [b[0] + 1e-6, b[1] + 1e-6, b[2] - 1e-6, b[3] - 1e-6];
        assert_eq!(tile_range(inner, 12, 0, 4096), (3300, 3300, 1700, 1700));
        assert_eq!(tile_range(inner, 12, 64, 4096), (3299, 3301, 1699, 1701));
        assert_eq!(tile_range(inner, 11, 0, 4096), (1650, 1650, 850, 850));
    }
}
