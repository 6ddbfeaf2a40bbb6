//! The loopback server of the bench: canned answers, no signature checks, so that it costs far
//! less per request than any client and never is the bottleneck. It runs in a child process
//! (`huaweicloud-sdk-bench serve`), so the client's CPU time and peak RSS are the client's
//! alone; the parent reads the server's CPU time from `/proc/<pid>/stat`.
//!
//! Routes, matched on the path suffix only:
//! * `GET …/picture-modelings`: a page of ten picture modeling jobs (ListPictureModelingJobs);
//! * `GET …/artifacts/<reference>`: one artifact with a scan overview (ShowInstanceArtifact);
//! * `GET …/image-file`: `DOWNLOAD_BYTES` bytes, from one shared 256 KiB chunk
//!   (DownloadImageFile);
//! * `POST …/files`: a file id and an upload URL on this server (CreateFile);
//! * `PUT /upload/<id>`: reads and discards the body (the presigned upload).

use std::convert::Infallible;
use std::io::{BufRead, Write};
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::{Method, Request, Response, StatusCode};
use http_body_util::BodyExt;
use hyper::body::{Frame, Incoming, SizeHint};
use hyper_util::rt::TokioIo;

use crate::BoxError;

const CHUNK: usize = 256 * 1024;

/// Runs the server until stdin closes (the parent exited or dropped the pipe), pinned to `cpu`
/// when given. Prints `listening <addr>` on stdout first.
pub fn serve(download_bytes: u64, cpu: Option<usize>) -> Result<(), BoxError> {
    // On its own CPU when the client gave it one (the client pins itself to another): one
    // worker for the one CPU.
    let workers = if cpu.is_some_and(crate::pin::pin_to) {
        1
    } else {
        2
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()?;
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))?;
    let addr = listener.local_addr()?;
    let state = Arc::new(State::new(addr, download_bytes));
    runtime.spawn(accept(listener, state));
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "listening {addr}")?;
        out.flush()?;
    }
    // Wait for the parent to go away.
    let mut line = String::new();
    while std::io::stdin().lock().read_line(&mut line)? > 0 {
        line.clear();
    }
    Ok(())
}

struct State {
    list: Bytes,
    artifact: Bytes,
    create_file: Bytes,
    chunk: Bytes,
    download_bytes: u64,
}

impl State {
    fn new(addr: SocketAddr, download_bytes: u64) -> Self {
        let jobs: Vec<serde_json::Value> = (0..10)
            .map(|i| {
                serde_json::json!({
                    "job_id": format!("0c2f8e1a9b7d4c6e8f0a1b2c3d4e5f{i:02}"),
                    "state": "SUCCEED",
                    "start_time": "2025-01-02T03:04:05Z",
                    "end_time": "2025-01-02T03:14:05Z",
                    "model_asset_id": format!("9f8e7d6c5b4a39281706f5e4d3c2b1a{i}"),
                    "name": format!("stylized model {i}"),
                    "style_id": "system_female_001",
                    "model_cover_url": format!("https://obs.example.com/covers/{i}.png?X-Amz-Signature=abc"),
                })
            })
            .collect();
        let list = serde_json::json!({ "count": 57, "picture_modeling_jobs": jobs });
        let artifact = serde_json::json!({
            "digest": "sha256:2d4e6f8a0b1c3d5e7f9a1b3c5d7e9f0a2b4c6d8e0f1a3b5c7d9e1f3a5b7c9d1e",
            "id": 42,
            "repository_id": 7,
            "repository_name": "library/nginx",
            "type": "IMAGE",
            "namespace_id": 3,
            "media_type": "application/vnd.docker.container.image.v1+json",
            "manifest_media_type": "application/vnd.docker.distribution.manifest.v2+json",
            "pull_time": "2025-01-02T03:04:05Z",
            "push_time": "2025-01-01T03:04:05Z",
            "size": 5_301_234,
            "tags": [
                { "id": 420, "repository_id": 7, "artifact_id": 42, "name": "latest",
                  "push_time": "2025-01-01T03:04:05Z", "pull_time": "2025-01-02T03:04:05Z" },
                { "id": 421, "repository_id": 7, "artifact_id": 42, "name": "1.27",
                  "push_time": "2025-01-01T03:04:05Z", "pull_time": "2025-01-02T03:04:05Z" },
            ],
            "scan_overview": {
                "application/vnd.security.vulnerability.report; version=1.1": {
                    "report_id": "report-42", "scan_status": "Success", "severity": "Medium",
                    "duration": 12,
                    "summary": { "total": 3, "fixable": 2, "summary": { "Medium": 2, "Low": 1 } },
                    "start_time": "2025-01-01T03:04:05Z", "end_time": "2025-01-01T03:04:17Z",
                    "complete_percent": 100,
                    "scanner": { "name": "Trivy", "vendor": "Aqua Security", "version": "v0.50.1" },
                }
            },
        });
        let create_file = serde_json::json!({
            "file_id": "f0e1d2c3b4a5968778695a4b3c2d1e0f",
            "upload_url": format!("http://{addr}/upload/f0e1d2c3b4a5968778695a4b3c2d1e0f?X-Obs-Signature=abc"),
        });
        let mut chunk = vec![0u8; CHUNK];
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for word in chunk.chunks_exact_mut(8) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            word.copy_from_slice(&x.to_le_bytes());
        }
        Self {
            list: Bytes::from(list.to_string()),
            artifact: Bytes::from(artifact.to_string()),
            create_file: Bytes::from(create_file.to_string()),
            chunk: Bytes::from(chunk),
            download_bytes,
        }
    }
}

