//! One timer for one response: while the head is awaited, the earlier of the read timeout
//! (the silence since the request, or since its body last moved) and the attempt's deadline;
//! while body chunks are awaited, the read timeout alone (a download may take longer than any
//! attempt deadline).
//!
//! The head's `Sleep` lives in the head wait's own future (no allocation); the body's is made
//! the first time a chunk is not ready, then moved (`reset`, which for a later instant does not
//! take the timer driver's lock) each time waiting starts again. A small body usually comes
//! with its head, so most responses never make the second one.
//!
//! A streamed request body reports each chunk the connection takes ([`UploadProgress`]): an
//! upload that keeps moving is not silence, however long it takes, so the head's silence counts
//! from the last chunk sent. The timer looks at that only when it fires, so a request pays one
//! atomic store per body chunk and nothing per poll.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures_util::Stream;
use tokio::time::{Instant, Sleep};

use super::SendDeadline;
use crate::body::ByteStream;
use crate::error::Result;

pub(super) struct ResponseTimer {
    // The body's sleep, boxed once a chunk was not ready (the head's is in `head`'s future).
    body_sleep: Option<Pin<Box<Option<Sleep>>>>,
    read_limit: Option<Duration>,
    // True while waiting: the sleep's instant is the end of the current wait.
    waiting: bool,
    // The request body's progress, for a streamed body.
    upload: Option<Arc<UploadProgress>>,
}

/// When a streamed request body last handed a chunk to the connection.
#[derive(Debug)]
pub(super) struct UploadProgress {
    start: Instant,
    // Nanoseconds after `start`; 0 until the first chunk.
    last_nanos: AtomicU64,
}

impl UploadProgress {
    /// Progress starting now, and `body` wrapped to report to it.
    pub fn track(body: ByteStream) -> (Arc<Self>, ByteStream) {
        let progress = Arc::new(Self {
            start: Instant::now(),
            last_nanos: AtomicU64::new(0),
        });
        let tracked = Tracked {
            inner: body,
            progress: Arc::clone(&progress),
        };
        (progress, ByteStream::new(tracked))
    }

    fn record(&self) {
        let nanos = u64::try_from(self.start.elapsed().as_nanos()).unwrap_or(u64::MAX);
        self.last_nanos.store(nanos, Ordering::Relaxed);
    }

    /// The instant of the last chunk (the start before the first).
    fn last(&self) -> Instant {
        let nanos = self.last_nanos.load(Ordering::Relaxed);
        self.start
            .checked_add(Duration::from_nanos(nanos))
            .unwrap_or(self.start)
    }
}

/// A request body that records each chunk (and its end) as progress.
struct Tracked {
    inner: ByteStream,
    progress: Arc<UploadProgress>,
}

