//! Users and the challenger.
//!
//! A [`User`] holds its key and its own data (the transactions it signed or received), pays from outputs
//! it has seen included, exits its withdrawals, and — while online — watches: once a block is withheld or
//! invalid, it exits everything it owns, with standard exits for outputs included before the bad block and
//! in-flight exits (piggybacking its outputs) for its transactions in or after it. An offline user does
//! nothing from the attack on. A cheating user also tries once to exit an output it already spent, with a
//! standard exit and with an in-flight exit of a second, double-spending transaction. A user the operator
//! censors gives up after a wait ([`User::leaving`]) and standard-exits every included output it owns.
//!
//! The [`Challenger`] watches every exit against the published blocks and the transactions revealed on L1:
//! it challenges standard exits of spent outputs, piggybacks of spent inputs or outputs, and in-flight exits
//! with an older competitor; it answers wrong canonicity challenges, and it calls `processExits`.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use l1_contract_sim::ecdsa::EthKey;
use l1_contract_sim::merkle::MerkleProof;
use l1_contract_sim::{Address, Wei};

use crate::child::ChildChain;
use crate::contract::{PlasmaCall, PlasmaEvent};
use crate::error::Result;
use crate::tx::{Hash32, Output, PlasmaTx, SignedTx, UtxoPos, BLOCK_OFFSET, MAX_INPUTS, TX_OFFSET};
use crate::world::{PublicView, World};

/// A transaction a user took part in.
#[derive(Debug, Clone)]
pub struct Tracked {
    /// The transaction.
    pub tx: SignedTx,
    /// Whether this user signed it (else it received an output).
    pub sent: bool,
}

/// A withdrawal in progress: a payment to oneself whose output is then exited.
#[derive(Debug, Clone)]
pub struct WithdrawalTrack {
    /// When it was asked for.
    pub arrival: u64,
    /// The transaction making the output.
    pub tx: PlasmaTx,
    /// Wei.
    pub amount: Wei,
    /// Whether its exit was started.
    pub exit_started: bool,
    /// When its ETH reached the user on L1.
    pub paid_at: Option<u64>,
}

/// What a user asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Want {
    /// Pay another user.
    Pay(Address, Wei),
    /// Withdraw to L1.
    Withdraw(Wei),
}

/// The next transaction of a waiting payment: its id, what it pays, its arrival, the signed transaction, and
/// whether it completes the payment (else it consolidates outputs first).
pub type NextPayment = (usize, Want, u64, SignedTx, bool);

/// A user.
#[derive(Debug, Clone)]
pub struct User {
    /// Its key; its address is its L1 and child-chain address.
    pub key: EthKey,
    /// Whether it watches from the attack on.
    pub online: bool,
    /// Whether it tries to exit a spent output.
    pub cheater: bool,
    /// Payments waiting for funds: (payment id, what, arrival).
    pub queue: VecDeque<(usize, Want, u64)>,
    /// Transactions it took part in.
    pub tracked: Vec<Tracked>,
    /// Withdrawals.
    pub withdrawals: Vec<WithdrawalTrack>,
    /// Outputs it started standard exits on.
    pub exiting: BTreeSet<UtxoPos>,
    /// Piggybacks it made: (exit, input?, index).
    pub piggybacked: BTreeSet<(Hash32, bool, usize)>,
    /// Whether it saw the operator misbehave and exits everything.
    pub exit_mode: bool,
    /// The output it tried to exit although spent, if it cheated.
    pub cheated: Option<UtxoPos>,
    /// Whether it gave up on a censoring operator and exits every included output it owns.
    pub leaving: bool,
}

fn proof_of(view: &ChildChain, depth: u32, pos: UtxoPos) -> Option<(PlasmaTx, MerkleProof)> {
    let tx = view.tx_at(pos)?.tx.clone();
    let proof = view.block(pos.blknum())?.proof(depth, pos.txindex())?;
    Some((tx, proof))
}

impl User {
    /// A user with this key.
    pub fn new(key: EthKey, online: bool, cheater: bool) -> User {
        User {
            key,
            online,
            cheater,
            queue: VecDeque::new(),
            tracked: Vec::new(),
            withdrawals: Vec::new(),
            exiting: BTreeSet::new(),
            piggybacked: BTreeSet::new(),
            exit_mode: false,
            cheated: None,
            leaving: false,
        }
    }

