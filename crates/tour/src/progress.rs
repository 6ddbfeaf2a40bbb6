//! A one-line progress bar on stderr for the transfers, fed by the SDK's progress callbacks.

use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::time::Instant;

const WIDTH: usize = 30;

/// Draws `label [#####.....] 42%  3.4 / 8.0 MiB  12.3 MiB/s`, redrawn in place at most once per
/// percent on a terminal; elsewhere (a CI log) one line per quarter.
pub struct ProgressBar {
    label: &'static str,
    terminal: bool,
    started: Instant,
    /// Last percent drawn; `None` before the first draw.
    drawn: Mutex<Option<u64>>,
}

impl ProgressBar {
    /// A bar named `label`, timed from now.
    pub fn new(label: &'static str) -> Self {
        Self {
            label,
            terminal: std::io::stderr().is_terminal(),
            started: Instant::now(),
            drawn: Mutex::new(None),
        }
    }

    /// The progress callback: `done` bytes of `total`.
    pub fn update(&self, done: u64, total: Option<u64>) {
        let mut percent = match total {
            Some(0) => 100,
            Some(total) => done.saturating_mul(100) / total,
            None => 0,
        };
        if !self.terminal {
            percent -= percent % 25;
        }
        let Ok(mut drawn) = self.drawn.lock() else {
            return;
        };
        if *drawn == Some(percent) && total.is_some() {
            return;
        }
        *drawn = Some(percent);
        let filled = usize::try_from(percent.min(100)).unwrap_or(0) * WIDTH / 100;
        let seconds = self.started.elapsed().as_secs_f64().max(1e-3);
        let rate = mib(done) / seconds;
        let of = total.map_or_else(String::new, |t| format!(" / {:.1}", mib(t)));
        let mut err = std::io::stderr().lock();
        // Progress is decoration: a closed stderr must not fail the tour.
        let (start, end) = if self.terminal {
            ("\r", "")
        } else {
            ("", "\n")
        };
        let _ = write!(
            err,
            "{start}  {:<10} [{}{}] {percent:>3}%  {:.1}{of} MiB  {rate:.1} MiB/s{end}",
            self.label,
            "#".repeat(filled),
            ".".repeat(WIDTH - filled),
            mib(done),
        );
        let _ = err.flush();
    }

    /// Ends the bar's line.
    pub fn finish(&self) {
        if self.terminal {
            let _ = writeln!(std::io::stderr());
        }
    }
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}
