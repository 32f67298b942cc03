//! The dispute game: challenge, k-ary dissection moves with chess clocks, timeouts, and resolution with
//! slashing and rollback.

use l1_contract_sim::gas::{self};
use l1_contract_sim::{Address, Env, Revert};
use ledger::Rejection;
use serde::{Deserialize, Serialize};

use super::*;

/// A side of a dispute game.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// The proposer, defending its assertion.
    Proposer,
    /// The challenger.
    Challenger,
}

impl Side {
    fn idx(self) -> usize {
        match self {
            Side::Proposer => 0,
            Side::Challenger => 1,
        }
    }

    /// The other side.
    pub fn other(self) -> Side {
        match self {
            Side::Proposer => Side::Challenger,
            Side::Challenger => Side::Proposer,
        }
    }
}

/// Why a game ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    /// The one-step proof computed a post-state different from the proposer's.
    WrongPostState,
    /// The one-step proof found the transaction invalid.
    InvalidTransaction(Rejection),
    /// The one-step proof confirmed the proposer's post-state.
    CorrectPostState,
    /// The loser's clock ran out.
    Timeout,
    /// An earlier assertion was rejected, removing this one: no winner, the challenger is refunded.
    Cancelled,
}

/// Where a game stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GameStage {
    /// The proposer must reveal the dissection points of `[lo, hi]`.
    Reveal,
    /// The challenger must choose a part among the revealed points (indices and states, in order).
    Choose(Vec<(u64, TraceState)>),
    /// `hi = lo + 1`: a one-step proof decides.
    OneStep,
    /// Over.
    Resolved {
        /// Who won (`None` when cancelled).
        winner: Option<Side>,
        /// Why.
        resolution: Resolution,
    },
}

/// A dispute game over one assertion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Game {
    /// Its number.
    pub id: u64,
    /// The assertion disputed.
    pub assertion: u64,
    /// The assertion's proposer.
    pub proposer: Address,
    /// The challenger.
    pub challenger: Address,
    /// The agreed end of the range.
    pub lo: u64,
    /// The disputed end.
    pub hi: u64,
    /// The agreed state `s_lo`.
    pub lo_state: TraceState,
    /// The proposer's `s_hi`.
    pub hi_state: TraceState,
    /// What happens next.
    pub stage: GameStage,
    /// Whose move it is.
    pub turn: Side,
    /// When the side to move started its turn.
    pub turn_since: u64,
    /// Seconds left on each side's clock (proposer, challenger), not counting the running turn.
    pub clock_left: [u64; 2],
    /// When the game opened.
    pub started_at: u64,
    /// Bisection rounds played (reveals).
    pub rounds: u32,
}

impl Game {
    /// Seconds left to `side` at time `now`.
    pub fn time_left(&self, side: Side, now: u64) -> u64 {
        let left = self.clock_left[side.idx()];
        if side == self.turn {
            left.saturating_sub(now.saturating_sub(self.turn_since))
        } else {
            left
        }
    }

    /// When the side to move runs out of time: [`OptCall::Timeout`] succeeds strictly after this instant.
    pub fn expires_at(&self) -> u64 {
        self.turn_since + self.clock_left[self.turn.idx()]
    }

    /// Whether the game is over.
    pub fn is_resolved(&self) -> bool {
        matches!(self.stage, GameStage::Resolved { .. })
    }
}

