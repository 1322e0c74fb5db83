//! `POST /imports`: upload a survey file from the browser; it becomes an import job with a status,
//! counts and the row-by-row report, checked exactly as the CLI checks it. `GET /imports/{id}`
//! follows the job; `?wait=true` answers only when it is done.

use crate::auth::Caller;
use crate::error::ApiError;
#[allow(unused_imports)]
use crate::error::Exception;
use crate::AppState;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use onemap_import::crs::Crs;
use onemap_import::survey::{self, Format, MappingFile, Options, Report};
use onemap_import::ImportError;
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
    /// The account that uploaded it (`anonymous` on a store without accounts).
    pub by: String,
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
    fn start(&self, layer: LayerId, file_name: &str, by: &str) -> (u64, Job) {
        let n = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        let job = Job {
            id: n.to_string(),
            status: JobStatus::Running,
            layer: layer.to_string(),
            file_name: file_name.to_owned(),
            by: by.to_owned(),
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

    fn finish(&self, n: u64, outcome: Result<Report, Failure>) -> Option<Job> {
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
                job.error = Some(match e {
                    Failure::Input(message) => message,
                    Failure::Server(_) => "internal server error; see the server log".into(),
                });
            }
        }
        Some(job.clone())
    }

    pub fn get(&self, id: &str) -> Option<Job> {
        let n: u64 = id.parse().ok()?;
        self.jobs.lock().get(&n).cloned()
    }

    /// Whether `caller` sees `job`: those who write every layer see every job, others their own.
    fn visible(caller: &Caller, job: &Job) -> bool {
        caller.may(|g| g.all_layers) || caller.writer().actor == job.by
    }
}

/// Why a job failed: the upload's fault (answered 422 with the message), or the server's (500,
/// the message logged).
#[derive(Debug)]
enum Failure {
    Input(String),
    Server(String),
}

