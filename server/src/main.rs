//! The `onemap` command: serve the one map, run the demo, import and export.

mod demo_accounts;
mod import_cli;
mod user_cli;

/// mimalloc: glibc's allocator spent 30% of a bulk import consolidating freed chunks.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::{Parser, Subcommand};
use onemap_model::LayerId;
use onemap_server::{app, AppState, ServiceInfo};
use onemap_store::{GpkgStore, Store};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Parser)]
#[command(
    name = "onemap",
    version,
    about = "应急指挥一张图 — the emergency one map: OGC API – Features over an embedded GeoPackage"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args, Clone)]
struct ServeArgs {
    /// Address to listen on (port 0 picks a free port; the chosen address is printed).
    #[arg(long, env = "ONEMAP_BIND", default_value = "127.0.0.1:8080")]
    bind: SocketAddr,
    /// Directory with the page (static/) and its npm packages (node_modules/).
    #[arg(long, env = "ONEMAP_FRONTEND")]
    frontend: Option<PathBuf>,
    /// URL clients reach the server at, for links (default: from the Host header).
    #[arg(long, env = "ONEMAP_PUBLIC_URL")]
    public_url: Option<String>,
    /// Largest request body in bytes.
    #[arg(long, env = "ONEMAP_BODY_LIMIT", default_value_t = 16 * 1024 * 1024)]
    body_limit: usize,
    /// Byte budget of the in-memory tile cache (0 disables it).
    #[arg(long, env = "ONEMAP_TILE_CACHE_BYTES", default_value_t = 256 * 1024 * 1024)]
    tile_cache_bytes: u64,
    /// Cache-Control header of tile responses.
    #[arg(long, env = "ONEMAP_TILE_CACHE_CONTROL", default_value = "no-cache")]
    tile_cache_control: String,
    /// How long a browser session lasts, in hours.
    #[arg(long, env = "ONEMAP_SESSION_HOURS", default_value_t = 12, value_parser = clap::value_parser!(i64).range(1..=720))]
    session_hours: i64,
    /// An origin (https://gis.example.org) whose pages may read this server (CORS); repeat for
    /// several. Default: none.
    #[arg(long = "cors-origin", env = "ONEMAP_CORS_ORIGINS", value_delimiter = ',')]
    cors_origins: Vec<String>,
    /// The font map labels are rendered from (its Simplified Chinese face).
    #[arg(long, env = "ONEMAP_FONT", default_value = onemap_styles::glyphs::NOTO_CJK)]
    font: PathBuf,
    /// Public key (PEM: RSA, EC or Ed25519) of the identity provider whose JWTs are accepted as
    /// `Authorization: Bearer <jwt>` (claims: sub, role, township, exp).
    #[arg(long, env = "ONEMAP_JWT_KEY")]
    jwt_key: Option<PathBuf>,
    /// The `iss` the JWTs must carry.
    #[arg(long, env = "ONEMAP_JWT_ISSUER", requires = "jwt_key")]
    jwt_issuer: Option<String>,
    /// The `aud` the JWTs must be meant for.
    #[arg(long, env = "ONEMAP_JWT_AUDIENCE", requires = "jwt_key")]
    jwt_audience: Option<String>,
    /// Road network for /routing/*: an OpenStreetMap extract (.osm.pbf, .osm, .osm.gz).
    /// Without it the store's roads layer is used, if it has roads.
    #[arg(long, env = "ONEMAP_ROADS")]
    roads: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve a store over HTTP: the one-map page at /, OGC API – Features under /collections.
    Serve {
        /// The GeoPackage file (created if missing).
        #[arg(long, env = "ONEMAP_STORE", default_value = "data/onemap.gpkg")]
        store: PathBuf,
        #[command(flatten)]
        serve: ServeArgs,
    },
    /// Build the demo county (if the file is missing) and serve it. All of it is generated demo data.
    Demo {
        #[arg(long, env = "ONEMAP_DEMO_STORE", default_value = "data/demo.gpkg")]
        store: PathBuf,
        /// Derive roads, shelters and team bases from an OpenStreetMap extract instead (.osm.pbf).
        #[arg(long)]
        osm: Option<PathBuf>,
        /// Number of hazard points in the generated county.
        #[arg(long, default_value_t = 320)]
        hazards: usize,
        /// Seed of the generator (the same seed gives the same county).
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// Build the data and exit without serving.
        #[arg(long)]
        no_serve: bool,
        #[command(flatten)]
        serve: ServeArgs,
    },
    /// Import a survey file (CSV, Excel, GeoJSON) into a layer, all or nothing, with a report.
    #[command(long_about = import_cli::LONG_HELP)]
    Import(import_cli::ImportArgs),
    /// Accounts: add (prints an API key once), key, list, disable, passwd.
    User {
        #[command(subcommand)]
        command: user_cli::UserCommand,
    },
    /// Export every layer to a new .gpkg, or one layer (--layer) to .geojson.
    Export {
        file: PathBuf,
        #[arg(long)]
        layer: Option<String>,
        #[arg(long, env = "ONEMAP_STORE", default_value = "data/onemap.gpkg")]
        store: PathBuf,
    },
}

