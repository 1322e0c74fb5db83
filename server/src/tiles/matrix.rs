//! The WebMercatorQuad tile matrix set (OGC Two Dimensional Tile Matrix Set 2.0, JSON) and the
//! OGC API – Tiles conformance classes.

#[allow(unused_imports)]
use crate::error::Exception;
use crate::error::{ApiError, ApiResult};
use crate::ogc::links::{link, BaseUrl, JSON};
use crate::ogc::params;
use axum::extract::{Path, RawQuery};
use axum::Json;
use onemap_tiles::MAX_ZOOM;
use serde_json::{json, Value};

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

/// The WebMercatorQuad definition, zooms 0..=24, 256-pixel tiles.
pub fn web_mercator_quad() -> Value {
    let matrices: Vec<Value> = (0..=MAX_ZOOM)
        .map(|z| {
            let n = 1u64 << z;
            let cell = 2.0 * HALF / 256.0 / n as f64;
            json!({
                "id": z.to_string(),
                "scaleDenominator": cell / 0.00028,
                "cellSize": cell,
                "cornerOfOrigin": "topLeft",
                "pointOfOrigin": [-HALF, HALF],
                "tileWidth": 256,
                "tileHeight": 256,
                "matrixWidth": n,
                "matrixHeight": n,
            })
        })
        .collect();
    json!({
        "id": WMQ,
        "title": "Google Maps Compatible for the World",
        "uri": WMQ_URI,
        "crs": EPSG_3857,
        "orderedAxes": ["X", "Y"],
        "wellKnownScaleSet": "http://www.opengis.net/def/wkss/OGC/1.0/GoogleMapsCompatible",
        "tileMatrices": matrices,
    })
}

/// `GET /tileMatrixSets`.
#[utoipa::path(get, path = "/tileMatrixSets", tag = "tiles", params(("f" = Option<String>, Query, description = "json")), responses((status = 200, description = "the tile matrix sets (WebMercatorQuad)", body = Object, content_type = "application/json")))]
pub async fn list(base: BaseUrl, RawQuery(raw): RawQuery) -> ApiResult<Json<Value>> {
    params::only(&params::pairs(raw.as_deref())?, &["f"])?;
    Ok(Json(json!({
        "tileMatrixSets": [{
            "id": WMQ,
            "title": "Google Maps Compatible for the World",
            "uri": WMQ_URI,
            "links": [link(base.at(&format!("/tileMatrixSets/{WMQ}")), "self", JSON, "WebMercatorQuad")],
        }],
        "links": [link(base.at("/tileMatrixSets"), "self", JSON, "tile matrix sets")],
    })))
}

/// `GET /tileMatrixSets/{id}`.
#[utoipa::path(get, path = "/tileMatrixSets/{tileMatrixSetId}", tag = "tiles", params(("tileMatrixSetId" = String, Path, description = "WebMercatorQuad"), ("f" = Option<String>, Query, description = "json")), responses((status = 200, description = "the tile matrix set", body = Object, content_type = "application/json"), (status = 404, description = "no such collection, feature or job", body = Exception)))]
pub async fn one(Path(id): Path<String>, RawQuery(raw): RawQuery) -> ApiResult<Json<Value>> {
    params::only(&params::pairs(raw.as_deref())?, &["f"])?;
    if id != WMQ {
        return Err(ApiError::not_found(format!("no tile matrix set `{id}`; this server has {WMQ}")));
    }
    Ok(Json(web_mercator_quad()))
}
