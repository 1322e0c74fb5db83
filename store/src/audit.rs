//! The audit trail: who did what, when, from where. Every write, import, closure, login, failed
//! login, key use from a new address and account change is one row. [`AuditLog`] is the seam;
//! the GeoPackage store keeps the rows in `onemap_audit`.

use chrono::{DateTime, Utc};

/// What an audit entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditKind {
    /// A feature write (POST, PUT, PATCH, DELETE), an evacuation route saved.
    Write,
    /// A survey upload.
    Import,
    /// A road closed or reopened.
    Closure,
    Login,
    LoginFailed,
    Logout,
    /// An API key used from an address it had not been used from since the server started.
    NewAddress,
    /// An account created, disabled, re-keyed or given a new password.
    Account,
    /// A request refused for the caller's role or scope.
    Refused,
}

impl AuditKind {
    pub const ALL: [AuditKind; 9] = [
        AuditKind::Write,
        AuditKind::Import,
        AuditKind::Closure,
        AuditKind::Login,
        AuditKind::LoginFailed,
        AuditKind::Logout,
        AuditKind::NewAddress,
        AuditKind::Account,
        AuditKind::Refused,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AuditKind::Write => "write",
            AuditKind::Import => "import",
            AuditKind::Closure => "closure",
            AuditKind::Login => "login",
            AuditKind::LoginFailed => "login_failed",
            AuditKind::Logout => "logout",
            AuditKind::NewAddress => "new_address",
            AuditKind::Account => "account",
            AuditKind::Refused => "refused",
        }
    }

    pub fn parse(s: &str) -> Option<AuditKind> {
        AuditKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// An entry to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAuditEntry {
    /// The account (never a header's claim); `None` for a failed login's unknown name or an
    /// open store's anonymous caller.
    pub account: Option<String>,
    pub kind: AuditKind,
    /// The client's address, when known.
    pub address: Option<String>,
    /// What was acted on: `POST /collections/hazards/items`, an account name.
    pub target: String,
    /// What happened: the status, what changed.
    pub detail: String,
}

/// A recorded entry.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuditEntry {
    pub seq: i64,
    #[serde(serialize_with = "timestamp")]
    pub at: DateTime<Utc>,
    pub account: Option<String>,
    pub kind: String,
    pub address: Option<String>,
    pub target: String,
    pub detail: String,
}

fn timestamp<S: serde::Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&onemap_model::format_timestamp(*t))
}

/// Which entries to read, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    pub since: Option<DateTime<Utc>>,
    pub account: Option<String>,
    pub kind: Option<AuditKind>,
    pub limit: usize,
}

/// The audit trail. `record` is durable before it returns.
pub trait AuditLog: Send + Sync {
    fn record(&self, entry: &NewAuditEntry) -> crate::Result<()>;
    fn audit(&self, q: &AuditQuery) -> crate::Result<Vec<AuditEntry>>;
}

/// Where audit rows are kept.
pub trait AuditBook {
    fn insert_audit(&mut self, at: DateTime<Utc>, entry: &NewAuditEntry) -> crate::Result<()>;
    fn load_audit(&mut self, q: &AuditQuery) -> crate::Result<Vec<AuditEntry>>;
}

impl<P: crate::indexed::Persist + AuditBook + Send> AuditLog for crate::indexed::IndexedStore<P> {
    fn record(&self, entry: &NewAuditEntry) -> crate::Result<()> {
        self.persist().insert_audit(crate::indexed::plan::now(), entry)
    }

    fn audit(&self, q: &AuditQuery) -> crate::Result<Vec<AuditEntry>> {
        self.persist().load_audit(q)
    }
}
