//! Groth16 over BN254, set up and proved from the R1CS matrices, with snarkjs' quotient layout.
//!
//! The proving key is arkworks' [`ProvingKey`] struct, with one difference in meaning, which is
//! snarkjs' (and rapidsnark's): `h_query` does not hold the powers `[τ^i·Z(τ)/δ]₁` of arkworks'
//! libsnark reduction but, for `i` in `0..n`, the points
//!
//! ```text
//! H_i = [ L'_{2i+1}(τ) / δ ]₁
//! ```
//!
//! where `n` is the size of the evaluation domain `D` (constraint rows plus one row per instance
//! variable, rounded up to a power of two) and `L'_k` is the `k`-th Lagrange polynomial of the
//! domain `D'` of `2n` points, whose odd points `ω'^{2i+1}` are the coset `ω'·D`. The quotient's
//! numerator `p = a·b − c` has degree at most `2n − 2` and vanishes on `D` (on the even points of
//! `D'`) when the constraints hold, so `p(τ) = Σ_i p(ω'^{2i+1})·L'_{2i+1}(τ)`, and the prover's H
//! term is one multi-scalar multiplication of `H` with the values of `p` on the odd coset: three
//! inverse FFTs and three coset FFTs of size `n`, one fewer FFT than arkworks' reduction (which
//! divides by `Z` on a coset and interpolates back), and the `.zkey` file snarkjs reads holds
//! exactly these points. As in snarkjs, `c` is computed as `a·b` row by row (equal to `C·z` when
//! the constraints hold, which the prover's self-check then confirms), so proving never reads the
//! C matrix.
//!
//! The other queries are the usual ones: `a_query[i] = [u_i(τ)]₁`, `b_g1_query[i] = [v_i(τ)]₁`,
//! `b_g2_query[i] = [v_i(τ)]₂`, `l_query[j] = [(β·u_j + α·v_j + w_j)(τ)/δ]₁` for witness
//! variables, `gamma_abc_g1[i] = [(β·u_i + α·v_i + w_i)(τ)/γ]₁` for instance variables, where the
//! QAP adds one row per instance variable `i` with `A = z_i` (arkworks and snarkjs alike), so a
//! proof verifies with the standard Groth16 verifier (and `ark_groth16::Groth16::verify_proof`).
//! The generators are the curves' standard ones, as in snarkjs.

use std::time::Instant;

use ark_bn254::{Bn254, Fr, G1Affine, G1Projective, G2Affine, G2Projective};
use ark_ec::scalar_mul::BatchMulPreprocessing;
use ark_ec::{AffineRepr, CurveGroup, VariableBaseMSM};
use ark_ff::{Field, One, PrimeField, UniformRand, Zero};
use ark_groth16::{Proof, ProvingKey, VerifyingKey};
use ark_poly::{EvaluationDomain, Radix2EvaluationDomain};
use ark_relations::utils::matrix::Matrix;
use ark_std::rand::Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{ProverError, Result};

/// The evaluation domain of a circuit with `constraints` rows and `instance_variables` instance
/// variables (the constant one included), or `None` when BN254 has none that large (the odd
/// coset needs a domain of twice the size too).
pub fn domain(constraints: usize, instance_variables: usize) -> Option<Radix2EvaluationDomain<Fr>> {
    let rows = constraints.checked_add(instance_variables)?;
    let d = Radix2EvaluationDomain::<Fr>::new(rows)?;
    Radix2EvaluationDomain::<Fr>::new(d.size().checked_mul(2)?)?;
    Some(d)
}

/// The offset of the odd coset: the generator of the domain of `2n` points.
fn odd_coset_offset(d: &Radix2EvaluationDomain<Fr>) -> Result<Fr> {
    let double = Radix2EvaluationDomain::<Fr>::new(d.size() * 2).ok_or_else(too_large)?;
    Ok(double.group_gen())
}

fn too_large() -> ProverError {
    ProverError::Groth16("the circuit is larger than BN254's evaluation domains".into())
}

