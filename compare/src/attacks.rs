//! The attack matrix: every design under every attack that applies, each cell a run of the design's own
//! simulation (or a figure computed from a run and the chain's parameters, labelled so), measured in the
//! same units: funds lost (wei, and by whom), delay to recovery, L1 gas spent by the honest side, and
//! whether the design's promise held.
//!
//! Scenarios are tiny (three or four users, a handful of transactions) and share one seed; the zk cells use
//! one seeded development setup of depth 2 and batch 1.
//!
//! The L1 gas-price spike is modelled the same way for every design: for [`AttackConfig::spike_seconds`] the
//! base fee stays above what the honest side is willing to pay, so none of its transactions is included.
//! Where the design has a run for "the honest side cannot act on L1 for that long" (channels: a revoked state
//! against a victim and tower that cannot get a penalty in; Plasma: the mass-exit model with the other
//! traffic's share of each block raised), the cell is that run; elsewhere the cell is computed from the
//! design's measured dispute or exit gas and its window (and says so).

use l1_contract_sim::{Address, Chain, ChainConfig, Wei, ETHER, GWEI};
use prover::{setup, Progress, Prover, SetupKind};
use rand_chacha::rand_core::SeedableRng;
use serde::Serialize;

use crate::designs::{ChannelsDesign, OptimisticDesign, PlasmaDesign, SidechainDesign};
use crate::error::{CompareError, Result};
use crate::metrics::{SimRng, Workload};

/// The attacks, the matrix's rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Attack {
    /// The operator (proposer, validators) posts a state that does not follow from the transactions.
    InvalidState,
    /// The operator commits to data it does not publish.
    DataWithholding,
    /// k of the n parties the design trusts collude.
    Collusion,
    /// A user's transactions are refused.
    Censorship,
    /// An old, revoked or spent state is broadcast as if current.
    StaleState,
    /// The users are offline for the whole dispute or exit window.
    UsersOffline,
    /// The L1 base fee spikes above what the honest side pays, during the window.
    GasSpike,
}

impl Attack {
    /// Every attack, in the matrix's order.
    pub const ALL: [Attack; 7] = [
        Attack::InvalidState,
        Attack::DataWithholding,
        Attack::Collusion,
        Attack::Censorship,
        Attack::StaleState,
        Attack::UsersOffline,
        Attack::GasSpike,
    ];

    /// A short name.
    pub fn label(self) -> &'static str {
        match self {
            Attack::InvalidState => "invalid state transition",
            Attack::DataWithholding => "data withholding",
            Attack::Collusion => "collusion (k of n)",
            Attack::Censorship => "censorship of a user",
            Attack::StaleState => "stale-state broadcast",
            Attack::UsersOffline => "users offline for the window",
            Attack::GasSpike => "L1 gas-price spike",
        }
    }
}

/// Whether the design's promise held.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Verdict {
    /// Nobody honest lost funds, and they got them back (maybe late).
    Held,
    /// Funds were lost, or the chain stopped with no way out.
    Broken,
    /// The design has no such surface.
    NotApplicable {
        /// Why.
        reason: String,
    },
}

impl Verdict {
    /// `held`, `BROKEN` or `n/a`.
    pub fn word(&self) -> &'static str {
        match self {
            Verdict::Held => "held",
            Verdict::Broken => "BROKEN",
            Verdict::NotApplicable { .. } => "n/a",
        }
    }
}

/// Who lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Party {
    /// Users of the L2.
    Users,
    /// The operator or proposer.
    Operator,
    /// Validators (their stake).
    Validators,
    /// The bridge contract (what it owes exceeds what it holds).
    Bridge,
}

/// Wei one party lost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Loss {
    /// Who.
    pub party: Party,
    /// How much.
    pub wei: Wei,
}

/// One run (or computed figure) of one cell.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    /// What this run varies ("one honest watcher", "70% of stake"); empty when the cell has one run.
    pub variant: String,
    /// Whether the promise held.
    pub verdict: Verdict,
    /// Wei the honest side lost, in total.
    pub funds_lost_wei: Wei,
    /// By whom: the honest side's losses, and the attacker's forfeited bond or stake (party `operator` or
    /// `validators`), which [`Outcome::funds_lost_wei`] does not count.
    pub losses: Vec<Loss>,
    /// Seconds from the attack until the honest side has its funds back (or the honest state is final);
    /// `None` when it never does, or when the cell does not apply.
    pub recovery_seconds: Option<f64>,
    /// L1 gas the honest side spent to stay safe.
    pub honest_l1_gas: u64,
    /// Whether the figures are computed (from a run's measured gas or timeline and the chain's parameters)
    /// rather than read from a run.
    pub computed: bool,
    /// One line: what happened.
    pub explanation: String,
}

impl Outcome {
    fn held(variant: &str, recovery: f64, gas: u64, explanation: String) -> Self {
        Outcome {
            variant: variant.into(),
            verdict: Verdict::Held,
            funds_lost_wei: 0,
            losses: vec![],
            recovery_seconds: Some(recovery),
            honest_l1_gas: gas,
            computed: false,
            explanation,
        }
    }

    fn broken(variant: &str, losses: Vec<Loss>, recovery: Option<f64>, gas: u64, explanation: String) -> Self {
        Outcome {
            variant: variant.into(),
            verdict: Verdict::Broken,
            funds_lost_wei: losses
                .iter()
                .filter(|l| !matches!(l.party, Party::Operator | Party::Validators))
                .map(|l| l.wei)
                .sum(),
            losses,
            recovery_seconds: recovery,
            honest_l1_gas: gas,
            computed: false,
            explanation,
        }
    }

    fn na(reason: &str) -> Self {
        Outcome {
            variant: String::new(),
            verdict: Verdict::NotApplicable { reason: reason.into() },
            funds_lost_wei: 0,
            losses: vec![],
            recovery_seconds: None,
            honest_l1_gas: 0,
            computed: false,
            explanation: reason.into(),
        }
    }

    fn computed(mut self) -> Self {
        self.computed = true;
        self
    }
}

/// One design under one attack.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cell {
    /// The design's name.
    pub design: String,
    /// The attack.
    pub attack: Attack,
    /// One outcome per run (two where the cell shows both sides of an assumption).
    pub outcomes: Vec<Outcome>,
}

/// The knobs of the matrix.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AttackConfig {
    /// Seed of every run.
    pub seed: u64,
    /// Users of the Plasma mass exit (computed from the measured gas per exit).
    pub mass_exit_users: u64,
    /// How long the gas-price spike lasts, seconds.
    pub spike_seconds: u64,
    /// The base fee during the spike, gwei (what the honest side would have to pay to get in).
    pub spike_gwei: f64,
    /// Share of each L1 block other traffic wants during the spike (the Plasma mass-exit model).
    pub spike_background_share: f64,
}

