//! Which route needs what: one rule per method and route, checked before any handler runs.
//! A route without a rule is refused (403) for everybody but an open store's loopback caller,
//! and the matrix test fails for it, so a new route cannot ship unguarded.
//!
//! The rules name the role table's columns ([`onemap_model::access::Grants`]); which layer a
//! write touches (and whether the caller's township holds the feature) is checked by the
//! handler, which knows the layer.

use onemap_model::access::{Grants, Reads};
use onemap_model::{Registry, Role};

/// What a route needs of its caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Nobody: the OGC landing and conformance documents, login, logout and who-am-I (which
    /// tells an anonymous caller to log in).
    Anyone,
    /// Any account; reads are cut to its scope, personal data removed for partner systems.
    Read,
    /// The bureau's own accounts: history, analyses, routing, closures, the page's configuration.
    Internal,
    /// An account that writes some layer (the handler checks the layer and the scope).
    LayerWrite,
    /// Road closures.
    Closures,
    /// Survey imports and their reports.
    Imports,
    /// The audit trail.
    Audit,
}

impl Need {
    /// Whether `role` may call a route with this rule.
    pub fn allows(self, role: Role, registry: &Registry) -> bool {
        let g: &Grants = role.grants();
        match self {
            Need::Anyone | Need::Read => true,
            Need::Internal => g.internal_reads,
            Need::LayerWrite => role.writes_layers(registry),
            Need::Closures => g.closures,
            Need::Imports => g.imports,
            Need::Audit => g.audit,
        }
    }
}

/// Every route's rule: method (HEAD follows GET), the route as the router declares it, and
/// what it needs.
pub const RULES: &[(&str, &str, Need)] = &[
    ("GET", "/", Need::Anyone),
    ("GET", "/conformance", Need::Anyone),
    ("POST", "/auth/login", Need::Anyone),
    ("POST", "/auth/logout", Need::Anyone),
    ("GET", "/auth/me", Need::Anyone),
    ("GET", "/api", Need::Read),
    ("GET", "/api.html", Need::Read),
    ("GET", "/collections", Need::Read),
    ("GET", "/collections/{collectionId}", Need::Read),
    ("GET", "/collections/{collectionId}/queryables", Need::Read),
    ("GET", "/collections/{collectionId}/items", Need::Read),
    ("POST", "/collections/{collectionId}/items", Need::LayerWrite),
    ("GET", "/collections/{collectionId}/items/{featureId}", Need::Read),
    ("PUT", "/collections/{collectionId}/items/{featureId}", Need::LayerWrite),
    ("PATCH", "/collections/{collectionId}/items/{featureId}", Need::LayerWrite),
    ("DELETE", "/collections/{collectionId}/items/{featureId}", Need::LayerWrite),
    ("GET", "/collections/{collectionId}/items/{featureId}/history", Need::Internal),
    ("GET", "/collections/{collectionId}/tiles", Need::Read),
    ("GET", "/collections/{collectionId}/tiles/{tileMatrixSetId}", Need::Read),
    ("GET", "/collections/{collectionId}/tiles/{tileMatrixSetId}/{tileMatrix}/{tileRow}/{tileCol}", Need::Read),
    ("GET", "/tileMatrixSets", Need::Read),
    ("GET", "/tileMatrixSets/{tileMatrixSetId}", Need::Read),
    ("GET", "/tiles.json", Need::Read),
    ("GET", "/tiles/{layers}", Need::Read),
    ("GET", "/tiles/{z}/{x}/{y}", Need::Read),
    ("GET", "/tiles/{layers}/{z}/{x}/{y}", Need::Read),
    ("POST", "/query/within", Need::Internal),
    ("GET", "/map/config.json", Need::Internal),
    ("GET", "/map/summary.json", Need::Internal),
    ("GET", "/styles/{name}", Need::Read),
    ("GET", "/sprites/{name}", Need::Read),
    ("GET", "/fonts/{fontstack}/{range}", Need::Read),
    ("POST", "/imports", Need::Imports),
    ("GET", "/imports", Need::Imports),
    ("GET", "/imports/{id}", Need::Imports),
    ("GET", "/routing/route", Need::Internal),
    ("GET", "/routing/nearest-shelters", Need::Internal),
    ("GET", "/routing/dispatch", Need::Internal),
    ("POST", "/routing/assign", Need::Internal),
    ("POST", "/routing/evacuation-routes", Need::LayerWrite),
    ("GET", "/routing/isochrone", Need::Internal),
    ("GET", "/routing/coverage", Need::Internal),
    ("GET", "/routing/coverage/{z}/{x}/{y}", Need::Internal),
    ("GET", "/routing/closures", Need::Internal),
    ("POST", "/routing/closures", Need::Closures),
    ("DELETE", "/routing/closures/{id}", Need::Closures),
    ("GET", "/audit", Need::Audit),
];

/// The rule of `method` on `route` (as the router declares it), if there is one.
pub fn rule(method: &str, route: &str) -> Option<Need> {
    let method = if method == "HEAD" { "GET" } else { method };
    RULES.iter().find(|(m, r, _)| *m == method && *r == route).map(|(_, _, n)| *n)
}

/// Whether a caller reading with `reads` gets personal data.
pub fn sees_personal(reads: Reads) -> bool {
    reads != Reads::WithoutPersonalData
}
