#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]
#![forbid(unsafe_code)]
// Library code never panics on input or server data: the compiler checks it (tests are exempt).
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::unchecked_time_subtraction
    )
)]

pub mod body;
pub mod config;
pub mod credentials;
mod env;
pub mod error;
pub mod executor;
pub mod hook;
pub mod iam;
pub mod operation;
pub mod paginate;
pub mod retry;
pub mod signer;
pub mod time;
pub mod transport;
pub mod wire;

/// The stream traits a paginator's pages and items are used with (`try_next`, `try_collect`),
/// re-exported so that a program needs no direct `futures-util` dependency.
pub mod stream {
    pub use futures_util::stream::{Stream, StreamExt, TryStreamExt};
}

pub use body::{ByteStream, FilePart, Multipart, RequestBody};
pub use config::Config;
pub use credentials::{Credentials, CredentialsContext, ProvideCredentials};
pub use error::{Error, ErrorKind, Result, ServiceError, TimeoutKind};
pub use executor::{CallOptions, Executor, OperationRequest, OperationSpec, Response};
