//! Browser sessions: `POST /auth/login` with `{"name", "password"}` sets the session cookie
//! (`HttpOnly`, `SameSite=Strict`, `Secure` when the public URL is https; the session is kept in
//! the store, hashed, and ends after `ServiceInfo::session_hours`); `POST /auth/logout` ends it.
//! Failed logins are rate-limited per account and address (429 with `Retry-After`) and audited.

use super::{cookie, Auth, Caller, ClientAddress};
use crate::body::JsonBody;
#[allow(unused_imports)]
use crate::error::Exception;
use crate::error::{ApiError, ApiResult};
use crate::AppState;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use onemap_store::audit::NewAuditEntry;
use onemap_store::AuditKind;
use serde_json::Value;
use std::sync::Arc;
use std::time::Instant;

/// The session cookie's name.
pub const COOKIE: &str = "onemap_session";

fn auth(state: &AppState) -> ApiResult<Arc<Auth>> {
    state.auth.clone().ok_or_else(|| {
        ApiError::new(StatusCode::NOT_FOUND, "NotFound", "this server keeps no accounts: there is nothing to log in to")
    })
}

fn set_cookie(state: &AppState, value: &str, max_age_s: i64) -> HeaderValue {
    let secure = state.info.public_url.as_deref().is_some_and(|u| u.starts_with("https://"));
    let cookie = format!(
        "{COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age_s}{}",
        if secure { "; Secure" } else { "" }
    );
    HeaderValue::from_str(&cookie).unwrap_or_else(|_| HeaderValue::from_static("onemap_session=; Max-Age=0"))
}

/// `POST /auth/login`.
#[utoipa::path(post, path = "/auth/login", tag = "auth", request_body(content = Object, description = "{\"name\", \"password\"}"), responses((status = 200, description = "logged in: the session cookie is set; the body is the account (as /auth/me)", body = super::Me), (status = 400, description = "a bad parameter or value, named in `field`", body = Exception), (status = 401, description = "wrong name or password, or a disabled account", body = Exception), (status = 429, description = "too many failed logins for this account or address; Retry-After says how long to wait", body = Exception)))]
pub async fn login(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let auth = auth(&state)?;
    let text = |k: &str| body.get(k).and_then(Value::as_str).map(str::to_owned);
    let name = text("name").ok_or_else(|| ApiError::bad_param("name", "is required (a string)"))?;
    let password = text("password").ok_or_else(|| ApiError::bad_param("password", "is required (a string)"))?;
    let entry = |account: Option<String>, kind, detail: &str| NewAuditEntry {
        account,
        kind,
        address: address.map(|a| a.to_string()),
        target: name.clone(),
        detail: detail.to_owned(),
    };
    let blocked = auth.failures.lock().blocked(&name, address, Instant::now());
    if let Some(wait) = blocked {
        let a = Arc::clone(&auth);
        let e = entry(None, AuditKind::LoginFailed, "refused: too many failed logins");
        crate::blocking(move || a.record(e)).await?;
        tracing::warn!(account = %name, address = ?address, "login refused: too many failures");
        let mut res = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "TooManyRequests",
            format!("too many failed logins; try again in {} s", wait.as_secs().max(1)),
        )
        .into_response();
        res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(wait.as_secs().max(1)));
        return Ok(res);
    }
    let hours = state.info.session_hours;
    let (a, n, p) = (Arc::clone(&auth), name.clone(), password);
    let opened = crate::blocking(move || -> Result<_, onemap_store::AccountError> {
        match a.security.check_password(&n, &p)? {
            Some(account) => {
                let (token, expires) = a.security.open_session(&n, chrono::Duration::hours(hours))?;
                Ok(Some((account, token, expires)))
            }
            None => Ok(None),
        }
    })
    .await?
    .map_err(ApiError::internal)?;
    let Some((account, token, expires)) = opened else {
        auth.failures.lock().failed(&name, address, Instant::now());
        let a = Arc::clone(&auth);
        let e = entry(None, AuditKind::LoginFailed, "wrong name or password, or a disabled account");
        crate::blocking(move || a.record(e)).await?;
        tracing::warn!(account = %name, address = ?address, "failed login");
        return Err(ApiError::new(StatusCode::UNAUTHORIZED, "Unauthorized", "wrong name or password"));
    };
    auth.failures.lock().succeeded(&name);
    let a = Arc::clone(&auth);
    let e = entry(Some(account.name.clone()), AuditKind::Login, &format!("session until {expires}"));
    crate::blocking(move || a.record(e)).await?;
    let me = super::Me::of(&Caller(Some(account)), state.store.registry(), false);
    let mut res = Json(me).into_response();
    let max_age = (expires - chrono::Utc::now()).num_seconds().max(0);
    res.headers_mut().insert(header::SET_COOKIE, set_cookie(&state, &token, max_age));
    Ok(res)
}

/// `POST /auth/logout`.
#[utoipa::path(post, path = "/auth/logout", tag = "auth", responses((status = 204, description = "the session (if any) is ended and the cookie cleared")))]
pub async fn logout(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    caller: Caller,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let auth = auth(&state)?;
    let mut res = StatusCode::NO_CONTENT.into_response();
    res.headers_mut().insert(header::SET_COOKIE, set_cookie(&state, "", 0));
    let Some(token) = cookie(&headers, COOKIE).map(str::to_owned) else { return Ok(res) };
    let account = caller.0.map(|a| a.name);
    let a = Arc::clone(&auth);
    crate::blocking(move || {
        a.forget(&token);
        a.security.end_session(&token)?;
        if account.is_some() {
            let target = account.clone().unwrap_or_default();
            let e = NewAuditEntry {
                account,
                kind: AuditKind::Logout,
                address: address.map(|a| a.to_string()),
                target,
                detail: "session ended".into(),
            };
            a.record(e);
        }
        Ok::<_, onemap_store::AccountError>(())
    })
    .await?
    .map_err(ApiError::internal)?;
    Ok(res)
}