    /// Its address.
    pub fn address(&self) -> Address {
        self.key.address()
    }

    fn spent_by_own(&self) -> BTreeSet<UtxoPos> {
        self.tracked.iter().filter(|t| t.sent).flat_map(|t| t.tx.tx.inputs().to_vec()).collect()
    }

    /// Outputs it owns in the valid chain that no transaction of its own spends and no exit of its own names.
    pub fn spendable(&self, view: &PublicView) -> Vec<(UtxoPos, Output)> {
        let spent = self.spent_by_own();
        let me = self.address();
        let mut v: Vec<(UtxoPos, Output)> = view
            .valid
            .utxos()
            .iter()
            .filter(|(p, o)| o.owner == me && !spent.contains(p) && !self.exiting.contains(p))
            .map(|(p, o)| (*p, *o))
            .collect();
        v.sort_by(|a, b| b.1.amount.cmp(&a.1.amount).then(a.0.cmp(&b.0)));
        v
    }

    /// The next transaction to send for the first waiting payment, if its funds are included: the payment
    /// itself, or first a consolidation of four outputs into one when it needs more inputs than a transaction
    /// holds. `Ok(None)`: wait. The returned flag says whether the payment is complete with this transaction.
    pub fn next_payment(&mut self, view: &PublicView) -> Result<Option<NextPayment>> {
        let Some(&(id, want, arrival)) = self.queue.front() else { return Ok(None) };
        let amount = match want {
            Want::Pay(_, a) | Want::Withdraw(a) => a,
        };
        let have = self.spendable(view);
        let me = self.address();
        let mut inputs = Vec::new();
        let mut sum: Wei = 0;
        for (p, o) in have.iter().take(MAX_INPUTS) {
            if sum >= amount {
                break;
            }
            inputs.push(*p);
            sum += o.amount;
        }
        if sum < amount {
            if have.len() > MAX_INPUTS {
                let four: Vec<UtxoPos> = have.iter().take(MAX_INPUTS).map(|(p, _)| *p).collect();
                let total: Wei = have.iter().take(MAX_INPUTS).map(|(_, o)| o.amount).sum();
                let tx = PlasmaTx::new(four.clone(), vec![Output { owner: me, amount: total }], 0)?;
                let keys: Vec<&EthKey> = four.iter().map(|_| &self.key).collect();
                return Ok(Some((id, want, arrival, tx.sign(&keys), false)));
            }
            return Ok(None);
        }
        let to = match want {
            Want::Pay(to, _) => to,
            Want::Withdraw(_) => me,
        };
        let mut outputs = vec![Output { owner: to, amount }];
        if sum > amount {
            outputs.push(Output { owner: me, amount: sum - amount });
        }
        let tx = PlasmaTx::new(inputs.clone(), outputs, 0)?;
        let keys: Vec<&EthKey> = inputs.iter().map(|_| &self.key).collect();
        Ok(Some((id, want, arrival, tx.sign(&keys), true)))
    }

    /// What it does in one slot: withdraws credits, exits its withdrawals, watches, exits everything in exit
    /// mode, cheats once if it is a cheater. Returns whether it sent anything.
    pub fn act(&mut self, world: &mut World, view: &PublicView) -> Result<bool> {
        if !self.online && view.bad.is_some() {
            return Ok(false);
        }
        let me = self.address();
        let mut acted = false;
        let depth = world.contract.params().merkle_depth;
        if world.contract.claimable(me) > 0 {
            let receipt = world.send(me, 0, PlasmaCall::Withdraw)?;
            if receipt.succeeded() {
                for w in self.withdrawals.iter_mut().filter(|w| w.paid_at.is_none()) {
                    if world.paid.contains_key(&w.tx.output_id(0)) {
                        w.paid_at = Some(receipt.timestamp);
                    }
                }
            }
            acted = true;
        }
        // Withdrawals: exit the output once included.
        for i in 0..self.withdrawals.len() {
            if self.withdrawals[i].exit_started {
                continue;
            }
            let Some(pos) = view.valid.position_of(&self.withdrawals[i].tx) else { continue };
            self.withdrawals[i].exit_started = true;
            if self.exiting.contains(&pos) || !view.valid.utxos().contains_key(&pos) {
                continue;
            }
            acted |= self.standard_exit(world, view, depth, pos)?;
        }
        if self.leaving {
            for (pos, _) in self.spendable(view) {
                acted |= self.standard_exit(world, view, depth, pos)?;
            }
        }
        if view.bad.is_some() && !self.exit_mode {
            self.exit_mode = true;
            self.queue.clear();
        }
        if self.exit_mode {
            for (pos, _) in self.spendable(view) {
                acted |= self.standard_exit(world, view, depth, pos)?;
            }
            acted |= self.in_flight_exits(world, view, depth)?;
        }
        if self.cheater && self.cheated.is_none() {
            acted |= self.cheat(world, view, depth)?;
        }
        Ok(acted)
    }