type Error = Box<dyn std::error::Error + Send + Sync>;

fn parse_layer(store: &dyn Store, s: &str) -> Result<LayerId, Error> {
    Ok(store.registry().parse(s)?)
}

fn open_store(path: &Path) -> Result<GpkgStore, Error> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    Ok(GpkgStore::open(path)?)
}

fn frontend_dir(arg: Option<PathBuf>) -> PathBuf {
    if let Some(d) = arg {
        return d;
    }
    let cwd = PathBuf::from("frontend");
    if cwd.join("static/index.html").exists() {
        return cwd;
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../frontend")
}

async fn serve(store: GpkgStore, store_path: &std::path::Path, args: ServeArgs) -> Result<(), Error> {
    let dataset = store.dataset()?;
    let info = ServiceInfo {
        title: dataset.title.unwrap_or_else(|| ServiceInfo::default().title),
        demo: dataset.demo,
        attribution: dataset.attribution,
        public_url: args.public_url,
        icons_dir: frontend_dir(args.frontend.clone()).join("../styles/icons"),
        frontend_dir: frontend_dir(args.frontend),
        font_file: args.font,
        body_limit: args.body_limit,
        tile_cache_bytes: args.tile_cache_bytes,
        tile_cache_control: args.tile_cache_control,
        session_hours: args.session_hours,
        cors_origins: args.cors_origins,
    };
    if !info.frontend_dir.join("node_modules/maplibre-gl/dist/maplibre-gl.mjs").exists() {
        tracing::warn!(dir = %info.frontend_dir.display(), "maplibre-gl is not installed; run scripts/setup.sh (npm ci in frontend/)");
    }
    let sso = match &args.jwt_key {
        Some(path) => {
            let pem = std::fs::read(path).map_err(|e| format!("--jwt-key {}: {e}", path.display()))?;
            let sso =
                onemap_server::auth::sso::Sso::from_pem(&pem, args.jwt_issuer.as_deref(), args.jwt_audience.as_deref())
                    .map_err(|e| format!("--jwt-key {}: {e}", path.display()))?;
            Some(sso)
        }
        None => None,
    };
    let has_accounts = onemap_store::AccountStore::has_accounts(&store)? || sso.is_some();
    if !has_accounts && !args.bind.ip().is_loopback() {
        return Err(format!(
            "protected mode: the store has no account, so it may only be served on a loopback address, not {}. \
             Add one first: onemap user add NAME --role commander --store {}",
            args.bind,
            store_path.display()
        )
        .into());
    }
    if !args.bind.ip().is_loopback() && info.public_url.is_none() {
        tracing::warn!(
            "no --public-url: links and Location headers follow each request's Host header; set it to the URL clients use"
        );
    }
    if !has_accounts {
        tracing::warn!("the store has no account: anyone who can reach {} reads and changes everything", args.bind);
        println!("onemap: OPEN MODE — no accounts: every caller on this machine may read and change everything");
    }
    let store = Arc::new(store);
    let accounts: Arc<dyn onemap_store::Security> = store.clone();
    let store: Arc<dyn onemap_store::Store> = store;
    let mut state = AppState::new(Arc::clone(&store), info).with_accounts(accounts);
    if let Some(sso) = sso {
        state = state.with_sso(sso)?;
        println!("onemap: single sign-on: JWTs signed with the key in --jwt-key are accepted");
    }
    let started = std::time::Instant::now();
    let saved = onemap_routing_service::closures::saved_dir_beside(store_path);
    match onemap_routing_service::load_engine(store.as_ref(), args.roads.as_deref(), Some(&saved))? {
        Some(roads) => {
            let engine = &roads.engine;
            println!(
                "onemap: routing on {} ({} junctions, {} road edges) ready in {:.1} s ({} of {} hierarchies read from {})",
                engine.source,
                engine.graph.nodes.len(),
                engine.graph.edges.len(),
                started.elapsed().as_secs_f64(),
                engine.loaded,
                engine.networks().count(),
                saved.display()
            );
            state = state.with_routing(roads, Some(onemap_routing_service::closures::file_beside(store_path)))?;
        }
        None => println!("onemap: no roads: /routing/* is off (give --roads FILE.osm.pbf or import a roads layer)"),
    }
    let listener = tokio::net::TcpListener::bind(args.bind).await?;
    let addr = listener.local_addr()?;
    println!("onemap: listening on http://{addr}");
    tracing::info!(%addr, "listening");
    let service = app(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, service).with_graceful_shutdown(shutdown()).await?;
    Ok(())
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = term => {} }
}

