//! The `/routing/*` part of the OpenAPI document.

use super::areas::MAX_MINUTES;
use super::places::{MAX_GROUPS, MAX_K};
use serde_json::{json, Value};

fn q(name: &str, required: bool, description: &str, schema: Value) -> Value {
    json!({"name": name, "in": "query", "required": required, "description": description, "schema": schema})
}

fn lonlat(name: &str, what: &str) -> Value {
    q(
        name,
        true,
        &format!("{what}: lon,lat in WGS84 degrees"),
        json!({"type": "string", "pattern": "^-?[0-9.]+,-?[0-9.]+$"}),
    )
}

fn profile(default: &str) -> Value {
    q(
        "profile",
        false,
        "foot (evacuees), car or rescue (emergency vehicles)",
        json!({"type": "string", "enum": ["foot", "car", "rescue"], "default": default}),
    )
}

fn snap() -> Value {
    q(
        "snap_m",
        false,
        "largest distance to the nearest usable road, metres",
        json!({"type": "number", "minimum": 1, "maximum": 5000, "default": 500}),
    )
}

fn answers(ok: &str, media: &str) -> Value {
    let e = json!({"description": "an OGC exception naming the parameter", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/exception"}}}});
    json!({"200": {"description": ok, "content": {media: {"schema": {"type": "object"}}}}, "400": e, "422": e, "503": e})
}

fn body(description: &str) -> Value {
    json!({"required": true, "description": description, "content": {"application/json": {"schema": {"type": "object"}}}})
}

/// `(path, path item)` for every routing endpoint.
pub fn paths(registry: &onemap_model::Registry) -> Vec<(String, Value)> {
    let geo = "application/geo+json";
    let minutes = |default: &str| {
        q(
            "minutes",
            false,
            &format!("minutes, each in 0..{MAX_MINUTES}"),
            json!({"type": "string", "default": default}),
        )
    };
    let from_layer = q(
        "from",
        true,
        "the layer of the sources (teams count when on standby)",
        json!({"type": "string", "enum": registry.places().map(|(l, _)| l.as_str()).collect::<Vec<_>>()}),
    );
    vec![
        (
            "/routing/route".into(),
            json!({"get": {"summary": "the fastest route between two points (GeoJSON Feature with distance_m, duration_s, minutes, closures_avoided)",
            "parameters": [lonlat("from", "start"), lonlat("to", "destination"), profile("car"), snap()], "responses": answers("the route", geo)}}),
        ),
        (
            "/routing/nearest-shelters".into(),
            json!({"get": {"summary": "the k shelters with room for `people` that are fastest to reach, with their routes",
            "parameters": [lonlat("at", "where the people are"), q("k", false, "how many", json!({"type": "integer", "minimum": 1, "maximum": MAX_K, "default": 3})),
                q("people", false, "free places needed", json!({"type": "integer", "minimum": 1, "default": 1})), profile("foot"), snap()],
            "responses": answers("shelters by travel time", geo)}}),
        ),
        (
            "/routing/dispatch".into(),
            json!({"get": {"summary": "teams ranked by arrival time at a point, from their current positions",
            "parameters": [lonlat("at", "the incident"), q("k", false, "how many", json!({"type": "integer", "minimum": 1, "maximum": MAX_K, "default": 5})),
                q("kind", false, "team kind", json!({"type": "string", "enum": onemap_model::TeamKind::NAMES})),
                q("status", false, "team status, or any", json!({"type": "string", "default": "standby"})), profile("rescue"), snap()],
            "responses": answers("teams by arrival time", geo)}}),
        ),
        (
            "/routing/assign".into(),
            json!({"post": {"summary": "groups of people to shelters with room, never over capacity (greedy by travel time)",
            "requestBody": body(&format!("{{\"groups\": [{{\"id\", \"at\": [lon, lat], \"people\"}}] (at most {MAX_GROUPS}), \"profile\", \"candidates\", \"snap_m\"}}")),
            "responses": answers("placements, load per shelter, who cannot be placed", "application/json")}}),
        ),
        (
            "/routing/isochrone".into(),
            json!({"get": {"summary": "areas reachable within each time (one MultiPolygon per limit)",
            "parameters": [lonlat("at", "the start"), minutes("3,5,10"), profile("foot"), snap()], "responses": answers("the bands", geo)}}),
        ),
        (
            "/routing/coverage".into(),
            json!({"get": {"summary": "reach time from the nearest source to every road: km and villages beyond the threshold",
            "parameters": [from_layer.clone(), q("minutes", false, "the threshold", json!({"type": "number", "default": 10})), profile("by source")],
            "responses": answers("the summary and the tile URL", "application/json")}}),
        ),
        (
            "/routing/coverage/{z}/{x}/{y}.mvt".into(),
            json!({"get": {"summary": "the reach_time vector tile layer (reach_s, best_s, beyond per road)",
            "parameters": [from_layer, q("minutes", false, "the threshold", json!({"type": "number", "default": 10})), profile("by source")],
            "responses": {"200": {"description": "an MVT tile", "content": {"application/vnd.mapbox-vector-tile": {}}}, "204": {"description": "no road in the tile"}}}}),
        ),
        (
            "/routing/closures".into(),
            json!({
            "get": {"summary": "the closures in force (manual and from active risk zones and controlled hazards)", "responses": answers("a FeatureCollection", geo)},
            "post": {"summary": "close roads at once for every profile (kept on disk before the answer)",
                "requestBody": body("{\"reason\", \"geometry\": Polygon|MultiPolygon|Point with \"buffer_m\", \"roads\": [OSM way ids or roads-layer feature ids], \"until\": RFC 3339}"),
                "responses": {"201": {"description": "the closure, with edges_closed"}, "400": {"description": "bad input"}, "422": {"description": "no road in that area"}}}}),
        ),
        (
            "/routing/closures/{id}".into(),
            json!({"delete": {"summary": "reopen the roads of a manual closure",
            "responses": {"204": {"description": "reopened"}, "404": {"description": "no such closure"}, "409": {"description": "an automatic closure: change its feature"}}}}),
        ),
        (
            "/routing/evacuation-routes".into(),
            json!({"post": {"summary": "route and save an evacuation route feature (length_m, minutes, created_by)",
            "requestBody": body("{\"name\", \"from\": [lon, lat], \"to\": [lon, lat] or \"shelter\": id, \"profile\", \"from_ref\", \"to_ref\", \"township\"}"),
            "responses": {"201": {"description": "the saved feature"}, "400": {"description": "bad input"}, "422": {"description": "no route"}}}}),
        ),
    ]
}
