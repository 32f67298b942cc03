//! Tendermint-style BFT consensus, at the level of stake and time: a proposer per height and round chosen by
//! stake-weighted round robin (Tendermint's proposer-priority algorithm), a prevote and a precommit phase,
//! and a block final once validators holding more than 2/3 of the stake precommit it.
//!
//! # Model
//! - Height `h` starts when block `h − 1` commits. In round `r` the proposer is the validator of highest
//!   priority after every priority grew by its stake (and the chosen one's fell by the total), exactly as
//!   Tendermint's `IncrementProposerPriority`. An online proposer proposes; the online validators prevote and
//!   precommit it, and it commits `block_time` after the proposal (the two voting phases and gossip).
//! - An offline proposer proposes nothing: the round times out after Tendermint's `timeout_propose` (3 s,
//!   plus 0.5 s per round already failed at this height), everybody prevotes and precommits nil, and the next
//!   round starts with the next proposer (round fail-over).
//! - A block needs precommits from more than 2/3 of the stake: while more than 1/3 of the stake is offline
//!   no block can ever commit, and the chain **halts** ([`Step::Halted`]).
//! - Votes between the simulated validators are counted by stake, not signed (every validator runs in one
//!   process and the honest ones cannot lie); a vote that leaves the simulation, as evidence on L1, is a
//!   [`SignedVote`], signed with the validator's secp256k1 key. An equivocating validator signs two
//!   precommits for different blocks at one height and round; [`EvidencePool`] spots the pair.
//! - Not modelled: network delays other than the block time, locking and valid-round rules (no validator
//!   ever sees two proposals in one round but an equivocator), vote extensions, the mempool's gossip.

use std::collections::BTreeMap;

use l1_contract_sim::ecdsa::{ecrecover, keccak256, EthKey, EthSignature};
use l1_contract_sim::{Address, Wei};
use serde::{Deserialize, Serialize};

use crate::error::{Result, SidechainError};
use crate::validators::more_than_two_thirds;

/// Timing of the consensus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsensusParams {
    /// From a proposal to its commit (the two voting phases), milliseconds: the block time when the proposer
    /// is online.
    pub block_time_ms: u64,
    /// How long validators wait for an offline proposer in round 0, milliseconds (Tendermint's
    /// `timeout_propose`, 3 s).
    pub timeout_propose_ms: u64,
    /// How much longer they wait in each later round, milliseconds (Tendermint's
    /// `timeout_propose_delta`, 0.5 s).
    pub timeout_propose_delta_ms: u64,
    /// Rounds tried at one height before giving up (a guard: with more than 2/3 online an online proposer
    /// comes within the set's size).
    pub max_rounds: u32,
}

impl Default for ConsensusParams {
    /// 2 s blocks, Tendermint's 3 s + 0.5 s per round proposal timeouts.
    fn default() -> Self {
        ConsensusParams {
            block_time_ms: 2_000,
            timeout_propose_ms: 3_000,
            timeout_propose_delta_ms: 500,
            max_rounds: 100_000,
        }
    }
}

/// A committed block, as consensus saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commit {
    /// Its height (the first block is 1).
    pub height: u64,
    /// The round that committed it.
    pub round: u32,
    /// Its proposer (index into the validator set).
    pub proposer: usize,
    /// When it was proposed, milliseconds.
    pub proposed_at_ms: u64,
    /// When more than 2/3 of the stake had precommitted it, milliseconds.
    pub committed_at_ms: u64,
    /// The stake that precommitted it.
    pub precommit_stake: Wei,
    /// The set's total stake.
    pub total_stake: Wei,
}

/// What consensus did at one height.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// A block committed.
    Committed(Commit),
    /// No block can commit: the online stake is 2/3 of the total or less.
    Halted {
        /// The height that never commits.
        height: u64,
        /// Stake online.
        online_stake: Wei,
        /// Total stake.
        total_stake: Wei,
    },
}

/// The consensus state of the sidechain: the set, who is online, the proposer priorities, and the clock.
#[derive(Debug, Clone)]
pub struct Engine {
    params: ConsensusParams,
    stakes: Vec<Wei>,
    online: Vec<bool>,
    priorities: Vec<i128>,
    height: u64,
    time_ms: u64,
    failed_rounds: u64,
}

impl Engine {
    /// A chain at height 0 at `start_ms`, with validators of `stakes` of which those marked in `online` vote.
    pub fn new(params: ConsensusParams, stakes: Vec<Wei>, online: Vec<bool>, start_ms: u64) -> Engine {
        let priorities = vec![0; stakes.len()];
        Engine { params, stakes, online, priorities, height: 0, time_ms: start_ms, failed_rounds: 0 }
    }

