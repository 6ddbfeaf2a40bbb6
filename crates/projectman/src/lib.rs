#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(missing_docs)]
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

pub mod download;
pub mod v4;

// What a program using this crate needs from the core, so that this crate and `tokio` are its
// only dependencies.
#[doc(no_inline)]
pub use huaweicloud_sdk_core::executor::RetryCheck;
#[doc(no_inline)]
pub use huaweicloud_sdk_core::hook;
#[doc(no_inline)]
pub use huaweicloud_sdk_core::paginate::Paginator;
#[doc(no_inline)]
pub use huaweicloud_sdk_core::retry::RetryConfig;
#[doc(no_inline)]
pub use huaweicloud_sdk_core::stream::{StreamExt, TryStreamExt};
#[doc(no_inline)]
pub use huaweicloud_sdk_core::{
    ByteStream, CallOptions, Config, Credentials, Error, ErrorKind, FilePart, Result, ServiceError,
    TimeoutKind,
};
