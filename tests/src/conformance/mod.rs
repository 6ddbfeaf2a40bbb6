//! The conformance runner: replays a directory of golden vectors (`requests.json`,
//! `responses.json`, `signer.json`, in the format of `tests/vectors/README.md`) through the
//! public API of the service crates and the core signer.
//!
//! Each request or response vector runs its operation with the vector's credentials, endpoint,
//! signing algorithm, signing time and `User-Agent`, through the real default transport, against
//! an in-process capture server on 127.0.0.1 (set as the HTTP proxy, so the signed `Host` stays
//! the service host). Nothing leaves the machine.
//!
//! * `requests.json`: the captured request must match the official one (method, target, every
//!   header the official SDK sent except transport headers, the signed-header list, and
//!   `Authorization` byte for byte without a body; with a body, the body equal as JSON, as bytes
//!   for a raw text body, part by part for a multipart body, and the signature valid over the
//!   bytes sent). See [`requests`].
//! * `responses.json`: the capture server answers with the canned response; the output (JSON
//!   body, response-header fields, request id, or binary body) must equal the official parsed
//!   object, or the error the official error. See [`responses`].
//! * `signer.json`: the core signer against the official one. See [`signer`].
//!
//! Where the official behaviour is an artifact or a bug, a named rule of [`rules`] says what this
//! SDK must do instead. The runner is driven only by the data: no vector is special-cased by
//! name. A vector names its service (`service`); older vectors without one are attributed by
//! their endpoint (see `vector::service`).

pub mod capture;
mod operations;
pub mod requests;
pub mod responses;
pub mod rules;
pub mod signer;
mod vector;

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use huaweicloud_sdk_core::{ByteStream, Error};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// The vector files, in the order they run.
pub const FILES: [&str; 3] = ["requests.json", "responses.json", "signer.json"];

/// The result of a run.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    /// Vectors that matched.
    pub passed: usize,
    /// One line per failing vector: `<file>:<vector name>: <reason>`.
    pub failures: Vec<String>,
    /// Files of the directory that were absent (not an error: a directory may hold only some).
    pub missing_files: Vec<String>,
    /// For each named rule of [`rules`] that judged at least one vector, how many it judged
    /// (passed or failed): the official expectation was replaced by the rule's.
    pub rules: BTreeMap<&'static str, usize>,
}

impl Report {
    /// Number of failing vectors.
    pub fn failed(&self) -> usize {
        self.failures.len()
    }

    /// True when no vector failed.
    pub fn is_success(&self) -> bool {
        self.failures.is_empty()
    }

    /// The last line of the output: `N passed, N failed`.
    pub fn summary(&self) -> String {
        format!("{} passed, {} failed", self.passed, self.failed())
    }
}

impl fmt::Display for Report {
    /// `FAIL <file>:<name>: <reason>` per failure, `rule <name>: <count>` per rule used, then the
    /// summary line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for failure in &self.failures {
            writeln!(f, "FAIL {failure}")?;
        }
        for (rule, count) in &self.rules {
            writeln!(f, "rule {rule}: {count}")?;
        }
        write!(f, "{}", self.summary())
    }
}

/// Runs every vector of `dir` on a runtime of its own. Do not call from inside a tokio runtime;
/// use [`run_async`] there.
///
/// # Errors
/// When `dir` is not a readable directory holding at least one of [`FILES`], or a file present
/// is not a JSON array.
pub fn run(dir: &Path) -> Result<Report, String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        // The dispatch future spans every generated operation: in a debug build its polls need
        // more than the 2 MiB a test thread or a default worker has.
        .thread_stack_size(WORKER_STACK)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start a tokio runtime: {e}"))?;
    // Polled on a worker (sized above), not on the caller's thread, whatever its stack.
    let dir = dir.to_path_buf();
    runtime.block_on(async move {
        tokio::spawn(async move { run_async(&dir).await })
            .await
            .map_err(|e| format!("the conformance run panicked: {e}"))?
    })
}

/// Stack of the runner's worker threads.
const WORKER_STACK: usize = 16 * 1024 * 1024;