async fn accept(listener: tokio::net::TcpListener, state: Arc<State>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let _ = stream.set_nodelay(true);
        let state = state.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req| {
                let state = state.clone();
                async move { Ok::<_, Infallible>(handle(&state, req).await) }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

async fn handle(state: &State, req: Request<Incoming>) -> Response<CannedBody> {
    let path = req.uri().path();
    let (status, content_type, body) =
        if req.method() == Method::GET && path.ends_with("/picture-modelings") {
            (
                StatusCode::OK,
                "application/json",
                CannedBody::once(state.list.clone()),
            )
        } else if req.method() == Method::GET && path.contains("/artifacts/") {
            (
                StatusCode::OK,
                "application/json",
                CannedBody::once(state.artifact.clone()),
            )
        } else if req.method() == Method::GET && path.ends_with("/image-file") {
            (
                StatusCode::OK,
                "image/png",
                CannedBody::Repeat {
                    chunk: state.chunk.clone(),
                    remaining: state.download_bytes,
                },
            )
        } else if req.method() == Method::POST && path.ends_with("/files") {
            let _ = req.into_body().collect().await;
            (
                StatusCode::OK,
                "application/json",
                CannedBody::once(state.create_file.clone()),
            )
        } else if req.method() == Method::PUT && path.starts_with("/upload/") {
            let mut body = req.into_body();
            while let Some(frame) = body.frame().await {
                if frame.is_err() {
                    break;
                }
            }
            (StatusCode::OK, "text/plain", CannedBody::once(Bytes::new()))
        } else {
            (
                StatusCode::NOT_FOUND,
                "application/json",
                CannedBody::once(Bytes::from_static(
                    br#"{"error_code":"APIGW.0101","error_msg":"The API does not exist"}"#,
                )),
            )
        };
    let mut response = Response::new(body);
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static(content_type),
    );
    headers.insert(
        "x-request-id",
        http::HeaderValue::from_static("5f0a1b2c3d4e5f60718293a4b5c6d7e8"),
    );
    response
}

/// A canned body: one buffer, or `remaining` bytes cut from one shared chunk (no copy).
pub enum CannedBody {
    Once(Option<Bytes>),
    Repeat { chunk: Bytes, remaining: u64 },
}

impl CannedBody {
    fn once(bytes: Bytes) -> Self {
        Self::Once(Some(bytes))
    }
}

impl hyper::body::Body for CannedBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let this = self.get_mut();
        Poll::Ready(match this {
            Self::Once(bytes) => bytes
                .take()
                .filter(|b| !b.is_empty())
                .map(|b| Ok(Frame::data(b))),
            Self::Repeat { chunk, remaining } => {
                if *remaining == 0 {
                    None
                } else {
                    let n = usize::try_from(*remaining).map_or(chunk.len(), |r| r.min(chunk.len()));
                    *remaining -= n as u64;
                    Some(Ok(Frame::data(chunk.slice(..n))))
                }
            }
        })
    }

    fn is_end_stream(&self) -> bool {
        match self {
            Self::Once(bytes) => bytes.as_ref().is_none_or(Bytes::is_empty),
            Self::Repeat { remaining, .. } => *remaining == 0,
        }
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            Self::Once(bytes) => SizeHint::with_exact(bytes.as_ref().map_or(0, |b| b.len() as u64)),
            Self::Repeat { remaining, .. } => SizeHint::with_exact(*remaining),
        }
    }
}