impl Default for AttackConfig {
    /// Seed 1; a mass exit of ten million users; a one-hour spike to 500 gwei with other traffic wanting 95% of
    /// each block.
    fn default() -> Self {
        AttackConfig {
            seed: 1,
            mass_exit_users: 10_000_000,
            spike_seconds: 3_600,
            spike_gwei: 500.0,
            spike_background_share: 0.95,
        }
    }
}

/// The whole matrix.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AttackMatrix {
    /// The knobs.
    pub config: AttackConfig,
    /// The designs, the matrix's columns.
    pub designs: Vec<String>,
    /// The attacks, its rows.
    pub attacks: Vec<Attack>,
    /// Every cell, design by design.
    pub cells: Vec<Cell>,
}

impl AttackMatrix {
    /// The cell of `design` under `attack`.
    pub fn cell(&self, design: &str, attack: Attack) -> Option<&Cell> {
        self.cells.iter().find(|c| c.design == design && c.attack == attack)
    }
}

/// The design names of the matrix.
pub const ZK: &str = "zk rollup";
/// See [`ZK`].
pub const OPTIMISTIC: &str = "optimistic rollup";
/// See [`ZK`].
pub const CHANNELS: &str = "payment channels";
/// See [`ZK`].
pub const SIDECHAIN: &str = "sidechain";
/// See [`ZK`].
pub const PLASMA: &str = "Plasma (MoreVP)";

fn design_err(design: &str) -> impl Fn(String) -> CompareError + '_ {
    move |why| CompareError::Design { design: design.into(), why }
}

fn workload(seed: u64) -> Workload {
    Workload { accounts: 3, txs: 4, withdrawal_share: 0.25, seed, ..Workload::default() }
}

/// Runs the whole matrix.
///
/// # Errors
/// A design's run failed, or a configuration that cannot run.
pub fn attack_matrix(cfg: &AttackConfig, progress: &mut dyn Progress) -> Result<AttackMatrix> {
    let ok = cfg.mass_exit_users > 0
        && cfg.spike_seconds > 0
        && cfg.spike_gwei.is_finite()
        && cfg.spike_gwei > 0.0
        && (0.0..=1.0).contains(&cfg.spike_background_share);
    if !ok {
        return Err(CompareError::Config("attack matrix: positive users, spike length and price; share 0 to 1".into()));
    }
    let mut cells = Vec::new();
    progress.stage("attack matrix: zk rollup");
    cells.extend(zk_cells(cfg, progress)?);
    progress.stage("attack matrix: optimistic rollup");
    cells.extend(optimistic_cells(cfg)?);
    progress.stage("attack matrix: payment channels");
    cells.extend(channels_cells(cfg)?);
    progress.stage("attack matrix: sidechain");
    cells.extend(sidechain_cells(cfg)?);
    progress.stage("attack matrix: Plasma");
    cells.extend(plasma_cells(cfg)?);
    Ok(AttackMatrix {
        config: cfg.clone(),
        designs: [ZK, OPTIMISTIC, CHANNELS, SIDECHAIN, PLASMA].map(String::from).to_vec(),
        attacks: Attack::ALL.to_vec(),
        cells,
    })
}

fn cell(design: &str, attack: Attack, outcomes: Vec<Outcome>) -> Cell {
    Cell { design: design.into(), attack, outcomes }
}

fn spike_wei(cfg: &AttackConfig, gas: u64) -> Wei {
    (gas as f64 * cfg.spike_gwei * GWEI as f64).round() as Wei
}

// ---------------------------------------------------------------------------------------------------------
// zk rollup
// ---------------------------------------------------------------------------------------------------------

