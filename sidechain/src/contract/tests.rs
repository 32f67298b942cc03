//! The bridge against dishonest callers: checkpoints below the threshold, bad signatures in both modes, a
//! rogue BLS key, withdrawals proven twice or against a wrong root, and equivocation evidence.

use ark_ec::{AffineRepr, CurveGroup};
use l1_contract_sim::{Chain, ChainConfig, ETHER};
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;

use super::*;
use crate::bls::{aggregate_keys, BlsSecretKey};
use crate::checkpoint::withdrawal_tree;
use crate::consensus::Vote;
use crate::driver::sign;
use crate::validators::Validator;
use crate::world::World;

fn tree() -> TreeShape {
    TreeShape::new(4, ledger::Arity::Binary).unwrap()
}

/// A bridge in `scheme` with validators of the given stakes (in ETH), all registered.
fn setup(scheme: SignatureScheme, stakes: &[u128]) -> (World, Vec<Validator>) {
    let mut rng = ChaCha20Rng::seed_from_u64(stakes.len() as u64 + 11);
    let roster: Vec<Validator> = stakes.iter().map(|s| Validator::random(&mut rng, s * ETHER).unwrap()).collect();
    let mut chain = Chain::new(ChainConfig::default());
    for v in &roster {
        chain.fund(v.address(), v.stake + ETHER);
    }
    let bridge = Bridge::new(Address::from_label("bridge"), BridgeParams::new(scheme, tree(), roster.len()));
    let mut world = World::new(chain, bridge);
    for v in &roster {
        let r = world.send(v.address(), v.stake, v.register_call(scheme).unwrap()).unwrap();
        assert!(r.succeeded(), "{:?}", r.outcome);
    }
    (world, roster)
}

fn checkpoint(world: &World, number: u64, start: u64, root: [u8; 32], withdrawals: u64) -> Checkpoint {
    Checkpoint {
        number,
        start_block: start,
        end_block: start + 3,
        state_root: [1; 32],
        withdrawal_root: root,
        withdrawals,
        set_id: world.bridge.set().id,
    }
}

fn submit(world: &mut World, roster: &[Validator], signers: &[usize], cp: Checkpoint) -> Receipt<BridgeEvent> {
    let members = world.bridge.set().members.clone();
    let scheme = world.bridge.params().scheme;
    let sigs =
        sign(roster, &members, signers, &cp, scheme, world.bridge.params().chain_id, world.bridge.address()).unwrap();
    world.send(roster[0].address(), 0, BridgeCall::SubmitCheckpoint { checkpoint: cp, signatures: sigs }).unwrap()
}

use l1_contract_sim::Receipt;

#[test]
fn threshold_is_strictly_more_than_two_thirds_in_both_modes() {
    for scheme in [SignatureScheme::Ecdsa, SignatureScheme::Bls] {
        // Stakes 1, 1, 1: two signers hold exactly 2/3 and are refused; three are accepted.
        let (mut world, roster) = setup(scheme, &[1, 1, 1]);
        let empty = withdrawal_tree(&[]).unwrap().root();
        let cp = checkpoint(&world, 0, 1, empty, 0);
        let r = submit(&mut world, &roster, &[0, 1], cp);
        let why = r.outcome.unwrap_err().0;
        assert!(why.contains("not more than 2/3"), "{scheme:?}: {why}");
        assert!(submit(&mut world, &roster, &[0, 1, 2], cp).succeeded());
        // Checkpoints come in order and cover the next blocks.
        assert!(!submit(&mut world, &roster, &[0, 1, 2], cp).succeeded());
        let skipping = checkpoint(&world, 1, 9, empty, 0);
        assert!(!submit(&mut world, &roster, &[0, 1, 2], skipping).succeeded());
        let next = checkpoint(&world, 1, 5, empty, 0);
        assert!(submit(&mut world, &roster, &[0, 1, 2], next).succeeded());
    }
}