/// The toxic waste of one setup: whoever knows it can forge proofs.
struct Trapdoor {
    tau: Fr,
    alpha: Fr,
    beta: Fr,
    gamma: Fr,
    delta: Fr,
}

impl Trapdoor {
    /// Draws the trapdoor; `τ` avoids the `2n` points where the Lagrange evaluation is undefined.
    fn sample<R: Rng>(double_size: u64, rng: &mut R) -> Trapdoor {
        let tau = loop {
            let t = Fr::rand(rng);
            if !t.pow([double_size]).is_one() && !t.is_zero() {
                break t;
            }
        };
        let nonzero = |rng: &mut R| loop {
            let x = Fr::rand(rng);
            if !x.is_zero() {
                break x;
            }
        };
        Trapdoor { tau, alpha: nonzero(rng), beta: nonzero(rng), gamma: nonzero(rng), delta: nonzero(rng) }
    }
}

/// Circuit-specific setup from the R1CS matrices `[A, B, C]` of a circuit with
/// `instance_variables` instance variables (the constant one first) and `witness_variables`
/// witness variables. Randomness from `rng`; the trapdoor is dropped on return.
pub fn generate<R: Rng>(
    matrices: &[Matrix<Fr>],
    instance_variables: usize,
    witness_variables: usize,
    rng: &mut R,
) -> Result<ProvingKey<Bn254>> {
    let [a_rows, b_rows, c_rows] = matrices else {
        return Err(ProverError::Groth16(format!("{} matrices, R1CS has 3", matrices.len())));
    };
    let constraints = a_rows.len();
    let d = domain(constraints, instance_variables).ok_or_else(too_large)?;
    let n = d.size();
    let double = Radix2EvaluationDomain::<Fr>::new(2 * n).ok_or_else(too_large)?;
    let t = Trapdoor::sample(2 * n as u64, rng);
    let variables = instance_variables + witness_variables;

    // u_i(τ), v_i(τ), w_i(τ) for every variable, from the Lagrange basis of D at τ.
    let lagrange = d.evaluate_all_lagrange_coefficients(t.tau);
    let (mut u, mut v, mut w) = (vec![Fr::zero(); variables], vec![Fr::zero(); variables], vec![Fr::zero(); variables]);
    for (row, l) in lagrange.iter().enumerate().take(constraints) {
        for (rows, out) in [(a_rows, &mut u), (b_rows, &mut v), (c_rows, &mut w)] {
            for &(coeff, column) in &rows[row] {
                let slot = out.get_mut(column).ok_or_else(|| {
                    ProverError::Groth16(format!("row {row} names variable {column}, the circuit has {variables}"))
                })?;
                *slot += *l * coeff;
            }
        }
    }
    for (i, ui) in u.iter_mut().enumerate().take(instance_variables) {
        *ui += lagrange[constraints + i];
    }
    drop(lagrange);

    let gamma_inv = t.gamma.inverse().ok_or_else(|| ProverError::Groth16("γ is zero".into()))?;
    let delta_inv = t.delta.inverse().ok_or_else(|| ProverError::Groth16("δ is zero".into()))?;
    let combined = |i: usize| t.beta * u[i] + t.alpha * v[i] + w[i];
    let ic: Vec<Fr> = (0..instance_variables).into_par_iter().map(|i| combined(i) * gamma_inv).collect();
    let l: Vec<Fr> = (instance_variables..variables).into_par_iter().map(|i| combined(i) * delta_inv).collect();
    drop(w);

    // H_i = L'_{2i+1}(τ)/δ over the domain of 2n points.
    let h: Vec<Fr> = {
        let all = double.evaluate_all_lagrange_coefficients(t.tau);
        all.into_par_iter().skip(1).step_by(2).map(|x| x * delta_inv).collect()
    };

    let g1 = G1Projective::from(G1Affine::generator());
    let g2 = G2Projective::from(G2Affine::generator());
    let g2_table = BatchMulPreprocessing::new(g2, variables);
    let b_g2_query = g2_table.batch_mul(&v);
    drop(g2_table);
    let g1_table = BatchMulPreprocessing::new(g1, 2 * variables + n + instance_variables);
    let a_query = g1_table.batch_mul(&u);
    drop(u);
    let b_g1_query = g1_table.batch_mul(&v);
    drop(v);
    let h_query = g1_table.batch_mul(&h);
    drop(h);
    let l_query = g1_table.batch_mul(&l);
    let gamma_abc_g1 = g1_table.batch_mul(&ic);
    drop(g1_table);

    let vk = VerifyingKey::<Bn254> {
        alpha_g1: (g1 * t.alpha).into_affine(),
        beta_g2: (g2 * t.beta).into_affine(),
        gamma_g2: (g2 * t.gamma).into_affine(),
        delta_g2: (g2 * t.delta).into_affine(),
        gamma_abc_g1,
    };
    Ok(ProvingKey {
        vk,
        beta_g1: (g1 * t.beta).into_affine(),
        delta_g1: (g1 * t.delta).into_affine(),
        a_query,
        b_g1_query,
        b_g2_query,
        h_query,
        l_query,
    })
}

