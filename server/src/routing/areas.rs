//! Areas by travel time: `/routing/isochrone` and `/routing/coverage` (summary and the
//! `reach_time` tile layer).

use super::answers::{BandProps, Collection, CoverageAnswer, Feature, IsochroneMeta};
use super::engine;
use super::params::{check_keys, minutes, number, position, profile, round1, Params};
use crate::auth::Caller;
#[allow(unused_imports)]
use crate::error::Exception;
use crate::error::{ApiError, ApiResult};
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use geo::GeodesicArea;
use onemap_model::geometry::geometry_to_geojson;
use onemap_model::Registry;
use onemap_routing::dijkstra::UNREACHED;
use onemap_routing::route::DEFAULT_SNAP_M;
use onemap_routing::Profile;
use onemap_routing_service::PlaceLayer;
use onemap_tiles::encode::{encode, tile_bytes, AttrValue, LayerBuilder, TileFrame};
use onemap_tiles::{CachedTile, TileCoord};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The longest isochrone or coverage threshold, minutes.
pub const MAX_MINUTES: f64 = 120.0;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(isochrone)).routes(routes!(coverage)).routes(routes!(coverage_tile))
}

/// `GET /routing/isochrone?at=lon,lat&minutes=3,5,10&profile=foot`: one MultiPolygon per limit
/// (WGS84 degrees) holding every junction reached within it, with its area in km².
#[utoipa::path(get, path = "/routing/isochrone", tag = "routing", params(("at" = String, Query, description = "the start: lon,lat in WGS84 degrees"), ("minutes" = Option<String>, Query, description = "limits in minutes, comma-separated (default 3,5,10)"), ("profile" = Option<String>, Query, description = "foot (evacuees), car or rescue (emergency vehicles); default foot"), ("snap_m" = Option<f64>, Query, description = "largest distance to the nearest usable road, metres (1–5000, default 500)")), responses((status = 200, description = "one MultiPolygon per limit", body = Object, content_type = "application/geo+json"), (status = 400, description = "a bad parameter or value, named in `field`", body = Exception), (status = 422, description = "the request cannot be answered on this road network (far from roads, unreachable)", body = Exception), (status = 503, description = "no road network is loaded", body = Exception)))]
async fn isochrone(State(state): State<AppState>, Query(p): Query<Params>) -> ApiResult<Response> {
    check_keys(&p, &["at", "minutes", "profile", "snap_m"])?;
    let at = position(&p, "at")?;
    let profile = profile(&p, Profile::Foot)?;
    let limits = minutes(&p, "minutes", "3,5,10", MAX_MINUTES, 6)?;
    let snap_m = number(&p, "snap_m", DEFAULT_SNAP_M, 1.0, 5_000.0)?;
    let rs = engine(&state)?;
    // Seconds on a large network: off the async threads.
    let iso = {
        let rs = std::sync::Arc::clone(&rs);
        crate::blocking(move || rs.isochrones(at, &limits, profile, snap_m)).await??
    };
    let features = iso
        .bands
        .iter()
        .map(|b| {
            let area = geo::Geometry::MultiPolygon(b.area.clone());
            let props = BandProps {
                minutes: b.limit_s / 60.0,
                profile: profile.as_str(),
                junctions_reached: b.nodes,
                area_km2: (b.area.geodesic_area_unsigned() / 1e4).round() / 100.0,
            };
            Feature::new(None, geometry_to_geojson(&area), props)
        })
        .collect();
    let meta = IsochroneMeta { start: iso.start, roads: &rs.engine.source };
    Ok(Json(Collection::new(features, meta)).into_response())
}

struct CoverageArgs {
    from: PlaceLayer,
    profile: Profile,
    threshold_ms: u64,
}

fn coverage_args(registry: &Registry, p: &Params) -> ApiResult<CoverageArgs> {
    check_keys(p, &["from", "minutes", "profile"])?;
    let known = PlaceLayer::names(registry);
    let raw = p.get("from").ok_or_else(|| ApiError::bad_param("from", format!("is required: one of {known}")))?;
    let from = PlaceLayer::parse(registry, raw)
        .ok_or_else(|| ApiError::bad_param("from", format!("`{raw}` is unknown; use one of {known}")))?;
    let profile = profile(p, from.default_profile())?;
    let m = number(p, "minutes", 10.0f64, 0.5, MAX_MINUTES)?;
    Ok(CoverageArgs { from, profile, threshold_ms: (m * 60_000.0).round() as u64 })
}