fn zk_cells(cfg: &AttackConfig, progress: &mut dyn Progress) -> Result<Vec<Cell>> {
    use ledger::{Arity, ChainId, SecretKey, State, Transaction};
    use zk_rollup::contract::{DataMode, ZkCall, ZkRollup, ZkRollupParams};
    use zk_rollup::operator::send;
    use zk_rollup::simulation::{run_exodus, ZkScenario};

    let scenario = ZkScenario {
        accounts: 2,
        txs: 1,
        batch_size: 1,
        depth: 2,
        arity: Arity::Quaternary,
        seed: cfg.seed,
        ..ZkScenario::default()
    };
    let shape = scenario.shape()?;
    let mut rng = SimRng::seed_from_u64(cfg.seed);
    let keys = setup(shape, SetupKind::InsecureSeeded(cfg.seed), &mut rng, progress)?;
    let exodus = run_exodus(&scenario, Some(Prover::new(keys.clone())), &mut rng, progress)?;

    // A malicious operator against the contract: one user deposits, the honest batch lands, then a batch
    // whose public data says something its proof does not (an amount changed), then the old batch replayed.
    let prover = Prover::new(keys);
    let mut chain = Chain::new(ChainConfig::default());
    let params = ZkRollupParams::new(shape.tree, 1, ChainId::DEFAULT);
    let mut contract = ZkRollup::new(Address::from_label("zk-rollup"), params, prover.keys().pk.vk.clone());
    let user = Address::from_label("user-0");
    let operator = Address::from_label("operator");
    chain.fund(user, 10 * ETHER);
    chain.fund(operator, 10 * ETHER);
    let key = SecretKey::from_bytes([1; 32]);
    let err = design_err(ZK);
    let r = send(
        &mut chain,
        &mut contract,
        user,
        ETHER,
        ZkCall::Deposit { to: None, public_key: key.public_key().into() },
    )?;
    r.outcome.map_err(|e| err(e.0))?;
    let deposit = Transaction::Deposit(contract.queued_deposits()[0].deposit);
    let mut state = State::new(shape.tree, ChainId::DEFAULT);
    let record = state.apply_batch(&[deposit], 1)?;
    let proof = prover.prove(&record, &mut rng, progress)?;
    let first = ZkCall::CommitBatch {
        new_root: record.new_root,
        public_data: record.public_data(),
        proof: proof.proof.clone(),
        mode: DataMode::Calldata,
    };
    // The operator claims another new root (a state of its choosing) under the real batch's data and proof.
    let forged = ZkCall::CommitBatch {
        new_root: ledger::Fr::from(12_345u64),
        public_data: record.public_data(),
        proof: proof.proof,
        mode: DataMode::Calldata,
    };
    let invalid = send(&mut chain, &mut contract, operator, 0, forged)?;
    send(&mut chain, &mut contract, operator, 0, first.clone())?.outcome.map_err(|e| err(e.0))?;
    let root_after_honest = contract.root();
    let replay = send(&mut chain, &mut contract, operator, 0, first)?;
    let unchanged = contract.root() == root_after_honest && contract.batches().len() == 1;
    let refused = |ok: bool, r: &l1_contract_sim::Receipt<_>| ok && r.outcome.is_err();
    let why = |r: &l1_contract_sim::Receipt<_>| match &r.outcome {
        Err(e) => e.0.clone(),
        Ok(_) => "accepted".into(),
    };
    let invalid_cell = if refused(unchanged, &invalid) {
        Outcome::held(
            "",
            0.0,
            0,
            format!(
                "the operator claims a new root of its choosing for a real batch, with that batch's valid proof: the \
                 contract refuses it ({}); the operator wasted {} gas, users did nothing",
                why(&invalid),
                invalid.gas_used
            ),
        )
    } else {
        Outcome::broken("", vec![], None, 0, format!("the contract accepted a forged batch: {}", why(&invalid)))
    };
    let stale_cell = if refused(unchanged, &replay) {
        Outcome::held(
            "",
            0.0,
            0,
            format!(
                "the operator replays a verified batch (an old state transition): refused ({}), {} gas wasted by the \
                 operator",
                why(&replay),
                replay.gas_used
            ),
        )
    } else {
        Outcome::broken("", vec![], None, 0, "a replayed batch was accepted".into())
    };
    let everyone_out = exodus.exits + exodus.refunds > 0 && exodus.wei_left_in_contract == 0;
    let exit_gas = (exodus.exit_gas * exodus.exits as f64).round() as u64;
    let censorship = if everyone_out && exodus.reconstructed_root_matches {
        Outcome::held(
            "",
            exodus.seconds_until_everyone_out_final as f64,
            exit_gas,
            format!(
                "the operator censors {} deposits and stops: exodus mode after {:.1} days, {} users rebuild the state \
                 from L1 and exit with Merkle proofs, {} deposits refunded, nothing left in the contract",
                exodus.censored_deposits,
                exodus.seconds_to_exodus as f64 / 86_400.0,
                exodus.exits,
                exodus.refunds
            ),
        )
    } else {
        Outcome::broken(
            "",
            vec![Loss { party: Party::Users, wei: exodus.wei_left_in_contract }],
            None,
            exit_gas,
            "exodus left funds in the contract".into(),
        )
    };
    let user_balance = chain.balance(user);
    let offline = if unchanged && contract.batches().len() == 1 {
        Outcome::held(
            "",
            0.0,
            0,
            format!(
                "the user deposited and went offline ({:.2} ETH left on L1) while the operator sent a forged batch \
                 and a replayed one: both refused without any user transaction; the user's deposit stays in the \
                 verified state, and exodus (censorship row) needs no deadline to be met by a watcher",
                user_balance as f64 / 1e18
            ),
        )
    } else {
        Outcome::broken("", vec![], None, 0, "a batch changed the state while the user was offline".into())
    };
    let spike = Outcome::held(
        "",
        cfg.spike_seconds as f64,
        0,
        format!(
            "no honest transaction is needed for safety: the operator's commits wait out the {:.0}-minute spike (or \
             pay {:.0} gwei), so inclusion is late by up to that much; no window can expire on users",
            cfg.spike_seconds as f64 / 60.0,
            cfg.spike_gwei
        ),
    )
    .computed();
    Ok(vec![
        cell(ZK, Attack::InvalidState, vec![invalid_cell]),
        cell(
            ZK,
            Attack::DataWithholding,
            vec![Outcome::na(
                "no surface: a batch's public data travels in its commit transaction (calldata or blobs) and the \
                 proof's public input hashes it; a batch without its data is refused",
            )],
        ),
        cell(
            ZK,
            Attack::Collusion,
            vec![Outcome::na(
                "no committee: one operator, and validity proofs need no quorum of signers (the trusted setup's \
                 participants are the only k-of-n, outside the run)",
            )],
        ),
        cell(ZK, Attack::Censorship, vec![censorship]),
        cell(ZK, Attack::StaleState, vec![stale_cell]),
        cell(ZK, Attack::UsersOffline, vec![offline]),
        cell(ZK, Attack::GasSpike, vec![spike]),
    ])
}

// ---------------------------------------------------------------------------------------------------------
// optimistic rollup
// ---------------------------------------------------------------------------------------------------------

/// Transactions of the optimistic censorship run (one an hour, so that traffic outlasts the sequencing window).
const CENSORSHIP_TXS: usize = 16;

