//! Travel profiles: which OpenStreetMap ways each may use, in which direction, how fast.

use crate::way::Way;
use serde::{Deserialize, Serialize};
use std::fmt;

/// How one travels: evacuees on foot, ordinary cars, emergency vehicles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// Evacuees walking: 5 km/h (steps 3 km/h), both directions of one-way streets, no
    /// motorways or trunk roads.
    Foot,
    /// Private cars: `maxspeed` where tagged, else a speed per road class; one-way streets and
    /// `access=no/private` respected.
    Car,
    /// Fire engines and ambulances: the car speed × 1.2 (at most 120 km/h), also on tracks and
    /// on roads closed to the public (`access=private/no`); one-way streets still respected.
    Rescue,
}

impl Profile {
    pub const ALL: [Profile; 3] = [Profile::Foot, Profile::Car, Profile::Rescue];

    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Foot => "foot",
            Profile::Car => "car",
            Profile::Rescue => "rescue",
        }
    }

    /// Index into per-profile arrays.
    pub fn index(self) -> usize {
        self as usize
    }

    /// Parses `foot`, `car` or `rescue`.
    pub fn parse(s: &str) -> Option<Profile> {
        Profile::ALL.into_iter().find(|p| p.as_str() == s)
    }

    /// Speed in km/h along `way` and the directions it may be used in, or `None` when this
    /// profile may not use it at all.
    pub fn rule(self, way: &Way) -> Option<(f64, Direction)> {
        let class = way.tag("highway")?;
        let speed = match self {
            Profile::Foot => foot_speed(class, way)?,
            Profile::Car => car_speed(class, way, false)?,
            Profile::Rescue => (car_speed(class, way, true)? * 1.2).min(120.0),
        };
        let dir = match self {
            Profile::Foot => match way.tag("oneway:foot") {
                Some("yes" | "1" | "true") => Direction::Forward,
                _ => Direction::Both,
            },
            Profile::Car | Profile::Rescue => oneway(class, way),
        };
        Some((speed, dir))
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The directions a way may be travelled in, relative to the order of its nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Both,
    Forward,
    Backward,
}

fn denied(v: Option<&str>) -> bool {
    matches!(v, Some("no" | "private"))
}

fn foot_speed(class: &str, way: &Way) -> Option<f64> {
    match class {
        "motorway" | "motorway_link" | "trunk" | "trunk_link" | "construction" | "proposed" | "abandoned"
        | "bus_guideway" | "raceway" => return None,
        _ => {}
    }
    let foot = way.tag("foot");
    if matches!(foot, Some("no"))
        || (denied(way.tag("access")) && !matches!(foot, Some("yes" | "designated" | "permissive")))
    {
        return None;
    }
    Some(if class == "steps" { 3.0 } else { 5.0 })
}

/// Typical free-flow speed of a road class in km/h, for cars (rescue vehicles also use tracks).
fn class_speed(class: &str, rescue: bool) -> Option<f64> {
    Some(match class {
        "motorway" => 90.0,
        "trunk" => 70.0,
        "primary" => 55.0,
        "secondary" => 45.0,
        "tertiary" => 35.0,
        "motorway_link" => 45.0,
        "trunk_link" => 40.0,
        "primary_link" => 35.0,
        "secondary_link" | "tertiary_link" => 30.0,
        "unclassified" | "road" => 25.0,
        "residential" => 20.0,
        "service" => 12.0,
        "living_street" => 8.0,
        "track" if rescue => 12.0,
        _ => return None,
    })
}

fn car_speed(class: &str, way: &Way, rescue: bool) -> Option<f64> {
    let base = class_speed(class, rescue)?;
    if !rescue {
        let motor = way.tag("motor_vehicle").or(way.tag("motorcar")).or(way.tag("vehicle"));
        if denied(motor) || (denied(way.tag("access")) && !matches!(motor, Some("yes" | "destination" | "permissive")))
        {
            return None;
        }
    }
    Some(way.tag("maxspeed").and_then(maxspeed_kmh).map_or(base, |m| m.min(base * 1.5)))
}

/// `50`, `50 km/h`, `30 mph` → km/h; anything else (`signals`, `none`, `RU:urban`) → `None`.
pub fn maxspeed_kmh(v: &str) -> Option<f64> {
    let v = v.trim();
    let (num, factor) = match v.strip_suffix("mph") {
        Some(n) => (n.trim(), 1.609_344),
        None => (v.trim_end_matches("km/h").trim_end_matches("kmh").trim(), 1.0),
    };
    num.parse::<f64>().ok().filter(|s| *s > 0.0 && s.is_finite()).map(|s| s * factor)
}

fn oneway(class: &str, way: &Way) -> Direction {
    match way.tag("oneway") {
        Some("yes" | "1" | "true") => Direction::Forward,
        Some("-1" | "reverse") => Direction::Backward,
        Some("no" | "0" | "false") => Direction::Both,
        _ if class == "motorway" || way.tag("junction") == Some("roundabout") => Direction::Forward,
        _ => Direction::Both,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn way(tags: &[(&str, &str)]) -> Way {
        Way { id: 1, tags: tags.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect(), nodes: vec![] }
    }

    #[test]
    fn rules_follow_the_tags() {
        let res = way(&[("highway", "residential")]);
        assert_eq!(Profile::Car.rule(&res), Some((20.0, Direction::Both)));
        assert_eq!(Profile::Foot.rule(&res), Some((5.0, Direction::Both)));
        assert_eq!(Profile::Rescue.rule(&res), Some((24.0, Direction::Both)));
        let one = way(&[("highway", "primary"), ("oneway", "yes"), ("maxspeed", "50")]);
        assert_eq!(Profile::Car.rule(&one), Some((50.0, Direction::Forward)));
        assert_eq!(Profile::Foot.rule(&one), Some((5.0, Direction::Both)));
        assert_eq!(Profile::Car.rule(&way(&[("highway", "motorway")])).map(|r| r.1), Some(Direction::Forward));
        assert_eq!(Profile::Foot.rule(&way(&[("highway", "motorway")])), None);
        assert_eq!(Profile::Car.rule(&way(&[("highway", "footway")])), None);
        let private = way(&[("highway", "service"), ("access", "private")]);
        assert_eq!(Profile::Car.rule(&private), None);
        assert!(Profile::Rescue.rule(&private).is_some());
        assert_eq!(Profile::Car.rule(&way(&[("highway", "track")])), None);
        assert!(Profile::Rescue.rule(&way(&[("highway", "track")])).is_some());
        assert_eq!(
            Profile::Car.rule(&way(&[("highway", "secondary"), ("oneway", "-1")])).map(|r| r.1),
            Some(Direction::Backward)
        );
        assert_eq!(Profile::Car.rule(&way(&[("building", "yes")])), None);
    }

    #[test]
    fn maxspeed_units() {
        assert_eq!(maxspeed_kmh("50"), Some(50.0));
        assert_eq!(maxspeed_kmh("50 km/h"), Some(50.0));
        assert!((maxspeed_kmh("30 mph").unwrap_or(0.0) - 48.28).abs() < 0.01);
        assert_eq!(maxspeed_kmh("signals"), None);
        assert_eq!(maxspeed_kmh("0"), None);
    }
}
