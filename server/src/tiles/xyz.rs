//! `/tiles/{z}/{x}/{y}.mvt` (every layer), `/tiles/{layers}/{z}/{x}/{y}.mvt` (a chosen set) and
//! their TileJSON 3.0 documents `/tiles.json`, `/tiles/{layers}.json`. Every endpoint takes
//! `township=<admin code>` and property equality filters (`risk_level=major`).

use super::response::tile_response;
use crate::auth::Caller;
#[allow(unused_imports)]
use crate::error::Exception;
use crate::error::{ApiError, ApiResult};
use crate::ogc::links::BaseUrl;
use crate::ogc::params;
use crate::AppState;
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Json;
use onemap_model::LayerId;
use onemap_tiles::tilejson::{tilejson, Bounds, Center, TileJSON};
use onemap_tiles::{parse_layers, TileFilter, TileRequest, MAX_ZOOM};

fn strip_ext<'a>(y: &'a str, ext: &str) -> ApiResult<&'a str> {
    y.strip_suffix(ext)
        .ok_or_else(|| ApiError::not_found(format!("tile paths end in `{ext}` (…/{{z}}/{{x}}/{{y}}{ext})")))
}

/// Parses the filters of a tile request; `f` is not taken here.
/// A caller who does not see personal data cannot filter by it either.
pub fn filter(caller: &Caller, raw: Option<&str>, layers: &[LayerId]) -> ApiResult<TileFilter> {
    let pairs = params::pairs(raw)?;
    personal_filter(caller, &pairs, layers)?;
    Ok(TileFilter::parse(&pairs, layers)?)
}

/// 400 when `caller` does not see personal data and `pairs` filter by a personal property.
pub fn personal_filter(caller: &Caller, pairs: &[(String, String)], layers: &[LayerId]) -> ApiResult<()> {
    let personal = |k: &str| layers.iter().any(|l| l.def().personal.contains(&k));
    match pairs.iter().find(|(k, _)| caller.hides_personal() && personal(k)) {
        Some((k, _)) => Err(ApiError::bad_param(k, "is not a queryable property")),
        None => Ok(()),
    }
}

async fn serve(
    state: &AppState,
    caller: &Caller,
    headers: &HeaderMap,
    layers: Vec<LayerId>,
    coord: onemap_tiles::TileCoord,
    raw: Option<&str>,
) -> ApiResult<Response> {
    let filter = filter(caller, raw, &layers)?;
    let req = TileRequest { coord, layers, filter, scope: caller.scope() };
    let tile = state.tiles.tile(&req).await?;
    Ok(tile_response(headers, &tile, &state.info.tile_cache_control))
}

/// `GET /tiles/{z}/{x}/{y}.mvt`: the composite one-map tile.
#[utoipa::path(get, path = "/tiles/{z}/{x}/{y}", tag = "tiles", params(("z" = u8, Path, description = "zoom 0–24"), ("x" = u32, Path, description = "column"), ("y" = String, Path, description = "row, then .mvt"), ("filters" = Option<String>, Query, description = "property=value pairs of the layers' queryables (risk_level=major), and township=CODE (a prefix)")), responses((status = 200, description = "a Mapbox Vector Tile 2.1", body = crate::tiles::response::MvtTile, content_type = "application/vnd.mapbox-vector-tile"), (status = 204, description = "nothing in the tile"), (status = 304, description = "the client has this tile (If-None-Match)"), (status = 400, description = "a bad parameter or value, named in `field`", body = Exception)))]
pub async fn tile_all(
    State(state): State<AppState>,
    caller: Caller,
    Path((z, x, y)): Path<(String, String, String)>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let coord = super::coord(&z, &x, strip_ext(&y, ".mvt")?)?;
    serve(&state, &caller, &headers, state.store.registry().layers().to_vec(), coord, raw.as_deref()).await
}

