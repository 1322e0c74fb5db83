//! Evacuation assignment: groups of people (villages, points) to places with room (shelters),
//! never over a place's free places, by travel time.
//!
//! The method is greedy and documented as such: every (group, place) pair among each group's
//! `candidates` fastest places with room is sorted by travel time, fastest first; each pair in
//! turn moves as many of the group's remaining people as the place still has room for (a group
//! may be split). Groups with people left are then offered every place that still has room, in
//! the same way. Who cannot be placed (no reachable room left) is listed. Greedy by time is not
//! a min-cost flow: it can leave a slightly larger total travel time than the optimum, but it
//! never exceeds a capacity and never leaves people unplaced while a place they can reach has room.

use crate::network::Network;
use crate::places::PlaceIndex;
use crate::route::Route;
use crate::snap::Snap;

/// People to move from one snapped point.
#[derive(Debug, Clone)]
pub struct Group {
    pub snap: Snap,
    pub people: i64,
}

/// Some of a group's people sent to one place.
#[derive(Debug, Clone)]
pub struct Placement {
    /// Index into the groups.
    pub group: usize,
    /// Index into [`PlaceIndex::places`].
    pub place: usize,
    pub people: i64,
    pub route: Route,
}

/// The result: placements and, per group, the people left without a place.
#[derive(Debug, Clone, Default)]
pub struct Assignment {
    pub placements: Vec<Placement>,
    /// `(group, people)` for every group with people left.
    pub unplaced: Vec<(usize, i64)>,
}

impl Network {
    /// Assigns `groups` to the places of `idx` (their `free` is the room), looking first at each
    /// group's `candidates` fastest places.
    pub fn assign(&self, idx: &PlaceIndex, groups: &[Group], candidates: usize) -> Assignment {
        let mut left: Vec<i64> = groups.iter().map(|g| g.people.max(0)).collect();
        let mut room: Vec<i64> = idx.places.iter().map(|p| p.free.max(0)).collect();
        let mut out = Assignment::default();
        for round in 0..2 {
            let mut pairs: Vec<(f64, usize, usize, Route)> = Vec::new();
            for (g, group) in groups.iter().enumerate() {
                if left[g] == 0 {
                    continue;
                }
                if round == 0 {
                    for r in self.nearest_places(idx, &group.snap, candidates, 1) {
                        pairs.push((r.route.duration_s, g, r.place, r.route));
                    }
                } else {
                    // Only the places that still have room.
                    for (p, s) in idx.snaps.iter().enumerate().filter(|(p, _)| room[*p] > 0) {
                        if let Some(route) = s.as_ref().and_then(|s| self.route_between(&group.snap, s)) {
                            pairs.push((route.duration_s, g, p, route));
                        }
                    }
                }
            }
            pairs.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
            for (_, g, p, route) in pairs {
                let take = left[g].min(room[p]);
                if take > 0 {
                    left[g] -= take;
                    room[p] -= take;
                    out.placements.push(Placement { group: g, place: p, people: take, route });
                }
            }
            if left.iter().all(|&l| l == 0) {
                break;
            }
        }
        out.unplaced = left.iter().enumerate().filter(|(_, &l)| l > 0).map(|(g, &l)| (g, l)).collect();
        out
    }
}
