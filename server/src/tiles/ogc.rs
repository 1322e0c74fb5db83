//! OGC API – Tiles for each collection: the tileset list, the WebMercatorQuad tileset metadata and
//! the tiles `/collections/{id}/tiles/WebMercatorQuad/{tileMatrix}/{tileRow}/{tileCol}`.

use super::matrix::{EPSG_3857, WMQ, WMQ_URI};
use super::response::{tile_response, MVT};
use crate::auth::Caller;
#[allow(unused_imports)]
use crate::error::Exception;
use crate::error::{ApiError, ApiResult};
use crate::ogc::links::{link, BaseUrl, Link, JSON};
use crate::ogc::{layer, params, queryables_for, CRS84};
use crate::AppState;
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Json;
use onemap_model::{GeometryKind, LayerId};
use onemap_tiles::{TileFilter, TileRequest};
use serde::Serialize;
use serde_json::Value;

fn check_tms(tms: &str) -> ApiResult<()> {
    if tms == WMQ {
        Ok(())
    } else {
        Err(ApiError::not_found(format!("no tiling scheme `{tms}`; this collection is tiled in {WMQ}")))
    }
}

/// A tileset of a collection (OGC API – Tiles), with its layer when described in full.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Tileset {
    pub title: String,
    pub data_type: &'static str,
    pub crs: &'static str,
    #[serde(rename = "tileMatrixSetURI")]
    pub tile_matrix_set_uri: &'static str,
    pub links: Vec<Link>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layers: Option<Vec<TilesetLayer>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bounding_box: Option<BoundingBox>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_tile_matrix: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_tile_matrix: Option<String>,
}

/// The one layer of a collection's tileset.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TilesetLayer {
    pub id: String,
    pub title: &'static str,
    pub data_type: &'static str,
    pub geometry_dimension: &'static str,
    pub min_tile_matrix: String,
    pub max_tile_matrix: String,
    /// The layer's queryables, as JSON Schema.
    #[schema(value_type = Object)]
    pub properties_schema: Value,
}

/// A box in CRS84 degrees.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BoundingBox {
    pub lower_left: [f64; 2],
    pub upper_right: [f64; 2],
    pub crs: &'static str,
}

/// `/collections/{id}/tiles`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Tilesets {
    pub tilesets: Vec<Tileset>,
    pub links: Vec<Link>,
}

fn tileset_summary(base: &BaseUrl, l: LayerId) -> Tileset {
    let id = l.as_str();
    Tileset {
        title: format!("{} {} ({WMQ})", l.title_zh(), l.title()),
        data_type: "vector",
        crs: EPSG_3857,
        tile_matrix_set_uri: WMQ_URI,
        links: vec![
            link(base.at(&format!("/collections/{id}/tiles/{WMQ}")), "self", JSON, "tileset"),
            link(
                base.at(&format!("/tileMatrixSets/{WMQ}")),
                "http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme",
                JSON,
                WMQ,
            ),
        ],
        layers: None,
        bounding_box: None,
        min_tile_matrix: None,
        max_tile_matrix: None,
    }
}

/// `GET /collections/{id}/tiles`.
#[utoipa::path(get, path = "/collections/{collectionId}/tiles", tag = "tiles", params(("collectionId" = String, Path, description = "the layer (collection) id, as /collections lists them"), ("f" = Option<String>, Query, description = "json")), responses((status = 200, description = "the layer's tilesets", body = Tilesets), (status = 404, description = "no such collection, feature or job", body = Exception)))]
pub async fn tilesets(
    State(state): State<AppState>,
    base: BaseUrl,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<Tilesets>> {
    let l = layer(&state, &id)?;
    params::only(&params::pairs(raw.as_deref())?, &["f"])?;
    Ok(Json(Tilesets {
        tilesets: vec![tileset_summary(&base, l)],
        links: vec![
            link(base.at(&format!("/collections/{id}/tiles")), "self", JSON, "tilesets"),
            link(base.at(&format!("/collections/{id}")), "collection", JSON, "the collection"),
        ],
    }))
}

fn geometry_dimension(l: LayerId) -> &'static str {
    match l.geometry_kind() {
        GeometryKind::Point => "points",
        GeometryKind::LineString => "curves",
        _ => "surfaces",
    }
}

