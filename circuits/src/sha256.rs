//! SHA-256 in R1CS, the twin of the `sha2` crate, at 17,640 constraints per
//! compression (arkworks' `Sha256Gadget`, used before, spends about 40,900).
//!
//! A value enters the circuit as bits only where later steps need its bits (the
//! message words and the working variables `a` and `e`); everything that only feeds
//! an addition (`Σ0`, `Σ1`, `σ0`, `σ1`, `Ch`, `Maj`) is a linear combination of bits
//! that are each fixed by one constraint, and each mod-2^32 sum is one field sum
//! split into bits once:
//!
//! - **three-way XOR**, one constraint: for booleans with `s = x + y + z` (0 to 3), the
//!   parity `p` is the only solution of `(2p − s)·s = 3p − 2s` (at s = 0, 1, 2, 3 the
//!   equation reads `0 = 3p`, `2p − 1 = 3p − 2`, `4p − 4 = 3p − 4`, `6p − 9 = 3p − 6`);
//! - **majority**, one constraint: `m` is the only solution of `(4m − s)·s = 6m − s`
//!   (`0 = 6m`, `4m − 1 = 6m − 1`, `8m − 4 = 6m − 2`, `12m − 9 = 6m − 3`);
//! - **choice**, one constraint: `e·(f − g) = ch − g`;
//! - **addition** of operands whose sum is below `2^n`: `n − 1` boolean witnesses and
//!   a top bit that is the linear combination `(sum − Σ 2^i·bit_i) / 2^(n−1)`, itself
//!   constrained boolean, so `n` constraints in all and no separate equality (the
//!   field is far larger than `2^n`, so the split is the integer one);
//! - rotations and shifts rewire bits; operations on constant bits fold away.
//!
//! Per round: `Σ1`, `Ch`, `Σ0`, `Maj` 32 each, `e` and `a` 35 each (sums below 2^35):
//! 198. Per scheduled word: `σ0`, `σ1` 32 each, the four-operand sum 34: 98. The final
//! additions 33 per word: 64 · 198 + 48 · 98 + 8 · 33 = 17,640.

use ark_ff::{AdditiveGroup, Field};
use ark_r1cs_std::boolean::Boolean;
use ark_r1cs_std::fields::fp::{AllocatedFp, FpVar};
use ark_r1cs_std::GR1CSVar;
use ark_relations::gr1cs::{ConstraintSystemRef, LinearCombination, SynthesisError, Variable};
use ledger::Fr;

/// Constraints of one compression whose message words and chaining value are all
/// variables (a block of a long message past the first): see the module docs.
pub const COMPRESSION_CONSTRAINTS: usize = 64 * 198 + 48 * 98 + 8 * 33;

const IV: [u32; 8] =
    [0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19];

const K: [u32; 64] = [
    0x428a_2f98,
    0x7137_4491,
    0xb5c0_fbcf,
    0xe9b5_dba5,
    0x3956_c25b,
    0x59f1_11f1,
    0x923f_82a4,
    0xab1c_5ed5,
    0xd807_aa98,
    0x1283_5b01,
    0x2431_85be,
    0x550c_7dc3,
    0x72be_5d74,
    0x80de_b1fe,
    0x9bdc_06a7,
    0xc19b_f174,
    0xe49b_69c1,
    0xefbe_4786,
    0x0fc1_9dc6,
    0x240c_a1cc,
    0x2de9_2c6f,
    0x4a74_84aa,
    0x5cb0_a9dc,
    0x76f9_88da,
    0x983e_5152,
    0xa831_c66d,
    0xb003_27c8,
    0xbf59_7fc7,
    0xc6e0_0bf3,
    0xd5a7_9147,
    0x06ca_6351,
    0x1429_2967,
    0x27b7_0a85,
    0x2e1b_2138,
    0x4d2c_6dfc,
    0x5338_0d13,
    0x650a_7354,
    0x766a_0abb,
    0x81c2_c92e,
    0x9272_2c85,
    0xa2bf_e8a1,
    0xa81a_664b,
    0xc24b_8b70,
    0xc76c_51a3,
    0xd192_e819,
    0xd699_0624,
    0xf40e_3585,
    0x106a_a070,
    0x19a4_c116,
    0x1e37_6c08,
    0x2748_774c,
    0x34b0_bcb5,
    0x391c_0cb3,
    0x4ed8_aa4a,
    0x5b9c_ca4f,
    0x682e_6ff3,
    0x748f_82ee,
    0x78a5_636f,
    0x84c8_7814,
    0x8cc7_0208,
    0x90be_fffa,
    0xa450_6ceb,
    0xbef9_a3f7,
    0xc671_78f2,
];

