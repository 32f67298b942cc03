//! The operator: collects signed transactions, builds blocks, commits their roots to L1 and publishes their
//! data — or attacks ([`Attack`]): withholds a block's data, or includes an invalid transaction that steals
//! someone else's output, and in both cases exits the stolen output and tries to challenge the victim's own
//! exit with the forged spend (which the contract refuses: the victim never signed it) — or censors one user:
//! it keeps making valid blocks, refuses that user's transactions, and tries the same forged challenge on
//! the exits the user then starts.

use std::collections::BTreeSet;

use l1_contract_sim::ecdsa::EthKey;
use l1_contract_sim::{Address, Wei};
use serde::{Deserialize, Serialize};

use crate::child::{check, Block, ChildChain};
use crate::contract::{PlasmaCall, PlasmaEvent};
use crate::error::{PlasmaError, Result};
use crate::tx::{Output, PlasmaTx, SignedTx, UtxoPos};
use crate::world::World;

/// How the operator behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Attack {
    /// Publishes every block and includes only valid transactions.
    None,
    /// Commits a block that steals an output, withholds its data, and stops.
    Withhold,
    /// Commits and publishes a block holding a transaction that spends someone else's output without their
    /// signature, and stops.
    InvalidTx,
    /// Keeps publishing valid blocks but refuses every transaction spending a chosen user's outputs
    /// ([`Operator::censor`]); it keeps none of them, and tries to challenge the user's exits with spends it
    /// signs itself (which the contract refuses).
    Censor,
}

/// The operator.
#[derive(Debug, Clone)]
pub struct Operator {
    /// Its L1 address (also its child-chain address).
    pub address: Address,
    key: EthKey,
    attack: Attack,
    attack_block: usize,
    /// Its view of the child chain, withheld and invalid blocks included.
    pub chain: ChildChain,
    pending: Vec<SignedTx>,
    pending_since: Option<u64>,
    block_size: usize,
    block_interval: u64,
    /// Child blocks submitted.
    pub blocks: usize,
    /// Whether it stopped producing blocks (after an attack).
    pub halted: bool,
    /// The output it stole: its position in the bad block, and the victim's output.
    pub stolen: Option<(UtxoPos, UtxoPos, Wei)>,
    stolen_exit_started: bool,
    tried_challenges: BTreeSet<UtxoPos>,
    /// Its failed attempts to challenge the victim's exit with the forged spend.
    pub forged_challenges_refused: usize,
    /// When each block was submitted, by number.
    pub submitted_at: Vec<(u64, u64, u64)>,
    /// The user it censors ([`Attack::Censor`]).
    pub censored: Option<Address>,
    /// Transactions of the censored user it refused.
    pub refused: usize,
}

impl Operator {
    /// An operator with this key and behaviour, making blocks of up to `block_size` transactions, or fewer
    /// once the oldest pending one has waited `block_interval` seconds. An attack happens at child block
    /// `attack_block` (0-based), or at the end of the workload if it has fewer blocks.
    pub fn new(key: EthKey, attack: Attack, attack_block: usize, block_size: usize, block_interval: u64) -> Operator {
        Operator {
            address: key.address(),
            key,
            attack,
            attack_block,
            chain: ChildChain::new(),
            pending: Vec::new(),
            pending_since: None,
            block_size: block_size.max(1),
            block_interval,
            blocks: 0,
            halted: false,
            stolen: None,
            stolen_exit_started: false,
            tried_challenges: BTreeSet::new(),
            forged_challenges_refused: 0,
            submitted_at: Vec::new(),
            censored: None,
            refused: 0,
        }
    }

    /// Under [`Attack::Censor`], the user whose transactions it refuses.
    pub fn censor(&mut self, user: Address) {
        self.censored = Some(user);
    }

    fn steals(&self) -> bool {
        matches!(self.attack, Attack::Withhold | Attack::InvalidTx)
    }

    /// Whether an attack is still to come.
    pub fn attack_pending(&self) -> bool {
        self.steals() && self.stolen.is_none() && !self.halted
    }

    /// Transactions waiting for a block.
    pub fn pending(&self) -> usize {
        self.pending.len()
    }

    /// When the next block is due by the interval rule, if any transaction waits.
    pub fn due_at(&self) -> Option<u64> {
        self.pending_since.map(|t| t + self.block_interval)
    }

