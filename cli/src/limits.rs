//! The range of every size flag, in one place: clap parsers for the ranges, and the
//! checks that need more than one flag (an even depth for a 4-ary tree, accounts the
//! tree can hold, a lie inside the workload). Every violation is refused before any
//! work starts, with an `error:` line naming the flag and exit code 2. The ranges are
//! listed in each flag's help and in README.md.

use anyhow::Result;
use clap::builder::{RangedI64ValueParser, RangedU64ValueParser};
use ledger::{Arity, TreeShape};

use crate::exit::unusable_msg;

/// `--depth`, `--depths`: tree depth in bits, 1 to 32 (even for a 4-ary tree).
pub const MAX_DEPTH: u32 = 32;
/// `--batch-size`, `--batch-sizes`: slots per batch (transactions per assertion for the
/// optimistic rollup), 1 to 4096. Setup and proving time and memory grow linearly with
/// it; 4096 slots at depth 32 are about 10^8 constraints, near the largest evaluation
/// domain of BN254 (2^28) and tens of GiB of proving key.
pub const MAX_BATCH_SIZE: usize = 4096;
/// `--txs` of the runs that prove every batch (`simulate zk`, `demo`, `compare`): 1 to 100000.
pub const MAX_PROVED_TXS: usize = 100_000;
/// `workload --count`, `simulate optimistic --txs` (nothing proved): 1 to 1000000.
pub const MAX_TXS: usize = 1_000_000;
/// `--accounts`: 1 to 1000000 (2 or more where an optimistic rollup runs), and no more
/// than the tree holds.
pub const MAX_ACCOUNTS: u32 = 1_000_000;
/// `bench gas --accounts`: account populations of 2 to 2^32 (4,294,967,296, the leaves of a depth-32
/// tree), and no more than the tree holds; at most [`MAX_POPULATIONS`] of them.
pub const MAX_POPULATION: u64 = 1 << 32;
/// `bench gas --accounts`: at most 8 populations (one column each).
pub const MAX_POPULATIONS: usize = 8;
/// `bench prove --runs`: 1 to 1000.
pub const MAX_RUNS: usize = 1000;
/// `simulate optimistic --dissection`: parts per dissection move, 2 to 256.
pub const MAX_DISSECTION: u32 = 256;
/// `simulate channels --nodes`: 3 to 1000 (a random connected graph of payment channels).
pub const MAX_CHANNEL_NODES: usize = 1000;
/// `simulate channels --payments`: 1 to 100000 (each a routed multi-hop payment, signed on every hop).
pub const MAX_CHANNEL_PAYMENTS: usize = 100_000;
/// `study proof-costs --max-prove-constraints`: 0 to 2^28, the largest evaluation domain
/// of BN254 (no larger circuit can be proved at all).
pub const MAX_PROVE_CONSTRAINTS: usize = 1 << 28;

/// `simulate sidechain --validators`: 1 to 1000 (a checkpoint of 1,000 ECDSA signatures is already about
/// 8 million gas).
pub const MAX_VALIDATORS: usize = 1000;
/// `simulate sidechain --checkpoint-every`: sidechain blocks per checkpoint, 1 to 10000 (about 5.5 hours of
/// 2-second blocks).
pub const MAX_CHECKPOINT_EVERY: u64 = 10_000;

fn ranged_usize(min: usize, max: usize) -> RangedU64ValueParser<usize> {
    RangedU64ValueParser::new().range(min as u64..=max as u64)
}

fn ranged_u32(min: u32, max: u32) -> RangedI64ValueParser<u32> {
    clap::value_parser!(u32).range(i64::from(min)..=i64::from(max))
}

/// Parser of `--depth` and each of `--depths`.
pub fn depth() -> RangedI64ValueParser<u32> {
    ranged_u32(1, MAX_DEPTH)
}

/// Parser of `--batch-size` and each of `--batch-sizes`.
pub fn batch_size() -> RangedU64ValueParser<usize> {
    ranged_usize(1, MAX_BATCH_SIZE)
}

/// Parser of `--txs` where every batch is proved.
pub fn proved_txs() -> RangedU64ValueParser<usize> {
    ranged_usize(1, MAX_PROVED_TXS)
}

/// Parser of `workload --count` and `simulate optimistic --txs`.
pub fn txs() -> RangedU64ValueParser<usize> {
    ranged_usize(1, MAX_TXS)
}

