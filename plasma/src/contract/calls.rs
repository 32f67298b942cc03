//! The contract's calls and events, and the calldata each call is priced with.

use l1_contract_sim::abi::{push_selector, push_u64};
use l1_contract_sim::merkle::MerkleProof;
use l1_contract_sim::{Address, Wei};

use crate::tx::{Hash32, PlasmaTx, SignedTx, UtxoPos};

/// Calls of the Plasma contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlasmaCall {
    /// Deposit the call's value into a new deposit block, owned by the sender.
    Deposit,
    /// The operator commits the next child block's root.
    SubmitBlock {
        /// The block's Merkle root.
        root: Hash32,
    },
    /// The owner of an output exits it, with the standard exit bond.
    StartStandardExit {
        /// The output.
        utxo_pos: UtxoPos,
        /// The transaction that created it.
        tx: PlasmaTx,
        /// Its inclusion proof in the output's block.
        proof: MerkleProof,
    },
    /// Shows that an exiting output was spent.
    ChallengeStandardExit {
        /// The exiting output.
        utxo_pos: UtxoPos,
        /// A transaction spending it, signed by its owner.
        spending: SignedTx,
        /// Which input of `spending` is the output.
        input_index: usize,
    },
    /// Exits a transaction whose inclusion cannot be shown, with the in-flight exit bond.
    StartInFlightExit {
        /// The transaction, signed by its inputs' owners.
        tx: SignedTx,
        /// The transaction of each input, in order.
        input_txs: Vec<PlasmaTx>,
        /// Each input transaction's inclusion proof.
        input_proofs: Vec<MerkleProof>,
    },
    /// An input's owner asks for it to be paid if the exit is not canonical (piggyback bond).
    PiggybackInput {
        /// The in-flight exit.
        tx_hash: Hash32,
        /// The input.
        index: usize,
    },
    /// An output's owner asks for it to be paid if the exit is canonical (piggyback bond).
    PiggybackOutput {
        /// The in-flight exit.
        tx_hash: Hash32,
        /// The output.
        index: usize,
    },
    /// Shows a competitor: another transaction spending an input of the in-flight transaction.
    ChallengeNonCanonical {
        /// The in-flight exit.
        tx_hash: Hash32,
        /// The shared input, as an index of the in-flight transaction.
        input_index: usize,
        /// The competitor, signed by the input's owner.
        competitor: SignedTx,
        /// The shared input, as an index of the competitor.
        competitor_input_index: usize,
        /// The competitor's position and inclusion proof, if it was included.
        inclusion: Option<(UtxoPos, MerkleProof)>,
    },
    /// Shows that the in-flight transaction was included before its oldest competitor.
    RespondNonCanonical {
        /// The in-flight exit.
        tx_hash: Hash32,
        /// The transaction's position.
        tx_pos: UtxoPos,
        /// Its inclusion proof.
        proof: MerkleProof,
    },
    /// Shows that a piggybacked input was spent by another transaction.
    ChallengeInputSpent {
        /// The in-flight exit.
        tx_hash: Hash32,
        /// The input.
        input_index: usize,
        /// A transaction spending it, signed by its owner.
        spending: SignedTx,
        /// Which input of `spending` it is.
        spending_input_index: usize,
    },
    /// Shows that a piggybacked output was spent by an included transaction.
    ChallengeOutputSpent {
        /// The in-flight exit.
        tx_hash: Hash32,
        /// The output.
        output_index: usize,
        /// The in-flight transaction's position (it was included after all).
        tx_pos: UtxoPos,
        /// Its inclusion proof.
        proof: MerkleProof,
        /// A transaction spending the output, signed by its owner.
        spending: SignedTx,
        /// Which input of `spending` it is.
        spending_input_index: usize,
    },
    /// Pays processable exits in priority order, at most `max` of them (anyone).
    ProcessExits {
        /// Most exits to pop.
        max: u32,
    },
    /// Pays the sender what is credited to it.
    Withdraw,
}