    /// Records a deposit block from the contract's event.
    pub fn on_deposit(&mut self, world: &mut World, blknum: u64, owner: Address, amount: Wei) -> Result<()> {
        let tx = PlasmaTx::deposit(owner, amount, blknum)?;
        let block = Block { number: blknum, txs: vec![SignedTx { tx, sigs: Vec::new() }] };
        world.published.insert(blknum, block.clone());
        self.chain.push_unchecked(block)
    }

    /// Commits and publishes an empty child block: what an operator does when the deposit blocks between two
    /// child blocks run out (at most [`CHILD_BLOCK_INTERVAL`](crate::tx::CHILD_BLOCK_INTERVAL) − 1 of them).
    pub fn submit_empty(&mut self, world: &mut World) -> Result<()> {
        let number = world.contract.next_child_block();
        let block = Block { number, txs: Vec::new() };
        let depth = world.contract.params().merkle_depth;
        let root = block.root(depth).ok_or_else(|| PlasmaError::InvalidScenario("bad Merkle depth".into()))?;
        let receipt = world.send(self.address, 0, PlasmaCall::SubmitBlock { root })?;
        if let Err(revert) = receipt.outcome {
            return Err(PlasmaError::Reverted { call: "SubmitBlock", revert });
        }
        self.blocks += 1;
        self.submitted_at.push((number, receipt.slot, receipt.timestamp));
        world.published.insert(number, block.clone());
        self.chain.push_unchecked(block)
    }

    /// Takes a transaction if it is valid against the chain and the pending ones (an honest operator's
    /// check); a halted operator takes nothing.
    pub fn receive(&mut self, tx: SignedTx, now: u64) -> bool {
        if self.halted {
            return false;
        }
        if let Some(c) = self.censored.filter(|_| self.attack == Attack::Censor) {
            if tx.tx.inputs().iter().any(|p| self.chain.utxos().get(p).is_some_and(|o| o.owner == c)) {
                self.refused += 1;
                return false;
            }
        }
        let mut scratch = self.chain.utxos().clone();
        for p in &self.pending {
            for i in p.tx.inputs() {
                scratch.remove(i);
            }
        }
        if check(&scratch, &tx).is_err() {
            return false;
        }
        self.pending.push(tx);
        self.pending_since.get_or_insert(now);
        true
    }

    /// Builds and submits a block when one is due (full, interval passed, or `flush`), attacking at the chosen
    /// block; exits the stolen output and tries its forged challenge. `victims` are the owners it prefers to
    /// steal from. Returns whether it sent anything.
    pub fn act(&mut self, world: &mut World, flush: bool, victims: &[Address]) -> Result<bool> {
        let mut acted = self.follow_up(world)?;
        if self.halted {
            return Ok(acted);
        }
        let now = world.chain.now();
        let attack_now = self.steals() && (self.blocks >= self.attack_block || flush);
        let due = self.pending.len() >= self.block_size
            || self.due_at().is_some_and(|t| now >= t)
            || (flush && !self.pending.is_empty());
        if !(due || attack_now && flush) {
            return Ok(acted);
        }
        let mut txs: Vec<SignedTx> = Vec::new();
        let mut victim = None;
        if attack_now {
            // Steal the largest output of a preferred victim (else of anyone's); a pending transaction that
            // spends it is left out of the block (it stays in flight).
            let spent: BTreeSet<UtxoPos> = self.pending.iter().flat_map(|t| t.tx.inputs().to_vec()).collect();
            let pick = self
                .chain
                .utxos()
                .iter()
                .filter(|(_, o)| o.owner != self.address)
                .max_by_key(|(p, o)| (victims.contains(&o.owner), !spent.contains(p), o.amount))
                .map(|(p, o)| (*p, *o));
            if let Some((victim_pos, victim_out)) = pick {
                let outputs = vec![Output { owner: self.address, amount: victim_out.amount }];
                let forged = PlasmaTx::new(vec![victim_pos], outputs, 0)?;
                txs.push(forged.sign(&[&self.key]));
                self.stolen =
                    Some((UtxoPos::new(world.contract.next_child_block(), 0, 0)?, victim_pos, victim_out.amount));
                victim = Some(victim_pos);
            }
        }
        let room = self.block_size.saturating_sub(txs.len());
        let mut kept = Vec::new();
        for t in self.pending.drain(..) {
            if txs.len() < room + usize::from(victim.is_some()) && !victim.is_some_and(|v| t.tx.inputs().contains(&v)) {
                txs.push(t);
            } else {
                kept.push(t);
            }
        }
        self.pending = kept;
        self.pending_since = if self.pending.is_empty() { None } else { Some(now) };
        if txs.is_empty() {
            // Nothing to steal and nothing to include: the attack is called off, the operator stops.
            self.halted |= attack_now;
            return Ok(acted);
        }
        let number = world.contract.next_child_block();
        let block = Block { number, txs };
        let depth = world.contract.params().merkle_depth;
        let root =
            block.root(depth).ok_or_else(|| PlasmaError::InvalidScenario("block larger than the tree".into()))?;
        let receipt = world.send(self.address, 0, PlasmaCall::SubmitBlock { root })?;
        if let Err(revert) = receipt.outcome {
            return Err(PlasmaError::Reverted { call: "SubmitBlock", revert });
        }
        self.blocks += 1;
        self.submitted_at.push((number, receipt.slot, receipt.timestamp));
        if !(attack_now && self.attack == Attack::Withhold) {
            world.published.insert(number, block.clone());
        }
        self.chain.push_unchecked(block)?;
        if attack_now {
            self.halted = true;
            self.pending.clear();
            self.pending_since = None;
        }
        acted = true;
        acted |= self.follow_up(world)?;
        Ok(acted)
    }