    fn standard_exit(&mut self, world: &mut World, view: &PublicView, depth: u32, pos: UtxoPos) -> Result<bool> {
        let Some((tx, proof)) = proof_of(&view.valid, depth, pos) else { return Ok(false) };
        self.exiting.insert(pos);
        let bond = world.contract.params().standard_exit_bond;
        world.send(self.address(), bond, PlasmaCall::StartStandardExit { utxo_pos: pos, tx, proof })?;
        Ok(true)
    }

    /// In exit mode: every transaction it took part in that is not in the valid chain gets an in-flight exit
    /// (started by whoever of its parties comes first), and the user piggybacks its outputs, or its inputs
    /// once the exit is shown non-canonical.
    fn in_flight_exits(&mut self, world: &mut World, view: &PublicView, depth: u32) -> Result<bool> {
        let me = self.address();
        let mut acted = false;
        let bond = world.contract.params();
        let (ife_bond, pb_bond) = (bond.in_flight_exit_bond, bond.piggyback_bond);
        for t in self.tracked.clone() {
            if view.valid.position_of(&t.tx.tx).is_some() {
                continue;
            }
            let hash = t.tx.tx.digest();
            if !world.contract.in_flight_exits().contains_key(&hash) {
                let mut input_txs = Vec::new();
                let mut proofs = Vec::new();
                for pos in t.tx.tx.inputs() {
                    if let Some((tx, proof)) = proof_of(&view.valid, depth, *pos) {
                        input_txs.push(tx);
                        proofs.push(proof);
                    }
                }
                if input_txs.len() != t.tx.tx.inputs().len() {
                    continue;
                }
                let call = PlasmaCall::StartInFlightExit { tx: t.tx.clone(), input_txs, input_proofs: proofs };
                world.send(me, ife_bond, call)?;
                acted = true;
            }
            let Some(ife) = world.contract.in_flight_exits().get(&hash).cloned() else { continue };
            if ife.processed || world.chain.now() >= ife.started_at + world.contract.params().min_exit_period / 2 {
                continue;
            }
            let mut wanted: Vec<(bool, usize)> = Vec::new();
            for (o, out) in ife.tx.outputs().iter().enumerate() {
                if out.owner == me {
                    wanted.push((false, o));
                }
            }
            if !ife.canonical {
                for (i, input) in ife.inputs.iter().enumerate() {
                    if input.owner == me {
                        wanted.push((true, i));
                    }
                }
            }
            for (input, index) in wanted {
                if self.piggybacked.insert((hash, input, index)) {
                    let call = if input {
                        PlasmaCall::PiggybackInput { tx_hash: hash, index }
                    } else {
                        PlasmaCall::PiggybackOutput { tx_hash: hash, index }
                    };
                    world.send(me, pb_bond, call)?;
                    acted = true;
                }
            }
        }
        Ok(acted)
    }

