//! The HTTP server: gateway checks, routing and the five operations.

// Handlers return the error response itself as `Err`: a test server, where the size of a
// `Response` on the rejection path does not matter.
#![allow(clippy::result_large_err)]

use std::collections::HashMap;
use std::convert::Infallible;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use base64::Engine as _;
use bytes::Bytes;
use futures_util::TryStreamExt as _;
use http::header::{CONTENT_LENGTH, CONTENT_TYPE, ETAG, HeaderName};
use http::{HeaderValue, Method, Request, Response, StatusCode};
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt as _, Full, Limited, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use md5::{Digest as _, Md5};
use percent_encoding::percent_decode_str;
use serde_json::{Value, json};
use tokio::io::AsyncWriteExt as _;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::seed;
use crate::signature;
use crate::util::{
    constant_time_eq, format_rfc3339, format_sdk_date, hex, parse_rfc3339, parse_sdk_date,
    random_hex, unix_secs, xml_escape,
};
use crate::{Clock, Error, MAX_CLOCK_SKEW_SECS};

/// Response body: in-memory bytes or a file streamed from disk.
type Body = UnsyncBoxBody<Bytes, std::io::Error>;

/// Largest body accepted on the signed API routes (JSON requests).
const MAX_API_BODY: usize = 1 << 20;

/// How long open connections get to finish after shutdown.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Validity of upload URLs (24 hours, like MetaStudio's).
const UPLOAD_URL_TTL_SECS: i64 = 24 * 3600;

const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The secret half of an access key.
#[derive(Clone)]
pub(crate) struct Secret {
    pub(crate) sk: String,
    pub(crate) token: Option<String>,
}

/// A file registered with `CreateFile`.
struct FileRecord {
    md5_base64: String,
    size: u64,
    file_type: String,
    content_type: &'static str,
    month: String,
    uploaded: bool,
}

/// A stored image `DownloadImageFile` can serve.
pub(crate) struct StoredImage {
    path: PathBuf,
    content_type: &'static str,
}

/// State shared by all connections.
pub(crate) struct Shared {
    pub(crate) secrets: HashMap<String, Secret>,
    pub(crate) project_id: String,
    pub(crate) storage: PathBuf,
    pub(crate) base_url: String,
    pub(crate) clock: Clock,
    pub(crate) presign_key: String,
    pub(crate) images: HashMap<String, StoredImage>,
    files: Mutex<HashMap<String, FileRecord>>,
}

impl Shared {
    pub(crate) fn new(
        secrets: HashMap<String, Secret>,
        project_id: String,
        storage: PathBuf,
        base_url: String,
        clock: Clock,
        images: HashMap<String, StoredImage>,
    ) -> Self {
        Self {
            secrets,
            project_id,
            storage,
            base_url,
            clock,
            presign_key: random_hex(32),
            images,
            files: Mutex::new(HashMap::new()),
        }
    }

    fn now(&self) -> i64 {
        unix_secs((self.clock)())
    }

    fn files(&self) -> MutexGuard<'_, HashMap<String, FileRecord>> {
        // A panic while holding the lock cannot leave the map inconsistent: keep serving.
        self.files
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub(crate) fn image_uri(&self, file_id: &str) -> Option<String> {
        let files = self.files();
        let record = files.get(file_id)?;
        Some(format!(
            "/v1/upload/{file_id}/{}/{file_id}.{}",
            record.month, record.file_type
        ))
    }

    fn file_path(&self, file_id: &str) -> PathBuf {
        self.storage.join("files").join(file_id)
    }

    fn upload_signature(&self, file_id: &str, expires: i64) -> String {
        signature::sign(&self.presign_key, &format!("PUT\n{file_id}\n{expires}"))
    }
}

/// Creates the storage layout and writes the seeded images; returns them by lookup key.
pub(crate) async fn prepare_storage(dir: &Path) -> Result<HashMap<String, StoredImage>, Error> {
    let storage_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Storage { path, source }
    };
    let images_dir = dir.join("images");
    tokio::fs::create_dir_all(&images_dir)
        .await
        .map_err(storage_err(&images_dir))?;
    let files_dir = dir.join("files");
    tokio::fs::create_dir_all(&files_dir)
        .await
        .map_err(storage_err(&files_dir))?;
    let mut images = HashMap::new();
    for (uri, bytes, content_type) in [
        (seed::IMAGE_PNG_URI, seed::IMAGE_PNG, "image/png"),
        (seed::IMAGE_GIF_URI, seed::IMAGE_GIF, "image/gif"),
    ] {
        let Some((key, name)) = image_key(uri) else {
            continue;
        };
        let path = images_dir.join(name);
        tokio::fs::write(&path, bytes)
            .await
            .map_err(storage_err(&path))?;
        images.insert(key.to_owned(), StoredImage { path, content_type });
    }
    Ok(images)
}

/// `(stem, file name)` of the last segment of an image URI.
fn image_key(uri: &str) -> Option<(&str, &str)> {
    let name = uri.rsplit('/').next()?;
    let (stem, _) = name.split_once('.')?;
    Some((stem, name))
}

