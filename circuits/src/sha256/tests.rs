//! The gadget against the `sha2` crate, its cost, and its soundness at the witness
//! level: an honest assignment with one witness forged must leave the system
//! unsatisfied.

use ark_ff::PrimeField;
use ark_r1cs_std::alloc::{AllocVar, AllocationMode};
use ark_r1cs_std::boolean::Boolean;
use ark_r1cs_std::convert::ToBitsGadget;
use ark_r1cs_std::uint8::UInt8;
use ark_r1cs_std::GR1CSVar;
use ark_relations::gr1cs::{ConstraintSystem, ConstraintSystemRef};
use ark_std::rand::{RngCore, SeedableRng};
use sha2::Digest;

use super::*;
use crate::test_utils::ALL_MODES;

fn message(len: usize, seed: u64) -> Vec<u8> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut bytes = vec![0u8; len];
    rng.fill_bytes(&mut bytes);
    bytes
}

fn alloc_bytes(cs: &ConstraintSystemRef<Fr>, bytes: &[u8], mode: AllocationMode) -> Vec<[Bit; 8]> {
    bytes
        .iter()
        .map(|b| {
            let byte = UInt8::new_variable(cs.clone(), || Ok(*b), mode).unwrap();
            let bits = byte.to_bits_le().unwrap();
            std::array::from_fn(|i| Bit::from_boolean(&bits[i]))
        })
        .collect()
}

/// The digest's bits as the gadget returns them: least significant first of the
/// big-endian number.
fn native_bits(bytes: &[u8]) -> Vec<bool> {
    let digest = sha2::Sha256::digest(bytes);
    digest.iter().rev().flat_map(|byte| (0..8).map(move |i| byte >> i & 1 == 1)).collect()
}

#[test]
fn equals_sha2_on_seeded_messages_in_every_mode() {
    for (seed, len) in [0usize, 1, 55, 56, 64, 119, 1000].into_iter().enumerate() {
        let bytes = message(len, seed as u64);
        // The 16-block message in one mode only, to keep the test quick.
        let modes: &[AllocationMode] = if len > 200 { &[AllocationMode::Witness] } else { &ALL_MODES };
        for &mode in modes {
            let cs = ConstraintSystem::<Fr>::new_ref();
            let bits = Sha256Gadget::new(cs.clone()).digest(&alloc_bytes(&cs, &bytes, mode)).unwrap();
            let got: Vec<bool> = bits.iter().map(|b| b.value().unwrap()).collect();
            assert_eq!(got, native_bits(&bytes), "{len} bytes, {mode:?}");
            let packed = pack_mod_r(cs.clone(), &bits).unwrap();
            assert_eq!(packed.value().unwrap(), Fr::from_be_bytes_mod_order(&sha2::Sha256::digest(&bytes)));
            assert!(cs.is_satisfied().unwrap(), "{len} bytes, {mode:?}");
            if mode == AllocationMode::Constant {
                assert_eq!(cs.num_constraints(), 0, "constants fold away");
            }
        }
    }
}

#[test]
fn the_arkworks_boolean_interface_agrees() {
    let bytes = message(70, 9);
    let cs = ConstraintSystem::<Fr>::new_ref();
    let vars: Vec<[Boolean<Fr>; 8]> = bytes
        .iter()
        .map(|b| {
            let bits = UInt8::new_witness(cs.clone(), || Ok(*b)).unwrap().to_bits_le().unwrap();
            std::array::from_fn(|i| bits[i].clone())
        })
        .collect();
    let bits = sha256_bits(cs.clone(), &vars).unwrap();
    assert_eq!(bits.iter().map(|b| b.value().unwrap()).collect::<Vec<_>>(), native_bits(&bytes));
    assert!(cs.is_satisfied().unwrap());
}

fn witness_word(cs: &ConstraintSystemRef<Fr>, x: u32) -> Word {
    (0..32)
        .map(|i| {
            let b = Boolean::new_witness(cs.clone(), || Ok(x >> i & 1 == 1)).unwrap();
            Bit::from_boolean(&b)
        })
        .collect()
}

#[test]
fn a_compression_of_variables_costs_what_the_docs_say() {
    let cs = ConstraintSystem::<Fr>::new_ref();
    let state: Vec<Word> = (0..8).map(|i| witness_word(&cs, 0x0123_4567u32.wrapping_mul(i + 1))).collect();
    let block: Vec<Word> = (0..16).map(|i| witness_word(&cs, 0x89ab_cdefu32.wrapping_mul(i + 3))).collect();
    let before = cs.num_constraints();
    let out = Sha256Gadget::new(cs.clone()).compress(&state, &block).unwrap();
    assert_eq!(cs.num_constraints() - before, COMPRESSION_CONSTRAINTS);
    assert_eq!(COMPRESSION_CONSTRAINTS, 17_640);
    assert!(cs.is_satisfied().unwrap());
    // Against the native compression of the same words.
    let state: [u32; 8] = std::array::from_fn(|i| 0x0123_4567u32.wrapping_mul(i as u32 + 1));
    let block: [u32; 16] = std::array::from_fn(|i| 0x89ab_cdefu32.wrapping_mul(i as u32 + 3));
    let native = native_compress(state, block);
    let got: Vec<u32> =
        out.iter().map(|w| w.iter().enumerate().map(|(i, b)| u32::from(b.value().unwrap()) << i).sum()).collect();
    assert_eq!(got, native.to_vec());
}

