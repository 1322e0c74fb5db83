//! The WebMercatorQuad tile matrix set (OGC Two Dimensional Tile Matrix Set 2.0, JSON) and the
//! OGC API – Tiles conformance classes.

#[allow(unused_imports)]
use crate::error::Exception;
use crate::error::{ApiError, ApiResult};
use crate::ogc::links::{link, BaseUrl, Link, JSON};
use crate::ogc::params;
use axum::extract::{Path, RawQuery};
use axum::Json;
use onemap_tiles::MAX_ZOOM;
use serde::Serialize;

pub const WMQ: &str = "WebMercatorQuad";
pub const WMQ_URI: &str = "http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad";
pub const EPSG_3857: &str = "http://www.opengis.net/def/crs/EPSG/0/3857";

/// OGC API – Tiles and TMS conformance classes this server meets.
pub const CONFORMANCE: &[&str] = &[
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tileset",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tilesets-list",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/geodata-tilesets",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/mvt",
    "http://www.opengis.net/spec/tms/2.0/conf/tilematrixset",
    "http://www.opengis.net/spec/tms/2.0/conf/json-tilematrixset",
];

/// Half the side of the Web-Mercator square, metres.
const HALF: f64 = 20_037_508.342_789_244;

/// A tile matrix set (OGC Two Dimensional Tile Matrix Set 2.0, JSON encoding).
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TileMatrixSet {
    pub id: &'static str,
    pub title: &'static str,
    pub uri: &'static str,
    pub crs: &'static str,
    pub ordered_axes: [&'static str; 2],
    pub well_known_scale_set: &'static str,
    pub tile_matrices: Vec<TileMatrix>,
}

/// One zoom level of a [`TileMatrixSet`]; lengths in EPSG:3857 metres.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TileMatrix {
    pub id: String,
    pub scale_denominator: f64,
    pub cell_size: f64,
    pub corner_of_origin: &'static str,
    pub point_of_origin: [f64; 2],
    pub tile_width: u32,
    pub tile_height: u32,
    pub matrix_width: u64,
    pub matrix_height: u64,
}

/// An entry of `/tileMatrixSets`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TileMatrixSetRef {
    pub id: &'static str,
    pub title: &'static str,
    pub uri: &'static str,
    pub links: Vec<Link>,
}

/// `/tileMatrixSets`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TileMatrixSets {
    pub tile_matrix_sets: Vec<TileMatrixSetRef>,
    pub links: Vec<Link>,
}

const WMQ_TITLE: &str = "Google Maps Compatible for the World";

/// The WebMercatorQuad definition, zooms 0..=24, 256-pixel tiles.
pub fn web_mercator_quad() -> TileMatrixSet {
    let tile_matrices = (0..=MAX_ZOOM)
        .map(|z| {
            let n = 1u64 << z;
            let cell = 2.0 * HALF / 256.0 / n as f64;
            TileMatrix {
                id: z.to_string(),
                scale_denominator: cell / 0.00028,
                cell_size: cell,
                corner_of_origin: "topLeft",
                point_of_origin: [-HALF, HALF],
                tile_width: 256,
                tile_height: 256,
                matrix_width: n,
                matrix_height: n,
            }
        })
        .collect();
    TileMatrixSet {
        id: WMQ,
        title: WMQ_TITLE,
        uri: WMQ_URI,
        crs: EPSG_3857,
        ordered_axes: ["X", "Y"],
        well_known_scale_set: "http://www.opengis.net/def/wkss/OGC/1.0/GoogleMapsCompatible",
        tile_matrices,
    }
}

/// `GET /tileMatrixSets`.
#[utoipa::path(get, path = "/tileMatrixSets", tag = "tiles", params(("f" = Option<String>, Query, description = "json")), responses((status = 200, description = "the tile matrix sets (WebMercatorQuad)", body = TileMatrixSets)))]
pub async fn list(base: BaseUrl, RawQuery(raw): RawQuery) -> ApiResult<Json<TileMatrixSets>> {
    params::only(&params::pairs(raw.as_deref())?, &["f"])?;
    Ok(Json(TileMatrixSets {
        tile_matrix_sets: vec![TileMatrixSetRef {
            id: WMQ,
            title: WMQ_TITLE,
            uri: WMQ_URI,
            links: vec![link(base.at(&format!("/tileMatrixSets/{WMQ}")), "self", JSON, "WebMercatorQuad")],
        }],
        links: vec![link(base.at("/tileMatrixSets"), "self", JSON, "tile matrix sets")],
    }))
}

/// `GET /tileMatrixSets/{id}`.
#[utoipa::path(get, path = "/tileMatrixSets/{tileMatrixSetId}", tag = "tiles", params(("tileMatrixSetId" = String, Path, description = "WebMercatorQuad"), ("f" = Option<String>, Query, description = "json")), responses((status = 200, description = "the tile matrix set", body = TileMatrixSet), (status = 404, description = "no such collection, feature or job", body = Exception)))]
pub async fn one(Path(id): Path<String>, RawQuery(raw): RawQuery) -> ApiResult<Json<TileMatrixSet>> {
    params::only(&params::pairs(raw.as_deref())?, &["f"])?;
    if id != WMQ {
        return Err(ApiError::not_found(format!("no tile matrix set `{id}`; this server has {WMQ}")));
    }
    Ok(Json(web_mercator_quad()))
}
