//! The circuit, a witness and the proving key in iden3's binary formats, as snarkjs 0.7.6 reads
//! them: `.r1cs` (version 1), `.wtns` (version 2) and a Groth16 `.zkey` (version 1).
//!
//! All three are iden3 "bin files": a 4-byte magic (`r1cs`, `wtns`, `zkey`), a `u32` version, a
//! `u32` number of sections, then each section as a `u32` type, a `u64` byte length and its bytes;
//! every integer is little-endian. Field elements are 32 bytes, little-endian; where they are in
//! Montgomery form is said below, and follows snarkjs exactly (`r1csfile`, `wtns_utils.js`,
//! `zkey_new.js`, `zkey_utils.js`).
//!
//! **Wires.** The wire order is arkworks' variable order: wire 0 is the constant one, then the
//! instance variables (the one public input, the batch commitment), then the witness variables.
//! That is circom's order (one, public outputs, public inputs, private signals) with the
//! commitment as the one public input and no outputs, so `nPublic = 1` and the public signal
//! snarkjs reports is the commitment. Every wire is its own label.
//!
//! **`.r1cs`**: header (section 1: `n8 = 32`, the scalar field prime `r`, `nWires`, `nPubOut = 0`,
//! `nPubIn` = instance variables less the one, `nPrvIn = 0`: the circuit has no distinguished
//! private inputs, every other wire is internal, `nLabels = nWires` as a `u64`, `mConstraints`),
//! constraints (section 2: per constraint the linear combinations A, B, C, each as a `u32` count
//! of terms then `(u32 wire, coefficient)` pairs, sorted by wire, coefficients in standard form),
//! wire-to-label map (section 3: one `u64` label per wire, the identity).
//!
//! **`.wtns`**: header (section 1: `n8`, `r`, `u32` number of values), values (section 2: the full
//! assignment in wire order, standard form).
//!
//! **`.zkey`**, in the order `zkey_new.js` writes its sections:
//! 1. header: protocol 1 (Groth16);
//! 2. Groth16 header: `n8q`, `q`, `n8r`, `r`, `nVars`, `nPublic`, `domainSize`, then
//!    `[α]₁ [β]₁ [β]₂ [γ]₂ [δ]₁ [δ]₂`;
//! 4. coefficients: a `u32` count, then `(u32 matrix, u32 constraint, u32 signal, value)` for every
//!    term of A (matrix 0) and B (matrix 1), constraint by constraint, then one A term of
//!    coefficient one for each instance variable `s` at row `constraints + s` (the QAP's extra rows,
//!    as `zkey_new.js` adds them; `groth16_prove.js` evaluates only what this section lists). Each
//!    value `v` is stored as the standard form of `v·R² mod r` (`R = 2²⁵⁶`): snarkjs multiplies it
//!    by a standard-form witness value in Montgomery arithmetic, which yields `v·w` in Montgomery
//!    form;
//! 3. IC: `[(β·u_i + α·v_i + w_i)(τ)/γ]₁` for the instance variables;
//! 9. H: the `domainSize` points `[L'_{2i+1}(τ)/δ]₁`, which is how [`crate::groth16`] lays out
//!    its H query already;
//! 8. C: the L query, for the witness variables only;
//! 5. A, 6. B1 (G1), 7. B2 (G2): one point per wire;
//! 10. contributions: the 64-byte circuit hash and a `u32` count of contributions, here 64 zero
//!     bytes and 0: the key comes from our own setup, not from a powers-of-tau ceremony, so
//!     `snarkjs zkey verify` has nothing to check it against (proving and exporting the verifying
//!     key read neither).
//!
//! Curve points are affine, each coordinate in Montgomery form (`x·2²⁵⁶ mod q`), G2 coordinates
//! as `c0` then `c1`; the point at infinity is all zeros, as ffjavascript writes it.

use ark_bn254::{Bn254, Fq, Fq2, Fr, G1Affine, G2Affine};
use ark_ec::AffineRepr;
use ark_ff::{BigInteger, One, PrimeField, Zero};
use ark_groth16::ProvingKey;
use ark_relations::utils::matrix::Matrix;
use std::io::{self, Cursor, Seek, SeekFrom, Write};

use crate::error::{ProverError, Result};
use crate::keys::Keys;

/// Bytes of one field element (both BN254 fields).
pub const N8: usize = 32;
/// Bytes of an affine G1 point.
pub const G1_BYTES: usize = 2 * N8;
/// Bytes of an affine G2 point.
pub const G2_BYTES: usize = 4 * N8;
/// The `.r1cs` version written.
pub const R1CS_VERSION: u32 = 1;
/// The `.wtns` version written.
pub const WTNS_VERSION: u32 = 2;
/// The `.zkey` version written.
pub const ZKEY_VERSION: u32 = 1;
/// The protocol id of Groth16 in a `.zkey` header.
pub const GROTH16_PROTOCOL: u32 = 1;

