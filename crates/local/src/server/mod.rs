//! The HTTP server: gateway checks, routing, the five operations and the IAM calls of OIDC
//! federation.
//!
//! This file holds the accept loop and per-connection handling; each concept lives in its own
//! submodule.

mod body;
mod errors;
mod federation;
mod gateway;
mod hss;
mod iam;
mod limits;
mod metastudio_files;
mod metastudio_jobs;
mod projectman;
mod read;
mod request;
mod routes;
mod state;
mod storage;
mod swr;
mod upload;

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use http::header::HeaderName;
use http::{HeaderValue, Request, Response};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;

use crate::hex::random_hex;
use body::Body;
pub(crate) use gateway::verify_request;
pub(crate) use limits::Limits;
use routes::route;
pub(crate) use state::Shared;
pub(crate) use storage::prepare_storage;

/// How long open connections get to finish after shutdown.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Accepts connections until shutdown, then lets open ones finish for a grace period. At most
/// `Limits::max_connections` are served at once: a connection is accepted only once a slot is
/// free, so further ones wait in the listen backlog instead of holding a task and a socket each.
pub(crate) async fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut shutdown: watch::Receiver<bool>,
) {
    let slots = Arc::new(Semaphore::new(shared.limits.max_connections));
    let mut connections = JoinSet::new();
    loop {
        // Dropping this future (another branch won) releases a slot it had taken: accepting is
        // cancel-safe, so no connection is lost either.
        let next = async {
            let slot = Arc::clone(&slots).acquire_owned().await;
            (slot, listener.accept().await)
        };
        tokio::select! {
            _ = shutdown.changed() => break,
            (slot, accepted) = next => match (slot, accepted) {
                (Ok(slot), Ok((stream, _))) => {
                    let shared = Arc::clone(&shared);
                    let mut stop = shutdown.clone();
                    connections.spawn(async move {
                        let _slot = slot;
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
                // The semaphore is never closed; stop serving rather than spin if it were.
                (Err(_), _) => break,
                // Out of file descriptors and the like: back off instead of spinning.
                (Ok(_), Err(_)) => tokio::time::sleep(Duration::from_millis(20)).await,
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

/// Serves one request, tagging the response with a fresh request id and the endpoint's own
/// time as `Date` (the endpoint's clock, which may be skewed on purpose, not the system's: the
/// SDK corrects its signing clock from it after a "signature expired" answer).
async fn handle(shared: Arc<Shared>, req: Request<Incoming>) -> Result<Response<Body>, Infallible> {
    shared.count_request();
    let request_id = random_hex(16);
    let mut response = route(&shared, req, &request_id).await;
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert(X_REQUEST_ID, value);
    }
    if let Ok(value) = HeaderValue::from_str(&httpdate::fmt_http_date((shared.clock)())) {
        response.headers_mut().insert(http::header::DATE, value);
    }
    Ok(response)
}