    /// Exits an output it already spent in an included transaction (and so must lose its bond).
    fn cheat(&mut self, world: &mut World, view: &PublicView, depth: u32) -> Result<bool> {
        let spent_included = self
            .tracked
            .iter()
            .filter(|t| t.sent && view.valid.position_of(&t.tx.tx).is_some())
            .flat_map(|t| t.tx.tx.inputs().to_vec())
            .find(|p| !self.exiting.contains(p));
        let Some(pos) = spent_included else { return Ok(false) };
        let Some((tx, proof)) = proof_of(&view.valid, depth, pos) else { return Ok(false) };
        self.cheated = Some(pos);
        self.exiting.insert(pos);
        let params = world.contract.params().clone();
        let me = self.address();
        world.send(
            me,
            params.standard_exit_bond,
            PlasmaCall::StartStandardExit { utxo_pos: pos, tx: tx.clone(), proof: proof.clone() },
        )?;
        // And a double spend of the same output to itself, exited in flight with both piggybacks: the
        // included spend makes it non-canonical and shows the piggybacked input spent.
        let Some(amount) = tx.outputs().get(pos.oindex() as usize).map(|o| o.amount) else { return Ok(true) };
        let double = PlasmaTx::new(vec![pos], vec![Output { owner: me, amount }], 1)?.sign(&[&self.key]);
        let hash = double.tx.digest();
        let call = PlasmaCall::StartInFlightExit { tx: double, input_txs: vec![tx], input_proofs: vec![proof] };
        if world.send(me, params.in_flight_exit_bond, call)?.succeeded() {
            for input in [true, false] {
                let call = if input {
                    PlasmaCall::PiggybackInput { tx_hash: hash, index: 0 }
                } else {
                    PlasmaCall::PiggybackOutput { tx_hash: hash, index: 0 }
                };
                world.send(me, params.piggyback_bond, call)?;
            }
        }
        Ok(true)
    }
}

/// A transaction seen spending an output: the transaction, and its position if it is in a published block.
type Spend = (SignedTx, Option<UtxoPos>);

/// The challenger: an always-online watcher with a bond budget.
#[derive(Debug, Clone)]
pub struct Challenger {
    /// Its L1 address.
    pub address: Address,
    spends: BTreeMap<UtxoPos, Vec<Spend>>,
    indexed_through: Option<u64>,
    indexed_revealed: BTreeSet<Hash32>,
    tried: BTreeSet<(u8, Hash32, u64)>,
}

impl Challenger {
    /// A challenger at `address`.
    pub fn new(address: Address) -> Challenger {
        Challenger {
            address,
            spends: BTreeMap::new(),
            indexed_through: None,
            indexed_revealed: BTreeSet::new(),
            tried: BTreeSet::new(),
        }
    }

    fn index(&mut self, world: &World) {
        let from = self.indexed_through.map_or(0, |n| n + 1);
        for (&number, block) in world.published.range(from..) {
            for (i, t) in block.txs.iter().enumerate() {
                let pos = UtxoPos::from_raw(number * BLOCK_OFFSET + i as u64 * TX_OFFSET);
                for input in t.tx.inputs() {
                    self.spends.entry(*input).or_default().push((t.clone(), Some(pos)));
                }
            }
            self.indexed_through = Some(number);
        }
        for (hash, t) in &world.revealed {
            if self.indexed_revealed.insert(*hash) {
                for input in t.tx.inputs() {
                    let list = self.spends.entry(*input).or_default();
                    if !list.iter().any(|(s, _)| s.tx == t.tx) {
                        list.push((t.clone(), None));
                    }
                }
            }
        }
    }

    /// A validly signed spend of `pos` by `owner` other than `not`, oldest first (included ones by position).
    fn spend_of(
        &self,
        pos: UtxoPos,
        owner: Address,
        not: Option<&PlasmaTx>,
    ) -> Option<(SignedTx, usize, Option<UtxoPos>)> {
        let mut found: Vec<(SignedTx, usize, Option<UtxoPos>)> = self
            .spends
            .get(&pos)?
            .iter()
            .filter(|(t, _)| Some(&t.tx) != not)
            .filter_map(|(t, at)| {
                let i = t.tx.inputs().iter().position(|p| *p == pos)?;
                (t.signer(i) == Some(owner)).then(|| (t.clone(), i, *at))
            })
            .collect();
        found.sort_by_key(|(_, _, at)| at.map_or(u64::MAX, |p| p.raw()));
        found.into_iter().next()
    }

    fn position_of(&self, world: &World, tx: &PlasmaTx) -> Option<UtxoPos> {
        world.published.iter().find_map(|(&number, b)| {
            b.txs
                .iter()
                .position(|t| &t.tx == tx)
                .map(|i| UtxoPos::from_raw(number * BLOCK_OFFSET + i as u64 * TX_OFFSET))
        })
    }

    fn proof(world: &World, pos: UtxoPos) -> Option<MerkleProof> {
        world.published.get(&pos.blknum())?.proof(world.contract.params().merkle_depth, pos.txindex())
    }

