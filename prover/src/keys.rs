//! Key directories: what `setup` writes and `prove` / `verify` read.
//!
//! ```text
//! KEYDIR/meta.json      format version, circuit shape, shape hash, sizes, SHA-256 of every other file
//! KEYDIR/pk.bin         proving key (arkworks, uncompressed)
//! KEYDIR/matrices.bin   the R1CS matrices A, B, C built at setup, so proving never rebuilds them
//! KEYDIR/vk.json        verifying key in snarkjs' layout
//! KEYDIR/vk.bin         verifying key, compact binary (the `verifier` crate's format)
//! ```
//!
//! The shape hash pins the circuit: SHA-256 over the circuit version, the shape and
//! the numbers of public inputs and witness variables. `prove` recomputes it from the
//! batch's own synthesis (which, building no matrices, counts variables but not
//! constraints) and refuses keys made for anything else.
//!
//! [`Keys::read`] checks, before anything reaches arkworks: `meta.json` (format and
//! circuit version, that it lists the SHA-256 of exactly the four other files, that its
//! shape hash is the hash of its shape and sizes, one public input, an evaluation domain
//! BN254 has); the SHA-256 of every file ([`ProverError::ChecksumMismatch`]); the sizes
//! `meta.json` declares against the files ([`ProverError::SizeMismatch`]): three
//! matrices of `size.constraints` rows each, every column below the number of variables,
//! the proving key's queries (A and B one per variable, L one per witness variable, H
//! one per point of the evaluation domain, IC one per instance variable); and the verifying key:
//! no point at infinity ([`verifier::check_vk`]), and `vk.json` and `vk.bin` hold the
//! proving key's own.
//!
//! [`Keys::write`] writes and syncs the files into a directory; it is not atomic by
//! itself: the CLI writes into a fresh directory beside the target and renames that into
//! place.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::{Read, Write};
use std::path::Path;

use ark_bn254::Bn254;
use ark_groth16::ProvingKey;
use ark_poly::EvaluationDomain;
use ark_relations::utils::matrix::Matrix;
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize, Compress, Validate};
use circuits::BatchShape;
use ledger::Fr;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{ProverError, Result};

/// The key-directory format this build writes and reads (2: `meta.json` lists the
/// SHA-256 of every file; 3: the H query in snarkjs' layout, see [`crate::groth16`]).
pub const FORMAT_VERSION: u32 = 3;

/// Bumped whenever the batch circuit's constraints change (3: the SHA-256 gadget of
/// `circuits::sha256`, cheaper EdDSA checks and canonical bits; same public input, same rules).
pub const CIRCUIT_VERSION: u32 = 3;