/// `GET /tiles/{layers}/{z}/{x}/{y}.mvt`: the chosen layers, comma-separated.
#[utoipa::path(get, path = "/tiles/{layers}/{z}/{x}/{y}", tag = "tiles", params(("layers" = String, Path, description = "comma-separated layer ids"), ("z" = u8, Path, description = "zoom 0–24"), ("x" = u32, Path, description = "column"), ("y" = String, Path, description = "row, then .mvt"), ("filters" = Option<String>, Query, description = "property=value pairs of the layers' queryables (risk_level=major), and township=CODE (a prefix)")), responses((status = 200, description = "a Mapbox Vector Tile 2.1", body = crate::tiles::response::MvtTile, content_type = "application/vnd.mapbox-vector-tile"), (status = 204, description = "nothing in the tile"), (status = 304, description = "the client has this tile (If-None-Match)"), (status = 400, description = "a bad parameter or value, named in `field`", body = Exception)))]
pub async fn tile_some(
    State(state): State<AppState>,
    caller: Caller,
    Path((layers, z, x, y)): Path<(String, String, String, String)>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let layers = parse_layers(state.store.registry(), &layers)?;
    let coord = super::coord(&z, &x, strip_ext(&y, ".mvt")?)?;
    serve(&state, &caller, &headers, layers, coord, raw.as_deref()).await
}

fn tilejson(
    state: &AppState,
    caller: &Caller,
    base: &BaseUrl,
    path: &str,
    layers: &[LayerId],
    raw: Option<&str>,
) -> ApiResult<Json<TileJSON>> {
    let f = filter(caller, raw, layers)?;
    let query = raw.filter(|q| !q.is_empty() && !f.key().is_empty()).map(|q| format!("?{q}")).unwrap_or_default();
    let source = state.tiles.source();
    let vector_layers = source.vector_layers(layers);
    let minzoom = vector_layers.iter().filter_map(|l| l.minzoom).min().unwrap_or(0);
    let b =
        source.bounds(layers, &caller.scope()).unwrap_or([-180.0, -85.051_128_779_806_6, 180.0, 85.051_128_779_806_6]);
    let mut doc = tilejson! {
        tiles: vec![base.at(&format!("{path}/{{z}}/{{x}}/{{y}}.mvt{query}"))],
        vector_layers: vector_layers,
        name: state.info.title.clone(),
        description: format!("onemap vector tiles: {}", layers.iter().map(|l| l.title_zh()).collect::<Vec<_>>().join("、")),
        version: "1.0.0".to_owned(),
        scheme: "xyz".to_owned(),
        minzoom: minzoom,
        maxzoom: MAX_ZOOM,
        bounds: Bounds::new(b[0], b[1], b[2], b[3]),
        center: Center::new((b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0, 10u8.max(minzoom)),
    };
    let demo = state.info.demo.then(|| "演示数据 Demo data generated by onemap".to_owned());
    doc.attribution = state.info.attribution.clone().or(demo);
    Ok(Json(doc))
}

/// `GET /tiles.json`.
#[utoipa::path(get, path = "/tiles.json", tag = "tiles", params(("filters" = Option<String>, Query, description = "property=value pairs of the layers' queryables (risk_level=major), and township=CODE (a prefix)")), responses((status = 200, description = "TileJSON 3.0.0 of the composite one-map tiles", body = Object, content_type = "application/json"), (status = 400, description = "a bad parameter or value, named in `field`", body = Exception)))]
pub async fn tilejson_all(
    State(state): State<AppState>,
    caller: Caller,
    base: BaseUrl,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<TileJSON>> {
    tilejson(&state, &caller, &base, "/tiles", state.store.registry().layers(), raw.as_deref())
}

/// `GET /tiles/{layers}.json`.
#[utoipa::path(get, path = "/tiles/{layers}", tag = "tiles", params(("layers" = String, Path, description = "comma-separated layer ids, then .json"), ("filters" = Option<String>, Query, description = "property=value pairs of the layers' queryables (risk_level=major), and township=CODE (a prefix)")), responses((status = 200, description = "TileJSON 3.0.0 of the chosen layers", body = Object, content_type = "application/json"), (status = 400, description = "a bad parameter or value, named in `field`", body = Exception)))]
pub async fn tilejson_some(
    State(state): State<AppState>,
    caller: Caller,
    base: BaseUrl,
    Path(layers): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<TileJSON>> {
    let list = strip_ext(&layers, ".json")?;
    let parsed = parse_layers(state.store.registry(), list)?;
    tilejson(&state, &caller, &base, &format!("/tiles/{list}"), &parsed, raw.as_deref())
}
