//! A service error a stub answers with.

use http::StatusCode;

use super::answer::Answer;

/// A service error as the gateway relays it: an HTTP status and the body
/// `{"error_code": code, "error_msg": message}`. The `Err` side of the answers given to
/// [`On::answers_in_order`](super::On::answers_in_order) and
/// [`On::answers_with`](super::On::answers_with).
///
/// ```
/// use huaweicloud_sdk_local::mock::Failure;
///
/// let throttled = Failure::new(429, "APIGW.0308", "the request was throttled");
/// assert_eq!(throttled.status(), 429);
/// assert_eq!(throttled.code(), "APIGW.0308");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    status: StatusCode,
    code: String,
    message: String,
}

impl Failure {
    /// A failure answered with `status`, `code` and `message`. A status that is not a valid
    /// HTTP status answers 500, as [`On::fails`](super::On::fails) does.
    pub fn new(status: u16, code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            code: code.into(),
            message: message.into(),
        }
    }

    /// The HTTP status answered.
    pub fn status(&self) -> u16 {
        self.status.as_u16()
    }

    /// The `error_code` of the body.
    pub fn code(&self) -> &str {
        &self.code
    }

    /// The `error_msg` of the body.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The answer sent for this failure.
    pub(super) fn answer(&self) -> Answer {
        Answer::error(self.status, &self.code, &self.message)
    }
}