/// Seconds spent in each phase of one proof (synthesis is the caller's).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Phases {
    /// Evaluating `A·z` and `B·z` row by row.
    pub evaluate_rows: f64,
    /// The three inverse FFTs and three coset FFTs, and `a·b − c` on the odd coset.
    pub fft: f64,
    /// Multi-scalar multiplication of the A query (G1).
    pub msm_a: f64,
    /// Multi-scalar multiplication of the B query in G1.
    pub msm_b_g1: f64,
    /// Multi-scalar multiplication of the B query in G2.
    pub msm_b_g2: f64,
    /// Multi-scalar multiplication of the H query.
    pub msm_h: f64,
    /// Multi-scalar multiplication of the L query (witness variables).
    pub msm_l: f64,
    /// Converting scalars out of Montgomery form, and the final group arithmetic.
    pub other: f64,
}

impl Phases {
    /// Every phase together.
    pub fn total(&self) -> f64 {
        self.evaluate_rows
            + self.fft
            + self.msm_a
            + self.msm_b_g1
            + self.msm_b_g2
            + self.msm_h
            + self.msm_l
            + self.other
    }

    /// The five multi-scalar multiplications together.
    pub fn msm(&self) -> f64 {
        self.msm_a + self.msm_b_g1 + self.msm_b_g2 + self.msm_h + self.msm_l
    }
}

/// `Σ coeff·z[column]` over one row.
fn evaluate_row(row: &[(Fr, usize)], z: &[Fr]) -> Fr {
    row.iter().map(|&(coeff, column)| if coeff.is_one() { z[column] } else { z[column] * coeff }).sum()
}

/// The rows `A·z`, `B·z` and `a·b` on the domain (the instance rows after the constraints), each
/// of the domain's size, and the domain.
fn row_evaluations(
    a_rows: &Matrix<Fr>,
    b_rows: &Matrix<Fr>,
    instance_variables: usize,
    z: &[Fr],
) -> Result<([Vec<Fr>; 3], Radix2EvaluationDomain<Fr>)> {
    let constraints = a_rows.len();
    let d = domain(constraints, instance_variables).ok_or_else(too_large)?;
    let n = d.size();
    let mut a = vec![Fr::zero(); n];
    let mut b = vec![Fr::zero(); n];
    a[..constraints]
        .par_iter_mut()
        .zip(b[..constraints].par_iter_mut())
        .zip(a_rows.par_iter().zip(b_rows.par_iter()))
        .for_each(|((a, b), (ar, br))| {
            *a = evaluate_row(ar, z);
            *b = evaluate_row(br, z);
        });
    a[constraints..constraints + instance_variables].copy_from_slice(&z[..instance_variables]);
    let c: Vec<Fr> = a.par_iter().zip(b.par_iter()).map(|(a, b)| *a * b).collect();
    Ok(([a, b, c], d))
}

