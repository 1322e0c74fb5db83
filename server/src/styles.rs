//! `GET /styles/{view}.json`: the MapLibre style document of a view (`wall`, `planner`,
//! `township`), built from the layer registry by `onemap-styles` with this server's URLs;
//! `GET /sprites/onemap.json|.png` (and `onemap@2x.…`): the icon sprite, packed from the SVG icons
//! (`styles/icons/`) on first use and kept.

#[allow(unused_imports)]
use crate::error::Exception;
use crate::error::{ApiError, ApiResult};
use crate::ogc::links::BaseUrl;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use onemap_styles::sprite::SpriteSheet;
use onemap_styles::{Features, View};
use serde_json::Value;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(style)).routes(routes!(sprite)).routes(routes!(glyphs))
}

/// The labels' font and the glyph ranges rendered so far (glyphs never change while serving).
#[derive(Default)]
pub struct Glyphs {
    font: std::sync::OnceLock<Option<onemap_styles::glyphs::Font>>,
    ranges: parking_lot::Mutex<std::collections::HashMap<String, axum::body::Bytes>>,
}

impl Glyphs {
    /// The font of `file`, opened once; `None` when there is none.
    fn font(&self, file: &std::path::Path) -> Option<&onemap_styles::glyphs::Font> {
        self.font
            .get_or_init(|| match onemap_styles::glyphs::Font::open(file) {
                Ok(f) => Some(f),
                Err(e) => {
                    tracing::warn!(error = %e, "no glyphs: map labels are off");
                    None
                }
            })
            .as_ref()
    }

    /// Whether labels can be drawn.
    pub fn available(&self, file: &std::path::Path) -> bool {
        file.exists() && self.font(file).is_some()
    }
}

/// `GET /fonts/{fontstack}/{start}-{end}.pbf`: signed-distance-field glyphs of the labels' font
/// (any font stack naming it).
#[utoipa::path(get, path = "/fonts/{fontstack}/{range}", tag = "page", params(("fontstack" = String, Path, description = "comma-separated font names; one must be the labels' font (Noto Sans CJK SC Regular)"), ("range" = String, Path, description = "START-END.pbf, START a multiple of 256, END = START + 255")), responses((status = 200, description = "the glyphs (protobuf)", content_type = "application/x-protobuf"), (status = 400, description = "a bad parameter or value, named in `field`", body = Exception), (status = 404, description = "no such font", body = Exception)))]
async fn glyphs(
    State(state): State<AppState>,
    Path((fontstack, range)): Path<(String, String)>,
) -> ApiResult<Response> {
    let file = state.info.font_file.clone();
    let font = state
        .glyphs
        .font(&file)
        .filter(|f| fontstack.split(',').any(|name| name.trim() == f.name))
        .cloned()
        .ok_or_else(|| ApiError::not_found(format!("no font `{fontstack}` here")))?;
    let range = range.strip_suffix(".pbf").unwrap_or(&range).to_owned();
    let known = state.glyphs.ranges.lock().get(&range).cloned();
    let body = match known {
        Some(b) => b,
        None => {
            let r = range.clone();
            let rendered = crate::blocking(move || font.range(&r)).await?;
            let bytes = axum::body::Bytes::from(rendered.map_err(|e| match e {
                onemap_styles::glyphs::GlyphError::Range(_) => ApiError::bad_param("range", e),
                other => ApiError::internal(other),
            })?);
            state.glyphs.ranges.lock().insert(range, bytes.clone());
            bytes
        }
    };
    let mut res = body.into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/x-protobuf"));
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=86400"));
    Ok(res)
}

/// The icon sprites at pixel ratios 1 and 2, packed on first use.
#[derive(Default)]
pub struct Sprites {
    sheets: tokio::sync::OnceCell<Result<[SpriteSheet; 2], String>>,
}

impl Sprites {
    /// Whether the icons dir holds every icon the styles ask for.
    pub fn available(dir: &std::path::Path) -> bool {
        dir.is_dir() && onemap_styles::sprite::missing_icons(dir, &onemap_styles::icon_names()).is_empty()
    }

    async fn sheet(&self, dir: std::path::PathBuf, ratio: usize) -> ApiResult<SpriteSheet> {
        let sheets = self
            .sheets
            .get_or_init(|| async move {
                let built = crate::blocking(move || -> Result<[SpriteSheet; 2], String> {
                    let one = onemap_styles::sprite::build(&dir, 1).map_err(|e| e.to_string())?;
                    let two = onemap_styles::sprite::build(&dir, 2).map_err(|e| e.to_string())?;
                    Ok([one, two])
                })
                .await;
                built.unwrap_or_else(|e| Err(e.description))
            })
            .await;
        match sheets {
            Ok(s) => Ok(s[ratio - 1].clone()),
            Err(e) => Err(ApiError::internal(format!("the icon sprite: {e}"))),
        }
    }
}

/// `GET /sprites/onemap.json`, `onemap.png`, `onemap@2x.json`, `onemap@2x.png`.
#[utoipa::path(get, path = "/sprites/{name}", tag = "page", params(("name" = String, Path, description = "onemap.json, onemap.png, onemap@2x.json or onemap@2x.png")), responses((status = 200, description = "the sprite index (JSON) or sheet (PNG)"), (status = 404, description = "no such sprite", body = Exception)))]
async fn sprite(State(state): State<AppState>, Path(name): Path<String>) -> ApiResult<Response> {
    let (ratio, ext) = match name.as_str() {
        "onemap.json" => (1, "json"),
        "onemap.png" => (1, "png"),
        "onemap@2x.json" => (2, "json"),
        "onemap@2x.png" => (2, "png"),
        _ => {
            return Err(ApiError::not_found(format!(
                "no sprite `{name}`; there is onemap(.json|.png|@2x.json|@2x.png)"
            )))
        }
    };
    let dir = state.info.icons_dir.clone();
    if !Sprites::available(&dir) {
        return Err(ApiError::not_found(format!("no icons in {}", dir.display())));
    }
    let sheet = state.sprites.sheet(dir, ratio).await?;
    let (body, mime) = if ext == "png" { (sheet.png, "image/png") } else { (sheet.index, "application/json") };
    let mut res = body.into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600"));
    Ok(res)
}

/// `GET /styles/{view}.json`.
#[utoipa::path(get, path = "/styles/{name}", tag = "page", params(("name" = String, Path, description = "wall.json, planner.json or township.json")), responses((status = 200, description = "a MapLibre style document (spec v8) on this server's tiles", body = Object, content_type = "application/json"), (status = 404, description = "no such style", body = Exception)))]
async fn style(State(state): State<AppState>, base: BaseUrl, Path(name): Path<String>) -> ApiResult<Json<Value>> {
    let names = || View::ALL.iter().map(|v| format!("{}.json", v.as_str())).collect::<Vec<_>>().join(", ");
    let view = name
        .strip_suffix(".json")
        .and_then(View::parse)
        .ok_or_else(|| ApiError::not_found(format!("no style `{name}`; there are {}", names())))?;
    let features = Features {
        glyphs: state.glyphs.available(&state.info.font_file),
        sprite: Sprites::available(&state.info.icons_dir),
    };
    Ok(Json(onemap_styles::style(view, state.store.registry(), &base.0, features)))
}
