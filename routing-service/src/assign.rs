//! Groups of people to shelters with room, never over a shelter's free places, by travel time
//! (greedy; see `onemap_routing::assign`). Positions are WGS84 lon/lat degrees.

use crate::{PlaceLayer, Result, RoutingService, ServiceError};
use onemap_model::Scope;
use onemap_routing::assign::{Assignment, Group};
use onemap_routing::{PlaceIndex, Profile};
use std::sync::Arc;

/// One group to place.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupRequest {
    pub id: String,
    /// WGS84 lon/lat degrees.
    pub at: [f64; 2],
    pub people: i64,
}

/// Where every group goes, with the shelters it was computed over.
#[derive(Clone)]
pub struct Placed {
    pub shelters: Arc<PlaceIndex>,
    pub assignment: Assignment,
    pub profile: Profile,
}

impl RoutingService {
    /// Places `groups` in the shelters a caller with `scope` sees with room on `profile`, trying each group's `candidates`
    /// fastest shelters first; a group farther than `snap_m` metres from a road is an error
    /// naming it. CPU work: call it off async threads.
    pub fn assign(
        &self,
        scope: &Scope,
        groups: &[GroupRequest],
        candidates: usize,
        profile: Profile,
        snap_m: f64,
    ) -> Result<Placed> {
        self.refresh()?;
        let net = self.engine.network(profile)?;
        let snapped = groups
            .iter()
            .enumerate()
            .map(|(index, g)| {
                net.snap("a group", g.at[0], g.at[1], snap_m)
                    .map(|snap| Group { snap, people: g.people })
                    .map_err(|source| ServiceError::Group { index, source })
            })
            .collect::<Result<Vec<_>>>()?;
        let shelters = self.places(PlaceLayer::SHELTERS, net, &[], scope)?;
        let assignment = net.assign(&shelters, &snapped, candidates);
        Ok(Placed { shelters, assignment, profile })
    }
}
