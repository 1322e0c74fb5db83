//! Who calls, and what they may do. Programs send `Authorization: Bearer <key>` (`onemap user add`
//! prints one); the page logs in (`POST /auth/login`) and sends the session cookie. Once the
//! store has any account, every request but the page's static files, login and the OGC landing
//! and conformance documents must name one (401 with `WWW-Authenticate`); a store without
//! accounts serves openly, and `serve` allows that only on a loopback address (protected mode).
//!
//! Then the route's rule ([`policy::RULES`]) is applied; a cookie-authenticated unsafe request
//! must also carry a JSON or multipart body type and this server's `Origin` (CSRF); writes,
//! refusals and new addresses go to the audit trail ([`audit`]).

pub mod audit;
mod limit;
mod session;
pub mod sso;

use crate::error::{ApiError, ApiResult, Exception};
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
use onemap_store::audit::NewAuditEntry;
use onemap_store::Writer;
use onemap_store::{AuditKind, Security};
use parking_lot::Mutex;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// A verified token: the account's name and, for a session, when it ends.
type Verified = (String, Option<chrono::DateTime<chrono::Utc>>);

/// Accounts and the keys and sessions already verified (argon2 runs once per key or session,
/// not per request; the account row is still read every time, so disabling it takes effect at
/// once).
pub struct Auth {
    security: Arc<dyn Security>,
    /// Verified keys and session tokens: the account's name and, for a session, when it ends.
    verified: Mutex<HashMap<String, Verified>>,
    /// Failed logins, per account and per address.
    failures: Mutex<limit::Failures>,
    /// The identity provider whose JWTs are accepted, if one is configured.
    sso: Option<sso::Sso>,
    /// The (key id, address) pairs seen since start: a key used from a new address is audited.
    seen: Mutex<std::collections::HashSet<(String, Option<IpAddr>)>>,
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

/// `GET /auth/me`: who the caller is and what the role table lets it do (the page hides the
/// controls it may not use).
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Me {
    /// `None` on a store without accounts (open, loopback only).
    pub name: Option<String>,
    pub role: Option<String>,
    pub township: Option<String>,
    /// Whether the store has no accounts and serves everyone.
    pub open: bool,
    /// The layers the caller writes.
    pub writes: Vec<&'static str>,
    pub closures: bool,
    pub imports: bool,
    pub audit: bool,
    /// History, analyses, routing and the page's configuration (not for partner systems).
    pub internal: bool,
}

impl Me {
    /// What `caller` is and may do on a deployment with `registry`'s layers; `open`: the server
    /// keeps no accounts (then an anonymous caller may do everything, else nothing).
    pub fn of(caller: &Caller, registry: &onemap_model::Registry, open: bool) -> Me {
        let a = caller.0.as_ref();
        let may = |check: fn(&Grants) -> bool| if a.is_some() { caller.may(check) } else { open };
        let writes = registry.layers().iter().filter(|l| match caller.role() {
            Some(r) => r.may_write(**l),
            None => open,
        });
        Me {
            name: a.map(|a| a.name.clone()),
            role: a.map(|a| a.role.to_string()),
            township: a.and_then(|a| a.township.clone()),
            open: a.is_none() && open,
            writes: writes.map(|l| l.as_str()).collect(),
            closures: may(|g| g.closures),
            imports: may(|g| g.imports),
            audit: may(|g| g.audit),
            internal: may(|g| g.internal_reads),
        }
    }
}

impl Auth {
    pub fn new(security: Arc<dyn Security>) -> Self {
        Auth {
            security,
            verified: Mutex::new(HashMap::new()),
            failures: Mutex::default(),
            sso: None,
            seen: Mutex::default(),
            has_accounts: std::sync::atomic::AtomicBool::new(false),
            last_asked: Mutex::new(None),
        }
    }

    /// Accepts the JWTs of `sso` as well.
    #[must_use]
    pub fn with_sso(mut self, sso: sso::Sso) -> Self {
        self.sso = Some(sso);
        self
    }

    /// Whether a caller must name an account (always, with single sign-on).
    fn accounts_exist(&self) -> Result<bool, ApiError> {
        use std::sync::atomic::Ordering;
        if self.sso.is_some() || self.has_accounts.load(Ordering::Acquire) {
            return Ok(true);
        }
        let mut last = self.last_asked.lock();
        if last.is_some_and(|t| t.elapsed() < std::time::Duration::from_secs(1)) {
            return Ok(false);
        }
        let has = self.security.has_accounts().map_err(ApiError::internal)?;
        *last = Some(std::time::Instant::now());
        self.has_accounts.store(has, Ordering::Release);
        Ok(has)
    }