/// A bit: a constant, or a linear combination of variables that the constraints
/// force to 0 or 1, with its value when there is a witness.
#[derive(Debug, Clone)]
pub enum Bit {
    /// A constant bit.
    Constant(bool),
    /// A combination known to be boolean, and its value.
    Var(LinearCombination<Fr>, Option<bool>),
}

impl Bit {
    fn lc(&self) -> LinearCombination<Fr> {
        match self {
            Bit::Constant(false) => LinearCombination::zero(),
            Bit::Constant(true) => Variable::One.into(),
            Bit::Var(lc, _) => lc.clone(),
        }
    }

    /// The value, if known.
    pub fn value(&self) -> Option<bool> {
        match self {
            Bit::Constant(b) => Some(*b),
            Bit::Var(_, v) => *v,
        }
    }

    fn not(&self) -> Bit {
        match self {
            Bit::Constant(b) => Bit::Constant(!b),
            Bit::Var(lc, v) => Bit::Var(LinearCombination::from(Variable::One) - lc.clone(), v.map(|b| !b)),
        }
    }

    fn is_constant(&self) -> bool {
        matches!(self, Bit::Constant(_))
    }

    /// An arkworks boolean as a bit (no constraint).
    pub fn from_boolean(b: &Boolean<Fr>) -> Bit {
        match b {
            Boolean::Constant(c) => Bit::Constant(*c),
            Boolean::Var(_) => Bit::Var(b.lc(), b.value().ok()),
        }
    }
}

/// A 32-bit word, least significant bit first.
type Word = Vec<Bit>;

fn constant_word(x: u32) -> Word {
    (0..32).map(|i| Bit::Constant(x >> i & 1 == 1)).collect()
}

fn rotr(x: &[Bit], n: usize) -> Word {
    (0..32).map(|i| x[(i + n) % 32].clone()).collect()
}

fn shr(x: &[Bit], n: usize) -> Word {
    (0..32).map(|i| if i + n < 32 { x[i + n].clone() } else { Bit::Constant(false) }).collect()
}

/// An operand of a sum: a combination, its largest possible value, its value.
struct Term {
    lc: LinearCombination<Fr>,
    max: u64,
    value: Option<u64>,
    constant: bool,
}

impl Term {
    fn word(w: &[Bit]) -> Term {
        let mut lc = LinearCombination::zero();
        let (mut max, mut value) = (0u64, Some(0u64));
        for (i, bit) in w.iter().enumerate() {
            let weight = 1u64 << i;
            if !matches!(bit, Bit::Constant(false)) {
                lc = lc + (Fr::from(weight), &bit.lc());
                max += weight;
            }
            value = value.zip(bit.value()).map(|(v, b)| v + u64::from(b) * weight);
        }
        Term { lc, max, value, constant: w.iter().all(Bit::is_constant) }
    }

    fn constant(x: u32) -> Term {
        Term::word(&constant_word(x))
    }
}

/// The witnesses the gadget allocates, by role: the soundness tests tamper with the
/// n-th of a kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// The parity of two or three bits.
    Xor,
    /// The majority of three bits.
    Maj,
    /// The choice `e ? f : g`.
    Ch,
    /// A bit of a sum (all but its top bit, which is a combination).
    SumBit,
}

/// How the soundness tests forge a witness.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) enum Forge {
    /// The other bit.
    Flip,
    /// Any field element.
    Value(Fr),
}

