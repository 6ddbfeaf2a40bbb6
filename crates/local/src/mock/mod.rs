//! A mock of any generated operation, served on 127.0.0.1 behind the gateway's signature
//! checks.
//!
//! [`MockEndpoint`] answers the operations a test stubs with [`MockEndpoint::on`] — a typed
//! output or a service error, the same for every call, one per call in order, or computed from
//! the typed request by a closure — and keeps every request it answered, decoded into the
//! operation's generated request type ([`MockEndpoint::requests`]). Before answering it checks
//! the AK/SK signature as the local endpoint's gateway does, so code under test is signed for
//! real. Operations are recognised from the constant descriptions the generator emits
//! ([`huaweicloud_sdk_core::operation`]); decoding and serializing need the service crate's
//! `roundtrip` feature. A request no stub matches is answered 400 [`NO_STUB`], naming the
//! operation, and is not retried.
//!
//! What the mock does not decode: `multipart/form-data` bodies (the request's `body` stays
//! empty). The stubbed output's response-header fields are not sent.

mod answer;
mod decode;
mod failure;
mod respond;
mod serve;
mod stub;
mod verify;

use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

use huaweicloud_sdk_core::operation::{Operation, OperationInfo};
use serde::de::DeserializeOwned;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::secret::Secret;
use crate::{Clock, DEFAULT_AK, DEFAULT_PROJECT_ID, DEFAULT_SK, Error};
pub use failure::Failure;
pub use stub::On;
use stub::Stubs;

/// The `error_code` of the answer to a request that no stub matches, 400 with a message naming
/// the operation and saying it has no stub. 400 because the SDK does not retry it, so the test
/// fails at the first request; not 404, which code under test may take for "absent" and pass
/// without the stub it needed.
pub const NO_STUB: &str = "MOCK.NoStub";

/// The `error_code` of the answer to a call past the last answer of
/// [`On::returns_in_order`] or [`On::answers_in_order`], 400 with a message naming the
/// operation and how many answers it had.
pub const NO_MORE_ANSWERS: &str = "MOCK.NoMoreAnswers";

/// The `error_code` of the answer to a call whose [`On::answers_with`] closure panicked, 400
/// with the panic's message.
pub const STUB_PANICKED: &str = "MOCK.StubPanicked";

/// State shared with the server task.
struct State {
    secrets: HashMap<String, Secret>,
    clock: Clock,
    operations: Vec<&'static [OperationInfo]>,
    stubs: Stubs,
    requests: AtomicU64,
}

impl State {
    fn count_request(&self) {
        self.requests.fetch_add(1, Ordering::Relaxed);
    }
}

/// Settings of a [`MockEndpoint`]; made by [`MockEndpoint::builder`].
pub struct MockBuilder {
    secrets: Vec<(String, Secret)>,
    project_id: String,
    clock: Option<Clock>,
    operations: Vec<&'static [OperationInfo]>,
}

impl std::fmt::Debug for MockBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockBuilder")
            .field(
                "access_keys",
                &self.secrets.iter().map(|(ak, _)| ak).collect::<Vec<_>>(),
            )
            .field("project_id", &self.project_id)
            .finish_non_exhaustive()
    }
}

impl MockBuilder {
    /// Accepts permanent credentials `ak`/`sk`. May be called several times. Without it (or
    /// [`temporary_credentials`](Self::temporary_credentials)) the mock accepts
    /// [`DEFAULT_AK`]/[`DEFAULT_SK`].
    pub fn credentials(mut self, ak: impl Into<String>, sk: impl Into<String>) -> Self {
        self.secrets.push((
            ak.into(),
            Secret {
                sk: sk.into(),
                token: None,
            },
        ));
        self
    }

    /// Accepts temporary credentials: requests signed with `ak` must also carry
    /// `X-Security-Token: <token>`.
    pub fn temporary_credentials(
        mut self,
        ak: impl Into<String>,
        sk: impl Into<String>,
        token: impl Into<String>,
    ) -> Self {
        self.secrets.push((
            ak.into(),
            Secret {
                sk: sk.into(),
                token: Some(token.into()),
            },
        ));
        self
    }

    /// The project id [`MockEndpoint::config`] signs with (default [`DEFAULT_PROJECT_ID`]).
    pub fn project_id(mut self, project_id: impl Into<String>) -> Self {
        self.project_id = project_id.into();
        self
    }

    /// The clock `X-Sdk-Date` is checked against (default: the system clock).
    pub fn clock(mut self, clock: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        self.clock = Some(Arc::new(clock));
        self
    }

    /// The operations of a service API (its module's `OPERATIONS`), so that a request for one
    /// that is not stubbed is answered with an error naming it. May be called several times.
    pub fn operations(mut self, table: &'static [OperationInfo]) -> Self {
        self.operations.push(table);
        self
    }

