//! `rollup simulate optimistic`: the optimistic rollup on the simulated L1, with an
//! honest or lying proposer and honest, absent, lazy or dishonest challengers; every
//! dispute is played move by move on L1 down to a one-step proof.

use anyhow::{bail, Result};
use clap::{Args, ValueEnum};
use ledger::Arity;
use optimistic::{ChallengerBehaviour, Forgery, Lie, LiePlan, ProposerBehaviour, Report, Scenario};
use rand_chacha::rand_core::SeedableRng as _;
use rand_chacha::ChaCha20Rng;

use crate::exit::unusable_msg;
use crate::limits;
use crate::output;

/// The kind of lie a dishonest proposer tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LieArg {
    /// From the lie on, the trace reports made-up roots.
    WrongRoot,
    /// The transaction is in the batch but the trace ignores it.
    SkipTx,
    /// The proposer credits itself units out of nothing.
    Mint,
    /// A transaction with a bad signature, applied anyway.
    BadSignature,
    /// An overdraft, applied anyway.
    Overdraft,
    /// A transfer signed for a nonce other than the sender's next, applied anyway.
    WrongNonce,
    /// A transfer to an index beyond the tree, applied anyway.
    IndexOutOfRange,
    /// A transfer to an account no deposit opened, applied anyway.
    UnknownAccount,
    /// A deposit nobody made on L1, in place of the next queued one (at the first deposit from --lie-at on).
    InventedDeposit,
    /// The next queued deposit with one unit more than was paid (at the first deposit from --lie-at on).
    AlteredDeposit,
}

/// Who watches the proposer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ChallengerArg {
    /// Re-executes every assertion and disputes the first wrong one.
    Honest,
    /// Nobody watches.
    None,
    /// Watches nothing, disputes nothing.
    Lazy,
    /// Disputes the proposer's first assertion while it is pending, whatever it says, from a fabricated
    /// trace (an honest challenger watches too).
    Dishonest,
}

