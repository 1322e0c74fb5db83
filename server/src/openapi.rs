//! The OpenAPI document (`/api`, and `/api.html` for people). Paths, parameters and answers come
//! from the handlers' own `#[utoipa::path]` annotations, collected as the routers are assembled,
//! so the document cannot drift from what is served. Then the deployment's layers are filled in
//! from the registry (a path per collection, with its queryables and its feature schema) and the
//! document is given as OpenAPI 3.0.3 (OGC API – Features' OAS30 class).

use crate::ogc::links::{BaseUrl, OPENAPI};
use crate::ogc::queryables_schema;
use crate::AppState;
use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use axum::Router;
use onemap_model::{LayerId, Registry};
use serde_json::{json, Map, Value};
use std::sync::Arc;
use utoipa::OpenApi;

/// The parts of the document no handler states: title, description, tags, shared schemas.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "onemap 应急指挥一张图",
        description = "OGC API – Features and Tiles for the emergency one map, what lies within an area, survey imports and routing. Coordinates are CRS84 (WGS84/CGCS2000 lon/lat degrees); distances metres."
    ),
    tags(
        (name = "ogc", description = "landing page and conformance"),
        (name = "features", description = "OGC API – Features: layers and their features (Part 1, 3, 4)"),
        (name = "tiles", description = "vector tiles (MVT) with TileJSON, and OGC API – Tiles"),
        (name = "analysis", description = "what lies inside an area"),
        (name = "imports", description = "survey files imported into a layer"),
        (name = "routing", description = "routes, nearest shelters, dispatch, isochrones, coverage, closures"),
        (name = "page", description = "the one-map page"),
        (name = "auth", description = "who calls (Bearer API keys)")
    ),
    components(schemas(crate::error::Exception, crate::within::WithinRequest))
)]
pub struct ApiDoc;

/// Routes served by no documented handler (the document itself and static files), with what they give.
pub const EXTRA_ROUTES: [(&str, &str); 4] = [
    ("/api", "this document (OpenAPI 3.0.3 JSON)"),
    ("/api.html", "this document as a page"),
    (crate::web::STATIC_ROUTES[0], "the page's npm packages (maplibre-gl)"),
    (crate::web::STATIC_ROUTES[1], "the page's files"),
];

/// `/api` and `/api.html`, answering from `api` (the handlers' document).
pub fn router(api: Arc<utoipa::openapi::OpenApi>) -> Router<AppState> {
    let page = Arc::clone(&api);
    Router::new()
        .route(
            "/api",
            get(move |State(state): State<AppState>, base: BaseUrl| async move {
                let mut res = document(&api, &base, state.store.registry()).to_string().into_response();
                res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(OPENAPI));
                res
            }),
        )
        .route(
            "/api.html",
            get(move |State(state): State<AppState>, base: BaseUrl| async move {
                Html(html(&document(&page, &base, state.store.registry())))
            }),
        )
}

fn error_response(description: &str) -> Value {
    json!({"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Exception"}}}})
}