fn optimistic_cells(cfg: &AttackConfig) -> Result<Vec<Cell>> {
    use optimistic::{ChallengerBehaviour, Lie, LiePlan, ProposerBehaviour, Report, Scenario};
    let w = workload(cfg.seed);
    let design = OptimisticDesign::new(2, 4, 2);
    let base = design.scenario(&w)?;
    let minted: u64 = 500_000_000;
    let lying = Scenario {
        proposer: ProposerBehaviour::Lying(LiePlan {
            batch: 0,
            step: 0,
            lie: Lie::MintToSelf { amount: minted },
            stall: false,
        }),
        ..base.clone()
    };
    let err = |e: optimistic::OptimisticError| CompareError::Design { design: OPTIMISTIC.into(), why: e.to_string() };
    let go = |challengers: Vec<ChallengerBehaviour>| -> Result<Report> {
        optimistic::run(&Scenario { challengers, ..lying.clone() }, &mut w.rng()).map_err(err)
    };
    let watched = go(vec![ChallengerBehaviour::Honest])?;
    let unwatched = go(vec![])?;
    let two_lazy_one_honest =
        go(vec![ChallengerBehaviour::Lazy, ChallengerBehaviour::Lazy, ChallengerBehaviour::Honest])?;
    let all_lazy = go(vec![ChallengerBehaviour::Lazy, ChallengerBehaviour::Lazy, ChallengerBehaviour::Lazy])?;
    let minted_wei = Wei::from(minted) * GWEI;
    let days = base.challenge_window_seconds as f64 / 86_400.0;
    let judge = |variant: &str, r: &Report| -> Outcome {
        if r.false_root_confirmed {
            Outcome::broken(
                variant,
                vec![Loss { party: Party::Users, wei: minted_wei }],
                None,
                r.dispute_gas,
                format!(
                    "nobody disputed within the {days:.0}-day window: the assertion minting {} ETH to the proposer was \
                     confirmed; the users who withdraw last find the contract short by that much",
                    minted_wei as f64 / 1e18
                ),
            )
        } else {
            let slashed = vec![Loss { party: Party::Operator, wei: r.bond_slashed }];
            Outcome {
                losses: slashed,
                ..Outcome::held(
                    variant,
                    r.finality_seconds.max,
                    r.dispute_gas,
                    format!(
                    "disputed: {} game(s), {} L1 moves ({} gas, both sides), the false assertion rejected, {} ETH of \
                     bond slashed; the honest state confirmed {:.1} days after submission at worst",
                    r.disputes,
                    r.dispute_l1_txs,
                    r.dispute_gas,
                    r.bond_slashed as f64 / 1e18,
                    r.finality_seconds.max / 86_400.0
                ),
                )
            }
        }
    };
    // Censorship: a proposer with true traces that leaves the last user's deposit (and so every transaction that
    // needs its account) out of its assertions. Forced inclusion binds assertions, so the proposer must have
    // other users' transactions to post past the 12-hour sequencing window: this run has 16 transactions, one an
    // hour.
    let censored_user = base.users - 1;
    let censoring = Scenario {
        proposer: ProposerBehaviour::Censoring { user: censored_user },
        l2_txs: CENSORSHIP_TXS,
        tx_interval_seconds: 3600,
        challengers: vec![ChallengerBehaviour::Honest],
        ..base.clone()
    };
    let censored = optimistic::run(&censoring, &mut w.rng()).map_err(err)?;
    let censorship = match &censored.censorship {
        Some(c) if c.confirmed && censored.eth_conserved && censored.contract_solvent => Outcome::held(
            "",
            c.delay_seconds.unwrap_or_default() as f64,
            0,
            format!(
                "the proposer leaves user {censored_user}'s deposit out: {} assertion(s) without it accepted while it \
                 was younger than the {:.0}-hour sequencing window; past it the contract refused {} that left it out \
                 ({} gas, paid by the proposer), and the proposer included it in the same block ({} gas): in the L2 \
                 state {:.1} h after the deposit, confirmed {days:.0} days later; the user sent nothing but its \
                 deposit",
                c.accepted_without_it,
                c.sequencing_window_seconds as f64 / 3600.0,
                c.refused_proposals,
                c.refused_gas,
                c.inclusion_gas.unwrap_or_default(),
                c.delay_seconds.unwrap_or_default() as f64 / 3600.0,
            ),
        ),
        _ => Outcome::broken(
            "",
            vec![],
            None,
            0,
            format!(
                "the censored deposit never reached a confirmed assertion: nothing forces a proposer that stops \
                 posting ({:?})",
                censored.censorship
            ),
        ),
    };
    let spike_cost = spike_wei(cfg, watched.dispute_gas);
    let spike_ok = cfg.spike_seconds < base.challenge_window_seconds;
    let spike = if spike_ok {
        Outcome::held(
            "",
            watched.finality_seconds.max + cfg.spike_seconds as f64,
            watched.dispute_gas,
            format!(
                "the {:.0}-minute spike is shorter than the {days:.0}-day window: the challenger waits it out, or pays \
                 {:.4} ETH at {:.0} gwei for the dispute's measured {} gas; confirmation is late by the spike",
                cfg.spike_seconds as f64 / 60.0,
                spike_cost as f64 / 1e18,
                cfg.spike_gwei,
                watched.dispute_gas
            ),
        )
    } else {
        Outcome::broken(
            "",
            vec![Loss { party: Party::Users, wei: minted_wei }],
            None,
            0,
            "the spike outlasts the challenge window: no dispute gets in".into(),
        )
    }
    .computed();
    Ok(vec![
        cell(
            OPTIMISTIC,
            Attack::InvalidState,
            vec![judge("one honest watcher", &watched), judge("no watcher", &unwatched)],
        ),
        cell(
            OPTIMISTIC,
            Attack::DataWithholding,
            vec![Outcome::na(
                "no surface: every assertion's signed transactions travel in its calldata, and the one-step proof \
                 re-executes from them; the proposer cannot commit without publishing",
            )],
        ),
        cell(
            OPTIMISTIC,
            Attack::Collusion,
            vec![
                judge("2 of 3 watchers collude (silent), 1 honest", &two_lazy_one_honest),
                judge("3 of 3 watchers collude", &all_lazy),
            ],
        ),
        cell(OPTIMISTIC, Attack::Censorship, vec![censorship]),
        cell(
            OPTIMISTIC,
            Attack::StaleState,
            vec![Outcome::na(
                "no surface: there are no revocable off-chain states; every assertion names its parent and the \
                 contract accepts only children of a pending or confirmed one",
            )],
        ),
        cell(OPTIMISTIC, Attack::UsersOffline, vec![judge("every user offline, no third-party watcher", &unwatched)]),
        cell(OPTIMISTIC, Attack::GasSpike, vec![spike]),
    ])
}

// ---------------------------------------------------------------------------------------------------------
// payment channels
// ---------------------------------------------------------------------------------------------------------

