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
    /// A group of an assignment is too far from any road (or not a position).
    #[error("groups[{index}].at: {source}")]
    Group {
        index: usize,
        #[source]
        source: RoutingError,
    },
    /// An evacuation route's shelter does not exist (or has no point).
    #[error("no shelter `{id}`")]
    NoShelter { id: String },
    /// The start and destination meet the road at one point: nothing to save.
    #[error("the start and the destination meet the road at the same point: there is no route to save")]
    EmptyRoute,
    /// Road ids that name no road of the network.
    #[error("names no road of the network (OpenStreetMap way ids, or roads-layer feature ids)")]
    UnknownRoads,
    /// A closure with no road in it, away from every road.
    #[error("no road of the network lies in that area or has those ids")]
    NothingClosed,
    /// A closure that follows a feature cannot be removed by hand.
    #[error("{id} follows its feature: change that feature (risk zone inactive, hazard status) to reopen")]
    AutomaticClosure { id: String },
    #[error("no closure {id}")]
    NoClosure { id: String },
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
