//! What can go wrong when building a road network or answering a routing question.

use crate::profile::Profile;

/// A routing error; the messages are meant for the person who asked.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum RoutingError {
    /// The input has no road this profile may use.
    #[error("no road usable on {profile} in the road network")]
    NoRoads { profile: Profile },
    /// The nearest usable road is farther than the snap limit.
    #[error("{what} ({lon:.6}, {lat:.6}) is {distance_m:.0} m from the nearest road usable on {profile}; the limit is {limit_m:.0} m")]
    TooFar { what: &'static str, lon: f64, lat: f64, distance_m: f64, limit_m: f64, profile: Profile },
    /// A coordinate is not a WGS84 lon/lat position.
    #[error("{what} ({lon}, {lat}) is not a longitude/latitude in degrees")]
    BadCoordinate { what: &'static str, lon: f64, lat: f64 },
    /// No path joins the two points (closures can cut the network).
    #[error("no {profile} route from {from} to {to}: the roads between them are closed or one-way against you")]
    Unreachable { profile: Profile, from: String, to: String },
    /// A saved prepared graph could not be read or written.
    #[error("prepared graph {path}: {reason}")]
    Saved { path: String, reason: String },
}

pub type Result<T, E = RoutingError> = std::result::Result<T, E>;
