//! The mock's HTTP side: accept loop and the handling of one request.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body_util::{BodyExt as _, Full, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;

use super::answer::{Answer, STUB_ERROR};
use super::decode::{match_path, request_json};
use super::verify::verify;
use super::{NO_STUB, State};
use crate::datetime::unix_secs;
use crate::hex::random_hex;

/// The largest request body the mock reads; larger ones are refused with 413.
const MAX_BODY: usize = 64 * 1024 * 1024;

/// Accepts connections until shutdown.
pub(super) async fn serve(
    listener: TcpListener,
    state: Arc<State>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            _ = shutdown.changed() => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let state = Arc::clone(&state);
                    connections.spawn(async move {
                        let service = service_fn(move |req| handle(Arc::clone(&state), req));
                        let _ = http1::Builder::new()
                            .timer(TokioTimer::new())
                            .serve_connection(TokioIo::new(stream), service)
                            .await;
                    });
                }
                // Out of file descriptors and the like: back off instead of spinning.
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    connections.shutdown().await;
}

async fn handle(
    state: Arc<State>,
    req: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    state.count_request();
    let request_id = random_hex(16);
    let (parts, body) = req.into_parts();
    let answer = match Limited::new(body, MAX_BODY).collect().await {
        Ok(collected) => answer(&state, &parts, &collected.to_bytes()).await,
        Err(_) => Answer::error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "MOCK.0413",
            "the request body could not be read or is larger than 64 MiB",
        ),
    };
    Ok(answer.into_response(&request_id))
}

/// The gateway checks, then the stub of the operation the request is for.
async fn answer(state: &State, parts: &http::request::Parts, body: &[u8]) -> Answer {
    if let Err(rejection) = verify(&state.secrets, unix_secs((state.clock)()), parts, body).await {
        return rejection;
    }
    let method = parts.method.as_str();
    let path = parts.uri.path();
    let Some(found) = state.stubs.find(method, path) else {
        return unstubbed(state, method, path);
    };
    let info = found.info;
    let decoded = request_json(&info, &found.path_values, parts, body)
        .and_then(|json| (found.decode)(json).map_err(|e| format!("{}Request: {e}", info.name)));
    match decoded {
        Ok(request) => {
            let answer = (found.respond)(&*request);
            state.stubs.record(info, request);
            answer
        }
        Err(e) => Answer::error(
            StatusCode::BAD_REQUEST,
            "MOCK.0400",
            &format!(
                "the request for {} {} does not decode: {e}",
                info.service, info.name
            ),
        ),
    }
}

/// [`NO_STUB`]: naming the operation when one of the known tables has it, its method and
/// path otherwise (the SDK's error names the operation either way).
fn unstubbed(state: &State, method: &str, path: &str) -> Answer {
    let known = state
        .operations
        .iter()
        .flat_map(|table| table.iter())
        .filter(|info| info.method == method)
        .filter_map(|info| match_path(info.path, path).map(|values| (info, values.len())))
        .min_by_key(|(_, placeholders)| *placeholders);
    let message = match known {
        Some((info, _)) => format!(
            "{} {} ({method} {}) has no stub: call on::<{}Request>() first",
            info.service, info.name, info.path, info.name
        ),
        None => format!(
            "{method} {path} has no stub: stub its operation with on::<..Request>() \
             (MockBuilder::operations makes this message name it)"
        ),
    };
    Answer::error(STUB_ERROR, NO_STUB, &message)
}
