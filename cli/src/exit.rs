//! Exit codes. 0: success. 1: the work failed (a proof rejected, a batch that does
//! not apply, a simulation that broke an invariant). 2: the command line or an input
//! cannot be used (a flag out of range, an unreadable or malformed file, an output
//! that would overwrite an input); clap's own usage errors exit 2 as well.

use std::fmt;

/// An error that exits with code 2: the command line or an input cannot be used.
#[derive(Debug)]
pub struct Unusable(anyhow::Error);

impl fmt::Display for Unusable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#}", self.0)
    }
}

// No `source`: the message above already holds the whole chain.
impl std::error::Error for Unusable {}

/// `err` as an [`Unusable`] error (exit code 2).
pub fn unusable(err: impl Into<anyhow::Error>) -> anyhow::Error {
    anyhow::Error::new(Unusable(err.into()))
}

/// An [`Unusable`] error with this message.
pub fn unusable_msg(message: impl fmt::Display) -> anyhow::Error {
    unusable(anyhow::anyhow!("{message}"))
}

/// The exit code for `err`: 2 when an [`Unusable`] error is anywhere in its chain, else 1.
pub fn code(err: &anyhow::Error) -> u8 {
    if err.chain().any(|e| e.is::<Unusable>()) {
        2
    } else {
        1
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context as _;

    #[test]
    fn unusable_errors_exit_2_through_any_context() {
        assert_eq!(code(&anyhow::anyhow!("failed")), 1);
        let err = unusable_msg("--depth must be even");
        assert_eq!(code(&err), 2);
        let wrapped = Err::<(), _>(err).context("cannot run").unwrap_err();
        assert_eq!(code(&wrapped), 2);
        assert_eq!(format!("{wrapped:#}"), "cannot run: --depth must be even");
    }
}