fn channels_cells(cfg: &AttackConfig) -> Result<Vec<Cell>> {
    use channels::driver::{Cheat, Roles};
    use channels::{Report, Scenario};
    let w = workload(cfg.seed);
    let mut rng = w.rng();
    let (honest, _) = ChannelsDesign::scenario(&w, &mut rng)?;
    let err = |e: channels::ChannelError| CompareError::Design { design: CHANNELS.into(), why: e.to_string() };
    let run = |roles: Roles| -> Result<Report> {
        channels::run(&Scenario { roles, ..honest.clone() }, &mut w.rng()).map_err(err)
    };
    let cheater = honest.payments.first().map_or(0, |p| p.from);
    let victim_peer = honest.payments.first().map_or(1, |p| p.to);
    let end = honest.payments.len() as u64 * w.seconds_between_txs;
    let window = honest.params.to_self_delay * ChainConfig::default().slot_seconds;
    let towers: Vec<usize> = (0..honest.nodes).filter(|&n| n != cheater).collect();
    let cheat = |offline: u64| Cheat { node: cheater, at_seconds: end + 60, victim_offline_seconds: offline };
    let gas_of = |r: &Report, call: &str| r.gas_by_call.iter().filter(|c| c.call == call).map(|c| c.gas).sum::<u64>();
    let lost = |r: &Report| -> Wei {
        r.node_records
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != cheater)
            .map(|(_, n)| if n.surplus < 0 { n.surplus.unsigned_abs() } else { 0 })
            .sum()
    };
    let judge = |variant: &str, r: &Report, extra: &str| -> Outcome {
        let loss = lost(r);
        if r.revoked_succeeded > 0 || loss > 0 || !r.honest_losers.is_empty() {
            Outcome::broken(
                variant,
                vec![Loss { party: Party::Users, wei: loss }],
                None,
                gas_of(r, "penalize"),
                format!(
                    "{} revoked state(s) paid out as broadcast: nobody answered within the {}-block window; the \
                     victim lost {:.4} ETH{extra}",
                    r.revoked_succeeded,
                    honest.params.to_self_delay,
                    loss as f64 / 1e18
                ),
            )
        } else {
            Outcome::held(
                variant,
                r.withdrawal_seconds.max,
                gas_of(r, "penalize"),
                format!(
                    "{} revoked close(s), {} penalised ({} by a watchtower): the victim took the cheater's whole \
                     channel, {:.4} ETH{extra}",
                    r.revoked_closes,
                    r.penalties,
                    r.penalties_by_watchtower,
                    r.penalty_wei as f64 / 1e18
                ),
            )
        }
    };
    let online = run(Roles { cheaters: vec![cheat(0)], ..Roles::default() })?;
    let offline_tower = run(Roles { cheaters: vec![cheat(window + 600)], watchtowers: towers, ..Roles::default() })?;
    let offline_alone = run(Roles { cheaters: vec![cheat(window + 600)], ..Roles::default() })?;
    let spiked = run(Roles { cheaters: vec![cheat(cfg.spike_seconds)], ..Roles::default() })?;
    let withheld = run(Roles { withholders: vec![victim_peer], ..Roles::default() })?;
    let griefed = run(Roles { griefers: vec![victim_peer], ..Roles::default() })?;
    let htlc_outcome = |r: &Report, what: &str| -> Outcome {
        let amount: Wei = honest.payments.iter().filter(|p| p.to == victim_peer).map(|p| p.amount).sum();
        let mean_lock = if amount == 0 { 0.0 } else { r.htlc_locked_wei_seconds as f64 / amount as f64 };
        let loss = lost(r);
        let gas = gas_of(r, "register secret") + gas_of(r, "unlock") + gas_of(r, "close") + gas_of(r, "settle");
        if r.honest_losers.is_empty() && loss == 0 && r.atomic {
            Outcome::held(
                "",
                mean_lock,
                gas,
                format!(
                    "{what}: {} of {} payments succeeded, {} resolved on L1, every hop atomic, no honest node lost; \
                     their HTLCs stayed locked {mean_lock:.0} s on average (computed: locked wei·s over the amount)",
                    r.succeeded, r.payments, r.resolved_on_chain
                ),
            )
        } else {
            Outcome::broken(
                "",
                vec![Loss { party: Party::Users, wei: loss }],
                None,
                gas,
                format!("{what}: honest nodes lost {:.4} ETH", loss as f64 / 1e18),
            )
        }
    };
    let minutes = window as f64 / 60.0;
    Ok(vec![
        cell(
            CHANNELS,
            Attack::InvalidState,
            vec![Outcome::na(
                "no surface: no operator posts state; every state is signed by both parties and the contract checks \
                 both signatures (an old state signed by both is the stale-state row)",
            )],
        ),
        cell(
            CHANNELS,
            Attack::DataWithholding,
            vec![htlc_outcome(&withheld, "the payee withholds its preimage until just before expiry")],
        ),
        cell(
            CHANNELS,
            Attack::Collusion,
            vec![Outcome::na(
                "no committee: a channel has two parties and the counterparty is the only other signer; its cheating \
                 is the stale-state row",
            )],
        ),
        cell(
            CHANNELS,
            Attack::Censorship,
            vec![htlc_outcome(&griefed, "the payee never settles (liquidity griefing: the route refuses to finish)")],
        ),
        cell(
            CHANNELS,
            Attack::StaleState,
            vec![
                judge("victim online", &online, ""),
                judge(&format!("victim offline > {minutes:.0} min, watchtower"), &offline_tower, ""),
            ],
        ),
        cell(
            CHANNELS,
            Attack::UsersOffline,
            vec![judge(
                &format!("victim offline > {minutes:.0} min, no watchtower"),
                &offline_alone,
                ", its funds stolen by the revoked state",
            )],
        ),
        cell(
            CHANNELS,
            Attack::GasSpike,
            vec![judge(
                &format!("{:.0}-minute spike over a {minutes:.0}-minute window", cfg.spike_seconds as f64 / 60.0),
                &spiked,
                &format!(
                    " (run: neither victim nor tower can get a penalty in while the base fee is above {:.0} gwei, \
                     modelled as being unable to act on L1 for the spike)",
                    cfg.spike_gwei
                ),
            )],
        ),
    ])
}

// ---------------------------------------------------------------------------------------------------------
// sidechain
// ---------------------------------------------------------------------------------------------------------