/// Parser of `--accounts` where one account is enough.
pub fn accounts() -> RangedI64ValueParser<u32> {
    ranged_u32(1, MAX_ACCOUNTS)
}

/// Parser of each of `bench gas --accounts`.
pub fn population() -> RangedU64ValueParser<u64> {
    RangedU64ValueParser::new().range(zk_rollup::simulation::MIN_POPULATION..=MAX_POPULATION)
}

/// Parser of `--accounts` where an optimistic rollup runs (it needs two users).
pub fn accounts_optimistic() -> RangedI64ValueParser<u32> {
    ranged_u32(2, MAX_ACCOUNTS)
}

/// Parser of `simulate sidechain --validators`.
pub fn validators() -> RangedU64ValueParser<usize> {
    ranged_usize(1, MAX_VALIDATORS)
}

/// Parser of `simulate sidechain --checkpoint-every`.
pub fn checkpoint_every() -> RangedU64ValueParser<u64> {
    RangedU64ValueParser::new().range(1..=MAX_CHECKPOINT_EVERY)
}

/// Parser of `bench prove --runs`.
pub fn runs() -> RangedU64ValueParser<usize> {
    ranged_usize(1, MAX_RUNS)
}

/// Parser of `simulate optimistic --dissection`.
pub fn dissection() -> RangedI64ValueParser<u32> {
    ranged_u32(2, MAX_DISSECTION)
}

/// Parser of `simulate channels --nodes`.
pub fn channel_nodes() -> RangedU64ValueParser<usize> {
    ranged_usize(3, MAX_CHANNEL_NODES)
}

/// Parser of `simulate channels --payments`.
pub fn channel_payments() -> RangedU64ValueParser<usize> {
    ranged_usize(1, MAX_CHANNEL_PAYMENTS)
}

/// Parser of `study proof-costs --max-prove-constraints`.
pub fn max_prove_constraints() -> RangedU64ValueParser<usize> {
    ranged_usize(0, MAX_PROVE_CONSTRAINTS)
}

/// Parser of `--withdrawal-share`: a fraction from 0 to 1.
pub fn share(text: &str) -> Result<f64, String> {
    let value: f64 = text.parse().map_err(|e| format!("{e}"))?;
    if !(0.0..=1.0).contains(&value) {
        return Err(format!("{value} is not in 0..=1"));
    }
    Ok(value)
}

/// `compare --network-delay`: seconds, 0 to 3600 (an hour is already far beyond any network).
pub const MAX_NETWORK_DELAY_SECONDS: f64 = 3600.0;

/// Parser of `--network-delay`: a finite number of seconds from 0 to
/// [`MAX_NETWORK_DELAY_SECONDS`].
pub fn network_delay(text: &str) -> Result<f64, String> {
    let value: f64 = text.parse().map_err(|e| format!("{e}"))?;
    if !(0.0..=MAX_NETWORK_DELAY_SECONDS).contains(&value) {
        return Err(format!("the network delay {value} s is not in 0..={MAX_NETWORK_DELAY_SECONDS}"));
    }
    Ok(value)
}

/// `simulate plasma --users`: 2 to 1000 (every user watches every block in the simulation).
pub const MAX_PLASMA_USERS: u32 = 1000;
/// `simulate plasma --payments`: 0 to 100000.
pub const MAX_PLASMA_PAYMENTS: usize = 100_000;
/// `simulate plasma --block-size`: 1 to 65536, the 2^16 leaves of OMG's depth-16 block tree.
pub const MAX_PLASMA_BLOCK_SIZE: usize = 1 << 16;
/// `simulate plasma --exit-period`: 60 s to 365 days.
pub const MAX_EXIT_PERIOD_SECONDS: u64 = 365 * 24 * 3600;
/// `simulate plasma --mass-exit --on-chain`: users exiting for real on the simulated L1, 1 to 20000 each
/// (every exit is a metered call; 10^4 takes seconds).
pub const MAX_MASS_EXIT_ON_CHAIN: u64 = 20_000;
/// `simulate plasma --mass-exit --computed`: users of the computed model, 1 to 10^9 each.
pub const MAX_MASS_EXIT_COMPUTED: u64 = 1_000_000_000;

/// `simulate plasma --mass-exit --block-gas-limit`: 1,000,000 to 1,000,000,000 gas per L1 block.
pub const MAX_BLOCK_GAS_LIMIT: u64 = 1_000_000_000;

/// Parser of `--block-gas-limit`.
pub fn block_gas_limit() -> RangedU64ValueParser<u64> {
    RangedU64ValueParser::new().range(1_000_000..=MAX_BLOCK_GAS_LIMIT)
}