/// The document for a client at `base`: the handlers' paths, one path per collection of
/// `registry` for every `{collectionId}` path, the extra routes, as OpenAPI 3.0.3.
pub fn document(api: &utoipa::openapi::OpenApi, base: &BaseUrl, registry: &Registry) -> Value {
    let mut doc = serde_json::to_value(api).unwrap_or_else(|_| json!({}));
    unique_operation_ids(&mut doc);
    let generic: Vec<(String, Value)> = doc["paths"]
        .as_object()
        .map(|p| p.iter().filter(|(k, _)| k.contains("{collectionId}")).map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    let Some(paths) = doc["paths"].as_object_mut() else { return doc };
    for (path, item) in &generic {
        // The generic path names its collections.
        if let Some(v) = paths.get_mut(path) {
            name_collections(v, registry);
        }
        for &layer in registry.layers() {
            paths.insert(path.replace("{collectionId}", layer.as_str()), for_layer(item, path, base, layer));
        }
    }
    for (path, what) in EXTRA_ROUTES {
        let mut op = json!({"summary": what, "tags": ["page"], "responses": {"200": {"description": what}}});
        if let Some(name) = path.split('{').nth(1).and_then(|p| p.strip_suffix('}')) {
            op["parameters"] = json!([{"name": name, "in": "path", "required": true, "schema": {"type": "string"}}]);
        }
        paths.insert(path.to_owned(), json!({"get": op}));
    }
    if let Some(schemas) = doc["components"]["schemas"].as_object_mut() {
        for &layer in registry.layers() {
            schemas.insert(layer.as_str().to_owned(), layer_schema(layer));
        }
    }
    doc["servers"] = json!([{"url": base.0}]);
    // 3.1 only: a licence's SPDX identifier.
    if let Some(licence) = doc["info"]["license"].as_object_mut() {
        licence.remove("identifier");
    }
    to_openapi_30(&mut doc);
    doc["openapi"] = json!("3.0.3");
    doc
}

/// Operation ids are the handlers' names; where two handlers share a name (`create` of
/// features, imports and closures) each is prefixed with its tag.
fn unique_operation_ids(doc: &mut Value) {
    let Some(paths) = doc["paths"].as_object_mut() else { return };
    let mut seen = std::collections::HashMap::<String, usize>::new();
    for op in paths.values().flat_map(|item| item.as_object().into_iter().flat_map(|o| o.values())) {
        if let Some(id) = op["operationId"].as_str() {
            *seen.entry(id.to_owned()).or_default() += 1;
        }
    }
    for op in paths.values_mut().flat_map(|item| item.as_object_mut().into_iter().flat_map(|o| o.values_mut())) {
        let (Some(id), Some(tag)) = (op["operationId"].as_str(), op["tags"][0].as_str()) else { continue };
        if seen.get(id).copied().unwrap_or(0) > 1 {
            op["operationId"] = json!(format!("{tag}_{id}"));
        }
    }
}

/// Gives the `collectionId` parameters of a path item the registry's layer ids.
fn name_collections(item: &mut Value, registry: &Registry) {
    let Some(ops) = item.as_object_mut() else { return };
    for op in ops.values_mut() {
        for p in op["parameters"].as_array_mut().into_iter().flatten() {
            if p["name"] == "collectionId" {
                p["schema"] = json!({"type": "string", "enum": registry.names()});
            }
        }
    }
}

/// The path item of `generic` for one layer: no `collectionId` parameter, operation ids of its
/// own, the layer's queryables as filters of its items, its feature schema for writes.
fn for_layer(generic: &Value, path: &str, base: &BaseUrl, layer: LayerId) -> Value {
    let id = layer.as_str();
    let mut item = generic.clone();
    let Some(ops) = item.as_object_mut() else { return item };
    for (method, op) in ops.iter_mut() {
        if let Some(params) = op["parameters"].as_array_mut() {
            params.retain(|p| p["name"] != "collectionId");
        }
        if let Some(oid) = op["operationId"].as_str() {
            op["operationId"] = json!(format!("{oid}_{id}"));
        }
        op["summary"] =
            json!(format!("{} {}: {}", layer.title_zh(), layer.title(), op["summary"].as_str().unwrap_or("")));
        if path.ends_with("/items") && method == "get" {
            let queryables = queryables_schema(base, layer);
            for (name, schema) in queryables["properties"].as_object().into_iter().flatten() {
                let title = schema["title"].as_str().unwrap_or("");
                if let Some(params) = op["parameters"].as_array_mut() {
                    params.push(
                        json!({"name": name, "in": "query", "required": false, "style": "form", "explode": false,
                                       "description": format!("equals ({title})"), "schema": schema}),
                    );
                }
            }
        }
        if method == "post" || method == "put" {
            if let Some(content) = op["requestBody"]["content"].as_object_mut() {
                for media in content.values_mut() {
                    media["schema"] = json!({"$ref": format!("#/components/schemas/{id}")});
                }
            }
        }
        if let Some(responses) = op["responses"].as_object_mut() {
            for r in responses.values_mut() {
                if r["content"]["application/json"]["schema"]["$ref"] == "#/components/schemas/Exception" {
                    *r = error_response(r["description"].as_str().unwrap_or(""));
                }
            }
        }
    }
    item
}

/// Rewrites OpenAPI 3.1 schema forms as 3.0 ones: `"type": ["T", "null"]` becomes
/// `"type": "T", "nullable": true`; `examples` lists become one `example`; `propertyNames`
/// (map keys, always strings here) goes.
fn to_openapi_30(v: &mut Value) {
    match v {
        Value::Object(m) => {
            if let Some(Value::Array(types)) = m.get("type").cloned() {
                let non_null: Vec<&Value> = types.iter().filter(|t| *t != "null").collect();
                if let [one] = non_null.as_slice() {
                    m.insert("type".into(), (*one).clone());
                }
                if types.len() > non_null.len() {
                    m.insert("nullable".into(), Value::Bool(true));
                }
            }
            // `oneOf: [{type: null}, X]` (an optional reference) becomes `allOf: [X], nullable`.
            if let Some(Value::Array(alts)) = m.get("oneOf").cloned() {
                let null = |v: &Value| v.get("type") == Some(&Value::String("null".into()));
                if alts.iter().any(null) {
                    let rest: Vec<Value> = alts.into_iter().filter(|v| !null(v)).collect();
                    m.remove("oneOf");
                    m.insert(if rest.len() == 1 { "allOf" } else { "oneOf" }.into(), Value::Array(rest));
                    m.insert("nullable".into(), Value::Bool(true));
                }
            }
            // JSON Schema 2020-12 keywords OpenAPI 3.0 does not know.
            m.remove("propertyNames");
            if let Some(Value::Array(ex)) = m.remove("examples") {
                if let Some(first) = ex.into_iter().next() {
                    m.insert("example".into(), first);
                }
            }
            for child in m.values_mut() {
                to_openapi_30(child);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(to_openapi_30),
        _ => {}
    }
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
        }
        if c.must_be_given() {
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
