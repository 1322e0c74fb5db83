//! `GET /audit?since=&account=&kind=&limit=`: the audit trail, newest first (admin and
//! commander: see the role table).

#[allow(unused_imports)]
use crate::error::Exception;
use crate::error::{ApiError, ApiResult};
use crate::ogc::params;
use crate::AppState;
use axum::extract::{RawQuery, State};
use axum::Json;
use onemap_store::audit::{AuditEntry, AuditQuery};
use onemap_store::AuditKind;

/// The answer of `GET /audit`.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct AuditPage {
    /// `{seq, at, account, kind, address, target, detail}`, newest first.
    #[schema(value_type = Vec<Object>)]
    pub entries: Vec<AuditEntry>,
}

/// `GET /audit`.
#[utoipa::path(get, path = "/audit", tag = "auth", params(("since" = Option<String>, Query, description = "RFC 3339 time: entries at or after it"), ("account" = Option<String>, Query, description = "one account's entries"), ("kind" = Option<String>, Query, description = "write, import, closure, login, login_failed, logout, new_address, account or refused"), ("limit" = Option<u32>, Query, description = "at most this many (1–10000, default 500)")), responses((status = 200, description = "the audit trail, newest first", body = AuditPage), (status = 400, description = "a bad parameter or value, named in `field`", body = Exception), (status = 403, description = "the role may not read the audit trail", body = Exception)))]
pub async fn list(State(state): State<AppState>, RawQuery(raw): RawQuery) -> ApiResult<Json<AuditPage>> {
    let auth = state.auth.clone().ok_or_else(|| ApiError::not_found("this server keeps no audit trail"))?;
    let mut q = AuditQuery { limit: 500, ..AuditQuery::default() };
    for (k, v) in params::pairs(raw.as_deref())? {
        match k.as_str() {
            "since" => {
                let t = chrono::DateTime::parse_from_rfc3339(&v)
                    .map_err(|e| ApiError::bad_param("since", format!("`{v}` is not an RFC 3339 time: {e}")))?;
                q.since = Some(t.with_timezone(&chrono::Utc));
            }
            "account" => q.account = Some(v),
            "kind" => {
                let names: Vec<&str> = AuditKind::ALL.iter().map(|k| k.as_str()).collect();
                q.kind = Some(AuditKind::parse(&v).ok_or_else(|| {
                    ApiError::bad_param("kind", format!("`{v}` is not a kind; use one of {}", names.join(", ")))
                })?);
            }
            "limit" => {
                q.limit = v
                    .parse::<usize>()
                    .ok()
                    .filter(|n| (1..=10_000).contains(n))
                    .ok_or_else(|| ApiError::bad_param("limit", "must be a whole number in 1..=10000"))?;
            }
            other => return Err(ApiError::bad_param(other, "unknown parameter; use since, account, kind, limit")),
        }
    }
    let entries = crate::blocking(move || auth.security.audit(&q)).await?.map_err(ApiError::internal)?;
    Ok(Json(AuditPage { entries }))
}