fn sidechain_cells(cfg: &AttackConfig) -> Result<Vec<Cell>> {
    use sidechain::{Attack as SAttack, Report, Scenario, SignatureScheme};
    let w = workload(cfg.seed);
    let design = SidechainDesign::new(10, 16, SignatureScheme::Ecdsa, 4);
    // Equal stakes, so that a share of stake is a count of validators (k of n).
    let stakes = sidechain::validators::StakeDistribution { max_factor: 1.0, ..Default::default() };
    let base = Scenario { stakes, ..design.scenario(&w)? };
    let err = |e: sidechain::SidechainError| CompareError::Design { design: SIDECHAIN.into(), why: e.to_string() };
    let run = |attack: SAttack| -> Result<Report> {
        sidechain::run(&Scenario { attack, ..base.clone() }, &mut w.rng()).map_err(err)
    };
    let honest = run(SAttack::None)?;
    let collude = |share: f64| -> Result<Outcome> {
        let r = run(SAttack::Collude { stake_fraction: share })?;
        let Some(t) = &r.theft else {
            return Err(CompareError::Design { design: SIDECHAIN.into(), why: "a collusion run had no theft".into() });
        };
        let pct = 100.0 * t.coalition_stake as f64 / t.total_stake.max(1) as f64;
        let variant = &format!("{} of {} validators, {pct:.0}% of stake", t.coalition_validators, r.validators);
        Ok(if t.forged_checkpoint_accepted {
            let mut losses = vec![Loss { party: Party::Users, wei: t.stolen_wei }];
            if t.coalition_stake_slashed > 0 {
                losses.push(Loss { party: Party::Validators, wei: t.coalition_stake_slashed });
            }
            Outcome {
                funds_lost_wei: t.stolen_wei,
                ..Outcome::broken(
                    variant,
                    losses,
                    None,
                    0,
                    format!(
                        "{} of {} validators ({pct:.0}% of stake, above 2/3) sign a forged checkpoint: the bridge \
                         accepts it and pays {:.2} ETH of users' deposits to the attacker in {} s; the bridge checks \
                         signatures, never the state",
                        t.coalition_validators,
                        r.validators,
                        t.stolen_wei as f64 / 1e18,
                        t.seconds_to_drain
                    ),
                )
            }
        } else {
            Outcome::held(
                variant,
                0.0,
                0,
                format!(
                    "{} of {} validators ({pct:.0}% of stake, not above 2/3) sign a forged checkpoint: refused ({})",
                    t.coalition_validators,
                    r.validators,
                    t.refusal.clone().unwrap_or_default()
                ),
            )
        })
    };
    let third = collude(0.3)?;
    let half = collude(0.6)?;
    let mut theft = collude(0.7)?;
    for share in [0.8, 1.0] {
        if theft.verdict == Verdict::Broken {
            break;
        }
        theft = collude(share)?;
    }
    let halted = run(SAttack::Offline { stake_fraction: 0.4 })?;
    let censorship = if halted.halted {
        Outcome::broken(
            "",
            vec![],
            None,
            0,
            format!(
                "4 of 10 validators (40% of stake, above 1/3) stop signing (the same power censors any user): the \
                 chain halts ({}); users have no forced exit, their {:.2} ETH (the bridge's balance less the stake) \
                 stays in the bridge until the validators return",
                halted.halt_reason.clone().unwrap_or_default(),
                halted.bridge_balance.saturating_sub(halted.total_stake) as f64 / 1e18
            ),
        )
    } else {
        Outcome::held(
            "",
            halted.withdrawal_latency_seconds.max,
            0,
            "with 4 of 10 validators offline the chain still ran".into(),
        )
    };
    let equivocation = run(SAttack::Equivocate)?;
    let stale = match &equivocation.equivocation {
        Some(e) => Outcome::held(
            "",
            0.0,
            e.evidence_gas,
            format!(
                "a validator double-signs (two conflicting blocks at height {}): the evidence on L1 slashes {:.2} ETH \
                 of its stake, {:.2} ETH to the reporter; the replayed evidence is refused: {}",
                e.height,
                e.slashed_wei as f64 / 1e18,
                e.reporter_reward_wei as f64 / 1e18,
                e.replay_refused
            ),
        ),
        None => Outcome::broken("", vec![], None, 0, "no equivocation was recorded".into()),
    };
    let offline = if honest.withdrawals_paid == honest.withdrawals && honest.bridge_solvent {
        Outcome::held(
            "",
            honest.withdrawal_latency_seconds.max,
            0,
            format!(
                "users need not watch: the validators carry the chain; {} of {} withdrawals paid after their \
                 checkpoint, the bridge solvent (safety rests on the validators, see collusion)",
                honest.withdrawals_paid, honest.withdrawals
            ),
        )
    } else {
        Outcome::broken("", vec![], None, 0, "the honest run did not pay every withdrawal".into())
    };
    let spike = Outcome::held(
        "",
        honest.withdrawal_latency_seconds.max + cfg.spike_seconds as f64,
        0,
        format!(
            "no user deadline: checkpoints ({} gas each, measured) wait out the {:.0}-minute spike or pay {:.4} ETH \
             each at {:.0} gwei; withdrawals are late by the spike",
            honest.checkpoint_gas / honest.checkpoints.max(1) as u64,
            cfg.spike_seconds as f64 / 60.0,
            spike_wei(cfg, honest.checkpoint_gas / honest.checkpoints.max(1) as u64) as f64 / 1e18,
            cfg.spike_gwei
        ),
    )
    .computed();
    Ok(vec![
        cell(SIDECHAIN, Attack::InvalidState, vec![third]),
        cell(
            SIDECHAIN,
            Attack::DataWithholding,
            vec![Outcome::na(
                "no separate surface: the bridge never checks state or data, only signatures; validators that \
                 withhold data and sign anyway are the collusion row",
            )],
        ),
        cell(SIDECHAIN, Attack::Collusion, vec![half, theft]),
        cell(SIDECHAIN, Attack::Censorship, vec![censorship]),
        cell(SIDECHAIN, Attack::StaleState, vec![stale]),
        cell(SIDECHAIN, Attack::UsersOffline, vec![offline]),
        cell(SIDECHAIN, Attack::GasSpike, vec![spike]),
    ])
}

// ---------------------------------------------------------------------------------------------------------
// Plasma
// ---------------------------------------------------------------------------------------------------------

