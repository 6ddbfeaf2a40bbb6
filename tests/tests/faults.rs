//! Fault injection: the SDK against scripted servers on 127.0.0.1 that misbehave on purpose.
//!
//! Every case asserts the error's kind, how many attempts the SDK made (and how many requests the
//! server received), and that nothing partial is reported as success. Cases are grouped by theme;
//! the scripted servers live in `faults/support.rs`. Each test runs its own server on its own
//! port, so the cases run in parallel. Timeouts are 100-300 ms and retry delays a few ms: the
//! suite asserts kinds and counts, never durations.

#[path = "faults/support.rs"]
mod support;

#[path = "faults/connection.rs"]
mod connection;

#[path = "faults/timeouts.rs"]
mod timeouts;

#[path = "faults/retries.rs"]
mod retries;

#[path = "faults/bodies.rs"]
mod bodies;

#[path = "faults/redirects.rs"]
mod redirects;
