//! Row geometries: built from coordinate columns or taken from the file, transformed to
//! WGS84/CGCS2000 lon/lat degrees, checked against the layer's geometry type and the declared
//! area, and repaired where that is safe (resolving self-intersections; geo closes open rings).

use crate::crs::Crs;
use geo::algorithm::sweep::Intersections;
use geo::{
    BooleanOps, BoundingRect, Coord, Geometry, Line, LineIntersection, LineString, MapCoords, MultiPolygon, Polygon,
};
use onemap_model::geometry::{geometry_from_geojson, geometry_to_geojson};
use onemap_model::{GeometryKind, ValidationError};

/// A geometry ready to store, and the repair made to it, if any.
pub struct Checked {
    pub geometry: Geometry<f64>,
    pub repaired: Option<String>,
}

/// Why a row's geometry cannot be stored. The texts are what the report shows.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GeometryError {
    #[error("polygon has no area (every ring is degenerate)")]
    AllRingsDegenerate,
    /// Self-intersections resolved to nothing.
    #[error("polygon has no area")]
    NoArea,
    #[error("coordinates are not finite numbers")]
    NotFinite,
    #[error("lon/lat {lon:.6}, {lat:.6} outside -180..180, -90..90")]
    OutOfRange { lon: f64, lat: f64 },
    /// Not the layer's geometry type, or not a valid one of it (the model says which).
    #[error("{}", .0.message)]
    Invalid(ValidationError),
    /// Outside the declared area `[min_lon, min_lat, max_lon, max_lat]`; `at` is the geometry's centre.
    #[error(
        "lies outside the declared area {:.4},{:.4},{:.4},{:.4} (at {:.6}, {:.6})",
        .area[0], .area[1], .area[2], .area[3], .at.0, .at.1
    )]
    OutsideArea { area: [f64; 4], at: (f64, f64) },
}

/// Transforms `g` from `crs` to lon/lat degrees.
pub fn to_lonlat(g: &Geometry<f64>, crs: &Crs) -> Geometry<f64> {
    if matches!(crs, Crs::Wgs84 | Crs::Cgcs2000) {
        return g.clone();
    }
    g.map_coords(|c| {
        let (x, y) = crs.to_lonlat(c.x, c.y);
        Coord { x, y }
    })
}

/// Whether every point lies on one line (or there are fewer than 3 distinct points): a ring
/// without area. (A signed area of 0 is not enough: a bow-tie's two halves cancel.)
fn collinear(pts: &[Coord<f64>]) -> bool {
    let Some(&a) = pts.first() else { return true };
    let Some(&b) = pts.iter().find(|p| **p != a) else { return true };
    pts.iter().all(|p| (b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x) == 0.0)
}

/// Where two ring segments of `mp` cross or overlap (a bow-tie, a spike, rings through each
/// other), if anywhere: what needs repair. Segments meeting at a shared vertex are fine. A sweep,
/// O((n + k) log n): geo's `is_valid` is quadratic per ring, minutes on a 100,000-vertex boundary.
pub fn rings_cross(mp: &MultiPolygon<f64>) -> Option<Coord<f64>> {
    let segs: Vec<Line<f64>> =
        mp.0.iter()
            .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
            .flat_map(|ls| ls.lines().filter(|l| l.start != l.end))
            .collect();
    Intersections::from_iter(segs).find_map(|(_, _, x)| match x {
        LineIntersection::SinglePoint { is_proper: true, intersection } => Some(intersection),
        LineIntersection::SinglePoint { .. } => None,
        LineIntersection::Collinear { intersection } => Some(intersection.start),
    })
}

