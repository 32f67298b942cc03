//! `rollup simulate sidechain`: the proof-of-stake sidechain and its checkpoint bridge on the simulated L1,
//! honest or under attack (validators offline, a colluding coalition, an equivocator), or (`--gas-table`)
//! the checkpoint gas of 10, 100 and 1,000 validators in both signature modes.

use anyhow::{bail, Result};
use clap::{Args, ValueEnum};
use ledger::Arity;
use rand_chacha::rand_core::SeedableRng as _;
use rand_chacha::ChaCha20Rng;
use sidechain::{Attack, Report, Scenario, SignatureScheme};

use crate::limits;
use crate::output;

/// How checkpoints are signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SignaturesArg {
    /// One secp256k1 signature and one `ecrecover` per signer (Polygon PoS).
    Ecdsa,
    /// One BLS12-381 aggregate, checked with the EIP-2537 precompiles.
    Bls,
}

/// What goes wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AttackArg {
    /// Nothing.
    None,
    /// Validators holding up to --colluding-stake forge a checkpoint to drain the bridge.
    Collude,
    /// Validators holding up to --offline-stake never vote.
    Offline,
    /// One validator double-signs a precommit and is slashed on L1.
    Equivocate,
}

/// Arguments of `rollup simulate sidechain`.
#[derive(Debug, Args)]
pub struct SimulateSidechainArgs {
    /// Validators in the genesis set, 1 to 1000.
    #[arg(long, default_value_t = 100, value_parser = limits::validators())]
    pub validators: usize,
    /// Sidechain blocks per checkpoint, 1 to 10000.
    #[arg(long, value_name = "K", default_value_t = 256, value_parser = limits::checkpoint_every())]
    pub checkpoint_every: u64,
    /// How checkpoints are signed.
    #[arg(long, value_enum, default_value_t = SignaturesArg::Ecdsa)]
    pub signatures: SignaturesArg,
    /// What goes wrong.
    #[arg(long, value_enum, default_value_t = AttackArg::None)]
    pub attack: AttackArg,
    /// Share of stake in the colluding coalition (--attack collude), 0 to 1.
    #[arg(long, value_name = "F", default_value_t = 0.7, value_parser = limits::share)]
    pub colluding_stake: f64,
    /// Share of stake offline (--attack offline), 0 to 1.
    #[arg(long, value_name = "F", default_value_t = 0.4, value_parser = limits::share)]
    pub offline_stake: f64,
    /// A validator joins and one leaves before the first checkpoint; the set rotates there.
    #[arg(long)]
    pub rotate: bool,
    /// L2 transactions after the deposits, 1 to 100000.
    #[arg(long, default_value_t = 16, value_parser = limits::proved_txs())]
    pub txs: usize,
    /// Users, 1 to 1000000, and no more than the tree holds.
    #[arg(long, default_value_t = 4, value_parser = limits::accounts())]
    pub accounts: u32,
    /// Account-tree depth in bits (4-ary tree): an even number, 2 to 32.
    #[arg(long, default_value_t = 8, value_parser = limits::depth())]
    pub depth: u32,
    /// Share of withdrawals among the L2 transactions, 0 to 1.
    #[arg(long, default_value_t = 0.25, value_parser = limits::share)]
    pub withdrawal_share: f64,
    /// Seed of keys, stakes, transactions and the attackers' choices.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Print the checkpoint gas of 10, 100 and 1,000 validators in both modes instead (takes a few seconds:
    /// 1,000 real registrations with proofs of possession).
    #[arg(long)]
    pub gas_table: bool,
    /// Print the report (or the table) as JSON.
    #[arg(long)]
    pub json: bool,
}

