//! [`HttpTransport`] straight over hyper-util's pooled HTTP/1.1 client, TLS by rustls, proxies
//! through hyper-util's matcher and `CONNECT` tunnel (see the `proxy` module).
//!
//! This is the default transport: the SDK needs none of the per-request layers of a
//! convenience client (URL parsing, a redirect layer even when redirects are off, default
//! header merging), so it sends through hyper-util's client directly.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use futures_util::Stream;
use http_body::{Body as _, Frame, SizeHint};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};

use super::connect_timeout::ConnectTimeout;
use super::failure::{Peer, Timeouts, hyper_errors, set_content_length};
use super::proxy::{Proxies, ProxyConnector};
use super::response_timer::{HeadFailure, ResponseTimer, UploadProgress};
use super::{HttpTransport, SendDeadline, TransportSettings};
use crate::body::{ByteStream, RequestBody};
use crate::error::{Error, Result, TimeoutKind};

/// A pooled hyper-util client. Cheap to clone; clones share the pool.
///
/// Proxies: [`TransportSettings::proxy`] (for every request, `user:password@` sent as
/// `Proxy-Authorization: Basic`), else `ALL_PROXY`, `HTTP_PROXY`, `HTTPS_PROXY` and `NO_PROXY`
/// (upper or lower case) as curl reads them. Plain `http` targets go through the proxy as
/// absolute-form requests; `https` targets through an HTTP `CONNECT` tunnel, TLS end to end.
#[derive(Clone, Debug)]
pub struct HyperTransport {
    client: Client<Connector, OutgoingBody>,
    timeouts: Timeouts,
    // `None` when no proxy is in play: requests then skip the proxy lookup.
    proxies: Option<Arc<Proxies>>,
}

/// Direct, forward-proxied or tunnelled, all within the connect timeout.
type Connector = ConnectTimeout<ProxyConnector>;

impl HyperTransport {
    /// Builds a client from `settings` and the process's proxy environment variables.
    /// Redirects are never followed (as in the official SDKs).
    pub fn new(settings: &TransportSettings) -> Result<Self> {
        Self::with_env(settings, |name| std::env::var_os(name))
    }

    /// [`new`](Self::new), reading the environment through `var`.
    pub(crate) fn with_env(
        settings: &TransportSettings,
        var: impl Fn(&str) -> Option<std::ffi::OsString>,
    ) -> Result<Self> {
        let mut http = HttpConnector::new();
        // `https` URIs go to the TLS layer above.
        http.enforce_http(false);
        // A request goes out at once, and a dead peer is noticed by keepalive probes and
        // unacknowledged data.
        http.set_nodelay(true);
        http.set_keepalive(Some(Duration::from_secs(15)));
        http.set_keepalive_interval(Some(Duration::from_secs(15)));
        http.set_keepalive_retries(Some(3));
        #[cfg(any(target_os = "android", target_os = "fuchsia", target_os = "linux"))]
        http.set_tcp_user_timeout(Some(Duration::from_secs(30)));
        let tls = super::tls::client_config(settings)?;
        let proxies = Proxies::from_settings(settings, Arc::new(tls.clone()), var)?.map(Arc::new);
        let direct = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        let connector = ConnectTimeout {
            inner: ProxyConnector {
                direct,
                proxies: proxies.clone(),
            },
            limit: settings.connect_timeout,
        };
        // Idle connections are closed after 90 s.
        let client = Client::builder(TokioExecutor::new())
            .pool_timer(TokioTimer::new())
            .pool_idle_timeout(Duration::from_secs(90))
            .pool_max_idle_per_host(settings.pool_max_idle_per_host)
            .build(connector);
        Ok(Self {
            client,
            timeouts: Timeouts::from_settings(settings),
            proxies,
        })
    }

    /// Hands `request` to the pool now and returns the wait for its response head, within the
    /// read timeout and `deadline`. Not an `async fn`: the request is consumed here, so the
    /// returned future holds only hyper-util's (boxed) response future and the timer, not the
    /// request beside them.
    fn exchange(
        &self,
        request: http::Request<OutgoingBody>,
        upload: Option<Arc<UploadProgress>>,
        deadline: Option<SendDeadline>,
    ) -> impl Future<Output = Result<http::Response<ByteStream>>> + Send + 'static {
        let peer = Peer::of(request.uri());
        let timeouts = self.timeouts.for_request(request.extensions());
        let sent = self.client.request(request);
        let mut timer = ResponseTimer::new(timeouts.read).with_upload(upload);
        async move {
            let response = timer
                .head(sent, deadline)
                .await
                .map_err(|failure| match failure {
                    HeadFailure::Http(e) => hyper_errors::request(e, timeouts, &peer),
                    HeadFailure::Silence => {
                        Error::timeout(TimeoutKind::Read, timeouts.read_limit())
                    }
                    HeadFailure::Deadline(d) => Error::timeout(d.kind, d.limit),
                })?;
            let (parts, incoming) = response.into_parts();
            let body = ByteStream::new(IncomingStream {
                inner: incoming,
                timer,
                done: false,
                peer,
            });
            Ok(http::Response::from_parts(parts, body))
        }
    }

    /// The request as hyper sends it: `Content-Length` set for a known length, the proxy's
    /// credentials added for a forward-proxied `http` target.
    fn outgoing_parts(&self, parts: &mut http::request::Parts, length: Option<u64>) {
        set_content_length(&mut parts.headers, length);
        if let Some(proxies) = &self.proxies {
            if let Some(auth) = proxies.forward_authorization(&parts.uri) {
                parts
                    .headers
                    .entry(http::header::PROXY_AUTHORIZATION)
                    .or_insert(auth);
            }
        }
    }

    /// Sends a request whose body is a file or a stream: the body is opened first, and its
    /// progress keeps the head's silence from counting while it is still being sent.
    async fn send_streamed(
        &self,
        mut parts: http::request::Parts,
        body: RequestBody,
        deadline: Option<SendDeadline>,
    ) -> Result<http::Response<ByteStream>> {
        let length = body.content_length();
        self.outgoing_parts(&mut parts, length);
        let (progress, stream) = UploadProgress::track(body.into_stream().await?);
        let body = OutgoingBody::Stream { stream, length };
        self.exchange(
            http::Request::from_parts(parts, body),
            Some(progress),
            deadline,
        )
        .await
    }
}