/// Accepts connections until shutdown, then lets open ones finish for a grace period.
pub(crate) async fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            _ = shutdown.changed() => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let shared = Arc::clone(&shared);
                    let mut stop = shutdown.clone();
                    connections.spawn(async move {
                        let service = service_fn(move |req| handle(Arc::clone(&shared), req));
                        let conn = http1::Builder::new()
                            .timer(TokioTimer::new())
                            .serve_connection(TokioIo::new(stream), service);
                        let mut conn = std::pin::pin!(conn);
                        tokio::select! {
                            _ = conn.as_mut() => {}
                            _ = stop.changed() => {
                                conn.as_mut().graceful_shutdown();
                                let _ = conn.await;
                            }
                        }
                    });
                }
                // Out of file descriptors and the like: back off instead of spinning.
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener);
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    connections.shutdown().await;
}

async fn handle(shared: Arc<Shared>, req: Request<Incoming>) -> Result<Response<Body>, Infallible> {
    let request_id = random_hex(16);
    let mut response = route(&shared, req, &request_id).await;
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert(X_REQUEST_ID, value);
    }
    Ok(response)
}

// ---------------------------------------------------------------------------------------------
// Responses

fn full(bytes: impl Into<Bytes>) -> Body {
    Full::new(bytes.into())
        .map_err(|never| match never {})
        .boxed_unsync()
}

fn json_response(status: StatusCode, value: &Value) -> Response<Body> {
    let mut response = Response::new(full(value.to_string()));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

/// `{"error_code": .., "error_msg": ..}`, the shape MetaStudio, ProjectMan, SWR and HSS use.
fn service_error(status: StatusCode, code: &str, msg: impl Into<String>) -> Response<Body> {
    json_response(
        status,
        &json!({ "error_code": code, "error_msg": msg.into() }),
    )
}

/// API gateway IAM authentication failure: 401 `APIGW.0301`, with the request id in the body.
fn apigw_401(request_id: &str, detail: impl std::fmt::Display) -> Response<Body> {
    json_response(
        StatusCode::UNAUTHORIZED,
        &json!({
            "error_msg": format!("Incorrect IAM authentication information: {detail}"),
            "error_code": "APIGW.0301",
            "request_id": request_id,
        }),
    )
}

/// API gateway: no API matches the method and path.
fn apig_not_found() -> Response<Body> {
    service_error(
        StatusCode::NOT_FOUND,
        "APIG.0101",
        "The API does not exist or has not been published in the environment",
    )
}

/// OBS-style XML error for the upload URL.
fn obs_error(status: StatusCode, code: &str, msg: &str, request_id: &str) -> Response<Body> {
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{}</Code><Message>{}</Message>\
         <RequestId>{}</RequestId><HostId>127.0.0.1</HostId></Error>",
        xml_escape(code),
        xml_escape(msg),
        xml_escape(request_id)
    );
    let mut response = Response::new(full(body));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/xml"));
    response
}

fn mss_invalid(msg: impl std::fmt::Display) -> Response<Body> {
    service_error(
        StatusCode::BAD_REQUEST,
        "MSS.00000003",
        format!("Invalid parameter: {msg}"),
    )
}

// ---------------------------------------------------------------------------------------------
// Routing

enum Route {
    Upload {
        file_id: String,
    },
    CreateFile {
        project_id: String,
    },
    ListPictureModelingJobs {
        project_id: String,
    },
    DownloadImageFile {
        codearts_project_id: String,
    },
    ShowInstanceArtifact {
        project_id: String,
        instance_id: String,
        namespace: String,
        repository: String,
        reference: String,
    },
    RunImageSynchronize {
        project_id: String,
    },
}

impl Route {
    /// The IAM project id in the path, for routes that have one.
    fn scope(&self) -> Option<&str> {
        match self {
            Self::CreateFile { project_id }
            | Self::ListPictureModelingJobs { project_id }
            | Self::ShowInstanceArtifact { project_id, .. }
            | Self::RunImageSynchronize { project_id } => Some(project_id),
            Self::Upload { .. } | Self::DownloadImageFile { .. } => None,
        }
    }
}

