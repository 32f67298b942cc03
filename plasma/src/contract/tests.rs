//! Unit tests of the contract: every call, every challenge, with dishonest parties that must lose, and
//! the contract's ETH equal to what it owes after every step.

use l1_contract_sim::ecdsa::EthKey;
use l1_contract_sim::{Chain, ChainConfig, Receipt, TxRequest, ETHER};

use super::*;
use crate::child::Block;
use crate::tx::{Output, SignedTx};

const MEP: u64 = 7 * 24 * 3600;

struct H {
    chain: Chain,
    c: PlasmaContract,
    op: EthKey,
    alice: EthKey,
    bob: EthKey,
    carol: EthKey,
    blocks: BTreeMap<u64, Block>,
}

impl H {
    fn new() -> H {
        let (op, alice, bob, carol) = (
            EthKey::from_label("op"),
            EthKey::from_label("alice"),
            EthKey::from_label("bob"),
            EthKey::from_label("carol"),
        );
        let mut chain = Chain::new(ChainConfig::default());
        for k in [&op, &alice, &bob, &carol] {
            chain.fund(k.address(), 100 * ETHER);
        }
        let c = PlasmaContract::new(Address::from_label("plasma"), PlasmaParams::new(op.address()));
        H { chain, c, op, alice, bob, carol, blocks: BTreeMap::new() }
    }

    fn send(&mut self, from: &EthKey, value: Wei, call: PlasmaCall) -> Receipt<PlasmaEvent> {
        let tx = TxRequest::new(from.address(), call.calldata(), call).with_value(value);
        let r = self.chain.send(&mut self.c, tx).unwrap();
        assert_eq!(self.chain.balance(self.c.address()), self.c.liabilities(), "contract ETH = what it owes");
        assert_eq!(self.chain.total_supply_tracked(), self.chain.total_funded(), "ETH conserved");
        r
    }

