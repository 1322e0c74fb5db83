//! Closing and reopening roads by hand, and the closures in force. A manual closure is on disk
//! (beside the store) before the call returns and in force on every profile at once.

use crate::closures::{area_of, Closure, RoadRef, MANUAL};
use crate::{Result, RoutingService, ServiceError};
use chrono::{DateTime, Utc};

/// An area closure must lie within this many metres of a road: one farther away is a mistake.
pub const NEAR_M: f64 = 2_000.0;

/// A closure to put in force.
#[derive(Debug, Clone, PartialEq)]
pub struct NewClosure {
    pub reason: String,
    /// The closed area as GeoJSON (Polygon or MultiPolygon, WGS84 degrees).
    pub area: Option<serde_json::Value>,
    /// Roads closed whole.
    pub roads: Vec<RoadRef>,
    /// When it ends by itself.
    pub until: Option<DateTime<Utc>>,
    pub created_by: String,
}

/// A closure in force and how many road links it closes.
#[derive(Debug, Clone)]
pub struct InForce {
    pub closure: Closure,
    pub edges: usize,
}

/// Every closure in force, and the state of the closed set.
#[derive(Debug, Clone)]
pub struct ClosedRoads {
    pub closures: Vec<InForce>,
    /// Links closed in all (the union).
    pub edges_closed: usize,
    pub version: u64,
    pub hierarchies_prepared: bool,
    pub last_prepare_ms: Option<u64>,
}

impl RoutingService {
    /// Every closure in force, manual and from the layers.
    pub fn closures_in_force(&self) -> Result<ClosedRoads> {
        self.refresh()?;
        let mut book = self.book.lock();
        let all: Vec<Closure> = book.in_force(Utc::now()).cloned().collect();
        let closures =
            all.into_iter().map(|c| InForce { edges: book.edges_of(&self.engine, &c).len(), closure: c }).collect();
        let closed = self.engine.closed();
        Ok(ClosedRoads {
            closures,
            edges_closed: closed.len(),
            version: closed.version,
            hierarchies_prepared: self.engine.is_prepared(),
            last_prepare_ms: self.engine.last_prepare().map(|d| d.as_millis() as u64),
        })
    }

    /// Puts `new` in force: written to the closures file, then applied to every profile. An area
    /// with no road in it still closes its shelters, but one away from every road, or road ids
    /// that name none, is refused.
    pub fn add_closure(&self, new: NewClosure) -> Result<InForce> {
        self.refresh()?;
        let c = Closure {
            id: format!("closure-{}", uuid::Uuid::now_v7()),
            origin: MANUAL.to_owned(),
            reason: new.reason,
            area: new.area,
            roads: new.roads,
            until: new.until,
            created: Utc::now(),
            created_by: new.created_by,
            feature: None,
            rev: 0,
        };
        let mut book = self.book.lock();
        let edges = book.edges_of(&self.engine, &c).len();
        let near = c.area.as_ref().and_then(area_of).is_some_and(|a| self.engine.edges.near_roads(&a, NEAR_M));
        let unknown_roads = !c.roads.is_empty() && {
            let only_roads = Closure { area: None, ..c.clone() };
            let n = book.edges_of(&self.engine, &only_roads).len();
            book.forget(&only_roads);
            n == 0
        };
        if unknown_roads {
            book.forget(&c);
            return Err(ServiceError::UnknownRoads);
        }
        if edges == 0 && !near {
            book.forget(&c);
            return Err(ServiceError::NothingClosed);
        }
        book.manual.push(c.clone());
        if let Err(e) = book.save() {
            book.manual.pop();
            book.forget(&c);
            return Err(e.into());
        }
        self.reapply(&mut book);
        Ok(InForce { closure: c, edges })
    }

    /// Reopens the roads of manual closure `id` (on disk, then in force).
    pub fn remove_closure(&self, id: &str) -> Result<()> {
        self.refresh()?;
        let mut book = self.book.lock();
        let Some(pos) = book.manual.iter().position(|c| c.id == id) else {
            if book.auto.iter().any(|c| c.id == id) {
                return Err(ServiceError::AutomaticClosure { id: id.to_owned() });
            }
            return Err(ServiceError::NoClosure { id: id.to_owned() });
        };
        let removed = book.manual.remove(pos);
        if let Err(e) = book.save() {
            book.manual.insert(pos, removed);
            return Err(e.into());
        }
        book.forget(&removed);
        self.reapply(&mut book);
        Ok(())
    }
}
