//! onemap's HTTP layer: maps OGC API – Features, the one-map page and the analysis endpoints
//! onto the core crates. Nothing here knows how features are stored.

pub mod auth;
pub mod body;
pub mod conditional;
pub mod error;
pub mod imports;
pub mod landing;
pub mod ogc;
pub mod openapi;
pub mod policy;
pub mod routing;
pub mod styles;
pub mod tiles;
pub mod web;
pub mod within;

use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderValue, Method};
use axum::Router;
use error::ApiError;
use onemap_routing_service::{RoadNetwork, RoutingService, ServiceError};
use onemap_store::Store;
use onemap_tiles::{RenderOptions, StoreTileSource, TileService};
use std::path::PathBuf;
use std::sync::Arc;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

/// Settings that describe this deployment.
#[derive(Debug, Clone)]
pub struct ServiceInfo {
    pub title: String,
    /// The data is generated demo data and must say so wherever it shows.
    pub demo: bool,
    /// Attribution of the data, e.g. "© OpenStreetMap contributors".
    pub attribution: Option<String>,
    /// The URL clients reach this server at; links are built from the Host header when `None`.
    pub public_url: Option<String>,
    /// Where the page (`static/`) and its npm packages (`node_modules/`) are.
    pub frontend_dir: PathBuf,
    /// The SVG map icons packed into the sprite (`styles/icons`).
    pub icons_dir: PathBuf,
    /// The font the map's labels are rendered from (a `.ttc` collection: its Simplified Chinese
    /// face); without it the styles draw no labels.
    pub font_file: PathBuf,
    /// Largest request body in bytes.
    pub body_limit: usize,
    /// Byte budget of the in-memory tile cache (0 disables it).
    pub tile_cache_bytes: u64,
    /// How long a browser session lasts (hours).
    pub session_hours: i64,
    /// Origins (`https://gis.example.org`) other sites' pages may read this server from (CORS);
    /// none by default.
    pub cors_origins: Vec<String>,
    /// `Cache-Control` of tile responses. The default makes clients and CDNs revalidate with the
    /// ETag (a cheap 304), so nobody keeps a tile after a write changed it.
    pub tile_cache_control: String,
}

impl Default for ServiceInfo {
    fn default() -> Self {
        ServiceInfo {
            title: "onemap 应急指挥一张图".into(),
            demo: false,
            attribution: None,
            public_url: None,
            frontend_dir: PathBuf::from("frontend"),
            icons_dir: PathBuf::from("styles/icons"),
            font_file: PathBuf::from(onemap_styles::glyphs::NOTO_CJK),
            body_limit: 16 * 1024 * 1024,
            tile_cache_bytes: 256 * 1024 * 1024,
            tile_cache_control: "no-cache".into(),
            session_hours: 12,
            cors_origins: Vec::new(),
        }
    }
}

/// What every handler gets.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub info: Arc<ServiceInfo>,
    /// Vector tiles from the store, cached; subscribed to the store's writes.
    pub tiles: Arc<TileService>,
    /// Survey uploads (`POST /imports`) and their reports.
    pub imports: Arc<imports::ImportJobs>,
    /// The road network for `/routing/*`, when one is loaded.
    pub routing: Option<Arc<RoutingService>>,
    /// Accounts, when the store keeps them (see [`auth`]); without, every request is served.
    pub auth: Option<Arc<auth::Auth>>,
    /// The icon sprite, packed on first use.
    pub sprites: Arc<styles::Sprites>,
    /// The labels' glyphs, rendered on first use.
    pub glyphs: Arc<styles::Glyphs>,
}

impl AppState {
    /// Wires the tile service to the store so every write invalidates the tiles it touches.
    pub fn new(store: Arc<dyn Store>, info: ServiceInfo) -> Self {
        let source = Arc::new(StoreTileSource::new(Arc::clone(&store), RenderOptions::default()));
        let tiles = Arc::new(TileService::new(source, info.tile_cache_bytes));
        store.subscribe(tiles.clone());
        AppState {
            store,
            info: Arc::new(info),
            tiles,
            imports: Arc::default(),
            routing: None,
            auth: None,
            sprites: Arc::default(),
            glyphs: Arc::default(),
        }
    }

    /// Authenticates callers against `accounts` (see [`auth`]).
    #[must_use]
    pub fn with_accounts(mut self, accounts: Arc<dyn onemap_store::Security>) -> Self {
        self.auth = Some(Arc::new(auth::Auth::new(accounts)));
        self
    }

    /// Accepts the JWTs of the bureau's identity provider (see [`auth::sso`]); needs
    /// [`Self::with_accounts`] first.
    pub fn with_sso(mut self, sso: auth::sso::Sso) -> Result<Self, &'static str> {
        let auth = self.auth.take().ok_or("single sign-on needs the store's accounts")?;
        let auth = Arc::try_unwrap(auth).map_err(|_| "set single sign-on before serving")?;
        self.auth = Some(Arc::new(auth.with_sso(sso)));
        Ok(self)
    }

    /// Adds routing on `roads`; its place caches and automatic closures follow the
    /// store's writes; manual closures are kept in `closures_file` (none: in memory only).
    pub fn with_routing(
        mut self,
        roads: impl Into<RoadNetwork>,
        closures_file: Option<std::path::PathBuf>,
    ) -> Result<Self, ServiceError> {
        let rs = Arc::new(RoutingService::new(roads.into(), &self.store, closures_file)?);
        self.store.subscribe(rs.clone());
        rs.refresh()?;
        self.routing = Some(rs);
        Ok(self)
    }
}

/// The whole application, ready to serve or to test with `oneshot`.
pub fn app(state: AppState) -> Router {
    app_with(state, Router::new())
}

/// The application with `extra` routes behind the same layers (trace, CORS, compression, body
/// limit); benchmarks put their baseline endpoints here so both pay the same HTTP stack.
pub fn app_with(state: AppState, extra: Router<AppState>) -> Router {
    // Other sites' pages read this server only from the origins listed (none by default), with
    // a key, never with the session cookie.
    let origins: Vec<HeaderValue> =
        state.info.cors_origins.iter().filter_map(|o| HeaderValue::from_str(o).ok()).collect();
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::GET, Method::HEAD, Method::OPTIONS])
        .allow_headers([header::AUTHORIZATION, header::IF_NONE_MATCH])
        .expose_headers([header::ETAG, header::LOCATION]);
    let (documented, api) = documented_routes().split_for_parts();
    documented
        .merge(openapi::router(Arc::new(api)))
        .merge(web::static_router(&state.info.frontend_dir))
        .merge(extra)
        .layer(axum::middleware::from_fn_with_state(state.clone(), auth::authenticate))
        .layer(DefaultBodyLimit::max(state.info.body_limit))
        .layer(CompressionLayer::new())
        .layer(cors)
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Every route with a documented handler, and the OpenAPI document their annotations make.
pub fn documented_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .routes(utoipa_axum::routes!(landing::landing))
        .routes(utoipa_axum::routes!(landing::conformance))
        .merge(ogc::router())
        .merge(within::router())
        .merge(tiles::router())
        .merge(imports::router())
        .merge(routing::router())
        .merge(web::router())
        .merge(styles::router())
        .merge(auth::router())
}

/// Runs blocking store work (disk writes, fsync) off the async workers.
pub async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f).await.map_err(ApiError::internal)
}
