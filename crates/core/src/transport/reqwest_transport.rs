//! [`HttpTransport`] over reqwest (rustls by default).

use std::error::Error as _;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures_util::Stream;
use tokio::time::Sleep;

use super::base_urls::BaseUrls;
use super::{HttpTransport, TransportSettings};
use crate::body::{ByteStream, RequestBody};
use crate::error::{Error, Result, TimeoutKind};

/// The default transport: a pooled reqwest client. Cheap to clone; clones share the pool.
#[derive(Clone, Debug)]
pub struct ReqwestTransport {
    client: reqwest::Client,
    timeouts: Timeouts,
    // The read timeout, enforced here rather than by reqwest (see `ReadTimeout`); `None` for a
    // client handed in, which enforces its own.
    read_timeout: Option<Duration>,
    // Shared by clones, like the pool.
    base_urls: Arc<BaseUrls>,
}

/// The limits the client enforces itself, kept to report which one fired.
#[derive(Clone, Copy, Debug, Default)]
struct Timeouts {
    connect: Duration,
    read: Duration,
}

impl ReqwestTransport {
    /// Builds a client from `settings`. Redirects are never followed (as in the official SDKs).
    pub fn new(settings: &TransportSettings) -> Result<Self> {
        let mut builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(settings.connect_timeout)
            .pool_max_idle_per_host(settings.pool_max_idle_per_host)
            .danger_accept_invalid_certs(settings.danger_accept_invalid_certs);
        // No `builder.read_timeout`: reqwest arms a fresh timer before every poll of the
        // response and of each body frame, ready or not (three to four timer registrations per
        // small request, each taking the timer driver's lock and often waking its thread).
        // `send` enforces the same limit with one timer per request.
        if let Some(proxy) = &settings.proxy {
            // The URL may hold a password: keep it out of the error message.
            let proxy = reqwest::Proxy::all(proxy.as_str())
                .map_err(|e| Error::construction("invalid proxy URL").with_source(e))?;
            builder = builder.proxy(proxy);
        }
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
        let client = builder
            .build()
            .map_err(|e| Error::construction("cannot build the HTTP client").with_source(e))?;
        Ok(Self {
            client,
            timeouts: Timeouts {
                connect: settings.connect_timeout,
                read: settings.read_timeout.unwrap_or_default(),
            },
            read_timeout: settings.read_timeout,
            base_urls: Arc::default(),
        })
    }

    /// Uses a client you built (proxy, certificates, DNS as you like). Make sure it does not
    /// follow redirects if you rely on the SDK's error reporting for 3xx answers.
    pub fn from_client(client: reqwest::Client) -> Self {
        Self {
            client,
            timeouts: Timeouts::default(),
            read_timeout: None,
            base_urls: Arc::default(),
        }
    }

    /// The underlying reqwest client.
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }
}

// Implemented by hand rather than through `#[async_trait]`, whose boxed future would hold the
// request (and its conversion) for the whole exchange: here the request is converted before
// the future is made, so the box (one per request) holds only the exchange's state and stays
// small enough for the allocator's fast path.
impl HttpTransport for ReqwestTransport {
    fn send<'life0, 'async_trait>(
        &'life0 self,
        request: http::Request<RequestBody>,
    ) -> Pin<Box<dyn Future<Output = Result<http::Response<ByteStream>>> + Send + 'async_trait>>
    where
        'life0: 'async_trait,
        Self: 'async_trait,
    {
        let (parts, body) = request.into_parts();
        let length = body.content_length();
        match body.to_bytes() {
            Some(bytes) => Box::pin(self.exchange(self.request(parts, bytes.into(), length))),
            // A file or stream body is opened first.
            None => Box::pin(async move {
                let stream = body.into_stream().await?;
                let body = reqwest::Body::wrap_stream(stream);
                self.exchange(self.request(parts, body, length)).await
            }),
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
        if let Some(len) = length {
            if !request.headers().contains_key(http::header::CONTENT_LENGTH) && len > 0 {
                request
                    .headers_mut()
                    .insert(http::header::CONTENT_LENGTH, http::HeaderValue::from(len));
            }
        }
        *request.body_mut() = Some(body);
        Ok(request)
    }

    /// Sends `request` (started now) and waits for the response head within the read timeout.
    fn exchange(
        &self,
        request: Result<reqwest::Request>,
    ) -> impl Future<Output = Result<http::Response<ByteStream>>> + Send + use<'_> {
        let execute = request.map(|request| self.client.execute(request));
        async move {
            let execute = execute?;
            let mut read_timeout = self.read_timeout.map(ReadTimeout::new);
            let mut response = match &mut read_timeout {
                Some(timeout) => timeout.bound(execute).await,
                None => execute.await.map_err(Some),
            }
            .map_err(|e| match e {
                Some(e) => classify(e, self.timeouts),
                None => Error::timeout(TimeoutKind::Read, self.timeouts.read),
            })?;
            let status = response.status();
            let version = response.version();
            // Moved out, not cloned: the body stream below does not need them.
            let headers = std::mem::take(response.headers_mut());
            let timeouts = self.timeouts;
            let body = ByteStream::new(Body {
                inner: response.bytes_stream(),
                timeouts,
                read_timeout,
                done: false,
            });
            let mut out = http::Response::new(body);
            *out.status_mut() = status;
            *out.version_mut() = version;
            *out.headers_mut() = headers;
            Ok(out)
        }
    }
}

