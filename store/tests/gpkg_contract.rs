//! The store contract against the GeoPackage store.

use onemap_store::contract::Opener;
use onemap_store::{GpkgStore, Store};

fn fresh() -> Opener {
    let dir = std::sync::Arc::new(tempfile::tempdir().expect("tempdir"));
    Box::new(move || {
        let path = dir.path().join("contract.gpkg");
        Box::new(GpkgStore::open(&path).expect("open store")) as Box<dyn Store>
    })
}

onemap_store::store_contract_tests!(fresh);
