//! # optimistic
//!
//! The optimistic rollup as one design: its L1 contract ([`contract::OptimisticRollup`]: assertions with
//! bonds, the challenge window, the k-ary dissection game with chess clocks, and a one-step proof that
//! re-executes the disputed transaction with `ledger`'s one step function), its off-chain actors, and a
//! driver that runs them against the simulated L1.
//!
//! - [`contract`]: the contract, split along its seams (trace, calls, dissection game, one-step proof,
//!   bonds).
//! - [`Proposer`]: posts assertions of a chosen batch size with a bond, honestly, lying once at a chosen
//!   transaction in a chosen way ([`Lie`]), or censoring one user's deposit until the contract's forced
//!   inclusion refuses it ([`CensorshipReport`] measures the delay and gas), defends them in dispute games from its own (possibly fraudulent)
//!   trace, rolls back and re-proposes when one is rejected, and confirms assertions past their window.
//! - [`Challenger`]: honest (re-executes every assertion with `ledger` and disputes the first wrong one),
//!   lazy (watches nothing), or dishonest (disputes an assertion and plays from a fabricated trace, possibly
//!   stalling until its clock runs out), see [`ChallengerBehaviour`].
//! - [`Watcher`]: the honest re-execution both the honest challenger and the driver's truth oracle use.
//! - [`run`]: a whole scenario ([`Scenario`]) from deposits to paid withdrawals, summarised in a
//!   serialisable [`Report`].
//!
//! Actors have no side effects of their own: the chain, the contract ([`World`]) and randomness are passed
//! in, and time moves only when the driver advances the chain.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod challenger;
pub mod contract;
pub mod driver;
pub mod error;
pub mod proposer;
pub mod watcher;
pub mod world;

pub use challenger::{Challenger, ChallengerBehaviour};
pub use driver::{run, run_in_world, user_address, CensorshipReport, GameReport, Percentiles, Report, Scenario};
pub use error::{OptimisticError, Result};
pub use proposer::{Forgery, Lie, LiePlan, Proposer, ProposerBehaviour};
pub use watcher::{Verdict, Watcher};
pub use world::{CallKind, L1Tx, L2Tx, World};
