//! Key directories: what `setup` writes and `prove` / `verify` read.
//!
//! ```text
//! KEYDIR/meta.json      format version, circuit shape, shape hash, sizes, file checksums
//! KEYDIR/pk.bin         proving key (arkworks, uncompressed; checksummed in meta.json)
//! KEYDIR/matrices.bin   the R1CS matrices A, B, C built at setup, so proving never rebuilds them
//! KEYDIR/vk.json        verifying key in snarkjs' layout
//! KEYDIR/vk.bin         verifying key, compact binary (the `verifier` crate's format)
//! ```
//!
//! The shape hash pins the circuit: SHA-256 over the circuit version, the shape and
//! the numbers of public inputs and witness variables. `prove` recomputes it from the
//! batch's own synthesis (which, building no matrices, counts variables but not
//! constraints) and refuses keys made for anything else.

use std::fs;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use ark_bn254::Bn254;
use ark_groth16::ProvingKey;
use ark_relations::utils::matrix::Matrix;
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize, Compress, Validate};
use circuits::BatchShape;
use ledger::Fr;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{ProverError, Result};

/// The key-directory format this build writes and reads.
pub const FORMAT_VERSION: u32 = 1;

/// Bumped whenever the batch circuit's constraints change meaning.
pub const CIRCUIT_VERSION: u32 = 2;

const PK_MAGIC: &[u8; 4] = b"ZKPK";
const MATRICES_MAGIC: &[u8; 4] = b"ZKMX";

/// The sizes of a synthesised circuit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CircuitSize {
    /// Constraints.
    pub constraints: usize,
    /// Instance variables, the constant one included.
    pub instance_variables: usize,
    /// Witness variables.
    pub witness_variables: usize,
}

/// SHA-256 over the circuit version, the shape and the variable counts, hex-encoded.
pub fn shape_hash(shape: &BatchShape, size: &CircuitSize) -> String {
    let mut h = Sha256::new();
    h.update(b"zk-rollup-lab batch circuit");
    h.update(CIRCUIT_VERSION.to_be_bytes());
    h.update(shape.tree.depth().to_be_bytes());
    h.update([shape.tree.arity().children() as u8]);
    h.update((shape.batch_size as u64).to_be_bytes());
    h.update(shape.chain_id.value().to_be_bytes());
    for n in [size.instance_variables, size.witness_variables] {
        h.update((n as u64).to_be_bytes());
    }
    hex::encode(h.finalize())
}

/// `meta.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeyMeta {
    /// [`FORMAT_VERSION`].
    pub format_version: u32,
    /// [`CIRCUIT_VERSION`].
    pub circuit_version: u32,
    /// The circuit's shape.
    pub shape: BatchShape,
    /// The circuit's sizes.
    pub size: CircuitSize,
    /// [`shape_hash`] of shape and size.
    pub shape_hash: String,
    /// `Some(seed)` for a deterministic development setup: anyone can forge proofs.
    pub insecure_dev_seed: Option<u64>,
    /// SHA-256 of `pk.bin`.
    pub pk_sha256: String,
    /// SHA-256 of `matrices.bin`.
    pub matrices_sha256: String,
    /// Seconds the setup took, and on how many threads.
    pub setup_seconds: f64,
    /// Threads rayon used.
    pub threads: usize,
}

/// File names inside a key directory.
pub mod files {
    /// Metadata.
    pub const META: &str = "meta.json";
    /// Proving key.
    pub const PK: &str = "pk.bin";
    /// Constraint matrices.
    pub const MATRICES: &str = "matrices.bin";
    /// Verifying key, snarkjs JSON.
    pub const VK_JSON: &str = "vk.json";
    /// Verifying key, binary.
    pub const VK_BIN: &str = "vk.bin";
}

pub(crate) fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> ProverError + '_ {
    move |source| ProverError::Io { path: path.to_path_buf(), source }
}

