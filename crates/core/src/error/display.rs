//! The parts of an [`Error`](super::Error)'s one-line `Display`, which its `#[error(...)]`
//! attribute puts together: `[service operation: ]what failed[ after N attempts][; advice]`.

use std::fmt;

use super::text::Escaped;
use super::{ErrorKind, Inner};

/// `service operation: ` when the executor named them, else nothing.
pub(super) struct Operation(pub Option<(&'static str, &'static str)>);

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some((service, operation)) => write!(f, "{service} {operation}: "),
            None => Ok(()),
        }
    }
}

/// ` after N attempts` when the request was tried more than once, else nothing.
pub(super) struct Attempts(pub u32);

impl fmt::Display for Attempts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 > 1 {
            write!(f, " after {} attempts", self.0)?;
        }
        Ok(())
    }
}

/// What failed: the service's answer, or the SDK's message and the response and server it
/// happened with. The source is not written: reports that walk `source()` show it (once).
pub(super) struct Account<'a>(pub &'a Inner);

impl fmt::Display for Account<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = self.0;
        if let Some(service) = &inner.service {
            return write!(f, "{service}");
        }
        if inner.kind == ErrorKind::Decode {
            f.write_str("cannot decode response: ")?;
        }
        // Messages may quote what a server or a file said.
        write!(f, "{}", Escaped::bare(&inner.message, usize::MAX))?;
        write_context(inner, f)
    }
}

/// ` (host:port, HTTP 200, request id ..)`: which server and which response a failure
/// happened with, as far as known.
fn write_context(inner: &Inner, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let mut parts = Vec::new();
    if let Some(peer) = &inner.peer {
        parts.push(Escaped::bare(peer, usize::MAX).to_string());
    }
    // A failure while reading a success response: say which response it was.
    if let Some(status) = inner.status {
        parts.push(format!("HTTP {}", status.as_u16()));
        if let Some(id) = &inner.request_id {
            parts.push(format!("request id {}", Escaped::bare(id, usize::MAX)));
        }
    }
    if parts.is_empty() {
        return Ok(());
    }
    write!(f, " ({})", parts.join(", "))
}

/// `; what to do about it` when the SDK has advice for this failure, else nothing.
pub(super) struct Advice<'a>(pub Option<&'a str>);

impl fmt::Display for Advice<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(advice) => write!(f, "; {advice}"),
            None => Ok(()),
        }
    }
}