    /// Replaces the validator set (a rotation): priorities start over.
    pub fn set_validators(&mut self, stakes: Vec<Wei>, online: Vec<bool>) {
        self.priorities = vec![0; stakes.len()];
        self.stakes = stakes;
        self.online = online;
    }

    /// The last committed height.
    pub fn height(&self) -> u64 {
        self.height
    }

    /// The time of the last commit, milliseconds.
    pub fn time_ms(&self) -> u64 {
        self.time_ms
    }

    /// Rounds that timed out so far (offline proposers).
    pub fn failed_rounds(&self) -> u64 {
        self.failed_rounds
    }

    /// The set's total stake.
    pub fn total_stake(&self) -> Wei {
        self.stakes.iter().sum()
    }

    /// The stake of the validators online.
    pub fn online_stake(&self) -> Wei {
        self.stakes.iter().zip(&self.online).filter(|(_, &o)| o).map(|(s, _)| *s).sum()
    }

    /// Tendermint's proposer selection for one round: every priority grows by its stake, the highest (the
    /// first on a tie) proposes and falls by the total.
    fn next_proposer(&mut self) -> usize {
        let total = i128::try_from(self.total_stake()).unwrap_or(i128::MAX);
        for (p, s) in self.priorities.iter_mut().zip(&self.stakes) {
            *p = p.saturating_add(i128::try_from(*s).unwrap_or(i128::MAX));
        }
        let best =
            (0..self.priorities.len()).fold(0, |b, i| if self.priorities[i] > self.priorities[b] { i } else { b });
        if let Some(p) = self.priorities.get_mut(best) {
            *p = p.saturating_sub(total);
        }
        best
    }

    /// Runs rounds at the next height until a block commits, or says the chain halted.
    ///
    /// # Errors
    /// [`SidechainError::NoProposer`] if no online proposer came within [`ConsensusParams::max_rounds`].
    pub fn next_block(&mut self) -> Result<Step> {
        let height = self.height + 1;
        let total = self.total_stake();
        let online = self.online_stake();
        if !more_than_two_thirds(online, total) {
            return Ok(Step::Halted { height, online_stake: online, total_stake: total });
        }
        let mut waited = 0u64;
        for round in 0..self.params.max_rounds {
            let proposer = self.next_proposer();
            if self.online.get(proposer).copied().unwrap_or(false) {
                let proposed_at_ms = self.time_ms + waited;
                let committed_at_ms = proposed_at_ms + self.params.block_time_ms;
                self.height = height;
                self.time_ms = committed_at_ms;
                return Ok(Step::Committed(Commit {
                    height,
                    round,
                    proposer,
                    proposed_at_ms,
                    committed_at_ms,
                    precommit_stake: online,
                    total_stake: total,
                }));
            }
            self.failed_rounds += 1;
            waited += self.params.timeout_propose_ms + u64::from(round) * self.params.timeout_propose_delta_ms;
        }
        Err(SidechainError::NoProposer { height, rounds: self.params.max_rounds })
    }
}

/// Prevote or precommit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VoteKind {
    /// First phase.
    Prevote,
    /// Second phase: the one that commits, and the one equivocation evidence shows.
    Precommit,
}

/// A consensus vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vote {
    /// The sidechain's id (votes of another chain are not evidence here).
    pub chain_id: u64,
    /// Height.
    pub height: u64,
    /// Round.
    pub round: u32,
    /// Phase.
    pub kind: VoteKind,
    /// The block voted for (Keccak-256 of its header).
    pub block_id: [u8; 32],
}

impl Vote {
    /// The 32-byte digest a validator signs: Keccak-256 of a domain tag and the vote's fields as words.
    pub fn digest(&self) -> [u8; 32] {
        keccak256(&self.encode())
    }

    /// The encoding hashed by [`Vote::digest`]: the tag `"sidechain-vote"` padded to a word, then chain id,
    /// height, round and kind as 32-byte words, then the block id (192 bytes).
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(192);
        let mut tag = [0u8; 32];
        tag[..14].copy_from_slice(b"sidechain-vote");
        out.extend_from_slice(&tag);
        for x in [self.chain_id, self.height, u64::from(self.round), self.kind as u64] {
            out.extend_from_slice(&[0u8; 24]);
            out.extend_from_slice(&x.to_be_bytes());
        }
        out.extend_from_slice(&self.block_id);
        out
    }

    /// The vote signed with `key`.
    pub fn sign(&self, key: &EthKey) -> SignedVote {
        SignedVote { vote: *self, signature: key.sign(&self.digest()) }
    }
}

