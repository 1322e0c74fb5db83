//! `GET /styles/{view}.json`: the MapLibre style document of a view (`wall`, `planner`,
//! `township`), built from the layer registry by `onemap-styles` with this server's URLs.

#[allow(unused_imports)]
use crate::error::Exception;
use crate::error::{ApiError, ApiResult};
use crate::ogc::links::BaseUrl;
use crate::AppState;
use axum::extract::{Path, State};
use axum::Json;
use onemap_styles::{Features, View};
use serde_json::Value;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(style))
}

/// `GET /styles/{view}.json`.
#[utoipa::path(get, path = "/styles/{name}", tag = "page", params(("name" = String, Path, description = "wall.json, planner.json or township.json")), responses((status = 200, description = "a MapLibre style document (spec v8) on this server's tiles", body = Object, content_type = "application/json"), (status = 404, description = "no such style", body = Exception)))]
async fn style(State(state): State<AppState>, base: BaseUrl, Path(name): Path<String>) -> ApiResult<Json<Value>> {
    let names = || View::ALL.iter().map(|v| format!("{}.json", v.as_str())).collect::<Vec<_>>().join(", ");
    let view = name
        .strip_suffix(".json")
        .and_then(View::parse)
        .ok_or_else(|| ApiError::not_found(format!("no style `{name}`; there are {}", names())))?;
    let features = Features { glyphs: false, sprite: false };
    Ok(Json(onemap_styles::style(view, state.store.registry(), &base.0, features)))
}
