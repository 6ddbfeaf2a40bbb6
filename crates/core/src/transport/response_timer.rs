//! One timer for one response: while the head is awaited, the earlier of the read timeout
//! (the silence since the request) and the attempt's deadline; while body chunks are awaited,
//! the read timeout alone (a download may take longer than any attempt deadline).
//!
//! The `Sleep` is made the first time something is not ready, then moved (`reset`, which for
//! a later instant does not take the timer driver's lock) each time waiting starts again.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::time::{Instant, Sleep};

use super::SendDeadline;

pub(super) struct ResponseTimer {
    sleep: Option<Pin<Box<Sleep>>>,
    read_limit: Option<Duration>,
    // True while waiting: the sleep's instant is the end of the current wait.
    waiting: bool,
}

/// Why the response head did not come.
pub(super) enum HeadFailure<E> {
    Http(E),
    /// Silence longer than the read timeout.
    Silence,
    /// The attempt's deadline passed.
    Deadline(SendDeadline),
}

impl ResponseTimer {
    pub fn new(read_limit: Option<Duration>) -> Self {
        Self {
            sleep: None,
            read_limit,
            waiting: false,
        }
    }

    pub fn read_limit(&self) -> Option<Duration> {
        self.read_limit
    }

    /// Polled after the head or a chunk was not ready: `Ready` when the wait has lasted until
    /// the read timeout (or `deadline`). Never ready when there is no limit at all.
    fn poll_expired(&mut self, cx: &mut Context<'_>, deadline: Option<Instant>) -> Poll<()> {
        if !self.waiting {
            self.waiting = true;
            let silence_end = self.read_limit.and_then(|l| Instant::now().checked_add(l));
            let at = match (silence_end, deadline) {
                (Some(a), Some(b)) => a.min(b),
                (Some(at), None) | (None, Some(at)) => at,
                (None, None) => {
                    self.sleep = None;
                    return Poll::Pending;
                }
            };
            match &mut self.sleep {
                Some(sleep) => sleep.as_mut().reset(at),
                None => self.sleep = Some(Box::pin(tokio::time::sleep_until(at))),
            }
        }
        match &mut self.sleep {
            Some(sleep) => sleep.as_mut().poll(cx),
            None => Poll::Pending,
        }
    }

    /// Awaits the response head within the read timeout and `deadline`.
    pub async fn head<F, T, E>(
        &mut self,
        future: F,
        deadline: Option<SendDeadline>,
    ) -> Result<T, HeadFailure<E>>
    where
        F: Future<Output = Result<T, E>>,
    {
        let mut future = std::pin::pin!(future);
        let at = deadline.map(|d| d.at);
        let result = std::future::poll_fn(|cx| {
            // The response first: a ready answer is never lost to an expired timer.
            if let Poll::Ready(result) = future.as_mut().poll(cx) {
                return Poll::Ready(result.map_err(HeadFailure::Http));
            }
            self.poll_expired(cx, at).map(|()| {
                // The deadline when it came first (it is not later than the silence's end).
                match deadline {
                    Some(d) if Instant::now() >= d.at => Err(HeadFailure::Deadline(d)),
                    _ => Err(HeadFailure::Silence),
                }
            })
        })
        .await;
        self.waiting = false;
        result
    }

    /// For a body stream: marks a chunk as received.
    pub fn chunk_received(&mut self) {
        self.waiting = false;
    }

    /// For a body stream whose next chunk is not ready: `Ready` when the silence has lasted
    /// the read timeout.
    pub fn poll_silence(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        self.poll_expired(cx, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::TimeoutKind;

    fn never() -> impl Future<Output = reqwest::Result<reqwest::Response>> {
        std::future::pending()
    }

    #[tokio::test(start_paused = true)]
    async fn the_earlier_of_silence_and_deadline_ends_the_head_wait() {
        let start = Instant::now();
        let deadline = SendDeadline {
            at: start + Duration::from_secs(3),
            kind: TimeoutKind::Attempt,
            limit: Duration::from_secs(3),
        };
        let mut timer = ResponseTimer::new(Some(Duration::from_secs(5)));
        let failure = timer.head(never(), Some(deadline)).await.err().unwrap();
        assert!(matches!(failure, HeadFailure::Deadline(d) if d.kind == TimeoutKind::Attempt));
        assert_eq!(Instant::now(), start + Duration::from_secs(3));

        let start = Instant::now();
        let later = SendDeadline {
            at: start + Duration::from_secs(9),
            ..deadline
        };
        let mut timer = ResponseTimer::new(Some(Duration::from_secs(5)));
        let failure = timer.head(never(), Some(later)).await.err().unwrap();
        assert!(matches!(failure, HeadFailure::Silence));
        assert_eq!(Instant::now(), start + Duration::from_secs(5));

        let start = Instant::now();
        let mut timer = ResponseTimer::new(None);
        let only_deadline = SendDeadline {
            at: start + Duration::from_secs(2),
            ..deadline
        };
        let failure = timer
            .head(never(), Some(only_deadline))
            .await
            .err()
            .unwrap();
        assert!(matches!(failure, HeadFailure::Deadline(_)));
        assert_eq!(Instant::now(), start + Duration::from_secs(2));
    }

    #[tokio::test(start_paused = true)]
    async fn body_silences_use_the_read_timeout_alone() {
        let mut timer = ResponseTimer::new(Some(Duration::from_secs(4)));
        let start = Instant::now();
        std::future::poll_fn(|cx| timer.poll_silence(cx)).await;
        assert_eq!(Instant::now(), start + Duration::from_secs(4));
        timer.chunk_received();
        let start = Instant::now();
        std::future::poll_fn(|cx| timer.poll_silence(cx)).await;
        assert_eq!(Instant::now(), start + Duration::from_secs(4));
    }
}
