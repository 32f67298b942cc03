//! The optimistic-rollup contract: the one-step proof against `ledger::State::apply` (differential), the
//! Merkle helpers and dissection points, and the calls the contract must refuse.

use l1_contract_sim::{Address, Chain, ChainConfig, Receipt, TxRequest, ETHER, GWEI};
use ledger::TxAmount;
use ledger::{
    AccountIndex, Amount, Arity, ChainId, Deposit, Nonce, SecretKey, State, Transaction, Transfer, TreeShape,
    Withdrawal,
};
use optimistic::contract::{
    dissection_points, execute_batch, merkle_depth, merkle_path, merkle_root, merkle_verify, trace_commitment,
    trace_path, tx_leaf, AssertionStatus, GameStage, OptCall, OptEvent, OptimisticParams, OptimisticRollup, Resolution,
    Side, TraceState,
};

/// How a dispute ended: winner and why.
type Outcome = Option<(Side, Resolution)>;

struct Setup {
    chain: Chain,
    rollup: OptimisticRollup,
    mirror: State,
    deposits: u64,
    keys: Vec<SecretKey>,
}

const PROPOSER: &str = "proposer";
const CHALLENGER: &str = "challenger";

fn send(s: &mut Setup, who: &str, value: u128, call: OptCall) -> Receipt<OptEvent> {
    let calldata = s.rollup.calldata(&call);
    let request = TxRequest::new(Address::from_label(who), calldata, call).with_value(value);
    s.chain.transact(&mut s.rollup, request).expect("included")
}

fn shape() -> TreeShape {
    TreeShape::new(4, Arity::Binary).unwrap()
}

/// Four funded accounts, proposed (not confirmed) in assertion 1.
fn setup() -> Setup {
    let mut chain = Chain::new(ChainConfig::default());
    for who in [PROPOSER, CHALLENGER, "user"] {
        chain.fund(Address::from_label(who), 1_000 * ETHER);
    }
    let params = OptimisticParams {
        challenge_window_seconds: 3600,
        clock_seconds: 1800,
        ..OptimisticParams::new(shape(), ChainId::DEFAULT)
    };
    let rollup = OptimisticRollup::new(Address::from_label("optimistic-rollup"), params);
    let keys: Vec<SecretKey> = (1..=4u8).map(|i| SecretKey::from_bytes([i; 32])).collect();
    let mut s = Setup { chain, rollup, mirror: State::new(shape(), ChainId::DEFAULT), deposits: 0, keys };
    let mut txs = Vec::new();
    for (i, k) in s.keys.clone().iter().enumerate() {
        let r = send(&mut s, "user", 1_000 * GWEI, OptCall::Deposit { to: None, public_key: k.public_key().into() });
        assert!(r.succeeded());
        txs.push(Transaction::Deposit(Deposit {
            to: AccountIndex::new(i as u32),
            public_key: k.public_key(),
            amount: TxAmount::new(1_000).unwrap(),
        }));
    }
    let winner = propose_and_dispute(&mut s, &txs, false, false);
    assert_eq!(winner, None);
    s
}