/// What [`HttpTransport::send_within`] returns.
type Sending<'a> = Pin<Box<dyn Future<Output = Result<http::Response<ByteStream>>> + Send + 'a>>;

#[async_trait]
impl HttpTransport for HyperTransport {
    async fn send(
        &self,
        request: http::Request<RequestBody>,
    ) -> Result<http::Response<ByteStream>> {
        self.send_within(request, None).await
    }

    // Written out rather than as an `async fn`: a body held in memory is handed to the pool
    // before this returns, so the boxed future is only the wait for the answer (a few hundred
    // bytes, not the request and every step's state). The deadline shares the read timeout's
    // timer (see `ResponseTimer`).
    fn send_within<'life0, 'async_trait>(
        &'life0 self,
        request: http::Request<RequestBody>,
        deadline: Option<SendDeadline>,
    ) -> Sending<'async_trait>
    where
        'life0: 'async_trait,
        Self: 'async_trait,
    {
        let (mut parts, body) = request.into_parts();
        match body.to_bytes() {
            Some(bytes) => {
                self.outgoing_parts(&mut parts, Some(bytes.len() as u64));
                let body = OutgoingBody::Bytes(Some(bytes).filter(|b| !b.is_empty()));
                Box::pin(self.exchange(http::Request::from_parts(parts, body), None, deadline))
            }
            None => Box::pin(self.send_streamed(parts, body, deadline)),
        }
    }
}

/// A request body as hyper sends it: bytes in one frame, or a stream of chunks.
pub(super) enum OutgoingBody {
    /// Taken when sent; `None` for an empty body.
    Bytes(Option<Bytes>),
    Stream {
        stream: ByteStream,
        length: Option<u64>,
    },
}

impl http_body::Body for OutgoingBody {
    type Data = Bytes;
    type Error = Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>>>> {
        match self.get_mut() {
            Self::Bytes(bytes) => Poll::Ready(bytes.take().map(|b| Ok(Frame::data(b)))),
            Self::Stream { stream, .. } => Pin::new(stream)
                .poll_next(cx)
                .map(|item| item.map(|chunk| chunk.map(Frame::data))),
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self, Self::Bytes(None))
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            Self::Bytes(bytes) => {
                SizeHint::with_exact(bytes.as_ref().map_or(0, |b| b.len() as u64))
            }
            Self::Stream {
                length: Some(len), ..
            } => SizeHint::with_exact(*len),
            Self::Stream { length: None, .. } => SizeHint::default(),
        }
    }
}

/// The response body: hyper's data frames, errors mapped, silences bounded by the read
/// timeout.
struct IncomingStream {
    inner: hyper::body::Incoming,
    timer: ResponseTimer,
    done: bool,
    /// Named if reading fails.
    peer: Peer,
}

impl Stream for IncomingStream {
    type Item = Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if this.done {
                return Poll::Ready(None);
            }
            match Pin::new(&mut this.inner).poll_frame(cx) {
                Poll::Ready(None) => {
                    this.done = true;
                    return Poll::Ready(None);
                }
                Poll::Ready(Some(Ok(frame))) => {
                    this.timer.chunk_received();
                    match frame.into_data() {
                        Ok(data) => return Poll::Ready(Some(Ok(data))),
                        // Trailers carry nothing the SDK reads.
                        Err(_) => continue,
                    }
                }
                Poll::Ready(Some(Err(e))) => {
                    this.done = true;
                    return Poll::Ready(Some(Err(hyper_errors::body(e, &this.peer))));
                }
                Poll::Pending => {}
            }
            let limit = this.timer.read_limit().unwrap_or_default();
            return this.timer.poll_silence(cx).map(|()| {
                this.done = true;
                Some(Err(Error::timeout(TimeoutKind::Read, limit)))
            });
        }
    }
}
