//! Test support shared by the workspace's tests (not published).
//!
//! - [`server`]: the scripted raw-TCP HTTP/1.1 server on 127.0.0.1, recording each request.
//! - [`head`]: the HTTP head parser.
//! - [`sdk`]: the test credentials, and a [`Config`](huaweicloud_sdk_core::Config) and clients
//!   pointing at a local server.
//!
//! All three are compiled from the core's `tests` directory (`scripted` and `support/sdk.rs`):
//! the core's tests run from its packaged `.crate`, which can hold only its own files, so the one
//! copy lives there and this crate serves it to everyone else. [`server`] and [`head`] depend on
//! tokio alone.

#![warn(missing_docs)]
#![forbid(unsafe_code)]
// Helpers report failures to the test that called them instead of panicking inside.
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../../core/tests/scripted/head.rs"]
pub mod head;
#[path = "../../core/tests/support/sdk.rs"]
pub mod sdk;
#[path = "../../core/tests/scripted/server.rs"]
pub mod server;

pub use head::Head;
pub use server::{Request, Script, Server, Step, refused_addr, response};
