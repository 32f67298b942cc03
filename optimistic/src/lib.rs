//! # optimistic
//!
//! Off-chain actors of the optimistic rollup: proposer, challengers, bisection strategies.
//!
//! Status: Filled by the optimistic-rollup issue (issue 5).
#![forbid(unsafe_code)]
#![deny(missing_docs)]
