//! Stubs: what each operation answers, how its requests are decoded, and what was received.

use std::any::Any;
use std::marker::PhantomData;
use std::sync::Mutex;

use crate::sync::lock;

use http::StatusCode;
use huaweicloud_sdk_core::operation::{Operation, OperationInfo};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::answer::Answer;

/// A decoded request, kept for [`MockEndpoint::requests`](super::MockEndpoint::requests).
pub(super) type Decoded = Box<dyn Any + Send>;

/// Turns the JSON of a received request into its request type.
pub(super) type Decode = fn(serde_json::Value) -> Result<Decoded, String>;

/// The stub of one operation.
pub(super) struct Stub {
    pub(super) info: OperationInfo,
    pub(super) decode: Decode,
    pub(super) answer: Answer,
}

/// The stub a request matched, with the values of the path placeholders.
pub(super) struct Found {
    pub(super) info: OperationInfo,
    pub(super) decode: Decode,
    pub(super) answer: Answer,
    pub(super) path_values: Vec<(String, String)>,
}

/// Stubs and received requests, shared with the server task.
#[derive(Default)]
pub(super) struct Stubs {
    stubs: Mutex<Vec<Stub>>,
    received: Mutex<Vec<(OperationInfo, Decoded)>>,
}

impl Stubs {
    /// Replaces the stub of the operation `stub.info` names.
    pub(super) fn set(&self, stub: Stub) {
        let mut stubs = lock(&self.stubs);
        stubs.retain(|s| s.info != stub.info);
        stubs.push(stub);
    }

    /// The stub whose method and path template match, with the path values; `None` when no
    /// stubbed operation matches.
    pub(super) fn find(&self, method: &str, path: &str) -> Option<Found> {
        let stubs = lock(&self.stubs);
        // Literal segments beat placeholders: `/repos/tags` is not `/repos/{name}`.
        stubs
            .iter()
            .filter(|s| s.info.method == method)
            .filter_map(|s| super::decode::match_path(s.info.path, path).map(|v| (s, v)))
            .min_by_key(|(_, values)| values.len())
            .map(|(s, path_values)| Found {
                info: s.info,
                decode: s.decode,
                answer: s.answer.clone(),
                path_values,
            })
    }

    /// Keeps a decoded request.
    pub(super) fn record(&self, info: OperationInfo, request: Decoded) {
        lock(&self.received).push((info, request));
    }

    /// The requests received for `O`, oldest first.
    pub(super) fn requests<O: Operation + Clone + 'static>(&self) -> Vec<O> {
        lock(&self.received)
            .iter()
            .filter(|(info, _)| *info == O::INFO)
            .filter_map(|(_, request)| request.downcast_ref::<O>().cloned())
            .collect()
    }
}

fn decode<O: DeserializeOwned + Send + 'static>(
    value: serde_json::Value,
) -> Result<Decoded, String> {
    serde_json::from_value::<O>(value)
        .map(|request| Box::new(request) as Decoded)
        .map_err(|e| e.to_string())
}

/// Stubs the operation `O`, from [`MockEndpoint::on`](super::MockEndpoint::on). A later stub
/// of the same operation replaces an earlier one.
#[must_use = "a stub does nothing until `returns` or `fails` is called"]
pub struct On<'a, O> {
    stubs: &'a Stubs,
    operation: PhantomData<fn() -> O>,
}

impl<'a, O> On<'a, O>
where
    O: Operation + DeserializeOwned + Send + 'static,
{
    pub(super) fn new(stubs: &'a Stubs) -> Self {
        Self {
            stubs,
            operation: PhantomData,
        }
    }

    /// Answers every call with `output`, serialized as the service would (200, JSON body).
    /// Response headers and the request id are not part of the body: the answer carries a
    /// fresh `X-Request-Id` instead.
    pub fn returns(self, output: O::Output)
    where
        O::Output: Serialize,
    {
        let answer = match serde_json::to_value(&output) {
            Ok(body) => Answer::json(StatusCode::OK, body),
            Err(e) => Answer::error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "MOCK.0500",
                &format!(
                    "the stubbed output of {} does not serialize: {e}",
                    O::INFO.name
                ),
            ),
        };
        self.set(answer);
    }

    /// Answers every call with `body` as the JSON document and `status`: for answers the typed
    /// output cannot express (a malformed one, an unusual status).
    pub fn returns_json(self, status: u16, body: serde_json::Value) {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        self.set(Answer::json(status, body));
    }

    /// Answers every call with a service error, as the gateway relays it: `status` and the body
    /// `{"error_code": code, "error_msg": msg}`. A status that is not a valid HTTP status
    /// answers 500.
    pub fn fails(self, status: u16, code: &str, msg: &str) {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        self.set(Answer::error(status, code, msg));
    }

    fn set(self, answer: Answer) {
        self.stubs.set(Stub {
            info: O::INFO,
            decode: decode::<O>,
            answer,
        });
    }
}

impl<O: Operation> std::fmt::Debug for On<'_, O> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("On")
            .field("operation", &O::INFO.name)
            .finish_non_exhaustive()
    }
}
