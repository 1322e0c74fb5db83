//! `POST /query/within`: what lies inside an area, per layer, with totals.

use crate::auth::Caller;
use crate::body::JsonBody;
use crate::error::Exception;
use crate::error::{ApiError, ApiResult};
use crate::AppState;
use axum::{extract::State, Json};
use geo::Geometry;
use onemap_model::geometry::geometry_to_geojson;
use onemap_model::ValidationError;
use onemap_store::analysis::{within, WithinReport};
use serde_json::Value;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The largest buffer accepted, in metres.
pub const MAX_BUFFER_M: f64 = 100_000.0;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(handler))
}

/// What lies inside the area, per layer.
#[derive(Debug, serde::Serialize)]
struct WithinAnswer<'a> {
    /// The searched area (after buffering), GeoJSON in CRS84 degrees.
    area: Value,
    buffer_m: f64,
    layers: std::collections::BTreeMap<&'static str, Found<'a>>,
}

/// One layer's features inside the area, and their totals.
#[derive(Debug, serde::Serialize)]
struct Found<'a> {
    totals: serde_json::Map<String, Value>,
    features: Collection<'a>,
}

#[derive(Debug, serde::Serialize)]
struct Collection<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    features: Vec<onemap_model::GeoJsonFeature<'a>>,
}

/// `POST /query/within`: an area (GeoJSON, CRS84 degrees), buffered by `buffer_m` metres, and
/// the layers to search (all when absent).
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[allow(dead_code)] // documents the body; the handler reads it field by field to name the bad one
pub struct WithinRequest {
    /// A GeoJSON Point, LineString, Polygon or MultiPolygon in CRS84 degrees.
    #[schema(value_type = Object)]
    geometry: serde_json::Value,
    /// Metres around the geometry (0–100,000; required for points and lines).
    buffer_m: Option<f64>,
    /// Layer ids; every layer when absent.
    layers: Option<Vec<String>>,
}

fn parse_area(v: &Value) -> Result<Geometry, ValidationError> {
    let gj = geojson::Geometry::from_json_value(v.clone())
        .map_err(|e| ValidationError::new("geometry", format!("not a GeoJSON geometry: {e}")))?;
    let kind = match gj.value.type_name() {
        "Point" => onemap_model::GeometryKind::Point,
        "LineString" => onemap_model::GeometryKind::LineString,
        "Polygon" | "MultiPolygon" => onemap_model::GeometryKind::MultiPolygon,
        other => {
            return Err(ValidationError::new(
                "geometry.type",
                format!("{other} is not supported; use a Point, LineString, Polygon or MultiPolygon"),
            ))
        }
    };
    onemap_model::geometry::geometry_from_geojson(v, kind)
}

#[utoipa::path(post, path = "/query/within", tag = "analysis", request_body(content = WithinRequest, description = "the area and the layers to search"), responses((status = 200, description = "the features of each layer inside the area, with totals", body = Object, content_type = "application/json"), (status = 400, description = "a bad parameter or value, named in `field`", body = Exception)))]
async fn handler(State(state): State<AppState>, caller: Caller, JsonBody(body): JsonBody) -> ApiResult<Json<Value>> {
    let obj = body.as_object().ok_or_else(|| ValidationError::new("", "the body must be a JSON object"))?;
    if let Some(k) = obj.keys().find(|k| !matches!(k.as_str(), "geometry" | "buffer_m" | "layers")) {
        return Err(ValidationError::new(k.as_str(), "unknown member; expected geometry, buffer_m, layers").into());
    }
    let area = parse_area(obj.get("geometry").ok_or_else(|| ValidationError::new("geometry", "is required"))?)?;
    let buffer_m = match obj.get("buffer_m") {
        None | Some(Value::Null) => 0.0,
        Some(v) => v.as_f64().filter(|b| (0.0..=MAX_BUFFER_M).contains(b)).ok_or_else(|| {
            ValidationError::new("buffer_m", format!("must be a number of metres in 0..={MAX_BUFFER_M}"))
        })?,
    };
    if buffer_m == 0.0 && !matches!(area, Geometry::MultiPolygon(_)) {
        return Err(ValidationError::new("buffer_m", "must be > 0 for a point or a line").into());
    }
    let layers = match obj.get("layers") {
        None | Some(Value::Null) => state.store.registry().layers().to_vec(),
        Some(Value::Array(a)) => a
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let name = v.as_str().unwrap_or_default();
                state
                    .store
                    .registry()
                    .parse(name)
                    .map_err(|e| ValidationError::new(format!("layers[{i}]"), e.to_string()))
            })
            .collect::<Result<Vec<_>, _>>()?,
        Some(_) => return Err(ValidationError::new("layers", "must be an array of layer ids").into()),
    };
    let store = state.store.clone();
    let scope = caller.scope();
    let report = crate::blocking(move || within(store.as_ref(), &area, buffer_m, &layers, &scope))
        .await?
        .map_err(ApiError::from)?;
    let layers = report
        .layers
        .iter()
        .map(|(layer, features)| {
            let found = Found {
                totals: WithinReport::totals(*layer, features),
                features: Collection {
                    kind: "FeatureCollection",
                    features: features.iter().map(|f| caller.geojson(*layer, f)).collect(),
                },
            };
            (layer.as_str(), found)
        })
        .collect();
    let body = WithinAnswer { area: geometry_to_geojson(&Geometry::MultiPolygon(report.area)), buffer_m, layers };
    Ok(Json(serde_json::to_value(body).map_err(ApiError::internal)?))
}