/// Public inputs of the batch circuit: the batch commitment.
pub const PUBLIC_INPUTS: usize = 1;

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
    /// SHA-256 (hex) of every other file of the directory, by file name: exactly
    /// [`files::CHECKSUMMED`].
    pub sha256: BTreeMap<String, String>,
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
    /// Every file but `meta.json`, which lists their SHA-256.
    pub const CHECKSUMMED: [&str; 4] = [PK, MATRICES, VK_JSON, VK_BIN];
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
    /// Writes the key files into `dir` (created if missing) and syncs each: meant for a
    /// fresh directory (the CLI renames it into place once complete). `meta.json`,
    /// holding the SHA-256 of the others, is written last.
    pub fn write(&self, dir: &Path) -> Result<()> {
        fs::create_dir_all(dir).map_err(io_err(dir))?;
        let mut pk = Vec::with_capacity(self.pk.uncompressed_size() + 8);
        pk.extend_from_slice(PK_MAGIC);
        pk.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        self.pk.serialize_uncompressed(&mut pk).map_err(|e| bad(dir, e.to_string()))?;
        let contents: [(&str, Vec<u8>); 4] = [
            (files::PK, pk),
            (files::MATRICES, matrices_to_bytes(&self.matrices)),
            (files::VK_JSON, verifier::snarkjs::vk_to_json(&self.pk.vk).into_bytes()),
            (files::VK_BIN, verifier::binary::vk_to_bytes(&self.pk.vk)),
        ];
        let mut meta = self.meta.clone();
        meta.format_version = FORMAT_VERSION;
        meta.sha256 = contents.iter().map(|(name, bytes)| (name.to_string(), sha256_hex(bytes))).collect();
        for (name, bytes) in &contents {
            write_file(&dir.join(name), bytes)?;
        }
        let meta_json = serde_json::to_string_pretty(&meta).map_err(|e| bad(dir, e.to_string()))?;
        write_file(&dir.join(files::META), meta_json.as_bytes())
    }

    /// Reads a key directory and checks it (see the module doc): nothing inconsistent
    /// reaches arkworks.
    pub fn read(dir: &Path) -> Result<Self> {
        let meta = read_meta(dir)?;
        let read_listed = |name: &str| -> Result<(std::path::PathBuf, Vec<u8>)> {
            let path = dir.join(name);
            let bytes = read_file(&path)?;
            if meta.sha256.get(name).map(String::as_str) != Some(sha256_hex(&bytes).as_str()) {
                return Err(ProverError::ChecksumMismatch { path });
            }
            Ok((path, bytes))
        };
        // The two large files are read, checked and parsed side by side (each file's bytes are
        // dropped once parsed); every checksum error is still reported before any parse error,
        // so a corrupt file is named as corrupt, not as malformed.
        let parse_pk = |path: &Path, bytes: &[u8]| -> Result<ProvingKey<Bn254>> {
            if bytes.len() < 8 || &bytes[..4] != PK_MAGIC {
                return Err(bad(path, "not a proving key file"));
            }
            // Checked by checksum, so the (slow) point validation can be skipped.
            ProvingKey::<Bn254>::deserialize_with_mode(&bytes[8..], Compress::No, Validate::No)
                .map_err(|e| bad(path, e.to_string()))
        };
        let (pk_file, m_file) = rayon::join(
            || read_listed(files::PK).map(|(path, bytes)| (parse_pk(&path, &bytes), path)),
            || read_listed(files::MATRICES).map(|(path, bytes)| (matrices_from_bytes(&path, &bytes), path)),
        );
        let [vk_json_file, vk_bin_file] = [files::VK_JSON, files::VK_BIN].map(read_listed);
        let ((pk, pk_path), (matrices, m_path)) = (pk_file?, m_file?);
        let ((vk_json_path, vk_json), (vk_bin_path, vk_bin)) = (vk_json_file?, vk_bin_file?);

        let matrices = matrices?;
        check_matrices(&m_path, &meta.size, &matrices)?;
        let pk = pk?;
        check_proving_key(&pk_path, &meta.size, &pk)?;
        verifier::check_vk(&pk.vk).map_err(|e| bad(&pk_path, format!("verifying key: {e}")))?;

        let text = std::str::from_utf8(&vk_json).map_err(|_| bad(&vk_json_path, "not UTF-8 text"))?;
        let from_json = verifier::snarkjs::vk_from_json(text).map_err(|e| bad(&vk_json_path, e.to_string()))?;
        let from_bin = verifier::binary::vk_from_bytes(&vk_bin).map_err(|e| bad(&vk_bin_path, e.to_string()))?;
        for (path, vk) in [(&vk_json_path, from_json), (&vk_bin_path, from_bin)] {
            if vk != pk.vk {
                return Err(bad(path, "not the verifying key of pk.bin"));
            }
        }
        Ok(Keys { meta, pk, matrices })
    }
}

/// Reads and checks `meta.json` on its own: format and circuit version, the list of
/// checksummed files, the shape hash against its shape and sizes, one public input, a
/// batch size the witness count can hold, and an evaluation domain BN254 has.
pub fn read_meta(dir: &Path) -> Result<KeyMeta> {
    let path = dir.join(files::META);
    let text = read_file(&path)?;
    let meta: KeyMeta = serde_json::from_slice(&text).map_err(|e| bad(&path, e.to_string()))?;
    if meta.format_version != FORMAT_VERSION {
        return Err(ProverError::UnsupportedVersion { found: meta.format_version, expected: FORMAT_VERSION });
    }
    if meta.circuit_version != CIRCUIT_VERSION {
        return Err(bad(
            &path,
            format!("keys for circuit version {}, this build proves version {CIRCUIT_VERSION}", meta.circuit_version),
        ));
    }
    let listed: BTreeSet<&str> = meta.sha256.keys().map(String::as_str).collect();
    if listed != BTreeSet::from(files::CHECKSUMMED) {
        return Err(bad(&path, format!("sha256 must list exactly {:?}, it lists {:?}", files::CHECKSUMMED, listed)));
    }
    if shape_hash(&meta.shape, &meta.size) != meta.shape_hash {
        return Err(bad(&path, "shape_hash is not the hash of shape and size: the file was edited"));
    }
    let size = &meta.size;
    if size.instance_variables != PUBLIC_INPUTS + 1 {
        return Err(bad(
            &path,
            format!(
                "size.instance_variables is {}, the batch circuit has {} (one public input and the constant one)",
                size.instance_variables,
                PUBLIC_INPUTS + 1
            ),
        ));
    }
    if meta.shape.batch_size == 0 || meta.shape.batch_size > size.witness_variables {
        return Err(bad(
            &path,
            format!(
                "shape.batch_size {} does not fit size.witness_variables {}",
                meta.shape.batch_size, size.witness_variables
            ),
        ));
    }
    domain_size(size).ok_or_else(|| {
        bad(&path, format!("size.constraints {} is beyond what a BN254 evaluation domain holds", size.constraints))
    })?;
    Ok(meta)
}