/// The three inverse FFTs on the domain and the three FFTs on the odd coset, in place.
fn to_odd_coset(d: &Radix2EvaluationDomain<Fr>, vectors: &mut [Vec<Fr>; 3]) -> Result<()> {
    let coset = d.get_coset(odd_coset_offset(d)?).ok_or_else(too_large)?;
    for values in vectors.iter_mut() {
        d.ifft_in_place(values);
        coset.fft_in_place(values);
    }
    Ok(())
}

/// The values of `p = a·b − c` on the odd coset, from the full assignment `z` (instance
/// variables first). Returns them with the time spent evaluating rows and in FFTs.
pub fn quotient_evaluations(
    a_rows: &Matrix<Fr>,
    b_rows: &Matrix<Fr>,
    instance_variables: usize,
    z: &[Fr],
) -> Result<(Vec<Fr>, f64, f64)> {
    let started = Instant::now();
    let (mut abc, d) = row_evaluations(a_rows, b_rows, instance_variables, z)?;
    let rows_seconds = started.elapsed().as_secs_f64();

    let started = Instant::now();
    to_odd_coset(&d, &mut abc)?;
    let [mut a, b, c] = abc;
    a.par_iter_mut().zip(b.par_iter()).zip(c.par_iter()).for_each(|((a, b), c)| {
        *a = *a * b - c;
    });
    Ok((a, rows_seconds, started.elapsed().as_secs_f64()))
}

/// The floor of one proof: the same six FFTs and five multi-scalar multiplications [`prove`]
/// runs, on the same vectors, scalars and points, each timed alone (the inputs are prepared
/// outside the timings). Seconds each.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Floor {
    /// The three inverse FFTs and the three coset FFTs.
    pub fft: f64,
    /// The A query's multi-scalar multiplication (G1).
    pub msm_a: f64,
    /// The B query's in G1.
    pub msm_b_g1: f64,
    /// The B query's in G2.
    pub msm_b_g2: f64,
    /// The H query's.
    pub msm_h: f64,
    /// The L query's.
    pub msm_l: f64,
}

impl Floor {
    /// Every part together.
    pub fn total(&self) -> f64 {
        self.fft + self.msm_a + self.msm_b_g1 + self.msm_b_g2 + self.msm_h + self.msm_l
    }
}

/// Times [`Floor`] for the assignment `z` (checked as [`prove`] checks it).
pub fn floor(pk: &ProvingKey<Bn254>, matrices: &[Matrix<Fr>], instance_variables: usize, z: &[Fr]) -> Result<Floor> {
    let [a_rows, b_rows, ..] = matrices else {
        return Err(ProverError::Groth16("the A and B matrices are missing".into()));
    };
    check_assignment(pk, instance_variables, z)?;
    let mut out = Floor::default();
    let (mut abc, d) = row_evaluations(a_rows, b_rows, instance_variables, z)?;
    let started = Instant::now();
    to_odd_coset(&d, &mut abc)?;
    out.fft = started.elapsed().as_secs_f64();
    let [mut p, b, c] = abc;
    p.par_iter_mut().zip(b.par_iter()).zip(c.par_iter()).for_each(|((a, b), c)| *a = *a * b - c);
    drop((b, c));
    let (z_big, p_big) = (to_bigints(z), to_bigints(&p));
    drop(p);
    let time = |seconds: &mut f64, f: &dyn Fn()| {
        let started = Instant::now();
        f();
        *seconds = started.elapsed().as_secs_f64();
    };
    time(&mut out.msm_a, &|| {
        let _ = std::hint::black_box(G1Projective::msm_bigint(&pk.a_query, &z_big));
    });
    time(&mut out.msm_b_g1, &|| {
        let _ = std::hint::black_box(G1Projective::msm_bigint(&pk.b_g1_query, &z_big));
    });
    time(&mut out.msm_b_g2, &|| {
        let _ = std::hint::black_box(G2Projective::msm_bigint(&pk.b_g2_query, &z_big));
    });
    time(&mut out.msm_h, &|| {
        let _ = std::hint::black_box(G1Projective::msm_bigint(&pk.h_query, &p_big));
    });
    time(&mut out.msm_l, &|| {
        let _ = std::hint::black_box(G1Projective::msm_bigint(&pk.l_query, &z_big[instance_variables..]));
    });
    Ok(out)
}