/// `GET /collections/{id}/tiles/WebMercatorQuad`.
#[utoipa::path(get, path = "/collections/{collectionId}/tiles/{tileMatrixSetId}", tag = "tiles", params(("collectionId" = String, Path, description = "the layer (collection) id, as /collections lists them"), ("tileMatrixSetId" = String, Path, description = "WebMercatorQuad"), ("f" = Option<String>, Query, description = "json")), responses((status = 200, description = "the tileset metadata", body = Tileset), (status = 404, description = "no such collection, feature or job", body = Exception)))]
pub async fn tileset(
    State(state): State<AppState>,
    caller: Caller,
    base: BaseUrl,
    Path((id, tms)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<Tileset>> {
    let l = layer(&state, &id)?;
    check_tms(&tms)?;
    params::only(&params::pairs(raw.as_deref())?, &["f"])?;
    let t = &l.def().tiles;
    let e = state.store.summary(l, &caller.reads(l)).extent.unwrap_or([-180.0, -85.05, 180.0, 85.05]);
    let mut doc = tileset_summary(&base, l);
    doc.layers = Some(vec![TilesetLayer {
        id: id.clone(),
        title: l.title_zh(),
        data_type: "vector",
        geometry_dimension: geometry_dimension(l),
        min_tile_matrix: t.minzoom.to_string(),
        max_tile_matrix: t.maxzoom.to_string(),
        properties_schema: queryables_for(&caller, &base, l),
    }]);
    doc.bounding_box = Some(BoundingBox { lower_left: [e[0], e[1]], upper_right: [e[2], e[3]], crs: CRS84 });
    doc.min_tile_matrix = Some(t.minzoom.to_string());
    doc.max_tile_matrix = Some(t.maxzoom.to_string());
    let template = format!("/collections/{id}/tiles/{WMQ}/{{tileMatrix}}/{{tileRow}}/{{tileCol}}");
    let item = Link { templated: Some(true), ..link(base.at(&template), "item", MVT, "a vector tile") };
    doc.links.push(item);
    doc.links.push(link(base.at(&format!("/collections/{id}")), "collection", JSON, "the collection"));
    Ok(Json(doc))
}

/// `GET /collections/{id}/tiles/WebMercatorQuad/{tileMatrix}/{tileRow}/{tileCol}`.
#[utoipa::path(get, path = "/collections/{collectionId}/tiles/{tileMatrixSetId}/{tileMatrix}/{tileRow}/{tileCol}", tag = "tiles", params(("collectionId" = String, Path, description = "the layer (collection) id, as /collections lists them"), ("tileMatrixSetId" = String, Path, description = "WebMercatorQuad"), ("tileMatrix" = u8, Path, description = "zoom"), ("tileRow" = u32, Path, description = "row"), ("tileCol" = u32, Path, description = "column"), ("filters" = Option<String>, Query, description = "property=value pairs of the layers' queryables (risk_level=major), and township=CODE (a prefix)")), responses((status = 200, description = "a Mapbox Vector Tile 2.1", body = crate::tiles::response::MvtTile, content_type = "application/vnd.mapbox-vector-tile"), (status = 204, description = "nothing in the tile"), (status = 304, description = "the client has this tile (If-None-Match)"), (status = 400, description = "a bad parameter or value, named in `field`", body = Exception), (status = 404, description = "no such collection, feature or job", body = Exception)))]
pub async fn tile(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, tms, z, row, col)): Path<(String, String, String, String, String)>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let l = layer(&state, &id)?;
    check_tms(&tms)?;
    let coord = super::coord(&z, &col, &row)?;
    let mut pairs = params::pairs(raw.as_deref())?;
    if let Some(pos) = pairs.iter().position(|(k, _)| k == "f") {
        let (_, v) = pairs.remove(pos);
        if v != "mvt" {
            return Err(ApiError::bad_param("f", format!("unsupported format `{v}`; tiles are mvt")));
        }
    }
    super::xyz::personal_filter(&caller, &pairs, &[l])?;
    let filter = TileFilter::parse(&pairs, &[l])?;
    let req = TileRequest { coord, layers: vec![l], filter, scope: caller.scope() };
    let tile = state.tiles.tile(&req).await?;
    Ok(tile_response(&headers, &tile, &state.info.tile_cache_control))
}
