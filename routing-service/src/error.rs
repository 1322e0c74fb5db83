//! What can go wrong in the routing service.

use onemap_routing::RoutingError;
use onemap_store::StoreError;

/// Why a routing question could not be answered. `Routing` and `Store` carry the caller's
/// errors (a position far from any road, an unknown filter) as well as internal ones; ask them.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error(transparent)]
    Routing(#[from] RoutingError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Closures(#[from] crate::BookError),
    /// The store was dropped while the service still ran (shutting down).
    #[error("the store is gone")]
    StoreGone,
}

/// Why the road network could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{path}: {source}")]
    Extract {
        path: String,
        #[source]
        source: onemap_osm::OsmError,
    },
    #[error("reading the roads layer: {0}")]
    Store(#[from] StoreError),
    #[error("preparing the road network: {0}")]
    Build(#[from] RoutingError),
}

/// Result alias for routing-service calls.
pub type Result<T, E = ServiceError> = std::result::Result<T, E>;
