//! The in-memory copy of a layer: features by row id, ids to row ids, and an R-tree of envelopes.

use crate::query::{Bbox, LayerSummary, Page, Query};
use geo::{BoundingRect, Geometry, Intersects};
use onemap_model::{Feature, LayerId, Scope};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{RTree, AABB};
use std::collections::{BTreeMap, HashMap};

/// Feature ids to row ids: foldhash, seeded per process (SipHash was 4 % of a bulk import).
type IdMap = HashMap<String, i64, foldhash::fast::RandomState>;
use std::sync::Arc;

/// A feature held by the R-tree itself, so a box query needs no second lookup. Equal by row id.
#[derive(Debug, Clone)]
struct Held {
    row: i64,
    feature: Arc<Feature>,
}

impl PartialEq for Held {
    fn eq(&self, other: &Self) -> bool {
        self.row == other.row
    }
}

type Entry = GeomWithData<Rectangle<[f64; 2]>, Held>;

/// The envelope of a geometry as an R-tree rectangle (EPSG:4326 degrees).
pub fn envelope(g: &Geometry) -> Option<Rectangle<[f64; 2]>> {
    g.bounding_rect().map(|r| Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]))
}

/// One layer held in memory, kept in step with the store file by the store's writer.
#[derive(Debug)]
pub struct LayerIndex {
    layer: LayerId,
    by_row: BTreeMap<i64, Arc<Feature>>,
    rows: IdMap,
    tree: RTree<Entry>,
    /// The newest `updated` of any feature ever held (a delete leaves it: it was a change too).
    last_updated: Option<chrono::DateTime<chrono::Utc>>,
}

impl LayerIndex {
    /// Builds the index from `(row id, feature)` pairs with one R-tree bulk load.
    pub fn build(layer: LayerId, features: Vec<(i64, Feature)>) -> Self {
        let mut entries = Vec::with_capacity(features.len());
        let mut by_row = BTreeMap::new();
        let mut rows = IdMap::with_capacity_and_hasher(features.len(), foldhash::fast::RandomState::default());
        for (row, f) in features {
            let f = Arc::new(f);
            if let Some(env) = envelope(&f.geometry) {
                entries.push(Entry::new(env, Held { row, feature: Arc::clone(&f) }));
            }
            rows.insert(f.id.clone(), row);
            by_row.insert(row, f);
        }
        let last_updated = by_row.values().map(|f| f.updated).max();
        LayerIndex { layer, by_row, rows, tree: RTree::bulk_load(entries), last_updated }
    }

    pub fn len(&self) -> usize {
        self.by_row.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_row.is_empty()
    }

    /// The row id of a feature id.
    pub fn row_of(&self, id: &str) -> Option<i64> {
        self.rows.get(id).copied()
    }

    pub fn get_row(&self, row: i64) -> Option<&Arc<Feature>> {
        self.by_row.get(&row)
    }

    pub fn get(&self, id: &str) -> Option<&Arc<Feature>> {
        self.rows.get(id).and_then(|r| self.by_row.get(r))
    }

    /// Adds or replaces the feature stored at `row`.
    pub fn upsert(&mut self, row: i64, f: Arc<Feature>) {
        self.remove_row(row);
        if let Some(env) = envelope(&f.geometry) {
            self.tree.insert(Entry::new(env, Held { row, feature: Arc::clone(&f) }));
        }
        self.rows.insert(f.id.clone(), row);
        self.last_updated = self.last_updated.max(Some(f.updated));
        self.by_row.insert(row, f);
    }

    /// Adds new features (rows not held yet). A batch at least a quarter the size of the tree
    /// rebuilds it with one bulk load (O(n log n) packing, better nodes than one-by-one inserts).
    pub fn insert_many(&mut self, new: Vec<(i64, Arc<Feature>)>) {
        if new.len() < 256 || new.len() < self.tree.size() / 4 {
            for (row, f) in new {
                self.upsert(row, f);
            }
            return;
        }
        let old = std::mem::take(&mut self.tree);
        let mut entries: Vec<Entry> = old.into_iter().collect();
        entries.reserve(new.len());
        for (row, f) in new {
            if let Some(env) = envelope(&f.geometry) {
                entries.push(Entry::new(env, Held { row, feature: Arc::clone(&f) }));
            }
            self.rows.insert(f.id.clone(), row);
            self.last_updated = self.last_updated.max(Some(f.updated));
            self.by_row.insert(row, f);
        }
        self.tree = RTree::bulk_load(entries);
    }