    /// After an attack: exits the stolen output, and challenges the victim's exit with the forged spend.
    /// A censoring operator challenges each exit of the censored user with a spend it signs itself.
    fn follow_up(&mut self, world: &mut World) -> Result<bool> {
        if let Some(c) = self.censored.filter(|_| self.attack == Attack::Censor) {
            let targets: Vec<UtxoPos> = world
                .contract
                .exits()
                .values()
                .filter(|e| e.owner == c && !self.tried_challenges.contains(&e.utxo_pos))
                .map(|e| e.utxo_pos)
                .collect();
            let mut acted = false;
            for pos in targets {
                self.tried_challenges.insert(pos);
                let Some(amount) = world.contract.exits().get(&pos).map(|e| e.amount) else { continue };
                let forged = PlasmaTx::new(vec![pos], vec![Output { owner: self.address, amount }], 0)?;
                let call = PlasmaCall::ChallengeStandardExit {
                    utxo_pos: pos,
                    spending: forged.sign(&[&self.key]),
                    input_index: 0,
                };
                if !world.send(self.address, 0, call)?.succeeded() {
                    self.forged_challenges_refused += 1;
                }
                acted = true;
            }
            return Ok(acted);
        }
        let Some((stolen_pos, victim_pos, _)) = self.stolen else { return Ok(false) };
        let mut acted = false;
        if !self.stolen_exit_started {
            self.stolen_exit_started = true;
            let depth = world.contract.params().merkle_depth;
            let block = self.chain.block(stolen_pos.blknum());
            if let (Some(tx), Some(proof)) =
                (self.chain.tx_at(stolen_pos), block.and_then(|b| b.proof(depth, stolen_pos.txindex())))
            {
                let call = PlasmaCall::StartStandardExit { utxo_pos: stolen_pos, tx: tx.tx.clone(), proof };
                let bond = world.contract.params().standard_exit_bond;
                world.send(self.address, bond, call)?;
                acted = true;
            }
        }
        if world.contract.exits().contains_key(&victim_pos) && self.tried_challenges.insert(victim_pos) {
            if let Some(forged) = self.chain.tx_at(stolen_pos).cloned() {
                let call = PlasmaCall::ChallengeStandardExit { utxo_pos: victim_pos, spending: forged, input_index: 0 };
                let receipt = world.send(self.address, 0, call)?;
                if !receipt.succeeded() {
                    self.forged_challenges_refused += 1;
                }
                acted = true;
            }
        }
        Ok(acted)
    }

    /// Whether an event names the operator's stolen exit.
    pub fn is_stolen_exit(&self, event: &PlasmaEvent) -> bool {
        matches!((event, self.stolen), (PlasmaEvent::ExitPaid { owner, .. }, Some(_)) if *owner == self.address)
    }
}
