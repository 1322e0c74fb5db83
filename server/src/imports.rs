//! `POST /imports`: upload a survey file from the browser; it becomes an import job with a status,
//! counts and the row-by-row report, checked exactly as the CLI checks it. `GET /imports/{id}`
//! follows the job; `?wait=true` answers only when it is done.

use crate::error::ApiError;
#[allow(unused_imports)]
use crate::error::Exception;
use crate::AppState;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use onemap_import::crs::Crs;
use onemap_import::survey::{self, Format, MappingFile, Options, Report};
use onemap_model::LayerId;
use parking_lot::Mutex;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Uploads may be larger than other request bodies.
pub const UPLOAD_LIMIT: usize = 256 * 1024 * 1024;
/// Finished jobs kept for `GET /imports`.
const KEEP: usize = 200;

/// Where a job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    Running,
    /// Everything valid (or the invalid rows skipped) and written.
    Succeeded,
    /// A dry run finished: nothing written by design.
    Checked,
    /// Invalid rows stopped an all-or-nothing import: nothing written; see the report.
    Rejected,
    /// The file could not be imported at all: see `error`.
    Failed,
}

/// One import job.
#[derive(Debug, Clone, Serialize)]
pub struct Job {
    pub id: String,
    pub status: JobStatus,
    pub layer: String,
    pub file_name: String,
    pub created: String,
    pub error: Option<String>,
    pub report: Option<Report>,
}

/// The jobs of this process.
#[derive(Default)]
pub struct ImportJobs {
    next: AtomicU64,
    jobs: Mutex<BTreeMap<u64, Job>>,
}

impl ImportJobs {
    fn start(&self, layer: LayerId, file_name: &str) -> (u64, Job) {
        let n = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        let job = Job {
            id: n.to_string(),
            status: JobStatus::Running,
            layer: layer.to_string(),
            file_name: file_name.to_owned(),
            created: onemap_model::format_timestamp(chrono::Utc::now()),
            error: None,
            report: None,
        };
        let mut jobs = self.jobs.lock();
        jobs.insert(n, job.clone());
        while jobs.len() > KEEP {
            let Some((&oldest, _)) = jobs.iter().find(|(_, j)| j.status != JobStatus::Running) else { break };
            jobs.remove(&oldest);
        }
        (n, job)
    }

    fn finish(&self, n: u64, outcome: Result<Report, String>) -> Option<Job> {
        let mut jobs = self.jobs.lock();
        let job = jobs.get_mut(&n)?;
        match outcome {
            Ok(r) => {
                job.status = if r.committed {
                    JobStatus::Succeeded
                } else if r.dry_run {
                    JobStatus::Checked
                } else {
                    JobStatus::Rejected
                };
                job.report = Some(r);
            }
            Err(e) => {
                job.status = JobStatus::Failed;
                job.error = Some(e);
            }
        }
        Some(job.clone())
    }

    pub fn get(&self, id: &str) -> Option<Job> {
        let n: u64 = id.parse().ok()?;
        self.jobs.lock().get(&n).cloned()
    }
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(create, list)).routes(routes!(one)).layer(DefaultBodyLimit::max(UPLOAD_LIMIT))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateParams {
    #[serde(default)]
    wait: bool,
}

fn flag(name: &str, v: &str) -> Result<bool, ApiError> {
    match v.trim() {
        "true" | "1" | "on" | "yes" => Ok(true),
        "false" | "0" | "off" | "no" | "" => Ok(false),
        other => Err(ApiError::bad_param(name, format!("`{other}` is not true or false"))),
    }
}

/// A file name safe to create in a temporary directory, keeping its extension (which names the format).
fn safe_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("upload");
    let cleaned: String =
        base.chars().map(|c| if c.is_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' }).collect();
    if cleaned.trim_matches('.').is_empty() {
        "upload".into()
    } else {
        cleaned
    }
}