/// Proposes `txs` on the tip with the honest claim (or a wrong root), optionally disputes it and submits the
/// one-step proof (only for one transaction). Returns the game's outcome, if disputed.
fn propose_and_dispute(
    s: &mut Setup,
    txs: &[Transaction],
    wrong_claim: bool,
    dispute: bool,
) -> Option<(Side, Resolution)> {
    let pre = s.mirror.clone();
    let mut post = s.mirror.clone();
    let queue = s.rollup.queued_deposits().to_vec();
    let (mut trace, invalid) = execute_batch(&mut post, s.deposits, txs, &queue);
    // An invalid transaction: claim its effect-free state, with the deposits the batch's slots announce.
    while trace.len() < txs.len() + 1 {
        let mut last = *trace.last().unwrap();
        if let Transaction::Deposit(_) = txs[trace.len() - 1] {
            last.deposits += 1;
        }
        trace.push(last);
    }
    if wrong_claim {
        trace.last_mut().unwrap().root += ledger::Fr::from(1u64);
    }
    let new_state = *trace.last().unwrap();
    let call = OptCall::Propose {
        prev_root: s.rollup.tip().claimed.root,
        new_state,
        txs: txs.to_vec(),
        trace_commitment: trace_commitment(&trace),
    };
    let r = send(s, PROPOSER, ETHER, call);
    assert!(r.succeeded(), "{:?}", r.outcome);
    let id = s.rollup.tip().id;
    let mut outcome = None;
    if dispute {
        assert!(send(s, CHALLENGER, ETHER, OptCall::Challenge { assertion: id }).succeeded());
        let game = s.rollup.games().last().unwrap().id;
        let tx = txs[0];
        let leaves: Vec<_> = txs.iter().map(|t| tx_leaf(t).unwrap()).collect();
        let call = OptCall::OneStepProof {
            game,
            tx,
            tx_path: merkle_path(&leaves, 0),
            witness: pre.witness(ledger::StepInput::Signed(&tx)),
        };
        let r = send(s, CHALLENGER, 0, call);
        let events = r.outcome.expect("a one-step proof decides");
        outcome = events.iter().find_map(|e| match e {
            OptEvent::GameResolved { winner: Some(w), resolution, .. } => Some((*w, *resolution)),
            _ => None,
        });
        println!("one-step proof of {:?}: {} gas, {:?}", tx.kind(), r.gas_used, outcome);
    }
    if s.rollup.assertion(id).unwrap().status != AssertionStatus::Rejected {
        assert!(invalid.is_none() || !dispute);
        s.mirror = post;
        s.deposits = new_state.deposits;
    }
    outcome
}

fn transfer(s: &Setup, from: u32, to: u32, amount: u64, key: &SecretKey, nonce: Option<u32>) -> Transaction {
    let nonce =
        nonce.map_or_else(|| s.mirror.account(AccountIndex::new(from)).map_or(Nonce::ZERO, |a| a.nonce), Nonce::new);
    Transaction::Transfer(
        Transfer::signed(
            AccountIndex::new(from),
            AccountIndex::new(to),
            TxAmount::new(amount).unwrap(),
            nonce,
            ChainId::DEFAULT,
            key,
        )
        .unwrap(),
    )
}

#[test]
fn one_step_proof_agrees_with_the_ledger() {
    let mut s = setup();
    let k = s.keys.clone();
    let stranger = SecretKey::from_bytes([99; 32]);
    let bad = |r| Some((Side::Challenger, Resolution::InvalidTransaction(r)));
    use optimistic::contract::InvalidReason as R;
    let cases: Vec<(Transaction, bool, Outcome)> = vec![
        (transfer(&s, 0, 1, 10, &k[0], None), false, Some((Side::Proposer, Resolution::CorrectPostState))),
        (transfer(&s, 1, 2, 10, &k[1], None), true, Some((Side::Challenger, Resolution::WrongPostState))),
        (transfer(&s, 2, 2, 10, &k[2], None), false, Some((Side::Proposer, Resolution::CorrectPostState))),
        (transfer(&s, 1, 2, 10, &stranger, None), false, bad(R::BadSignature)),
        (transfer(&s, 1, 2, 10, &k[1], Some(7)), false, bad(R::BadSignature)),
        (transfer(&s, 3, 0, 1_000_000, &k[3], None), false, bad(R::InsufficientBalance)),
        (transfer(&s, 3, 9, 1, &k[3], None), false, bad(R::UnknownAccount)),
        (transfer(&s, 3, 16, 1, &k[3], None), false, bad(R::IndexOutOfRange)),
        (transfer(&s, 9, 0, 1, &stranger, Some(0)), false, bad(R::UnknownAccount)),
    ];
    for (tx, wrong, expected) in cases {
        // The ledger's verdict on the same transaction.
        let ledger_ok = s.mirror.clone().apply(&tx).is_ok();
        assert_eq!(ledger_ok, !matches!(expected, Some((_, Resolution::InvalidTransaction(_)))), "{tx:?}");
        assert_eq!(propose_and_dispute(&mut s, &[tx], wrong, true), expected, "{tx:?}");
    }
    // Withdrawals: valid, and an overdraft.
    let nonce = s.mirror.account(AccountIndex::new(3)).unwrap().nonce;
    let w =
        Withdrawal::signed(AccountIndex::new(3), TxAmount::new(5).unwrap(), nonce, ChainId::DEFAULT, &k[3]).unwrap();
    assert_eq!(
        propose_and_dispute(&mut s, &[Transaction::Withdrawal(w)], false, true),
        Some((Side::Proposer, Resolution::CorrectPostState))
    );
    let nonce = s.mirror.account(AccountIndex::new(3)).unwrap().nonce;
    let w = Withdrawal::signed(AccountIndex::new(3), TxAmount::new(5_000).unwrap(), nonce, ChainId::DEFAULT, &k[3])
        .unwrap();
    assert_eq!(propose_and_dispute(&mut s, &[Transaction::Withdrawal(w)], false, true), bad(R::InsufficientBalance));
    // A deposit: the next one in the queue, to an existing account.
    assert!(send(
        &mut s,
        "user",
        50 * GWEI,
        OptCall::Deposit { to: Some(AccountIndex::new(1)), public_key: k[1].public_key().into() }
    )
    .succeeded());
    let d = Transaction::Deposit(Deposit {
        to: AccountIndex::new(1),
        public_key: k[1].public_key(),
        amount: TxAmount::new(50).unwrap(),
    });
    assert_eq!(propose_and_dispute(&mut s, &[d], true, true), Some((Side::Challenger, Resolution::WrongPostState)));
    assert_eq!(propose_and_dispute(&mut s, &[d], false, true), Some((Side::Proposer, Resolution::CorrectPostState)));
    assert_eq!(s.chain.total_supply_tracked(), s.chain.total_funded());
    assert_eq!(s.chain.balance(Address::from_label("optimistic-rollup")), s.rollup.liabilities());
}

