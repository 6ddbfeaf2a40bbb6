//! [`HttpTransport`] over reqwest (feature `reqwest`): for your own `reqwest::Client`, or the
//! platform's TLS stack (feature `native-tls`).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use async_trait::async_trait;
use bytes::Bytes;
use futures_util::Stream;

use super::base_urls::BaseUrls;
use super::failure::reqwest_errors::classify;
use super::failure::{Peer, Timeouts, set_content_length};
use super::response_timer::{HeadFailure, ResponseTimer, UploadProgress};
use super::{HttpTransport, SendDeadline, TransportSettings};
use crate::body::{ByteStream, RequestBody};
use crate::error::{Error, Result, TimeoutKind};

/// A pooled reqwest client. Cheap to clone; clones share the pool. Proxies are reqwest's: the
/// configured one, else the `HTTP_PROXY`/`HTTPS_PROXY`/`ALL_PROXY`/`NO_PROXY` variables.
#[derive(Clone, Debug)]
pub struct ReqwestTransport {
    client: reqwest::Client,
    // The read timeout is enforced here rather than by reqwest (see `ResponseTimer`); both
    // are unset for a client handed in, which enforces its own.
    timeouts: Timeouts,
    // Shared by clones, like the pool.
    base_urls: Arc<BaseUrls>,
}

impl ReqwestTransport {
    /// Builds a client from `settings`. Redirects are never followed (as in the official SDKs).
    pub fn new(settings: &TransportSettings) -> Result<Self> {
        Self::build(settings, true)
    }

    /// [`new`](Self::new); without `env_proxies` the proxy environment variables are ignored.
    pub(crate) fn build(settings: &TransportSettings, env_proxies: bool) -> Result<Self> {
        let mut builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(settings.connect_timeout)
            .pool_max_idle_per_host(settings.pool_max_idle_per_host);
        // No `builder.read_timeout`: reqwest arms a fresh timer before every poll of the
        // response and of each body frame, ready or not (three to four timer registrations per
        // small request, each taking the timer driver's lock and often waking its thread).
        // `send` enforces the same limit with one timer per request.
        if let Some(proxy) = &settings.proxy {
            // The URL may hold a password: keep it out of the error message.
            let proxy = reqwest::Proxy::all(proxy.as_str()).map_err(|e| {
                Error::construction("invalid proxy URL").with_source(e.without_url())
            })?;
            builder = builder.proxy(proxy);
        }
        if !env_proxies && settings.proxy.is_none() {
            builder = builder.no_proxy();
        }
        builder = with_tls(builder, settings)?;
        let client = builder
            .build()
            .map_err(|e| Error::construction("cannot build the HTTP client").with_source(e))?;
        Ok(Self {
            client,
            timeouts: Timeouts::from_settings(settings),
            base_urls: Arc::default(),
        })
    }

    /// Uses a client you built (proxy, certificates, DNS as you like). Make sure it does not
    /// follow redirects if you rely on the SDK's error reporting for 3xx answers.
    pub fn from_client(client: reqwest::Client) -> Self {
        Self {
            client,
            timeouts: Timeouts::default(),
            base_urls: Arc::default(),
        }
    }

    /// The underlying reqwest client.
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }
}

#[async_trait]
impl HttpTransport for ReqwestTransport {
    async fn send(
        &self,
        request: http::Request<RequestBody>,
    ) -> Result<http::Response<ByteStream>> {
        self.send_within(request, None).await
    }

    // The deadline shares the read timeout's timer (see `ResponseTimer`).
    async fn send_within(
        &self,
        request: http::Request<RequestBody>,
        deadline: Option<SendDeadline>,
    ) -> Result<http::Response<ByteStream>> {
        let (parts, body) = request.into_parts();
        let length = body.content_length();
        let peer = Peer::of(&parts.uri);
        let timeouts = self.timeouts.for_request(&parts.extensions);
        match body.to_bytes() {
            Some(bytes) => {
                self.exchange(
                    self.request(parts, bytes.into(), length),
                    None,
                    deadline,
                    (peer, timeouts),
                )
                .await
            }
            // A file or stream body is opened first; its progress keeps the head's silence
            // from counting while it is still being sent.
            None => {
                let (progress, stream) = UploadProgress::track(body.into_stream().await?);
                let body = reqwest::Body::wrap_stream(stream);
                self.exchange(
                    self.request(parts, body, length),
                    Some(progress),
                    deadline,
                    (peer, timeouts),
                )
                .await
            }
        }
    }
}

