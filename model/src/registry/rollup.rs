//! Roll-ups: what a group of features adds up to. One declaration per layer serves both the
//! clusters of a tile (people threatened, places free, teams on standby) and the totals of
//! `/query/within`, so the two can never disagree.

use crate::{Feature, FieldRef, LayerId};
use geo::{Geometry, Haversine, Length};
use std::collections::BTreeMap;

/// A number taken from one feature.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Measure {
    /// An integer or real property; a missing value counts 0.
    Prop(&'static str),
    /// `a − b` of two numeric properties (a shelter's free places: capacity − occupancy).
    Diff(&'static str, &'static str),
    /// The geodesic length of a line (EPSG:4326 degrees in), in kilometres.
    LengthKm,
}

/// A condition on one property of a feature.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cond {
    /// The property equals the value (an enum name, `true`/`false`, a number, text).
    Is(&'static str, &'static str),
    /// The property does not equal the value.
    IsNot(&'static str, &'static str),
}

/// How the members of a group are combined.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Agg {
    /// How many features.
    Count,
    /// The sum of a measure (integers stay integers, saturating rather than overflowing).
    Sum(Measure),
    /// How many features have each value of an enum property.
    CountBy(&'static str),
    /// The first value in the enum's declared order that any member has (the worst risk level).
    First(&'static str),
    /// Item → summed quantity over a JSON-object property (a depot's inventory).
    SumItems(&'static str),
}

/// One named figure of a group: `key` is the attribute (tiles) or member (JSON) it is written as.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rollup {
    pub key: &'static str,
    pub agg: Agg,
    /// Only members meeting this condition count.
    pub when: Option<Cond>,
}

impl Rollup {
    pub const fn new(key: &'static str, agg: Agg) -> Self {
        Rollup { key, agg, when: None }
    }

    /// The same figure over the members meeting `cond` only.
    pub const fn when(self, cond: Cond) -> Self {
        Rollup { when: Some(cond), ..self }
    }

    /// Whether the figure is one number or word (what an MVT attribute can hold).
    pub fn is_scalar(&self) -> bool {
        !matches!(self.agg, Agg::CountBy(_) | Agg::SumItems(_))
    }
}

/// The value of one roll-up.
#[derive(Debug, Clone, PartialEq)]
pub enum RollupValue {
    Int(i64),
    Real(f64),
    Text(&'static str),
    /// No member had a value (a [`Agg::First`] over nothing).
    None,
    Counts(BTreeMap<String, i64>),
    Items(BTreeMap<String, f64>),
}

impl RollupValue {
    /// The value as JSON; reals are rounded to three decimals.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match self {
            RollupValue::Int(i) => Value::from(*i),
            RollupValue::Real(r) => Value::from((r * 1000.0).round() / 1000.0),
            RollupValue::Text(t) => Value::from(*t),
            RollupValue::None => Value::Null,
            RollupValue::Counts(c) => c.iter().map(|(k, v)| (k.clone(), Value::from(*v))).collect(),
            RollupValue::Items(c) => c.iter().map(|(k, v)| (k.clone(), Value::from(*v))).collect(),
        }
    }
}

#[derive(Clone, Copy)]
enum Num {
    Int(i64),
    Real(f64),
}

fn number(f: &Feature, prop: &str) -> Num {
    match f.properties.field_ref(prop) {
        Some(FieldRef::Integer(i)) => Num::Int(i),
        Some(FieldRef::Real(r)) => Num::Real(r),
        _ => Num::Int(0),
    }
}

fn measure(f: &Feature, m: Measure) -> Num {
    match m {
        Measure::Prop(p) => number(f, p),
        Measure::Diff(a, b) => match (number(f, a), number(f, b)) {
            (Num::Int(a), Num::Int(b)) => Num::Int(a.saturating_sub(b)),
            (a, b) => Num::Real(as_f64(a) - as_f64(b)),
        },
        Measure::LengthKm => Num::Real(match &f.geometry {
            Geometry::LineString(l) => Haversine.length(l) / 1000.0,
            Geometry::MultiLineString(l) => Haversine.length(l) / 1000.0,
            _ => 0.0,
        }),
    }
}

/// One feature's value of a measure (a tile's derived attribute, a place's room).
pub fn measure_value(f: &Feature, m: Measure) -> RollupValue {
    match measure(f, m) {
        Num::Int(i) => RollupValue::Int(i),
        Num::Real(r) => RollupValue::Real(r),
    }
}

fn as_f64(n: Num) -> f64 {
    match n {
        Num::Int(i) => i as f64,
        Num::Real(r) => r,
    }
}

/// Whether `f` meets `cond`.
pub fn holds(f: &Feature, cond: Cond) -> bool {
    match cond {
        Cond::Is(p, v) => f.properties.field_matches(p, v) == Some(true),
        Cond::IsNot(p, v) => f.properties.field_matches(p, v) != Some(true),
    }
}

fn text(f: &Feature, prop: &str) -> Option<String> {
    match f.properties.field_ref(prop)? {
        FieldRef::Text(t) => Some(t.into_owned()),
        FieldRef::Integer(i) => Some(i.to_string()),
        FieldRef::Real(r) => Some(r.to_string()),
        FieldRef::Null => None,
    }
}

/// Evaluates one roll-up over `members` of `layer`.
pub fn evaluate<'a>(layer: LayerId, r: &Rollup, members: impl IntoIterator<Item = &'a Feature>) -> RollupValue {
    let members = members.into_iter().filter(|f| r.when.is_none_or(|c| holds(f, c)));
    match r.agg {
        Agg::Count => RollupValue::Int(members.count() as i64),
        Agg::Sum(m) => {
            let (mut int, mut real, mut is_real) = (0i64, 0.0f64, false);
            for f in members {
                match measure(f, m) {
                    Num::Int(i) => int = int.saturating_add(i),
                    Num::Real(x) => {
                        real += x;
                        is_real = true;
                    }
                }
            }
            if is_real {
                RollupValue::Real(real + int as f64)
            } else {
                RollupValue::Int(int)
            }
        }
        Agg::CountBy(p) => {
            let mut by = BTreeMap::new();
            for v in members.filter_map(|f| text(f, p)) {
                *by.entry(v).or_insert(0i64) += 1;
            }
            RollupValue::Counts(by)
        }
        Agg::First(p) => {
            let order = layer.column(p).and_then(|c| c.enum_values).unwrap_or(&[]);
            let mut best: Option<usize> = None;
            for f in members {
                if let Some(FieldRef::Text(t)) = f.properties.field_ref(p) {
                    if let Some(i) = order.iter().position(|o| *o == t) {
                        best = Some(best.map_or(i, |b| b.min(i)));
                    }
                }
            }
            best.map_or(RollupValue::None, |i| RollupValue::Text(order[i]))
        }
        Agg::SumItems(p) => {
            let mut items: BTreeMap<String, f64> = BTreeMap::new();
            for f in members {
                let Some(FieldRef::Text(t)) = f.properties.field_ref(p) else { continue };
                let Ok(map) = serde_json::from_str::<BTreeMap<String, f64>>(&t) else { continue };
                for (k, q) in map {
                    *items.entry(k).or_default() += q;
                }
            }
            RollupValue::Items(items)
        }
    }
}
