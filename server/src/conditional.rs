//! Conditional requests (RFC 9110 §13), in one place for features and tiles: entity tags,
//! `If-None-Match` (weak comparison: a 304 when the client has it) and `If-Match` (a feature's
//! version: a 412 when it is stale).

use crate::error::{ApiError, ApiResult};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// An entity tag as sent: `"3"` (a feature's version) or `W/"…"` (a tile).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ETag(String);

impl ETag {
    /// A tag as the model gives it (already quoted, maybe weak).
    pub fn new(tag: impl Into<String>) -> Self {
        ETag(tag.into())
    }

    /// The tag without its weakness marker, for weak comparison.
    fn opaque(&self) -> &str {
        opaque(&self.0)
    }

    /// The tag as a header value.
    pub fn header_value(&self) -> HeaderValue {
        HeaderValue::from_str(&self.0).unwrap_or(HeaderValue::from_static("\"0\""))
    }

    /// Whether the request's `If-None-Match` names this tag (or `*`): the client has it.
    pub fn matches_if_none_match(&self, headers: &HeaderMap) -> bool {
        headers
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(',').map(str::trim).any(|t| t == "*" || opaque(t) == self.opaque()))
    }

    /// A 304 carrying the tag and `extra` headers.
    pub fn not_modified(&self, extra: &[(HeaderName, HeaderValue)]) -> Response {
        let mut res = StatusCode::NOT_MODIFIED.into_response();
        self.set(&mut res);
        for (k, v) in extra {
            res.headers_mut().insert(k.clone(), v.clone());
        }
        res
    }

    /// Sets the `ETag` header of `res`.
    pub fn set(&self, res: &mut Response) {
        res.headers_mut().insert(header::ETAG, self.header_value());
    }
}

fn opaque(tag: &str) -> &str {
    tag.strip_prefix("W/").unwrap_or(tag)
}

/// The feature version an `If-Match` header demands: `None` without the header or with `*`;
/// a 412 for a tag that is no version.
pub fn if_match_version(headers: &HeaderMap) -> ApiResult<Option<i64>> {
    let Some(v) = headers.get(header::IF_MATCH) else { return Ok(None) };
    let raw = v.to_str().unwrap_or("").trim();
    if raw == "*" {
        return Ok(None);
    }
    opaque(raw).trim_matches('"').parse::<i64>().map(Some).map_err(|_| {
        ApiError::new(
            StatusCode::PRECONDITION_FAILED,
            "PreconditionFailed",
            format!("If-Match `{raw}` matches no version of this feature"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(name: HeaderName, v: &'static str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(name, HeaderValue::from_static(v));
        h
    }

    #[test]
    fn if_none_match_compares_weakly_and_takes_lists_and_star() {
        let tile = ETag::new("W/\"00ff-12\"");
        assert!(tile.matches_if_none_match(&headers(header::IF_NONE_MATCH, "\"00ff-12\"")));
        assert!(tile.matches_if_none_match(&headers(header::IF_NONE_MATCH, "\"x\", W/\"00ff-12\"")));
        assert!(tile.matches_if_none_match(&headers(header::IF_NONE_MATCH, "*")));
        assert!(!tile.matches_if_none_match(&headers(header::IF_NONE_MATCH, "\"00ff-13\"")));
        assert!(!tile.matches_if_none_match(&HeaderMap::new()));
        assert_eq!(tile.not_modified(&[]).status(), StatusCode::NOT_MODIFIED);
    }

    #[test]
    fn if_match_names_a_version() {
        assert_eq!(if_match_version(&headers(header::IF_MATCH, "\"7\"")).expect("ok"), Some(7));
        assert_eq!(if_match_version(&headers(header::IF_MATCH, "*")).expect("ok"), None);
        assert_eq!(if_match_version(&HeaderMap::new()).expect("ok"), None);
        assert!(if_match_version(&headers(header::IF_MATCH, "\"abc\"")).is_err());
    }
}
