//! `/collections`, `/collections/{id}` and `/collections/{id}/queryables`.

use super::links::{link, BaseUrl, Link, GEOJSON, JSON};
use super::params;
use crate::auth::Caller;
#[allow(unused_imports)]
use crate::error::Exception;
use crate::error::{ApiError, ApiResult};
use crate::AppState;
use axum::extract::{Path, RawQuery, State};
use axum::Json;
use onemap_model::{format_timestamp, LayerId};
use serde::Serialize;
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

/// One layer as OGC API – Features describes a collection.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Collection {
    pub id: &'static str,
    pub title: String,
    pub description: String,
    pub item_type: &'static str,
    pub geometry_type: &'static str,
    pub number_of_features: usize,
    pub crs: Vec<&'static str>,
    pub storage_crs: &'static str,
    pub extent: Extent,
    pub links: Vec<Link>,
}

/// Where and when: the bounding box (CRS84) and the last update.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Extent {
    pub spatial: SpatialExtent,
    pub temporal: TemporalExtent,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SpatialExtent {
    /// `[[minLon, minLat, maxLon, maxLat]]`, CRS84 degrees.
    pub bbox: Vec<[f64; 4]>,
    pub crs: &'static str,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TemporalExtent {
    /// `[[start, end]]`: open start, the last update as end.
    pub interval: Vec<[Option<String>; 2]>,
    pub trs: &'static str,
}

/// `/collections`: the layers.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Collections {
    pub links: Vec<Link>,
    pub collections: Vec<Collection>,
}

/// A layer as `caller` sees it: its count and extent are those of the features in its scope.
fn describe(state: &AppState, caller: &Caller, base: &BaseUrl, layer: LayerId) -> Collection {
    let s = state.store.summary(layer, &caller.reads(layer));
    let id = layer.as_str();
    let at = |p: &str| base.at(&format!("/collections/{id}{p}"));
    Collection {
        id,
        title: format!("{} {}", layer.title_zh(), layer.title()),
        description: format!("{} ({}), {} features", layer.title(), layer.title_zh(), s.count),
        item_type: "feature",
        geometry_type: layer.geometry_kind().sf_name(),
        number_of_features: s.count,
        crs: vec![CRS84],
        storage_crs: CRS84,
        extent: Extent {
            spatial: SpatialExtent { bbox: vec![s.extent.unwrap_or([-180.0, -90.0, 180.0, 90.0])], crs: CRS84 },
            temporal: TemporalExtent {
                interval: vec![[None, s.last_updated.map(format_timestamp)]],
                trs: "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian",
            },
        },
        links: vec![
            link(at(""), "self", JSON, "this collection"),
            link(at("/items"), "items", GEOJSON, "the features"),
            link(
                at("/queryables"),
                "http://www.opengis.net/def/rel/ogc/1.0/queryables",
                "application/schema+json",
                "queryable properties",
            ),
            link(at("/tiles"), "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector", JSON, "vector tilesets"),
        ],
    }
}

/// `GET /collections`.
#[utoipa::path(get, path = "/collections", tag = "features", params(("f" = Option<String>, Query, description = "json")), responses((status = 200, description = "every layer with its extent (CRS84), geometry type and count", body = Collections)))]
pub async fn collections(
    State(state): State<AppState>,
    caller: Caller,
    base: BaseUrl,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<Collections>> {
    params::only(&params::pairs(raw.as_deref())?, &["f"])?;
    let collections = state.store.registry().layers().iter().map(|l| describe(&state, &caller, &base, *l)).collect();
    Ok(Json(Collections { links: vec![link(base.at("/collections"), "self", JSON, "the layers")], collections }))
}

/// `GET /collections/{id}`.
#[utoipa::path(get, path = "/collections/{collectionId}", tag = "features", params(("collectionId" = String, Path, description = "the layer (collection) id, as /collections lists them"), ("f" = Option<String>, Query, description = "json")), responses((status = 200, description = "one layer", body = Collection), (status = 404, description = "no such collection, feature or job", body = Exception)))]
pub async fn collection(
    State(state): State<AppState>,
    caller: Caller,
    base: BaseUrl,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<Collection>> {
    let layer = layer(&state, &id)?;
    params::only(&params::pairs(raw.as_deref())?, &["f"])?;
    Ok(Json(describe(&state, &caller, &base, layer)))
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

/// The queryables `caller` may filter by: without the personal properties where it does not
/// see them.
pub fn queryables_for(caller: &Caller, base: &BaseUrl, layer: LayerId) -> Value {
    let mut schema = queryables_schema(base, layer);
    if let Some(props) = schema["properties"].as_object_mut().filter(|_| caller.hides_personal()) {
        layer.def().strip_personal(props);
    }
    schema
}

/// `GET /collections/{id}/queryables`.
#[utoipa::path(get, path = "/collections/{collectionId}/queryables", tag = "features", params(("collectionId" = String, Path, description = "the layer (collection) id, as /collections lists them"), ("f" = Option<String>, Query, description = "json")), responses((status = 200, description = "the properties a filter may name, as JSON Schema", body = Object, content_type = "application/schema+json"), (status = 404, description = "no such collection, feature or job", body = Exception)))]
pub async fn queryables(
    State(state): State<AppState>,
    caller: Caller,
    base: BaseUrl,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<Value>> {
    let layer = layer(&state, &id)?;
    params::only(&params::pairs(raw.as_deref())?, &["f"])?;
    Ok(Json(queryables_for(&caller, &base, layer)))
}
