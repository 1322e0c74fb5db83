//! Turning a write request into checked changes, against the current in-memory state.

use super::index::LayerIndex;
use crate::{FeaturePatch, Result, StoreError};
use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use onemap_model::{merge_patch, Feature, LayerId, NewFeature, Properties, Scope, ValidationError};
use std::collections::HashSet;

/// A checked change, ready to persist.
#[derive(Debug, Clone)]
pub enum Change {
    Insert(Feature),
    /// `before`: the properties it replaces (the change log keeps them).
    Update {
        row: i64,
        feature: Feature,
        before: Properties,
    },
    Delete {
        row: i64,
        old: Feature,
    },
}

impl Change {
    /// The feature as it is after the change (the old one for a delete).
    pub fn feature(&self) -> &Feature {
        match self {
            Change::Insert(f) | Change::Update { feature: f, .. } | Change::Delete { old: f, .. } => f,
        }
    }
}

/// Now, to the millisecond (the precision of the stored timestamps).
pub fn now() -> DateTime<Utc> {
    let t = Utc::now();
    t.duration_trunc(TimeDelta::milliseconds(1)).unwrap_or(t)
}

fn existing<'a>(index: &'a LayerIndex, layer: LayerId, id: &str, scope: &Scope) -> Result<(i64, &'a Feature)> {
    let not_found = || StoreError::NotFound { layer, id: id.to_owned() };
    let row = index.row_of(id).ok_or_else(not_found)?;
    let f = index.get(id).ok_or_else(not_found)?;
    if !scope.contains(&f.properties) {
        return Err(not_found());
    }
    Ok((row, f))
}

fn check_version(layer: LayerId, f: &Feature, if_version: Option<i64>) -> Result<()> {
    match if_version {
        Some(expected) if expected != f.version => {
            Err(StoreError::VersionConflict { layer, id: f.id.clone(), expected, actual: f.version })
        }
        _ => Ok(()),
    }
}

fn check_scope(layer: LayerId, id: &str, props: &Properties, scope: &Scope) -> Result<()> {
    if scope.contains(props) {
        Ok(())
    } else {
        Err(StoreError::OutOfScope { layer, id: id.to_owned() })
    }
}

/// Plans the insertion of a batch: fresh ids, no duplicates, all inside the writer's scope.
pub fn insert(index: &LayerIndex, layer: LayerId, batch: Vec<NewFeature>, scope: &Scope) -> Result<Vec<Change>> {
    let t = now();
    let mut seen = HashSet::with_capacity(batch.len());
    // Sized up front: a collect into Result<Vec> cannot see the length, and growing a Vec of
    // 75,000 changes by doubling copied ~60 MB through fresh (page-faulting) memory.
    let mut out = Vec::with_capacity(batch.len());
    for (i, nf) in batch.into_iter().enumerate() {
        if nf.properties.layer() != layer {
            return Err(ValidationError::new(format!("features[{i}]"), format!("is not a {layer} feature")).into());
        }
        // UUIDv7: time-ordered, so a bulk insert appends to the id index instead of
        // scattering over it (and ids sort by creation).
        let id = nf.id.unwrap_or_else(|| uuid::Uuid::now_v7().to_string());
        if index.row_of(&id).is_some() || !seen.insert(id.clone()) {
            return Err(StoreError::Duplicate { layer, id });
        }
        check_scope(layer, &id, &nf.properties, scope)?;
        out.push(Change::Insert(Feature {
            id,
            geometry: nf.geometry,
            properties: nf.properties,
            version: 1,
            created: t,
            updated: t,
        }));
    }
    Ok(out)
}

/// Plans an upsert: features with a new id are inserted, those with an existing id replace it
/// (status transitions and scope checked as for a replace). Every feature needs an id.
pub fn upsert(index: &LayerIndex, layer: LayerId, batch: Vec<NewFeature>, scope: &Scope) -> Result<Vec<Change>> {
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(batch.len());
    let mut fresh = Vec::new();
    for (i, mut nf) in batch.into_iter().enumerate() {
        let Some(id) = nf.id.clone() else {
            return Err(
                ValidationError::new(format!("features[{i}].id"), "an upsert needs an id on every feature").into()
            );
        };
        if !seen.insert(id.clone()) {
            return Err(StoreError::Duplicate { layer, id });
        }
        if index.row_of(&id).is_some() {
            nf.id = None;
            out.push(replace(index, layer, &id, nf, None, scope)?);
        } else {
            fresh.push(nf);
        }
    }
    out.extend(insert(index, layer, fresh, scope)?);
    Ok(out)
}

/// Plans replacing feature `id` by `nf`.
pub fn replace(
    index: &LayerIndex,
    layer: LayerId,
    id: &str,
    nf: NewFeature,
    if_version: Option<i64>,
    scope: &Scope,
) -> Result<Change> {
    let (row, old) = existing(index, layer, id, scope)?;
    check_version(layer, old, if_version)?;
    if let Some(body_id) = &nf.id {
        if body_id != id {
            return Err(
                ValidationError::new("id", format!("`{body_id}` differs from the feature `{id}` in the path")).into()
            );
        }
    }
    if nf.properties.layer() != layer {
        return Err(ValidationError::new("properties", format!("are not {layer} properties")).into());
    }
    nf.properties.validate_change(&old.properties)?;
    check_scope(layer, id, &nf.properties, scope)?;
    let feature = Feature {
        id: id.to_owned(),
        geometry: nf.geometry,
        properties: nf.properties,
        version: old.version + 1,
        created: old.created,
        updated: now().max(old.updated),
    };
    Ok(Change::Update { row, feature, before: old.properties.clone() })
}

/// Plans a partial update: the merge-patched properties are decoded and validated like new ones.
pub fn patch(
    index: &LayerIndex,
    layer: LayerId,
    id: &str,
    p: FeaturePatch,
    if_version: Option<i64>,
    scope: &Scope,
) -> Result<Change> {
    let (_, old) = existing(index, layer, id, scope)?;
    let mut props = serde_json::Value::Object(old.properties.to_json());
    if let Some(patch) = &p.properties {
        if !patch.is_object() {
            return Err(ValidationError::new("properties", "a merge patch must be a JSON object").into());
        }
        merge_patch(&mut props, patch);
    }
    let nf = NewFeature {
        id: None,
        geometry: p.geometry.unwrap_or_else(|| old.geometry.clone()),
        properties: Properties::from_json(layer, props)?,
    };
    replace(index, layer, id, nf, if_version, scope)
}

/// Plans deleting feature `id`.
pub fn delete(index: &LayerIndex, layer: LayerId, id: &str, if_version: Option<i64>, scope: &Scope) -> Result<Change> {
    let (row, old) = existing(index, layer, id, scope)?;
    check_version(layer, old, if_version)?;
    Ok(Change::Delete { row, old: old.clone() })
}