impl ReqwestTransport {
    /// The reqwest request for `parts` and `body`.
    fn request(
        &self,
        parts: http::request::Parts,
        body: reqwest::Body,
        length: Option<u64>,
    ) -> Result<reqwest::Request> {
        let url = self
            .base_urls
            .url(&parts.uri)
            .ok_or_else(|| Error::construction("the request URI is not a valid URL"))?;
        let mut request = reqwest::Request::new(parts.method, url);
        *request.version_mut() = parts.version;
        *request.headers_mut() = parts.headers;
        set_content_length(request.headers_mut(), length);
        *request.body_mut() = Some(body);
        Ok(request)
    }

    /// Sends `request` (started now) and waits for the response head within the read timeout
    /// and `deadline`.
    fn exchange(
        &self,
        request: Result<reqwest::Request>,
        upload: Option<Arc<UploadProgress>>,
        deadline: Option<SendDeadline>,
        (peer, timeouts): (Peer, Timeouts),
    ) -> impl Future<Output = Result<http::Response<ByteStream>>> + Send + use<'_> {
        let execute = request.map(|request| self.client.execute(request));
        async move {
            let execute = execute?;
            let mut timer = ResponseTimer::new(timeouts.read).with_upload(upload);
            let mut response =
                timer
                    .head(execute, deadline)
                    .await
                    .map_err(|failure| match failure {
                        HeadFailure::Http(e) => classify(e, timeouts, &peer),
                        HeadFailure::Silence => {
                            Error::timeout(TimeoutKind::Read, timeouts.read_limit())
                        }
                        HeadFailure::Deadline(d) => Error::timeout(d.kind, d.limit),
                    })?;
            let status = response.status();
            let version = response.version();
            // Moved out, not cloned: the body stream below does not need them.
            let headers = std::mem::take(response.headers_mut());
            let body = ByteStream::new(Body {
                inner: response.bytes_stream(),
                timeouts,
                timer,
                done: false,
                peer,
            });
            let mut out = http::Response::new(body);
            *out.status_mut() = status;
            *out.version_mut() = version;
            *out.headers_mut() = headers;
            Ok(out)
        }
    }
}

/// The response body: reqwest's chunks, errors mapped, silences bounded by the read timeout.
struct Body<S> {
    inner: S,
    timeouts: Timeouts,
    timer: ResponseTimer,
    done: bool,
    /// Named if reading fails (reqwest's body errors do not say where from).
    peer: Peer,
}

impl<S> Stream for Body<S>
where
    S: Stream<Item = reqwest::Result<Bytes>> + Unpin,
{
    type Item = Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if this.done {
            return Poll::Ready(None);
        }
        if let Poll::Ready(item) = Pin::new(&mut this.inner).poll_next(cx) {
            this.timer.chunk_received();
            let timeouts = this.timeouts;
            let peer = &this.peer;
            return Poll::Ready(item.map(|r| r.map_err(|e| classify(e, timeouts, peer))));
        }
        let limit = this.timer.read_limit().unwrap_or_default();
        this.timer.poll_silence(cx).map(|()| {
            this.done = true;
            Some(Err(Error::timeout(TimeoutKind::Read, limit)))
        })
    }
}

/// The TLS trust of `settings`: extra roots, or no checks with the insecure opt-in.
#[cfg(any(feature = "rustls", feature = "native-tls"))]
fn with_tls(
    mut builder: reqwest::ClientBuilder,
    settings: &TransportSettings,
) -> Result<reqwest::ClientBuilder> {
    builder = builder.danger_accept_invalid_certs(settings.danger_accept_invalid_certs);
    for pem in &settings.root_certificates_pem {
        // reqwest accepts PEM text holding no certificate at all; a CA the user meant to
        // trust must not be dropped silently, so require at least one.
        let certs = reqwest::Certificate::from_pem_bundle(pem)
            .map_err(|e| Error::construction("invalid root certificate PEM").with_source(e))?;
        if certs.is_empty() {
            return Err(Error::construction(
                "root certificate PEM holds no certificate (expected -----BEGIN CERTIFICATE-----)",
            ));
        }
        for cert in certs {
            builder = builder.add_root_certificate(cert);
        }
    }
    Ok(builder)
}

/// Without a TLS feature the client speaks plain HTTP only: TLS settings cannot apply.
#[cfg(not(any(feature = "rustls", feature = "native-tls")))]
fn with_tls(
    builder: reqwest::ClientBuilder,
    settings: &TransportSettings,
) -> Result<reqwest::ClientBuilder> {
    if settings.danger_accept_invalid_certs || !settings.root_certificates_pem.is_empty() {
        return Err(Error::construction(
            "TLS settings need a TLS feature (`rustls` or `native-tls`)",
        ));
    }
    Ok(builder)
}
