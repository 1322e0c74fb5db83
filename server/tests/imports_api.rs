//! `POST /imports`: a browser upload becomes an import job with the same validation as the CLI;
//! bad uploads are 4xx with the field named, and a rejected file changes nothing.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::demo_app;
use http_body_util::BodyExt;
use onemap_model::{LayerId, Scope};
use serde_json::Value;
use tower::ServiceExt;

const BOUNDARY: &str = "onemap-test-boundary";

fn multipart(parts: &[(&str, Option<&str>, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, file_name, bytes) in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        match file_name {
            Some(f) => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
            ),
            None => body.extend_from_slice(format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes()),
        }
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

async fn upload(
    app: &common::TestApp,
    uri: &str,
    parts: &[(&str, Option<&str>, &[u8])],
) -> (StatusCode, Value, Option<String>) {
    let req = Request::post(uri)
        .header("content-type", format!("multipart/form-data; boundary={BOUNDARY}"))
        .header("host", "onemap.test")
        .body(Body::from(multipart(parts)))
        .expect("request");
    let res = app.router.clone().oneshot(req).await.expect("response");
    let status = res.status();
    let location = res.headers().get("location").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let bytes = res.into_body().collect().await.expect("body").to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null), location)
}

const CSV: &str = "编号,名称,类型,经度,纬度,风险等级,受威胁人数,乡镇代码\nU1,上传一号,滑坡,103.95,30.55,重大,30,519901001\nU2,上传二号,崩塌,103.96,30.56,一般,5,519901001\n";

#[tokio::test]
async fn an_uploaded_csv_becomes_a_job_and_its_features_appear() {
    let app = demo_app(20, 1 << 20);
    let before = app.store.summary(LayerId::HAZARDS, &Scope::All).count;
    let (status, job, location) = upload(
        &app,
        "/imports?wait=true",
        &[("layer", None, b"hazards"), ("key", None, "编号".as_bytes()), ("file", Some("新隐患.csv"), CSV.as_bytes())],
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{job}");
    assert_eq!(job["status"], "succeeded");
    assert_eq!(job["report"]["inserted"], 2);
    assert_eq!(job["report"]["file"], "新隐患.csv", "no server paths in reports");
    assert!(app.store.get(LayerId::HAZARDS, "U1", &Scope::All).is_ok());
    assert_eq!(app.store.summary(LayerId::HAZARDS, &Scope::All).count, before + 2);
    // The job is there to read back, and in the list.
    let loc = location.expect("location");
    let again = app.get(&loc).await;
    assert_eq!(again.body["status"], "succeeded");
    assert_eq!(again.body["file_name"], "新隐患.csv");
    assert!(app.get("/imports").await.body["jobs"].as_array().is_some_and(|j| !j.is_empty()));
    // Without wait: 202 and a job to follow, which ends in the same state.
    let (status, job, location) = upload(
        &app,
        "/imports",
        &[("layer", None, b"hazards"), ("key", None, "编号".as_bytes()), ("file", Some("again.csv"), CSV.as_bytes())],
    )
    .await;
    assert_eq!((status, job["status"].as_str()), (StatusCode::ACCEPTED, Some("running")));
    let loc = location.expect("location");
    let mut last = Value::Null;
    for _ in 0..500 {
        last = app.get(&loc).await.body;
        if last["status"] != "running" {
            break;
        }
        tokio::task::yield_now().await;
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert_eq!(last["status"], "succeeded", "{last}");
    assert_eq!(last["report"]["updated"], 2);
}

#[tokio::test]
async fn bad_uploads_are_4xx_and_change_nothing() {
    let app = demo_app(20, 1 << 20);
    let before = app.store.summary(LayerId::HAZARDS, &Scope::All).count;
    let (s, body, _) = upload(&app, "/imports", &[("layer", None, b"hazards")]).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(body["description"].as_str().unwrap_or("").contains("file"), "{body}");
    let (s, body, _) =
        upload(&app, "/imports", &[("layer", None, b"volcanoes"), ("file", Some("a.csv"), CSV.as_bytes())]).await;
    assert_eq!((s, body["field"].as_str()), (StatusCode::BAD_REQUEST, Some("layer")));
    let (s, body, _) = upload(
        &app,
        "/imports",
        &[("layer", None, b"hazards"), ("crs", None, b"EPSG:99999"), ("file", Some("a.csv"), CSV.as_bytes())],
    )
    .await;
    assert_eq!((s, body["field"].as_str()), (StatusCode::BAD_REQUEST, Some("crs")));
    let (s, body, _) = upload(
        &app,
        "/imports",
        &[("layer", None, b"hazards"), ("colour", None, b"red"), ("file", Some("a.csv"), CSV.as_bytes())],
    )
    .await;
    assert_eq!((s, body["field"].as_str()), (StatusCode::BAD_REQUEST, Some("colour")));
    // A file with a bad row: 422, the report names row 3 and its column; nothing written.
    let bad = CSV.replace("一般,5", "一般,五个");
    let (s, job, _) =
        upload(&app, "/imports?wait=true", &[("layer", None, b"hazards"), ("file", Some("bad.csv"), bad.as_bytes())])
            .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{job}");
    assert_eq!(job["status"], "rejected");
    let issue = &job["report"]["issues"][0];
    assert_eq!((issue["row"].as_u64(), issue["column"].as_str()), (Some(3), Some("受威胁人数")), "{job}");
    // Not a spreadsheet at all.
    let (s, job, _) =
        upload(&app, "/imports?wait=true", &[("layer", None, b"hazards"), ("file", Some("x.xlsx"), b"not a zip")])
            .await;
    assert_eq!((s, job["status"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("failed")));
    assert!(job["error"].as_str().unwrap_or("").contains("x.xlsx"), "{job}");
    assert!(!job["error"].as_str().unwrap_or("").contains("/tmp"), "no server paths in messages: {job}");
    assert_eq!(app.store.summary(LayerId::HAZARDS, &Scope::All).count, before);
    assert_eq!(app.get("/imports/999").await.status, StatusCode::NOT_FOUND);
}
