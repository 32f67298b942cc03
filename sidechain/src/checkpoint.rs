//! Checkpoints: what validators sign every K sidechain blocks and a relayer posts to the bridge (the block
//! range, the state root, a Keccak Merkle root of the range's withdrawals and the validator set's id), the
//! withdrawal leaves under that root, and the two signature forms the bridge checks.

use ark_serialize::CanonicalSerialize;
use l1_contract_sim::ecdsa::{keccak256, EthSignature};
use l1_contract_sim::merkle::KeccakTree;
use l1_contract_sim::{Address, Wei};
use serde::{Deserialize, Serialize};

use crate::bls::{aggregate_signatures, hash_to_g2, BlsSignature, DST_SIGN};
use crate::error::{Result, SidechainError};
use crate::validators::Validator;

/// Depth of a checkpoint's withdrawal tree: up to 65,536 withdrawals per checkpoint, a 16-sibling proof.
pub const WITHDRAWAL_TREE_DEPTH: u32 = 16;

fn word(out: &mut Vec<u8>, x: u128) {
    out.extend_from_slice(&[0u8; 16]);
    out.extend_from_slice(&x.to_be_bytes());
}

/// One withdrawal as the bridge pays it: the checkpoint and position it was committed at (so a leaf is
/// paid once), who receives it on L1 (the account's registered owner) and how much.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WithdrawalLeaf {
    /// The checkpoint whose root holds it.
    pub checkpoint: u64,
    /// Its position in that checkpoint's tree.
    pub index: u64,
    /// The L1 address paid.
    pub recipient: Address,
    /// Wei paid.
    pub amount: Wei,
}

impl WithdrawalLeaf {
    /// Four 32-byte words: checkpoint, index, recipient, amount.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(128);
        word(&mut out, u128::from(self.checkpoint));
        word(&mut out, u128::from(self.index));
        out.extend_from_slice(&[0u8; 12]);
        out.extend_from_slice(self.recipient.as_bytes());
        word(&mut out, self.amount);
        out
    }

    /// The leaf: Keccak-256 of [`WithdrawalLeaf::encode`].
    pub fn hash(&self) -> [u8; 32] {
        keccak256(&self.encode())
    }
}

/// The withdrawal tree of a checkpoint.
///
/// # Errors
/// [`SidechainError::TooManyWithdrawals`] beyond `2^WITHDRAWAL_TREE_DEPTH` leaves.
pub fn withdrawal_tree(leaves: &[WithdrawalLeaf]) -> Result<KeccakTree> {
    KeccakTree::new(WITHDRAWAL_TREE_DEPTH, leaves.iter().map(WithdrawalLeaf::hash).collect())
        .ok_or(SidechainError::TooManyWithdrawals { count: leaves.len(), depth: WITHDRAWAL_TREE_DEPTH })
}

/// A checkpoint of sidechain blocks `start_block..=end_block`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// Its number: 0, 1, 2... in order.
    pub number: u64,
    /// First block covered.
    pub start_block: u64,
    /// Last block covered.
    pub end_block: u64,
    /// The sidechain's state root after `end_block` (the ledger's Poseidon root, 32 bytes big-endian).
    pub state_root: [u8; 32],
    /// Root of the withdrawal tree ([`withdrawal_tree`]).
    pub withdrawal_root: [u8; 32],
    /// Withdrawals under the root.
    pub withdrawals: u64,
    /// The validator set that signs it (the bridge's current set id).
    pub set_id: u64,
}

impl Checkpoint {
    /// Seven 32-byte words, as the submission's calldata carries them.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(7 * 32);
        word(&mut out, u128::from(self.number));
        word(&mut out, u128::from(self.start_block));
        word(&mut out, u128::from(self.end_block));
        out.extend_from_slice(&self.state_root);
        out.extend_from_slice(&self.withdrawal_root);
        word(&mut out, u128::from(self.withdrawals));
        word(&mut out, u128::from(self.set_id));
        out
    }

    /// What validators sign: Keccak-256 of the tag `"sidechain-checkpoint"`, the sidechain's id, the bridge's
    /// address (so a signature serves one bridge only) and [`Checkpoint::encode`].
    pub fn signing_bytes(&self, chain_id: u64, bridge: Address) -> Vec<u8> {
        let mut out = Vec::with_capacity(10 * 32);
        let mut tag = [0u8; 32];
        tag[..20].copy_from_slice(b"sidechain-checkpoint");
        out.extend_from_slice(&tag);
        word(&mut out, u128::from(chain_id));
        out.extend_from_slice(&[0u8; 12]);
        out.extend_from_slice(bridge.as_bytes());
        out.extend_from_slice(&self.encode());
        out
    }

    /// Keccak-256 of [`Checkpoint::signing_bytes`]: the digest signed with ECDSA and, as bytes, with BLS.
    pub fn digest(&self, chain_id: u64, bridge: Address) -> [u8; 32] {
        keccak256(&self.signing_bytes(chain_id, bridge))
    }
}

