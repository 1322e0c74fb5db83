//! The OpenAPI 3.0 document, generated from the layer model, and a readable HTML rendering of it.

use crate::ogc::links::{BaseUrl, OPENAPI};
use crate::ogc::params::{DEFAULT_LIMIT, MAX_LIMIT};
use crate::ogc::queryables_schema;
use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use onemap_model::{LayerId, Registry};
use serde_json::{json, Map, Value};

pub fn router() -> Router<crate::AppState> {
    Router::new().route("/api", get(api))
}

async fn api(State(state): State<crate::AppState>, base: BaseUrl) -> Response {
    let mut res = document(&base, state.store.registry()).to_string().into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(OPENAPI));
    res
}

fn param(name: &str, description: &str, schema: Value) -> Value {
    json!({"name": name, "in": "query", "required": false, "description": description, "schema": schema, "style": "form", "explode": false})
}

fn error_responses() -> Value {
    let e = json!({"description": "an OGC exception", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/exception"}}}});
    json!({"400": e, "404": e, "500": e})
}

fn layer_paths(paths: &mut Map<String, Value>, base: &BaseUrl, layer: LayerId) {
    let id = layer.as_str();
    let schema_ref = json!({"$ref": format!("#/components/schemas/{id}")});
    let feature = json!({"content": {"application/geo+json": {"schema": schema_ref}}});
    let mut params = vec![
        param(
            "bbox",
            "minLon,minLat,maxLon,maxLat in CRS84 degrees",
            json!({"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}}),
        ),
        param(
            "limit",
            "features per page",
            json!({"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT}),
        ),
        param(
            "offset",
            "features to skip (the next link sets it)",
            json!({"type": "integer", "minimum": 0, "default": 0}),
        ),
        param("datetime", "instant or interval (a/b, .. open) on the feature's last update", json!({"type": "string"})),
    ];
    let queryables = queryables_schema(base, layer);
    if let Some(props) = queryables["properties"].as_object() {
        for (name, schema) in props {
            params.push(param(name, &format!("equals ({})", schema["title"].as_str().unwrap_or("")), schema.clone()));
        }
    }
    let mut errors = error_responses();
    paths.insert(
        format!("/collections/{id}/items"),
        json!({
            "get": {"summary": format!("{} ({})", layer.title(), layer.title_zh()), "operationId": format!("get_{id}"),
                    "parameters": params,
                    "responses": merge(json!({"200": {"description": "a page of features", "content": {"application/geo+json": {"schema": {"type": "object"}}}}}), errors.clone())},
            "post": {"summary": format!("add {id} (a Feature or a FeatureCollection, all or nothing)"), "operationId": format!("create_{id}"),
                     "requestBody": {"required": true, "content": {"application/geo+json": {"schema": schema_ref}}},
                     "responses": merge(json!({"201": {"description": "created"}, "409": {"description": "duplicate id"}, "413": {"description": "body too large"}}), errors.clone())},
        }),
    );
    errors["412"] = json!({"description": "If-Match names a stale version"});
    let fid = json!([{"name": "featureId", "in": "path", "required": true, "schema": {"type": "string"}}]);
    let if_match = json!({"name": "If-Match", "in": "header", "required": false, "schema": {"type": "string"}});
    paths.insert(
        format!("/collections/{id}/items/{{featureId}}"),
        json!({
            "parameters": fid,
            "get": {"operationId": format!("get_{id}_item"), "responses": merge(json!({"200": feature}), errors.clone())},
            "put": {"operationId": format!("replace_{id}_item"), "parameters": [if_match],
                    "requestBody": {"required": true, "content": {"application/geo+json": {"schema": schema_ref}}},
                    "responses": merge(json!({"200": feature}), errors.clone())},
            "patch": {"operationId": format!("update_{id}_item"), "parameters": [if_match],
                      "requestBody": {"required": true, "content": {"application/merge-patch+json": {"schema": {"type": "object"}}}},
                      "responses": merge(json!({"200": feature}), errors.clone())},
            "delete": {"operationId": format!("delete_{id}_item"), "parameters": [if_match],
                       "responses": merge(json!({"204": {"description": "deleted"}}), errors)},
        }),
    );
}

fn merge(mut a: Value, b: Value) -> Value {
    if let (Some(a), Value::Object(b)) = (a.as_object_mut(), b) {
        a.extend(b);
    }
    a
}

fn layer_schema(layer: LayerId) -> Value {
    let mut props = Map::new();
    let mut required = Vec::new();
    for c in layer.columns() {
        let mut p = json!({"type": c.ty.json_type(), "description": c.title_zh});
        if let Some(v) = c.enum_values {
            p["enum"] = json!(v);
        }
        if !c.required {
            p["nullable"] = json!(true);
        } else {
            required.push(c.name);
        }
        props.insert(c.name.to_owned(), p);
    }
    json!({
        "type": "object",
        "required": ["type", "geometry", "properties"],
        "properties": {
            "type": {"type": "string", "enum": ["Feature"]},
            "id": {"type": "string"},
            "geometry": {"type": "object", "description": format!("GeoJSON {} in CRS84 lon/lat degrees", layer.geometry_kind().accepted_geojson().join(" or "))},
            "properties": {"type": "object", "properties": props, "required": required, "additionalProperties": false},
        },
    })
}

/// The OpenAPI 3.0 document of this server.
pub fn document(base: &BaseUrl, registry: &Registry) -> Value {
    let mut paths = Map::new();
    let simple = |summary: &str| json!({"get": {"summary": summary, "responses": {"200": {"description": "OK"}}}});
    paths.insert("/".into(), simple("landing page"));
    paths.insert("/conformance".into(), simple("conformance classes"));
    paths.insert("/collections".into(), simple("the layers"));
    paths.insert("/collections/{collectionId}".into(), json!({"get": {"summary": "one layer", "parameters": [{"name": "collectionId", "in": "path", "required": true, "schema": {"type": "string", "enum": registry.names()}}], "responses": {"200": {"description": "OK"}}}}));
    paths.insert(
        "/query/within".into(),
        json!({"post": {"summary": "what lies inside an area (early warning): features per layer and totals",
                        "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/within"}}}},
                        "responses": merge(json!({"200": {"description": "features and totals per layer"}}), error_responses())}}),
    );
    paths.extend(crate::routing::openapi::paths(registry));
    let mut schemas = Map::new();
    for &layer in registry.layers() {
        layer_paths(&mut paths, base, layer);
        schemas.insert(layer.as_str().to_owned(), layer_schema(layer));
    }
    schemas.insert("exception".into(), json!({"type": "object", "required": ["code"], "properties": {"code": {"type": "string"}, "description": {"type": "string"}, "field": {"type": "string"}}}));
    schemas.insert("within".into(), json!({"type": "object", "required": ["geometry"], "properties": {
        "geometry": {"type": "object", "description": "GeoJSON geometry, CRS84 degrees"},
        "buffer_m": {"type": "number", "minimum": 0, "maximum": crate::within::MAX_BUFFER_M, "description": "buffer in metres"},
        "layers": {"type": "array", "items": {"type": "string"}}}}));
    json!({
        "openapi": "3.0.3",
        "info": {"title": "onemap 应急指挥一张图", "version": env!("CARGO_PKG_VERSION"),
                 "description": "OGC API – Features for the emergency one map, and routing (/routing/*). Coordinates are CRS84 (WGS84/CGCS2000 lon/lat degrees)."},
        "servers": [{"url": base.0}],
        "paths": paths,
        "components": {"schemas": schemas},
    })
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// A plain HTML page listing every path, method, parameter and schema of `doc`.
pub fn html(doc: &Value) -> String {
    let mut out = String::from("<!doctype html><html lang=\"zh\"><head><meta charset=\"utf-8\"><title>onemap API</title>\
        <style>body{font-family:sans-serif;max-width:60em;margin:2em auto}code{background:#eee;padding:0 .2em}\
        h3{margin-bottom:.2em}table{border-collapse:collapse}td{border:1px solid #ccc;padding:.1em .4em}</style></head><body>\
        <h1>onemap API</h1><p>Machine-readable: <a href=\"/api\">/api</a> (OpenAPI 3.0).</p>");
    if let Some(paths) = doc["paths"].as_object() {
        for (path, item) in paths {
            let Some(ops) = item.as_object() else { continue };
            for (method, op) in ops {
                if method == "parameters" {
                    continue;
                }
                out.push_str(&format!(
                    "<h3><code>{} {}</code></h3><p>{}</p>",
                    method.to_uppercase(),
                    escape(path),
                    escape(op["summary"].as_str().unwrap_or(""))
                ));
                if let Some(params) = op["parameters"].as_array().filter(|p| !p.is_empty()) {
                    out.push_str("<table>");
                    for p in params {
                        out.push_str(&format!(
                            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
                            escape(p["name"].as_str().unwrap_or("")),
                            escape(p["in"].as_str().unwrap_or("")),
                            escape(p["description"].as_str().unwrap_or(""))
                        ));
                    }
                    out.push_str("</table>");
                }
            }
        }
    }
    out.push_str("</body></html>");
    out
}
