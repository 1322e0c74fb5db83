//! What can be reached: isochrones from a point, and the coverage of the road network from a
//! place layer (reach time from the nearest source to every road and village). Positions are
//! WGS84 lon/lat degrees; times milliseconds unless a name says otherwise.

use crate::{PlaceLayer, Result, RoutingService};
use geo::InteriorPoint;
use onemap_model::{AdminLevel, LayerId, Properties, Scope};
use onemap_routing::coverage::EdgeReach;
use onemap_routing::dijkstra::UNREACHED;
use onemap_routing::isochrone::Isochrone;
use onemap_routing::route::DEFAULT_SNAP_M;
use onemap_routing::Profile;

/// Isochrones and where they start (the snapped position).
#[derive(Debug, Clone)]
pub struct Isochrones {
    pub start: [f64; 2],
    pub bands: Vec<Isochrone>,
}

/// A village the sources do not reach within the threshold.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct VillageBeyond {
    pub code: String,
    pub name: String,
    pub population: Option<i64>,
    /// Minutes to reach it; `None` when it cannot be reached.
    pub minutes: Option<f64>,
}

/// The coverage of the road network from one place layer, summed up.
#[derive(Debug, Clone)]
pub struct CoverageSummary {
    pub sources: usize,
    pub sources_off_the_network: usize,
    pub road_km: f64,
    pub road_km_beyond: f64,
    pub road_km_unreachable: f64,
    pub villages_within: usize,
    pub villages_beyond: Vec<VillageBeyond>,
    pub computed_ms: u64,
}

/// One road's reach times, for a coverage tile.
#[derive(Debug, Clone)]
pub struct RoadReach {
    /// The road-graph edge.
    pub edge: u32,
    /// Its shape, WGS84 lon/lat degrees.
    pub shape: Vec<[f64; 2]>,
    pub reach: EdgeReach,
}

fn minutes_of(ms: u64) -> Option<f64> {
    (ms != UNREACHED).then(|| (ms as f64 / 6_000.0).round() / 10.0)
}

impl RoutingService {
    /// The areas reachable from `at` (snapped within `snap_m` metres) within each of
    /// `limits_min` minutes on `profile`. Seconds of CPU on a large network: call it off async threads.
    pub fn isochrones(&self, at: [f64; 2], limits_min: &[f64], profile: Profile, snap_m: f64) -> Result<Isochrones> {
        self.refresh()?;
        let net = self.engine.network(profile)?;
        let from = net.snap("the position", at[0], at[1], snap_m)?;
        let limits_s: Vec<f64> = limits_min.iter().map(|m| m * 60.0).collect();
        Ok(Isochrones { start: from.point, bands: net.isochrones(&from, &limits_s) })
    }

    /// The reach time from the nearest place of `from` a caller with `scope` sees to every road
    /// and to the villages in its scope, against `threshold_ms`: km of road and villages beyond
    /// it (the "golden ten minutes" gaps).
    pub fn coverage_summary(
        &self,
        scope: &Scope,
        from: PlaceLayer,
        profile: Profile,
        threshold_ms: u64,
    ) -> Result<CoverageSummary> {
        self.refresh()?;
        let started = std::time::Instant::now();
        let net = self.engine.network(profile)?;
        let (idx, cov) = self.coverage(from, net, scope)?;
        let (mut km, mut km_beyond, mut km_never) = (0.0, 0.0, 0.0);
        for e in net.edges() {
            let len = net.graph.edges[e as usize].length_m / 1000.0;
            let r = net.edge_reach(&cov, e, threshold_ms);
            km += len;
            km_beyond += len * r.beyond;
            if r.best_ms == UNREACHED {
                km_never += len;
            }
        }
        let q = onemap_store::Query {
            limit: usize::MAX,
            any_order: true,
            filters: vec![("level".into(), AdminLevel::Village.as_str().into())],
            ..Default::default()
        };
        let villages = self.store()?.query(LayerId::ADMIN_AREAS, &q, scope)?;
        let mut beyond = Vec::new();
        let mut within = 0usize;
        for f in &villages.features {
            let Properties::AdminArea(a) = &f.properties else { continue };
            let Some(pt) = f.geometry.interior_point() else { continue };
            let reach = net.snap("a village", pt.x(), pt.y(), DEFAULT_SNAP_M).ok().and_then(|s| net.reach_of(&cov, &s));
            match reach {
                Some(ms) if ms <= threshold_ms => within += 1,
                _ => beyond.push(VillageBeyond {
                    code: a.code.clone(),
                    name: a.name.clone(),
                    population: a.population,
                    minutes: reach.and_then(minutes_of),
                }),
            }
        }
        Ok(CoverageSummary {
            sources: idx.snaps.iter().flatten().count(),
            sources_off_the_network: idx.unsnapped(),
            road_km: km,
            road_km_beyond: km_beyond,
            road_km_unreachable: km_never,
            villages_within: within,
            villages_beyond: beyond,
            computed_ms: started.elapsed().as_millis() as u64,
        })
    }

    /// The reach times of the roads of `profile` in `bbox` (`[w, s, e, n]`, WGS84 degrees) from
    /// the nearest place of `from` a caller with `scope` sees, against `threshold_ms`.
    pub fn coverage_roads(
        &self,
        scope: &Scope,
        from: PlaceLayer,
        profile: Profile,
        threshold_ms: u64,
        bbox: [f64; 4],
    ) -> Result<Vec<RoadReach>> {
        self.refresh()?;
        let net = self.engine.network(profile)?;
        let (_, cov) = self.coverage(from, net, scope)?;
        Ok(self
            .engine
            .edges
            .in_box(bbox)
            .into_iter()
            .filter(|&e| net.has_edge(e))
            .map(|e| RoadReach {
                edge: e,
                shape: net.graph.edge_shape(&net.graph.edges[e as usize]).to_vec(),
                reach: net.edge_reach(&cov, e, threshold_ms),
            })
            .collect())
    }
}
