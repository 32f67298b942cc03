//! Writing to stdout without panicking when it is closed (for example `| head`).

use std::fmt::Display;
use std::io::Write as _;

use anyhow::{Context as _, Result};
use serde::Serialize;

/// Prints one line on stdout.
pub fn line(text: impl Display) -> Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}").and_then(|()| out.flush()).context("cannot write to standard output")
}

/// Prints a value as one line of compact JSON on stdout.
pub fn json<T: Serialize>(value: &T) -> Result<()> {
    let text = serde_json::to_string(value).context("cannot encode JSON output")?;
    line(text)
}
