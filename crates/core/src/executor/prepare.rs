//! Everything done once per operation, before the first attempt: the request checked,
//! credentials and scope found, path, query and headers built.

use std::borrow::Cow;

use super::deadline;
use super::scope::Scope;
use super::{CallOptions, Deadline, Executor, OperationRequest, OperationSpec};
use crate::body::RequestBody;
use crate::config::Config;
use crate::credentials::{Credentials, CredentialsContext};
use crate::error::{Error, Result};
use crate::signer;
use crate::signer::stack::StackVec;
use crate::transport::SharedTransport;

// Named once, when compiling: a name made with `from_static` at run time is parsed each call.
const X_PROJECT_ID: http::HeaderName = http::HeaderName::from_static("x-project-id");
const X_DOMAIN_ID: http::HeaderName = http::HeaderName::from_static("x-domain-id");

/// Base headers the signing view holds without allocating.
const SIGNING_VIEW_INLINE: usize = 8;

/// Everything about the request that stays the same from one attempt to the next.
pub(super) struct Prepared {
    /// Rendered path, parameters encoded, without the endpoint's base path.
    pub path: String,
    /// Canonical query string, also sent on the wire.
    pub query: String,
    /// The same query as raw pairs, for the signer.
    pub query_pairs: Vec<(String, String)>,
    /// Operation, content-type, user-agent and scope headers; each attempt sends a copy with
    /// the signer's headers added, and signs a view of these (see [`Prepared::signing_view`]).
    pub headers: http::HeaderMap,
    /// Whether the caller set `Authorization` (the request is then sent unsigned).
    pub caller_signed: bool,
    pub body: RequestBody,
}

impl Prepared {
    /// The base headers of one attempt: a copy of the table as it is (no name hashed again;
    /// values are static or shared, so each is a reference-count increment at most), whose
    /// index already has room for the signer's headers (see `OperationRequest::into_parts`).
    pub fn attempt_headers(&self) -> http::HeaderMap {
        self.headers.clone()
    }

    /// The base headers as the signer reads them, borrowed: names as the official SDKs spell
    /// `Content-Type` on the wire (the signer's content-type rule looks for that spelling;
    /// every other name is signed lower-cased, so its case does not matter), values as text
    /// (almost always visible ASCII; other bytes converted as the official SDKs' UTF-8
    /// decoding would, replacement characters included).
    ///
    /// Held on the stack: a request has a handful of base headers.
    pub fn signing_view(&self) -> StackVec<(&str, Cow<'_, str>), SIGNING_VIEW_INLINE> {
        let mut view = StackVec::new(("", Cow::Borrowed("")));
        for (name, value) in &self.headers {
            let name = if *name == http::header::CONTENT_TYPE {
                "Content-Type"
            } else {
                name.as_str()
            };
            let value = match value.to_str() {
                Ok(text) => Cow::Borrowed(text),
                Err(_) => String::from_utf8_lossy(value.as_bytes()),
            };
            view.push((name, value));
        }
        view
    }
}

/// What the credentials providers of a client built from `config`, sending through
/// `transport`, may use of it.
pub(super) fn credentials_context(
    config: &Config,
    transport: &SharedTransport,
) -> CredentialsContext {
    let mut context = CredentialsContext::new()
        .with_transport(transport.clone())
        .with_shared_env(config.endpoint_env());
    if let Some(region) = config.region() {
        context = context.with_region(region);
    }
    if let Some(endpoint) = config.iam_endpoint() {
        context = context.with_iam_endpoint(endpoint);
    }
    context
}

impl Executor {
    /// Checks the request and the call's options (before any I/O), then finds credentials and
    /// scope within the total deadline, then builds what every attempt sends, the call's
    /// headers and the hooks' changes included.
    pub(super) async fn prepare(
        &self,
        spec: &OperationSpec,
        request: OperationRequest,
        options: &CallOptions,
        total: Option<Deadline>,
    ) -> Result<(Credentials, Prepared)> {
        options.check()?;
        let mut parts = request.into_parts()?;
        let config = &self.inner.config;
        // Cached credentials and a known scope are taken without a future or a timer.
        let provider = config.credentials_provider();
        let credentials = match provider.provide_credentials_now() {
            Some(credentials) => credentials,
            None => {
                // A provider that makes requests (instance metadata, federation, pod identity)
                // sends them through this client's transport, federation to the IAM endpoint
                // of this client's region.
                let fetch = provider.provide_credentials(&self.inner.credentials_context);
                deadline::within_total(total, fetch).await?
            }
        };
        let scope = match Scope::known(config, &credentials) {
            Some(scope) => scope,
            None => {
                let discover = Scope::discover(config, &credentials);
                deadline::within_total(total, discover).await?
            }
        };
        let path = parts.render_path(&[
            ("project_id", scope.project_id.as_deref()),
            ("domain_id", scope.domain_id),
        ])?;
        let mut headers = self.base_headers(std::mem::take(&mut parts.headers), &scope)?;
        // Before `caller_signed` and the security token are looked at: neither the call's
        // headers nor a hook can set `Authorization` or `X-Security-Token`.
        self.before_signing(spec, options, &path, &mut headers, &mut parts.query)?;
        // The canonical query is also the wire query, so the two can never disagree.
        let query = signer::canonical_query(&parts.query);
        let caller_signed = headers.contains_key(http::header::AUTHORIZATION);
        // An operation may expose `X-Security-Token` as a parameter. When the credentials carry
        // a token, theirs is the one sent and signed (the signer adds it), as the official
        // SDKs' signers overwrite the header; otherwise the operation's value goes as given.
        if !caller_signed && credentials.security_token().is_some() {
            headers.remove(signer::X_SECURITY_TOKEN_NAME);
        }
        let prepared = Prepared {
            path,
            caller_signed,
            headers,
            query,
            query_pairs: parts.query,
            body: parts.body,
        };
        Ok((credentials, prepared))
    }

    /// Headers common to every attempt: the operation's (taken over, not copied), user agent,
    /// scope.
    fn base_headers(&self, mut headers: http::HeaderMap, scope: &Scope) -> Result<http::HeaderMap> {
        // Converted once, when the executor was built.
        let user_agent =
            self.inner.user_agent.clone().ok_or_else(|| {
                Error::construction("user-agent has characters not allowed in HTTP")
            })?;
        headers.insert(http::header::USER_AGENT, user_agent);
        if let Some(project_id) = &scope.project_id {
            let value = self.inner.scope_values.project_id(project_id)?;
            headers.insert(X_PROJECT_ID, value);
        }
        if let Some(domain_id) = scope.domain_id {
            let value = self.inner.scope_values.domain_id(domain_id)?;
            headers.insert(X_DOMAIN_ID, value);
        }
        Ok(headers)
    }
}
