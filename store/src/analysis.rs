//! "What lies inside this area": the early-warning question across every layer.

use crate::{Result, Store};
use geo::{Buffer, Centroid, Geometry, MapCoords, MultiPolygon};
use onemap_model::registry::rollup;
use onemap_model::{Feature, LayerId, Scope};
use serde_json::{Map, Value};
use std::sync::Arc;

/// Buffers `g` (EPSG:4326 degrees) by `metres`, in a local equirectangular projection centred on
/// the geometry (error well under 1 % for areas up to ~100 km across, away from the poles).
/// Returns the area as a multipolygon in EPSG:4326 degrees. `metres` = 0 keeps polygons as they are.
pub fn buffer_metres(g: &Geometry, metres: f64) -> MultiPolygon {
    let c = g.centroid().map_or((0.0, 0.0), |p| (p.x(), p.y()));
    let cos = onemap_model::geodesy::east_west_scale(c.1);
    let deg_to_m = onemap_model::geodesy::METRES_PER_DEGREE;
    let local = g.map_coords(|p| geo::coord! { x: (p.x - c.0) * deg_to_m * cos, y: (p.y - c.1) * deg_to_m });
    let buffered = if metres > 0.0 {
        local.buffer(metres)
    } else {
        match local {
            Geometry::Polygon(p) => MultiPolygon(vec![p]),
            Geometry::MultiPolygon(mp) => mp,
            other => other.buffer(0.0),
        }
    };
    buffered.map_coords(|p| geo::coord! { x: p.x / (deg_to_m * cos) + c.0, y: p.y / deg_to_m + c.1 })
}

/// Features found in an area, per layer, with the totals a commander reads first.
#[derive(Debug, Clone)]
pub struct WithinReport {
    /// The searched area (after buffering), EPSG:4326 degrees.
    pub area: MultiPolygon,
    pub layers: Vec<(LayerId, Vec<Arc<Feature>>)>,
}

impl WithinReport {
    /// Totals of one layer's features: `count`, then the layer's declared
    /// [`totals`](onemap_model::LayerDef::totals) (people threatened, places free, teams by status …).
    pub fn totals(layer: LayerId, features: &[Arc<Feature>]) -> Map<String, Value> {
        let mut t = Map::new();
        t.insert("count".into(), Value::from(features.len()));
        for r in layer.def().totals {
            let v = rollup::evaluate(layer, r, features.iter().map(|f| &**f));
            t.insert(r.key.into(), v.to_json());
        }
        t
    }
}

/// Everything in `layers` that intersects `area` buffered by `buffer_m` metres, as a caller with
/// `scope` sees it (context layers whole, see [`Scope::on`]).
pub fn within(
    store: &dyn Store,
    area: &Geometry,
    buffer_m: f64,
    layers: &[LayerId],
    scope: &Scope,
) -> Result<WithinReport> {
    let area = buffer_metres(area, buffer_m);
    let g = Geometry::MultiPolygon(area.clone());
    let layers =
        layers.iter().map(|&l| store.intersecting(l, &g, &scope.on(l)).map(|f| (l, f))).collect::<Result<Vec<_>>>()?;
    Ok(WithinReport { area, layers })
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Contains, Point};

    #[test]
    fn a_buffered_point_is_a_circle_of_that_radius() {
        let p = Geometry::Point(Point::new(116.4, 39.9));
        let area = buffer_metres(&p, 1000.0);
        // 1 km north is ~0.008993° of latitude; 1 km east at 39.9° is ~0.011725° of longitude.
        assert!(area.contains(&Point::new(116.4, 39.9 + 0.0089)));
        assert!(!area.contains(&Point::new(116.4, 39.9 + 0.0091)));
        assert!(area.contains(&Point::new(116.4 + 0.0116, 39.9)));
        assert!(!area.contains(&Point::new(116.4 + 0.0119, 39.9)));
    }
}