/// The signatures that come with a checkpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckpointSignatures {
    /// One secp256k1 signature per signer, ordered by signer address ascending (so the contract refuses a
    /// duplicate by checking the order, as Polygon's `StakeManager.checkSignatures`).
    Ecdsa(Vec<EthSignature>),
    /// One BLS aggregate and a bitmap over the current set's members (in the bridge's order).
    Bls {
        /// `signers[i]`: member `i` signed.
        signers: Vec<bool>,
        /// The sum of their signatures.
        aggregate: BlsSignature,
    },
}

impl CheckpointSignatures {
    /// The ECDSA signatures of `signers` on `digest`, in ascending address order.
    pub fn ecdsa<'a>(signers: impl IntoIterator<Item = &'a Validator>, digest: &[u8; 32]) -> CheckpointSignatures {
        let mut signed: Vec<(Address, EthSignature)> =
            signers.into_iter().map(|v| (v.address(), v.eth.sign(digest))).collect();
        signed.sort_by_key(|(a, _)| *a);
        signed.dedup_by_key(|(a, _)| *a);
        CheckpointSignatures::Ecdsa(signed.into_iter().map(|(_, s)| s).collect())
    }

    /// The BLS aggregate of the members marked in `signers` (`members[i]` is the bridge's member `i`) on
    /// `digest`. The message is hashed to G2 once.
    ///
    /// # Errors
    /// As [`hash_to_g2`].
    pub fn bls(members: &[&Validator], signers: Vec<bool>, digest: &[u8; 32]) -> Result<CheckpointSignatures> {
        let hashed = hash_to_g2(DST_SIGN, digest)?;
        let sigs: Vec<BlsSignature> =
            members.iter().zip(&signers).filter(|(_, &s)| s).map(|(v, _)| v.bls.sign_hashed(&hashed)).collect();
        Ok(CheckpointSignatures::Bls { signers, aggregate: aggregate_signatures(&sigs) })
    }

    /// How many signers it claims.
    pub fn signer_count(&self) -> usize {
        match self {
            CheckpointSignatures::Ecdsa(s) => s.len(),
            CheckpointSignatures::Bls { signers, .. } => signers.iter().filter(|s| **s).count(),
        }
    }

    /// The calldata it takes: ECDSA: a length word and three words `(r, s, v)` per signature (Polygon's
    /// `uint[3][]`); BLS: a length word, the bitmap in 32-byte words, and the aggregate as EIP-2537 encodes a
    /// G2 point (four 64-byte field elements, each 48 bytes left-padded with 16 zero bytes).
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        match self {
            CheckpointSignatures::Ecdsa(sigs) => {
                word(&mut out, sigs.len() as u128);
                for s in sigs {
                    out.extend_from_slice(&s.r);
                    out.extend_from_slice(&s.s);
                    word(&mut out, u128::from(s.v));
                }
            }
            CheckpointSignatures::Bls { signers, aggregate } => {
                word(&mut out, signers.len() as u128);
                let mut bitmap = vec![0u8; signers.len().div_ceil(256) * 32];
                for (i, _) in signers.iter().enumerate().filter(|(_, s)| **s) {
                    bitmap[i / 8] |= 0x80 >> (i % 8);
                }
                out.extend_from_slice(&bitmap);
                out.extend_from_slice(&eip2537_g2(aggregate));
            }
        }
        out
    }
}

/// A G2 point as EIP-2537 encodes it: 256 bytes, four 48-byte big-endian coordinates each padded to 64.
pub fn eip2537_g2(sig: &BlsSignature) -> Vec<u8> {
    let mut raw = Vec::with_capacity(192);
    let _ = sig.0.serialize_uncompressed(&mut raw);
    let mut out = Vec::with_capacity(256);
    for chunk in raw.chunks(48) {
        out.extend_from_slice(&[0u8; 16]);
        out.extend_from_slice(chunk);
    }
    out
}

/// A G1 point as EIP-2537 encodes it: 128 bytes, two 48-byte coordinates each padded to 64.
pub fn eip2537_g1(key: &crate::bls::BlsPublicKey) -> Vec<u8> {
    let mut raw = Vec::with_capacity(96);
    let _ = key.0.serialize_uncompressed(&mut raw);
    let mut out = Vec::with_capacity(128);
    for chunk in raw.chunks(48) {
        out.extend_from_slice(&[0u8; 16]);
        out.extend_from_slice(chunk);
    }
    out
}
