//! `/collections`, `/collections/{id}` and `/collections/{id}/queryables`.

use super::links::{link, BaseUrl, GEOJSON, JSON};
use super::params;
#[allow(unused_imports)]
use crate::error::Exception;
use crate::error::{ApiError, ApiResult};
use crate::AppState;
use axum::extract::{Path, RawQuery, State};
use axum::Json;
use onemap_model::{format_timestamp, LayerId, Scope};
use serde_json::{json, Value};

pub const CRS84: &str = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";

/// Resolves a collection id or answers 404 listing the known ones.
pub fn layer(state: &AppState, id: &str) -> ApiResult<LayerId> {
    state
        .store
        .registry()
        .parse(id)
        .map_err(|e| ApiError::not_found(format!("no collection `{id}`; collections: {}", e.known)))
}

fn describe(state: &AppState, base: &BaseUrl, layer: LayerId) -> Value {
    let s = state.store.summary(layer, &Scope::All);
    let id = layer.as_str();
    let bbox = s.extent.map_or_else(|| vec![-180.0, -90.0, 180.0, 90.0], |e| e.to_vec());
    json!({
        "id": id,
        "title": format!("{} {}", layer.title_zh(), layer.title()),
        "description": format!("{} ({}), {} features", layer.title(), layer.title_zh(), s.count),
        "itemType": "feature",
        "geometryType": layer.geometry_kind().sf_name(),
        "numberOfFeatures": s.count,
        "crs": [CRS84],
        "storageCrs": CRS84,
        "extent": {
            "spatial": {"bbox": [bbox], "crs": CRS84},
            "temporal": {
                "interval": [[Value::Null, s.last_updated.map(format_timestamp)]],
                "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian",
            },
        },
        "links": [
            link(base.at(&format!("/collections/{id}")), "self", JSON, "this collection"),
            link(base.at(&format!("/collections/{id}/items")), "items", GEOJSON, "the features"),
            link(base.at(&format!("/collections/{id}/queryables")), "http://www.opengis.net/def/rel/ogc/1.0/queryables", "application/schema+json", "queryable properties"),
            link(base.at(&format!("/collections/{id}/tiles")), "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector", JSON, "vector tilesets"),
        ],
    })
}

/// `GET /collections`.
#[utoipa::path(get, path = "/collections", tag = "features", params(("f" = Option<String>, Query, description = "json")), responses((status = 200, description = "every layer with its extent (CRS84), geometry type and count", body = Object, content_type = "application/json")))]
pub async fn collections(
    State(state): State<AppState>,
    base: BaseUrl,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<Value>> {
    params::only(&params::pairs(raw.as_deref())?, &["f"])?;
    let collections: Vec<Value> = state.store.registry().layers().iter().map(|l| describe(&state, &base, *l)).collect();
    Ok(Json(json!({
        "links": [link(base.at("/collections"), "self", JSON, "the layers")],
        "collections": collections,
    })))
}

/// `GET /collections/{id}`.
#[utoipa::path(get, path = "/collections/{collectionId}", tag = "features", params(("collectionId" = String, Path, description = "the layer (collection) id, as /collections lists them"), ("f" = Option<String>, Query, description = "json")), responses((status = 200, description = "one layer", body = Object, content_type = "application/json"), (status = 404, description = "no such collection, feature or job", body = Exception)))]
pub async fn collection(
    State(state): State<AppState>,
    base: BaseUrl,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<Value>> {
    let layer = layer(&state, &id)?;
    params::only(&params::pairs(raw.as_deref())?, &["f"])?;
    Ok(Json(describe(&state, &base, layer)))
}

/// The JSON schema of a layer's queryable properties.
pub fn queryables_schema(base: &BaseUrl, layer: LayerId) -> Value {
    let mut props = serde_json::Map::new();
    for c in layer.columns() {
        if c.ty.json_type() == "object" {
            continue;
        }
        let mut p = json!({"title": c.title_zh, "type": c.ty.json_type()});
        if let Some(values) = c.enum_values {
            p["enum"] = json!(values);
        }
        match c.ty {
            onemap_model::ColumnType::Date => p["format"] = json!("date"),
            onemap_model::ColumnType::DateTime => p["format"] = json!("date-time"),
            _ => {}
        }
        props.insert(c.name.to_owned(), p);
    }
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": base.at(&format!("/collections/{}/queryables", layer.as_str())),
        "type": "object",
        "title": layer.title(),
        "properties": props,
        "additionalProperties": false,
    })
}

/// `GET /collections/{id}/queryables`.
#[utoipa::path(get, path = "/collections/{collectionId}/queryables", tag = "features", params(("collectionId" = String, Path, description = "the layer (collection) id, as /collections lists them"), ("f" = Option<String>, Query, description = "json")), responses((status = 200, description = "the properties a filter may name, as JSON Schema", body = Object, content_type = "application/schema+json"), (status = 404, description = "no such collection, feature or job", body = Exception)))]
pub async fn queryables(
    State(state): State<AppState>,
    base: BaseUrl,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<Value>> {
    let layer = layer(&state, &id)?;
    params::only(&params::pairs(raw.as_deref())?, &["f"])?;
    Ok(Json(queryables_schema(&base, layer)))
}