/// `POST /imports` (multipart/form-data): `file`, `layer`, and optionally `crs`, `key`, `sheet`,
/// `format`, `mapping` (JSON), `area` (min_lon,min_lat,max_lon,max_lat), `skip_invalid`, `dry_run`.
#[utoipa::path(post, path = "/imports", tag = "imports", request_body(content = Object, content_type = "multipart/form-data", description = "form fields: file (the survey file), layer, and the options of `onemap import` (crs, format, sheet, key, skip_invalid, dry_run, mapping, area, osm_tags)"), responses((status = 202, description = "the import job, queued", body = Object, content_type = "application/json"), (status = 400, description = "a bad parameter or value, named in `field`", body = Exception)))]
async fn create(
    State(state): State<AppState>,
    Query(p): Query<CreateParams>,
    headers: HeaderMap,
    mut form: Multipart,
) -> Result<Response, ApiError> {
    let mut file: Option<(String, axum::body::Bytes)> = None;
    let mut fields: BTreeMap<String, String> = BTreeMap::new();
    while let Some(field) =
        form.next_field().await.map_err(|e| ApiError::bad_request(format!("multipart body: {e}")))?
    {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            let file_name = field.file_name().unwrap_or("upload").to_owned();
            let bytes = field.bytes().await.map_err(|e| ApiError::bad_request(format!("file: {e}")))?;
            file = Some((file_name, bytes));
        } else {
            let text = field.text().await.map_err(|e| ApiError::bad_param(&name, e))?;
            fields.insert(name, text);
        }
    }
    let (file_name, bytes) =
        file.ok_or_else(|| ApiError::bad_param("file", "is missing: send the survey file as form field `file`"))?;
    let layer_name = fields.remove("layer").ok_or_else(|| ApiError::bad_param("layer", "is missing"))?;
    let layer = state.store.registry().parse(&layer_name).map_err(|e| ApiError::bad_param("layer", e))?;
    let mut o = Options::new(layer);
    for (k, v) in &fields {
        match k.as_str() {
            "crs" if !v.is_empty() => o.crs = Some(v.parse::<Crs>().map_err(|e| ApiError::bad_param("crs", e))?),
            "format" if !v.is_empty() => {
                o.format = Some(v.parse::<Format>().map_err(|e| ApiError::bad_param("format", e))?)
            }
            "key" if !v.is_empty() => o.key = Some(v.clone()),
            "sheet" if !v.is_empty() => o.sheet = Some(v.clone()),
            "osm_tags" if !v.is_empty() => o.osm_tags = Some(v.clone()),
            "mapping" if !v.is_empty() => {
                o.mapping = serde_json::from_str::<MappingFile>(v).map_err(|e| ApiError::bad_param("mapping", e))?;
            }
            "area" if !v.is_empty() => {
                let n: Vec<f64> = v
                    .split(',')
                    .map(|x| x.trim().parse::<f64>())
                    .collect::<Result<_, _>>()
                    .map_err(|_| ApiError::bad_param("area", "must be four numbers"))?;
                let [a, b, c, d] = n[..] else {
                    return Err(ApiError::bad_param("area", "must be four numbers min_lon,min_lat,max_lon,max_lat"));
                };
                o.area = Some([a, b, c, d]);
            }
            "skip_invalid" => o.skip_invalid = flag(k, v)?,
            "dry_run" => o.dry_run = flag(k, v)?,
            "crs" | "format" | "key" | "sheet" | "mapping" | "area" | "osm_tags" => {}
            other => return Err(ApiError::bad_param(other, "unknown form field")),
        }
    }
    let writer = crate::ogc::write::writer_or(&headers, "upload");
    let (n, job) = state.imports.start(layer, &file_name);
    let (store, jobs) = (Arc::clone(&state.store), Arc::clone(&state.imports));
    let name = safe_name(&file_name);
    let work = tokio::task::spawn_blocking(move || {
        let outcome = tempfile::tempdir()
            .and_then(|dir| {
                let path = dir.path().join(&name);
                std::fs::write(&path, &bytes).map(|()| (dir, path))
            })
            .map_err(|e| format!("cannot store the upload: {e}"))
            .and_then(|(_dir, path)| {
                let mut quiet = |_: usize, _: usize| {};
                survey::import(store.as_ref(), &path, &o, &writer, &mut quiet)
                    .map(|mut r| {
                        r.file = name.clone(); // the upload's name, not the server's temporary path
                        r
                    })
                    .map_err(|e| e.to_string().replace(&path.display().to_string(), &name))
            });
        jobs.finish(n, outcome)
    });
    let location = format!("/imports/{}", job.id);
    if p.wait {
        let done = work.await.map_err(ApiError::internal)?.ok_or_else(|| ApiError::internal("import job vanished"))?;
        let status = match done.status {
            JobStatus::Succeeded => StatusCode::CREATED,
            JobStatus::Checked => StatusCode::OK,
            JobStatus::Rejected | JobStatus::Failed => StatusCode::UNPROCESSABLE_ENTITY,
            JobStatus::Running => StatusCode::ACCEPTED,
        };
        return Ok((status, [(header::LOCATION, location)], Json(done)).into_response());
    }
    Ok((StatusCode::ACCEPTED, [(header::LOCATION, location)], Json(job)).into_response())
}

#[utoipa::path(get, path = "/imports/{id}", tag = "imports", params(("id" = String, Path, description = "the job id")), responses((status = 200, description = "the job with its report", body = Object, content_type = "application/json"), (status = 404, description = "no such collection, feature or job", body = Exception)))]
async fn one(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<Job>, ApiError> {
    state.imports.get(&id).map(Json).ok_or_else(|| ApiError::not_found(format!("no import job `{id}`")))
}

#[utoipa::path(get, path = "/imports", tag = "imports", responses((status = 200, description = "the import jobs, newest first", body = Object, content_type = "application/json")))]
async fn list(State(state): State<AppState>) -> Json<serde_json::Value> {
    let jobs: Vec<serde_json::Value> = state
        .imports
        .jobs
        .lock()
        .values()
        .rev()
        .map(|j| serde_json::json!({"id": j.id, "status": j.status, "layer": j.layer, "file_name": j.file_name, "created": j.created,
            "rows_read": j.report.as_ref().map(|r| r.rows_read), "inserted": j.report.as_ref().map(|r| r.inserted)}))
        .collect();
    Json(serde_json::json!({"jobs": jobs}))
}