impl OptimisticRollup {
    pub(super) fn challenge(&mut self, env: &mut Env<'_>, id: u64) -> Result<Vec<OptEvent>, Revert> {
        if env.value() != self.params.challenger_bond {
            return Err(revert(format!("the challenger bond is {} wei", self.params.challenger_bond)));
        }
        env.charge("read assertion", 3 * gas::SLOAD_COLD);
        let now = env.block().timestamp;
        let a = self.assertions.get(id as usize).ok_or_else(|| revert("no such assertion"))?;
        if a.status != AssertionStatus::Pending {
            return Err(revert("the assertion is not pending"));
        }
        if a.open_game.is_some() {
            return Err(revert("a game is already open on this assertion"));
        }
        if now >= a.deadline {
            return Err(revert("the challenge window is over"));
        }
        let gid = self.games.len() as u64;
        let stage = if a.steps == 1 { GameStage::OneStep } else { GameStage::Reveal };
        let turn = if a.steps == 1 { Side::Challenger } else { Side::Proposer };
        let clock = self.params.clock_seconds;
        self.games.push(Game {
            id: gid,
            assertion: id,
            proposer: a.proposer,
            challenger: env.sender(),
            lo: 0,
            hi: a.steps,
            lo_state: a.prev,
            hi_state: a.claimed,
            stage,
            turn,
            turn_since: now,
            clock_left: [clock, clock],
            started_at: now,
            rounds: 0,
        });
        self.assertions[id as usize].open_game = Some(gid);
        self.bonds_locked += env.value();
        env.charge("store game (6 slots)", 6 * gas::SSTORE_SET);
        env.charge("emit Challenged", gas::log_gas(3, 0));
        Ok(vec![OptEvent::Challenged { game: gid, assertion: id }])
    }

    /// Loads an open game, checks the mover and its clock, and charges the elapsed time to the mover.
    pub(super) fn start_move(&mut self, env: &mut Env<'_>, gid: u64, side: Side) -> Result<(), Revert> {
        env.charge("read game", 4 * gas::SLOAD_COLD);
        let now = env.block().timestamp;
        let g = self.games.get_mut(gid as usize).ok_or_else(|| revert("no such game"))?;
        if g.is_resolved() {
            return Err(revert("the game is over"));
        }
        if g.turn != side {
            return Err(revert("not this side's turn"));
        }
        let who = match side {
            Side::Proposer => g.proposer,
            Side::Challenger => g.challenger,
        };
        if env.sender() != who {
            return Err(revert("only the side to move may move"));
        }
        let elapsed = now - g.turn_since;
        let left = &mut g.clock_left[side.idx()];
        if elapsed > *left {
            return Err(revert("out of time: call Timeout"));
        }
        *left -= elapsed;
        g.turn = side.other();
        g.turn_since = now;
        env.charge("update clocks and turn", 2 * gas::SSTORE_RESET);
        Ok(())
    }

    pub(super) fn reveal(
        &mut self,
        env: &mut Env<'_>,
        gid: u64,
        points: &[(TraceState, Vec<Hash32>)],
    ) -> Result<Vec<OptEvent>, Revert> {
        self.start_move(env, gid, Side::Proposer)?;
        let g = &self.games[gid as usize];
        if g.stage != GameStage::Reveal {
            return Err(revert("nothing to reveal now"));
        }
        let a = &self.assertions[g.assertion as usize];
        let indices = dissection_points(g.lo, g.hi, self.params.dissection);
        if points.len() != indices.len() {
            return Err(revert(format!("reveal {} points", indices.len())));
        }
        let leaves = a.steps as usize + 1;
        let mut revealed = Vec::with_capacity(points.len());
        for (&i, (state, path)) in indices.iter().zip(points) {
            env.charge("SHA-256 of a trace leaf", gas::sha256_gas(96));
            env.charge("SHA-256 trace path", path.len() as u64 * gas::sha256_gas(64));
            if !merkle_verify(&a.trace_commitment, leaves, i as usize, state.leaf(), path) {
                return Err(revert(format!("point {i} is not in the trace commitment")));
            }
            revealed.push((i, *state));
        }
        env.charge("store revealed points", gas::SSTORE_SET * revealed.len() as u64 * 3);
        env.charge("emit Revealed", gas::log_gas(2, 32 * indices.len()));
        let g = &mut self.games[gid as usize];
        g.stage = GameStage::Choose(revealed);
        g.rounds += 1;
        Ok(vec![OptEvent::Revealed { game: gid, indices }])
    }

