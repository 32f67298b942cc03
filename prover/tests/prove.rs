//! setup → prove → verify on a small shape, and everything that must fail to verify.

use ark_std::rand::SeedableRng;
use circuits::BatchShape;
use ledger::state::batch_commitment;
use ledger::workload::{genesis, random_transactions, Mix};
use ledger::{Amount, Arity, ChainId, Fr, TreeShape};
use std::path::Path;

use prover::keys::{check_listed_file, files, read_meta};
use prover::{setup, Keys, Prover, ProverError, SetupKind, Silent};
use rand_chacha::ChaCha20Rng;

fn shape(batch_size: usize) -> BatchShape {
    BatchShape::new(TreeShape::new(8, Arity::Quaternary).unwrap(), batch_size, ChainId::DEFAULT).unwrap()
}

#[test]
fn setup_prove_verify_and_every_tampering_fails() {
    let mut rng = ChaCha20Rng::seed_from_u64(1);
    let keys = setup(shape(2), SetupKind::InsecureSeeded(1), &mut rng, &mut Silent).unwrap();
    assert_eq!(keys.meta.insecure_dev_seed, Some(1));

    // Keys survive a round trip through a key directory.
    let dir = std::env::temp_dir().join(format!("prover-test-{}", std::process::id()));
    keys.write(&dir).unwrap();
    let keys = Keys::read(&dir).unwrap();
    let prover = Prover::new(keys);

    let (mut state, secret_keys) = genesis(shape(2).tree, ChainId::DEFAULT, 4, Amount::new(1_000), &mut rng).unwrap();
    let txs = random_transactions(&state, &secret_keys, 2, Mix::default(), &mut rng).unwrap();
    let record = state.apply_batch(&txs, 2).unwrap();
    let proved = prover.prove(&record, &mut rng, &mut Silent).unwrap();
    assert_eq!(proved.commitment, record.commitment());

    // The lean verifier, recomputing the public input from roots and public data.
    let vk = &prover.keys().pk.vk;
    let data = record.public_data();
    let ok = verifier::verify_batch(
        vk,
        record.old_root,
        record.new_root,
        record.deposit_chain_before,
        record.deposit_chain_after,
        &data,
        &proved.proof,
    );
    assert!(ok.is_ok(), "{ok:?}");

    // Any public input changed.
    let rejected = |r: verifier::Result<()>| matches!(r, Err(verifier::VerifyError::Rejected));
    assert!(rejected(verifier::verify(vk, &[proved.commitment + Fr::from(1u64)], &proved.proof)));
    for (old, new, before, after) in [
        (record.old_root + Fr::from(1u64), record.new_root, record.deposit_chain_before, record.deposit_chain_after),
        (record.old_root, record.new_root + Fr::from(1u64), record.deposit_chain_before, record.deposit_chain_after),
        (record.old_root, record.new_root, record.deposit_chain_before + Fr::from(1u64), record.deposit_chain_after),
        (record.old_root, record.new_root, record.deposit_chain_before, record.deposit_chain_after + Fr::from(1u64)),
    ] {
        assert!(rejected(verifier::verify_batch(vk, old, new, before, after, &data, &proved.proof)));
    }
    // Any byte of the public data flipped.
    for i in 0..data.len() {
        let mut flipped = data.clone();
        flipped[i] ^= 0x01;
        let c = batch_commitment(
            record.old_root,
            record.new_root,
            record.deposit_chain_before,
            record.deposit_chain_after,
            &flipped,
        );
        assert!(rejected(verifier::verify(vk, &[c], &proved.proof)), "byte {i}");
    }
    // Another batch's public data.
    let txs2 = random_transactions(&state, &secret_keys, 2, Mix::default(), &mut rng).unwrap();
    let record2 = state.apply_batch(&txs2, 2).unwrap();
    assert!(rejected(verifier::verify(vk, &[record2.commitment()], &proved.proof)));
    // The second batch proves too, with the same prover (no matrices rebuilt).
    let proved2 = prover.prove(&record2, &mut rng, &mut Silent).unwrap();
    assert!(prover.verify(record2.commitment(), &proved2.proof).is_ok());

    // A batch for another shape is refused with a clear error.
    let mut state3 = state.clone();
    let txs3 = random_transactions(&state3, &secret_keys, 1, Mix::default(), &mut rng).unwrap();
    let record3 = state3.apply_batch(&txs3, 3).unwrap();
    assert!(matches!(prover.prove(&record3, &mut rng, &mut Silent), Err(ProverError::ShapeMismatch { .. })));

    key_directory_tampering_is_detected(&dir);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A copy of the key directory `dir` at `to`, with `meta.json` edited by `edit_meta`.
fn copy_keys(dir: &Path, to: &Path, edit_meta: impl FnOnce(&mut serde_json::Value)) {
    let _ = std::fs::remove_dir_all(to);
    std::fs::create_dir_all(to).unwrap();
    for name in [files::META, files::PK, files::MATRICES, files::VK_JSON, files::VK_BIN] {
        std::fs::copy(dir.join(name), to.join(name)).unwrap();
    }
    let mut meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(to.join(files::META)).unwrap()).unwrap();
    edit_meta(&mut meta);
    std::fs::write(to.join(files::META), meta.to_string()).unwrap();
}

fn flip_last_byte(path: &Path) {
    let mut bytes = std::fs::read(path).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    std::fs::write(path, bytes).unwrap();
}

