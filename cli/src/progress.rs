//! Progress of long operations (setup, proving): an indicatif spinner on stderr
//! naming the stage and the time spent, only when stderr is a terminal. Piped or
//! redirected, it stays silent so scripts see nothing but results and errors.

use std::io::IsTerminal as _;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A [`prover::Progress`] drawing a spinner on a terminal's stderr.
#[derive(Debug)]
pub struct Spinner {
    enabled: bool,
    prefix: String,
    bar: Option<ProgressBar>,
}

impl Spinner {
    /// A spinner if stderr is a terminal, otherwise a silent reporter.
    pub fn new() -> Self {
        Spinner { enabled: std::io::stderr().is_terminal(), prefix: String::new(), bar: None }
    }

    /// Puts `prefix` (for example `batch 2/3`) before every stage name.
    pub fn set_prefix(&mut self, prefix: impl Into<String>) {
        self.prefix = prefix.into();
    }

    fn bar(&mut self) -> &ProgressBar {
        self.bar.get_or_insert_with(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            let style = ProgressStyle::with_template("{spinner} {msg} [{elapsed}]")
                .unwrap_or_else(|_| ProgressStyle::default_spinner());
            bar.set_style(style);
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        })
    }

    /// Prints a line on stderr without tearing the spinner.
    pub fn println(&mut self, line: &str) {
        match &self.bar {
            Some(bar) => bar.suspend(|| crate::report(line)),
            None => crate::report(line),
        }
    }
}

impl Default for Spinner {
    fn default() -> Self {
        Self::new()
    }
}

impl prover::Progress for Spinner {
    fn stage(&mut self, name: &str) {
        if !self.enabled {
            return;
        }
        let message = if self.prefix.is_empty() { name.to_string() } else { format!("{}: {name}", self.prefix) };
        let bar = self.bar();
        bar.reset_elapsed();
        bar.set_message(message);
    }

    fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        prover::Progress::finish(self);
    }
}