    pub(super) fn choose(&mut self, env: &mut Env<'_>, gid: u64, part: u32) -> Result<Vec<OptEvent>, Revert> {
        self.start_move(env, gid, Side::Challenger)?;
        let g = &mut self.games[gid as usize];
        let GameStage::Choose(points) = &g.stage else {
            return Err(revert("nothing to choose now"));
        };
        let mut ends = Vec::with_capacity(points.len() + 2);
        ends.push((g.lo, g.lo_state));
        ends.extend_from_slice(points);
        ends.push((g.hi, g.hi_state));
        let part = part as usize;
        if part + 1 >= ends.len() {
            return Err(revert("no such part"));
        }
        (g.lo, g.lo_state) = ends[part];
        (g.hi, g.hi_state) = ends[part + 1];
        env.charge("store the new range", 6 * gas::SSTORE_RESET);
        if g.hi - g.lo == 1 {
            g.stage = GameStage::OneStep;
            g.turn = Side::Challenger;
        } else {
            g.stage = GameStage::Reveal;
        }
        env.charge("emit Narrowed", gas::log_gas(2, 64));
        Ok(vec![OptEvent::Narrowed { game: gid, lo: g.lo, hi: g.hi }])
    }

    pub(super) fn timeout(&mut self, env: &mut Env<'_>, gid: u64) -> Result<Vec<OptEvent>, Revert> {
        env.charge("read game", 4 * gas::SLOAD_COLD);
        let g = self.games.get(gid as usize).ok_or_else(|| revert("no such game"))?;
        if g.is_resolved() {
            return Err(revert("the game is over"));
        }
        if env.block().timestamp <= g.expires_at() {
            return Err(revert("the side to move still has time"));
        }
        let loser = g.turn;
        self.resolve(env, gid, loser.other(), Resolution::Timeout)
    }

    pub(super) fn resolve(
        &mut self,
        env: &mut Env<'_>,
        gid: u64,
        winner: Side,
        resolution: Resolution,
    ) -> Result<Vec<OptEvent>, Revert> {
        let now = env.block().timestamp;
        let g = &mut self.games[gid as usize];
        g.stage = GameStage::Resolved { winner: Some(winner), resolution };
        let (aid, challenger, started) = (g.assertion, g.challenger, g.started_at);
        env.charge("close game", 2 * gas::SSTORE_RESET);
        let mut events = vec![OptEvent::GameResolved { game: gid, winner: Some(winner), resolution }];
        self.assertions[aid as usize].open_game = None;
        match winner {
            Side::Proposer => {
                let proposer = self.assertions[aid as usize].proposer;
                let a = &mut self.assertions[aid as usize];
                a.deadline += now - started;
                env.charge("extend the deadline", gas::SSTORE_RESET);
                self.slash(env, self.params.challenger_bond, proposer, &mut events)?;
            }
            Side::Challenger => {
                self.bonds_locked -= self.params.challenger_bond;
                self.credit(env, challenger, self.params.challenger_bond, &mut events);
                for id in aid..self.assertions.len() as u64 {
                    let a = &self.assertions[id as usize];
                    if a.status != AssertionStatus::Pending {
                        continue;
                    }
                    let (bond, open) = (a.bond, a.open_game);
                    self.assertions[id as usize].status = AssertionStatus::Rejected;
                    env.charge("reject assertion", gas::SSTORE_RESET);
                    events.push(OptEvent::Rejected { assertion: id });
                    self.slash(env, bond, challenger, &mut events)?;
                    if let Some(other) = open {
                        let og = &mut self.games[other as usize];
                        og.stage = GameStage::Resolved { winner: None, resolution: Resolution::Cancelled };
                        let refund_to = og.challenger;
                        self.assertions[id as usize].open_game = None;
                        events.push(OptEvent::GameResolved {
                            game: other,
                            winner: None,
                            resolution: Resolution::Cancelled,
                        });
                        self.bonds_locked -= self.params.challenger_bond;
                        self.credit(env, refund_to, self.params.challenger_bond, &mut events);
                    }
                }
            }
        }
        env.charge("emit GameResolved", gas::log_gas(3, 32));
        Ok(events)
    }
}