/// Arguments of `rollup simulate optimistic`.
#[derive(Debug, Args)]
pub struct SimulateOptimisticArgs {
    /// L2 transactions after the deposits, 1 to 1000000.
    #[arg(long, default_value_t = 16, value_parser = limits::txs())]
    pub txs: usize,
    /// Transactions per assertion, 1 to 4096.
    #[arg(long, default_value_t = 8, value_parser = limits::batch_size())]
    pub batch_size: usize,
    /// Users, 2 to 1000000, and with the proposer's own account no more than the tree holds.
    #[arg(long, default_value_t = 4, value_parser = limits::accounts_optimistic())]
    pub accounts: u32,
    /// Account-tree depth in bits (4-ary tree): an even number, 2 to 32.
    #[arg(long, default_value_t = 8, value_parser = limits::depth())]
    pub depth: u32,
    /// The proposer lies at this transaction (0-based, counted over all assertions,
    /// deposits included): 0 to accounts + txs (the accounts' deposits, the proposer's
    /// own deposit, then the L2 transactions); one past the workload is refused.
    #[arg(long)]
    pub lie_at: Option<usize>,
    /// How it lies.
    #[arg(long, value_enum, default_value_t = LieArg::WrongRoot)]
    pub lie: LieArg,
    /// Who challenges.
    #[arg(long, value_enum, default_value_t = ChallengerArg::Honest)]
    pub challenger: ChallengerArg,
    /// Parts per dissection move, 2 to 256 (2: binary bisection).
    #[arg(long, default_value_t = 2, value_parser = limits::dissection())]
    pub dissection: u32,
    /// Share of withdrawals among the L2 transactions, 0 to 1.
    #[arg(long, default_value_t = 0.25, value_parser = limits::share)]
    pub withdrawal_share: f64,
    /// Seed of keys and transactions.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

/// `rollup simulate optimistic`.
pub fn run(args: SimulateOptimisticArgs) -> Result<()> {
    // Every flag is checked before the run starts; the parsers bound each on its own.
    if !(1..=limits::MAX_BATCH_SIZE).contains(&args.batch_size) || args.dissection < 2 {
        return Err(unusable_msg("--batch-size must be 1 to 4096 and --dissection at least 2"));
    }
    let tree = limits::tree(args.depth, Arity::Quaternary)?;
    // The users and the proposer's own account.
    limits::accounts_fit(args.accounts, 1, &tree, args.depth)?;
    if let Some(k) = args.lie_at {
        // The stream: a deposit per user, the proposer's deposit, then the L2 transactions.
        let total = usize::try_from(args.accounts)
            .ok()
            .and_then(|users| users.checked_add(1))
            .and_then(|deposits| deposits.checked_add(args.txs))
            .ok_or_else(|| unusable_msg("--accounts plus --txs overflows"))?;
        limits::lie_at(k, total)?;
    }
    let proposer = match args.lie_at {
        None => ProposerBehaviour::Honest,
        Some(k) => ProposerBehaviour::Lying(LiePlan {
            batch: k / args.batch_size,
            step: k % args.batch_size,
            lie: match args.lie {
                LieArg::WrongRoot => Lie::WrongRoot,
                LieArg::SkipTx => Lie::SkipTx,
                LieArg::Mint => Lie::MintToSelf { amount: 1_000_000 },
                LieArg::BadSignature => Lie::InvalidTx(Forgery::BadSignature),
                LieArg::Overdraft => Lie::InvalidTx(Forgery::Overdraft),
                LieArg::WrongNonce => Lie::InvalidTx(Forgery::WrongNonce),
                LieArg::IndexOutOfRange => Lie::InvalidTx(Forgery::IndexOutOfRange),
                LieArg::UnknownAccount => Lie::InvalidTx(Forgery::UnknownAccount),
                LieArg::InventedDeposit => Lie::InvalidTx(Forgery::InventedDeposit),
                LieArg::AlteredDeposit => Lie::InvalidTx(Forgery::AlteredDeposit),
            },
            stall: false,
        }),
    };
    let challengers = match args.challenger {
        ChallengerArg::Honest => vec![ChallengerBehaviour::Honest],
        ChallengerArg::None => Vec::new(),
        ChallengerArg::Lazy => vec![ChallengerBehaviour::Lazy],
        ChallengerArg::Dishonest => vec![
            // Assertion 0 is the genesis, confirmed from the start: the first one posted is 1.
            ChallengerBehaviour::Dishonest { target: 1, fabricate_from: 1, random_parts: false, stall: false },
            ChallengerBehaviour::Honest,
        ],
    };
    let scenario = Scenario {
        tree,
        users: args.accounts,
        deposit_units: 1_000_000_000,
        l2_txs: args.txs,
        withdrawal_share: args.withdrawal_share,
        batch_size: args.batch_size,
        dissection: args.dissection,
        proposer,
        challengers,
        ..Scenario::default()
    };
    let report = optimistic::run(&scenario, &mut ChaCha20Rng::seed_from_u64(args.seed))?;
    if args.json {
        output::json(&report)?;
    } else {
        output::line(summary(&scenario, &report))?;
    }
    if !report.eth_conserved || !report.contract_solvent {
        bail!("ETH is not conserved or the contract cannot pay what it owes");
    }
    Ok(())
}

fn days(seconds: f64) -> String {
    format!("{seconds} s ({:.2} days)", seconds / 86_400.0)
}

fn summary(s: &Scenario, r: &Report) -> String {
    let winner = match &r.winner {
        Some(w) => format!("{w:?}").to_lowercase(),
        None => "no dispute".into(),
    };
    [
        format!(
            "optimistic rollup on the simulated L1 ({}-bit 4-ary tree, {} transactions per assertion, {}-way dissection, {}-day window)",
            s.tree.depth(),
            s.batch_size,
            s.dissection,
            s.challenge_window_seconds / 86_400
        ),
        format!("assertions:          {} posted, {} confirmed, {} rejected", r.assertions, r.confirmed, r.rejected),
        format!("L2 transactions:     {} ({} never confirmed)", r.l2_txs, r.unconfirmed_txs),
        format!("disputes:            {} ({} L1 transactions, {} gas), winner: {winner}", r.disputes, r.dispute_l1_txs, r.dispute_gas),
        format!("honest side won:     {}", if r.honest_won_every_dispute { "every dispute" } else { "NOT every dispute" }),
        format!("false root confirmed: {}", if r.false_root_confirmed { "YES (nobody challenged it in time)" } else { "no" }),
        format!("bonds slashed:       {} wei ({} wei burned)", r.bond_slashed, r.bond_burned),
        format!("L1 gas per tx:       {:.0}", r.l1_gas_per_tx),
        format!("finality:            median {}, max {}", days(r.finality_seconds.median), days(r.finality_seconds.max)),
        format!("withdrawal latency:  median {}, max {}", days(r.withdrawal_latency_seconds.median), days(r.withdrawal_latency_seconds.max)),
        format!("ETH conserved:       {}; contract solvent: {}", yes(r.eth_conserved), yes(r.contract_solvent)),
    ]
    .join("\n")
}

fn yes(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}