/// `simulate plasma --attack-block`: the child block the operator attacks at, 0 to 100000.
pub const MAX_ATTACK_BLOCK: u64 = 100_000;

/// Parser of `simulate plasma --attack-block`.
pub fn attack_block() -> RangedU64ValueParser<u64> {
    RangedU64ValueParser::new().range(0..=MAX_ATTACK_BLOCK)
}

/// Parser of `simulate plasma --users`.
pub fn plasma_users() -> RangedI64ValueParser<u32> {
    ranged_u32(2, MAX_PLASMA_USERS)
}

/// Parser of `simulate plasma --payments`.
pub fn plasma_payments() -> RangedU64ValueParser<usize> {
    ranged_usize(0, MAX_PLASMA_PAYMENTS)
}

/// Parser of `simulate plasma --block-size`.
pub fn plasma_block_size() -> RangedU64ValueParser<usize> {
    ranged_usize(1, MAX_PLASMA_BLOCK_SIZE)
}

/// Parser of `simulate plasma --exit-period`.
pub fn exit_period() -> RangedU64ValueParser<u64> {
    RangedU64ValueParser::new().range(60..=MAX_EXIT_PERIOD_SECONDS)
}

/// Parser of each of `--on-chain`.
pub fn mass_exit_on_chain() -> RangedU64ValueParser<u64> {
    RangedU64ValueParser::new().range(1..=MAX_MASS_EXIT_ON_CHAIN)
}

/// Parser of each of `--computed`.
pub fn mass_exit_computed() -> RangedU64ValueParser<u64> {
    RangedU64ValueParser::new().range(1..=MAX_MASS_EXIT_COMPUTED)
}

/// The tree of `--depth` with `arity`; a depth the ledger refuses (odd for a 4-ary
/// tree) is an unusable `--depth`.
pub fn tree(depth: u32, arity: Arity) -> Result<TreeShape> {
    TreeShape::new(depth, arity).map_err(|e| unusable_msg(format_args!("invalid value {depth} for --depth: {e}")))
}

/// Every depth of `--depths` makes a 4-ary tree.
pub fn quaternary_depths(depths: &[u32]) -> Result<()> {
    for &depth in depths {
        TreeShape::new(depth, Arity::Quaternary)
            .map_err(|e| unusable_msg(format_args!("invalid value {depth} in --depths: {e}")))?;
    }
    Ok(())
}

/// `--accounts` users plus `extra` accounts of the system's own (a proposer's) fit `tree`.
pub fn accounts_fit(accounts: u32, extra: u32, tree: &TreeShape, depth: u32) -> Result<()> {
    let needed = u64::from(accounts) + u64::from(extra);
    if needed > tree.capacity() {
        return Err(unusable_msg(format_args!(
            "invalid value {accounts} for --accounts: a depth-{depth} tree holds {} accounts{}",
            tree.capacity(),
            if extra > 0 { format!(", {extra} of them the system's own") } else { String::new() }
        )));
    }
    Ok(())
}

/// `--lie-at` names one of the `total` transactions of the run (0-based).
pub fn lie_at(lie_at: usize, total: usize) -> Result<()> {
    if lie_at >= total {
        return Err(unusable_msg(format_args!(
            "invalid value {lie_at} for --lie-at: the run has {total} transactions (deposits included), so 0 to {}",
            total.saturating_sub(1)
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_name_their_flag_and_exit_2() {
        let tree = tree(4, Arity::Quaternary).unwrap();
        assert!(accounts_fit(16, 0, &tree, 4).is_ok());
        let err = accounts_fit(16, 1, &tree, 4).unwrap_err();
        assert_eq!(crate::exit::code(&err), 2);
        assert!(err.to_string().contains("--accounts"), "{err}");
        let err = super::tree(7, Arity::Quaternary).unwrap_err();
        assert!(err.to_string().contains("--depth") && crate::exit::code(&err) == 2, "{err}");
        assert!(quaternary_depths(&[8, 16]).is_ok() && quaternary_depths(&[8, 9]).is_err());
        assert!(lie_at(20, 21).is_ok());
        assert!(lie_at(21, 21).unwrap_err().to_string().contains("--lie-at"));
        assert_eq!(share("0.25"), Ok(0.25));
        for bad in ["-0.1", "1.5", "NaN", "x"] {
            assert!(share(bad).is_err(), "{bad}");
        }
    }
}