/// What the contract emits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlasmaEvent {
    /// A deposit block.
    Deposited {
        /// Its number.
        blknum: u64,
        /// Owner of the output.
        owner: Address,
        /// Wei.
        amount: Wei,
    },
    /// A child block's root.
    BlockSubmitted {
        /// Its number.
        blknum: u64,
        /// Its root.
        root: Hash32,
    },
    /// A standard exit started.
    ExitStarted {
        /// The output.
        utxo_pos: UtxoPos,
        /// Its owner.
        owner: Address,
        /// Wei.
        amount: Wei,
        /// When it may be processed.
        exitable_at: u64,
    },
    /// A standard exit was challenged and removed.
    ExitChallenged {
        /// The output.
        utxo_pos: UtxoPos,
        /// Who showed the spend, and took the bond.
        challenger: Address,
    },
    /// An in-flight exit started.
    InFlightExitStarted {
        /// The transaction's digest.
        tx_hash: Hash32,
        /// Who started it.
        owner: Address,
        /// When it may be processed.
        exitable_at: u64,
    },
    /// A piggyback.
    Piggybacked {
        /// The in-flight exit.
        tx_hash: Hash32,
        /// An input (`true`) or an output.
        input: bool,
        /// Its index.
        index: usize,
    },
    /// An in-flight exit was shown non-canonical.
    NonCanonical {
        /// The in-flight exit.
        tx_hash: Hash32,
        /// The competitor's position (`u64::MAX`: not included).
        competitor_position: u64,
    },
    /// An in-flight exit was shown canonical again.
    Canonical {
        /// The in-flight exit.
        tx_hash: Hash32,
    },
    /// A piggyback was challenged and removed.
    PiggybackChallenged {
        /// The in-flight exit.
        tx_hash: Hash32,
        /// An input (`true`) or an output.
        input: bool,
        /// Its index.
        index: usize,
        /// Who took the bond.
        challenger: Address,
    },
    /// An output was paid from the vault.
    ExitPaid {
        /// To whom.
        owner: Address,
        /// Wei.
        amount: Wei,
        /// The output.
        output_id: Hash32,
    },
    /// An exit reached the front of the queue but was not paid.
    ExitUnpaid {
        /// Who asked.
        owner: Address,
        /// Wei.
        amount: Wei,
        /// The output.
        output_id: Hash32,
        /// Why.
        why: &'static str,
    },
    /// Wei credited (exit, bond returned, bond won).
    Credited {
        /// To whom.
        to: Address,
        /// Wei.
        amount: Wei,
    },
    /// Wei paid out.
    Withdrawn {
        /// To whom.
        to: Address,
        /// Wei.
        amount: Wei,
    },
}

fn push_proof(out: &mut Vec<u8>, proof: &MerkleProof) {
    push_u64(out, proof.index);
    proof.siblings.iter().for_each(|s| out.extend_from_slice(s));
}

fn push_signed(out: &mut Vec<u8>, t: &SignedTx) {
    push_tx(out, &t.tx);
    for s in &t.sigs {
        out.extend_from_slice(&s.to_bytes());
        out.extend_from_slice(&[0u8; 31]);
    }
}

fn push_tx(out: &mut Vec<u8>, tx: &PlasmaTx) {
    let bytes = tx.encode();
    push_u64(out, bytes.len() as u64);
    out.extend_from_slice(&bytes);
}