/// Checks a lon/lat geometry for a layer of `kind` inside `area`; repairs invalid polygons.
pub fn check(g: Geometry<f64>, kind: GeometryKind, area: Option<[f64; 4]>) -> Result<Checked, GeometryError> {
    let mut repaired = None;
    // One-part multi geometries (Shapefile polylines, KML MultiGeometry) of a single-geometry layer.
    let g = match (g, kind) {
        (Geometry::MultiLineString(mut m), GeometryKind::LineString) if m.0.len() == 1 => {
            Geometry::LineString(m.0.remove(0))
        }
        (Geometry::MultiPoint(m), GeometryKind::Point) if m.0.len() == 1 => Geometry::Point(m.0[0]),
        (g, _) => g,
    };
    // Rings without area (fewer than 4 positions, or all on a line) are dropped, and said so.
    let g = match g {
        Geometry::Polygon(p) => Geometry::MultiPolygon(MultiPolygon(vec![p])),
        g => g,
    };
    let g = match g {
        Geometry::MultiPolygon(mp) if kind == GeometryKind::MultiPolygon => {
            let flat = |r: &LineString<f64>| r.0.len() < 4 || collinear(&r.0);
            let mut dropped = 0;
            let mut kept = Vec::with_capacity(mp.0.len());
            for p in mp.0 {
                let (ext, holes) = p.into_inner();
                if flat(&ext) {
                    dropped += 1 + holes.len();
                    continue;
                }
                let before = holes.len();
                let holes: Vec<_> = holes.into_iter().filter(|h| !flat(h)).collect();
                dropped += before - holes.len();
                kept.push(Polygon::new(ext, holes));
            }
            if kept.is_empty() {
                return Err(GeometryError::AllRingsDegenerate);
            }
            if dropped > 0 {
                repaired = Some(format!("dropped {dropped} degenerate ring(s) without area"));
            }
            Geometry::MultiPolygon(MultiPolygon(kept))
        }
        g => g,
    };
    let g = match (g, kind) {
        (Geometry::Point(p), GeometryKind::Point) => {
            let (lon, lat) = (p.x(), p.y());
            if !lon.is_finite() || !lat.is_finite() {
                return Err(GeometryError::NotFinite);
            }
            if !(-180.0..=180.0).contains(&lon) || !(-90.0..=90.0).contains(&lat) {
                return Err(GeometryError::OutOfRange { lon, lat });
            }
            Geometry::Point(p)
        }
        (g, kind) => {
            let g = geometry_from_geojson(&geometry_to_geojson(&g), kind).map_err(GeometryError::Invalid)?;
            let crossing = match &g {
                Geometry::MultiPolygon(mp) => rings_cross(mp),
                _ => None,
            };
            match (g, crossing) {
                (Geometry::MultiPolygon(mp), Some(at)) => {
                    let fixed = mp.union(&MultiPolygon::new(Vec::new()));
                    if fixed.0.is_empty() {
                        return Err(GeometryError::NoArea);
                    }
                    let note = format!(
                        "invalid polygon repaired by resolving self-intersections (rings cross at {:.6}, {:.6})",
                        at.x, at.y
                    );
                    repaired = Some(match repaired {
                        Some(r) => format!("{r}; {note}"),
                        None => note,
                    });
                    Geometry::MultiPolygon(fixed)
                }
                (g, _) => g,
            }
        }
    };
    if let (Some(a), Some(r)) = (area, g.bounding_rect()) {
        let inside = r.min().x >= a[0] && r.min().y >= a[1] && r.max().x <= a[2] && r.max().y <= a[3];
        if !inside {
            let c = r.center();
            return Err(GeometryError::OutsideArea { area: a, at: (c.x, c.y) });
        }
    }
    Ok(Checked { geometry: g, repaired })
}

/// The area a CRS can describe: mainland China and its seas for the Chinese systems, a zone's
/// strip (±1° of slack) for Gauss–Krüger; `None` for worldwide systems.
pub fn crs_area(crs: &Crs) -> Option<[f64; 4]> {
    match crs {
        Crs::Gcj02 | Crs::Bd09 => Some([72.0, 0.8, 137.9, 55.9]),
        Crs::GaussKruger(z) => {
            let half = f64::from(z.width) / 2.0 + 1.0;
            let cm = f64::from(z.central_meridian);
            Some([cm - half, 0.0, cm + half, 56.0])
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{polygon, Point};

    #[test]
    fn a_bow_tie_is_repaired_and_said_so() {
        let bow = Geometry::Polygon(
            polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 1.0), (x: 1.0, y: 0.0), (x: 0.0, y: 1.0), (x: 0.0, y: 0.0)],
        );
        let c = check(bow, GeometryKind::MultiPolygon, None).expect("repaired");
        assert!(c.repaired.as_deref().unwrap_or("").contains("self-intersections"));
        assert!(geo::Validation::is_valid(&c.geometry));
        let e = check(Geometry::Point(Point::new(200.0, 1.0)), GeometryKind::Point, None).err();
        assert_eq!(e, Some(GeometryError::OutOfRange { lon: 200.0, lat: 1.0 }));
        assert!(e.map(|e| e.to_string()).unwrap_or_default().contains("outside -180..180"));
        let e = check(Geometry::Point(Point::new(14.5, 35.9)), GeometryKind::Point, Some([73.0, 3.0, 136.0, 54.0]))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("outside the declared area"), "{e}");
        let e = check(Geometry::Point(Point::new(14.5, 35.9)), GeometryKind::MultiPolygon, None).err();
        assert!(matches!(&e, Some(GeometryError::Invalid(v)) if v.message.contains("takes")), "{e:?}");
    }
}
