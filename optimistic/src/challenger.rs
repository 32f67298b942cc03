//! Challengers: honest, lazy, or disputing correct assertions with a fabricated trace.

use std::collections::BTreeSet;

use crate::contract::{merkle_path, tx_leaf, AssertionStatus, Game, GameStage, OptCall, Side, TraceState};
use ark_std::rand::Rng;
use l1_contract_sim::Address;
use serde::{Deserialize, Serialize};

use crate::error::{OptimisticError, Result};
use crate::watcher::{Verdict, Watcher};
use crate::world::World;

/// How a challenger behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChallengerBehaviour {
    /// Re-executes every assertion and disputes the first wrong one, playing from the true trace.
    Honest,
    /// Never checks anything.
    Lazy,
    /// Disputes assertion `target` whatever it says, and plays as if the trace were wrong from step
    /// `fabricate_from` on (or picks parts at random); in the one-step stage it submits a proof (and loses)
    /// or, if `stall`, lets its clock run out.
    Dishonest {
        /// The assertion to dispute.
        target: u64,
        /// First step (1-based, clamped to the batch) its fabricated trace disagrees with.
        fabricate_from: u64,
        /// Picks parts at random instead of following its fabricated trace.
        random_parts: bool,
        /// Stops moving in the one-step stage.
        stall: bool,
    },
}

/// A challenger actor.
#[derive(Debug, Clone)]
pub struct Challenger {
    address: Address,
    behaviour: ChallengerBehaviour,
    watcher: Watcher,
    challenged: BTreeSet<u64>,
}

impl Challenger {
    /// A challenger at `address`; `watcher` must start from the rollup's genesis.
    pub fn new(address: Address, behaviour: ChallengerBehaviour, watcher: Watcher) -> Challenger {
        Challenger { address, behaviour, watcher, challenged: BTreeSet::new() }
    }

    /// Its L1 address.
    pub fn address(&self) -> Address {
        self.address
    }

    /// Its behaviour.
    pub fn behaviour(&self) -> ChallengerBehaviour {
        self.behaviour
    }

    /// One slot's worth of work: watch new assertions, open a game on the first one it disputes, play its
    /// games, and claim timeouts. Returns whether it sent anything.
    ///
    /// # Errors
    /// A refused L1 transaction, or a revert of a move an honest challenger expects to succeed.
    pub fn act<R: Rng>(&mut self, world: &mut World, rng: &mut R) -> Result<bool> {
        if self.behaviour == ChallengerBehaviour::Lazy {
            return Ok(false);
        }
        self.watcher.observe(world);
        let mut acted = self.play(world, rng)?;
        acted |= self.challenge(world)?;
        Ok(acted)
    }

    fn wants(&self, world: &World, id: u64) -> bool {
        let disputes = match self.behaviour {
            ChallengerBehaviour::Honest => self.watcher.verdict(id) == Some(Verdict::Wrong),
            ChallengerBehaviour::Dishonest { target, .. } => id == target && !self.challenged.contains(&id),
            ChallengerBehaviour::Lazy => false,
        };
        disputes
            && world.contract.assertion(id).is_some_and(|a| {
                a.status == AssertionStatus::Pending && a.open_game.is_none() && world.chain.now() < a.deadline
            })
    }

    fn challenge(&mut self, world: &mut World) -> Result<bool> {
        let Some(id) = world.contract.assertions().iter().map(|a| a.id).find(|&id| self.wants(world, id)) else {
            return Ok(false);
        };
        let bond = world.contract.params().challenger_bond;
        let receipt = world.send(self.address, bond, OptCall::Challenge { assertion: id })?;
        if let Err(revert) = receipt.outcome {
            return Err(OptimisticError::Reverted { call: "Challenge", revert });
        }
        self.challenged.insert(id);
        Ok(true)
    }

    /// The trace this challenger plays from: the true one, or a fabricated one.
    fn reference(&self, world: &World, g: &Game) -> Vec<Option<TraceState>> {
        let steps = world.contract.assertion(g.assertion).map_or(0, |a| a.steps);
        let mut reference = self.watcher.reference(g.assertion, steps);
        if let ChallengerBehaviour::Dishonest { fabricate_from, .. } = self.behaviour {
            let from = fabricate_from.clamp(1, steps.max(1)) as usize;
            reference.iter_mut().skip(from).for_each(|s| *s = None);
        }
        reference
    }

    fn play<R: Rng>(&mut self, world: &mut World, rng: &mut R) -> Result<bool> {
        let now = world.chain.now();
        let mut acted = false;
        let games: Vec<Game> = world
            .contract
            .games()
            .iter()
            .filter(|g| g.challenger == self.address && !g.is_resolved())
            .cloned()
            .collect();
        let honest = self.behaviour == ChallengerBehaviour::Honest;
        for g in games {
            if g.turn == Side::Proposer {
                if now > g.expires_at() {
                    world.send(self.address, 0, OptCall::Timeout { game: g.id })?;
                    acted = true;
                }
                continue;
            }
            let call = match &g.stage {
                GameStage::Choose(points) => {
                    let part = match self.behaviour {
                        ChallengerBehaviour::Dishonest { random_parts: true, .. } => rng.gen_range(0..=points.len()),
                        _ => {
                            let reference = self.reference(world, &g);
                            let ends = points.iter().copied().chain(std::iter::once((g.hi, g.hi_state)));
                            ends.enumerate()
                                .find(|(_, (i, s))| reference.get(*i as usize).copied().flatten() != Some(*s))
                                .map_or(points.len(), |(j, _)| j)
                        }
                    };
                    OptCall::Choose { game: g.id, part: part as u32 }
                }
                GameStage::OneStep => {
                    if matches!(self.behaviour, ChallengerBehaviour::Dishonest { stall: true, .. }) {
                        continue;
                    }
                    match self.one_step_proof(world, &g) {
                        Some(call) => call,
                        None => continue,
                    }
                }
                _ => continue,
            };
            let name = if matches!(call, OptCall::Choose { .. }) { "Choose" } else { "OneStepProof" };
            let receipt = world.send(self.address, 0, call)?;
            if let (Err(revert), true) = (receipt.outcome, honest) {
                return Err(OptimisticError::Reverted { call: name, revert });
            }
            acted = true;
        }
        Ok(acted)
    }

    /// The one-step proof of transaction `hi` of the game's assertion, built from the true state before it.
    fn one_step_proof(&self, world: &World, g: &Game) -> Option<OptCall> {
        let txs = world.posted.get(&g.assertion)?;
        let step = g.lo as usize;
        let state = self.watcher.state_at(world, g.assertion, step)?;
        let tx = *txs.get(step)?;
        let leaves = txs.iter().map(tx_leaf).collect::<core::result::Result<Vec<_>, _>>().ok()?;
        let tx_path = merkle_path(&leaves, step);
        Some(OptCall::OneStepProof { game: g.id, tx, tx_path, witness: state.witness(ledger::StepInput::Signed(&tx)) })
    }
}
