//! The workspace's one scripted raw-TCP test server and HTTP head parser.
//!
//! The files live in the core's `tests` directory, not in `crates/test-support`, because the
//! core's tests also run from its packaged `.crate` (`xtask/package.sh`), which carries only the
//! core's own files and no path-only dev-dependency. `huaweicloud-sdk-test-support` compiles
//! these same files for every other crate, and the core's unit tests include them by path; they
//! depend on nothing but tokio, so no crate gets a second copy of the core's types.

// Each test binary uses its own subset.
#![allow(dead_code, unused_imports)]

pub mod head;
pub mod server;

pub use head::{Head, end_of_head};
pub use server::{Request, Script, Server, Step, read_head, read_request, refused_addr, response};
