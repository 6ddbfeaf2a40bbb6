//! SDK-typed helpers: the test credentials, and a config and clients pointing at a local server.
//!
//! The workspace's one copy: `huaweicloud-sdk-test-support` compiles this file for the other
//! crates (see `tests/scripted/mod.rs` for why it lives in the core's tests directory).

use httpmock::MockServer;
use huaweicloud_sdk_core::config::endpoint::EndpointEnv;
use huaweicloud_sdk_core::retry::RetryConfig;
use huaweicloud_sdk_core::{Config, Credentials};

/// The access key of the test credentials.
pub const AK: &str = "HPUAEXAMPLEAK0000001";
/// The secret key of the test credentials.
pub const SK: &str = "exampleSecretKey0000000000000000000000000";
/// The project id of the test credentials.
pub const PROJECT: &str = "0123456789abcdef0123456789abcdef";

/// The test credentials: [`AK`], [`SK`] and [`PROJECT`].
pub fn credentials() -> Credentials {
    Credentials::new(AK, SK).with_project_id(PROJECT)
}

/// A config for `endpoint` with the test credentials and no retries (a test that wants them
/// adds its own), reading no endpoint from the environment.
pub fn config(endpoint: &str) -> Config {
    Config::new(credentials())
        .with_endpoint(endpoint)
        .with_endpoint_env(EndpointEnv::from_lookup(|_| None))
        .with_retry(RetryConfig::disabled())
}

/// A service client for `server` built by `new` (a service crate's `Client::new`) from
/// [`config`].
pub fn client<C>(
    server: &MockServer,
    new: impl FnOnce(&Config) -> huaweicloud_sdk_core::Result<C>,
) -> huaweicloud_sdk_core::Result<C> {
    new(&config(&server.base_url()))
}