    fn ok(&mut self, from: &EthKey, value: Wei, call: PlasmaCall) -> Vec<PlasmaEvent> {
        let name = call.name();
        let r = self.send(from, value, call);
        r.outcome.unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    fn fails(&mut self, from: &EthKey, value: Wei, call: PlasmaCall, why: &str) {
        let r = self.send(from, value, call);
        let e = r.outcome.expect_err("must revert");
        assert!(e.0.contains(why), "{e} does not say {why:?}");
    }

    fn bond(&self) -> Wei {
        self.c.params().standard_exit_bond
    }

    /// A deposit by `who`: its position.
    fn deposit(&mut self, who: &EthKey, amount: Wei) -> UtxoPos {
        let events = self.ok(&who.clone(), amount, PlasmaCall::Deposit);
        let PlasmaEvent::Deposited { blknum, .. } = events[0] else { panic!() };
        let tx = PlasmaTx::deposit(who.address(), amount, blknum).unwrap();
        self.blocks.insert(blknum, Block { number: blknum, txs: vec![SignedTx { tx, sigs: vec![] }] });
        UtxoPos::new(blknum, 0, 0).unwrap()
    }

    /// Commits a child block of these transactions: its number.
    fn block(&mut self, txs: Vec<SignedTx>) -> u64 {
        let number = self.c.next_child_block();
        let block = Block { number, txs };
        let root = block.root(16).unwrap();
        let op = self.op.clone();
        self.ok(&op, 0, PlasmaCall::SubmitBlock { root });
        self.blocks.insert(number, block);
        number
    }

    fn proof(&self, pos: UtxoPos) -> (PlasmaTx, MerkleProof) {
        let b = &self.blocks[&pos.blknum()];
        (b.txs[pos.txindex() as usize].tx.clone(), b.proof(16, pos.txindex()).unwrap())
    }

    fn exit(&mut self, who: &EthKey, pos: UtxoPos) -> Receipt<PlasmaEvent> {
        let (tx, proof) = self.proof(pos);
        let bond = self.bond();
        self.send(who, bond, PlasmaCall::StartStandardExit { utxo_pos: pos, tx, proof })
    }

    fn pay(&self, from: &EthKey, input: UtxoPos, outs: &[(&EthKey, Wei)]) -> SignedTx {
        let outputs = outs.iter().map(|(k, a)| Output { owner: k.address(), amount: *a }).collect();
        PlasmaTx::new(vec![input], outputs, 0).unwrap().sign(&[from])
    }

    fn ife(&mut self, who: &EthKey, signed: &SignedTx) -> Hash32 {
        let (txs, proofs): (Vec<_>, Vec<_>) = signed.tx.inputs().iter().map(|p| self.proof(*p)).unzip();
        let bond = self.c.params().in_flight_exit_bond;
        self.ok(who, bond, PlasmaCall::StartInFlightExit { tx: signed.clone(), input_txs: txs, input_proofs: proofs });
        signed.tx.digest()
    }

    fn process_all(&mut self) -> Vec<PlasmaEvent> {
        self.chain.advance_to_timestamp(self.chain.now() + 2 * MEP + 1);
        let op = self.op.clone();
        self.ok(&op, 0, PlasmaCall::ProcessExits { max: 100 })
    }
}

fn paid(events: &[PlasmaEvent]) -> Vec<(Address, Wei)> {
    events
        .iter()
        .filter_map(
            |e| if let PlasmaEvent::ExitPaid { owner, amount, .. } = e { Some((*owner, *amount)) } else { None },
        )
        .collect()
}

#[test]
fn only_the_operator_submits_blocks() {
    let mut h = H::new();
    let alice = h.alice.clone();
    h.fails(&alice, 0, PlasmaCall::SubmitBlock { root: [1; 32] }, "only the operator");
    let n = h.block(vec![]);
    assert_eq!(n, 1000);
    assert_eq!(h.c.next_child_block(), 2000);
    let d = h.deposit(&alice, ETHER);
    assert_eq!(d.blknum(), 1001, "deposit blocks sit between child blocks");
}

#[test]
fn a_standard_exit_pays_its_owner_once_after_the_period() {
    let mut h = H::new();
    let (alice, bob) = (h.alice.clone(), h.bob.clone());
    let d = h.deposit(&alice, 3 * ETHER);
    // Not the owner; no bond; a wrong proof.
    let r = h.exit(&bob, d);
    assert!(r.outcome.unwrap_err().0.contains("owner"));
    let (tx, mut proof) = h.proof(d);
    h.fails(&alice, 0, PlasmaCall::StartStandardExit { utxo_pos: d, tx: tx.clone(), proof: proof.clone() }, "exactly");
    proof.siblings[3] = [9; 32];
    let bond = h.bond();
    h.fails(&alice, bond, PlasmaCall::StartStandardExit { utxo_pos: d, tx, proof }, "not in the block");
    let r = h.exit(&alice, d);
    assert!(r.succeeded());
    let gas = r.gas_used;
    assert!((100_000..250_000).contains(&gas), "standard exit gas {gas}");
    assert!(h.exit(&alice, d).outcome.unwrap_err().0.contains("already"));
    let op = h.op.clone();
    h.fails(&op, 0, PlasmaCall::ProcessExits { max: 10 }, "processable");
    let events = h.process_all();
    assert_eq!(paid(&events), vec![(alice.address(), 3 * ETHER)]);
    assert_eq!(h.c.claimable(alice.address()), 3 * ETHER + bond);
    let before = h.chain.balance(alice.address());
    h.ok(&alice, 0, PlasmaCall::Withdraw);
    assert!(h.chain.balance(alice.address()) > before + 3 * ETHER);
    // Paid once: a new exit of the same output is refused.
    assert!(h.exit(&alice, d).outcome.unwrap_err().0.contains("already"));
    assert_eq!(h.c.vault(), 0);
}

#[test]
fn an_exit_of_a_spent_output_is_challenged_and_loses_its_bond() {
    let mut h = H::new();
    let (alice, bob, carol) = (h.alice.clone(), h.bob.clone(), h.carol.clone());
    let d = h.deposit(&alice, 2 * ETHER);
    let spend = h.pay(&alice, d, &[(&bob, 2 * ETHER)]);
    h.block(vec![spend.clone()]);
    assert!(h.exit(&alice, d).succeeded(), "alice exits the output she spent");
    // A forged spend (signed by carol) and the malleated signature are refused.
    let forged = h.pay(&carol, d, &[(&carol, 2 * ETHER)]);
    h.fails(
        &carol,
        0,
        PlasmaCall::ChallengeStandardExit { utxo_pos: d, spending: forged, input_index: 0 },
        "not signed",
    );
    let mut malleated = spend.clone();
    malleated.sigs[0] = malleated.sigs[0].malleated();
    h.fails(
        &carol,
        0,
        PlasmaCall::ChallengeStandardExit { utxo_pos: d, spending: malleated, input_index: 0 },
        "not signed",
    );
    let events = h.ok(&carol, 0, PlasmaCall::ChallengeStandardExit { utxo_pos: d, spending: spend, input_index: 0 });
    assert!(events.contains(&PlasmaEvent::Credited { to: carol.address(), amount: h.bond() }));
    assert!(h.exit(&alice, d).outcome.unwrap_err().0.contains("challenged"));
    // Bob's exit of the output he received is paid.
    let out = UtxoPos::new(1000, 0, 0).unwrap();
    assert!(h.exit(&bob, out).succeeded());
    let events = h.process_all();
    assert_eq!(paid(&events), vec![(bob.address(), 2 * ETHER)]);
}

#[test]
fn exits_are_paid_in_morevp_priority_order() {
    let mut h = H::new();
    let (alice, bob, op) = (h.alice.clone(), h.bob.clone(), h.op.clone());
    let d = h.deposit(&alice, ETHER);
    let t1 = h.pay(&alice, d, &[(&bob, ETHER)]);
    h.block(vec![t1]);
    let bob_out = UtxoPos::new(1000, 0, 0).unwrap();
    h.chain.advance_to_timestamp(h.chain.now() + 3600);
    // The operator's own deposit in a later block, exited first: it still comes after bob's older output
    // once bob exits within the period.
    let od = h.deposit(&op, ETHER);
    h.chain.advance_to_timestamp(h.chain.now() + 3600);
    let late = h.block(vec![h.pay(&op, od, &[(&op, ETHER)])]);
    assert!(h.exit(&op, UtxoPos::new(late, 0, 0).unwrap()).succeeded());
    h.chain.advance_to_timestamp(h.chain.now() + MEP / 2);
    assert!(h.exit(&bob, bob_out).succeeded());
    let events = h.process_all();
    assert_eq!(paid(&events), vec![(bob.address(), ETHER), (op.address(), ETHER)]);
}

#[test]
fn the_vault_never_pays_a_forged_exit_out_of_bonds() {
    let mut h = H::new();
    let (alice, op) = (h.alice.clone(), h.op.clone());
    let d = h.deposit(&alice, ETHER);
    // The operator forges alice's signature away: a block spending her deposit to itself.
    let forged = h.pay(&op, d, &[(&op, ETHER)]);
    let b = h.block(vec![forged.clone()]);
    assert!(h.exit(&op, UtxoPos::new(b, 0, 0).unwrap()).succeeded());
    // Its challenge of alice's exit with the forged spend is refused.
    assert!(h.exit(&alice, d).succeeded());
    h.fails(&op, 0, PlasmaCall::ChallengeStandardExit { utxo_pos: d, spending: forged, input_index: 0 }, "not signed");
    let events = h.process_all();
    assert_eq!(paid(&events), vec![(alice.address(), ETHER)], "alice first; nothing left for the operator");
    assert!(events.iter().any(|e| matches!(e, PlasmaEvent::ExitUnpaid { owner, why: "the vault cannot cover it", .. } if *owner == op.address())));
    assert_eq!(h.c.vault(), 0);
}

#[test]
fn a_canonical_in_flight_exit_pays_piggybacked_outputs_and_spends_its_inputs() {
    let mut h = H::new();
    let (alice, bob, carol) = (h.alice.clone(), h.bob.clone(), h.carol.clone());
    let d = h.deposit(&alice, 5 * ETHER);
    let t = h.pay(&alice, d, &[(&bob, 2 * ETHER), (&alice, 3 * ETHER)]);
    // Bad starts: a signature by someone else, outputs above inputs.
    let (itx, ip) = h.proof(d);
    let bond = h.c.params().in_flight_exit_bond;
    let bad = h.pay(&carol, d, &[(&carol, 5 * ETHER)]);
    h.fails(
        &carol,
        bond,
        PlasmaCall::StartInFlightExit { tx: bad, input_txs: vec![itx.clone()], input_proofs: vec![ip.clone()] },
        "not signed",
    );
    let inflated = h.pay(&alice, d, &[(&alice, 6 * ETHER)]);
    h.fails(
        &alice,
        bond,
        PlasmaCall::StartInFlightExit { tx: inflated, input_txs: vec![itx], input_proofs: vec![ip] },
        "exceed",
    );
    // The block holding t is withheld: bob starts the in-flight exit.
    let hash = h.ife(&bob, &t);
    let pb = h.c.params().piggyback_bond;
    h.fails(&carol, pb, PlasmaCall::PiggybackOutput { tx_hash: hash, index: 0 }, "owner");
    h.ok(&bob, pb, PlasmaCall::PiggybackOutput { tx_hash: hash, index: 0 });
    h.ok(&alice, pb, PlasmaCall::PiggybackOutput { tx_hash: hash, index: 1 });
    h.fails(&bob, pb, PlasmaCall::PiggybackOutput { tx_hash: hash, index: 0 }, "already");
    // Alice also tries a standard exit of the input she spent: the in-flight transaction challenges it.
    assert!(h.exit(&alice, d).succeeded());
    h.ok(&carol, 0, PlasmaCall::ChallengeStandardExit { utxo_pos: d, spending: t.clone(), input_index: 0 });
    let events = h.process_all();
    let mut p = paid(&events);
    p.sort();
    let mut want = vec![(bob.address(), 2 * ETHER), (alice.address(), 3 * ETHER)];
    want.sort();
    assert_eq!(p, want);
    assert!(h.c.is_flagged(&h.proof(d).0.output_id(0)), "the input is spent");
    assert!(h.c.in_flight_exits()[&hash].processed);
    assert_eq!(h.c.vault(), 0);
}

#[test]
fn piggybacks_close_after_half_the_period() {
    let mut h = H::new();
    let (alice, bob) = (h.alice.clone(), h.bob.clone());
    let d = h.deposit(&alice, ETHER);
    let t = h.pay(&alice, d, &[(&bob, ETHER)]);
    let hash = h.ife(&alice, &t);
    h.chain.advance_to_timestamp(h.chain.now() + MEP / 2);
    let pb = h.c.params().piggyback_bond;
    h.fails(&bob, pb, PlasmaCall::PiggybackOutput { tx_hash: hash, index: 0 }, "piggyback period");
}

#[test]
fn a_double_spent_in_flight_transaction_is_non_canonical_and_pays_inputs() {
    let mut h = H::new();
    let (alice, bob, carol) = (h.alice.clone(), h.bob.clone(), h.carol.clone());
    let d = h.deposit(&alice, 4 * ETHER);
    let to_bob = h.pay(&alice, d, &[(&bob, 4 * ETHER)]);
    let b = h.block(vec![to_bob.clone()]);
    // Alice signs a second spend of the same input to carol and exits it in flight, piggybacking carol's output.
    let to_carol = h.pay(&alice, d, &[(&carol, 4 * ETHER)]);
    let hash = h.ife(&carol, &to_carol);
    let pb = h.c.params().piggyback_bond;
    h.ok(&carol, pb, PlasmaCall::PiggybackOutput { tx_hash: hash, index: 0 });
    h.ok(&alice, pb, PlasmaCall::PiggybackInput { tx_hash: hash, index: 0 });
    // Bob shows the included competitor: non-canonical, and the piggybacked input is spent.
    let pos = UtxoPos::new(b, 0, 0).unwrap();
    let (_, proof) = h.proof(pos);
    let challenge = PlasmaCall::ChallengeNonCanonical {
        tx_hash: hash,
        input_index: 0,
        competitor: to_bob.clone(),
        competitor_input_index: 0,
        inclusion: Some((pos, proof)),
    };
    h.ok(&bob, 0, challenge);
    assert!(!h.c.in_flight_exits()[&hash].canonical);
    // The in-flight transaction was never included: no response works.
    let (_, wrong) = h.proof(pos);
    h.fails(
        &carol,
        0,
        PlasmaCall::RespondNonCanonical { tx_hash: hash, tx_pos: pos, proof: wrong },
        "not in the block",
    );
    let spent =
        PlasmaCall::ChallengeInputSpent { tx_hash: hash, input_index: 0, spending: to_bob, spending_input_index: 0 };
    h.ok(&bob, 0, spent);
    assert!(h.exit(&bob, pos).succeeded());
    let events = h.process_all();
    assert_eq!(paid(&events), vec![(bob.address(), 4 * ETHER)], "only bob's included output is paid");
    assert!(events.contains(&PlasmaEvent::Credited { to: bob.address(), amount: h.c.params().in_flight_exit_bond }));
}

#[test]
fn a_false_canonicity_challenge_is_answered() {
    let mut h = H::new();
    let (alice, bob, carol) = (h.alice.clone(), h.bob.clone(), h.carol.clone());
    let d = h.deposit(&alice, ETHER);
    let to_bob = h.pay(&alice, d, &[(&bob, ETHER)]);
    let b = h.block(vec![to_bob.clone()]);
    let hash = h.ife(&bob, &to_bob);
    let pb = h.c.params().piggyback_bond;
    h.ok(&bob, pb, PlasmaCall::PiggybackOutput { tx_hash: hash, index: 0 });
    // Alice signs a later double spend that was never included and challenges with it.
    let to_carol = h.pay(&alice, d, &[(&carol, ETHER)]);
    let challenge = PlasmaCall::ChallengeNonCanonical {
        tx_hash: hash,
        input_index: 0,
        competitor: to_carol,
        competitor_input_index: 0,
        inclusion: None,
    };
    h.ok(&alice, 0, challenge);
    let pos = UtxoPos::new(b, 0, 0).unwrap();
    let (_, proof) = h.proof(pos);
    h.ok(&bob, 0, PlasmaCall::RespondNonCanonical { tx_hash: hash, tx_pos: pos, proof });
    let events = h.process_all();
    assert_eq!(paid(&events), vec![(bob.address(), ETHER)]);
    assert!(events.contains(&PlasmaEvent::Credited { to: bob.address(), amount: h.c.params().in_flight_exit_bond }));
}

#[test]
fn a_piggybacked_output_spent_on_chain_is_challenged() {
    let mut h = H::new();
    let (alice, bob, carol) = (h.alice.clone(), h.bob.clone(), h.carol.clone());
    let d = h.deposit(&alice, ETHER);
    let to_bob = h.pay(&alice, d, &[(&bob, ETHER)]);
    let b = h.block(vec![to_bob.clone()]);
    let pos = UtxoPos::new(b, 0, 0).unwrap();
    let bob_spends = h.pay(&bob, pos, &[(&carol, ETHER)]);
    h.block(vec![bob_spends.clone()]);
    // Bob exits his spent output in flight anyway.
    let hash = h.ife(&bob, &to_bob);
    let pb = h.c.params().piggyback_bond;
    h.ok(&bob, pb, PlasmaCall::PiggybackOutput { tx_hash: hash, index: 0 });
    let (_, proof) = h.proof(pos);
    let call = PlasmaCall::ChallengeOutputSpent {
        tx_hash: hash,
        output_index: 0,
        tx_pos: pos,
        proof,
        spending: bob_spends,
        spending_input_index: 0,
    };
    let events = h.ok(&carol, 0, call);
    assert!(events.contains(&PlasmaEvent::Credited { to: carol.address(), amount: pb }));
    let events = h.process_all();
    assert!(paid(&events).is_empty());
}
