//! The one-map page: static files, the npm packages it loads, and its configuration.

use crate::error::{ApiError, ApiResult};
use crate::AppState;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use axum::{Json, Router};
use onemap_model::LayerId;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;
use tower_http::services::ServeDir;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The page's configuration, documented by its handler.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(config)).routes(routes!(summary))
}

/// `GET /map/summary.json`: what the wall's counters show.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Summary {
    /// Changes whenever a layer's features change (count or last update): the page reloads its
    /// tiles then.
    pub version: String,
    /// Per layer, of the features the caller sees: `count` and the layer's declared totals
    /// (hazards by risk level, people threatened, shelter places free, teams by status …).
    #[schema(value_type = Object)]
    pub layers: BTreeMap<&'static str, serde_json::Map<String, serde_json::Value>>,
}

/// `GET /map/summary.json`: the totals of every layer in the caller's scope, for the wall.
#[utoipa::path(get, path = "/map/summary.json", tag = "page", responses((status = 200, description = "count and declared totals per layer, with a version that changes with the data", body = Summary)))]
pub async fn summary(State(state): State<AppState>, caller: crate::auth::Caller) -> ApiResult<Json<Summary>> {
    let store = state.store.clone();
    let summary = crate::blocking(move || -> Result<Summary, onemap_store::StoreError> {
        let mut version = String::new();
        let mut layers = BTreeMap::new();
        for &l in store.registry().layers() {
            let scope = caller.reads(l);
            let s = store.summary(l, &scope);
            version.push_str(&format!(
                "{}:{}:{};",
                l.as_str(),
                s.count,
                s.last_updated.map(|t| t.timestamp_micros()).unwrap_or(0)
            ));
            let totals = if l.def().totals.is_empty() {
                let mut t = serde_json::Map::new();
                t.insert("count".into(), s.count.into());
                t
            } else {
                let q = onemap_store::Query { limit: usize::MAX, any_order: true, ..Default::default() };
                let features = store.query(l, &q, &scope)?.features;
                onemap_store::analysis::WithinReport::totals(l, &features)
            };
            layers.insert(l.as_str(), totals);
        }
        Ok(Summary { version: format!("{:016x}", onemap_model::hash::fnv1a(version.as_bytes())), layers })
    })
    .await??;
    Ok(Json(summary))
}

/// Static files: `/static/*` from `frontend/static`, `/static/vendor/*` from maplibre-gl's dist.
pub fn static_router(frontend: &Path) -> Router<AppState> {
    Router::new()
        .nest_service("/static/vendor", ServeDir::new(frontend.join("node_modules/maplibre-gl/dist")))
        .nest_service("/static", ServeDir::new(frontend.join("static")))
}

/// The static routes [`static_router`] serves, for the API document (not handlers of their own).
pub const STATIC_ROUTES: [&str; 2] = ["/static/vendor/{path}", "/static/{path}"];

/// The page itself.
pub async fn index(state: &AppState) -> ApiResult<Response> {
    let path = state.info.frontend_dir.join("static/index.html");
    match tokio::fs::read_to_string(&path).await {
        Ok(html) => Ok(Html(html).into_response()),
        Err(e) => Err(ApiError::internal(format!("cannot read {}: {e}", path.display()))),
    }
}

/// `GET /map/config.json`: title, demo flag, attribution, bounds and the layers in drawing
/// order, each as the registry declares it (titles, geometry, fields with labels, style, zooms).
#[utoipa::path(get, path = "/map/config.json", tag = "page", responses((status = 200, description = "the page's configuration: title, bounds, and each layer as the registry declares it", body = MapConfig)))]
pub async fn config(State(state): State<AppState>, caller: crate::auth::Caller) -> Json<MapConfig> {
    let mut bounds: Option<[f64; 4]> = None;
    let layers: Vec<LayerConfig> = state
        .store
        .registry()
        .layers()
        .iter()
        .map(|&l| {
            let s = state.store.summary(l, &caller.reads(l));
            if let Some(e) = s.extent {
                bounds = Some(bounds.map_or(e, |b| [b[0].min(e[0]), b[1].min(e[1]), b[2].max(e[2]), b[3].max(e[3])]));
            }
            LayerConfig::of(l, s.count)
        })
        .collect();
    let info = &state.info;
    Json(MapConfig {
        title: info.title.clone(),
        demo: info.demo,
        attribution: info.attribution.clone(),
        bounds,
        layers,
    })
}

/// The page's configuration.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MapConfig {
    pub title: String,
    pub demo: bool,
    pub attribution: Option<String>,
    /// `[w, s, e, n]`, WGS84 degrees, of every layer's data.
    pub bounds: Option<[f64; 4]>,
    pub layers: Vec<LayerConfig>,
}

/// One layer as the page draws it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LayerConfig {
    pub id: &'static str,
    pub title: &'static str,
    pub title_zh: &'static str,
    pub geometry: &'static str,
    pub count: usize,
    pub fields: Vec<FieldConfig>,
    pub style: StyleConfig,
    pub minzoom: u8,
    /// Points cluster below this zoom.
    pub cluster_below: Option<u8>,
}

/// A property's Chinese title and, for closed vocabularies, value → Chinese label.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FieldConfig {
    pub name: &'static str,
    pub title_zh: &'static str,
    pub labels_zh: Option<BTreeMap<&'static str, &'static str>>,
}

/// One colour, or a colour per value of `colour_by`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct StyleConfig {
    pub colour: &'static str,
    pub colour_by: Option<&'static str>,
    /// `[value, colour]` pairs in the registry's order (the legend's order: major first).
    pub palette: Vec<[&'static str; 2]>,
}

impl LayerConfig {
    fn of(l: LayerId, count: usize) -> Self {
        let d = l.def();
        let fields = l
            .columns()
            .iter()
            .map(|c| FieldConfig {
                name: c.name,
                title_zh: c.title_zh,
                labels_zh: c
                    .enum_values
                    .zip(c.enum_labels_zh)
                    .map(|(v, z)| v.iter().copied().zip(z.iter().copied()).collect()),
            })
            .collect();
        let style = StyleConfig {
            colour: d.style.colour,
            colour_by: d.style.colour_by,
            palette: d.style.palette.iter().map(|&(v, c)| [v, c]).collect(),
        };
        LayerConfig {
            id: l.as_str(),
            title: l.title(),
            title_zh: l.title_zh(),
            geometry: l.geometry_kind().sf_name(),
            count,
            fields,
            style,
            minzoom: d.tiles.minzoom,
            cluster_below: d.cluster.map(|c| c.below),
        }
    }
}