#[test]
fn a_witness_that_does_not_match_the_agreed_state_reverts_instead_of_deciding() {
    let mut s = setup();
    let k = s.keys.clone();
    let tx = transfer(&s, 0, 1, 10, &k[0], None);
    let pre = s.mirror.clone();
    let mut post = pre.clone();
    let (trace, _) = execute_batch(&mut post, s.deposits, &[tx], s.rollup.queued_deposits());
    let call = OptCall::Propose {
        prev_root: s.rollup.tip().claimed.root,
        new_state: trace[1],
        txs: vec![tx],
        trace_commitment: trace_commitment(&trace),
    };
    assert!(send(&mut s, PROPOSER, ETHER, call).succeeded());
    let id = s.rollup.tip().id;
    assert!(send(&mut s, CHALLENGER, ETHER, OptCall::Challenge { assertion: id }).succeeded());
    let game = s.rollup.games().last().unwrap().id;
    // The witness of another state (after the transfer) does not open s_lo.
    let call =
        OptCall::OneStepProof { game, tx, tx_path: vec![], witness: post.witness(ledger::StepInput::Signed(&tx)) };
    assert!(!send(&mut s, CHALLENGER, 0, call).succeeded());
    // Nor does a transaction that is not the batch's.
    let other = transfer(&s, 1, 0, 10, &k[1], None);
    let call = OptCall::OneStepProof {
        game,
        tx: other,
        tx_path: vec![],
        witness: pre.witness(ledger::StepInput::Signed(&other)),
    };
    assert!(!send(&mut s, CHALLENGER, 0, call).succeeded());
    assert_eq!(s.rollup.game(game).unwrap().stage, GameStage::OneStep);
}

