//! Reading request bodies with a size limit, a timeout between pieces and a deadline for the
//! whole body, so that a client that stops sending, or sends a byte now and then, cannot hold a
//! connection (or a temporary file) forever.

use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http_body_util::BodyExt as _;
use hyper::body::{Body as _, Incoming};
use tokio::time::Instant;

use super::Limits;

/// Why a body could not be read.
#[derive(Debug)]
pub(super) enum ReadError {
    /// More bytes than allowed.
    TooLarge,
    /// No data for longer than the body timeout.
    TimedOut,
    /// The whole body did not arrive within the body deadline.
    TooSlow,
    /// The connection failed or the body was malformed.
    Broken(hyper::Error),
}

/// How long a body may take: each pause at most `idle`, the whole body until `end`.
#[derive(Debug, Clone, Copy)]
pub(super) struct BodyTimer {
    idle: Duration,
    /// `None` when the deadline is too far away for the clock to represent: no deadline.
    end: Option<Instant>,
}

impl BodyTimer {
    /// Starts the body deadline now.
    pub(super) fn start(limits: &Limits) -> Self {
        Self {
            idle: limits.body_timeout,
            end: Instant::now().checked_add(limits.body_deadline),
        }
    }

    /// The earlier of the next pause's end and the body deadline, and which of the two it is
    /// (true: the deadline).
    fn next_limit(&self) -> Option<(Instant, bool)> {
        let pause_end = Instant::now().checked_add(self.idle);
        match (pause_end, self.end) {
            (Some(pause), Some(end)) if end <= pause => Some((end, true)),
            (Some(pause), _) => Some((pause, false)),
            (None, Some(end)) => Some((end, true)),
            (None, None) => None,
        }
    }
}

/// The next data of `body` (`None` at its end), within `timer`'s limits.
pub(super) async fn next_data(
    body: &mut Incoming,
    timer: &BodyTimer,
) -> Result<Option<Bytes>, ReadError> {
    loop {
        let frame = match timer.next_limit() {
            Some((until, is_deadline)) => tokio::time::timeout_at(until, body.frame())
                .await
                .map_err(|_| {
                    if is_deadline {
                        ReadError::TooSlow
                    } else {
                        ReadError::TimedOut
                    }
                })?,
            None => body.frame().await,
        };
        match frame {
            None => return Ok(None),
            Some(Err(e)) => return Err(ReadError::Broken(e)),
            Some(Ok(frame)) => {
                if let Ok(data) = frame.into_data() {
                    return Ok(Some(data));
                }
                // Trailers carry no body bytes.
            }
        }
    }
}

/// The whole of `body`, at most `max` bytes, within the body timeout and deadline of
/// `limits`.
pub(super) async fn read_body(
    mut body: Incoming,
    max: usize,
    limits: &Limits,
) -> Result<Bytes, ReadError> {
    // A declared Content-Length over the limit fails before any byte is read.
    if usize::try_from(body.size_hint().lower()).map_or(true, |len| len > max) {
        return Err(ReadError::TooLarge);
    }
    let timer = BodyTimer::start(limits);
    let mut out = BytesMut::new();
    while let Some(data) = next_data(&mut body, &timer).await? {
        if out.len().saturating_add(data.len()) > max {
            return Err(ReadError::TooLarge);
        }
        out.extend_from_slice(&data);
    }
    Ok(out.freeze())
}
