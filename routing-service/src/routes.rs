//! Routes between two positions, the closures they went around, and evacuation routes saved as
//! features. Positions are WGS84 lon/lat degrees; distances metres.

use crate::{Result, RoutingService, ServiceError};
use onemap_model::props::RouteProps;
use onemap_model::{LayerId, NewFeature, Properties, Scope};
use onemap_routing::{Closed, Network, Profile, Route, RoutingError, Snap};
use onemap_store::{StoreError, Writer};
use serde::Serialize;
use std::sync::Arc;

/// A closure in force that a route went around.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClosureRef {
    pub id: String,
    /// `manual`, or the layer whose feature closes the road.
    pub origin: String,
    pub reason: String,
}

/// The fastest route and the closures it avoided.
#[derive(Debug, Clone)]
pub struct RouteAnswer {
    pub route: Route,
    pub profile: Profile,
    pub avoided: Vec<ClosureRef>,
}

/// Where an evacuation route ends.
#[derive(Debug, Clone, PartialEq)]
pub enum Destination {
    /// A WGS84 lon/lat position in degrees.
    At([f64; 2]),
    /// A shelter, by feature id.
    Shelter(String),
}

/// An evacuation route to route and save.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvacuationRoute {
    pub name: String,
    /// WGS84 lon/lat degrees.
    pub from: [f64; 2],
    pub to: Destination,
    pub profile: Profile,
    pub from_ref: Option<String>,
    pub to_ref: Option<String>,
    pub township: Option<String>,
}

fn unreachable(profile: Profile, from: [f64; 2], to: [f64; 2]) -> RoutingError {
    RoutingError::Unreachable {
        profile,
        from: format!("({:.6}, {:.6})", from[0], from[1]),
        to: format!("({:.6}, {:.6})", to[0], to[1]),
    }
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

impl RoutingService {
    /// The fastest route on `profile` between two positions, each snapped to a road within
    /// `snap_m` metres, with the closures in force it went around.
    pub fn route(&self, from: [f64; 2], to: [f64; 2], profile: Profile, snap_m: f64) -> Result<RouteAnswer> {
        self.refresh()?;
        let net = self.engine.network(profile)?;
        let a = net.snap("the start", from[0], from[1], snap_m)?;
        let b = net.snap("the destination", to[0], to[1], snap_m)?;
        let route = net.route_between(&a, &b).ok_or_else(|| unreachable(profile, from, to))?;
        let avoided = self.avoided(net, &a, &b, &route);
        Ok(RouteAnswer { route, profile, avoided })
    }

    /// The closures in force that the route from `a` to `b` would have crossed without them.
    fn avoided(&self, net: &Network, a: &Snap, b: &Snap, taken: &Route) -> Vec<ClosureRef> {
        if net.closed().is_empty() {
            return Vec::new();
        }
        let Some(open) = net.route_between_with(a, b, &Closed::default()) else { return Vec::new() };
        if open.edges == taken.edges {
            return Vec::new();
        }
        let mut book = self.book.lock();
        let list: Vec<_> = book.in_force(chrono::Utc::now()).cloned().collect();
        list.into_iter()
            .filter(|c| {
                let edges = book.edges_of(&self.engine, c);
                open.edges.iter().any(|e| edges.binary_search(e).is_ok())
            })
            .map(|c| ClosureRef { id: c.id, origin: c.origin, reason: c.reason })
            .collect()
    }

    /// Routes `req` (snapping within the default distance) and saves it as an evacuation route
    /// feature with its line, `length_m`, `minutes` and `created_by` (the writer), all or nothing.
    pub fn save_evacuation_route(&self, req: NewEvacuationRoute, w: &Writer) -> Result<Arc<onemap_model::Feature>> {
        self.refresh()?;
        let store = self.store()?;
        let (to, shelter_ref) = match &req.to {
            Destination::At(p) => (*p, None),
            Destination::Shelter(id) => {
                let f = store.get(LayerId::SHELTERS, id, &Scope::All).map_err(|e| match e {
                    StoreError::NotFound { .. } => ServiceError::NoShelter { id: id.clone() },
                    other => other.into(),
                })?;
                let geo::Geometry::Point(pt) = f.geometry else {
                    return Err(ServiceError::NoShelter { id: id.clone() });
                };
                ([pt.x(), pt.y()], Some(id.clone()))
            }
        };
        let net = self.engine.network(req.profile)?;
        let r = net.route(req.from, to, onemap_routing::route::DEFAULT_SNAP_M)?;
        if r.distance_m < 1.0 {
            return Err(ServiceError::EmptyRoute);
        }
        let at = |p: [f64; 2]| format!("{:.6},{:.6}", p[0], p[1]);
        let properties = Properties::Route(RouteProps {
            name: req.name,
            from_ref: req.from_ref.unwrap_or_else(|| at(req.from)),
            to_ref: req.to_ref.or(shelter_ref).unwrap_or_else(|| at(to)),
            length_m: round1(r.distance_m),
            minutes: round1(r.duration_s / 60.0),
            created_by: w.actor.clone(),
            profile: Some(req.profile.as_str().to_owned()),
            township: req.township,
        });
        properties.validate().map_err(StoreError::from)?;
        let coords: Vec<geo::Coord> = r.coords.iter().map(|c| geo::Coord { x: c[0], y: c[1] }).collect();
        let feature =
            NewFeature { id: None, geometry: geo::Geometry::LineString(geo::LineString::new(coords)), properties };
        let saved = store.insert(LayerId::EVACUATION_ROUTES, vec![feature], w)?;
        saved.into_iter().next().ok_or(ServiceError::Store(StoreError::Corrupt("an insert returned nothing".into())))
    }
}