    /// The enabled account a key (`om_…`) or session token (`os_…`) belongs to.
    fn by_token(&self, token: &str) -> Result<Option<Account>, ApiError> {
        let known = self.verified.lock().get(token).cloned();
        if let Some((name, expires)) = known {
            let live = expires.is_none_or(|t| t > chrono::Utc::now());
            let account = self.security.account(&name).map_err(ApiError::internal)?;
            if let Some(a) = account.filter(|a| live && !a.disabled) {
                return Ok(Some(a));
            }
            self.verified.lock().remove(token);
            return Ok(None);
        }
        let found = if token.starts_with("os_") {
            self.security.check_session(token).map_err(ApiError::internal)?.map(|(a, t)| (a, Some(t)))
        } else {
            self.security.check_key(token).map_err(ApiError::internal)?.map(|a| (a, None))
        };
        Ok(found.map(|(a, expires)| {
            self.verified.lock().insert(token.to_owned(), (a.name.clone(), expires));
            a
        }))
    }

    /// The account a JWT vouches for, unless a local account of that name is disabled.
    fn by_jwt(&self, sso: &sso::Sso, token: &str) -> Result<Result<Account, String>, ApiError> {
        let a = match sso.account(token) {
            Ok(a) => a,
            Err(e) => return Ok(Err(e.to_string())),
        };
        let local = self.security.account(&a.name).map_err(ApiError::internal)?;
        if local.is_some_and(|l| l.disabled) {
            return Ok(Err(format!("the account `{}` is disabled here", a.name)));
        }
        Ok(Ok(a))
    }

    /// Forgets a token (a session ended by logout).
    fn forget(&self, token: &str) {
        self.verified.lock().remove(token);
    }

    /// Records `entry`; a failure is logged, never answered (the request's own work is done).
    pub fn record(&self, entry: NewAuditEntry) {
        if let Err(e) = self.security.record(&entry) {
            tracing::error!(error = %e, kind = entry.kind.as_str(), target = %entry.target, "cannot record an audit entry");
        }
    }

    /// Whether `key` is used from `address` for the first time since start.
    fn new_address(&self, key: &str, address: Option<IpAddr>) -> bool {
        let id = key.split('_').nth(1).unwrap_or_default().to_owned();
        self.seen.lock().insert((id, address))
    }
}

/// How a request named its caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Credential {
    Key,
    Session,
    Jwt,
}

/// The client's address, when the server was started with connection info.
pub fn client_address(req: &axum::http::request::Parts) -> Option<IpAddr> {
    req.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip())
}

/// The client's address as an extractor (`None` without connection info, as in tests).
pub struct ClientAddress(pub Option<IpAddr>);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddress(client_address(parts)))
    }
}

/// The value of cookie `name`.
fn cookie<'a>(headers: &'a axum::http::HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find_map(|(k, v)| (k == name).then_some(v))
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

/// The origin this server is reached at: the public URL's, else the request's own.
pub fn own_origin(state: &AppState, headers: &axum::http::HeaderMap) -> Option<String> {
    if let Some(url) = &state.info.public_url {
        let (scheme, rest) = url.split_once("://")?;
        return Some(format!("{scheme}://{}", rest.split('/').next().unwrap_or_default()));
    }
    let host = headers.get(header::HOST)?.to_str().ok()?;
    let https = headers.get("x-forwarded-proto").is_some_and(|p| p.as_bytes() == b"https");
    Some(format!("{}://{host}", if https { "https" } else { "http" }))
}

/// Why a cookie-authenticated unsafe request is refused (CSRF), if it is.
fn cross_site(state: &AppState, parts: &axum::http::request::Parts) -> Option<&'static str> {
    if matches!(parts.method, axum::http::Method::GET | axum::http::Method::HEAD | axum::http::Method::OPTIONS) {
        return None;
    }
    let ct = parts.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let ct = ct.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    let typed = matches!(
        ct.as_str(),
        "application/json" | "application/geo+json" | "application/merge-patch+json" | "multipart/form-data"
    );
    if !typed {
        return Some("a request with the session cookie must send a JSON (or multipart) body type");
    }
    let origin = parts.headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    if origin.is_none() || origin.map(str::to_owned) != own_origin(state, &parts.headers) {
        return Some("a request with the session cookie must come from this server's own page (Origin)");
    }
    None
}

