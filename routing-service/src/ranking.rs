//! Places ranked by travel time: the nearest shelters with room for a group of people, and the
//! teams that reach an incident first. Positions are WGS84 lon/lat degrees.

use crate::{PlaceLayer, Result, RoutingService};
use onemap_model::Scope;
use onemap_model::{TeamKind, TeamStatus};
use onemap_routing::{PlaceIndex, Profile, Reached};
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// Places ranked by travel time, best first, with the index they come from.
#[derive(Clone)]
pub struct Ranking {
    pub places: Arc<PlaceIndex>,
    pub found: Vec<Reached>,
    pub profile: Profile,
}

/// The nearest shelters with room, and why others were left out.
#[derive(Clone)]
pub struct ShelterRanking {
    pub ranking: Ranking,
    /// Shelters with fewer free places than asked for.
    pub without_room: usize,
    /// Shelters inside a closed area.
    pub in_closed_areas: usize,
    /// Shelters no usable road reaches.
    pub off_the_network: usize,
}

/// Which teams may be dispatched: of this kind (any when `None`), with this status (any when `None`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TeamFilter {
    pub kind: Option<TeamKind>,
    pub status: Option<TeamStatus>,
}

impl TeamFilter {
    /// Teams on standby, of any kind.
    pub fn standby() -> Self {
        TeamFilter { kind: None, status: Some(TeamStatus::Standby) }
    }

    fn query(self) -> Vec<(String, String)> {
        let mut f = Vec::new();
        if let Some(k) = self.kind {
            f.push(("kind".to_owned(), k.as_str().to_owned()));
        }
        if let Some(s) = self.status {
            f.push(("status".to_owned(), s.as_str().to_owned()));
        }
        f
    }
}

impl RoutingService {
    /// The `k` shelters a caller with `scope` sees with at least `people` free places that are
    /// fastest to reach on `profile` from `at` (WGS84 lon/lat degrees, snapped within `snap_m`
    /// metres).
    pub fn nearest_shelters(
        &self,
        scope: &Scope,
        at: [f64; 2],
        k: usize,
        people: i64,
        profile: Profile,
        snap_m: f64,
    ) -> Result<ShelterRanking> {
        self.refresh()?;
        let net = self.engine.network(profile)?;
        let from = net.snap("the position", at[0], at[1], snap_m)?;
        let places = self.places(PlaceLayer::SHELTERS, net, &[], scope)?;
        let found = net.nearest_places(&places, &from, k, people);
        Ok(ShelterRanking {
            without_room: places.places.iter().filter(|s| s.free < people).count(),
            in_closed_areas: self.shelters_in_closed_areas.load(Ordering::Acquire),
            off_the_network: places.unsnapped(),
            ranking: Ranking { places, found, profile },
        })
    }

    /// The `k` teams a caller with `scope` sees passing `filter` that reach `at` (WGS84 lon/lat
    /// degrees, snapped within `snap_m` metres) first on `profile`, from their current positions.
    pub fn dispatch(
        &self,
        scope: &Scope,
        at: [f64; 2],
        k: usize,
        filter: TeamFilter,
        profile: Profile,
        snap_m: f64,
    ) -> Result<Ranking> {
        self.refresh()?;
        let net = self.engine.network(profile)?;
        let target = net.snap("the incident", at[0], at[1], snap_m)?;
        let places = self.places(PlaceLayer::TEAMS, net, &filter.query(), scope)?;
        let found = net.fastest_to(&places, &target, k);
        Ok(Ranking { places, found, profile })
    }
}