/// FIPS 180-4's compression function, word for word (the `sha2` crate checks it on
/// whole messages in the first test, through the gadget).
fn native_compress(state: [u32; 8], block: [u32; 16]) -> [u32; 8] {
    let mut w = block.to_vec();
    for t in 16..64 {
        let s0 = w[t - 15].rotate_right(7) ^ w[t - 15].rotate_right(18) ^ (w[t - 15] >> 3);
        let s1 = w[t - 2].rotate_right(17) ^ w[t - 2].rotate_right(19) ^ (w[t - 2] >> 10);
        w.push(s1.wrapping_add(w[t - 7]).wrapping_add(s0).wrapping_add(w[t - 16]));
    }
    let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut h] = state;
    for t in 0..64 {
        let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
        let ch = (e & f) ^ (!e & g);
        let t1 = h.wrapping_add(s1).wrapping_add(ch).wrapping_add(K[t]).wrapping_add(w[t]);
        let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
        let maj = (a & b) ^ (a & c) ^ (b & c);
        let t2 = s0.wrapping_add(maj);
        (h, g, f, e, d, c, b, a) = (g, f, e, d.wrapping_add(t1), c, b, a, t1.wrapping_add(t2));
    }
    let out = [a, b, c, d, e, f, g, h];
    std::array::from_fn(|i| state[i].wrapping_add(out[i]))
}

#[test]
fn the_native_compression_is_sha256() {
    // The padded empty message is one block: 0x80, zeros, length 0.
    let mut block = [0u32; 16];
    block[0] = 0x8000_0000;
    let digest: Vec<u8> = native_compress(IV, block).iter().flat_map(|w| w.to_be_bytes()).collect();
    assert_eq!(digest, sha2::Sha256::digest([]).to_vec());
}

/// A two-block message hashed with the n-th witness of `role` forged.
fn forged(role: Role, pick: impl Fn(usize) -> usize, forge: Forge) -> bool {
    let bytes = message(100, 42);
    let cs = ConstraintSystem::<Fr>::new_ref();
    let input = alloc_bytes(&cs, &bytes, AllocationMode::Witness);
    // Count the witnesses of the role honestly first, then forge the chosen one.
    let honest_cs = ConstraintSystem::<Fr>::new_ref();
    let honest_input = alloc_bytes(&honest_cs, &bytes, AllocationMode::Witness);
    let mut honest = Sha256Gadget::new(honest_cs);
    honest.digest(&honest_input).unwrap();
    let mut gadget = Sha256Gadget::new(cs.clone());
    gadget.tamper = Some((role, pick(honest.count(role)), forge));
    gadget.digest(&input).unwrap();
    cs.is_satisfied().unwrap()
}

#[test]
fn an_honest_assignment_passes_the_forgery_harness() {
    // Forging a witness with its own value changes nothing.
    let bytes = message(100, 42);
    let cs = ConstraintSystem::<Fr>::new_ref();
    let input = alloc_bytes(&cs, &bytes, AllocationMode::Witness);
    let mut gadget = Sha256Gadget::new(cs.clone());
    gadget.digest(&input).unwrap();
    let counts: Vec<usize> = [Role::Xor, Role::Maj, Role::Ch, Role::SumBit].iter().map(|r| gadget.count(*r)).collect();
    assert!(counts.iter().all(|&c| c > 1000), "{counts:?}");
    assert!(cs.is_satisfied().unwrap());
    assert!(!forged(Role::Xor, |_| 0, Forge::Flip), "the harness forges");
}

#[test]
fn a_wrong_xor_maj_or_ch_bit_is_refused() {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    for role in [Role::Xor, Role::Maj, Role::Ch] {
        for _ in 0..4 {
            let r = rng.next_u64() as usize;
            assert!(!forged(role, |n| r % n, Forge::Flip), "{role:?} flipped");
        }
        // Neither a bit nor the value: one half, two, p − 1.
        for forge in [Fr::from(2u64).inverse().unwrap(), Fr::from(2u64), -Fr::from(1u64)] {
            assert!(!forged(role, |n| n / 2, Forge::Value(forge)), "{role:?} = {forge}");
        }
    }
}

#[test]
fn a_wrong_sum_decomposition_is_refused() {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(8);
    for _ in 0..8 {
        let r = rng.next_u64() as usize;
        assert!(!forged(Role::SumBit, |n| r % n, Forge::Flip), "a sum bit flipped");
    }
    // The first sum (a scheduled word, four operands, 34 bits: 33 witnesses and the top
    // bit): a carry of 2^32 moved into the low word, or a carry bit that is not a bit.
    assert!(!forged(Role::SumBit, |_| 32, Forge::Flip), "a carry bit flipped");
    assert!(!forged(Role::SumBit, |_| 32, Forge::Value(Fr::from(2u64))), "a carry of 2");
    assert!(!forged(Role::SumBit, |_| 3, Forge::Value(Fr::from(2u64).inverse().unwrap())), "half a bit");
}