fn plasma_cells(cfg: &AttackConfig) -> Result<Vec<Cell>> {
    use plasma::mass_exit::{self, MassExitConfig, MassExitPoint};
    use plasma::{Attack as PAttack, Report, Scenario};
    let w = workload(cfg.seed);
    let design = PlasmaDesign::new(4, 4);
    let base = design.scenario(&w, &mut w.rng())?;
    let err = |e: plasma::PlasmaError| CompareError::Design { design: PLASMA.into(), why: e.to_string() };
    let run = |s: Scenario| -> Result<Report> { plasma::run(&s, &mut w.rng()).map_err(err) };
    let honest_gas = |r: &Report| -> u64 {
        r.gas_by_call
            .iter()
            .filter(|(k, _)| !matches!(k.as_str(), "Deposit" | "SubmitBlock"))
            .map(|(_, c)| (c.median * c.count as f64).round() as u64)
            .sum()
    };
    let days = base.min_exit_period as f64 / 86_400.0;
    let judge = |r: &Report, what: &str| -> Outcome {
        let detected = r.attack_detected.map_or(0, |d| d.0);
        let recovery = r.simulated_seconds.saturating_sub(detected) as f64;
        if r.online_users_whole && r.offline_loss == 0 && !r.output_paid_twice {
            Outcome::held(
                "",
                recovery,
                honest_gas(r),
                format!(
                    "{what}: users watching detect it and exit within the {days:.0}-day period ({} exits, {} in \
                     flight, {} piggybacks, {} challenges); every online user paid in full",
                    r.exits, r.in_flight_exits, r.piggybacks, r.challenges
                ),
            )
            .computed_gas()
        } else {
            let mut losses = vec![Loss { party: Party::Users, wei: r.offline_loss }];
            losses.retain(|l| l.wei > 0);
            Outcome::broken(
                "",
                losses,
                None,
                honest_gas(r),
                format!(
                    "{what}: {} users failed to exit in time and lost {:.4} ETH, the operator took {:.4} ETH",
                    r.failed_to_exit,
                    r.offline_loss as f64 / 1e18,
                    r.operator_took as f64 / 1e18
                ),
            )
            .computed_gas()
        }
    };
    let invalid = run(Scenario { attack: PAttack::InvalidTx, attack_block: 1, ..base.clone() })?;
    let withheld = run(Scenario { attack: PAttack::Withhold, attack_block: 1, ..base.clone() })?;
    let cheat = run(Scenario { attack: PAttack::Withhold, attack_block: 1, cheaters: 1, ..base.clone() })?;
    let offline = run(Scenario { attack: PAttack::Withhold, attack_block: 1, offline_share: 0.5, ..base.clone() })?;
    // Censorship: the operator refuses the first payer's transactions; that user waits and exits.
    let censored_user = base.workload.as_ref().and_then(|w| w.first()).map_or(0, |p| match *p {
        plasma::Payment::Transfer { from, .. } | plasma::Payment::Withdraw { from, .. } => from,
    });
    let censor = run(Scenario { attack: PAttack::Censor, censored_user, ..base.clone() })?;
    let censorship = match &censor.censorship {
        Some(c) => {
            let back = c.l1_balance_after + c.fees_paid;
            let whole = c.recovered_at.is_some()
                && back >= c.l1_balance_before
                && back - c.l1_balance_before == c.plasma_balance
                && c.exits_challenged == 0
                && censor.online_users_whole
                && censor.eth_conserved
                && censor.contract_solvent;
            let wait = base.censorship_wait_seconds as f64 / 3600.0;
            if whole {
                let delay = c.recovered_at.map_or(0, |t| t.saturating_sub(c.first_refused_at));
                Outcome::held(
                    "",
                    delay as f64,
                    c.gas_used,
                    format!(
                        "the operator refused the user's {} transaction(s) and kept making blocks; after a {wait:.0}-hour \
                         wait the user started standard exits of its included outputs ({} L1 calls, {} gas, {} wei of \
                         fees), the operator's {} forged challenge(s) were refused, and its L1 balance rose by its whole \
                         Plasma balance ({:.4} ETH) less those fees, {:.2} days after the first refusal",
                        c.refused_txs,
                        c.l1_txs,
                        c.gas_used,
                        c.fees_paid,
                        censor.forged_challenges_refused,
                        c.plasma_balance as f64 / 1e18,
                        delay as f64 / 86_400.0
                    ),
                )
            } else {
                let lost = c.plasma_balance.saturating_sub(c.paid_out);
                Outcome::broken(
                    "",
                    vec![Loss { party: Party::Users, wei: lost }],
                    None,
                    c.gas_used,
                    format!(
                        "the censored user got {:.4} ETH of its {:.4} ETH Plasma balance back on L1",
                        c.paid_out as f64 / 1e18,
                        c.plasma_balance as f64 / 1e18
                    ),
                )
            }
        }
        None => Outcome::broken("", vec![], None, 0, "the censored user sent no transaction to refuse".into()),
    };
    let exit_gas = withheld.exit_gas.max(invalid.exit_gas);
    let mass = |c: &MassExitConfig| mass_exit::computed(c, cfg.mass_exit_users, exit_gas).map_err(err);
    let normal = mass(&MassExitConfig::default())?;
    let spiked = mass(&MassExitConfig { background_share: cfg.spike_background_share, ..MassExitConfig::default() })?;
    let mass_outcome = |p: &MassExitPoint, variant: String, what: &str| -> Outcome {
        let lost = Wei::from(p.failed_to_exit) * base.deposit;
        let text = format!(
            "{what}{} users must exit in {days:.0} days at {:.0} gas each (measured): {:.1}% get in, the base fee \
             peaks at {:.0} gwei{}",
            p.users,
            p.exit_gas,
            100.0 * p.share_in_time,
            p.peak_base_fee_gwei,
            if p.failed_to_exit > 0 {
                format!(
                    "; {} users ({:.0} ETH at {} ETH each) are left to the operator",
                    p.failed_to_exit,
                    lost as f64 / 1e18,
                    base.deposit as f64 / 1e18
                )
            } else {
                String::new()
            }
        );
        if p.failed_to_exit > 0 {
            Outcome::broken(&variant, vec![Loss { party: Party::Users, wei: lost }], None, 0, text).computed()
        } else {
            Outcome::held(&variant, p.last_exit_seconds as f64, (exit_gas * p.users as f64) as u64, text).computed()
        }
    };
    let mut withholding = judge(&withheld, "the operator withholds a block that steals an output");
    withholding.variant = format!("{} users (run)", base.users);
    let mut stale = judge(&cheat, "a user tries to exit an output it already spent");
    if cheat.spent_exits_challenged {
        stale.explanation.push_str(&format!(
            "; the spent exit was challenged and its bond ({:.4} ETH) lost",
            cheat.cheater_bonds_lost as f64 / 1e18
        ));
    }
    Ok(vec![
        cell(
            PLASMA,
            Attack::InvalidState,
            vec![judge(&invalid, "the operator includes a transaction spending another's output")],
        ),
        cell(
            PLASMA,
            Attack::DataWithholding,
            vec![withholding, mass_outcome(&normal, format!("{} users (computed mass exit)", cfg.mass_exit_users), "")],
        ),
        cell(
            PLASMA,
            Attack::Collusion,
            vec![Outcome::na(
                "no committee: a single operator; its attacks are the invalid-state and withholding rows",
            )],
        ),
        cell(PLASMA, Attack::Censorship, vec![censorship]),
        cell(PLASMA, Attack::StaleState, vec![stale]),
        cell(PLASMA, Attack::UsersOffline, vec![judge(&offline, "half the users offline when a block is withheld")]),
        cell(
            PLASMA,
            Attack::GasSpike,
            vec![mass_outcome(
                &spiked,
                format!(
                    "{} users, other traffic wants {:.0}% of each block",
                    cfg.mass_exit_users,
                    100.0 * cfg.spike_background_share
                ),
                "mass exit in congestion: ",
            )],
        ),
    ])
}

impl Outcome {
    /// Marks the honest gas as computed (Plasma: count × median gas per call).
    fn computed_gas(mut self) -> Self {
        self.explanation.push_str(" (honest gas: calls × their median gas, computed)");
        self
    }
}

// ---------------------------------------------------------------------------------------------------------
// output
// ---------------------------------------------------------------------------------------------------------