/// The constraint system and a count of witnesses by role.
pub(crate) struct Sha256Gadget {
    cs: ConstraintSystemRef<Fr>,
    counts: [usize; 4],
    /// Forge the value of the n-th witness of a role (soundness tests).
    pub(crate) tamper: Option<(Role, usize, Forge)>,
}

impl Sha256Gadget {
    pub(crate) fn new(cs: ConstraintSystemRef<Fr>) -> Self {
        Sha256Gadget { cs, counts: [0; 4], tamper: None }
    }

    /// Witnesses of `role` allocated so far.
    #[cfg(test)]
    pub(crate) fn count(&self, role: Role) -> usize {
        self.counts[role as usize]
    }

    fn witness(&mut self, role: Role, value: Option<bool>) -> Result<Variable, SynthesisError> {
        let n = self.counts[role as usize];
        self.counts[role as usize] += 1;
        let value = match self.tamper {
            Some((r, i, Forge::Flip)) if r == role && i == n => value.map(|v| Fr::from(!v)),
            Some((r, i, Forge::Value(forged))) if r == role && i == n => Some(forged),
            _ => value.map(Fr::from),
        };
        self.cs.new_witness_variable(|| value.ok_or(SynthesisError::AssignmentMissing))
    }

    fn enforce(
        &self,
        a: LinearCombination<Fr>,
        b: LinearCombination<Fr>,
        c: LinearCombination<Fr>,
    ) -> Result<(), SynthesisError> {
        self.cs.enforce_r1cs_constraint(|| a, || b, || c)
    }

    /// The parity of two or three bits: one constraint, none with at most one variable.
    fn xor(&mut self, bits: &[&Bit]) -> Result<Bit, SynthesisError> {
        let flip = bits.iter().filter(|b| matches!(b, Bit::Constant(true))).count() % 2 == 1;
        let vars: Vec<&Bit> = bits.iter().copied().filter(|b| !b.is_constant()).collect();
        let out = match vars.len() {
            0 => Bit::Constant(false),
            1 => vars[0].clone(),
            _ => {
                let value = vars.iter().try_fold(false, |acc, b| b.value().map(|v| acc ^ v));
                let p = self.witness(Role::Xor, value)?;
                let s = vars.iter().fold(LinearCombination::zero(), |acc, b| acc + &b.lc());
                // (2p − s)·s = 3p − 2s
                self.enforce(
                    LinearCombination::from((Fr::from(2u64), p)) - s.clone(),
                    s.clone(),
                    LinearCombination::from((Fr::from(3u64), p)) - (Fr::from(2u64), &s),
                )?;
                Bit::Var(p.into(), value)
            }
        };
        Ok(if flip { out.not() } else { out })
    }

    /// The majority of three bits: one constraint, none when it is linear.
    fn maj(&mut self, a: &Bit, b: &Bit, c: &Bit) -> Result<Bit, SynthesisError> {
        let bits = [a, b, c];
        let ones = bits.iter().filter(|x| matches!(x, Bit::Constant(true))).count();
        let zeros = bits.iter().filter(|x| matches!(x, Bit::Constant(false))).count();
        if ones >= 2 || zeros >= 2 {
            return Ok(Bit::Constant(ones >= 2));
        }
        if ones + zeros == 2 {
            // One of each: the third bit decides.
            return Ok(bits.iter().find(|x| !x.is_constant()).map(|x| (*x).clone()).expect("one variable"));
        }
        let value =
            a.value().zip(b.value()).zip(c.value()).map(|((a, b), c)| u8::from(a) + u8::from(b) + u8::from(c) >= 2);
        let m = self.witness(Role::Maj, value)?;
        let s = &(&a.lc() + &b.lc()) + &c.lc();
        // (4m − s)·s = 6m − s
        self.enforce(
            LinearCombination::from((Fr::from(4u64), m)) - s.clone(),
            s.clone(),
            LinearCombination::from((Fr::from(6u64), m)) - s,
        )?;
        Ok(Bit::Var(m.into(), value))
    }