#[test]
fn ecdsa_refuses_duplicates_outsiders_and_wrong_digests() {
    let (mut world, roster) = setup(SignatureScheme::Ecdsa, &[1, 1, 1, 1]);
    let cp = checkpoint(&world, 0, 1, [0; 32], 0);
    let digest = cp.digest(world.bridge.params().chain_id, world.bridge.address());
    let send = |world: &mut World, sigs: Vec<l1_contract_sim::ecdsa::EthSignature>| {
        let call = BridgeCall::SubmitCheckpoint { checkpoint: cp, signatures: CheckpointSignatures::Ecdsa(sigs) };
        world.send(roster[0].address(), 0, call).unwrap()
    };
    // One validator's signature three times plus another's: 2 of 4 validators, counted as 4 if not checked.
    let CheckpointSignatures::Ecdsa(two) = CheckpointSignatures::ecdsa([&roster[0], &roster[1]], &digest) else {
        unreachable!()
    };
    let padded = vec![two[0], two[0], two[0], two[1]];
    let why = send(&mut world, padded).outcome.unwrap_err().0;
    assert!(why.contains("ascending"), "{why}");
    // An outsider's signature.
    let outsider = Validator::random(&mut ChaCha20Rng::seed_from_u64(99), ETHER).unwrap();
    let CheckpointSignatures::Ecdsa(with_outsider) =
        CheckpointSignatures::ecdsa([&roster[0], &roster[1], &roster[2], &outsider], &digest)
    else {
        unreachable!()
    };
    let why = send(&mut world, with_outsider).outcome.unwrap_err().0;
    assert!(why.contains("not in the current validator set"), "{why}");
    // Signatures of another checkpoint.
    let other = Checkpoint { state_root: [2; 32], ..cp };
    let CheckpointSignatures::Ecdsa(wrong) =
        CheckpointSignatures::ecdsa(roster.iter(), &other.digest(1, world.bridge.address()))
    else {
        unreachable!()
    };
    assert!(!send(&mut world, wrong).succeeded());
    assert!(world.bridge.checkpoints().is_empty());
}

#[test]
fn bls_refuses_a_wrong_aggregate_a_short_bitmap_and_a_lying_bitmap() {
    let (mut world, roster) = setup(SignatureScheme::Bls, &[1, 1, 1, 1]);
    let cp = checkpoint(&world, 0, 1, [0; 32], 0);
    let members = world.bridge.set().members.clone();
    let send = |world: &mut World, signatures: CheckpointSignatures| {
        world.send(roster[0].address(), 0, BridgeCall::SubmitCheckpoint { checkpoint: cp, signatures }).unwrap()
    };
    let all = sign(&roster, &members, &[0, 1, 2, 3], &cp, SignatureScheme::Bls, 1, world.bridge.address()).unwrap();
    let CheckpointSignatures::Bls { signers, aggregate } = all.clone() else { unreachable!() };
    // A wrong aggregate: the signature of another checkpoint.
    let other = Checkpoint { withdrawal_root: [9; 32], ..cp };
    let wrong =
        sign(&roster, &members, &[0, 1, 2, 3], &other, SignatureScheme::Bls, 1, world.bridge.address()).unwrap();
    let CheckpointSignatures::Bls { aggregate: wrong_agg, .. } = wrong else { unreachable!() };
    let why = send(&mut world, CheckpointSignatures::Bls { signers: signers.clone(), aggregate: wrong_agg })
        .outcome
        .unwrap_err()
        .0;
    assert!(why.contains("does not verify"), "{why}");
    // Three of four sign but the bitmap claims four: the aggregate fails for the claimed keys.
    let three = sign(&roster, &members, &[0, 1, 2], &cp, SignatureScheme::Bls, 1, world.bridge.address()).unwrap();
    let CheckpointSignatures::Bls { aggregate: agg3, .. } = three else { unreachable!() };
    assert!(!send(&mut world, CheckpointSignatures::Bls { signers: signers.clone(), aggregate: agg3 }).succeeded());
    // Two of four: a valid aggregate, below the threshold.
    let two = sign(&roster, &members, &[0, 1], &cp, SignatureScheme::Bls, 1, world.bridge.address()).unwrap();
    let why = send(&mut world, two).outcome.unwrap_err().0;
    assert!(why.contains("not more than 2/3"), "{why}");
    // A bitmap of the wrong length.
    assert!(!send(&mut world, CheckpointSignatures::Bls { signers: vec![true; 3], aggregate }).succeeded());
    // ECDSA signatures to a BLS bridge.
    let digest = cp.digest(1, world.bridge.address());
    assert!(!send(&mut world, CheckpointSignatures::ecdsa(roster.iter(), &digest)).succeeded());
    assert!(send(&mut world, all).succeeded());
}