    fn send_once(&mut self, world: &mut World, key: (u8, Hash32, u64), call: PlasmaCall) -> Result<bool> {
        if !self.tried.insert(key) {
            return Ok(false);
        }
        world.send(self.address, 0, call)?;
        Ok(true)
    }

    /// One slot of watching. Returns whether it sent anything.
    pub fn act(&mut self, world: &mut World) -> Result<bool> {
        self.index(world);
        let mut acted = false;
        // Standard exits of spent outputs.
        let exits: Vec<_> = world.contract.exits().values().cloned().collect();
        for exit in exits {
            if let Some((spending, input_index, _)) = self.spend_of(exit.utxo_pos, exit.owner, None) {
                let call = PlasmaCall::ChallengeStandardExit { utxo_pos: exit.utxo_pos, spending, input_index };
                acted |= self.send_once(world, (0, exit.output_id, 0), call)?;
            }
        }
        // In-flight exits.
        let ifes: Vec<_> = world
            .contract
            .in_flight_exits()
            .iter()
            .filter(|(_, e)| !e.processed)
            .map(|(h, e)| (*h, e.clone()))
            .collect();
        for (hash, ife) in ifes {
            let ife_pos = self.position_of(world, &ife.tx);
            for (i, input) in ife.inputs.iter().enumerate() {
                let Some((competitor, ci, at)) = self.spend_of(input.pos, input.owner, Some(&ife.tx)) else { continue };
                if ife.piggybacked_inputs[i] {
                    let call = PlasmaCall::ChallengeInputSpent {
                        tx_hash: hash,
                        input_index: i,
                        spending: competitor.clone(),
                        spending_input_index: ci,
                    };
                    acted |= self.send_once(world, (1, hash, i as u64), call)?;
                }
                let comp_pos = at.map_or(u64::MAX, |p| p.raw());
                let older = ife_pos.is_none_or(|q| comp_pos < q.raw());
                let news = ife.oldest_competitor.is_none_or(|p| comp_pos < p);
                if older && news {
                    let inclusion = at.and_then(|p| Self::proof(world, p).map(|proof| (p, proof)));
                    let call = PlasmaCall::ChallengeNonCanonical {
                        tx_hash: hash,
                        input_index: i,
                        competitor,
                        competitor_input_index: ci,
                        inclusion,
                    };
                    acted |= self.send_once(world, (2, hash, comp_pos), call)?;
                }
            }
            if let Some(q) = ife_pos {
                if !ife.canonical && ife.oldest_competitor.is_some_and(|p| q.raw() < p) {
                    if let Some(proof) = Self::proof(world, q) {
                        let call = PlasmaCall::RespondNonCanonical { tx_hash: hash, tx_pos: q, proof };
                        acted |= self.send_once(world, (3, hash, q.raw()), call)?;
                    }
                }
                for (o, out) in ife.tx.outputs().iter().enumerate() {
                    if !ife.piggybacked_outputs[o] {
                        continue;
                    }
                    let pos = UtxoPos::from_raw(q.raw() + o as u64);
                    let Some((spending, si, Some(_))) = self.spend_of(pos, out.owner, None) else { continue };
                    let Some(proof) = Self::proof(world, q) else { continue };
                    let call = PlasmaCall::ChallengeOutputSpent {
                        tx_hash: hash,
                        output_index: o,
                        tx_pos: q,
                        proof,
                        spending,
                        spending_input_index: si,
                    };
                    acted |= self.send_once(world, (4, hash, o as u64), call)?;
                }
            }
        }
        // Process what is due, and collect what it won.
        if world.contract.queue().peek().is_some_and(|(p, _)| p.exitable_at <= world.chain.now()) {
            world.send(self.address, 0, PlasmaCall::ProcessExits { max: 64 })?;
            acted = true;
        }
        if world.contract.claimable(self.address) > 0 {
            world.send(self.address, 0, PlasmaCall::Withdraw)?;
            acted = true;
        }
        Ok(acted)
    }
}

/// Whether an event is a successful challenge (of an exit or a piggyback, or a canonicity challenge).
pub fn is_challenge(event: &PlasmaEvent) -> bool {
    matches!(
        event,
        PlasmaEvent::ExitChallenged { .. } | PlasmaEvent::PiggybackChallenged { .. } | PlasmaEvent::NonCanonical { .. }
    )
}
