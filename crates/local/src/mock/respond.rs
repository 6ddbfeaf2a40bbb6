//! How a stub picks its answer to a decoded request: always the same one, the next of a
//! sequence, or what a closure over the typed request returns.

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use http::StatusCode;
use huaweicloud_sdk_core::operation::Operation;
use serde::Serialize;

use super::answer::{Answer, STUB_ERROR};
use super::failure::Failure;
use super::{NO_MORE_ANSWERS, STUB_PANICKED};

/// A stub's answer to a request, given the request decoded into its operation's type.
pub(super) type Respond = Arc<dyn Fn(&(dyn Any + Send)) -> Answer + Send + Sync>;

/// Answers every call with `answer`.
pub(super) fn always(answer: Answer) -> Respond {
    Arc::new(move |_| answer.clone())
}

/// Answers the first call with the first of `answers`, the second with the second, and so on;
/// a call past the last is answered with [`NO_MORE_ANSWERS`].
pub(super) fn in_order<O: Operation>(answers: Vec<Answer>) -> Respond {
    let calls = AtomicUsize::new(0);
    Arc::new(move |_| {
        let call = calls.fetch_add(1, Ordering::Relaxed);
        answers.get(call).cloned().unwrap_or_else(|| {
            Answer::error(
                STUB_ERROR,
                NO_MORE_ANSWERS,
                &format!(
                    "{} {} was stubbed with {} answer(s) in order and this is call {}: \
                     stub more answers, or answer from the request with answers_with",
                    O::INFO.service,
                    O::INFO.name,
                    answers.len(),
                    call.saturating_add(1),
                ),
            )
        })
    })
}

/// Answers each call with what `answer` returns for the request.
pub(super) fn with<O, F>(answer: F) -> Respond
where
    O: Operation + 'static,
    O::Output: Serialize,
    F: Fn(&O) -> Result<O::Output, Failure> + Send + Sync + 'static,
{
    Arc::new(move |request| {
        let Some(request) = request.downcast_ref::<O>() else {
            // The stub decodes its requests into `O` itself, so this is a bug of the mock.
            return Answer::error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "MOCK.0500",
                &format!(
                    "{} {}: the request was not decoded into its request type",
                    O::INFO.service,
                    O::INFO.name
                ),
            );
        };
        // An assertion in the closure is the test's failure: answer it with its message
        // instead of dropping the connection, which the SDK would retry.
        match catch_unwind(AssertUnwindSafe(|| answer(request))) {
            Ok(Ok(output)) => Answer::output(&O::INFO, &output),
            Ok(Err(failure)) => failure.answer(),
            Err(panic) => Answer::error(
                STUB_ERROR,
                STUB_PANICKED,
                &format!(
                    "the closure answering {} {} panicked: {}",
                    O::INFO.service,
                    O::INFO.name,
                    panic_message(panic.as_ref())
                ),
            ),
        }
    })
}

/// The message a panic was raised with, when it is text.
fn panic_message(panic: &(dyn Any + Send)) -> &str {
    panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(not a text message)")
}