fn bad(path: &Path, why: impl Into<String>) -> ProverError {
    ProverError::BadKeyFile { path: path.to_path_buf(), why: why.into() }
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Serialises matrices: magic, version, then for each matrix its rows, each row its
/// entries as (coefficient, column).
pub fn matrices_to_bytes(matrices: &[Matrix<Fr>]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(MATRICES_MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&(matrices.len() as u64).to_le_bytes());
    for m in matrices {
        out.extend_from_slice(&(m.len() as u64).to_le_bytes());
        for row in m {
            out.extend_from_slice(&(row.len() as u32).to_le_bytes());
            for (coeff, column) in row {
                coeff.serialize_uncompressed(&mut out).expect("writing to a Vec");
                out.extend_from_slice(&(*column as u32).to_le_bytes());
            }
        }
    }
    out
}

/// Reads what [`matrices_to_bytes`] wrote.
pub fn matrices_from_bytes(path: &Path, bytes: &[u8]) -> Result<Vec<Matrix<Fr>>> {
    let mut r = bytes;
    let mut take = |n: usize| -> Result<&[u8]> {
        if r.len() < n {
            return Err(bad(path, "truncated"));
        }
        let (head, tail) = r.split_at(n);
        r = tail;
        Ok(head)
    };
    if take(4)? != MATRICES_MAGIC {
        return Err(bad(path, "not a matrices file"));
    }
    let version = u32::from_le_bytes(take(4)?.try_into().expect("4"));
    if version != FORMAT_VERSION {
        return Err(ProverError::UnsupportedVersion { found: version, expected: FORMAT_VERSION });
    }
    let count = u64::from_le_bytes(take(8)?.try_into().expect("8")) as usize;
    let mut matrices = Vec::with_capacity(count.min(3));
    for _ in 0..count {
        let rows = u64::from_le_bytes(take(8)?.try_into().expect("8")) as usize;
        let mut m = Vec::with_capacity(rows.min(bytes.len() / 4));
        for _ in 0..rows {
            let len = u32::from_le_bytes(take(4)?.try_into().expect("4")) as usize;
            let mut row = Vec::with_capacity(len.min(bytes.len() / 36));
            for _ in 0..len {
                let coeff = Fr::deserialize_uncompressed_unchecked(take(32)?).map_err(|e| bad(path, e.to_string()))?;
                let column = u32::from_le_bytes(take(4)?.try_into().expect("4")) as usize;
                row.push((coeff, column));
            }
            m.push(row);
        }
        matrices.push(m);
    }
    Ok(matrices)
}

/// Everything `setup` produced.
#[derive(Debug, Clone)]
pub struct Keys {
    /// Metadata.
    pub meta: KeyMeta,
    /// The proving key (its `vk` field is the verifying key).
    pub pk: ProvingKey<Bn254>,
    /// The R1CS matrices.
    pub matrices: Vec<Matrix<Fr>>,
}

impl Keys {
    /// Writes the key directory (creating it).
    pub fn write(&self, dir: &Path) -> Result<()> {
        fs::create_dir_all(dir).map_err(io_err(dir))?;
        let mut pk = Vec::with_capacity(self.pk.uncompressed_size() + 8);
        pk.extend_from_slice(PK_MAGIC);
        pk.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        self.pk.serialize_uncompressed(&mut pk).map_err(|e| bad(dir, e.to_string()))?;
        let matrices = matrices_to_bytes(&self.matrices);
        let mut meta = self.meta.clone();
        meta.pk_sha256 = sha256_hex(&pk);
        meta.matrices_sha256 = sha256_hex(&matrices);
        write_file(&dir.join(files::PK), &pk)?;
        write_file(&dir.join(files::MATRICES), &matrices)?;
        write_file(&dir.join(files::VK_JSON), verifier::snarkjs::vk_to_json(&self.pk.vk).as_bytes())?;
        write_file(&dir.join(files::VK_BIN), &verifier::binary::vk_to_bytes(&self.pk.vk))?;
        let meta_json = serde_json::to_string_pretty(&meta).map_err(|e| bad(dir, e.to_string()))?;
        write_file(&dir.join(files::META), meta_json.as_bytes())
    }

    /// Reads a key directory, checking format version and checksums.
    pub fn read(dir: &Path) -> Result<Self> {
        let meta = read_meta(dir)?;
        let pk_path = dir.join(files::PK);
        let pk_bytes = read_file(&pk_path)?;
        if sha256_hex(&pk_bytes) != meta.pk_sha256 {
            return Err(bad(&pk_path, "checksum differs from meta.json: the file is corrupt or from another setup"));
        }
        if pk_bytes.len() < 8 || &pk_bytes[..4] != PK_MAGIC {
            return Err(bad(&pk_path, "not a proving key file"));
        }
        // Checked by checksum above, so the (slow) point validation can be skipped.
        let pk = ProvingKey::<Bn254>::deserialize_with_mode(&pk_bytes[8..], Compress::No, Validate::No)
            .map_err(|e| bad(&pk_path, e.to_string()))?;
        let m_path = dir.join(files::MATRICES);
        let m_bytes = read_file(&m_path)?;
        if sha256_hex(&m_bytes) != meta.matrices_sha256 {
            return Err(bad(&m_path, "checksum differs from meta.json: the file is corrupt or from another setup"));
        }
        let matrices = matrices_from_bytes(&m_path, &m_bytes)?;
        Ok(Keys { meta, pk, matrices })
    }
}

/// Reads and checks `meta.json`.
pub fn read_meta(dir: &Path) -> Result<KeyMeta> {
    let path = dir.join(files::META);
    let text = read_file(&path)?;
    let meta: KeyMeta = serde_json::from_slice(&text).map_err(|e| bad(&path, e.to_string()))?;
    if meta.format_version != FORMAT_VERSION {
        return Err(ProverError::UnsupportedVersion { found: meta.format_version, expected: FORMAT_VERSION });
    }
    Ok(meta)
}

fn read_file(path: &Path) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    BufReader::new(fs::File::open(path).map_err(io_err(path))?).read_to_end(&mut out).map_err(io_err(path))?;
    Ok(out)
}

fn write_file(path: &PathBuf, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension("tmp");
    {
        let mut w = BufWriter::new(fs::File::create(&tmp).map_err(io_err(&tmp))?);
        w.write_all(bytes).map_err(io_err(&tmp))?;
        w.flush().map_err(io_err(&tmp))?;
    }
    fs::rename(&tmp, path).map_err(io_err(path))
}
