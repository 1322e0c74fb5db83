//! Who calls. Programs send `Authorization: Bearer <key>` (`onemap user add` prints one). Once
//! the store has any account, every request but the page's static files and the OGC landing and
//! conformance documents must name one (401 with `WWW-Authenticate`); a store without accounts
//! serves openly, and `serve` allows that only on a loopback address (protected mode).
//! The caller's role and scope are not yet applied per route (issue 13's next step).

use crate::error::{ApiError, Exception};
use crate::policy::{self, Need};
use crate::AppState;
use axum::extract::MatchedPath;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use onemap_model::access::Grants;
use onemap_model::{Account, Feature, GeoJsonFeature, LayerId, Role, Scope};
use onemap_store::accounts::AccountStore;
use onemap_store::Writer;
use parking_lot::Mutex;
use std::collections::HashMap;
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Accounts and the keys already verified (argon2 runs once per key, not per request; the
/// account row is still read every time, so disabling it takes effect at once).
pub struct Auth {
    accounts: Arc<dyn AccountStore>,
    verified: Mutex<HashMap<String, String>>,
    /// Whether the store has an account: once it has, it always has (accounts are disabled,
    /// never deleted). While it has none, the store is asked again at most once a second, so
    /// anonymous requests do not queue on the store's lock behind every write.
    has_accounts: std::sync::atomic::AtomicBool,
    last_asked: Mutex<Option<std::time::Instant>>,
}

/// The caller a request was authenticated as; absent on a store without accounts (open mode,
/// loopback only), which may do everything.
#[derive(Debug, Clone)]
pub struct Caller(pub Option<Account>);

impl Caller {
    /// The account's role; `None` in open mode.
    pub fn role(&self) -> Option<Role> {
        self.0.as_ref().map(|a| a.role)
    }

    /// The part of the map the caller reads and writes.
    pub fn scope(&self) -> Scope {
        self.0.as_ref().map_or(Scope::All, Account::scope)
    }

    /// What of `layer` the caller reads (context layers whole, others as scoped).
    pub fn reads(&self, layer: LayerId) -> Scope {
        self.scope().on(layer)
    }

    /// Whether personal properties are removed from what the caller reads.
    pub fn hides_personal(&self) -> bool {
        self.role().is_some_and(|r| !policy::sees_personal(r.grants().reads))
    }

    /// A feature as the caller may see it (personal properties removed for partner systems).
    pub fn geojson<'a>(&self, layer: LayerId, f: &'a Feature) -> GeoJsonFeature<'a> {
        let mut g = f.geojson();
        if self.hides_personal() {
            layer.def().strip_personal(&mut g.properties);
        }
        g
    }

    /// Whether the caller may do what `check` asks of its role's row (open mode: everything).
    pub fn may(&self, check: impl FnOnce(&Grants) -> bool) -> bool {
        self.role().is_none_or(|r| check(r.grants()))
    }

    /// Who writes: the account, within its scope (a township account writes only its
    /// township's features); on a store without accounts, `anonymous` over everything.
    pub fn writer(&self) -> Writer {
        match &self.0 {
            Some(a) => Writer { scope: a.scope(), actor: a.name.clone() },
            None => Writer::system(ANONYMOUS),
        }
    }

    /// The writer for `layer`, or 403 when the caller's role does not write it.
    pub fn writer_for(&self, layer: LayerId) -> Result<Writer, ApiError> {
        match self.role() {
            Some(r) if !r.may_write(layer) => {
                Err(ApiError::forbidden(format!("the {r} role does not write the {} layer", layer.as_str())))
            }
            _ => Ok(self.writer()),
        }
    }
}

/// The actor recorded for writes on a store without accounts.
pub const ANONYMOUS: &str = "anonymous";

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Caller {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts.extensions.get::<Caller>().cloned().unwrap_or(Caller(None)))
    }
}

/// `GET /auth/me`.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Me {
    /// `None` on a store without accounts (open, loopback only).
    pub name: Option<String>,
    pub role: Option<String>,
    pub township: Option<String>,
    /// Whether the store has no accounts and serves everyone.
    pub open: bool,
}

impl Auth {
    pub fn new(accounts: Arc<dyn AccountStore>) -> Self {
        Auth {
            accounts,
            verified: Mutex::new(HashMap::new()),
            has_accounts: std::sync::atomic::AtomicBool::new(false),
            last_asked: Mutex::new(None),
        }
    }

