//! The one path every operation takes: build the request, get credentials, sign (a fresh
//! `X-Sdk-Date` on every attempt), send, classify the answer, retry or return.
//!
//! Service crates describe an operation with an [`OperationSpec`] and an [`OperationRequest`]
//! and call [`Executor::send`] (or [`Executor::send_with`], with the [`CallOptions`] of one
//! call); they never see HTTP, signing or retries.

mod attempt;
mod deadline;
mod hooks;
mod options;
mod prepare;
mod presigned;
mod request;
mod response;
mod retry_loop;
mod scope;
mod scope_values;
pub(crate) mod skew;
mod target;
mod unknown_region;

pub use options::{CallOptions, RetryCheck, RetryCondition};
pub use presigned::{ErrorParser, PresignedRequest};
pub use request::OperationRequest;
pub use response::Response;

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use tracing::Instrument;

use crate::config::Config;
use crate::config::endpoint::{self, Endpoint, ServiceEndpoints};
use crate::credentials::CredentialsContext;
use crate::error::{Error, Result};
use crate::retry::TokenBucket;
use crate::transport::SharedTransport;

/// What the executor needs to know about an operation besides its request.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct OperationSpec {
    /// Service name, lower case, e.g. `metastudio`.
    pub service: &'static str,
    /// Operation name as in the API reference, e.g. `CreateFile`.
    pub operation: &'static str,
    /// HTTP method.
    pub method: http::Method,
    /// True when executing the operation twice has the same effect as once. Defaults to what
    /// the method says (`GET`, `PUT`, `DELETE`, ... are idempotent; `POST` is not).
    pub idempotent: bool,
}

impl OperationSpec {
    /// Describes an operation; idempotency follows the method.
    pub fn new(service: &'static str, operation: &'static str, method: http::Method) -> Self {
        let idempotent = crate::retry::is_idempotent_method(&method);
        Self {
            service,
            operation,
            method,
            idempotent,
        }
    }

    /// Marks the operation idempotent (or not) whatever its method.
    pub fn with_idempotent(mut self, idempotent: bool) -> Self {
        self.idempotent = idempotent;
        self
    }
}

/// The operation's total-timeout deadline, and the limit it came from (for the error).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Deadline {
    pub at: tokio::time::Instant,
    pub limit: std::time::Duration,
}

/// Runs operations for one service client. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Executor {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    config: Config,
    service: &'static str,
    endpoints: Vec<Endpoint>,
    // `endpoints`, parsed for the request line and `Host` header once.
    targets: Vec<target::Target>,
    transport: SharedTransport,
    // What credentials providers may use of this client (built once: the config is fixed).
    credentials_context: CredentialsContext,
    // Checked and converted once; `None` when the configured user agent is not a valid header
    // value, which every send then reports as its error.
    user_agent: Option<http::HeaderValue>,
    // Index of the endpoint to use; moves on when connecting to one fails.
    endpoint_index: AtomicU32,
    // Clock-skew correction learnt from each endpoint's answers (same order as `endpoints`):
    // runtime state of this client, kept apart from the settings in `config`.
    clock_offsets: Vec<skew::ClockOffset>,
    // The retry budget all calls of this client share; `None` when the config turns it off.
    retry_budget: Option<TokenBucket>,
    // What a connection failure adds when the region is missing from the service's table.
    unknown_region: Option<String>,
    // The scope headers' values, converted once.
    scope_values: scope_values::ScopeValues,
}

impl Executor {
    /// An executor for `service`, with its endpoint resolved from `config` now (so a bad region
    /// or endpoint is reported when the client is built, not at the first call).
    pub fn new(config: &Config, service: &ServiceEndpoints) -> Result<Self> {
        let overrides = config
            .endpoint_overrides()
            .iter()
            .map(|e| Endpoint::parse_from(e, "Config::with_endpoint"))
            .collect::<Result<Vec<_>>>()?;
        let resolved = endpoint::resolve(
            service,
            config.region(),
            (!overrides.is_empty()).then_some(overrides.as_slice()),
            &config.endpoint_env(),
        )?;
        tracing::debug!(
            service = service.service,
            endpoint = %resolved.endpoints.first().map(ToString::to_string).unwrap_or_default(),
            source = ?resolved.source,
            "resolved endpoint"
        );
        let unknown_region = unknown_region::advice(service, config.region(), &resolved);
        Self::build(config, service.service, resolved.endpoints, unknown_region)
    }

    /// An executor sending to the given endpoints (at least one).
    pub fn with_endpoints(
        config: &Config,
        service: &'static str,
        endpoints: Vec<Endpoint>,
    ) -> Result<Self> {
        Self::build(config, service, endpoints, None)
    }

    fn build(
        config: &Config,
        service: &'static str,
        endpoints: Vec<Endpoint>,
        unknown_region: Option<String>,
    ) -> Result<Self> {
        if endpoints.is_empty() {
            return Err(Error::construction(format!(
                "no endpoint for service {service}"
            )));
        }
        let targets = endpoints
            .iter()
            .map(target::Target::new)
            .collect::<Result<Vec<_>>>()?;
        let clock_offsets = endpoints
            .iter()
            .map(|_| skew::ClockOffset::default())
            .collect();
        let transport = config.transport()?;
        Ok(Self {
            inner: Arc::new(Inner {
                clock_offsets,
                targets,
                credentials_context: prepare::credentials_context(config, &transport),
                transport,
                user_agent: http::HeaderValue::try_from(config.user_agent()).ok(),
                config: config.clone(),
                service,
                endpoints,
                endpoint_index: AtomicU32::new(0),
                retry_budget: config.retry().budget.map(TokenBucket::new),
                unknown_region,
                scope_values: scope_values::ScopeValues::default(),
            }),
        })
    }