#[test]
fn the_contract_refuses_what_it_must() {
    let mut s = setup();
    let k = s.keys.clone();
    let tx = transfer(&s, 0, 1, 10, &k[0], None);
    let mut post = s.mirror.clone();
    let (trace, _) = execute_batch(&mut post, s.deposits, &[tx], s.rollup.queued_deposits());
    let tip = s.rollup.tip().claimed.root;
    let propose = |prev_root, new_state: TraceState| OptCall::Propose {
        prev_root,
        new_state,
        txs: vec![tx],
        trace_commitment: trace_commitment(&trace),
    };
    assert!(!send(&mut s, PROPOSER, ETHER / 2, propose(tip, trace[1])).succeeded(), "short bond");
    assert!(!send(&mut s, PROPOSER, ETHER, propose(trace[1].root, trace[1])).succeeded(), "stale prev root");
    let forged_chain = TraceState { deposits: trace[1].deposits + 1, ..trace[1] };
    assert!(!send(&mut s, PROPOSER, ETHER, propose(tip, forged_chain)).succeeded(), "a deposit nobody made");
    assert!(send(&mut s, PROPOSER, ETHER, propose(tip, trace[1])).succeeded());
    let id = s.rollup.tip().id;
    assert!(!send(&mut s, CHALLENGER, 0, OptCall::Challenge { assertion: id }).succeeded(), "no bond");
    assert!(!send(&mut s, PROPOSER, 0, OptCall::Confirm { assertion: id }).succeeded(), "window open");
    assert!(!send(&mut s, PROPOSER, 0, OptCall::Confirm { assertion: 1 }).succeeded(), "window open");
    s.chain.advance_to_timestamp(s.chain.now() + 3600);
    assert!(!send(&mut s, CHALLENGER, ETHER, OptCall::Challenge { assertion: id }).succeeded(), "window over");
    assert!(!send(&mut s, PROPOSER, 0, OptCall::Confirm { assertion: id }).succeeded(), "parent first");
    assert!(send(&mut s, PROPOSER, 0, OptCall::Confirm { assertion: 1 }).succeeded());
    assert!(send(&mut s, PROPOSER, 0, OptCall::Confirm { assertion: id }).succeeded());
    assert_eq!(s.rollup.claimable(Address::from_label(PROPOSER)), 2 * ETHER, "both bonds back");
    assert!(send(&mut s, PROPOSER, 0, OptCall::Withdraw).succeeded());
    assert_eq!(s.chain.balance(Address::from_label("optimistic-rollup")), s.rollup.liabilities());
}

#[test]
fn moves_out_of_turn_or_with_bad_proofs_revert_and_clocks_run_out() {
    let mut s = setup();
    let k = s.keys.clone();
    let txs: Vec<Transaction> = (0..3u32).map(|i| transfer(&s, i, i + 1, 1, &k[i as usize], None)).collect();
    let mut post = s.mirror.clone();
    let (trace, _) = execute_batch(&mut post, s.deposits, &txs, s.rollup.queued_deposits());
    let call = OptCall::Propose {
        prev_root: s.rollup.tip().claimed.root,
        new_state: trace[3],
        txs,
        trace_commitment: trace_commitment(&trace),
    };
    assert!(send(&mut s, PROPOSER, ETHER, call).succeeded());
    let id = s.rollup.tip().id;
    assert!(send(&mut s, CHALLENGER, ETHER, OptCall::Challenge { assertion: id }).succeeded());
    let game = s.rollup.games().last().unwrap().id;
    assert!(!send(&mut s, CHALLENGER, 0, OptCall::Choose { game, part: 0 }).succeeded(), "not its turn");
    let mid = dissection_points(0, 3, 2)[0] as usize;
    let wrong = TraceState { deposits: 9, ..trace[mid] };
    let bad = OptCall::Reveal { game, points: vec![(wrong, trace_path(&trace, mid))] };
    assert!(!send(&mut s, PROPOSER, 0, bad).succeeded(), "a point outside the commitment");
    let good = OptCall::Reveal { game, points: vec![(trace[mid], trace_path(&trace, mid))] };
    assert!(send(&mut s, PROPOSER, 0, good).succeeded());
    // The challenger never answers: after its 30 minutes anyone can end the game, and the proposer wins.
    assert!(!send(&mut s, "user", 0, OptCall::Timeout { game }).succeeded(), "time left");
    s.chain.advance_to_timestamp(s.chain.now() + 1801);
    assert!(!send(&mut s, CHALLENGER, 0, OptCall::Choose { game, part: 0 }).succeeded(), "out of time");
    let r = send(&mut s, "user", 0, OptCall::Timeout { game });
    assert!(r.outcome.unwrap().contains(&OptEvent::GameResolved {
        game,
        winner: Some(Side::Proposer),
        resolution: Resolution::Timeout
    }));
    assert_eq!(s.rollup.slashed(), ETHER);
    assert_eq!(s.rollup.burned(), ETHER / 2);
    assert_eq!(s.chain.balance(Address::ZERO), ETHER / 2, "burned to the zero address");
    assert_eq!(s.chain.balance(Address::from_label("optimistic-rollup")), s.rollup.liabilities());
}

