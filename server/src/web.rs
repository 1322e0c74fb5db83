//! The one-map page: static files, the npm packages it loads, and its configuration.

use crate::error::{ApiError, ApiResult};
use crate::AppState;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use onemap_model::{LayerId, Scope};
use serde_json::{json, Value};
use std::path::Path;
use tower_http::services::ServeDir;

/// Static routes: `/static/*` from `frontend/static`, `/static/vendor/*` from maplibre-gl's dist.
pub fn router(frontend: &Path) -> Router<AppState> {
    Router::new()
        .route("/map/config.json", get(config))
        .route("/api.html", get(api_doc))
        .nest_service("/static/vendor", ServeDir::new(frontend.join("node_modules/maplibre-gl/dist")))
        .nest_service("/static", ServeDir::new(frontend.join("static")))
}

/// The page itself.
pub async fn index(state: &AppState) -> ApiResult<Response> {
    let path = state.info.frontend_dir.join("static/index.html");
    match tokio::fs::read_to_string(&path).await {
        Ok(html) => Ok(Html(html).into_response()),
        Err(e) => Err(ApiError::internal(format!("cannot read {}: {e}", path.display()))),
    }
}

/// `GET /map/config.json`: title, demo flag, attribution, bounds and the layers in drawing order.
pub async fn config(State(state): State<AppState>) -> Json<Value> {
    let mut bounds: Option<[f64; 4]> = None;
    let layers: Vec<Value> = LayerId::ALL
        .iter()
        .map(|&l| {
            let s = state.store.summary(l, &Scope::All);
            if let Some(e) = s.extent {
                bounds = Some(bounds.map_or(e, |b| [b[0].min(e[0]), b[1].min(e[1]), b[2].max(e[2]), b[3].max(e[3])]));
            }
            json!({"id": l.as_str(), "title": l.title(), "title_zh": l.title_zh(),
                   "geometry": l.geometry_kind().sf_name(), "count": s.count,
                   "fields": fields(l)})
        })
        .collect();
    let info = &state.info;
    Json(json!({
        "title": info.title,
        "demo": info.demo,
        "attribution": info.attribution,
        "bounds": bounds,
        "layers": layers,
    }))
}

/// Each property's Chinese title and, for closed vocabularies, value → Chinese label.
fn fields(layer: LayerId) -> Vec<Value> {
    layer
        .columns()
        .iter()
        .map(|c| {
            let labels: Option<serde_json::Map<String, Value>> = c
                .enum_values
                .zip(c.enum_labels_zh)
                .map(|(v, l)| v.iter().zip(l.iter()).map(|(v, l)| ((*v).to_owned(), json!(l))).collect());
            json!({"name": c.name, "title_zh": c.title_zh, "labels_zh": labels})
        })
        .collect()
}

/// `GET /api.html`: a readable page generated from the OpenAPI document.
pub async fn api_doc(base: crate::ogc::links::BaseUrl) -> Html<String> {
    Html(crate::openapi::html(&crate::openapi::document(&base)))
}