impl Stream for Tracked {
    type Item = Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let polled = Pin::new(&mut self.inner).poll_next(cx);
        if polled.is_ready() {
            self.progress.record();
        }
        polled
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
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
            body_sleep: None,
            read_limit,
            waiting: false,
            upload: None,
        }
    }

    /// Counts the head's silence from the last chunk of a streamed request body.
    pub fn with_upload(mut self, upload: Option<Arc<UploadProgress>>) -> Self {
        self.upload = upload;
        self
    }

    pub fn read_limit(&self) -> Option<Duration> {
        self.read_limit
    }

    /// Polled after the head or a chunk was not ready, with the wait's `slot` for its sleep:
    /// `Ready` when the wait has lasted until the read timeout (or `deadline`); never ready
    /// when there is no limit at all. A streamed request body that moved since the wait began
    /// pushes the silence's end to a read timeout after its last chunk.
    fn poll_wait(
        &mut self,
        mut slot: Pin<&mut Option<Sleep>>,
        cx: &mut Context<'_>,
        deadline: Option<Instant>,
    ) -> Poll<()> {
        if !self.waiting {
            self.waiting = true;
            let silence_end = self.read_limit.and_then(|l| Instant::now().checked_add(l));
            let end = match (silence_end, deadline) {
                (Some(a), Some(b)) => a.min(b),
                (Some(at), None) | (None, Some(at)) => at,
                (None, None) => return Poll::Pending,
            };
            match slot.as_mut().as_pin_mut() {
                Some(sleep) => sleep.reset(end),
                None => slot.set(Some(tokio::time::sleep_until(end))),
            }
        }
        let Some(mut sleep) = slot.as_pin_mut() else {
            return Poll::Pending;
        };
        loop {
            if sleep.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
            let (Some(limit), Some(progress)) = (self.read_limit, &self.upload) else {
                return Poll::Ready(());
            };
            let Some(silence_end) = progress.last().checked_add(limit) else {
                return Poll::Ready(());
            };
            let at = deadline.map_or(silence_end, |d| d.min(silence_end));
            if at <= sleep.deadline() {
                return Poll::Ready(());
            }
            sleep.as_mut().reset(at);
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
        let mut sleep = std::pin::pin!(None::<Sleep>);
        let at = deadline.map(|d| d.at);
        let result = std::future::poll_fn(|cx| {
            // The response first: a ready answer is never lost to an expired timer.
            if let Poll::Ready(result) = future.as_mut().poll(cx) {
                return Poll::Ready(result.map_err(HeadFailure::Http));
            }
            self.poll_wait(sleep.as_mut(), cx, at).map(|()| {
                // The deadline when it came first (it is not later than the silence's end).
                match deadline {
                    Some(d) if Instant::now() >= d.at => Err(HeadFailure::Deadline(d)),
                    _ => Err(HeadFailure::Silence),
                }
            })
        })
        .await;
        self.waiting = false;
        // Reading the response body is bounded by its own silences alone.
        self.upload = None;
        result
    }

    /// For a body stream: marks a chunk as received.
    pub fn chunk_received(&mut self) {
        self.waiting = false;
    }

    /// For a body stream whose next chunk is not ready: `Ready` when the silence has lasted
    /// the read timeout.
    pub fn poll_silence(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        // Taken out while it is polled: the box keeps the sleep where it was registered.
        let mut slot = self.body_sleep.take().unwrap_or_else(|| Box::pin(None));
        let polled = self.poll_wait(slot.as_mut(), cx, None);
        self.body_sleep = Some(slot);
        polled
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::TimeoutKind;

    fn never() -> impl Future<Output = std::result::Result<(), std::io::Error>> {
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
    async fn an_upload_that_keeps_moving_is_not_silence() {
        let start = Instant::now();
        // A body yielding a chunk every 400 ms for 4 s, against a read timeout of 1 s.
        let chunks = futures_util::stream::unfold(0u32, |n| async move {
            if n == 10 {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(400)).await;
            Some((Ok(Bytes::from_static(b"chunk")), n + 1))
        });
        let (progress, mut body) = UploadProgress::track(ByteStream::new(chunks));
        let drain = async move {
            use futures_util::StreamExt;
            while body.next().await.is_some() {}
            std::future::pending::<std::result::Result<(), std::io::Error>>().await
        };
        let mut timer =
            ResponseTimer::new(Some(Duration::from_secs(1))).with_upload(Some(progress));
        let failure = timer.head(drain, None).await.err().unwrap();
        assert!(matches!(failure, HeadFailure::Silence));
        // Silence from the last chunk (at 4 s), not from the start.
        assert_eq!(Instant::now(), start + Duration::from_secs(5));

        // Without progress the same wait ends a read timeout after it began.
        let start = Instant::now();
        let mut timer = ResponseTimer::new(Some(Duration::from_secs(1)));
        let failure = timer.head(never(), None).await.err().unwrap();
        assert!(matches!(failure, HeadFailure::Silence));
        assert_eq!(Instant::now(), start + Duration::from_secs(1));
    }

    #[tokio::test(start_paused = true)]
    async fn the_deadline_still_ends_a_moving_upload() {
        let start = Instant::now();
        let chunks = futures_util::stream::unfold((), |()| async move {
            tokio::time::sleep(Duration::from_millis(300)).await;
            Some((Ok(Bytes::from_static(b"chunk")), ()))
        });
        let (progress, mut body) = UploadProgress::track(ByteStream::new(chunks));
        let drain = async move {
            use futures_util::StreamExt;
            while body.next().await.is_some() {}
            Ok::<(), std::io::Error>(())
        };
        let deadline = SendDeadline::new(
            start + Duration::from_secs(3),
            TimeoutKind::Attempt,
            Duration::from_secs(3),
        );
        let mut timer =
            ResponseTimer::new(Some(Duration::from_secs(1))).with_upload(Some(progress));
        let failure = timer.head(drain, Some(deadline)).await.err().unwrap();
        assert!(matches!(failure, HeadFailure::Deadline(_)));
        assert_eq!(Instant::now(), start + Duration::from_secs(3));
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