    /// The configuration this executor was built from.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The service this executor sends to, e.g. `metastudio`.
    pub fn service(&self) -> &'static str {
        self.inner.service
    }

    /// The endpoints requests go to (the first one unless it fails to connect).
    pub fn endpoints(&self) -> &[Endpoint] {
        &self.inner.endpoints
    }

    /// The clock-skew offset learnt from the endpoint requests currently go to, in
    /// milliseconds: positive when its clock is ahead of the config's clock, 0 until a
    /// correction happened (see
    /// [`Config::with_clock_skew_correction`](crate::Config::with_clock_skew_correction)).
    pub fn clock_offset_millis(&self) -> i64 {
        self.clock_offset(self.endpoint_in_use())
            .map_or(0, skew::ClockOffset::millis)
    }

    /// The index of the endpoint requests currently go to.
    fn endpoint_in_use(&self) -> usize {
        self.inner.endpoint_index.load(Ordering::Relaxed) as usize
            % self.inner.endpoints.len().max(1)
    }

    /// The offset learnt from endpoint `index`.
    fn clock_offset(&self, index: usize) -> Option<&skew::ClockOffset> {
        self.inner.clock_offsets.get(index)
    }

    /// The time to sign a request to endpoint `index` with: the config's clock plus the
    /// offset learnt from that endpoint.
    fn signing_now(&self, index: usize) -> std::time::SystemTime {
        let now = self.inner.config.now();
        self.clock_offset(index)
            .map_or(now, |offset| offset.apply(now))
    }

    /// Runs one operation and returns its successful response (2xx). Every other outcome is an
    /// [`Error`] naming the service and operation.
    pub async fn send(&self, spec: &OperationSpec, request: OperationRequest) -> Result<Response> {
        self.send_with(spec, request, &options::NO_OPTIONS).await
    }

    /// [`send`](Self::send) with the overrides of one call: timeouts, retry settings and
    /// condition, extra headers, idempotency, hooks. The client's configuration and its other
    /// calls are unaffected.
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use huaweicloud_sdk_core::executor::CallOptions;
    /// use huaweicloud_sdk_core::{Executor, OperationRequest, OperationSpec};
    ///
    /// # async fn run(executor: &Executor) -> huaweicloud_sdk_core::Result<()> {
    /// let spec = OperationSpec::new("metastudio", "ListAssets", http::Method::GET);
    /// let request = OperationRequest::new("/v1/{project_id}/digital-assets");
    /// let options = CallOptions::new()
    ///     .with_total_timeout(Duration::from_secs(5))
    ///     .with_header("x-tenant-id", "tenant-7");
    /// let response = executor.send_with(&spec, request, &options).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn send_with(
        &self,
        spec: &OperationSpec,
        request: OperationRequest,
        options: &CallOptions,
    ) -> Result<Response> {
        let span = tracing::debug_span!(
            "huaweicloud.operation",
            service = spec.service,
            operation = spec.operation
        );
        let attempts = AtomicU32::new(0);
        // One clock read for the deadline and the logged latency.
        let started = tokio::time::Instant::now();
        let total = self.total_deadline(options, started);
        // No timer wraps the whole operation: `run` bounds each step by the total deadline
        // itself (each attempt by the earlier of the attempt and total deadlines, which the
        // transport enforces with the timer it already has for the read timeout), which ends
        // the operation at the same instant with the same error.
        let result = self
            .run(spec, request, options, &attempts, total)
            .instrument(span.clone())
            .await
            .map_err(|e| self.explain_unknown_region(e));
        let attempts = attempts.load(Ordering::Relaxed);
        span.in_scope(|| match &result {
            Ok(r) => tracing::debug!(
                status = r.status().as_u16(),
                request_id = r.request_id().unwrap_or(""),
                attempts,
                latency_ms = started.elapsed().as_millis() as u64,
                "operation succeeded"
            ),
            Err(e) => tracing::debug!(
                kind = ?e.kind(),
                status = e.status().map(|s| s.as_u16()),
                request_id = e.request_id().unwrap_or(""),
                attempts,
                latency_ms = started.elapsed().as_millis() as u64,
                "operation failed"
            ),
        });
        result
            .map(|response| {
                response
                    .with_attempts(attempts)
                    .with_deadline(total)
                    .with_max_buffered(self.inner.config.max_buffered_body_size())
            })
            .map_err(|e| {
                e.with_operation(spec.service, spec.operation)
                    .with_attempts(attempts)
            })
    }
}

impl Executor {
    /// The deadline of a call starting at `started`: its own total timeout, else the client's.
    fn total_deadline(
        &self,
        options: &CallOptions,
        started: tokio::time::Instant,
    ) -> Option<Deadline> {
        let limit = options
            .total_timeout
            .unwrap_or_else(|| self.inner.config.total_timeout())?;
        started.checked_add(limit).map(|at| Deadline { at, limit })
    }
}