fn check_assignment(pk: &ProvingKey<Bn254>, instance_variables: usize, z: &[Fr]) -> Result<()> {
    if z.len() != pk.a_query.len() || z.len() < instance_variables || z.first() != Some(&Fr::one()) {
        return Err(ProverError::Groth16(format!(
            "an assignment of {} values for a key of {} variables",
            z.len(),
            pk.a_query.len()
        )));
    }
    Ok(())
}

fn to_bigints(scalars: &[Fr]) -> Vec<<Fr as PrimeField>::BigInt> {
    scalars.par_iter().map(|s| s.into_bigint()).collect()
}

/// Proves with `pk` (in this module's layout), the matrices `[A, B, ...]` and the full assignment
/// `z` (instance variables first, `z[0] = 1`), with the blinding scalars `r` and `s`.
pub fn prove(
    pk: &ProvingKey<Bn254>,
    matrices: &[Matrix<Fr>],
    instance_variables: usize,
    z: &[Fr],
    r: Fr,
    s: Fr,
) -> Result<(Proof<Bn254>, Phases)> {
    let [a_rows, b_rows, ..] = matrices else {
        return Err(ProverError::Groth16("the A and B matrices are missing".into()));
    };
    check_assignment(pk, instance_variables, z)?;
    let mut phases = Phases::default();
    let (p, rows_seconds, fft_seconds) = quotient_evaluations(a_rows, b_rows, instance_variables, z)?;
    phases.evaluate_rows = rows_seconds;
    phases.fft = fft_seconds;
    if p.len() != pk.h_query.len() {
        return Err(ProverError::Groth16(format!(
            "an H query of {} points for a domain of {}",
            pk.h_query.len(),
            p.len()
        )));
    }

    let started = Instant::now();
    let z_big = to_bigints(z);
    let p_big = to_bigints(&p);
    drop(p);
    phases.other += started.elapsed().as_secs_f64();

    let timed = |seconds: &mut f64, f: &dyn Fn() -> G1Projective| {
        let started = Instant::now();
        let out = f();
        *seconds = started.elapsed().as_secs_f64();
        out
    };
    let a_sum = timed(&mut phases.msm_a, &|| G1Projective::msm_bigint(&pk.a_query, &z_big));
    let b1_sum = timed(&mut phases.msm_b_g1, &|| G1Projective::msm_bigint(&pk.b_g1_query, &z_big));
    let started = Instant::now();
    let b2_sum = G2Projective::msm_bigint(&pk.b_g2_query, &z_big);
    phases.msm_b_g2 = started.elapsed().as_secs_f64();
    let h_sum = timed(&mut phases.msm_h, &|| G1Projective::msm_bigint(&pk.h_query, &p_big));
    let l_sum = timed(&mut phases.msm_l, &|| G1Projective::msm_bigint(&pk.l_query, &z_big[instance_variables..]));

    let started = Instant::now();
    let delta_g1 = pk.delta_g1.into_group();
    let g_a = a_sum + pk.vk.alpha_g1 + delta_g1 * r;
    let g1_b = b1_sum + pk.beta_g1 + delta_g1 * s;
    let g2_b = b2_sum + pk.vk.beta_g2 + pk.vk.delta_g2.into_group() * s;
    let g_c = h_sum + l_sum + g_a * s + g1_b * r - delta_g1 * (r * s);
    let points = G1Projective::normalize_batch(&[g_a, g_c]);
    let proof = Proof { a: points[0], b: g2_b.into_affine(), c: points[1] };
    phases.other += started.elapsed().as_secs_f64();
    Ok((proof, phases))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_groth16::Groth16;
    use rand_chacha::rand_core::SeedableRng;
    use rand_chacha::ChaCha20Rng;

    /// `x·y = product`, `(x + y)·1 = sum`, `x·x = square` with public `product` and `sum`:
    /// variables `[1, product, sum, x, y, square]`.
    fn matrices() -> Vec<Matrix<Fr>> {
        let one = Fr::one();
        vec![
            vec![vec![(one, 3)], vec![(one, 3), (one, 4)], vec![(one, 3)]],
            vec![vec![(one, 4)], vec![(one, 0)], vec![(one, 3)]],
            vec![vec![(one, 1)], vec![(one, 2)], vec![(one, 5)]],
        ]
    }

    fn assignment(x: u64, y: u64) -> Vec<Fr> {
        let (x, y) = (Fr::from(x), Fr::from(y));
        vec![Fr::one(), x * y, x + y, x, y, x * x]
    }

    fn verifies(pk: &ProvingKey<Bn254>, public: &[Fr], proof: &Proof<Bn254>) -> bool {
        let pvk = ark_groth16::prepare_verifying_key(&pk.vk);
        Groth16::<Bn254>::verify_proof(&pvk, proof, public).unwrap()
    }

    #[test]
    fn proofs_verify_with_the_standard_verifier_and_forgeries_do_not() {
        let mut rng = ChaCha20Rng::seed_from_u64(7);
        let m = matrices();
        let pk = generate(&m, 3, 3, &mut rng).unwrap();
        // Three rows and three instance rows: a domain of 8 points, 8 H points.
        assert_eq!(pk.h_query.len(), 8);
        assert_eq!((pk.a_query.len(), pk.l_query.len(), pk.vk.gamma_abc_g1.len()), (6, 3, 3));
        let z = assignment(3, 5);
        for _ in 0..3 {
            let (proof, phases) = prove(&pk, &m, 3, &z, Fr::rand(&mut rng), Fr::rand(&mut rng)).unwrap();
            assert!(verifies(&pk, &z[1..3], &proof));
            assert!(!verifies(&pk, &[z[1], z[2] + Fr::one()], &proof));
            assert!(phases.total() >= phases.msm());
        }
        let floor = floor(&pk, &m, 3, &z).unwrap();
        assert!(floor.total() >= floor.fft && floor.msm_h >= 0.0);
        assert!(super::floor(&pk, &m, 3, &z[..5]).is_err());
        // No blinding at all still verifies (the H and L terms carry the statement).
        let (proof, _) = prove(&pk, &m, 3, &z, Fr::zero(), Fr::zero()).unwrap();
        assert!(verifies(&pk, &z[1..3], &proof));

        // A witness that breaks one constraint (square ≠ x²) gives a proof that does not verify.
        let mut bad = z.clone();
        bad[5] += Fr::one();
        let (proof, _) = prove(&pk, &m, 3, &bad, Fr::rand(&mut rng), Fr::rand(&mut rng)).unwrap();
        assert!(!verifies(&pk, &bad[1..3], &proof));
        // A public input that wraps the field (product + r ≡ product) is the same element:
        // the statement is over Fr, so only a different element can be claimed.
        let mut wrong_product = z.clone();
        wrong_product[1] = Fr::from(16u64);
        let (proof, _) = prove(&pk, &m, 3, &wrong_product, Fr::rand(&mut rng), Fr::rand(&mut rng)).unwrap();
        assert!(!verifies(&pk, &wrong_product[1..3], &proof));
    }

    #[test]
    fn malformed_inputs_are_errors() {
        let mut rng = ChaCha20Rng::seed_from_u64(8);
        let m = matrices();
        let pk = generate(&m, 3, 3, &mut rng).unwrap();
        let z = assignment(2, 9);
        assert!(prove(&pk, &m, 3, &z[..5], Fr::one(), Fr::one()).is_err());
        let mut no_one = z.clone();
        no_one[0] = Fr::from(2u64);
        assert!(prove(&pk, &m, 3, &no_one, Fr::one(), Fr::one()).is_err());
        assert!(prove(&pk, &m[..1], 3, &z, Fr::one(), Fr::one()).is_err());
        assert!(generate(&m[..2], 3, 3, &mut rng).is_err());
        // A row naming a variable the circuit does not have.
        let mut out_of_range = matrices();
        out_of_range[2][0].push((Fr::one(), 6));
        assert!(generate(&out_of_range, 3, 3, &mut rng).is_err());
    }
}