/// `GET /routing/coverage?from=teams|shelters|depots&minutes=10&profile=`: the reach time from the
/// nearest source to every road, summed up: km of road and villages beyond the threshold (the
/// "golden ten minutes" gaps); the tiles at `/routing/coverage/{z}/{x}/{y}` draw it.
#[utoipa::path(get, path = "/routing/coverage", tag = "routing", params(("from" = String, Query, description = "the layer of the sources: a place layer (teams count when on standby)"), ("minutes" = Option<f64>, Query, description = "the threshold (default 10)"), ("profile" = Option<String>, Query, description = "foot (evacuees), car or rescue (emergency vehicles); default by layer")), responses((status = 200, description = "km of road and villages beyond the threshold, and the tile URL", body = Object, content_type = "application/json"), (status = 400, description = "a bad parameter or value, named in `field`", body = Exception), (status = 503, description = "no road network is loaded", body = Exception)))]
async fn coverage(State(state): State<AppState>, caller: Caller, Query(p): Query<Params>) -> ApiResult<Response> {
    let args = coverage_args(state.store.registry(), &p)?;
    let rs = engine(&state)?;
    let c = {
        let (rs, scope) = (std::sync::Arc::clone(&rs), caller.scope());
        crate::blocking(move || rs.coverage_summary(&scope, args.from, args.profile, args.threshold_ms)).await??
    };
    let minutes = args.threshold_ms as f64 / 60_000.0;
    let from = p.get("from").map_or("", String::as_str);
    let answer = CoverageAnswer {
        from,
        profile: args.profile.as_str(),
        minutes,
        sources: c.sources,
        sources_off_the_network: c.sources_off_the_network,
        road_km: round1(c.road_km),
        road_km_beyond: round1(c.road_km_beyond),
        road_km_unreachable: round1(c.road_km_unreachable),
        share_beyond: (c.road_km_beyond / c.road_km.max(1e-9) * 1000.0).round() / 1000.0,
        villages_within: c.villages_within,
        villages_beyond: &c.villages_beyond,
        tiles: format!(
            "/routing/coverage/{{z}}/{{x}}/{{y}}.mvt?from={from}&minutes={minutes}&profile={}",
            args.profile.as_str()
        ),
        computed_ms: c.computed_ms,
        roads: &rs.engine.source,
    };
    Ok(Json(answer).into_response())
}

/// `GET /routing/coverage/{z}/{x}/{y}.mvt?from=…&minutes=…&profile=…`: the `reach_time` layer,
/// one line per road with `reach_s` (its least reachable point; absent where unreachable),
/// `best_s`, `beyond` (any part later than the threshold) and `minutes` (the threshold).
#[utoipa::path(get, path = "/routing/coverage/{z}/{x}/{y}", tag = "routing", params(("z" = u8, Path, description = "zoom 0–24"), ("x" = u32, Path, description = "column"), ("y" = String, Path, description = "row, then .mvt"), ("from" = String, Query, description = "the layer of the sources: a place layer (teams count when on standby)"), ("minutes" = Option<f64>, Query, description = "the threshold (default 10)"), ("profile" = Option<String>, Query, description = "foot (evacuees), car or rescue (emergency vehicles); default by layer")), responses((status = 200, description = "a Mapbox Vector Tile 2.1", body = crate::tiles::response::MvtTile, content_type = "application/vnd.mapbox-vector-tile"), (status = 204, description = "nothing in the tile"), (status = 304, description = "the client has this tile (If-None-Match)"), (status = 400, description = "a bad parameter or value, named in `field`", body = Exception), (status = 503, description = "no road network is loaded", body = Exception)))]
async fn coverage_tile(
    State(state): State<AppState>,
    caller: Caller,
    Path((z, x, y)): Path<(u32, u64, String)>,
    Query(p): Query<Params>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let y: u64 = y
        .strip_suffix(".mvt")
        .unwrap_or(&y)
        .parse()
        .map_err(|_| ApiError::bad_param("y", format!("`{y}` is not a tile row")))?;
    let tile = TileCoord::new(z, x, y).map_err(|e| ApiError::bad_request(e.to_string()))?;
    let args = coverage_args(state.store.registry(), &p)?;
    let rs = engine(&state)?;
    let roads = {
        let (rs, bbox, scope) = (std::sync::Arc::clone(&rs), tile.lonlat_bounds(64, 4096), caller.scope());
        crate::blocking(move || rs.coverage_roads(&scope, args.from, args.profile, args.threshold_ms, bbox)).await??
    };
    let frame = TileFrame { tile, extent: 4096, buffer: 64, tolerance: 1.0 };
    let mut layer = LayerBuilder::new("reach_time", 4096);
    let minutes = args.threshold_ms as f64 / 60_000.0;
    for road in roads {
        let coords: Vec<geo::Coord> = road.shape.iter().map(|c| geo::Coord { x: c[0], y: c[1] }).collect();
        let Some(g) = encode(&geo::Geometry::LineString(geo::LineString::new(coords)), &frame) else { continue };
        let r = road.reach;
        let mut attrs: Vec<(&'static str, AttrValue)> =
            vec![("beyond", AttrValue::Bool(r.beyond > 0.0)), ("minutes", AttrValue::Float(minutes))];
        if r.worst_ms != UNREACHED {
            attrs.push(("reach_s", AttrValue::Float(round1(r.worst_ms as f64 / 1000.0))));
        }
        if r.best_ms != UNREACHED {
            attrs.push(("best_s", AttrValue::Float(round1(r.best_ms as f64 / 1000.0))));
        }
        layer.add(Some(u64::from(road.edge)), g, attrs);
    }
    let bytes = if layer.is_empty() { Vec::new() } else { tile_bytes(vec![layer.finish()]) };
    Ok(crate::tiles::response::tile_response(&headers, &CachedTile::new(bytes), "no-cache"))
}
