//! # compare
//!
//! One workload through every design: metrics, reports and charts.
//!
//! Status: Filled by the comparison issue (issue 6).
#![forbid(unsafe_code)]
#![deny(missing_docs)]