    /// Whether a caller must name an account.
    fn accounts_exist(&self) -> Result<bool, ApiError> {
        use std::sync::atomic::Ordering;
        if self.has_accounts.load(Ordering::Acquire) {
            return Ok(true);
        }
        let mut last = self.last_asked.lock();
        if last.is_some_and(|t| t.elapsed() < std::time::Duration::from_secs(1)) {
            return Ok(false);
        }
        let has = self.accounts.has_accounts().map_err(ApiError::internal)?;
        *last = Some(std::time::Instant::now());
        self.has_accounts.store(has, Ordering::Release);
        Ok(has)
    }

    /// The enabled account a key belongs to.
    fn by_key(&self, key: &str) -> Result<Option<Account>, ApiError> {
        let known = self.verified.lock().get(key).cloned();
        if let Some(name) = known {
            let account = self.accounts.account(&name).map_err(ApiError::internal)?;
            if let Some(a) = account.filter(|a| !a.disabled) {
                return Ok(Some(a));
            }
            self.verified.lock().remove(key);
            return Ok(None);
        }
        let account = self.accounts.check_key(key).map_err(ApiError::internal)?;
        if let Some(a) = &account {
            self.verified.lock().insert(key.to_owned(), a.name.clone());
        }
        Ok(account)
    }
}

fn unauthorized(message: &str) -> Response {
    let body = Exception { code: "Unauthorized", description: message.to_owned(), field: None };
    let mut res = (StatusCode::UNAUTHORIZED, Json(body)).into_response();
    res.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"onemap\""));
    res
}

fn forbidden(message: String) -> Response {
    ApiError::forbidden(message).into_response()
}

/// Paths anyone may fetch without a rule: the page's files.
fn is_static(path: &str) -> bool {
    path.starts_with("/static/")
}

/// Resolves the caller of every request (see the module documentation) and applies the route's
/// rule ([`policy::RULES`]).
pub async fn authenticate(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let Some(auth) = state.auth.clone() else { return next.run(req).await };
    let bearer = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|k| k.trim().to_owned());
    let caller = match bearer {
        Some(key) => {
            let auth = Arc::clone(&auth);
            let found = tokio::task::spawn_blocking(move || auth.by_key(&key)).await;
            match found {
                Ok(Ok(Some(a))) => Some(a),
                Ok(Ok(None)) => return unauthorized("the API key is unknown or its account is disabled"),
                Ok(Err(e)) => return e.into_response(),
                Err(e) => return ApiError::internal(e).into_response(),
            }
        }
        None => None,
    };
    let route = req.extensions().get::<MatchedPath>().map(|m| m.as_str().to_owned());
    let need = route.as_deref().and_then(|r| policy::rule(req.method().as_str(), r));
    let public = is_static(req.uri().path()) || need == Some(Need::Anyone);
    match &caller {
        None if public => {}
        None => match auth.accounts_exist() {
            Ok(true) => return unauthorized("this server requires an account: send Authorization: Bearer <key>"),
            Ok(false) => {} // open mode: everything
            Err(e) => return e.into_response(),
        },
        Some(_) if public => {}
        Some(a) => match (route.as_deref(), need) {
            (None, _) => {} // no such route: the router answers 404
            (Some(r), None) => return forbidden(format!("{} {r} has no access rule", req.method())),
            (Some(r), Some(n)) if !n.allows(a.role, state.store.registry()) => {
                return forbidden(format!("the {} role may not {} {r}", a.role, req.method()))
            }
            _ => {}
        },
    }
    req.extensions_mut().insert(Caller(caller));
    next.run(req).await
}

/// `/auth/*`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(me))
}

/// `GET /auth/me`: who the request is authenticated as.
#[utoipa::path(get, path = "/auth/me", tag = "auth", responses((status = 200, description = "the caller", body = Me), (status = 401, description = "no or a bad API key", body = Exception)))]
async fn me(Caller(account): Caller) -> Json<Me> {
    Json(match account {
        Some(a) => Me { name: Some(a.name), role: Some(a.role.to_string()), township: a.township, open: false },
        None => Me { name: None, role: None, township: None, open: true },
    })
}
