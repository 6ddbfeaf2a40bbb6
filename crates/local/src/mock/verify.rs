//! The gateway's signature checks, for the mock: the local endpoint's own gateway code (every
//! signing algorithm, signed `X-Sdk-Date`, clock skew, payload hash, security token),
//! with its rejection turned into the mock's answer.

use std::collections::HashMap;

use serde_json::Value;

use super::answer::Answer;
use crate::secret::Secret;

/// `Ok` when the request is signed with one of `secrets`; the gateway's 401 otherwise.
pub(super) async fn verify(
    secrets: &HashMap<String, Secret>,
    now: i64,
    parts: &http::request::Parts,
    body: &[u8],
) -> Result<(), Answer> {
    crate::server::verify_request(secrets, now, parts, body)
        .await
        .map_err(|(status, bytes)| {
            let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
            Answer::json(status, body)
        })
}
