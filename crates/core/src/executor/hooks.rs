//! Running the client's and the call's hooks. Each helper returns at once when neither has
//! any, so a client without hooks pays one length check per step.

use super::{CallOptions, Executor, OperationSpec, Response};
use crate::error::{Error, Result};
use crate::hook::{AttemptInfo, HookRequest, SharedHook};

impl Executor {
    /// The client's hooks, then the call's.
    fn hooks<'a>(&'a self, options: &'a CallOptions) -> impl Iterator<Item = &'a SharedHook> {
        self.inner.config.hooks().iter().chain(options.hooks.iter())
    }

    fn has_hooks(&self, options: &CallOptions) -> bool {
        !self.inner.config.hooks().is_empty() || !options.hooks.is_empty()
    }

    /// Adds the call's headers to `headers`, then lets every hook change headers and query.
    /// `prepare`, the only caller, has checked `options` already.
    pub(super) fn before_signing(
        &self,
        spec: &OperationSpec,
        options: &CallOptions,
        path: &str,
        headers: &mut http::HeaderMap,
        query: &mut Vec<(String, String)>,
    ) -> Result<()> {
        for (name, value) in &options.headers {
            headers.insert(name.clone(), value.clone());
        }
        if !self.has_hooks(options) {
            return Ok(());
        }
        let mut request = HookRequest {
            service: spec.service,
            operation: spec.operation,
            method: &spec.method,
            path,
            headers,
            query,
        };
        for hook in self.hooks(options) {
            hook.before_signing(&mut request);
        }
        Ok(())
    }

    /// Tells every hook how an attempt ended.
    pub(super) fn after_attempt(
        &self,
        spec: &OperationSpec,
        options: &CallOptions,
        attempt: u32,
        started: tokio::time::Instant,
        outcome: std::result::Result<&Response, &Error>,
    ) {
        // Without hooks the attempt's duration is not needed: no clock read.
        if !self.has_hooks(options) {
            return;
        }
        let info = AttemptInfo {
            service: spec.service,
            operation: spec.operation,
            attempt,
            elapsed: started.elapsed(),
            outcome,
        };
        for hook in self.hooks(options) {
            hook.after_attempt(&info);
        }
    }
}
