//! A [`Store`] that serves reads from memory (one [`LayerIndex`] per layer) and hands every
//! write to a [`Persist`] backend first, applying it in memory only once it is durable.
//!
//! Writers are serialised by the backend's mutex; readers never wait on the disk.

mod index;
pub mod plan;

pub use index::{envelope, LayerIndex};
pub use plan::Change;

use crate::{
    Bbox, ChangeListener, ChangeRecord, DatasetInfo, FeaturePatch, LayerSummary, Page, Query, Result, Store,
    StoreError, Upserted, Writer,
};
use geo::Geometry;
use onemap_model::{Feature, LayerId, NewFeature, Registry, Scope, ValidationError};
use parking_lot::{Mutex, RwLock};
use std::collections::HashMap;
use std::sync::Arc;

/// Durable storage behind an [`IndexedStore`].
pub trait Persist: Send {
    /// Every feature of a layer with its row id.
    fn load(&mut self, layer: LayerId) -> Result<Vec<(i64, Feature)>>;
    /// Applies `changes` in one transaction and returns each change's row id (new ones for inserts).
    fn apply(&mut self, layer: LayerId, changes: &[Change], actor: &str) -> Result<Vec<i64>>;
    /// The change log of feature `id`, oldest first; `current` is its row and state when it exists now.
    fn history(&mut self, layer: LayerId, id: &str, current: Option<(i64, &Feature)>) -> Result<Vec<ChangeRecord>>;
    /// Reads the data set description.
    fn dataset(&mut self) -> Result<DatasetInfo>;
    /// Writes the data set description.
    fn set_dataset(&mut self, info: &DatasetInfo) -> Result<()>;
}

/// In-memory layers over a durable backend.
pub struct IndexedStore<P: Persist> {
    kind: &'static str,
    persist: Mutex<P>,
    registry: Registry,
    layers: HashMap<LayerId, RwLock<LayerIndex>>,
    listeners: RwLock<Vec<Arc<dyn ChangeListener>>>,
}

fn bbox_of(f: &Feature) -> Option<Bbox> {
    envelope(&f.geometry).map(|r| {
        let (lo, hi) = (rstar::RTreeObject::envelope(&r).lower(), rstar::RTreeObject::envelope(&r).upper());
        [lo[0], lo[1], hi[0], hi[1]]
    })
}

/// Checks that every filter names a queryable column and has a value of its type.
pub fn check_query(layer: LayerId, q: &Query) -> Result<()> {
    for (name, value) in &q.filters {
        let col = layer.column(name).ok_or_else(|| StoreError::UnknownProperty {
            layer,
            name: name.clone(),
            known: layer.columns().iter().map(|c| c.name).collect::<Vec<_>>().join(", "),
        })?;
        col.ty.check_filter(col.enum_values, value).map_err(|m| ValidationError::new(name.as_str(), m.to_string()))?;
    }
    Ok(())
}

impl<P: Persist> IndexedStore<P> {
    /// Loads every layer of `registry` from `persist` and builds the R-trees.
    pub fn new(kind: &'static str, mut persist: P, registry: Registry) -> Result<Self> {
        let mut layers = HashMap::new();
        for &layer in registry.layers() {
            let features = persist.load(layer)?;
            layers.insert(layer, RwLock::new(LayerIndex::build(layer, features)));
        }
        Ok(IndexedStore { kind, persist: Mutex::new(persist), registry, layers, listeners: RwLock::new(Vec::new()) })
    }

    /// The durable backend, locked (writers wait for it).
    pub(crate) fn persist(&self) -> parking_lot::MutexGuard<'_, P> {
        self.persist.lock()
    }

    /// The layer's index; an error for a layer this store's registry does not hold.
    fn layer(&self, layer: LayerId) -> Result<&RwLock<LayerIndex>> {
        self.layers.get(&layer).ok_or_else(|| StoreError::UnknownLayer {
            name: layer.as_str().to_owned(),
            known: self.registry.names().join(", "),
        })
    }

    /// Plans against the current state, persists, then applies in memory.
    fn write(
        &self,
        layer: LayerId,
        actor: &str,
        plan: impl FnOnce(&LayerIndex) -> Result<Vec<Change>>,
    ) -> Result<Vec<Arc<Feature>>> {
        let mut persist = self.persist.lock();
        let changes = plan(&self.layer(layer)?.read())?;
        let rows = persist.apply(layer, &changes, actor)?;
        let mut index = self.layer(layer)?.write();
        let mut out = Vec::with_capacity(changes.len());
        let mut boxes = Vec::with_capacity(changes.len() * 2);
        let mut inserted = Vec::new();
        for (change, row) in changes.into_iter().zip(rows) {
            if let Change::Update { row, .. } = &change {
                boxes.extend(index.get_row(*row).and_then(|old| bbox_of(old)));
            }
            boxes.extend(bbox_of(change.feature()));
            match change {
                Change::Insert(f) => {
                    let f = Arc::new(f);
                    inserted.push((row, Arc::clone(&f)));
                    out.push(f);
                }
                Change::Update { feature: f, .. } => {
                    let f = Arc::new(f);
                    index.upsert(row, Arc::clone(&f));
                    out.push(f);
                }
                Change::Delete { row, old } => {
                    index.remove_row(row);
                    out.push(Arc::new(old));
                }
            }
        }
        index.insert_many(inserted);
        drop(index);
        // Still under the writer lock: listeners see writes in commit order.
        for l in self.listeners.read().iter() {
            l.changed(layer, &boxes);
        }
        drop(persist);
        Ok(out)
    }

    fn write_one(
        &self,
        layer: LayerId,
        actor: &str,
        plan: impl FnOnce(&LayerIndex) -> Result<Change>,
    ) -> Result<Arc<Feature>> {
        let mut out = self.write(layer, actor, |idx| plan(idx).map(|c| vec![c]))?;
        out.pop().ok_or_else(|| StoreError::Corrupt("a write returned no feature".into()))
    }
}

