//! Stubs: what each operation answers, how its requests are decoded, and what was received.

use std::any::Any;
use std::marker::PhantomData;
use std::sync::{Arc, Mutex};

use crate::sync::lock;

use http::StatusCode;
use huaweicloud_sdk_core::operation::{Operation, OperationInfo};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::answer::Answer;
use super::failure::Failure;
use super::respond::{self, Respond};

/// A decoded request, kept for [`MockEndpoint::requests`](super::MockEndpoint::requests).
pub(super) type Decoded = Box<dyn Any + Send>;

/// Turns the JSON of a received request into its request type.
pub(super) type Decode = fn(serde_json::Value) -> Result<Decoded, String>;

/// The stub of one operation.
pub(super) struct Stub {
    pub(super) info: OperationInfo,
    pub(super) decode: Decode,
    pub(super) respond: Respond,
}

/// The stub a request matched, with the values of the path placeholders.
pub(super) struct Found {
    pub(super) info: OperationInfo,
    pub(super) decode: Decode,
    pub(super) respond: Respond,
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
                respond: Arc::clone(&s.respond),
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
/// of the same operation replaces an earlier one, and starts its own count of calls.
///
/// Answers are the typed output (sent as the service would: 200, JSON body, a fresh
/// `X-Request-Id`; response-header fields and the request id are not part of the body) or a
/// [`Failure`]. They are given once for every call ([`returns`](Self::returns),
/// [`fails`](Self::fails)), one per call in order ([`returns_in_order`](Self::returns_in_order),
/// [`answers_in_order`](Self::answers_in_order)), or by a closure over the typed request
/// ([`answers_with`](Self::answers_with)).
#[must_use = "a stub does nothing until one of its answering methods is called"]
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

    /// Answers every call with `output`.
    pub fn returns(self, output: O::Output)
    where
        O::Output: Serialize,
    {
        self.set(respond::always(Answer::output(&O::INFO, &output)));
    }

    /// Answers every call with `body` as the JSON document and `status`: for answers the typed
    /// output cannot express (a malformed one, an unusual status).
    pub fn returns_json(self, status: u16, body: serde_json::Value) {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        self.set(respond::always(Answer::json(status, body)));
    }

    /// Answers every call with a service error, as the gateway relays it: `status` and the body
    /// `{"error_code": code, "error_msg": msg}`. A status that is not a valid HTTP status
    /// answers 500.
    pub fn fails(self, status: u16, code: &str, msg: &str) {
        self.set(respond::always(Failure::new(status, code, msg).answer()));
    }

    /// Answers the first call with the first of `outputs`, the second with the second, and so
    /// on: the pages of a listing, in the order a paginator asks for them.
    ///
    /// A call past the last output fails with 400 [`NO_MORE_ANSWERS`](super::NO_MORE_ANSWERS)
    /// naming the operation, which the SDK does not retry: code that asks for one page more
    /// than the test expects is the bug such a test is there to find, and repeating the last
    /// page would hide it. To answer any number of calls, use
    /// [`answers_with`](Self::answers_with).
    pub fn returns_in_order(self, outputs: impl IntoIterator<Item = O::Output>)
    where
        O::Output: Serialize,
    {
        self.answers_in_order(outputs.into_iter().map(Ok));
    }

    /// As [`returns_in_order`](Self::returns_in_order), with failures among the answers: a
    /// `503` and then the output, to test a retry.
    pub fn answers_in_order(self, answers: impl IntoIterator<Item = Result<O::Output, Failure>>)
    where
        O::Output: Serialize,
    {
        let answers = answers
            .into_iter()
            .map(|answer| match answer {
                Ok(output) => Answer::output(&O::INFO, &output),
                Err(failure) => failure.answer(),
            })
            .collect();
        self.set(respond::in_order::<O>(answers));
    }

    /// Answers each call with what `answer` returns for the request, decoded into `O`: a page
    /// chosen by the request's `offset`, an error for one namespace and not another.
    ///
    /// Calls may run at the same time (the closure is `Fn + Sync`; count calls with an
    /// atomic). A panic in the closure, such as a failed assertion about the request, is
    /// answered with 400 [`STUB_PANICKED`](super::STUB_PANICKED) and its message, which the
    /// SDK does not retry.
    pub fn answers_with<F>(self, answer: F)
    where
        O::Output: Serialize,
        F: Fn(&O) -> Result<O::Output, Failure> + Send + Sync + 'static,
    {
        self.set(respond::with::<O, F>(answer));
    }

    fn set(self, respond: Respond) {
        self.stubs.set(Stub {
            info: O::INFO,
            decode: decode::<O>,
            respond,
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