    /// `e ? f : g`: one constraint, none when it is linear.
    fn ch(&mut self, e: &Bit, f: &Bit, g: &Bit) -> Result<Bit, SynthesisError> {
        match (e, f, g) {
            (Bit::Constant(true), _, _) => return Ok(f.clone()),
            (Bit::Constant(false), _, _) => return Ok(g.clone()),
            (_, Bit::Constant(x), Bit::Constant(y)) => {
                return Ok(match (x, y) {
                    (true, true) => Bit::Constant(true),
                    (false, false) => Bit::Constant(false),
                    (true, false) => e.clone(),
                    (false, true) => e.not(),
                })
            }
            _ => {}
        }
        let value = e.value().zip(f.value()).zip(g.value()).map(|((e, f), g)| if e { f } else { g });
        let h = self.witness(Role::Ch, value)?;
        // e·(f − g) = h − g
        self.enforce(e.lc(), f.lc() - g.lc(), LinearCombination::from(h) - g.lc())?;
        Ok(Bit::Var(h.into(), value))
    }

    /// The sum of `terms` modulo 2^32: `n` constraints for a sum below 2^n.
    fn add(&mut self, terms: &[Term]) -> Result<Word, SynthesisError> {
        let max: u64 = terms.iter().map(|t| t.max).sum();
        let value: Option<u64> = terms.iter().map(|t| t.value).sum();
        if terms.iter().all(|t| t.constant) {
            let v = value.expect("constants have values");
            return Ok(constant_word(v as u32));
        }
        let lc = terms.iter().fold(LinearCombination::zero(), |acc, t| acc + &t.lc);
        let n = (64 - max.leading_zeros()) as usize;
        let mut bits = Vec::with_capacity(n.max(32));
        let mut rest = lc;
        for i in 0..n - 1 {
            let v = value.map(|v| v >> i & 1 == 1);
            let bit = self.witness(Role::SumBit, v)?;
            let bit_lc = LinearCombination::from(bit);
            // bit·(1 − bit) = 0
            self.enforce(
                bit_lc.clone(),
                LinearCombination::from(Variable::One) - bit_lc.clone(),
                LinearCombination::zero(),
            )?;
            rest = rest - (Fr::from(1u64 << i), &bit_lc);
            bits.push(Bit::Var(bit_lc, v));
        }
        // The top bit is what is left, over 2^(n−1); it must be boolean too.
        let inverse = Fr::from(1u64 << (n - 1)).inverse().expect("a power of two is invertible");
        let top = rest * inverse;
        self.enforce(top.clone(), LinearCombination::from(Variable::One) - top.clone(), LinearCombination::zero())?;
        bits.push(Bit::Var(top, value.map(|v| v >> (n - 1) & 1 == 1)));
        bits.resize(32.max(n), Bit::Constant(false));
        bits.truncate(32);
        Ok(bits)
    }

    fn xor_words(&mut self, x: &[Bit], y: &[Bit], z: &[Bit]) -> Result<Word, SynthesisError> {
        (0..32).map(|i| self.xor(&[&x[i], &y[i], &z[i]])).collect()
    }