async fn run(cli: Cli) -> Result<(), Error> {
    match cli.command {
        Command::Serve { store, serve: args } => serve(open_store(&store)?, &store, args).await,
        Command::Demo { store, osm, hazards, seed, no_serve, serve: args } => {
            let fresh = !store.exists();
            let s = open_store(&store)?;
            if fresh {
                let n = match &osm {
                    Some(pbf) => onemap_import::osm::load(&s, pbf)?,
                    None => onemap_import::demo::load(&s, onemap_import::demo::generate(seed, hazards))?,
                };
                println!("onemap: built {} with {n} features", store.display());
            } else if osm.is_some() {
                println!("onemap: {} exists; delete it to rebuild from OpenStreetMap", store.display());
            }
            demo_accounts::ensure(&s, &store)?;
            if no_serve {
                return Ok(());
            }
            serve(s, &store, args).await
        }
        Command::User { command } => user_cli::run(command),
        Command::Import(args) => {
            let s = open_store(&args.store)?;
            let layer = parse_layer(&s, &args.layer)?;
            import_cli::run(&s, layer, &args)
        }
        Command::Export { file, layer, store } => {
            if !store.exists() {
                return Err(format!("no store at {}", store.display()).into());
            }
            let s = open_store(&store)?;
            let is_gpkg = file.extension().is_some_and(|e| e == "gpkg");
            match (is_gpkg, layer) {
                (true, None) => {
                    let n = onemap_import::export::to_gpkg(&s, &file)?;
                    println!("onemap: exported {n} features to {}", file.display());
                }
                (false, Some(layer)) => {
                    let layer = parse_layer(&s, &layer)?;
                    let fc = onemap_import::export::to_geojson(&s, layer)?;
                    std::fs::write(&file, serde_json::to_vec(&fc)?)?;
                    println!("onemap: exported {layer} to {}", file.display());
                }
                (true, Some(_)) => return Err("a .gpkg export takes every layer; drop --layer".into()),
                (false, None) => return Err("a GeoJSON export holds one layer: add --layer NAME".into()),
            }
            Ok(())
        }
    }
}

fn main() -> ExitCode {
    let json = std::env::var("ONEMAP_LOG_FORMAT").is_ok_and(|v| v == "json");
    let filter =
        tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,tower_http=info".into());
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
    let cli = Cli::parse();
    let rt = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("onemap: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("onemap: error: {e}");
            ExitCode::FAILURE
        }
    }
}
