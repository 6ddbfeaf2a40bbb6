//! [`HttpTransport`] over reqwest (rustls by default).

use std::error::Error as _;
use std::time::Duration;

use async_trait::async_trait;
use futures_util::TryStreamExt;

use super::{HttpTransport, TransportSettings};
use crate::body::{ByteStream, RequestBody};
use crate::error::{Error, Result, TimeoutKind};

/// The default transport: a pooled reqwest client. Cheap to clone; clones share the pool.
#[derive(Clone, Debug)]
pub struct ReqwestTransport {
    client: reqwest::Client,
    timeouts: Timeouts,
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
        if let Some(read) = settings.read_timeout {
            builder = builder.read_timeout(read);
        }
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
        })
    }

    /// Uses a client you built (proxy, certificates, DNS as you like). Make sure it does not
    /// follow redirects if you rely on the SDK's error reporting for 3xx answers.
    pub fn from_client(client: reqwest::Client) -> Self {
        Self {
            client,
            timeouts: Timeouts::default(),
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
        let (parts, body) = request.into_parts();
        let length = body.content_length();
        let body = match body.to_bytes() {
            Some(bytes) => reqwest::Body::from(bytes),
            None => reqwest::Body::wrap_stream(body.into_stream().await?),
        };
        let mut request = http::Request::from_parts(parts, body);
        if let Some(len) = length {
            if !request.headers().contains_key(http::header::CONTENT_LENGTH) && len > 0 {
                request
                    .headers_mut()
                    .insert(http::header::CONTENT_LENGTH, http::HeaderValue::from(len));
            }
        }
        let request = reqwest::Request::try_from(request)
            .map_err(|e| Error::construction("invalid request").with_source(e))?;
        let mut response = self
            .client
            .execute(request)
            .await
            .map_err(|e| classify(e, self.timeouts))?;
        let status = response.status();
        let version = response.version();
        // Moved out, not cloned: the body stream below does not need them.
        let headers = std::mem::take(response.headers_mut());
        let timeouts = self.timeouts;
        let body = ByteStream::new(
            response
                .bytes_stream()
                .map_err(move |e| classify(e, timeouts)),
        );
        let mut out = http::Response::new(body);
        *out.status_mut() = status;
        *out.version_mut() = version;
        *out.headers_mut() = headers;
        Ok(out)
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