/// Wei as ETH with four decimals.
fn eth(wei: Wei) -> String {
    format!("{:.4} ETH", wei as f64 / 1e18)
}

/// One outcome in a few words: `held: variant, lost 0 ETH, recovered in 7.0 d, 12345 gas`.
pub fn outcome_words(o: &Outcome) -> String {
    if let Verdict::NotApplicable { .. } = o.verdict {
        return "n/a".into();
    }
    let mut s = o.verdict.word().to_string();
    if !o.variant.is_empty() {
        s.push_str(&format!(" ({})", o.variant));
    }
    s.push_str(&format!(
        ": lost {}, {}, honest gas {}{}",
        eth(o.funds_lost_wei),
        o.recovery_seconds
            .map_or("never recovered".into(), |r| format!("back after {}", crate::report::human_seconds(r))),
        o.honest_l1_gas,
        if o.computed { " [computed]" } else { "" }
    ));
    s
}

/// The matrix for a terminal: attacks as rows, designs as columns (each cell's verdicts), then every cell's
/// outcomes with their one-line explanations.
pub fn attacks_table(m: &AttackMatrix) -> String {
    let mut rows: Vec<Vec<String>> =
        vec![std::iter::once("attack".to_string()).chain(m.designs.iter().cloned()).collect()];
    for a in &m.attacks {
        let mut row = vec![a.label().to_string()];
        for d in &m.designs {
            let words = m.cell(d, *a).map_or("-".to_string(), |c| {
                c.outcomes.iter().map(|o| o.verdict.word()).collect::<Vec<_>>().join(" / ")
            });
            row.push(words);
        }
        rows.push(row);
    }
    let widths: Vec<usize> =
        (0..rows[0].len()).map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0)).collect();
    let mut out = String::new();
    for (n, r) in rows.iter().enumerate() {
        let line: Vec<String> = r.iter().zip(&widths).map(|(c, w)| format!("{c:<w$}")).collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
        if n == 0 {
            out.push_str(&widths.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>().join("  "));
            out.push('\n');
        }
    }
    out.push('\n');
    for c in &m.cells {
        for o in &c.outcomes {
            out.push_str(&format!(
                "{} / {}: {}\n    {}\n",
                c.design,
                c.attack.label(),
                outcome_words(o),
                o.explanation
            ));
        }
    }
    out.trim_end().to_string()
}

/// The matrix as JSON (every number).
///
/// # Errors
/// Serialisation failed.
pub fn attacks_json(m: &AttackMatrix) -> Result<String> {
    Ok(serde_json::to_string_pretty(m)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_matrix_shows_the_expected_verdicts() {
        let t = std::time::Instant::now();
        let m = attack_matrix(&AttackConfig::default(), &mut ledger::progress::Silent).unwrap();
        eprintln!("attack matrix: {:.1} s", t.elapsed().as_secs_f64());
        let verdicts = |d: &str, a: Attack| -> Vec<Verdict> {
            m.cell(d, a).unwrap().outcomes.iter().map(|o| o.verdict.clone()).collect()
        };
        assert_eq!(m.cells.len(), 5 * 7, "every design under every attack");
        // zk: the contract refuses an invalid state transition.
        assert_eq!(verdicts(ZK, Attack::InvalidState), vec![Verdict::Held]);
        // Optimistic: refused with one honest watcher, confirmed with none.
        assert_eq!(verdicts(OPTIMISTIC, Attack::InvalidState), vec![Verdict::Held, Verdict::Broken]);
        let none = &m.cell(OPTIMISTIC, Attack::InvalidState).unwrap().outcomes[1];
        assert!(none.funds_lost_wei > 0 && none.recovery_seconds.is_none());
        // Optimistic: a censoring proposer is forced to include the deposit after the 12-hour sequencing window.
        assert_eq!(verdicts(OPTIMISTIC, Attack::Censorship), vec![Verdict::Held]);
        let delay = m.cell(OPTIMISTIC, Attack::Censorship).unwrap().outcomes[0].recovery_seconds.unwrap();
        assert!((12.0 * 3600.0..=24.0 * 3600.0).contains(&delay), "{delay}");
        // Sidechain: a coalition above 2/3 steals, below it is refused.
        assert_eq!(verdicts(SIDECHAIN, Attack::Collusion), vec![Verdict::Held, Verdict::Broken]);
        let theft = &m.cell(SIDECHAIN, Attack::Collusion).unwrap().outcomes[1];
        assert!(theft.funds_lost_wei > 0 && theft.losses.iter().any(|l| l.party == Party::Users));
        // Plasma: the run holds, the mass exit of the configured users does not fit in the period.
        assert_eq!(verdicts(PLASMA, Attack::DataWithholding), vec![Verdict::Held, Verdict::Broken]);
        assert!(m.cell(PLASMA, Attack::DataWithholding).unwrap().outcomes[1].computed);
        // Plasma: the censored user exits; back after the wait and the exit period, without losing anything.
        assert_eq!(verdicts(PLASMA, Attack::Censorship), vec![Verdict::Held]);
        let censored = &m.cell(PLASMA, Attack::Censorship).unwrap().outcomes[0];
        let period = plasma::contract::PlasmaParams::DEFAULT_MIN_EXIT_PERIOD as f64;
        let back = censored.recovery_seconds.unwrap();
        assert!(back >= period && back <= 2.0 * period + 2.0 * 3600.0, "{censored:?}");
        assert!(censored.honest_l1_gas > 100_000 && !censored.computed);
        // Channels: a revoked state is punished when the victim is online (or has a tower), stolen without.
        assert_eq!(verdicts(CHANNELS, Attack::StaleState), vec![Verdict::Held, Verdict::Held]);
        assert_eq!(verdicts(CHANNELS, Attack::UsersOffline), vec![Verdict::Broken]);
        // Cells that do not apply say why.
        for c in &m.cells {
            for o in &c.outcomes {
                if let Verdict::NotApplicable { reason } = &o.verdict {
                    assert!(reason.len() > 20, "{c:?}");
                }
            }
        }
        let json = attacks_json(&m).unwrap();
        assert!(json.contains("\"not_applicable\"") && json.contains("\"funds_lost_wei\""));
        let html = crate::report::page::render_attacks_html(&m);
        assert!(html.contains("class=\"broken\"") && html.contains("class=\"held\"") && html.contains("class=\"na\""));
        assert!(!html.contains("http://") && !html.contains("https://"), "self-contained");
        assert!(attacks_table(&m).contains("BROKEN"));
    }
}