/// Section ids.
pub mod section {
    /// `.r1cs` header.
    pub const R1CS_HEADER: u32 = 1;
    /// `.r1cs` constraints.
    pub const R1CS_CONSTRAINTS: u32 = 2;
    /// `.r1cs` wire-to-label map.
    pub const R1CS_WIRE_TO_LABEL: u32 = 3;
    /// `.wtns` header.
    pub const WTNS_HEADER: u32 = 1;
    /// `.wtns` values.
    pub const WTNS_VALUES: u32 = 2;
    /// `.zkey` header (the protocol).
    pub const ZKEY_HEADER: u32 = 1;
    /// `.zkey` Groth16 header.
    pub const ZKEY_GROTH16_HEADER: u32 = 2;
    /// `.zkey` IC points.
    pub const ZKEY_IC: u32 = 3;
    /// `.zkey` A and B coefficients.
    pub const ZKEY_COEFFICIENTS: u32 = 4;
    /// `.zkey` A points.
    pub const ZKEY_A: u32 = 5;
    /// `.zkey` B points in G1.
    pub const ZKEY_B1: u32 = 6;
    /// `.zkey` B points in G2.
    pub const ZKEY_B2: u32 = 7;
    /// `.zkey` C points (the L query of the witness variables).
    pub const ZKEY_C: u32 = 8;
    /// `.zkey` H points.
    pub const ZKEY_H: u32 = 9;
    /// `.zkey` contributions.
    pub const ZKEY_CONTRIBUTIONS: u32 = 10;
}

fn refuse(format: &'static str, why: impl Into<String>) -> ProverError {
    ProverError::Iden3 { format, why: why.into() }
}

/// A `u32` field of a file, or an error naming what does not fit.
fn as_u32(format: &'static str, what: &str, n: usize) -> Result<u32> {
    u32::try_from(n).map_err(|_| refuse(format, format!("{what} = {n} does not fit the format's 32 bits")))
}

/// An iden3 bin file being written, as `binfileutils` writes it, straight into `out` (a file, or
/// a `Cursor` for the `*_bytes` functions): a section's length is patched by seeking back to it
/// once the section is complete. The first I/O error is kept and every later write skipped;
/// [`BinWriter::finish`] returns it.
struct BinWriter<W: Write + Seek> {
    out: W,
    /// Bytes written so far (the position in `out`).
    written: u64,
    /// Where the open section's length goes.
    open: Option<u64>,
    error: Option<io::Error>,
}

impl<W: Write + Seek> BinWriter<W> {
    fn new(out: W, magic: &[u8; 4], version: u32, sections: u32) -> Self {
        let mut w = BinWriter { out, written: 0, open: None, error: None };
        w.bytes(magic);
        w.u32(version);
        w.u32(sections);
        w
    }

    fn bytes(&mut self, bytes: &[u8]) {
        if self.error.is_none() {
            match self.out.write_all(bytes) {
                Ok(()) => self.written += bytes.len() as u64,
                Err(e) => self.error = Some(e),
            }
        }
    }

    /// Opens a section: its type and a length patched by [`BinWriter::end`].
    fn start(&mut self, id: u32) {
        debug_assert!(self.open.is_none(), "sections do not nest");
        self.u32(id);
        self.open = Some(self.written);
        self.u64(0);
    }

    fn end(&mut self) {
        let at = self.open.take().expect("a section is open");
        if self.error.is_none() {
            let len = self.written - at - 8;
            let patched = (|| {
                self.out.seek(SeekFrom::Start(at))?;
                self.out.write_all(&len.to_le_bytes())?;
                self.out.seek(SeekFrom::Start(self.written)).map(drop)
            })();
            self.error = patched.err();
        }
    }

    fn u32(&mut self, v: u32) {
        self.bytes(&v.to_le_bytes());
    }

    fn u64(&mut self, v: u64) {
        self.bytes(&v.to_le_bytes());
    }

    /// A big integer, little-endian, in exactly [`N8`] bytes.
    fn bigint(&mut self, limbs: impl BigInteger) {
        let bytes = limbs.to_bytes_le();
        debug_assert_eq!(bytes.len(), N8);
        self.bytes(&bytes);
    }

    /// A scalar in standard form.
    fn fr(&mut self, x: &Fr) {
        self.bigint(x.into_bigint());
    }

    /// Flushes; the bytes written, or the first I/O error.
    fn finish(mut self, format: &'static str) -> Result<u64> {
        debug_assert!(self.open.is_none());
        if self.error.is_none() {
            self.error = self.out.flush().err();
        }
        match self.error {
            None => Ok(self.written),
            Some(e) => Err(refuse(format, e.to_string())),
        }
    }
}

/// Runs a writer into memory.
fn to_vec(write: impl FnOnce(&mut Cursor<Vec<u8>>) -> Result<u64>) -> Result<Vec<u8>> {
    let mut cursor = Cursor::new(Vec::new());
    write(&mut cursor)?;
    Ok(cursor.into_inner())
}

/// Montgomery forms, as ffjavascript keeps its elements.
struct Montgomery {
    /// `2²⁵⁶ mod q` as an element of Fq: `x·r_q` has the Montgomery form of `x` as its value.
    r_q: Fq,
    /// `2⁵¹² mod r` as an element of Fr: what `zkey_new.js` multiplies coefficients by.
    r2_r: Fr,
}