    /// Binds a free port of 127.0.0.1 and starts serving on the current Tokio runtime.
    ///
    /// # Errors
    ///
    /// [`Error::Bind`] when no port can be bound, [`Error::Config`] for an empty AK or project
    /// id.
    pub async fn start(self) -> Result<MockEndpoint, Error> {
        let mut secrets = self.secrets;
        if secrets.is_empty() {
            secrets.push((
                DEFAULT_AK.to_owned(),
                Secret {
                    sk: DEFAULT_SK.to_owned(),
                    token: None,
                },
            ));
        }
        if secrets.iter().any(|(ak, _)| ak.is_empty()) {
            return Err(Error::Config("empty access key".into()));
        }
        if self.project_id.is_empty() {
            return Err(Error::Config("empty project id".into()));
        }
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .map_err(|source| Error::Bind { port: 0, source })?;
        let addr = listener
            .local_addr()
            .map_err(|source| Error::Bind { port: 0, source })?;
        let (first_ak, first_secret) = secrets
            .first()
            .cloned()
            .ok_or_else(|| Error::Config("no credentials".into()))?;
        let state = Arc::new(State {
            secrets: secrets.into_iter().collect(),
            clock: self.clock.unwrap_or_else(|| Arc::new(SystemTime::now)),
            operations: self.operations,
            stubs: Stubs::default(),
            requests: AtomicU64::new(0),
        });
        let (shutdown, shutdown_rx) = watch::channel(false);
        let task = tokio::spawn(serve::serve(listener, Arc::clone(&state), shutdown_rx));
        Ok(MockEndpoint {
            addr,
            url: format!("http://{addr}"),
            project_id: self.project_id,
            first_ak,
            first_secret,
            state,
            shutdown,
            task: Some(task),
        })
    }
}

/// A mock of generated operations on 127.0.0.1; see the [module docs](self).
///
/// Stops serving when dropped.
pub struct MockEndpoint {
    addr: SocketAddr,
    url: String,
    project_id: String,
    first_ak: String,
    first_secret: Secret,
    state: Arc<State>,
    shutdown: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for MockEndpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockEndpoint")
            .field("url", &self.url)
            .field("project_id", &self.project_id)
            .finish_non_exhaustive()
    }
}

impl MockEndpoint {
    /// A builder with the default settings: [`DEFAULT_AK`]/[`DEFAULT_SK`],
    /// [`DEFAULT_PROJECT_ID`], the system clock, no operation tables.
    pub fn builder() -> MockBuilder {
        MockBuilder {
            secrets: Vec::new(),
            project_id: DEFAULT_PROJECT_ID.to_owned(),
            clock: None,
            operations: Vec::new(),
        }
    }

    /// Starts a mock with the default settings ([`MockEndpoint::builder`]).
    ///
    /// # Errors
    ///
    /// As [`MockBuilder::start`].
    pub async fn start() -> Result<Self, Error> {
        Self::builder().start().await
    }

    /// Base URL, `http://127.0.0.1:<port>`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The listening address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// An SDK configuration for this mock: the first configured credentials (with their
    /// security token, if temporary), the project id and [`url`](Self::url) as endpoint.
    pub fn config(&self) -> huaweicloud_sdk_core::Config {
        let mut credentials =
            huaweicloud_sdk_core::Credentials::new(&self.first_ak, &self.first_secret.sk)
                .with_project_id(&self.project_id);
        if let Some(token) = &self.first_secret.token {
            credentials = credentials.with_security_token(token);
        }
        huaweicloud_sdk_core::Config::new(credentials).with_endpoint(&self.url)
    }

    /// Stubs the operation whose generated request type is `O`:
    /// `mock.on::<ShowNamespaceRequest>().returns(output)`; see [`On`] for the other answers
    /// (in order, from a closure).
    pub fn on<O>(&self) -> On<'_, O>
    where
        O: Operation + DeserializeOwned + Send + 'static,
    {
        On::new(&self.state.stubs)
    }

    /// The requests for `O` the mock answered with its stub, decoded, oldest first. Requests
    /// rejected by the signature checks or not decodable are not included.
    pub fn requests<O>(&self) -> Vec<O>
    where
        O: Operation + Clone + 'static,
    {
        self.state.stubs.requests::<O>()
    }

    /// HTTP requests received so far, whatever their answer.
    pub fn request_count(&self) -> u64 {
        self.state.requests.load(Ordering::Relaxed)
    }

    /// Stops accepting connections and waits for the server task to end.
    pub async fn shutdown(mut self) {
        let _ = self.shutdown.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for MockEndpoint {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}
