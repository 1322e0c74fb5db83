//! Road routing for evacuation and dispatch.
//!
//! A [`RoadGraph`] is built once from OpenStreetMap ways (junctions as nodes, the road between
//! two junctions as an edge with its shape); each [`Profile`] (foot, car, rescue) gets a
//! [`Network`]: the largest strongly connected part of the graph it may use, its contraction
//! hierarchy (fast_paths) and an R-tree of road segments to snap positions to. All positions are
//! WGS84 lon/lat degrees; lengths are metres; times are milliseconds inside, seconds outside.

pub mod assign;
pub mod closure;
pub mod coverage;
pub mod dijkstra;
pub mod engine;
mod error;
pub mod graph;
pub mod isochrone;
pub mod network;
pub mod places;
pub mod prepared;
pub mod profile;
mod query;
pub mod route;
mod scc;
pub mod snap;
pub mod way;

pub use closure::{Closed, EdgeIndex};
pub use engine::Engine;
pub use error::{Result, RoutingError};
pub use graph::RoadGraph;
pub use network::Network;
pub use places::{Place, PlaceIndex, Reached};
pub use profile::Profile;
pub use route::Route;
pub use snap::Snap;
pub use way::Way;
