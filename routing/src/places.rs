//! Destinations on the network (shelters, depots, teams): snapped once, searched by travel time.

use crate::network::Network;
use crate::route::{Leg, Route};
use crate::snap::Snap;
use onemap_model::geodesy::{east_west_scale, METRES_PER_DEGREE};
use rstar::primitives::GeomWithData;
use rstar::RTree;

/// A destination: an id, a WGS84 lon/lat position (degrees) and how many people it can still take.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    pub id: String,
    pub name: String,
    pub position: [f64; 2],
    /// Free places (persons); teams and depots use `i64::MAX`.
    pub free: i64,
}

/// Places snapped to one network, with an R-tree of their snapped points for crow-fly order.
pub struct PlaceIndex {
    pub places: Vec<Place>,
    /// The snap of each place (`None`: farther than the snap limit from any usable road).
    pub snaps: Vec<Option<Snap>>,
    tree: RTree<GeomWithData<[f64; 2], usize>>,
    /// `cos` of the latitude the tree's longitudes are scaled by.
    k: f64,
    /// The largest |latitude| of a snapped place, degrees.
    abs_lat_max: f64,
}

/// One answer of [`Network::nearest_places`].
#[derive(Debug, Clone)]
pub struct Reached {
    /// Index into [`PlaceIndex::places`].
    pub place: usize,
    pub route: Route,
}

impl PlaceIndex {
    /// Snaps every place to `net` within `snap_m` metres.
    pub fn build(net: &Network, places: Vec<Place>, snap_m: f64) -> PlaceIndex {
        let snaps: Vec<Option<Snap>> =
            places.iter().map(|p| net.snap("a place", p.position[0], p.position[1], snap_m).ok()).collect();
        let mean = places.iter().map(|p| p.position[1]).sum::<f64>() / places.len().max(1) as f64;
        let k = east_west_scale(mean);
        let pts = snaps
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.map(|s| GeomWithData::new([s.point[0] * k, s.point[1]], i)))
            .collect();
        let abs_lat_max = snaps.iter().flatten().map(|s| s.point[1].abs()).fold(0.0, f64::max);
        PlaceIndex { places, snaps, tree: RTree::bulk_load(pts), k, abs_lat_max }
    }

    /// Places that could not be snapped.
    pub fn unsnapped(&self) -> usize {
        self.snaps.iter().filter(|s| s.is_none()).count()
    }
}

impl Network {
    /// The `k` places with at least `need` free places that are fastest to reach from `from`,
    /// fastest first, with their routes. Exact: candidates are taken in crow-fly order and the
    /// search stops when the remaining candidates' straight distance at the network's top speed
    /// cannot beat the k-th.
    pub fn nearest_places(&self, idx: &PlaceIndex, from: &Snap, k: usize, need: i64) -> Vec<Reached> {
        self.fastest(idx, from, k, need, false)
    }

    /// The `k` places from which `at` is fastest to reach (teams driving to an incident),
    /// fastest first, with their routes from the place to `at`; exact as [`Network::nearest_places`].
    pub fn fastest_to(&self, idx: &PlaceIndex, at: &Snap, k: usize) -> Vec<Reached> {
        self.fastest(idx, at, k, i64::MIN, true)
    }

    fn fastest(&self, idx: &PlaceIndex, from: &Snap, k: usize, need: i64, toward: bool) -> Vec<Reached> {
        if k == 0 {
            return Vec::new();
        }
        let closed = self.closed();
        // The k fastest so far: (milliseconds, place, how to draw it); routes are drawn for
        // the winners only.
        let mut best: Vec<(u64, usize, Leg)> = Vec::new();
        let q = [from.point[0] * idx.k, from.point[1]];
        // Candidates come in order of their distance in the tree's scaled degrees; metres on the
        // ground are at least that distance × this (east–west shrinks with cos(latitude), least
        // at the highest latitude involved; 2 % margin for the flat approximation).
        let cos_min = east_west_scale(idx.abs_lat_max.max(from.point[1].abs()));
        let metres_per_unit = METRES_PER_DEGREE * (cos_min / idx.k).min(1.0) * 0.98;
        for cand in idx.tree.nearest_neighbor_iter(&q) {
            let i = cand.data;
            if idx.places[i].free < need {
                continue;
            }
            let Some(to) = idx.snaps[i] else { continue };
            if best.len() == k {
                // Every later candidate is at least this far: none can beat the k-th.
                let p = cand.geom();
                let planar = ((p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2)).sqrt();
                let bound_ms = planar * metres_per_unit / self.top_speed_mps() * 1000.0;
                if bound_ms >= best[k - 1].0 as f64 {
                    break;
                }
            }
            let leg = if toward { self.leg_between(&to, from, &closed) } else { self.leg_between(from, &to, &closed) };
            if let Some((ms, leg)) = leg {
                let pos = best.partition_point(|b| b.0 <= ms);
                if pos < k {
                    best.insert(pos, (ms, i, leg));
                    best.truncate(k);
                }
            }
        }
        best.into_iter()
            .filter_map(|(_, i, leg)| {
                let to = idx.snaps[i]?;
                let route = if toward {
                    self.build_route(&to, from, leg, &closed)
                } else {
                    self.build_route(from, &to, leg, &closed)
                }?;
                Some(Reached { place: i, route })
            })
            .collect()
    }
}
