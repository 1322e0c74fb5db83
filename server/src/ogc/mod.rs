//! OGC API – Features (Part 1 core, GeoJSON, OpenAPI 3.0; Part 3 queryables; Part 4 writes).

mod collections;
pub(crate) mod items;
mod landing;
pub mod links;
pub mod params;
pub(crate) mod write;

pub use collections::{layer, queryables_schema, CRS84};
pub use landing::{wants_html, CONFORMANCE};

use crate::AppState;
use axum::routing::get;
use axum::Router;

/// The OGC API routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(landing::landing))
        .route("/conformance", get(landing::conformance))
        .route("/collections", get(collections::collections))
        .route("/collections/{id}", get(collections::collection))
        .route("/collections/{id}/queryables", get(collections::queryables))
        .route("/collections/{id}/items", get(items::items).post(write::create))
        .route(
            "/collections/{id}/items/{fid}",
            get(items::item).put(write::replace).patch(write::patch).delete(write::delete),
        )
        .route("/collections/{id}/items/{fid}/history", get(items::history))
}