#[test]
fn merkle_helpers_and_dissection_points() {
    let leaves: Vec<[u8; 32]> = (0..5u8).map(|i| [i; 32]).collect();
    let root = merkle_root(&leaves);
    assert_eq!(merkle_depth(5), 3);
    for i in 0..5 {
        let path = merkle_path(&leaves, i);
        assert!(merkle_verify(&root, 5, i, leaves[i], &path));
        assert!(!merkle_verify(&root, 5, i, [9; 32], &path));
        assert!(!merkle_verify(&root, 5, (i + 1) % 5, leaves[i], &path));
    }
    assert!(!merkle_verify(&root, 5, 5, [0; 32], &merkle_path(&leaves, 4)), "past the last leaf");
    assert_eq!(dissection_points(0, 8, 2), vec![4]);
    assert_eq!(dissection_points(0, 8, 4), vec![2, 4, 6]);
    assert_eq!(dissection_points(3, 5, 8), vec![4]);
    assert_eq!(dissection_points(0, 10, 3), vec![3, 6]);
    for (lo, hi) in [(0u64, 2u64), (5, 100), (7, 8), (0, 1023)] {
        for k in 2..9 {
            let p = dissection_points(lo, hi, k);
            assert_eq!(p.len() as u64, u64::from(k).min(hi - lo) - 1);
            assert!(p.windows(2).all(|w| w[0] < w[1]) && p.iter().all(|&x| lo < x && x < hi));
        }
    }
}

/// Forced inclusion: a proposer may leave a fresh deposit for later, but once the deposit has waited a
/// sequencing window (12 hours, OP Stack's), an assertion that leaves it out is refused; one that includes it
/// is accepted.
#[test]
fn a_censoring_proposer_is_refused_after_the_sequencing_window() {
    let mut s = setup();
    let k = s.keys.clone();
    let window = s.rollup.params().sequencing_window_seconds;
    assert_eq!(window, 12 * 3600);
    let r = send(
        &mut s,
        "user",
        500 * GWEI,
        OptCall::Deposit { to: Some(AccountIndex::new(2)), public_key: k[2].public_key().into() },
    );
    assert!(r.succeeded());
    let queued = Transaction::Deposit(s.rollup.queued_deposits()[4].deposit);
    let censoring = |s: &Setup, nonce: u32| {
        let tx = transfer(s, 0, 1, 10, &k[0], Some(nonce));
        let mut post = s.mirror.clone();
        let (trace, _) = execute_batch(&mut post, s.deposits, &[tx], s.rollup.queued_deposits());
        (
            post,
            OptCall::Propose {
                prev_root: s.rollup.tip().claimed.root,
                new_state: trace[1],
                txs: vec![tx],
                trace_commitment: trace_commitment(&trace),
            },
        )
    };
    // Within the window, leaving the deposit for a later assertion is allowed.
    let (post, call) = censoring(&s, 0);
    assert!(send(&mut s, PROPOSER, ETHER, call).succeeded(), "a fresh deposit may wait");
    s.mirror = post;
    // Past it, an assertion without the deposit is refused, though every transaction in it is valid.
    s.chain.advance_to_timestamp(s.chain.now() + window);
    let (_, call) = censoring(&s, 1);
    let r = send(&mut s, PROPOSER, ETHER, call);
    let Err(revert) = r.outcome else { panic!("a censoring assertion was accepted") };
    assert!(revert.0.contains("sequencing window"), "{revert:?}");
    // Including it is accepted.
    let tx = transfer(&s, 0, 1, 10, &k[0], Some(1));
    let winner = propose_and_dispute(&mut s, &[queued, tx], false, false);
    assert_eq!(winner, None);
    assert_eq!(s.rollup.tip().claimed.deposits, 5, "the overdue deposit is in the chain");
    assert_eq!(s.mirror.account(AccountIndex::new(2)).unwrap().balance, Amount::new(1_500));
}