/// If `path` lies in a key directory whose `meta.json` this build reads and which lists
/// it, checks its SHA-256 ([`ProverError::ChecksumMismatch`]); anything else passes (a
/// verifying key read on its own is validated by its parser).
pub fn check_listed_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return Ok(());
    };
    if !dir.join(files::META).is_file() {
        return Ok(());
    }
    let Ok(meta) = read_meta(dir) else {
        return Ok(());
    };
    match meta.sha256.get(name) {
        Some(expected) if *expected != sha256_hex(bytes) => {
            Err(ProverError::ChecksumMismatch { path: path.to_path_buf() })
        }
        _ => Ok(()),
    }
}

/// Points of the evaluation domain for `size` (see [`crate::groth16::domain`]), when BN254 has one.
fn domain_size(size: &CircuitSize) -> Option<usize> {
    crate::groth16::domain(size.constraints, size.instance_variables).map(|d| d.size())
}

fn size_mismatch(path: &Path, what: &str, declared: usize, found: usize) -> Result<()> {
    if declared == found {
        return Ok(());
    }
    Err(ProverError::SizeMismatch { path: path.to_path_buf(), what: what.into(), declared, found })
}

/// Three matrices of `size.constraints` rows, every column a variable.
fn check_matrices(path: &Path, size: &CircuitSize, matrices: &[Matrix<Fr>]) -> Result<()> {
    if matrices.len() != 3 {
        return Err(bad(path, format!("{} matrices, R1CS has 3 (A, B, C)", matrices.len())));
    }
    for m in matrices {
        size_mismatch(path, "size.constraints", size.constraints, m.len())?;
    }
    let variables = variables(path, size)?;
    let columns = matrices.iter().flatten().flatten().map(|&(_, column)| column + 1).max().unwrap_or(0);
    if columns > variables {
        return size_mismatch(path, "size.instance_variables + size.witness_variables", variables, columns);
    }
    Ok(())
}

/// The proving key's queries have the lengths the sizes give.
fn check_proving_key(path: &Path, size: &CircuitSize, pk: &ProvingKey<Bn254>) -> Result<()> {
    let variables = variables(path, size)?;
    let all = "size.instance_variables + size.witness_variables";
    size_mismatch(path, all, variables, pk.a_query.len())?;
    size_mismatch(path, all, variables, pk.b_g1_query.len())?;
    size_mismatch(path, all, variables, pk.b_g2_query.len())?;
    size_mismatch(path, "size.witness_variables", size.witness_variables, pk.l_query.len())?;
    size_mismatch(path, "size.instance_variables", size.instance_variables, pk.vk.gamma_abc_g1.len())?;
    let domain = domain_size(size).ok_or_else(|| bad(path, "no evaluation domain for size.constraints"))?;
    size_mismatch(path, "size.constraints (evaluation domain)", domain, pk.h_query.len())
}

fn variables(path: &Path, size: &CircuitSize) -> Result<usize> {
    size.instance_variables
        .checked_add(size.witness_variables)
        .ok_or_else(|| bad(path, "size.instance_variables + size.witness_variables overflows"))
}

fn read_file(path: &Path) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    fs::File::open(path).map_err(io_err(path))?.read_to_end(&mut out).map_err(io_err(path))?;
    Ok(out)
}

/// Writes and syncs one file.
fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut file = fs::File::create(path).map_err(io_err(path))?;
    file.write_all(bytes).map_err(io_err(path))?;
    file.sync_all().map_err(io_err(path))
}