impl Montgomery {
    fn new() -> Self {
        Montgomery {
            r_q: Fq::from_bigint(Fq::R).expect("R mod q is below q"),
            r2_r: Fr::from_bigint(Fr::R2).expect("R² mod r is below r"),
        }
    }

    fn fq<W: Write + Seek>(&self, w: &mut BinWriter<W>, x: &Fq) {
        w.bigint((*x * self.r_q).into_bigint());
    }

    fn fq2<W: Write + Seek>(&self, w: &mut BinWriter<W>, x: &Fq2) {
        self.fq(w, &x.c0);
        self.fq(w, &x.c1);
    }

    fn g1<W: Write + Seek>(&self, w: &mut BinWriter<W>, p: &G1Affine) {
        match p.xy() {
            Some((x, y)) => {
                self.fq(w, &x);
                self.fq(w, &y);
            }
            None => w.bytes(&[0; G1_BYTES]),
        }
    }

    fn g2<W: Write + Seek>(&self, w: &mut BinWriter<W>, p: &G2Affine) {
        match p.xy() {
            Some((x, y)) => {
                self.fq2(w, &x);
                self.fq2(w, &y);
            }
            None => w.bytes(&[0; G2_BYTES]),
        }
    }

    /// A `.zkey` coefficient: the standard form of `v·R²`.
    fn coefficient<W: Write + Seek>(&self, w: &mut BinWriter<W>, v: &Fr) {
        w.fr(&(*v * self.r2_r));
    }
}

/// A linear combination: `(wire, coefficient)` terms.
type Lc = Vec<(usize, Fr)>;

/// One row of a matrix as a linear combination: terms sorted by wire, repeated wires summed,
/// zero terms dropped (snarkjs reads a linear combination into a map by wire, so a repeated wire
/// would keep only its last term).
fn linear_combination(row: &[(Fr, usize)]) -> Lc {
    let mut terms: Vec<(usize, Fr)> = row.iter().map(|&(coeff, wire)| (wire, coeff)).collect();
    terms.sort_by_key(|&(wire, _)| wire);
    let mut merged: Vec<(usize, Fr)> = Vec::with_capacity(terms.len());
    for (wire, coeff) in terms {
        match merged.last_mut() {
            Some((last, sum)) if *last == wire => *sum += coeff,
            _ => merged.push((wire, coeff)),
        }
    }
    merged.retain(|(_, coeff)| !coeff.is_zero());
    merged
}

/// The three matrices `[A, B, C]` of a circuit of `wires` wires, checked: as many rows each, every
/// wire in range. Rows are turned into linear combinations one at a time as they are written, so
/// an export holds no second copy of the matrices.
fn checked_matrices<'m>(format: &'static str, matrices: &'m [Matrix<Fr>], wires: usize) -> Result<[&'m Matrix<Fr>; 3]> {
    let [a, b, c] = matrices else {
        return Err(refuse(format, format!("{} matrices, R1CS has 3 (A, B, C)", matrices.len())));
    };
    if a.len() != b.len() || a.len() != c.len() {
        return Err(refuse(format, format!("the matrices have {}, {} and {} rows", a.len(), b.len(), c.len())));
    }
    for m in [a, b, c] {
        for (i, row) in m.iter().enumerate() {
            if let Some(&(_, wire)) = row.iter().find(|&&(_, wire)| wire >= wires) {
                return Err(refuse(format, format!("constraint {i} names wire {wire}, the circuit has {wires}")));
            }
        }
    }
    Ok([a, b, c])
}

/// Writes the `.r1cs` file of a circuit to `out`: its matrices `[A, B, C]` over
/// `instance_variables` instance variables (the constant one first) and `witness_variables`
/// witness variables. Returns the bytes written.
pub fn write_r1cs<W: Write + Seek>(
    out: W,
    matrices: &[Matrix<Fr>],
    instance_variables: usize,
    witness_variables: usize,
) -> Result<u64> {
    const F: &str = ".r1cs";
    if instance_variables == 0 {
        return Err(refuse(F, "no instance variables: wire 0 is the constant one"));
    }
    let wires =
        instance_variables.checked_add(witness_variables).ok_or_else(|| refuse(F, "the number of wires overflows"))?;
    let n_wires = as_u32(F, "nWires", wires)?;
    let rows = checked_matrices(F, matrices, wires)?;
    let constraints = as_u32(F, "mConstraints", rows[0].len())?;

    let mut w = BinWriter::new(out, b"r1cs", R1CS_VERSION, 3);
    w.start(section::R1CS_HEADER);
    w.u32(N8 as u32);
    w.bigint(Fr::MODULUS);
    w.u32(n_wires);
    w.u32(0); // public outputs
    w.u32(as_u32(F, "nPubIn", instance_variables - 1)?);
    w.u32(0); // private inputs
    w.u64(u64::from(n_wires)); // labels
    w.u32(constraints);
    w.end();

    w.start(section::R1CS_CONSTRAINTS);
    for i in 0..rows[0].len() {
        for matrix in rows {
            let lc = linear_combination(&matrix[i]);
            w.u32(lc.len() as u32);
            for (wire, coeff) in &lc {
                w.u32(*wire as u32);
                w.fr(coeff);
            }
        }
    }
    w.end();

    w.start(section::R1CS_WIRE_TO_LABEL);
    for label in 0..u64::from(n_wires) {
        w.u64(label);
    }
    w.end();
    w.finish(F)
}

