//! The secret half of an access key: what the gateway checks a signature with, shared by the
//! endpoint's configuration, the federation store and the mock.

/// The secret key of an access key and, for temporary credentials, the security token requests
/// must carry. No `Debug`: neither value may reach a log or an error.
#[derive(Clone)]
pub(crate) struct Secret {
    pub(crate) sk: String,
    pub(crate) token: Option<String>,
}
