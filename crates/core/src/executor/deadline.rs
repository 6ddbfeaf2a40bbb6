//! A deadline whose timer is made only when needed.
//!
//! `tokio::time::timeout_at` builds its timer up front (a runtime-handle lookup and a timer
//! entry, dropped again) even when the work is ready at once, as cached credentials, the
//! scope and most small response bodies are. Here the work is polled first and the timer
//! is made (and boxed) the first time the work is not ready.

use std::future::Future;
use std::pin::Pin;
use std::task::Poll;

use tokio::time::{Instant, Sleep};

use super::Deadline;
use crate::error::{Error, Result, TimeoutKind};

/// Runs `work` until `at`; `None` when `at` passed first.
pub(super) async fn until<F: Future>(at: Instant, work: F) -> Option<F::Output> {
    let mut work = std::pin::pin!(work);
    let mut timer: Option<Pin<Box<Sleep>>> = None;
    std::future::poll_fn(|cx| {
        // The work first: an answer that is ready is never lost to an expired timer.
        if let Poll::Ready(output) = work.as_mut().poll(cx) {
            return Poll::Ready(Some(output));
        }
        timer
            .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(at)))
            .as_mut()
            .poll(cx)
            .map(|()| None)
    })
    .await
}

/// `work` within the operation's total deadline, if any: its output, or a total-timeout error
/// when the deadline passed first.
pub(super) async fn within_total<T>(
    total: Option<Deadline>,
    work: impl Future<Output = Result<T>>,
) -> Result<T> {
    match total {
        Some(total) => until(total.at, work)
            .await
            .unwrap_or_else(|| Err(Error::timeout(TimeoutKind::Total, total.limit))),
        None => work.await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test(start_paused = true)]
    async fn ready_work_wins_slow_work_times_out() {
        let at = Instant::now() + Duration::from_secs(5);
        assert_eq!(until(at, async { 1 }).await, Some(1));
        let slow = tokio::time::sleep(Duration::from_secs(10));
        assert_eq!(until(at, slow).await, None);
        assert_eq!(Instant::now(), at);
        let quick = async {
            tokio::time::sleep(Duration::from_secs(1)).await;
            2
        };
        let at = Instant::now() + Duration::from_secs(5);
        assert_eq!(until(at, quick).await, Some(2));
    }

    #[tokio::test(start_paused = true)]
    async fn a_past_deadline_still_takes_a_ready_answer() {
        let at = Instant::now();
        tokio::time::advance(Duration::from_secs(1)).await;
        assert_eq!(until(at, async { 4 }).await, Some(4));
        assert_eq!(until(at, std::future::pending::<()>()).await, None);
    }
}