/// `rollup simulate sidechain`.
pub fn run(args: SimulateSidechainArgs) -> Result<()> {
    let mut rng = ChaCha20Rng::seed_from_u64(args.seed);
    if args.gas_table {
        let rows = sidechain::checkpoint_gas_table(&[10, 100, 1000], &mut rng)?;
        if args.json {
            return output::json(&rows);
        }
        return output::line(sidechain::study::format_table(&rows).trim_end());
    }
    let tree = limits::tree(args.depth, Arity::Quaternary)?;
    limits::accounts_fit(args.accounts, 0, &tree, args.depth)?;
    let scenario = Scenario {
        validators: args.validators,
        checkpoint_every: args.checkpoint_every,
        scheme: match args.signatures {
            SignaturesArg::Ecdsa => SignatureScheme::Ecdsa,
            SignaturesArg::Bls => SignatureScheme::Bls,
        },
        attack: match args.attack {
            AttackArg::None => Attack::None,
            AttackArg::Collude => Attack::Collude { stake_fraction: args.colluding_stake },
            AttackArg::Offline => Attack::Offline { stake_fraction: args.offline_stake },
            AttackArg::Equivocate => Attack::Equivocate,
        },
        rotation: args.rotate,
        tree,
        users: args.accounts,
        deposit_units: 1_000_000_000,
        l2_txs: args.txs,
        withdrawal_share: args.withdrawal_share,
        ..Scenario::default()
    };
    let report = sidechain::run(&scenario, &mut rng)?;
    if args.json {
        output::json(&report)?;
    } else {
        output::line(summary(&scenario, &report))?;
    }
    if !report.eth_conserved || !report.bridge_solvent {
        bail!("ETH is not conserved or the bridge cannot pay what it owes");
    }
    Ok(())
}

fn eth(wei: u128) -> String {
    format!("{:.4} ETH", wei as f64 / 1e18)
}

fn summary(s: &Scenario, r: &Report) -> String {
    let mut lines = vec![
        format!(
            "sidechain on the simulated L1 ({} validators, {} ETH staked, {} checkpoints every {} blocks, {} s blocks)",
            r.validators,
            r.total_stake / 1_000_000_000_000_000_000,
            r.scheme.name(),
            s.checkpoint_every,
            s.consensus.block_time_ms as f64 / 1000.0
        ),
        format!("blocks:              {} ({} rounds timed out)", r.blocks, r.failed_rounds),
        format!("L2 transactions:     {} ({} refused)", r.l2_txs, r.rejected_txs),
        format!(
            "checkpoints:         {} accepted, {} gas each (median), {:.0} gas per L2 transaction",
            r.checkpoints, r.checkpoint_gas, r.l1_gas_per_tx
        ),
        format!(
            "soft finality:       median {} s, max {} s (one BFT commit)",
            r.soft_finality_seconds.median, r.soft_finality_seconds.max
        ),
        format!(
            "withdrawal latency:  median {:.0} s, max {:.0} s (checkpoint, then L1 finality, then proof and claim)",
            r.withdrawal_latency_seconds.median, r.withdrawal_latency_seconds.max
        ),
        format!("withdrawals:         {} made, {} paid on L1", r.withdrawals, r.withdrawals_paid),
    ];
    if let Some(why) = &r.halt_reason {
        lines.push(format!("HALTED:              {why}"));
    }
    if let Some(t) = &r.theft {
        let share = t.coalition_stake as f64 / t.total_stake.max(1) as f64;
        if t.forged_checkpoint_accepted {
            lines.push(format!(
                "THEFT:               {} validators with {:.1}% of the stake signed a forged checkpoint; {} drained to {} \
                 in {} s ({} L1 transactions), from {} users; no stake slashed",
                t.coalition_validators,
                share * 100.0,
                eth(t.stolen_wei),
                t.attacker,
                t.seconds_to_drain,
                t.l1_txs,
                t.victims.len()
            ));
        } else {
            lines.push(format!(
                "forged checkpoint:   refused ({} validators with {:.1}% of the stake): {}",
                t.coalition_validators,
                share * 100.0,
                t.refusal.as_deref().unwrap_or("")
            ));
        }
    }
    if r.theft.is_none() && matches!(s.attack, Attack::Collude { .. }) {
        lines.push("forged checkpoint:   none: no validator fits within --colluding-stake".into());
    }
    if let Some(e) = &r.equivocation {
        lines.push(format!(
            "equivocation:        {} double-signed at height {}; evidence on L1 ({} gas) slashed {} ({} to the reporter)",
            e.validator,
            e.height,
            e.evidence_gas,
            eth(e.slashed_wei),
            eth(e.reporter_reward_wei)
        ));
    }
    if let Some(rot) = &r.rotation {
        lines.push(format!(
            "rotation:            {} joined, {} left; set {} signed {} checkpoints",
            rot.joined, rot.left, rot.new_set_id, rot.checkpoints_by_new_set
        ));
    }
    lines.push(format!(
        "ETH conserved:       {}; bridge solvent: {}; unbacked sidechain balances: {}",
        if r.eth_conserved { "yes" } else { "no" },
        if r.bridge_solvent { "yes" } else { "no" },
        eth(r.unbacked_wei)
    ));
    lines.join("\n")
}