    /// One compression of `block` (16 words) into `state` (8 words).
    fn compress(&mut self, state: &[Word], block: &[Word]) -> Result<Vec<Word>, SynthesisError> {
        let mut w: Vec<Word> = block.to_vec();
        for t in 16..64 {
            let x = &w[t - 15];
            let s0 = self.xor_words(&rotr(x, 7), &rotr(x, 18), &shr(x, 3))?;
            let x = &w[t - 2];
            let s1 = self.xor_words(&rotr(x, 17), &rotr(x, 19), &shr(x, 10))?;
            let next = self.add(&[Term::word(&s1), Term::word(&w[t - 7]), Term::word(&s0), Term::word(&w[t - 16])])?;
            w.push(next);
        }
        let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut h]: [Word; 8] =
            state.to_vec().try_into().expect("eight words");
        for t in 0..64 {
            let big_s1 = self.xor_words(&rotr(&e, 6), &rotr(&e, 11), &rotr(&e, 25))?;
            let ch = (0..32).map(|i| self.ch(&e[i], &f[i], &g[i])).collect::<Result<Word, _>>()?;
            let big_s0 = self.xor_words(&rotr(&a, 2), &rotr(&a, 13), &rotr(&a, 22))?;
            let maj = (0..32).map(|i| self.maj(&a[i], &b[i], &c[i])).collect::<Result<Word, _>>()?;
            let t1 = || [Term::word(&h), Term::word(&big_s1), Term::word(&ch), Term::constant(K[t]), Term::word(&w[t])];
            let mut e_terms = vec![Term::word(&d)];
            e_terms.extend(t1());
            let new_e = self.add(&e_terms)?;
            let mut a_terms: Vec<Term> = t1().into_iter().collect();
            a_terms.extend([Term::word(&big_s0), Term::word(&maj)]);
            let new_a = self.add(&a_terms)?;
            h = g;
            g = f;
            f = e;
            e = new_e;
            d = c;
            c = b;
            b = a;
            a = new_a;
        }
        [a, b, c, d, e, f, g, h].iter().zip(state).map(|(v, s)| self.add(&[Term::word(s), Term::word(v)])).collect()
    }

    /// The digest of `message` (bytes, each as 8 little-endian bits): 256 bits, least
    /// significant bit of the big-endian digest first.
    pub(crate) fn digest(&mut self, message: &[[Bit; 8]]) -> Result<Vec<Bit>, SynthesisError> {
        let mut bytes: Vec<[Bit; 8]> = message.to_vec();
        let constant_byte = |x: u8| std::array::from_fn(|i| Bit::Constant(x >> i & 1 == 1));
        let bit_len = (message.len() as u64) * 8;
        bytes.push(constant_byte(0x80));
        while bytes.len() % 64 != 56 {
            bytes.push(constant_byte(0));
        }
        bytes.extend(bit_len.to_be_bytes().map(constant_byte));
        let mut state: Vec<Word> = IV.iter().map(|&x| constant_word(x)).collect();
        for block in bytes.chunks(64) {
            // Word j is bytes 4j..4j+3, big-endian.
            let words: Vec<Word> =
                block.chunks(4).map(|word| (0..32).map(|i| word[3 - i / 8][i % 8].clone()).collect()).collect();
            state = self.compress(&state, &words)?;
        }
        Ok(state.iter().rev().flatten().cloned().collect())
    }
}

/// SHA-256 of `message` (bytes given by their little-endian bits), as 256 bits, least
/// significant bit of the big-endian digest first.
pub fn sha256_bits(cs: ConstraintSystemRef<Fr>, message: &[[Boolean<Fr>; 8]]) -> Result<Vec<Bit>, SynthesisError> {
    let bytes: Vec<[Bit; 8]> = message.iter().map(|b| std::array::from_fn(|i| Bit::from_boolean(&b[i]))).collect();
    Sha256Gadget::new(cs).digest(&bytes)
}

/// `Σ bits[i] · 2^i` in the field, reduced modulo r: a linear combination, no constraint.
pub fn pack_mod_r(cs: ConstraintSystemRef<Fr>, bits_le: &[Bit]) -> Result<FpVar<Fr>, SynthesisError> {
    let mut power = Fr::from(1u64);
    let mut lc = LinearCombination::zero();
    let mut value = Some(Fr::from(0u64));
    let mut constant = true;
    for bit in bits_le {
        if !matches!(bit, Bit::Constant(false)) {
            lc = lc + (power, &bit.lc());
        }
        constant &= bit.is_constant();
        value = value.zip(bit.value()).map(|(v, b)| if b { v + power } else { v });
        power.double_in_place();
    }
    if constant {
        return Ok(FpVar::Constant(value.expect("constants have values")));
    }
    let variable = cs.new_lc(|| lc)?;
    Ok(FpVar::Var(AllocatedFp::new(value, variable, cs)))
}

#[cfg(test)]
mod tests;