/// Every file is checksummed, and the sizes meta.json declares are checked against the
/// files before anything reaches arkworks.
fn key_directory_tampering_is_detected(dir: &Path) {
    let meta = read_meta(dir).unwrap();
    assert_eq!(meta.sha256.keys().map(String::as_str).collect::<Vec<_>>(), {
        let mut all = files::CHECKSUMMED.to_vec();
        all.sort_unstable();
        all
    });
    let copy = dir.with_extension("tampered");

    // One byte flipped in any file: a checksum error naming it.
    for name in files::CHECKSUMMED {
        copy_keys(dir, &copy, |_| {});
        flip_last_byte(&copy.join(name));
        match Keys::read(&copy) {
            Err(ProverError::ChecksumMismatch { path }) => assert!(path.ends_with(name), "{}", path.display()),
            other => panic!("{name}: expected a checksum error, got {other:?}"),
        }
        // Read on its own (as `rollup verify` does), a listed file is checked too.
        let bytes = std::fs::read(copy.join(name)).unwrap();
        assert!(matches!(check_listed_file(&copy.join(name), &bytes), Err(ProverError::ChecksumMismatch { .. })));
    }
    copy_keys(dir, &copy, |_| {});
    let vk_bin = copy.join(files::VK_BIN);
    assert!(check_listed_file(&vk_bin, &std::fs::read(&vk_bin).unwrap()).is_ok());

    // size.constraints hand-edited: a clear error, no panic inside arkworks.
    let constraints = meta.size.constraints;
    for edited in [constraints + 1, constraints - 1, constraints * 100] {
        copy_keys(dir, &copy, |m| m["size"]["constraints"] = edited.into());
        match Keys::read(&copy) {
            Err(ProverError::SizeMismatch { what, declared, found, .. }) => {
                assert_eq!((what.as_str(), declared, found), ("size.constraints", edited, constraints));
            }
            other => panic!("constraints {edited}: expected a size error, got {other:?}"),
        }
    }
    for edited in [1u64 << 40, u64::MAX] {
        copy_keys(dir, &copy, |m| m["size"]["constraints"] = edited.into());
        assert!(matches!(Keys::read(&copy), Err(ProverError::BadKeyFile { .. })), "{edited}");
    }
    // Variable counts edited together with a matching shape hash: the queries and the
    // matrices disagree.
    let mut size = meta.size;
    size.witness_variables -= 1;
    copy_keys(dir, &copy, |m| {
        m["size"]["witness_variables"] = size.witness_variables.into();
        m["shape_hash"] = prover::keys::shape_hash(&meta.shape, &size).into();
    });
    assert!(matches!(Keys::read(&copy), Err(ProverError::SizeMismatch { .. })));
    // The same edit without the hash, a checksum list short of a file, a batch size no
    // witness count holds: refused from meta.json alone.
    copy_keys(dir, &copy, |m| m["size"]["witness_variables"] = size.witness_variables.into());
    assert!(matches!(read_meta(&copy), Err(ProverError::BadKeyFile { .. })));
    copy_keys(dir, &copy, |m| {
        m["sha256"].as_object_mut().unwrap().remove(files::VK_JSON);
    });
    assert!(matches!(read_meta(&copy), Err(ProverError::BadKeyFile { .. })));
    copy_keys(dir, &copy, |m| {
        let mut shape = meta.shape;
        shape.batch_size = usize::MAX;
        m["shape"]["batch_size"] = shape.batch_size.into();
        m["shape_hash"] = prover::keys::shape_hash(&shape, &meta.size).into();
    });
    assert!(matches!(read_meta(&copy), Err(ProverError::BadKeyFile { .. })));
    std::fs::remove_dir_all(&copy).unwrap();
}

#[test]
fn keys_for_another_circuit_are_refused() {
    let mut rng = ChaCha20Rng::seed_from_u64(2);
    let mut keys = setup(shape(1), SetupKind::InsecureSeeded(2), &mut rng, &mut Silent).unwrap();
    // Pretend the keys were made by a different circuit of the same shape.
    keys.meta.shape_hash = "00".repeat(32);
    let prover = Prover::new(keys);
    let (mut state, secret_keys) = genesis(shape(1).tree, ChainId::DEFAULT, 2, Amount::new(10), &mut rng).unwrap();
    let txs = random_transactions(&state, &secret_keys, 1, Mix::default(), &mut rng).unwrap();
    let record = state.apply_batch(&txs, 1).unwrap();
    assert!(matches!(prover.prove(&record, &mut rng, &mut Silent), Err(ProverError::ShapeMismatch { .. })));
}

/// The setup's matrices (built without `finalize`) are arkworks' own, on the batch circuit.
#[test]
fn setup_matrices_equal_arkworks_finalize_and_to_matrices() {
    use ark_relations::gr1cs::{
        ConstraintSynthesizer, ConstraintSystem, OptimizationGoal, SynthesisMode, R1CS_PREDICATE_LABEL,
    };
    let synthesise = || {
        let cs = ConstraintSystem::<Fr>::new_ref();
        cs.set_optimization_goal(OptimizationGoal::Constraints);
        cs.set_mode(SynthesisMode::Setup);
        circuits::BatchCircuit::for_setup(shape(2)).generate_constraints(cs.clone()).unwrap();
        cs
    };
    let cs = synthesise();
    let ours = prover::matrices::r1cs_matrices(&cs.borrow().unwrap()).unwrap();
    cs.finalize();
    let theirs = cs.to_matrices().unwrap().remove(R1CS_PREDICATE_LABEL).unwrap();
    assert_eq!(ours.len(), 3);
    assert_eq!(ours[0].len(), cs.num_constraints());
    assert!(ours == theirs, "the matrices differ from arkworks'");
}
