//! The shared deposit path refuses a key that is not a point of Baby Jubjub's prime-order subgroup before
//! anything enters the queue: the identity and the small-order points verify any signature in the circuit,
//! which only checks that a key is on the curve.

use l1_contract_sim::deposits::{DepositQueue, KeyCoordinates};
use l1_contract_sim::{gas, Address, Chain, ChainConfig, Contract, Env, Revert, TxRequest, ETHER, GWEI};
use ledger::{AccountIndex, Arity, Fr, SecretKey, TreeShape};

/// The smallest contract around the shared queue: one unit is one gwei.
#[derive(Clone)]
struct DepositBox {
    queue: DepositQueue,
}

impl Contract for DepositBox {
    type Call = (Option<AccountIndex>, KeyCoordinates);
    type Event = usize;

    fn address(&self) -> Address {
        Address::from_label("deposit-box")
    }

    fn execute(&mut self, env: &mut Env<'_>, (to, key): Self::Call) -> Result<Vec<usize>, Revert> {
        let tree = TreeShape::new(4, Arity::Binary).expect("a valid shape");
        let (position, _) = self.queue.deposit(env, tree, GWEI, to, key)?;
        Ok(vec![position])
    }
}

fn deposit(chain: &mut Chain, contract: &mut DepositBox, key: KeyCoordinates) -> Result<usize, String> {
    let alice = Address::from_label("alice");
    let tx = TxRequest::new(alice, vec![0; 68], (None, key)).with_value(1_000 * GWEI).with_priority_fee(GWEI);
    let receipt = chain.send(contract, tx).map_err(|e| e.to_string())?;
    assert!(receipt.bill.iter().any(|(_, g)| *g == gas::BABYJUB_ON_CURVE_GAS), "the curve check is charged");
    receipt.outcome.map(|events| events[0]).map_err(|Revert(why)| why)
}

#[test]
fn identity_small_order_and_off_curve_keys_never_reach_the_queue() {
    let mut chain = Chain::new(ChainConfig::default());
    chain.fund(Address::from_label("alice"), 10 * ETHER);
    let mut contract = DepositBox { queue: DepositQueue::default() };
    let good: KeyCoordinates = SecretKey::from_bytes([3; 32]).public_key().into();
    let minus = |f: Fr| -f;
    let refused = [
        ("the identity", KeyCoordinates { x: Fr::from(0u64), y: Fr::from(1u64) }, "identity"),
        ("the point of order 2", KeyCoordinates { x: Fr::from(0u64), y: minus(Fr::from(1u64)) }, "prime-order"),
        // A subgroup point plus the point of order 2: on the curve, of order 2·l.
        ("a key shifted by a torsion point", KeyCoordinates { x: minus(good.x), y: minus(good.y) }, "prime-order"),
        ("a point off the curve", KeyCoordinates { x: Fr::from(1u64), y: Fr::from(1u64) }, "not a point"),
    ];
    for (what, key, why) in refused {
        let err = deposit(&mut chain, &mut contract, key).expect_err(what);
        assert!(err.contains(why), "{what}: {err}");
        assert!(contract.queue.queued().is_empty(), "{what} entered the queue");
        assert_eq!(contract.queue.chain_head(1), None, "{what} extended the deposit chain");
    }
    assert_eq!(deposit(&mut chain, &mut contract, good), Ok(0), "a subgroup key is queued");
    assert_eq!(contract.queue.queued()[0].deposit.public_key.x(), good.x);
}