/// The `.r1cs` file of a circuit, in memory (see [`write_r1cs`]).
pub fn r1cs_bytes(matrices: &[Matrix<Fr>], instance_variables: usize, witness_variables: usize) -> Result<Vec<u8>> {
    to_vec(|out| write_r1cs(out, matrices, instance_variables, witness_variables))
}

/// Writes the `.wtns` file of a full assignment in wire order (`assignment[0]` is the constant
/// one) to `out`. Returns the bytes written.
pub fn write_wtns<W: Write + Seek>(out: W, assignment: &[Fr]) -> Result<u64> {
    const F: &str = ".wtns";
    if assignment.first().is_none_or(|one| !one.is_one()) {
        return Err(refuse(F, "the assignment must start with the constant one"));
    }
    let n = as_u32(F, "nWitness", assignment.len())?;
    let mut w = BinWriter::new(out, b"wtns", WTNS_VERSION, 2);
    w.start(section::WTNS_HEADER);
    w.u32(N8 as u32);
    w.bigint(Fr::MODULUS);
    w.u32(n);
    w.end();
    w.start(section::WTNS_VALUES);
    for value in assignment {
        w.fr(value);
    }
    w.end();
    w.finish(F)
}

/// The `.wtns` file of a full assignment, in memory (see [`write_wtns`]).
pub fn wtns_bytes(assignment: &[Fr]) -> Result<Vec<u8>> {
    to_vec(|out| write_wtns(out, assignment))
}

/// Writes the Groth16 `.zkey` of a proving key in [`crate::groth16`]'s layout to `out`, with the
/// matrices it was made from and its number of instance variables (the constant one included).
/// Returns the bytes written.
pub fn write_zkey<W: Write + Seek>(
    out: W,
    pk: &ProvingKey<Bn254>,
    matrices: &[Matrix<Fr>],
    instance_variables: usize,
) -> Result<u64> {
    const F: &str = ".zkey";
    let vars = pk.a_query.len();
    if instance_variables == 0 || instance_variables > vars {
        return Err(refuse(F, format!("{instance_variables} instance variables in a key of {vars} variables")));
    }
    for (what, len) in [
        ("B1 (G1 B query)", pk.b_g1_query.len()),
        ("B2 (G2 B query)", pk.b_g2_query.len()),
        ("C (L query) plus IC", pk.l_query.len() + pk.vk.gamma_abc_g1.len()),
    ] {
        if len != vars {
            return Err(refuse(F, format!("{what} has {len} points, the A query {vars}")));
        }
    }
    if pk.vk.gamma_abc_g1.len() != instance_variables {
        return Err(refuse(
            F,
            format!("IC has {} points for {instance_variables} instance variables", pk.vk.gamma_abc_g1.len()),
        ));
    }
    let rows = checked_matrices(F, matrices, vars)?;
    let constraints = rows[0].len();
    let domain_size = pk.h_query.len();
    let needed = constraints.checked_add(instance_variables).ok_or_else(|| refuse(F, "too many rows"))?;
    if !domain_size.is_power_of_two() || domain_size < needed {
        return Err(refuse(
            F,
            format!("an H query of {domain_size} points for {needed} rows (a power of two at least that is needed)"),
        ));
    }
    let n_vars = as_u32(F, "nVars", vars)?;
    let n_public = as_u32(F, "nPublic", instance_variables - 1)?;
    let n_domain = as_u32(F, "domainSize", domain_size)?;
    as_u32(F, "the last QAP row", needed)?;
    let terms = |m: &Matrix<Fr>| m.iter().map(|row| linear_combination(row).len()).sum::<usize>();
    let coefficients = terms(rows[0]) + terms(rows[1]) + instance_variables;
    let n_coefficients = as_u32(F, "the number of coefficients", coefficients)?;

    let mut w = BinWriter::new(out, b"zkey", ZKEY_VERSION, 10);
    let m = Montgomery::new();

    w.start(section::ZKEY_HEADER);
    w.u32(GROTH16_PROTOCOL);
    w.end();

    w.start(section::ZKEY_GROTH16_HEADER);
    w.u32(N8 as u32);
    w.bigint(Fq::MODULUS);
    w.u32(N8 as u32);
    w.bigint(Fr::MODULUS);
    w.u32(n_vars);
    w.u32(n_public);
    w.u32(n_domain);
    m.g1(&mut w, &pk.vk.alpha_g1);
    m.g1(&mut w, &pk.beta_g1);
    m.g2(&mut w, &pk.vk.beta_g2);
    m.g2(&mut w, &pk.vk.gamma_g2);
    m.g1(&mut w, &pk.delta_g1);
    m.g2(&mut w, &pk.vk.delta_g2);
    w.end();

    w.start(section::ZKEY_COEFFICIENTS);
    w.u32(n_coefficients);
    for c in 0..constraints {
        for (matrix, rows) in rows[..2].iter().enumerate() {
            for (wire, coeff) in &linear_combination(&rows[c]) {
                w.u32(matrix as u32);
                w.u32(c as u32);
                w.u32(*wire as u32);
                m.coefficient(&mut w, coeff);
            }
        }
    }
    for s in 0..instance_variables {
        w.u32(0);
        w.u32((constraints + s) as u32);
        w.u32(s as u32);
        m.coefficient(&mut w, &Fr::one());
    }
    w.end();

    let g1_section = |w: &mut BinWriter<W>, id: u32, points: &[G1Affine]| {
        w.start(id);
        for p in points {
            m.g1(w, p);
        }
        w.end();
    };
    g1_section(&mut w, section::ZKEY_IC, &pk.vk.gamma_abc_g1);
    g1_section(&mut w, section::ZKEY_H, &pk.h_query);
    g1_section(&mut w, section::ZKEY_C, &pk.l_query);
    g1_section(&mut w, section::ZKEY_A, &pk.a_query);
    g1_section(&mut w, section::ZKEY_B1, &pk.b_g1_query);
    w.start(section::ZKEY_B2);
    for p in &pk.b_g2_query {
        m.g2(&mut w, p);
    }
    w.end();

    w.start(section::ZKEY_CONTRIBUTIONS);
    w.bytes(&[0; 64]);
    w.u32(0);
    w.end();
    w.finish(F)
}