/// The read timeout: the longest silence allowed while waiting for the response head or for a
/// body chunk. One `Sleep` serves the whole response: it is armed only when the response is not
/// ready when polled, and moved forward (`reset`, which for a later instant does not touch the
/// timer driver's lock) each time waiting starts again.
struct ReadTimeout {
    sleep: Pin<Box<Sleep>>,
    limit: Duration,
    // True while waiting: the sleep's instant is the end of the current silence.
    waiting: bool,
}

impl ReadTimeout {
    fn new(limit: Duration) -> Self {
        Self {
            sleep: Box::pin(tokio::time::sleep(limit)),
            limit,
            // The head's silence starts with the request, as with reqwest's own read timeout.
            waiting: true,
        }
    }

    /// Polled after the inner future or stream returned `Pending`: `Ready` when the silence has
    /// lasted the limit.
    fn poll_expired(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        if !self.waiting {
            self.waiting = true;
            let at = tokio::time::Instant::now()
                .checked_add(self.limit)
                .unwrap_or_else(|| self.sleep.deadline());
            self.sleep.as_mut().reset(at);
        }
        self.sleep.as_mut().poll(cx)
    }

    /// Awaits the response head within the limit; `Err(None)` when the limit passed.
    async fn bound<F>(
        &mut self,
        future: F,
    ) -> std::result::Result<reqwest::Response, Option<reqwest::Error>>
    where
        F: Future<Output = reqwest::Result<reqwest::Response>>,
    {
        let mut future = std::pin::pin!(future);
        let result = std::future::poll_fn(|cx| {
            // The response first: a ready answer is never lost to an expired timer.
            if let Poll::Ready(result) = future.as_mut().poll(cx) {
                return Poll::Ready(result.map_err(Some));
            }
            self.poll_expired(cx).map(|()| Err(None))
        })
        .await;
        self.waiting = false;
        result
    }
}

/// The response body: reqwest's chunks, errors mapped, silences bounded by the read timeout.
struct Body<S> {
    inner: S,
    timeouts: Timeouts,
    read_timeout: Option<ReadTimeout>,
    done: bool,
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
            if let Some(timeout) = &mut this.read_timeout {
                timeout.waiting = false;
            }
            let timeouts = this.timeouts;
            return Poll::Ready(item.map(|r| r.map_err(|e| classify(e, timeouts))));
        }
        match &mut this.read_timeout {
            Some(timeout) => timeout.poll_expired(cx).map(|()| {
                this.done = true;
                Some(Err(Error::timeout(TimeoutKind::Read, timeout.limit)))
            }),
            None => Poll::Pending,
        }
    }
}

/// Maps a reqwest error onto the SDK's kinds, keeping the cause chain as the message.
fn classify(error: reqwest::Error, timeouts: Timeouts) -> Error {
    if error.is_timeout() {
        return if error.is_connect() {
            Error::timeout(TimeoutKind::Connect, timeouts.connect)
        } else {
            // reqwest's only other timer is its whole-request timeout, which this transport
            // never sets (the executor owns attempt and total timeouts).
            Error::timeout(TimeoutKind::Read, timeouts.read)
        }
        .with_source(error);
    }
    let connect = error.is_connect();
    let mut message = String::from(if connect {
        "connection failed"
    } else if error.is_body() || error.is_decode() {
        "reading the response body failed"
    } else {
        "request failed"
    });
    let mut cause = error.source();
    while let Some(c) = cause {
        message.push_str(": ");
        message.push_str(&c.to_string());
        cause = c.source();
    }
    Error::transport(message, connect)
}