#[test]
fn a_rogue_bls_key_is_refused_at_registration() {
    let (mut world, roster) = setup(SignatureScheme::Bls, &[1, 1, 1]);
    // The attacker picks a and registers pk = g1·a − Σ honest keys: then g1·a is the aggregate of the whole
    // set, and a signature by a alone verifies as everybody's.
    let a = BlsSecretKey::random(&mut ChaCha20Rng::seed_from_u64(5));
    let honest_sum = aggregate_keys(roster.iter().map(|v| &v.bls_public));
    let rogue = BlsPublicKey((a.public_key().0.into_group() - honest_sum.0.into_group()).into_affine());
    let set_with_rogue: Vec<BlsPublicKey> = roster.iter().map(|v| v.bls_public).chain([rogue]).collect();
    let msg = b"any checkpoint";
    assert!(
        crate::bls::verify_aggregate(&set_with_rogue, msg, &a.sign(msg).unwrap()).unwrap(),
        "without proofs of possession the rogue key forges the whole set's signature"
    );
    // The attacker cannot prove possession of the rogue key; whatever it sends is refused.
    let attacker = Address::from_label("rogue");
    world.chain.fund(attacker, 10 * ETHER);
    for pop in [
        a.proof_of_possession().unwrap(),
        roster[0].bls_registration().unwrap().pop,
        BlsSignature(ark_bls12_381::G2Affine::generator()),
    ] {
        let r = world
            .send(attacker, ETHER, BridgeCall::Register { bls: Some(BlsRegistration { key: rogue, pop }) })
            .unwrap();
        assert!(r.outcome.unwrap_err().0.contains("proof of possession"));
    }
    // Nor can it register the identity or reuse an address.
    let id = BlsPublicKey(ark_bls12_381::G1Affine::zero());
    assert!(!world
        .send(
            attacker,
            ETHER,
            BridgeCall::Register {
                bls: Some(BlsRegistration { key: id, pop: roster[0].bls_registration().unwrap().pop })
            }
        )
        .unwrap()
        .succeeded());
    let v = &roster[1];
    world.chain.fund(v.address(), 2 * ETHER);
    assert!(!world.send(v.address(), ETHER, v.register_call(SignatureScheme::Bls).unwrap()).unwrap().succeeded());
    assert_eq!(world.bridge.validators().len(), 3);
}

#[test]
fn withdrawals_are_paid_once_from_deposits_only() {
    let (mut world, roster) = setup(SignatureScheme::Ecdsa, &[1, 1, 1, 1]);
    let user = Address::from_label("user");
    world.chain.fund(user, 10 * ETHER);
    let key = ledger::SecretKey::random(&mut ChaCha20Rng::seed_from_u64(1));
    let deposit = BridgeCall::Deposit { to: None, public_key: key.public_key().into() };
    assert!(world.send(user, ETHER, deposit).unwrap().succeeded());
    assert_eq!(world.bridge.locked(), ETHER);
    let leaves = [
        WithdrawalLeaf { checkpoint: 0, index: 0, recipient: user, amount: ETHER / 4 },
        WithdrawalLeaf { checkpoint: 0, index: 1, recipient: user, amount: ETHER / 2 },
    ];
    let tree = withdrawal_tree(&leaves).unwrap();
    let cp = checkpoint(&world, 0, 1, tree.root(), 2);
    assert!(submit(&mut world, &roster, &[0, 1, 2, 3], cp).succeeded());
    let prove = |world: &mut World, leaf: WithdrawalLeaf, i: u64| {
        let proof = tree.proof(i).unwrap();
        world.send(user, 0, BridgeCall::ProveWithdrawal { leaf, proof }).unwrap()
    };
    assert!(prove(&mut world, leaves[0], 0).succeeded());
    let why = prove(&mut world, leaves[0], 0).outcome.unwrap_err().0;
    assert!(why.contains("already paid"), "{why}");
    // A leaf that is not in the tree: a larger amount at the same place.
    let inflated = WithdrawalLeaf { amount: ETHER, ..leaves[1] };
    assert!(!prove(&mut world, inflated, 1).succeeded());
    assert!(!prove(&mut world, leaves[1], 0).succeeded(), "the proof of another position");
    assert!(prove(&mut world, leaves[1], 1).succeeded());
    let before = world.chain.balance(user);
    let r = world.send(user, 0, BridgeCall::Claim).unwrap();
    assert!(r.succeeded());
    assert_eq!(world.chain.balance(user) + r.fee_paid, before + ETHER * 3 / 4);
    assert!(!world.send(user, 0, BridgeCall::Claim).unwrap().succeeded());
    assert_eq!(world.chain.balance(world.bridge.address()), world.bridge.liabilities());
    assert_eq!(world.chain.total_supply_tracked(), world.chain.total_funded());
}