/// The Groth16 `.zkey` of a proving key, in memory (see [`write_zkey`]).
pub fn zkey_bytes(pk: &ProvingKey<Bn254>, matrices: &[Matrix<Fr>], instance_variables: usize) -> Result<Vec<u8>> {
    to_vec(|out| write_zkey(out, pk, matrices, instance_variables))
}

impl Keys {
    /// The circuit of these keys as a `.r1cs` file.
    pub fn r1cs_bytes(&self) -> Result<Vec<u8>> {
        r1cs_bytes(&self.matrices, self.meta.size.instance_variables, self.meta.size.witness_variables)
    }

    /// Writes the circuit of these keys as a `.r1cs` file to `out`; the bytes written.
    pub fn write_r1cs<W: Write + Seek>(&self, out: W) -> Result<u64> {
        write_r1cs(out, &self.matrices, self.meta.size.instance_variables, self.meta.size.witness_variables)
    }

    /// These keys as a Groth16 `.zkey` file.
    pub fn zkey_bytes(&self) -> Result<Vec<u8>> {
        zkey_bytes(&self.pk, &self.matrices, self.meta.size.instance_variables)
    }

    /// Writes these keys as a Groth16 `.zkey` file to `out`; the bytes written.
    pub fn write_zkey<W: Write + Seek>(&self, out: W) -> Result<u64> {
        write_zkey(out, &self.pk, &self.matrices, self.meta.size.instance_variables)
    }
}

/// One section of a bin file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Section<'a> {
    /// Its type.
    pub id: u32,
    /// Its bytes.
    pub bytes: &'a [u8],
}

/// A bin file split into its sections, as `binfileutils.readBinFile` scans it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BinFile<'a> {
    /// The version.
    pub version: u32,
    /// The sections, in file order.
    pub sections: Vec<Section<'a>>,
}

impl<'a> BinFile<'a> {
    /// Splits `bytes`, which must start with `magic` and hold exactly the sections it declares.
    pub fn parse(bytes: &'a [u8], magic: &[u8; 4]) -> Result<Self> {
        let bad = |why: String| refuse("a bin file", why);
        if bytes.len() < 12 || &bytes[..4] != magic {
            return Err(bad(format!("not a {} file", String::from_utf8_lossy(magic))));
        }
        let word = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes"));
        let (version, count) = (word(4), word(8));
        let mut at = 12;
        let mut sections = Vec::new();
        for i in 0..count {
            if bytes.len() - at < 12 {
                return Err(bad(format!("section {i} of {count}: truncated header")));
            }
            let id = word(at);
            let len = u64::from_le_bytes(bytes[at + 4..at + 12].try_into().expect("8 bytes"));
            at += 12;
            let len = usize::try_from(len)
                .ok()
                .filter(|&len| len <= bytes.len() - at)
                .ok_or_else(|| bad(format!("section {i} (type {id}) runs past the end of the file")))?;
            sections.push(Section { id, bytes: &bytes[at..at + len] });
            at += len;
        }
        if at != bytes.len() {
            return Err(bad(format!("{} bytes after the last section", bytes.len() - at)));
        }
        Ok(BinFile { version, sections })
    }