impl From<ImportError> for Failure {
    fn from(e: ImportError) -> Self {
        let server = match &e {
            // The upload was written a moment ago: failing to read it back is the server's fault.
            ImportError::Read { .. } => true,
            ImportError::Store(s) => !s.is_client_error(),
            ImportError::File { .. }
            | ImportError::UnknownFormat { .. }
            | ImportError::Crs { .. }
            | ImportError::Mapping { .. }
            | ImportError::Key { .. }
            | ImportError::Invalid { .. }
            | ImportError::Exists { .. } => false,
        };
        // The error names the file as the options did: the upload's name, never the temporary path.
        if server {
            Failure::Server(e.to_string())
        } else {
            Failure::Input(e.to_string())
        }
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
    caller: Caller,
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
    let name = safe_name(&file_name);
    let mut o = Options::new(layer);
    // Reports and errors name the upload, not the temporary file it is read from.
    o.name = Some(name.clone());
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
    let writer = caller.writer_for(layer)?;
    let (n, job) = state.imports.start(layer, &file_name, &writer.actor);
    let (store, jobs) = (Arc::clone(&state.store), Arc::clone(&state.imports));
    let work = tokio::task::spawn_blocking(move || {
        let outcome = tempfile::tempdir()
            .and_then(|dir| {
                let path = dir.path().join(&name);
                std::fs::write(&path, &bytes).map(|()| (dir, path))
            })
            .map_err(|e| Failure::Server(format!("cannot store the upload: {e}")))
            .and_then(|(_dir, path)| {
                let mut quiet = |_: usize, _: usize| {};
                survey::import(store.as_ref(), &path, &o, &writer, &mut quiet).map_err(Failure::from)
            });
        if let Err(Failure::Server(e)) = &outcome {
            tracing::error!(job = n, error = %e, "import failed");
        }
        let server_fault = matches!(outcome, Err(Failure::Server(_)));
        (jobs.finish(n, outcome), server_fault)
    });
    let location = format!("/imports/{}", job.id);
    if p.wait {
        let (done, server_fault) = work.await.map_err(ApiError::internal)?;
        let done = done.ok_or_else(|| ApiError::internal("import job vanished"))?;
        if server_fault {
            return Err(ApiError::internal(format!("import job {} failed", done.id)));
        }
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
async fn one(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> Result<Json<Job>, ApiError> {
    let job = state.imports.get(&id).filter(|j| ImportJobs::visible(&caller, j));
    job.map(Json).ok_or_else(|| ApiError::not_found(format!("no import job `{id}`")))
}

#[utoipa::path(get, path = "/imports", tag = "imports", responses((status = 200, description = "the import jobs, newest first", body = Object, content_type = "application/json")))]
async fn list(State(state): State<AppState>, caller: Caller) -> Json<JobList> {
    let jobs = state
        .imports
        .jobs
        .lock()
        .values()
        .rev()
        .filter(|j| ImportJobs::visible(&caller, j))
        .map(|j| JobSummary {
            id: j.id.clone(),
            status: j.status,
            layer: j.layer.clone(),
            file_name: j.file_name.clone(),
            by: j.by.clone(),
            created: j.created.clone(),
            rows_read: j.report.as_ref().map(|r| r.rows_read),
            inserted: j.report.as_ref().map(|r| r.inserted),
        })
        .collect();
    Json(JobList { jobs })
}

/// `GET /imports`: the jobs of this process, newest first.
#[derive(Debug, Serialize)]
struct JobList {
    jobs: Vec<JobSummary>,
}

/// One job without its report.
#[derive(Debug, Serialize)]
struct JobSummary {
    id: String,
    status: JobStatus,
    layer: String,
    file_name: String,
    by: String,
    created: String,
    rows_read: Option<usize>,
    inserted: Option<usize>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{AppState, ServiceInfo};
    use axum::body::Body;
    use axum::http::Request;
    use http_body_util::BodyExt;
    use onemap_import::survey::FileError;
    use onemap_store::GpkgStore;
    use serde_json::Value;
    use tower::ServiceExt;

    const BOUNDARY: &str = "onemap-unit-boundary";

    /// `POST /imports?wait=true` of `file` (named `name`) to layer `hazards`, with `fields`.
    async fn upload(name: &str, file: &[u8], fields: &[(&str, &str)]) -> (StatusCode, Value) {
        let dir = tempfile::tempdir().expect("tempdir");
        let store: Arc<dyn onemap_store::Store> = Arc::new(GpkgStore::open(dir.path().join("s.gpkg")).expect("store"));
        let app = axum::Router::from(router()).with_state(AppState::new(store, ServiceInfo::default()));
        let mut body = Vec::new();
        for (k, v) in [("layer", "hazards")].iter().chain(fields) {
            body.extend_from_slice(
                format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").as_bytes(),
            );
        }
        body.extend_from_slice(format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
        body.extend_from_slice(file);
        body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
        let req = Request::post("/imports?wait=true")
            .header("content-type", format!("multipart/form-data; boundary={BOUNDARY}"))
            .body(Body::from(body))
            .expect("request");
        let res = app.oneshot(req).await.expect("response");
        let status = res.status();
        let bytes = res.into_body().collect().await.expect("body").to_bytes();
        (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    }

    #[tokio::test]
    async fn a_broken_upload_is_4xx_and_its_message_names_the_upload_not_the_temporary_file() {
        let tmp = std::env::temp_dir().display().to_string();
        for (name, bytes, says) in [
            ("survey.gpkg", &b"not an SQLite file, not a GeoPackage"[..], "is not a GeoPackage"),
            ("survey.shp", &b"not a shapefile"[..], "not a readable .shp"),
            ("survey.xlsx", &b"PK\x03\x04 cut"[..], "is not a readable spreadsheet"),
            ("survey.geojson", &br#"{"type": "FeatureCollection""#[..], "is not valid JSON"),
        ] {
            let (status, job) = upload(name, bytes, &[]).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{name}: {job}");
            assert_eq!(job["status"], "failed", "{job}");
            let error = job["error"].as_str().unwrap_or_default();
            assert!(error.starts_with(&format!("{name}: ")) && error.contains(says), "{name}: {error}");
            assert!(!error.contains(&tmp), "no server paths in messages: {error}");
        }
        // A mapping that names a property the layer lacks: the mapping's fault, 422 too.
        let csv = "名称,经度,纬度\n甲,104.1,30.6\n";
        let (status, job) = upload("a.csv", csv.as_bytes(), &[("mapping", r#"{"columns": {"名称": "colour"}}"#)]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{job}");
        assert!(job["error"].as_str().unwrap_or_default().contains("has no property `colour`"), "{job}");
    }

    #[test]
    fn input_errors_are_the_uploads_fault_and_io_errors_the_servers() {
        let file = ImportError::File { path: "a.xlsx".into(), source: FileError::NoSheetWithData };
        assert!(matches!(Failure::from(file), Failure::Input(m) if m == "a.xlsx: has no sheet with data"));
        let io = std::io::Error::other("disk on fire");
        assert!(matches!(Failure::from(ImportError::Read { path: "a.csv".into(), source: io }), Failure::Server(_)));
        let db = onemap_store::StoreError::Corrupt("bad page".into());
        assert!(matches!(Failure::from(ImportError::Store(db)), Failure::Server(_)));
        let invalid = onemap_store::StoreError::Invalid(onemap_model::ValidationError::new("id", "too long"));
        assert!(matches!(Failure::from(ImportError::Store(invalid)), Failure::Input(_)));
    }
}
