//! OGC API – Features (Part 1 core, GeoJSON, OpenAPI 3.0; Part 3 queryables; Part 4 writes).

mod collections;
pub(crate) mod items;
pub mod links;
pub mod params;
pub(crate) mod write;

pub use collections::{layer, queryables_for, queryables_schema, CRS84};

use crate::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// OGC API – Features conformance classes this server implements.
pub const CONFORMANCE: &[&str] = &[
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
    "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/create-replace-delete",
    "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/update",
    "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/features",
];

/// The OGC API – Features routes, each documented by its handler.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(collections::collections))
        .routes(routes!(collections::collection))
        .routes(routes!(collections::queryables))
        .routes(routes!(items::items, write::create))
        .routes(routes!(items::item, write::replace, write::patch, write::delete))
        .routes(routes!(items::history))
}