    /// The one section of type `id`, if exactly one.
    pub fn section(&self, id: u32) -> Option<&'a [u8]> {
        let mut found = self.sections.iter().filter(|s| s.id == id);
        match (found.next(), found.next()) {
            (Some(s), None) => Some(s.bytes),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::groth16;
    use rand_chacha::rand_core::SeedableRng;
    use rand_chacha::ChaCha20Rng;

    /// `x·y = product`, `(x + y)·1 = sum`, `x·x = square` with public `product` and `sum`:
    /// wires `[1, product, sum, x, y, square]`; the second A row names `x` twice (`2x − x`).
    fn matrices() -> Vec<Matrix<Fr>> {
        let one = Fr::one();
        vec![
            vec![vec![(one, 3)], vec![(one, 4), (Fr::from(2u64), 3), (-one, 3)], vec![(one, 3)]],
            vec![vec![(one, 4)], vec![(one, 0)], vec![(one, 3)]],
            vec![vec![(one, 1)], vec![(one, 2)], vec![(one, 5)]],
        ]
    }

    fn assignment(x: u64, y: u64) -> Vec<Fr> {
        let (x, y) = (Fr::from(x), Fr::from(y));
        vec![Fr::one(), x * y, x + y, x, y, x * x]
    }

    fn u32_at(bytes: &[u8], at: usize) -> u32 {
        u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap())
    }

