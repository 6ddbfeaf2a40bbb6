//! A connector wrapper that bounds the whole connection set-up (TCP and TLS) by the connect
//! timeout; hyper-util's own connect timeout covers only TCP.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// `inner`, failing with an `io::ErrorKind::TimedOut` error when connecting takes longer than
/// `limit`.
#[derive(Clone, Debug)]
pub(super) struct ConnectTimeout<C> {
    pub inner: C,
    pub limit: Duration,
}

impl<C> tower_service::Service<http::Uri> for ConnectTimeout<C>
where
    C: tower_service::Service<http::Uri>,
    C::Future: Send + 'static,
    C::Error: Into<BoxError>,
{
    type Response = C::Response;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<C::Response, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, uri: http::Uri) -> Self::Future {
        let connecting = self.inner.call(uri);
        let limit = self.limit;
        Box::pin(async move {
            match tokio::time::timeout(limit, connecting).await {
                Ok(connected) => connected.map_err(Into::into),
                Err(_) => Err(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    format!("connecting took longer than {} ms", limit.as_millis()),
                )
                .into()),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower_service::Service;

    /// A connector whose connections never complete.
    #[derive(Clone)]
    struct Never;

    impl Service<http::Uri> for Never {
        type Response = ();
        type Error = std::io::Error;
        type Future = std::future::Pending<Result<(), std::io::Error>>;

        fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), std::io::Error>> {
            Poll::Ready(Ok(()))
        }

        fn call(&mut self, _: http::Uri) -> Self::Future {
            std::future::pending()
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_connection_that_never_completes_times_out() {
        let mut connector = ConnectTimeout {
            inner: Never,
            limit: Duration::from_secs(3),
        };
        let started = tokio::time::Instant::now();
        let err = connector
            .call(http::Uri::from_static("https://example.com"))
            .await
            .unwrap_err();
        assert_eq!(started.elapsed(), Duration::from_secs(3));
        let io = err.downcast_ref::<std::io::Error>().unwrap();
        assert_eq!(io.kind(), std::io::ErrorKind::TimedOut);
        assert!(io.to_string().contains("3000 ms"), "{io}");
    }
}