/// Runs every vector of `dir` (see [`run`]).
///
/// # Errors
/// As [`run`].
pub async fn run_async(dir: &Path) -> Result<Report, String> {
    if !dir.is_dir() {
        return Err(format!("{} is not a directory", dir.display()));
    }
    let mut loaded = Vec::new();
    let mut report = Report::default();
    for file in FILES {
        match vector::load_array(dir, file)? {
            Some(vectors) => loaded.push((file, vectors)),
            None => report.missing_files.push(file.to_owned()),
        }
    }
    if loaded.is_empty() {
        return Err(format!(
            "{} holds none of {}",
            dir.display(),
            FILES.join(", ")
        ));
    }
    for (file, vectors) in loaded {
        for (index, item) in vectors.iter().enumerate() {
            let verdict = match file {
                "requests.json" => requests::check(item).await,
                "responses.json" => responses::check(item).await,
                _ => Verdict::from(signer::check(item)),
            };
            for rule in verdict.rules {
                *report.rules.entry(rule).or_default() += 1;
            }
            let problems = verdict.problems;
            if problems.is_empty() {
                report.passed += 1;
            } else {
                let name = item
                    .get("name")
                    .and_then(Value::as_str)
                    .map_or_else(|| format!("#{index}"), str::to_owned);
                report.failures.push(format!(
                    "{file}:{name}: {}",
                    vector::one_line(&problems.join("; "))
                ));
            }
        }
    }
    Ok(report)
}

/// What checking one vector found.
#[derive(Debug, Default)]
pub(crate) struct Verdict {
    /// What differs from the expectation (empty when the vector passes).
    pub problems: Vec<String>,
    /// The named rules that replaced part of the official expectation for this vector.
    pub rules: Vec<&'static str>,
}

impl From<Vec<String>> for Verdict {
    fn from(problems: Vec<String>) -> Self {
        Self {
            problems,
            rules: Vec::new(),
        }
    }
}

/// A response-header field of an output: the official SDK's attribute name (e.g.
/// `x_swr_expireat`) and the value serialised with serde.
pub type HeaderField = (&'static str, Value);

/// What an operation returned, in a form the runner compares with the official result.
#[derive(Debug)]
pub enum Outcome {
    /// A JSON output: the output object serialised with serde, its response-header fields and
    /// its request id.
    Json {
        /// `serde_json::to_value(output)`: the response body with the service's JSON key names
        /// (header fields and request id are not in it).
        value: Value,
        /// The output's response-header fields.
        headers: Vec<HeaderField>,
        /// The output's request id.
        request_id: Option<String>,
    },
    /// A binary download, read to the end.
    Binary {
        /// Every byte of the body.
        bytes: Vec<u8>,
        /// The output's `Content-Type`.
        content_type: Option<String>,
        /// The output's `Content-Length`.
        content_length: Option<u64>,
        /// The output's response-header fields.
        headers: Vec<HeaderField>,
        /// The output's request id.
        request_id: Option<String>,
    },
}

impl Outcome {
    /// The output's response-header fields.
    pub fn headers(&self) -> &[HeaderField] {
        match self {
            Self::Json { headers, .. } | Self::Binary { headers, .. } => headers,
        }
    }

    /// The output's request id.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::Json { request_id, .. } | Self::Binary { request_id, .. } => {
                request_id.as_deref()
            }
        }
    }
}

/// Decodes a vector's `input` (the official SDK's field names) into a generated request type.
pub(crate) fn decode_input<T: DeserializeOwned>(input: Value) -> Result<T, Error> {
    serde_json::from_value(input).map_err(|e| {
        Error::construction(format!(
            "the vector's input does not decode into the request: {e}"
        ))
    })
}

/// A JSON output as an [`Outcome`]: `output` serialises as the response body; `headers` are its
/// response-header fields by the official attribute name.
pub(crate) fn json_outcome<T: Serialize>(
    output: &T,
    headers: Vec<HeaderField>,
    request_id: Option<String>,
) -> Result<Outcome, Error> {
    let value = serde_json::to_value(output)
        .map_err(|e| Error::construction(format!("the output does not serialise: {e}")))?;
    Ok(Outcome::Json {
        value,
        headers,
        request_id,
    })
}

/// A binary output as an [`Outcome`], its body read to the end (a broken body is an error).
pub(crate) async fn binary_outcome(
    body: ByteStream,
    content_type: Option<String>,
    content_length: Option<u64>,
    headers: Vec<HeaderField>,
    request_id: Option<String>,
) -> Result<Outcome, Error> {
    let bytes = body.collect().await?;
    Ok(Outcome::Binary {
        bytes: bytes.to_vec(),
        content_type,
        content_length,
        headers,
        request_id,
    })
}
