//! GeoPackage binary geometry (header + ISO WKB), EPSG:4326.

use crate::{Result, StoreError};
use geo::{BoundingRect, Geometry, MultiPolygon};
use geozero::wkb::GpkgWkb;
use geozero::{CoordDimensions, ToGeo, ToWkb};

/// Encodes a geometry as a GeoPackage blob with an XY envelope (none for points).
pub fn encode(g: &Geometry) -> Result<Vec<u8>> {
    let envelope = match g {
        Geometry::Point(_) => Vec::new(),
        _ => g.bounding_rect().map(|r| vec![r.min().x, r.max().x, r.min().y, r.max().y]).unwrap_or_default(),
    };
    g.to_gpkg_wkb(CoordDimensions::xy(), Some(super::schema::SRS_ID), envelope)
        .map_err(|e| StoreError::Corrupt(format!("cannot encode geometry: {e}")))
}

/// Decodes a GeoPackage blob; a polygon is returned as a one-part multipolygon.
pub fn decode(blob: &[u8]) -> Result<Geometry> {
    decode_geo(blob).map_err(|e| StoreError::Corrupt(format!("bad GeoPackage geometry: {e}")))
}

/// [`decode`] with geozero's error.
pub fn decode_geo(blob: &[u8]) -> std::result::Result<Geometry, geozero::error::GeozeroError> {
    Ok(match GpkgWkb(blob).to_geo()? {
        Geometry::Polygon(p) => Geometry::MultiPolygon(MultiPolygon(vec![p])),
        other => other,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{line_string, point, polygon};

    #[test]
    fn round_trips_each_layer_type() {
        let poly = polygon![(x: 1.0, y: 2.0), (x: 3.0, y: 2.0), (x: 3.0, y: 4.0), (x: 1.0, y: 2.0)];
        for g in [
            Geometry::Point(point!(x: 103.25, y: 30.5)),
            Geometry::LineString(line_string![(x: 1.0, y: 2.0), (x: 3.5, y: 4.5)]),
            Geometry::MultiPolygon(MultiPolygon(vec![poly])),
        ] {
            let blob = encode(&g).expect("encode");
            assert_eq!(&blob[..2], b"GP");
            assert_eq!(i32::from_le_bytes([blob[4], blob[5], blob[6], blob[7]]), 4326);
            assert_eq!(decode(&blob).expect("decode"), g);
        }
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(decode(b"GP\0\x01\0\0").is_err());
        assert!(decode(b"").is_err());
    }
}