fn match_route(method: &Method, raw_path: &str) -> Option<Route> {
    let raw = raw_path.strip_prefix('/')?;
    let mut segments = Vec::new();
    for segment in raw.split('/') {
        segments.push(percent_decode_str(segment).decode_utf8().ok()?.into_owned());
    }
    let s: Vec<&str> = segments.iter().map(String::as_str).collect();
    let own = |v: &str| v.to_owned();
    let route = match (method, s.as_slice()) {
        (_, ["upload", file_id]) if !file_id.is_empty() => Route::Upload {
            file_id: own(file_id),
        },
        (&Method::POST, ["v1", p, "files"]) => Route::CreateFile { project_id: own(p) },
        (&Method::GET, ["v1", p, "digital-human", "stylized", "picture-modelings"]) => {
            Route::ListPictureModelingJobs { project_id: own(p) }
        }
        (&Method::GET, ["v4", "projects", p, "image-file"]) => Route::DownloadImageFile {
            codearts_project_id: own(p),
        },
        (
            &Method::GET,
            [
                "v2",
                p,
                "instances",
                i,
                "namespaces",
                n,
                "repositories",
                r,
                "artifacts",
                reference,
            ],
        ) => Route::ShowInstanceArtifact {
            project_id: own(p),
            instance_id: own(i),
            namespace: own(n),
            repository: own(r),
            reference: own(reference),
        },
        (&Method::POST, ["v5", p, "image", "synchronize"]) => {
            Route::RunImageSynchronize { project_id: own(p) }
        }
        _ => return None,
    };
    Some(route)
}

async fn route(shared: &Shared, req: Request<Incoming>, request_id: &str) -> Response<Body> {
    let Some(route) = match_route(req.method(), req.uri().path()) else {
        return apig_not_found();
    };
    let (parts, body) = req.into_parts();
    if let Route::Upload { file_id } = &route {
        return upload(shared, &parts, body, file_id, request_id).await;
    }
    let body = match Limited::new(body, MAX_API_BODY).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => {
            return service_error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "APIGW.0201",
                "Request entity too large",
            );
        }
    };
    if let Err(response) = authenticate(shared, &parts, &body, request_id) {
        return response;
    }
    if let Err(response) = check_project(shared, &parts, route.scope(), request_id) {
        return response;
    }
    let query = parse_query(parts.uri.query());
    match route {
        Route::Upload { .. } => apig_not_found(),
        Route::CreateFile { .. } => create_file(shared, &body),
        Route::ListPictureModelingJobs { .. } => list_picture_modeling_jobs(&query),
        Route::DownloadImageFile {
            codearts_project_id,
        } => download_image_file(shared, &codearts_project_id, &query).await,
        Route::ShowInstanceArtifact {
            instance_id,
            namespace,
            repository,
            reference,
            ..
        } => show_instance_artifact(&instance_id, &namespace, &repository, &reference, &query),
        Route::RunImageSynchronize { .. } => run_image_synchronize(&parts, &body, &query),
    }
}

fn header<'a>(parts: &'a http::request::Parts, name: &str) -> Option<&'a str> {
    parts.headers.get(name).and_then(|v| v.to_str().ok())
}

/// Query pairs, percent-decoded (`+` is kept as is), in order.
fn parse_query(raw: Option<&str>) -> Vec<(String, String)> {
    raw.unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (
                percent_decode_str(k).decode_utf8_lossy().into_owned(),
                percent_decode_str(v).decode_utf8_lossy().into_owned(),
            )
        })
        .collect()
}

fn query_value<'a>(query: &'a [(String, String)], key: &str) -> Option<&'a str> {
    query
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

// ---------------------------------------------------------------------------------------------
// API gateway checks

