//! Reading request bodies with a size limit and a timeout between pieces, so that a client that
//! stops sending cannot hold a connection (or a temporary file) forever.

use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http_body_util::BodyExt as _;
use hyper::body::{Body as _, Incoming};

/// Why a body could not be read.
#[derive(Debug)]
pub(super) enum ReadError {
    /// More bytes than allowed.
    TooLarge,
    /// No data for longer than the body timeout.
    TimedOut,
    /// The connection failed or the body was malformed.
    Broken(hyper::Error),
}

/// The next data of `body` (`None` at its end), waiting at most `idle` for it.
pub(super) async fn next_data(
    body: &mut Incoming,
    idle: Duration,
) -> Result<Option<Bytes>, ReadError> {
    loop {
        let frame = tokio::time::timeout(idle, body.frame())
            .await
            .map_err(|_| ReadError::TimedOut)?;
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

/// The whole of `body`, at most `max` bytes, waiting at most `idle` for each piece.
pub(super) async fn read_body(
    mut body: Incoming,
    max: usize,
    idle: Duration,
) -> Result<Bytes, ReadError> {
    // A declared Content-Length over the limit fails before any byte is read.
    if usize::try_from(body.size_hint().lower()).map_or(true, |len| len > max) {
        return Err(ReadError::TooLarge);
    }
    let mut out = BytesMut::new();
    while let Some(data) = next_data(&mut body, idle).await? {
        if out.len().saturating_add(data.len()) > max {
            return Err(ReadError::TooLarge);
        }
        out.extend_from_slice(&data);
    }
    Ok(out.freeze())
}