/// Resolves the caller of every request (see the module documentation), applies the route's
/// rule ([`policy::RULES`]) and records writes and refusals in the audit trail.
pub async fn authenticate(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let Some(auth) = state.auth.clone() else { return next.run(req).await };
    let (mut parts, body) = req.into_parts();
    let bearer = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|k| k.trim().to_owned())
        .map(|k| {
            let jwt = auth.sso.is_some() && !k.starts_with("om_") && k.matches('.').count() == 2;
            (k, if jwt { Credential::Jwt } else { Credential::Key })
        });
    let credential = bearer.or_else(|| {
        cookie(&parts.headers, session::COOKIE).filter(|v| !v.is_empty()).map(|v| (v.to_owned(), Credential::Session))
    });
    let address = client_address(&parts);
    let caller = match credential {
        Some((token, Credential::Jwt)) => {
            let Some(sso) = &auth.sso else { return unauthorized("single sign-on is not configured") };
            match auth.by_jwt(sso, &token) {
                Ok(Ok(account)) => {
                    if auth.new_address(&format!("sso_{}", account.name), address) {
                        let entry = NewAuditEntry {
                            account: Some(account.name.clone()),
                            kind: AuditKind::NewAddress,
                            address: address.map(|a| a.to_string()),
                            target: format!("single sign-on {}", account.name),
                            detail: "a token for this account was used from this address for the first time since the server started".into(),
                        };
                        let b = Arc::clone(&auth);
                        let _ = tokio::task::spawn_blocking(move || b.record(entry)).await;
                    }
                    Some((account, Credential::Jwt))
                }
                Ok(Err(why)) => return unauthorized(&why),
                Err(e) => return e.into_response(),
            }
        }
        Some((token, how)) => {
            let a = Arc::clone(&auth);
            let t = token.clone();
            match tokio::task::spawn_blocking(move || a.by_token(&t)).await {
                Ok(Ok(Some(account))) => {
                    if how == Credential::Key && auth.new_address(&token, address) {
                        let b = Arc::clone(&auth);
                        let entry = NewAuditEntry {
                            account: Some(account.name.clone()),
                            kind: AuditKind::NewAddress,
                            address: address.map(|a| a.to_string()),
                            target: format!("key {}", token.split('_').nth(1).unwrap_or_default()),
                            detail: "the key was used from this address for the first time since the server started"
                                .into(),
                        };
                        let _ = tokio::task::spawn_blocking(move || b.record(entry)).await;
                    }
                    Some((account, how))
                }
                Ok(Ok(None)) if how == Credential::Session => None, // an ended session: as if none
                Ok(Ok(None)) => return unauthorized("the API key is unknown or its account is disabled"),
                Ok(Err(e)) => return e.into_response(),
                Err(e) => return ApiError::internal(e).into_response(),
            }
        }
        None => None,
    };
    let route = parts.extensions.get::<MatchedPath>().map(|m| m.as_str().to_owned());
    let need = route.as_deref().and_then(|r| policy::rule(parts.method.as_str(), r));
    let public = is_static(parts.uri.path()) || need == Some(Need::Anyone);
    let refuse = |message: String| {
        let entry = NewAuditEntry {
            account: caller.as_ref().map(|(a, _)| a.name.clone()),
            kind: AuditKind::Refused,
            address: address.map(|a| a.to_string()),
            target: format!("{} {}", parts.method, parts.uri.path()),
            detail: message.clone(),
        };
        (entry, forbidden(message))
    };
    let refused = match &caller {
        None if public => None,
        None => match auth.accounts_exist() {
            Ok(true) => {
                return unauthorized("this server requires an account: log in, or send Authorization: Bearer <key>")
            }
            Ok(false) => None, // open mode: everything
            Err(e) => return e.into_response(),
        },
        Some((_, Credential::Session)) if cross_site(&state, &parts).is_some() => {
            cross_site(&state, &parts).map(|m| refuse(m.to_owned()))
        }
        Some(_) if public => None,
        Some((a, _)) => match (route.as_deref(), need) {
            (None, _) => None, // no such route: the router answers 404
            (Some(r), None) => Some(refuse(format!("{} {r} has no access rule", parts.method))),
            (Some(r), Some(n)) if !n.allows(a.role, state.store.registry()) => {
                Some(refuse(format!("the {} role may not {} {r}", a.role, parts.method)))
            }
            _ => None,
        },
    };
    if let Some((entry, res)) = refused {
        let a = Arc::clone(&auth);
        let _ = tokio::task::spawn_blocking(move || a.record(entry)).await;
        return res;
    }
    let kind = match need {
        Some(Need::LayerWrite) => Some(AuditKind::Write),
        Some(Need::Closures) => Some(AuditKind::Closure),
        Some(Need::Imports) if parts.method == axum::http::Method::POST => Some(AuditKind::Import),
        _ => None,
    };
    let target = format!("{} {}", parts.method, parts.uri.path());
    let account = caller.as_ref().map(|(a, _)| a.name.clone());
    parts.extensions.insert(Caller(caller.map(|(a, _)| a)));
    let res = next.run(Request::from_parts(parts, body)).await;
    if let Some(kind) = kind {
        let status = res.status();
        let kind = if status == StatusCode::FORBIDDEN { AuditKind::Refused } else { kind };
        let location = res.headers().get(header::LOCATION).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let detail = match location {
            Some(l) => format!("{} → {l}", status.as_u16()),
            None => status.as_u16().to_string(),
        };
        let entry = NewAuditEntry { account, kind, address: address.map(|a| a.to_string()), target, detail };
        let _ = tokio::task::spawn_blocking(move || auth.record(entry)).await;
    }
    res
}

/// `/auth/*`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(me))
        .routes(routes!(session::login))
        .routes(routes!(session::logout))
        .routes(routes!(audit::list))
}

/// `GET /auth/me`: who the request is authenticated as.
#[utoipa::path(get, path = "/auth/me", tag = "auth", responses((status = 200, description = "the caller", body = Me), (status = 401, description = "no or a bad API key", body = Exception)))]
async fn me(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Me>> {
    let open = match &state.auth {
        Some(auth) => !auth.accounts_exist()?,
        None => true,
    };
    Ok(Json(Me::of(&caller, state.store.registry(), open)))
}
