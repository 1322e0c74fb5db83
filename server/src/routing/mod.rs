//! `/routing/*`: routes, nearest shelters with room, dispatch, assignment, isochrones, coverage
//! and closures. Positions in requests and responses are WGS84 lon/lat degrees (`lon,lat`);
//! distances metres; durations seconds (and minutes where the field says so).

mod answers;
mod areas;
mod closures_api;
mod params;
mod places;

use crate::error::{ApiError, ApiResult};
use crate::AppState;
use axum::http::StatusCode;
use onemap_routing::RoutingError;
use onemap_routing_service::{RoutingService, ServiceError};
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;

pub fn router() -> OpenApiRouter<AppState> {
    places::router().merge(areas::router()).merge(closures_api::router())
}

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::Routing(e) => e.into(),
            ServiceError::Store(e) => e.into(),
            ServiceError::Group { index, source } => ApiError::bad_param(&format!("groups[{index}].at"), source),
            ServiceError::NoShelter { id } => ApiError::bad_param("shelter", format!("no shelter `{id}`")),
            ServiceError::EmptyRoute => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "EmptyRoute", e.to_string()),
            ServiceError::UnknownRoads | ServiceError::NothingClosed => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "NothingClosed", e.to_string())
            }
            ServiceError::AutomaticClosure { .. } => {
                ApiError::new(StatusCode::CONFLICT, "AutomaticClosure", e.to_string())
            }
            ServiceError::NoClosure { .. } => ApiError::not_found(e.to_string()),
            ServiceError::Closures(_) | ServiceError::StoreGone => ApiError::internal(e),
        }
    }
}

impl From<RoutingError> for ApiError {
    fn from(e: RoutingError) -> Self {
        let status = match e {
            RoutingError::BadCoordinate { .. } => StatusCode::BAD_REQUEST,
            RoutingError::TooFar { .. } | RoutingError::Unreachable { .. } | RoutingError::NoRoads { .. } => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            RoutingError::Saved { .. } => return ApiError::internal(e),
        };
        ApiError::new(status, "RoutingError", e.to_string())
    }
}

/// The routing service; a 503 when no road network is loaded.
fn engine(state: &AppState) -> ApiResult<Arc<RoutingService>> {
    let rs = state.routing.clone().ok_or_else(|| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "NoRoadNetwork",
            "no road network is loaded: start the server with --roads FILE.osm.pbf, or import a roads layer and restart",
        )
    })?;
    // Every service call brings the closures up to date itself.
    Ok(rs)
}