impl<P: Persist> Store for IndexedStore<P> {
    fn kind(&self) -> &'static str {
        self.kind
    }

    fn registry(&self) -> &Registry {
        &self.registry
    }

    fn summary(&self, layer: LayerId, scope: &Scope) -> LayerSummary {
        match self.layer(layer) {
            Ok(l) => l.read().summary(scope),
            Err(_) => LayerSummary { layer, count: 0, extent: None, last_updated: None },
        }
    }

    fn get(&self, layer: LayerId, id: &str, scope: &Scope) -> Result<Arc<Feature>> {
        self.layer(layer)?
            .read()
            .get(id)
            .filter(|f| scope.contains(&f.properties))
            .cloned()
            .ok_or_else(|| StoreError::NotFound { layer, id: id.to_owned() })
    }

    fn query(&self, layer: LayerId, q: &Query, scope: &Scope) -> Result<Page> {
        check_query(layer, q)?;
        Ok(self.layer(layer)?.read().query(q, scope))
    }

    fn intersecting(&self, layer: LayerId, area: &Geometry, scope: &Scope) -> Result<Vec<Arc<Feature>>> {
        Ok(self.layer(layer)?.read().intersecting(area, scope))
    }

    fn insert(&self, layer: LayerId, features: Vec<NewFeature>, w: &Writer) -> Result<Vec<Arc<Feature>>> {
        self.write(layer, &w.actor, |idx| plan::insert(idx, layer, features, &w.scope))
    }

    fn upsert(&self, layer: LayerId, features: Vec<NewFeature>, w: &Writer) -> Result<Upserted> {
        let mut counts = Upserted::default();
        self.write(layer, &w.actor, |idx| {
            let changes = plan::upsert(idx, layer, features, &w.scope)?;
            counts.updated = changes.iter().filter(|c| matches!(c, Change::Update { .. })).count();
            counts.inserted = changes.len() - counts.updated;
            Ok(changes)
        })?;
        Ok(counts)
    }

    fn replace(
        &self,
        layer: LayerId,
        id: &str,
        feature: NewFeature,
        if_version: Option<i64>,
        w: &Writer,
    ) -> Result<Arc<Feature>> {
        self.write_one(layer, &w.actor, |idx| plan::replace(idx, layer, id, feature, if_version, &w.scope))
    }

    fn patch(
        &self,
        layer: LayerId,
        id: &str,
        patch: FeaturePatch,
        if_version: Option<i64>,
        w: &Writer,
    ) -> Result<Arc<Feature>> {
        self.write_one(layer, &w.actor, |idx| plan::patch(idx, layer, id, patch, if_version, &w.scope))
    }

    fn delete(&self, layer: LayerId, id: &str, if_version: Option<i64>, w: &Writer) -> Result<()> {
        self.write_one(layer, &w.actor, |idx| plan::delete(idx, layer, id, if_version, &w.scope)).map(|_| ())
    }

    fn history(&self, layer: LayerId, id: &str) -> Result<Vec<ChangeRecord>> {
        let mut persist = self.persist.lock();
        let index = self.layer(layer)?.read();
        let current = index.row_of(id).zip(index.get(id)).map(|(row, f)| (row, &**f));
        persist.history(layer, id, current)
    }

    fn dataset(&self) -> Result<DatasetInfo> {
        self.persist.lock().dataset()
    }

    fn set_dataset(&self, info: &DatasetInfo) -> Result<()> {
        self.persist.lock().set_dataset(info)
    }

    fn subscribe(&self, listener: Arc<dyn ChangeListener>) {
        self.listeners.write().push(listener);
    }
}