/// Verifies the AK/SK signature of a request as the API gateway does.
fn authenticate(
    shared: &Shared,
    parts: &http::request::Parts,
    body: &[u8],
    request_id: &str,
) -> Result<(), Response<Body>> {
    let Some(authorization) = header(parts, "authorization") else {
        return Err(apigw_401(request_id, "Authorization header not found"));
    };
    let Some(auth) = signature::parse_authorization(authorization) else {
        return Err(apigw_401(
            request_id,
            "unsupported authorization, expected SDK-HMAC-SHA256 Access=.., SignedHeaders=.., Signature=..",
        ));
    };
    let Some(secret) = shared.secrets.get(auth.access) else {
        return Err(apigw_401(
            request_id,
            format_args!("verify aksk signature fail, ak {} not found", auth.access),
        ));
    };
    let sdk_date = header(parts, "x-sdk-date").unwrap_or("");
    let Some(signed_at) = parse_sdk_date(sdk_date) else {
        return Err(apigw_401(
            request_id,
            "verify aksk signature fail, X-Sdk-Date is missing or not in the form YYYYMMDDTHHMMSSZ",
        ));
    };
    if !auth.signed_headers.iter().any(|h| h == "x-sdk-date") {
        return Err(apigw_401(
            request_id,
            "verify aksk signature fail, x-sdk-date is not a signed header",
        ));
    }
    let now = shared.now();
    if (now - signed_at).abs() > MAX_CLOCK_SKEW_SECS {
        return Err(apigw_401(
            request_id,
            format_args!(
                "signature expired, signature time: {sdk_date}, server time: {}",
                format_sdk_date(now)
            ),
        ));
    }
    let headers: Vec<(&str, &str)> = parts
        .headers
        .iter()
        .map(|(name, value)| {
            (
                name.as_str(),
                std::str::from_utf8(value.as_bytes()).unwrap_or(""),
            )
        })
        .collect();
    let signed: Vec<&str> = auth.signed_headers.iter().map(String::as_str).collect();
    let payload_hash = match header(parts, "x-sdk-content-sha256") {
        Some(value) => value.trim().to_owned(),
        None => signature::payload_sha256(body),
    };
    let path_and_query = parts
        .uri
        .path_and_query()
        .map_or("/", http::uri::PathAndQuery::as_str);
    let canonical = signature::canonical_request(
        parts.method.as_str(),
        path_and_query,
        &headers,
        &signed,
        &payload_hash,
    );
    let string_to_sign = signature::string_to_sign(sdk_date, &canonical);
    if !signature::verify(&secret.sk, &string_to_sign, auth.signature) {
        return Err(apigw_401(
            request_id,
            format_args!("verify aksk signature fail, canonicalRequest: {canonical}"),
        ));
    }
    if let Some(token) = &secret.token {
        match header(parts, "x-security-token") {
            None => {
                return Err(apigw_401(
                    request_id,
                    "X-Security-Token not found, the ak is a temporary access key",
                ));
            }
            Some(sent) if !constant_time_eq(sent.as_bytes(), token.as_bytes()) => {
                return Err(apigw_401(request_id, "verify security token fail"));
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// Checks `X-Project-Id` against the endpoint's project and the project in the path.
fn check_project(
    shared: &Shared,
    parts: &http::request::Parts,
    path_project: Option<&str>,
    request_id: &str,
) -> Result<(), Response<Body>> {
    let Some(project) = header(parts, "x-project-id").filter(|p| !p.is_empty()) else {
        return Err(apigw_401(
            request_id,
            "X-Project-Id header not found, the API is project scoped",
        ));
    };
    if project != shared.project_id {
        return Err(apigw_401(
            request_id,
            format_args!("project {project} not found for the ak"),
        ));
    }
    if let Some(path_project) = path_project {
        if path_project != project {
            return Err(service_error(
                StatusCode::FORBIDDEN,
                "APIGW.0302",
                format!(
                    "The IAM user is not authorized to access the API: project {path_project} in the URI differs from X-Project-Id {project}"
                ),
            ));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// MetaStudio ListPictureModelingJobs

const STATES: [&str; 6] = [
    "WAITING",
    "PROCESSING",
    "PARTIAL_SUCCEED",
    "SUCCEED",
    "FAILED",
    "CANCELED",
];

fn parse_int(
    query: &[(String, String)],
    key: &str,
    min: i64,
    max: i64,
    default: i64,
) -> Result<i64, Response<Body>> {
    match query_value(query, key) {
        None => Ok(default),
        Some(raw) => match raw.parse::<i64>() {
            Ok(v) if (min..=max).contains(&v) => Ok(v),
            _ => Err(mss_invalid(format_args!(
                "{key} must be an integer from {min} to {max}, got {raw:?}"
            ))),
        },
    }
}

fn parse_time(query: &[(String, String)], key: &str) -> Result<Option<i64>, Response<Body>> {
    match query_value(query, key) {
        None => Ok(None),
        Some(raw) => parse_rfc3339(raw).map(Some).ok_or_else(|| {
            mss_invalid(format_args!(
                "{key} must be an RFC 3339 date-time, got {raw:?}"
            ))
        }),
    }
}

fn list_picture_modeling_jobs(query: &[(String, String)]) -> Response<Body> {
    match list_jobs_inner(query) {
        Ok(value) => json_response(StatusCode::OK, &value),
        Err(response) => response,
    }
}

fn list_jobs_inner(query: &[(String, String)]) -> Result<Value, Response<Body>> {
    let offset = parse_int(query, "offset", 0, i64::from(i32::MAX), 0)?;
    let limit = parse_int(query, "limit", 1, 100, 10)?;
    let states: Option<Vec<&str>> = match query_value(query, "state") {
        None | Some("") => None,
        Some(raw) => {
            let mut states = Vec::new();
            for state in raw.split(',').map(str::trim) {
                if !STATES.contains(&state) {
                    return Err(mss_invalid(format_args!(
                        "state {state:?} is not one of {}",
                        STATES.join(", ")
                    )));
                }
                states.push(state);
            }
            Some(states)
        }
    };
    let sort_key = query_value(query, "sort_key").unwrap_or("create_time");
    if !matches!(sort_key, "create_time" | "update_time" | "asset_order") {
        return Err(mss_invalid(format_args!(
            "sort_key {sort_key:?} is not one of create_time, update_time, asset_order"
        )));
    }
    let descending = match query_value(query, "sort_dir").unwrap_or("asc") {
        "asc" => false,
        "desc" => true,
        other => {
            return Err(mss_invalid(format_args!(
                "sort_dir {other:?} is not one of asc, desc"
            )));
        }
    };
    let since = parse_time(query, "create_since")?;
    let until = parse_time(query, "create_until")?;

    let created = |j: &seed::PictureModelingJob| parse_rfc3339(j.create_time).unwrap_or(0);
    let updated = |j: &seed::PictureModelingJob| parse_rfc3339(j.update_time).unwrap_or(0);
    let mut jobs: Vec<&seed::PictureModelingJob> = seed::PICTURE_MODELING_JOBS
        .iter()
        .filter(|j| states.as_ref().is_none_or(|s| s.contains(&j.state)))
        .filter(|j| since.is_none_or(|t| created(j) >= t))
        .filter(|j| until.is_none_or(|t| created(j) <= t))
        .collect();
    let key = |j: &seed::PictureModelingJob| match sort_key {
        "update_time" => updated(j),
        "asset_order" => i64::from(j.asset_order),
        _ => created(j),
    };
    jobs.sort_by(|a, b| {
        let ord = key(a).cmp(&key(b)).then_with(|| a.job_id.cmp(b.job_id));
        if descending { ord.reverse() } else { ord }
    });
    let count = jobs.len();
    let page: Vec<Value> = jobs
        .into_iter()
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(usize::try_from(limit).unwrap_or(0))
        .map(job_json)
        .collect();
    Ok(json!({ "count": count, "picture_modeling_jobs": page }))
}

fn job_json(job: &seed::PictureModelingJob) -> Value {
    let mut value = json!({
        "job_id": job.job_id,
        "state": job.state,
        "name": job.name,
        "style_id": job.style_id,
    });
    if job.state != "WAITING" {
        value["start_time"] = json!(job.create_time);
    }
    if matches!(
        job.state,
        "SUCCEED" | "PARTIAL_SUCCEED" | "FAILED" | "CANCELED"
    ) {
        value["end_time"] = json!(job.update_time);
    }
    match job.state {
        "FAILED" => {
            value["error_info"] = json!({
                "error_code": "MSS.00000012",
                "error_msg": "No face detected in the picture",
            });
        }
        "PARTIAL_SUCCEED" => {
            value["error_info"] = json!({
                "error_code": "MSS.00000013",
                "error_msg": "Model built, screenshot failed",
            });
        }
        _ => {}
    }
    if let Some(asset) = job.model_asset_id {
        value["model_asset_id"] = json!(asset);
    }
    value
}

// ---------------------------------------------------------------------------------------------
// MetaStudio CreateFile and the upload URL

const CATEGORIES: [&str; 7] = [
    "MAIN",
    "COVER",
    "PAGE",
    "SAMPLE",
    "OTHER",
    "TEMPORARY",
    "PACKAGE",
];

/// Largest file `CreateFile` accepts (5 GB).
const MAX_FILE_SIZE: i64 = 5_368_709_120;

/// `Content-Type` the upload must carry for a file type (MetaStudio's table).
pub(crate) fn upload_content_type(file_type: &str) -> &'static str {
    match file_type.to_ascii_lowercase().as_str() {
        "gif" => "image/gif",
        "jpeg" | "jpg" => "image/jpeg",
        "png" => "image/png",
        "mp4" => "video/mp4",
        "mp3" => "audio/mp3",
        "wav" => "audio/wav",
        _ => "application/octet-stream",
    }
}

fn string_field<'a>(
    body: &'a Value,
    name: &str,
    min: usize,
    max: usize,
) -> Result<&'a str, Response<Body>> {
    match body.get(name) {
        None | Some(Value::Null) => Err(mss_invalid(format_args!("{name} is required"))),
        Some(Value::String(s)) if (min..=max).contains(&s.chars().count()) => Ok(s),
        Some(Value::String(_)) => Err(mss_invalid(format_args!(
            "{name} must be {min} to {max} characters long"
        ))),
        Some(_) => Err(mss_invalid(format_args!("{name} must be a string"))),
    }
}

fn create_file(shared: &Shared, body: &[u8]) -> Response<Body> {
    match create_file_inner(shared, body) {
        Ok(value) => json_response(StatusCode::OK, &value),
        Err(response) => response,
    }
}

fn create_file_inner(shared: &Shared, body: &[u8]) -> Result<Value, Response<Body>> {
    let body: Value = serde_json::from_slice(body)
        .map_err(|e| mss_invalid(format_args!("request body is not valid JSON: {e}")))?;
    if !body.is_object() {
        return Err(mss_invalid("request body must be a JSON object"));
    }
    let file_name = string_field(&body, "file_name", 1, 256)?;
    let file_md5 = string_field(&body, "file_md5", 24, 24)?;
    match base64::engine::general_purpose::STANDARD.decode(file_md5) {
        Ok(digest) if digest.len() == 16 => {}
        _ => {
            return Err(mss_invalid(
                "file_md5 must be the base64 of a 128-bit MD5 digest (RFC 1864)",
            ));
        }
    }
    let size = match body.get("file_size") {
        None | Some(Value::Null) => return Err(mss_invalid("file_size is required")),
        Some(v) => match v.as_i64() {
            Some(n) if (1..=MAX_FILE_SIZE).contains(&n) => n,
            _ => {
                return Err(mss_invalid(format_args!(
                    "file_size must be an integer from 1 to {MAX_FILE_SIZE}"
                )));
            }
        },
    };
    let file_type = match body.get("file_type") {
        None | Some(Value::Null) => {
            let ext = file_name.rsplit_once('.').map_or("", |(_, ext)| ext);
            if ext.is_empty() {
                return Err(mss_invalid(
                    "file_type is required when file_name has no extension",
                ));
            }
            ext.to_ascii_lowercase()
        }
        Some(_) => string_field(&body, "file_type", 1, 64)?.to_ascii_lowercase(),
    };
    string_field(&body, "asset_id", 1, 64)?;
    let category = string_field(&body, "asset_file_category", 1, 128)?;
    if !CATEGORIES.contains(&category) {
        return Err(mss_invalid(format_args!(
            "asset_file_category {category:?} is not one of {}",
            CATEGORIES.join(", ")
        )));
    }

    let file_id = random_hex(16);
    let now = shared.now();
    let expires = now.saturating_add(UPLOAD_URL_TTL_SECS);
    let signature = shared.upload_signature(&file_id, expires);
    let upload_url = format!(
        "{}/upload/{file_id}?Expires={expires}&Signature={signature}",
        shared.base_url
    );
    let month = format_rfc3339(now)
        .get(0..7)
        .map_or_else(|| "000000".to_owned(), |ym| ym.replace('-', ""));
    shared.files().insert(
        file_id.clone(),
        FileRecord {
            md5_base64: file_md5.to_owned(),
            size: u64::try_from(size).unwrap_or(0),
            content_type: upload_content_type(&file_type),
            file_type,
            month,
            uploaded: false,
        },
    );
    Ok(json!({ "file_id": file_id, "upload_url": upload_url }))
}

/// `PUT <base>/upload/<file_id>?Expires=..&Signature=..`: the presigned upload, OBS-style.
async fn upload(
    shared: &Shared,
    parts: &http::request::Parts,
    body: Incoming,
    file_id: &str,
    request_id: &str,
) -> Response<Body> {
    let denied = |msg: &str| {
        obs_error(
            StatusCode::FORBIDDEN,
            "SignatureDoesNotMatch",
            msg,
            request_id,
        )
    };
    if parts.method != Method::PUT {
        return obs_error(
            StatusCode::METHOD_NOT_ALLOWED,
            "MethodNotAllowed",
            "The upload URL accepts PUT only",
            request_id,
        );
    }
    let query = parse_query(parts.uri.query());
    let expires = query_value(&query, "Expires").and_then(|e| e.parse::<i64>().ok());
    let sent_signature = query_value(&query, "Signature").unwrap_or("");
    let Some(expires) = expires else {
        return denied("The upload URL has no valid Expires parameter");
    };
    let expected = shared.upload_signature(file_id, expires);
    if !constant_time_eq(expected.as_bytes(), sent_signature.as_bytes()) {
        return denied("The request signature does not match the upload URL");
    }
    if shared.now() > expires {
        return obs_error(
            StatusCode::FORBIDDEN,
            "AccessDenied",
            "Request has expired",
            request_id,
        );
    }
    let (md5_base64, size, content_type) = {
        let files = shared.files();
        match files.get(file_id) {
            Some(r) => (r.md5_base64.clone(), r.size, r.content_type),
            None => {
                return obs_error(
                    StatusCode::NOT_FOUND,
                    "NoSuchKey",
                    "The specified key does not exist",
                    request_id,
                );
            }
        }
    };
    match header(parts, "content-md5") {
        Some(sent) if sent.trim() == md5_base64 => {}
        Some(_) => {
            return denied("Content-MD5 differs from the file_md5 the upload URL was issued for");
        }
        None => return denied("Content-MD5 is required and must equal file_md5"),
    }
    match header(parts, "content-type") {
        Some(sent) if sent.trim().eq_ignore_ascii_case(content_type) => {}
        _ => {
            return denied(&format!(
                "Content-Type must be {content_type} for this file type"
            ));
        }
    }
    if let Some(length) = header(parts, "content-length").and_then(|l| l.parse::<u64>().ok()) {
        if length != size {
            return obs_error(
                StatusCode::BAD_REQUEST,
                "InvalidArgument",
                &format!("Content-Length {length} differs from the file_size {size} announced"),
                request_id,
            );
        }
    }

    let final_path = shared.file_path(file_id);
    let part_path = final_path.with_extension("part");
    let outcome = store_upload(body, &part_path, size).await;
    let failure = match outcome {
        Ok((written, digest)) => {
            let received = base64::engine::general_purpose::STANDARD.encode(digest);
            if written != size {
                Some((
                    StatusCode::BAD_REQUEST,
                    "IncompleteBody",
                    format!("Received {written} bytes, the file_size announced is {size}"),
                ))
            } else if received != md5_base64 {
                Some((
                    StatusCode::BAD_REQUEST,
                    "BadDigest",
                    "The Content-MD5 you specified did not match what was received".to_owned(),
                ))
            } else {
                match tokio::fs::rename(&part_path, &final_path).await {
                    Ok(()) => {
                        if let Some(record) = shared.files().get_mut(file_id) {
                            record.uploaded = true;
                        }
                        let mut response = Response::new(full(Bytes::new()));
                        if let Ok(etag) = HeaderValue::from_str(&format!("\"{}\"", hex(&digest))) {
                            response.headers_mut().insert(ETAG, etag);
                        }
                        return response;
                    }
                    Err(e) => Some((
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "InternalError",
                        format!("Cannot store the upload: {e}"),
                    )),
                }
            }
        }
        Err(UploadError::TooLarge) => Some((
            StatusCode::BAD_REQUEST,
            "EntityTooLarge",
            format!("The body is longer than the file_size {size} announced"),
        )),
        Err(UploadError::Io(e)) => Some((
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalError",
            format!("Cannot store the upload: {e}"),
        )),
        Err(UploadError::Body(e)) => Some((
            StatusCode::BAD_REQUEST,
            "IncompleteBody",
            format!("Reading the body failed: {e}"),
        )),
    };
    let _ = tokio::fs::remove_file(&part_path).await;
    match failure {
        Some((status, code, msg)) => obs_error(status, code, &msg, request_id),
        None => obs_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalError",
            "upload failed",
            request_id,
        ),
    }
}

enum UploadError {
    TooLarge,
    Io(std::io::Error),
    Body(hyper::Error),
}

/// Streams `body` to `path`, hashing it; never holds more than one frame in memory.
async fn store_upload(
    mut body: Incoming,
    path: &Path,
    limit: u64,
) -> Result<(u64, [u8; 16]), UploadError> {
    let file = tokio::fs::File::create(path)
        .await
        .map_err(UploadError::Io)?;
    let mut writer = tokio::io::BufWriter::with_capacity(256 * 1024, file);
    let mut md5 = Md5::new();
    let mut written: u64 = 0;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(UploadError::Body)?;
        let Ok(data) = frame.into_data() else {
            continue;
        };
        written = written.saturating_add(u64::try_from(data.len()).unwrap_or(u64::MAX));
        if written > limit {
            return Err(UploadError::TooLarge);
        }
        md5.update(&data);
        writer.write_all(&data).await.map_err(UploadError::Io)?;
    }
    writer.flush().await.map_err(UploadError::Io)?;
    writer
        .into_inner()
        .sync_all()
        .await
        .map_err(UploadError::Io)?;
    Ok((written, md5.finalize().into()))
}

// ---------------------------------------------------------------------------------------------
// ProjectMan DownloadImageFile

fn pm_error(status: StatusCode, code: &str, msg: impl Into<String>) -> Response<Body> {
    service_error(status, code, msg)
}

/// `/v1/upload/[a-z0-9]{1,32}/\d{6}/[a-zA-Z0-9]+\.[a-zA-Z]+`
fn valid_image_uri(uri: &str) -> bool {
    let Some(rest) = uri.strip_prefix("/v1/upload/") else {
        return false;
    };
    let parts: Vec<&str> = rest.split('/').collect();
    let [dir, month, name] = parts.as_slice() else {
        return false;
    };
    let Some((stem, ext)) = name.split_once('.') else {
        return false;
    };
    (1..=32).contains(&dir.len())
        && dir
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && month.len() == 6
        && month.bytes().all(|b| b.is_ascii_digit())
        && !stem.is_empty()
        && stem.bytes().all(|b| b.is_ascii_alphanumeric())
        && !ext.is_empty()
        && ext.bytes().all(|b| b.is_ascii_alphabetic())
}

async fn download_image_file(
    shared: &Shared,
    codearts_project_id: &str,
    query: &[(String, String)],
) -> Response<Body> {
    if codearts_project_id.len() != 32
        || !codearts_project_id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric())
    {
        return pm_error(
            StatusCode::BAD_REQUEST,
            "PM.02177400",
            "Invalid parameter: project_id must be 32 letters or digits",
        );
    }
    let Some(image_uri) = query_value(query, "image_uri") else {
        return pm_error(
            StatusCode::BAD_REQUEST,
            "PM.02177400",
            "Invalid parameter: image_uri is required",
        );
    };
    if !valid_image_uri(image_uri) {
        return pm_error(
            StatusCode::BAD_REQUEST,
            "PM.02177400",
            "Invalid parameter: image_uri must look like /v1/upload/<dir>/<yyyymm>/<name>.<ext>",
        );
    }
    let not_found = || {
        pm_error(
            StatusCode::NOT_FOUND,
            "PM.02177404",
            "The image file does not exist",
        )
    };
    let Some((stem, _)) = image_key(image_uri) else {
        return not_found();
    };
    let (path, content_type) = if let Some(image) = shared.images.get(stem) {
        (image.path.clone(), image.content_type)
    } else {
        let files = shared.files();
        match files.get(stem) {
            Some(record) if record.uploaded => (shared.file_path(stem), record.content_type),
            _ => return not_found(),
        }
    };
    let file = match tokio::fs::File::open(&path).await {
        Ok(file) => file,
        Err(_) => return not_found(),
    };
    let length = match file.metadata().await {
        Ok(meta) => meta.len(),
        Err(_) => return not_found(),
    };
    let stream = tokio_util::io::ReaderStream::with_capacity(file, 64 * 1024).map_ok(Frame::data);
    let mut response = Response::new(StreamBody::new(stream).boxed_unsync());
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(CONTENT_LENGTH, HeaderValue::from(length));
    response
}

// ---------------------------------------------------------------------------------------------
// SWR ShowInstanceArtifact

fn swr_not_found(what: &str) -> Response<Body> {
    service_error(
        StatusCode::NOT_FOUND,
        "SVCSTG.SWR.4040000",
        format!("{what} not found"),
    )
}

fn show_instance_artifact(
    instance_id: &str,
    namespace: &str,
    repository: &str,
    reference: &str,
    query: &[(String, String)],
) -> Response<Body> {
    let with_scan_overview = match query_value(query, "with_scan_overview") {
        None | Some("false") => false,
        Some("true") => true,
        Some(other) => {
            return service_error(
                StatusCode::BAD_REQUEST,
                "SVCSTG.SWR.4000000",
                format!(
                    "Invalid parameter: with_scan_overview must be true or false, got {other:?}"
                ),
            );
        }
    };
    if instance_id != seed::SWR_INSTANCE_ID {
        return swr_not_found("Instance");
    }
    if namespace != seed::SWR_NAMESPACE {
        return swr_not_found("Namespace");
    }
    // SWR also accepts `$` for `/` in repository names.
    let repository = repository.replace('$', "/");
    let in_repo: Vec<&seed::Artifact> = seed::SWR_ARTIFACTS
        .iter()
        .filter(|a| a.repository_name == repository)
        .collect();
    if in_repo.is_empty() {
        return swr_not_found("Repository");
    }
    let found = in_repo.into_iter().find(|a| {
        if reference.starts_with("sha256:") {
            a.digest == reference
        } else {
            a.tags.contains(&reference)
        }
    });
    let Some(artifact) = found else {
        return swr_not_found("Artifact");
    };
    json_response(StatusCode::OK, &artifact_json(artifact, with_scan_overview))
}

fn artifact_json(a: &seed::Artifact, with_scan_overview: bool) -> Value {
    let tags: Vec<Value> = a
        .tags
        .iter()
        .zip(1i64..)
        .map(|(name, n)| {
            json!({
                "id": i64::from(a.id) * 10 + n,
                "repository_id": a.repository_id,
                "artifact_id": a.id,
                "name": name,
                "push_time": a.push_time,
                "pull_time": a.pull_time,
            })
        })
        .collect();
    let mut value = json!({
        "digest": a.digest,
        "id": a.id,
        "repository_id": a.repository_id,
        "repository_name": a.repository_name,
        "type": "IMAGE",
        "namespace_id": a.namespace_id,
        "media_type": "application/vnd.docker.container.image.v1+json",
        "manifest_media_type": "application/vnd.docker.distribution.manifest.v2+json",
        "pull_time": a.pull_time,
        "push_time": a.push_time,
        "size": a.size,
        "tags": tags,
    });
    if with_scan_overview {
        value["scan_overview"] = json!({
            "application/vnd.security.vulnerability.report; version=1.1": {
                "report_id": format!("report-{}", a.id),
                "scan_status": "Success",
                "severity": "Medium",
                "duration": 12,
                "summary": {
                    "total": 3,
                    "fixable": 2,
                    "summary": { "Medium": 2, "Low": 1 },
                },
                "start_time": a.push_time,
                "end_time": a.push_time,
                "complete_percent": 100,
                "scanner": { "name": "Trivy", "vendor": "Aqua Security", "version": "v0.50.1" },
            }
        });
    }
    value
}

// ---------------------------------------------------------------------------------------------
// HSS RunImageSynchronize

fn hss_invalid(msg: impl std::fmt::Display) -> Response<Body> {
    service_error(
        StatusCode::BAD_REQUEST,
        "HSS.1001",
        format!("Invalid parameter: {msg}"),
    )
}

fn run_image_synchronize(
    parts: &http::request::Parts,
    body: &[u8],
    query: &[(String, String)],
) -> Response<Body> {
    if let Some(ep) = query_value(query, "enterprise_project_id") {
        if ep.is_empty() || ep.chars().count() > 256 {
            return hss_invalid("enterprise_project_id must be 1 to 256 characters long");
        }
    }
    if header(parts, "region").is_some_and(|r| r.chars().count() > 128) {
        return hss_invalid("region must be at most 128 characters long");
    }
    let body: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => return hss_invalid(format_args!("request body is not valid JSON: {e}")),
    };
    match body.get("image_type").and_then(Value::as_str) {
        Some("private_image" | "shared_image") => json_response(
            StatusCode::OK,
            &json!({ "error_code": 0, "error_description": "success" }),
        ),
        Some(other) => hss_invalid(format_args!(
            "image_type {other:?} is not one of private_image, shared_image"
        )),
        None => hss_invalid("image_type is required"),
    }
}
