//! Progress sinks for long work (setup, proving, scenario runs): passed in by the caller, so that core code
//! never writes to a terminal itself.

/// Reports the stages of long operations (a terminal shows a spinner; tests ignore it).
pub trait Progress {
    /// A stage begins.
    fn stage(&mut self, name: &str);
    /// Everything is done.
    fn finish(&mut self) {}
}

/// Progress that goes nowhere.
#[derive(Debug, Default, Clone, Copy)]
pub struct Silent;

impl Progress for Silent {
    fn stage(&mut self, _name: &str) {}
}
