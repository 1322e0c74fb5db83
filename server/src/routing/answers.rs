//! The JSON answers of `/routing/*`: GeoJSON features and collections with typed properties.
//! Positions are WGS84 lon/lat degrees (7 decimals, about 1 cm); distances metres; durations
//! seconds, or minutes where the name says so.

use super::params::{round1, round7};
use onemap_routing::{Profile, Route};
use serde::Serialize;

/// A GeoJSON LineString.
#[derive(Debug, Serialize)]
pub struct Line {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub coordinates: Vec<[f64; 2]>,
}

impl Line {
    /// A route's line.
    pub fn of(r: &Route) -> Self {
        Line { kind: "LineString", coordinates: r.coords.iter().map(|c| [round7(c[0]), round7(c[1])]).collect() }
    }
}

/// What every route answer says of its route.
#[derive(Debug, Serialize)]
pub struct RouteProps {
    pub profile: &'static str,
    pub distance_m: f64,
    pub duration_s: f64,
    pub minutes: f64,
    /// How far the start and the destination were from the road they were snapped to.
    pub snap_from_m: f64,
    pub snap_to_m: f64,
}

impl RouteProps {
    pub fn of(r: &Route, profile: Profile) -> Self {
        RouteProps {
            profile: profile.as_str(),
            distance_m: round1(r.distance_m),
            duration_s: round1(r.duration_s),
            minutes: round1(r.duration_s / 60.0),
            snap_from_m: round1(r.from.distance_m),
            snap_to_m: round1(r.to.distance_m),
        }
    }
}

/// A GeoJSON Feature with typed properties.
#[derive(Debug, Serialize)]
pub struct Feature<G, P> {
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub geometry: G,
    pub properties: P,
}

impl<G, P> Feature<G, P> {
    pub fn new(id: Option<String>, geometry: G, properties: P) -> Self {
        Feature { kind: "Feature", id, geometry, properties }
    }
}

/// A GeoJSON FeatureCollection with foreign members (`meta`, flattened).
#[derive(Debug, Serialize)]
pub struct Collection<F, M> {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub features: Vec<F>,
    #[serde(flatten)]
    pub meta: M,
}

impl<F, M> Collection<F, M> {
    pub fn new(features: Vec<F>, meta: M) -> Self {
        Collection { kind: "FeatureCollection", features, meta }
    }
}

/// A route feature's properties: the route, the closures it avoided, the road network.
#[derive(Debug, Serialize)]
pub struct RouteAnswerProps<'a> {
    #[serde(flatten)]
    pub route: RouteProps,
    pub closures_avoided: &'a [onemap_routing_service::ClosureRef],
    pub roads: &'a str,
}

/// A ranked place's properties: its route, rank and name, and what its kind adds.
#[derive(Debug, Serialize)]
pub struct RankedProps<E> {
    #[serde(flatten)]
    pub route: RouteProps,
    pub rank: usize,
    pub name: String,
    #[serde(flatten)]
    pub extra: E,
}

/// What a shelter ranked by `nearest-shelters` adds.
#[derive(Debug, Serialize)]
pub struct ShelterExtra {
    pub shelter: String,
    pub free_places: i64,
}

/// What a team ranked by `dispatch` adds.
#[derive(Debug, Serialize)]
pub struct TeamExtra {
    pub team: String,
    pub members: i64,
    pub arrival_s: f64,
}

/// The members of a `nearest-shelters` answer besides its features.
#[derive(Debug, Serialize)]
pub struct ShelterMeta<'a> {
    pub profile: &'static str,
    pub people: i64,
    pub shelters_without_room: usize,
    pub shelters_in_closed_areas: usize,
    pub shelters_off_the_network: usize,
    pub roads: &'a str,
}

/// The members of a `dispatch` answer besides its features.
#[derive(Debug, Serialize)]
pub struct TeamMeta<'a> {
    pub profile: &'static str,
    pub teams_considered: usize,
    pub teams_off_the_network: usize,
    pub roads: &'a str,
}

/// One group placed in a shelter.
#[derive(Debug, Serialize)]
pub struct Placement<'a> {
    pub group: &'a str,
    pub shelter: &'a str,
    pub name: &'a str,
    pub people: i64,
    pub minutes: f64,
    pub distance_m: f64,
}

/// A shelter's load after an assignment.
#[derive(Debug, Serialize)]
pub struct ShelterLoad<'a> {
    pub shelter: &'a str,
    pub name: &'a str,
    pub free_before: i64,
    pub assigned: i64,
}

/// People of a group no shelter could take.
#[derive(Debug, Serialize)]
pub struct Unplaced<'a> {
    pub group: &'a str,
    pub people: i64,
    pub reason: &'static str,
}

/// `POST /routing/assign`.
#[derive(Debug, Serialize)]
pub struct AssignAnswer<'a> {
    pub profile: &'static str,
    pub method: &'static str,
    pub placements: Vec<Placement<'a>>,
    pub shelters: Vec<ShelterLoad<'a>>,
    pub unplaced: Vec<Unplaced<'a>>,
    pub people_placed: i64,
    pub people_unplaced: i64,
    pub person_minutes: f64,
}

/// An isochrone band's properties.
#[derive(Debug, Serialize)]
pub struct BandProps {
    pub minutes: f64,
    pub profile: &'static str,
    pub junctions_reached: usize,
    pub area_km2: f64,
}

/// The members of an isochrone answer besides its features.
#[derive(Debug, Serialize)]
pub struct IsochroneMeta<'a> {
    pub start: [f64; 2],
    pub roads: &'a str,
}

/// `GET /routing/coverage`.
#[derive(Debug, Serialize)]
pub struct CoverageAnswer<'a> {
    pub from: &'a str,
    pub profile: &'static str,
    pub minutes: f64,
    pub sources: usize,
    pub sources_off_the_network: usize,
    pub road_km: f64,
    pub road_km_beyond: f64,
    pub road_km_unreachable: f64,
    pub share_beyond: f64,
    pub villages_within: usize,
    pub villages_beyond: &'a [onemap_routing_service::VillageBeyond],
    pub tiles: String,
    pub computed_ms: u64,
    pub roads: &'a str,
}

/// A closure's properties.
#[derive(Debug, Serialize)]
pub struct ClosureProps<'a> {
    pub id: &'a str,
    pub origin: &'a str,
    pub reason: &'a str,
    pub created: chrono::DateTime<chrono::Utc>,
    pub created_by: &'a str,
    pub edges_closed: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<chrono::DateTime<chrono::Utc>>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub roads: &'a [onemap_routing_service::RoadRef],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub feature: Option<&'a str>,
    /// Milliseconds from the request to the closure being in force (a new closure only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effective_after_ms: Option<f64>,
}

/// The members of the closures list besides its features.
#[derive(Debug, Serialize)]
pub struct ClosuresMeta {
    pub edges_closed: usize,
    pub version: u64,
    pub hierarchies_prepared: bool,
    pub last_prepare_ms: Option<u64>,
}