/// A vote with its secp256k1 signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedVote {
    /// The vote.
    pub vote: Vote,
    /// Its signer's signature of [`Vote::digest`].
    pub signature: EthSignature,
}

impl SignedVote {
    /// Who signed it, if the signature recovers a key.
    pub fn signer(&self) -> Option<Address> {
        ecrecover(&self.vote.digest(), &self.signature)
    }
}

/// Two votes by one validator at the same height, round and phase for different blocks: proof of
/// equivocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// One vote.
    pub a: SignedVote,
    /// The other.
    pub b: SignedVote,
}

/// Watches signed votes and keeps the first of each validator at each height, round and phase; a second one
/// for another block is evidence.
#[derive(Debug, Clone, Default)]
pub struct EvidencePool {
    seen: BTreeMap<(Address, u64, u32, VoteKind), SignedVote>,
}

impl EvidencePool {
    /// An empty pool.
    pub fn new() -> EvidencePool {
        EvidencePool::default()
    }

    /// Takes in one signed vote; returns evidence if its signer already voted for another block at the same
    /// height, round and phase. Votes that recover no signer are dropped.
    pub fn observe(&mut self, vote: SignedVote) -> Option<Evidence> {
        let signer = vote.signer()?;
        let key = (signer, vote.vote.height, vote.vote.round, vote.vote.kind);
        match self.seen.get(&key) {
            Some(first) if first.vote.block_id != vote.vote.block_id => Some(Evidence { a: *first, b: vote }),
            Some(_) => None,
            None => {
                self.seen.insert(key, vote);
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proposers_follow_stake_and_rounds_fail_over() {
        // Stakes 1, 2, 3: over 6 rounds each proposes as often as its stake.
        let mut e = Engine::new(ConsensusParams::default(), vec![1, 2, 3], vec![true; 3], 0);
        let mut counts = [0; 3];
        for _ in 0..6 {
            counts[e.next_proposer()] += 1;
        }
        assert_eq!(counts, [1, 2, 3]);
        // Validator 2 (stake 3 of 10) offline: the rounds it proposes time out, the next proposer commits.
        let mut e = Engine::new(ConsensusParams::default(), vec![3, 3, 3, 1], vec![true, true, false, true], 0);
        let mut failed = 0;
        for _ in 0..20 {
            match e.next_block().unwrap() {
                Step::Committed(c) => {
                    assert_ne!(c.proposer, 2);
                    if c.round > 0 {
                        failed += 1;
                        assert!(c.proposed_at_ms >= c.committed_at_ms - 2_000 && c.round == 1);
                    }
                }
                Step::Halted { .. } => panic!("7 of 10 online must not halt"),
            }
        }
        assert!(failed > 0 && e.failed_rounds() == failed);
        assert_eq!(e.height(), 20);
        assert_eq!(e.time_ms(), 20 * 2_000 + failed * 3_000);
    }

    #[test]
    fn more_than_a_third_offline_halts() {
        let mut e = Engine::new(ConsensusParams::default(), vec![1, 1, 1], vec![true, true, false], 0);
        assert!(matches!(e.next_block().unwrap(), Step::Halted { height: 1, online_stake: 2, total_stake: 3 }));
        let mut e = Engine::new(ConsensusParams::default(), vec![1, 1, 1, 1], vec![true, true, true, false], 0);
        assert!(matches!(e.next_block().unwrap(), Step::Committed(_)));
    }

    #[test]
    fn two_precommits_for_different_blocks_are_evidence() {
        let key = EthKey::from_label("byzantine");
        let vote = Vote { chain_id: 1, height: 5, round: 0, kind: VoteKind::Precommit, block_id: [1; 32] };
        let other = Vote { block_id: [2; 32], ..vote };
        let mut pool = EvidencePool::new();
        assert!(pool.observe(vote.sign(&key)).is_none());
        assert!(pool.observe(vote.sign(&key)).is_none(), "the same vote twice is no evidence");
        assert!(pool.observe(Vote { round: 1, ..other }.sign(&key)).is_none(), "another round is no evidence");
        assert!(pool.observe(other.sign(&EthKey::from_label("honest"))).is_none());
        let evidence = pool.observe(other.sign(&key)).expect("equivocation");
        assert_eq!(evidence.a.signer(), Some(key.address()));
        assert_eq!(evidence.b.signer(), Some(key.address()));
    }
}