impl PlasmaCall {
    /// The calldata of the call: a 4-byte selector and 32-byte words; transactions as their bytes
    /// ([`PlasmaTx::encode`]) behind a length word, signatures as 65 bytes padded to 96, proofs as the index
    /// and one word per level.
    pub fn calldata(&self) -> Vec<u8> {
        let mut out = Vec::new();
        match self {
            PlasmaCall::Deposit => push_selector(&mut out, 0x31),
            PlasmaCall::SubmitBlock { root } => {
                push_selector(&mut out, 0x32);
                out.extend_from_slice(root);
            }
            PlasmaCall::StartStandardExit { utxo_pos, tx, proof } => {
                push_selector(&mut out, 0x33);
                push_u64(&mut out, utxo_pos.raw());
                push_tx(&mut out, tx);
                push_proof(&mut out, proof);
            }
            PlasmaCall::ChallengeStandardExit { utxo_pos, spending, input_index } => {
                push_selector(&mut out, 0x34);
                push_u64(&mut out, utxo_pos.raw());
                push_signed(&mut out, spending);
                push_u64(&mut out, *input_index as u64);
            }
            PlasmaCall::StartInFlightExit { tx, input_txs, input_proofs } => {
                push_selector(&mut out, 0x35);
                push_signed(&mut out, tx);
                input_txs.iter().for_each(|t| push_tx(&mut out, t));
                input_proofs.iter().for_each(|p| push_proof(&mut out, p));
            }
            PlasmaCall::PiggybackInput { tx_hash, index } | PlasmaCall::PiggybackOutput { tx_hash, index } => {
                push_selector(&mut out, if matches!(self, PlasmaCall::PiggybackInput { .. }) { 0x36 } else { 0x37 });
                out.extend_from_slice(tx_hash);
                push_u64(&mut out, *index as u64);
            }
            PlasmaCall::ChallengeNonCanonical {
                tx_hash,
                input_index,
                competitor,
                competitor_input_index,
                inclusion,
            } => {
                push_selector(&mut out, 0x38);
                out.extend_from_slice(tx_hash);
                push_u64(&mut out, *input_index as u64);
                push_signed(&mut out, competitor);
                push_u64(&mut out, *competitor_input_index as u64);
                if let Some((pos, proof)) = inclusion {
                    push_u64(&mut out, pos.raw());
                    push_proof(&mut out, proof);
                }
            }
            PlasmaCall::RespondNonCanonical { tx_hash, tx_pos, proof } => {
                push_selector(&mut out, 0x39);
                out.extend_from_slice(tx_hash);
                push_u64(&mut out, tx_pos.raw());
                push_proof(&mut out, proof);
            }
            PlasmaCall::ChallengeInputSpent { tx_hash, input_index, spending, spending_input_index } => {
                push_selector(&mut out, 0x3a);
                out.extend_from_slice(tx_hash);
                push_u64(&mut out, *input_index as u64);
                push_signed(&mut out, spending);
                push_u64(&mut out, *spending_input_index as u64);
            }
            PlasmaCall::ChallengeOutputSpent {
                tx_hash,
                output_index,
                tx_pos,
                proof,
                spending,
                spending_input_index,
            } => {
                push_selector(&mut out, 0x3b);
                out.extend_from_slice(tx_hash);
                push_u64(&mut out, *output_index as u64);
                push_u64(&mut out, tx_pos.raw());
                push_proof(&mut out, proof);
                push_signed(&mut out, spending);
                push_u64(&mut out, *spending_input_index as u64);
            }
            PlasmaCall::ProcessExits { max } => {
                push_selector(&mut out, 0x3c);
                push_u64(&mut out, u64::from(*max));
            }
            PlasmaCall::Withdraw => push_selector(&mut out, 0x3d),
        }
        out
    }

    /// The call's name, for logs and reports.
    pub fn name(&self) -> &'static str {
        match self {
            PlasmaCall::Deposit => "Deposit",
            PlasmaCall::SubmitBlock { .. } => "SubmitBlock",
            PlasmaCall::StartStandardExit { .. } => "StartStandardExit",
            PlasmaCall::ChallengeStandardExit { .. } => "ChallengeStandardExit",
            PlasmaCall::StartInFlightExit { .. } => "StartInFlightExit",
            PlasmaCall::PiggybackInput { .. } => "PiggybackInput",
            PlasmaCall::PiggybackOutput { .. } => "PiggybackOutput",
            PlasmaCall::ChallengeNonCanonical { .. } => "ChallengeNonCanonical",
            PlasmaCall::RespondNonCanonical { .. } => "RespondNonCanonical",
            PlasmaCall::ChallengeInputSpent { .. } => "ChallengeInputSpent",
            PlasmaCall::ChallengeOutputSpent { .. } => "ChallengeOutputSpent",
            PlasmaCall::ProcessExits { .. } => "ProcessExits",
            PlasmaCall::Withdraw => "Withdraw",
        }
    }
}
