//! # channels
//!
//! Payment channels settling on the simulated L1.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod contract;
pub mod driver;
pub mod error;
pub mod network;
pub mod party;
pub mod types;
pub mod watchtower;

pub use driver::{run, Attack, NetworkConfig, Params, Report, Roles, Scenario};
pub use error::{ChannelError, Result};