    fn u64_at(bytes: &[u8], at: usize) -> u64 {
        u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap())
    }

    fn fr_at(bytes: &[u8], at: usize) -> Fr {
        Fr::from_le_bytes_mod_order(&bytes[at..at + N8])
    }

    /// A Montgomery-form coordinate back to its value.
    fn fq_mont_at(bytes: &[u8], at: usize) -> Fq {
        let r_inv = ark_ff::Field::inverse(&Fq::from_bigint(Fq::R).unwrap()).unwrap();
        Fq::from_le_bytes_mod_order(&bytes[at..at + N8]) * r_inv
    }

    fn g1_at(bytes: &[u8], at: usize) -> G1Affine {
        if bytes[at..at + G1_BYTES].iter().all(|&b| b == 0) {
            return G1Affine::zero();
        }
        let p = G1Affine::new_unchecked(fq_mont_at(bytes, at), fq_mont_at(bytes, at + N8));
        assert!(p.is_on_curve());
        p
    }

    fn g2_at(bytes: &[u8], at: usize) -> G2Affine {
        if bytes[at..at + G2_BYTES].iter().all(|&b| b == 0) {
            return G2Affine::zero();
        }
        let q = |k| fq_mont_at(bytes, at + k * N8);
        let p = G2Affine::new_unchecked(Fq2::new(q(0), q(1)), Fq2::new(q(2), q(3)));
        assert!(p.is_on_curve());
        p
    }

    fn g1_points(bytes: &[u8]) -> Vec<G1Affine> {
        assert_eq!(bytes.len() % G1_BYTES, 0);
        (0..bytes.len() / G1_BYTES).map(|i| g1_at(bytes, i * G1_BYTES)).collect()
    }

    fn modulus_bytes<B: BigInteger>(m: B) -> Vec<u8> {
        m.to_bytes_le()
    }

    /// Reads the constraints section back into linear combinations, as `r1csfile` does.
    fn read_constraints(bytes: &[u8], count: usize) -> Vec<[Vec<(usize, Fr)>; 3]> {
        let mut at = 0;
        let mut out = Vec::new();
        for _ in 0..count {
            let mut lcs: [Vec<(usize, Fr)>; 3] = Default::default();
            for lc in &mut lcs {
                let n = u32_at(bytes, at) as usize;
                at += 4;
                for _ in 0..n {
                    lc.push((u32_at(bytes, at) as usize, fr_at(bytes, at + 4)));
                    at += 4 + N8;
                }
            }
            out.push(lcs);
        }
        assert_eq!(at, bytes.len(), "the section holds exactly the constraints");
        out
    }

    fn eval(lc: &[(usize, Fr)], z: &[Fr]) -> Fr {
        lc.iter().map(|&(wire, coeff)| coeff * z[wire]).sum()
    }

    #[test]
    fn r1cs_layout() {
        let bytes = r1cs_bytes(&matrices(), 3, 3).unwrap();
        let file = BinFile::parse(&bytes, b"r1cs").unwrap();
        assert_eq!(file.version, 1);
        let ids: Vec<u32> = file.sections.iter().map(|s| s.id).collect();
        assert_eq!(ids, [1, 2, 3]);
        let header = file.section(section::R1CS_HEADER).unwrap();
        assert_eq!(header.len(), 4 + 32 + 4 * 4 + 8 + 4);
        assert_eq!(u32_at(header, 0), 32);
        assert_eq!(header[4..36], modulus_bytes(Fr::MODULUS));
        // nWires, nPubOut, nPubIn, nPrvIn, nLabels (u64), mConstraints.
        assert_eq!([36, 40, 44, 48].map(|at| u32_at(header, at)), [6, 0, 2, 0]);
        assert_eq!(u64_at(header, 52), 6);
        assert_eq!(u32_at(header, 60), 3);

        // Terms: 1+1+1, 2+1+1 (x merged), 1+1+1.
        let constraints = file.section(section::R1CS_CONSTRAINTS).unwrap();
        assert_eq!(constraints.len(), 9 * 4 + 10 * (4 + 32));
        let read = read_constraints(constraints, 3);
        assert_eq!(read[1][0], vec![(3, Fr::one()), (4, Fr::one())], "sorted by wire, x's terms summed");
        // A wtns check: the good assignment satisfies every constraint, a wrong one does not.
        let z = assignment(3, 5);
        assert!(read.iter().all(|[a, b, c]| eval(a, &z) * eval(b, &z) == eval(c, &z)));
        let mut bad = z.clone();
        bad[5] += Fr::one();
        assert!(!read.iter().all(|[a, b, c]| eval(a, &bad) * eval(b, &bad) == eval(c, &bad)));

        let map = file.section(section::R1CS_WIRE_TO_LABEL).unwrap();
        assert_eq!(map.len(), 6 * 8);
        assert_eq!((0..6).map(|i| u64_at(map, 8 * i)).collect::<Vec<_>>(), [0, 1, 2, 3, 4, 5]);
    }

    #[test]
    fn wtns_layout() {
        let z = assignment(3, 5);
        let bytes = wtns_bytes(&z).unwrap();
        assert_eq!(bytes.len(), 12 + (12 + 4 + 32 + 4) + (12 + 6 * 32));
        let file = BinFile::parse(&bytes, b"wtns").unwrap();
        assert_eq!(file.version, 2);
        let header = file.section(section::WTNS_HEADER).unwrap();
        assert_eq!((u32_at(header, 0), u32_at(header, 36)), (32, 6));
        assert_eq!(header[4..36], modulus_bytes(Fr::MODULUS));
        let values = file.section(section::WTNS_VALUES).unwrap();
        assert_eq!((0..6).map(|i| fr_at(values, 32 * i)).collect::<Vec<_>>(), z);
        // Standard form: 15 is the byte 15.
        assert_eq!(values[32..64], [&[15u8][..], &[0; 31]].concat());

        assert!(wtns_bytes(&[]).is_err());
        assert!(wtns_bytes(&z[1..]).is_err());
    }

    #[test]
    fn zkey_layout_holds_the_proving_key() {
        let mut rng = ChaCha20Rng::seed_from_u64(11);
        let m = matrices();
        let pk = groth16::generate(&m, 3, 3, &mut rng).unwrap();
        let bytes = zkey_bytes(&pk, &m, 3).unwrap();
        let file = BinFile::parse(&bytes, b"zkey").unwrap();
        assert_eq!(file.version, 1);
        let ids: Vec<u32> = file.sections.iter().map(|s| s.id).collect();
        assert_eq!(ids, [1, 2, 4, 3, 9, 8, 5, 6, 7, 10], "zkey_new.js' order");
        assert_eq!(file.section(section::ZKEY_HEADER).unwrap(), 1u32.to_le_bytes());

        let h = file.section(section::ZKEY_GROTH16_HEADER).unwrap();
        assert_eq!(h.len(), 4 + 32 + 4 + 32 + 3 * 4 + 3 * G1_BYTES + 3 * G2_BYTES);
        assert_eq!(u32_at(h, 0), 32);
        assert_eq!(h[4..36], modulus_bytes(Fq::MODULUS));
        assert_eq!(u32_at(h, 36), 32);
        assert_eq!(h[40..72], modulus_bytes(Fr::MODULUS));
        // nVars, nPublic, domainSize (3 rows + 3 instance rows → 8).
        assert_eq!([72, 76, 80].map(|at| u32_at(h, at)), [6, 2, 8]);
        let at = 84;
        assert_eq!(g1_at(h, at), pk.vk.alpha_g1);
        assert_eq!(g1_at(h, at + G1_BYTES), pk.beta_g1);
        assert_eq!(g2_at(h, at + 2 * G1_BYTES), pk.vk.beta_g2);
        assert_eq!(g2_at(h, at + 2 * G1_BYTES + G2_BYTES), pk.vk.gamma_g2);
        assert_eq!(g1_at(h, at + 2 * G1_BYTES + 2 * G2_BYTES), pk.delta_g1);
        assert_eq!(g2_at(h, at + 3 * G1_BYTES + 2 * G2_BYTES), pk.vk.delta_g2);

        // Coefficients: A and B terms row by row (1+1, 2+1, 1+1), then one per instance variable.
        let c = file.section(section::ZKEY_COEFFICIENTS).unwrap();
        let count = u32_at(c, 0) as usize;
        assert_eq!(count, 7 + 3);
        assert_eq!(c.len(), 4 + count * (12 + N8));
        let r2_inv = ark_ff::Field::inverse(&Fr::from_bigint(Fr::R2).unwrap()).unwrap();
        let entries: Vec<(u32, u32, u32, Fr)> = (0..count)
            .map(|i| {
                let at = 4 + i * (12 + N8);
                (u32_at(c, at), u32_at(c, at + 4), u32_at(c, at + 8), fr_at(c, at + 12) * r2_inv)
            })
            .collect();
        let one = Fr::one();
        assert_eq!(
            entries,
            [
                (0, 0, 3, one),
                (1, 0, 4, one),
                (0, 1, 3, one),
                (0, 1, 4, one),
                (1, 1, 0, one),
                (0, 2, 3, one),
                (1, 2, 3, one),
                (0, 3, 0, one),
                (0, 4, 1, one),
                (0, 5, 2, one),
            ]
        );
        // The stored bytes are v·R² mod r: for v = 1 that is R² itself.
        assert_eq!(c[16..48], modulus_bytes(Fr::R2));

        let points = |id| g1_points(file.section(id).unwrap());
        assert_eq!(points(section::ZKEY_IC), pk.vk.gamma_abc_g1);
        assert_eq!(points(section::ZKEY_H), pk.h_query);
        assert_eq!(points(section::ZKEY_C), pk.l_query);
        assert_eq!(points(section::ZKEY_A), pk.a_query);
        assert_eq!(points(section::ZKEY_B1), pk.b_g1_query);
        let b2 = file.section(section::ZKEY_B2).unwrap();
        assert_eq!(b2.len(), 6 * G2_BYTES);
        assert_eq!((0..6).map(|i| g2_at(b2, i * G2_BYTES)).collect::<Vec<_>>(), pk.b_g2_query);
        // `square` (wire 5) is in no A row: its A point is the point at infinity, all zeros.
        assert!(pk.a_query[5].is_zero());
        assert!(file.section(section::ZKEY_A).unwrap()[5 * G1_BYTES..].iter().all(|&b| b == 0));
        assert_eq!(file.section(section::ZKEY_CONTRIBUTIONS).unwrap(), [0u8; 68]);
    }

    #[test]
    fn zkey_coordinates_are_in_montgomery_form() {
        // The generator of G1 is (1, 2): in Montgomery form x is R mod q.
        let g = G1Affine::generator();
        let mut out = Cursor::new(Vec::new());
        let mut w = BinWriter::new(&mut out, b"test", 0, 0);
        Montgomery::new().g1(&mut w, &g);
        w.finish("test").unwrap();
        let bytes = out.into_inner();
        assert_eq!(bytes[12..44], modulus_bytes(Fq::R));
        assert_eq!(g1_at(&bytes, 12), g);
    }

    /// A file that fills up after `room` bytes.
    struct Full {
        inner: Cursor<Vec<u8>>,
        room: u64,
    }

    impl Write for Full {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if self.inner.position() + buf.len() as u64 > self.room {
                return Err(io::Error::other("no space left"));
            }
            self.inner.write(buf)
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl Seek for Full {
        fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
            self.inner.seek(to)
        }
    }

    #[test]
    fn a_write_error_is_an_error_and_streaming_equals_the_bytes() {
        let mut rng = ChaCha20Rng::seed_from_u64(13);
        let m = matrices();
        let pk = groth16::generate(&m, 3, 3, &mut rng).unwrap();
        let whole = zkey_bytes(&pk, &m, 3).unwrap();
        for room in [0, 11, 100, whole.len() as u64 - 1] {
            let full = Full { inner: Cursor::new(Vec::new()), room };
            let err = write_zkey(full, &pk, &m, 3).unwrap_err();
            assert!(err.to_string().contains("no space left"), "{err}");
        }
        let mut exact = Full { inner: Cursor::new(Vec::new()), room: whole.len() as u64 };
        assert_eq!(write_zkey(&mut exact, &pk, &m, 3).unwrap(), whole.len() as u64);
        assert_eq!(exact.inner.into_inner(), whole);
    }

    #[test]
    fn inconsistent_inputs_are_errors() {
        let mut rng = ChaCha20Rng::seed_from_u64(12);
        let m = matrices();
        let pk = groth16::generate(&m, 3, 3, &mut rng).unwrap();
        assert!(r1cs_bytes(&m[..2], 3, 3).is_err());
        assert!(r1cs_bytes(&m, 0, 6).is_err());
        assert!(r1cs_bytes(&m, 3, 2).is_err(), "wire 5 out of range");
        let mut short = matrices();
        short[2].pop();
        assert!(r1cs_bytes(&short, 3, 3).is_err());
        assert!(zkey_bytes(&pk, &m, 2).is_err());
        assert!(zkey_bytes(&pk, &m, 0).is_err());
        let mut no_h = pk.clone();
        no_h.h_query.pop();
        assert!(zkey_bytes(&no_h, &m, 3).is_err());
        let mut no_b2 = pk.clone();
        no_b2.b_g2_query.pop();
        assert!(zkey_bytes(&no_b2, &m, 3).is_err());

        assert!(BinFile::parse(b"wtns", b"wtns").is_err());
        let good = wtns_bytes(&assignment(1, 2)).unwrap();
        assert!(BinFile::parse(&good, b"r1cs").is_err());
        assert!(BinFile::parse(&good[..good.len() - 1], b"wtns").is_err());
        assert!(BinFile::parse(&[&good[..], &[0]].concat(), b"wtns").is_err());
    }
}