#[test]
fn equivocation_is_slashed_once_and_false_evidence_is_refused() {
    let (mut world, roster) = setup(SignatureScheme::Ecdsa, &[10, 10, 10, 10]);
    let reporter = Address::from_label("reporter");
    world.chain.fund(reporter, ETHER);
    let vote = Vote { chain_id: 1, height: 3, round: 0, kind: VoteKind::Precommit, block_id: [1; 32] };
    let other = Vote { block_id: [2; 32], ..vote };
    let key = &roster[2].eth;
    let send = |world: &mut World, a: Vote, b: Vote, kb: &l1_contract_sim::ecdsa::EthKey| {
        let e = Evidence { a: a.sign(key), b: b.sign(kb) };
        world.send(reporter, 0, BridgeCall::Evidence(e)).unwrap()
    };
    // Not evidence: the same block, different heights, different signers, prevotes.
    assert!(!send(&mut world, vote, vote, key).succeeded());
    assert!(!send(&mut world, vote, Vote { height: 4, ..other }, key).succeeded());
    assert!(!send(&mut world, vote, other, &roster[3].eth).succeeded());
    let pv = Vote { kind: VoteKind::Prevote, ..vote };
    assert!(!send(&mut world, pv, Vote { kind: VoteKind::Prevote, ..other }, key).succeeded());
    let total_before = world.bridge.set().total_stake;
    let r = send(&mut world, vote, other, key);
    assert!(r.succeeded(), "{:?}", r.outcome);
    let slashed = 10 * ETHER * 5 / 100;
    assert_eq!(world.bridge.slashed(), slashed);
    assert_eq!(world.bridge.claimable(reporter), slashed / 2);
    assert_eq!(world.bridge.set().total_stake, total_before - slashed);
    assert!(!send(&mut world, vote, other, key).succeeded(), "punished once per height");
    assert_eq!(world.chain.balance(world.bridge.address()), world.bridge.liabilities());
    assert_eq!(world.chain.total_supply_tracked(), world.chain.total_funded());
    // The equivocator leaves at the next checkpoint with what is left of its stake.
    let cp = checkpoint(&world, 0, 1, [0; 32], 0);
    let r = submit(&mut world, &roster, &[0, 1, 3], cp);
    assert!(r.succeeded(), "{:?}", r.outcome);
    assert_eq!(world.bridge.set().id, 1);
    assert!(!world.bridge.set().members.contains(&2));
    assert_eq!(world.bridge.claimable(roster[2].address()), 10 * ETHER - slashed);
}

/// 1,000 seeded checkpoints on fresh bridges of 4 to 10 validators with small integer stakes (so that
/// signer sets of exactly 2/3 come up often), each signed by a random subset: the bridge accepts exactly
/// when the signers hold more than 2/3 of the stake, by plain integer arithmetic here. One bridge in twenty
/// takes BLS aggregates.
#[test]
fn property_a_checkpoint_is_accepted_exactly_above_two_thirds() {
    use ark_std::rand::Rng;
    let mut rng = ChaCha20Rng::seed_from_u64(2024);
    let keys: Vec<Validator> = (0..10).map(|_| Validator::random(&mut rng, ETHER).unwrap()).collect();
    let (mut accepted, mut boundary) = (0, 0);
    for seed in 0..1_000u64 {
        let scheme = if seed % 20 == 0 { SignatureScheme::Bls } else { SignatureScheme::Ecdsa };
        let n = rng.gen_range(4..=10);
        let roster: Vec<Validator> =
            keys[..n].iter().map(|v| Validator { stake: rng.gen_range(1..=3u128) * ETHER, ..v.clone() }).collect();
        let mut chain = Chain::new(ChainConfig::default());
        for v in &roster {
            chain.fund(v.address(), v.stake + ETHER);
        }
        let bridge = Bridge::new(Address::from_label("bridge"), BridgeParams::new(scheme, tree(), n));
        let mut world = World::new(chain, bridge);
        for v in &roster {
            assert!(world.send(v.address(), v.stake, v.register_call(scheme).unwrap()).unwrap().succeeded());
        }
        let signers: Vec<usize> = (0..n).filter(|_| rng.gen_bool(0.7)).collect();
        let signed: u128 = signers.iter().map(|&i| roster[i].stake).sum();
        let total: u128 = roster.iter().map(|v| v.stake).sum();
        let cp = checkpoint(&world, 0, 1, [3; 32], 0);
        if signers.is_empty() {
            continue;
        }
        let r = submit(&mut world, &roster, &signers, cp);
        assert_eq!(
            r.succeeded(),
            3 * signed > 2 * total,
            "seed {seed}: {signed} of {total}, {scheme:?}: {:?}",
            r.outcome
        );
        accepted += usize::from(r.succeeded());
        boundary += usize::from(3 * signed == 2 * total);
    }
    assert!(accepted > 200 && boundary > 20, "coverage: {accepted} accepted, {boundary} at exactly 2/3");
}