    /// Removes the feature at `row`, if any.
    pub fn remove_row(&mut self, row: i64) {
        if let Some(old) = self.by_row.remove(&row) {
            if let Some(env) = envelope(&old.geometry) {
                self.tree.remove(&Entry::new(env, Held { row, feature: Arc::clone(&old) }));
            }
            self.rows.remove(&old.id);
        }
    }

    /// Features whose envelope meets `bbox`, in no particular order (two boxes across the
    /// antimeridian; a feature spanning both comes once).
    fn held_in<'a>(&'a self, bbox: &Bbox) -> impl Iterator<Item = &'a Held> + 'a {
        let (first, second) = if bbox[0] <= bbox[2] {
            (*bbox, None)
        } else {
            ([bbox[0], bbox[1], 180.0, bbox[3]], Some([-180.0, bbox[1], bbox[2], bbox[3]]))
        };
        let locate =
            |b: [f64; 4]| self.tree.locate_in_envelope_intersecting(&AABB::from_corners([b[0], b[1]], [b[2], b[3]]));
        // An entry the first box also met is not given twice.
        let in_first = move |e: &&Entry| {
            let r = e.geom();
            r.lower()[0] <= first[2] && r.upper()[0] >= first[0]
        };
        locate(first).chain(second.into_iter().flat_map(locate).filter(move |e| !in_first(e))).map(|e| &e.data)
    }

    /// One page of the features that pass `q` and `scope`.
    pub fn query(&self, q: &Query, scope: &Scope) -> Page {
        let keep = |f: &&Arc<Feature>| scope.contains(&f.properties) && q.matches(f);
        let mut page = Page::default();
        let mut take = |f: &Arc<Feature>| {
            if page.number_matched >= q.offset && page.features.len() < q.limit {
                page.features.push(Arc::clone(f));
            }
            page.number_matched += 1;
        };
        match &q.bbox {
            Some(b) if q.any_order => self.held_in(b).map(|h| &h.feature).filter(keep).for_each(&mut take),
            Some(b) => {
                let mut held: Vec<&Held> = self.held_in(b).collect();
                held.sort_unstable_by_key(|h| h.row);
                held.into_iter().map(|h| &h.feature).filter(keep).for_each(&mut take)
            }
            None => self.by_row.values().filter(keep).for_each(&mut take),
        }
        page
    }

    /// Features in `scope` whose geometry intersects `area` (EPSG:4326 degrees).
    pub fn intersecting(&self, area: &Geometry, scope: &Scope) -> Vec<Arc<Feature>> {
        let Some(r) = area.bounding_rect() else { return Vec::new() };
        let mut held: Vec<&Held> = self
            .held_in(&[r.min().x, r.min().y, r.max().x, r.max().y])
            .filter(|h| scope.contains(&h.feature.properties) && h.feature.geometry.intersects(area))
            .collect();
        held.sort_unstable_by_key(|h| h.row);
        held.into_iter().map(|h| Arc::clone(&h.feature)).collect()
    }

    /// Count and extent of what `scope` sees.
    pub fn summary(&self, scope: &Scope) -> LayerSummary {
        let mut summary = LayerSummary { layer: self.layer, count: 0, extent: None, last_updated: None };
        let mut grow = |f: &Feature| {
            summary.count += 1;
            summary.last_updated = summary.last_updated.max(Some(f.updated));
            if let Some(env) = envelope(&f.geometry) {
                let (lo, hi) = (env.lower(), env.upper());
                summary.extent = Some(match summary.extent {
                    None => [lo[0], lo[1], hi[0], hi[1]],
                    Some(e) => [e[0].min(lo[0]), e[1].min(lo[1]), e[2].max(hi[0]), e[3].max(hi[1])],
                });
            }
        };
        match scope {
            Scope::All => {
                summary.count = self.by_row.len();
                summary.last_updated = if self.by_row.is_empty() { None } else { self.last_updated };
                summary.extent = (self.tree.size() > 0).then(|| {
                    let e = self.tree.root().envelope();
                    [e.lower()[0], e.lower()[1], e.upper()[0], e.upper()[1]]
                });
            }
            Scope::Areas(_) => self.by_row.values().filter(|f| scope.contains(&f.properties)).for_each(|f| grow(f)),
        }
        summary
    }
}
