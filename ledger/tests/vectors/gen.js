#!/usr/bin/env node
// Generates circomlibjs.json: reference test vectors for the ledger crate's
// Poseidon (circomlib-compatible, BN254 scalar field), EdDSA-Poseidon over
// Baby Jubjub, and Baby Jubjub curve constants.
//
// Fully deterministic: every "pseudo-random" value is sha256(label) taken as a
// big-endian integer (reduced mod r where it must be a field element), so
// re-running this script always produces a byte-identical file.
//
// Usage: cd ledger/tests/vectors && npm ci && node gen.js
"use strict";

const assert = require("node:assert/strict");
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");
const {
  buildPoseidon,
  buildPoseidonReference,
  buildEddsa,
  buildBabyjub,
} = require("circomlibjs");

// BN254 scalar field modulus (= Baby Jubjub base field).
const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

function sha256(label) {
  return crypto.createHash("sha256").update(label, "utf8").digest();
}

// Deterministic pseudo-random field element in [0, r).
function prf(label) {
  return BigInt("0x" + sha256(label).toString("hex")) % R;
}

const dec = (x) => BigInt(x).toString(10);

async function main() {
  const poseidon = await buildPoseidon();
  const poseidonRef = await buildPoseidonReference();
  const eddsa = await buildEddsa();
  const babyJub = await buildBabyjub();
  const Fp = poseidon.F; // BN254 Fr
  const F = babyJub.F; // same field, Baby Jubjub base field

  assert.equal(BigInt(F.p), R, "babyjub field modulus != r");
  assert.equal(BigInt(Fp.p), R, "poseidon field modulus != r");

  const hash = (inputs) => {
    const out = Fp.toObject(poseidon(inputs));
    // Cross-check the WASM implementation against circomlibjs' reference one.
    const ref = poseidonRef.F.toObject(poseidonRef(inputs));
    assert.equal(out, ref, `poseidon wasm/reference mismatch for ${inputs}`);
    assert.ok(out < R);
    return out;
  };

  // Sanity check: this is the circomlib-compatible Poseidon.
  assert.equal(
    hash([1n, 2n]),
    7853200120776062878684798364095072458815029376092732009249414926327459813530n,
    "poseidon([1,2]) mismatch: not the circomlib-compatible Poseidon",
  );

  // ---------------------------------------------------------------- poseidon
  const poseidonVectors = [];
  const seen = new Set();
  const pushPoseidon = (inputs) => {
    inputs.forEach((x) => assert.ok(x >= 0n && x < R, "input out of range"));
    const key = inputs.join(",");
    assert.ok(!seen.has(key), `duplicate poseidon vector ${key}`);
    seen.add(key);
    poseidonVectors.push({
      inputs: inputs.map(dec),
      output: dec(hash(inputs)),
    });
  };
  const range = (n, f) => Array.from({ length: n }, (_, i) => f(i));

  for (let n = 1; n <= 5; n++) {
    pushPoseidon(range(n, () => 0n)); // all zeros
    pushPoseidon(range(n, (i) => BigInt(i + 1))); // 1, 2, ..., n  (n=2 -> [1,2])
    pushPoseidon(range(n, () => R - 1n)); // all r-1
    pushPoseidon(range(n, (i) => (i % 2 === 0 ? R - 2n : R - 1n))); // r-2, r-1, r-2, ...
    pushPoseidon(range(n, (i) => prf(`poseidon/${n}/a/${i}`))); // pseudo-random
    pushPoseidon(range(n, (i) => prf(`poseidon/${n}/b/${i}`))); // pseudo-random
    // mixed small / large / pseudo-random
    pushPoseidon(
      range(n, (i) => [prf(`poseidon/${n}/c/${i}`), BigInt(i), R - 1n - BigInt(i)][i % 3]),
    );
  }
  for (let n = 6; n <= 12; n++) {
    pushPoseidon(
      range(n, (i) => (i === 0 ? 0n : i === 1 ? R - 1n : prf(`poseidon/${n}/a/${i}`))),
    );
  }

  // ------------------------------------------------------------------- eddsa
  const secretHexes = [
    "00".repeat(32),
    "01".repeat(32),
    "ff".repeat(32),
    // private key used in circomlib/circomlibjs' own eddsa tests
    "0001020304050607080900010203040506070809000102030405060708090001",
    sha256("eddsa/secret/0").toString("hex"),
    sha256("eddsa/secret/1").toString("hex"),
    sha256("eddsa/secret/2").toString("hex"),
  ];

  const eddsaVectors = secretHexes.map((secretHex, si) => {
    assert.match(secretHex, /^[0-9a-f]{64}$/);
    const prv = Buffer.from(secretHex, "hex");
    const pub = eddsa.prv2pub(prv);
    assert.ok(babyJub.inCurve(pub), "public key not on curve");
    assert.ok(babyJub.inSubgroup(pub), "public key not in prime-order subgroup");

    const msgs = [
      0n,
      1n,
      1234n,
      R - 1n,
      R - 2n,
      prf(`eddsa/${si}/msg/0`),
      prf(`eddsa/${si}/msg/1`),
    ];
    const signatures = msgs.map((m) => {
      const msg = F.e(m);
      const sig = eddsa.signPoseidon(prv, msg);
      assert.ok(eddsa.verifyPoseidon(msg, sig, pub), "verifyPoseidon failed");
      const S = BigInt(sig.S);
      assert.ok(S < BigInt(babyJub.subOrder), "S >= subOrder");
      // Determinism: signing twice gives the same signature.
      const sig2 = eddsa.signPoseidon(prv, msg);
      assert.ok(F.eq(sig.R8[0], sig2.R8[0]) && F.eq(sig.R8[1], sig2.R8[1]));
      assert.equal(BigInt(sig2.S), S);
      return {
        msg: dec(m),
        r8_x: dec(F.toObject(sig.R8[0])),
        r8_y: dec(F.toObject(sig.R8[1])),
        s: dec(S),
      };
    });

    return {
      secret: secretHex,
      public_key: { x: dec(F.toObject(pub[0])), y: dec(F.toObject(pub[1])) },
      signatures,
    };
  });

  // ----------------------------------------------------------------- babyjub
  const babyjubVectors = {
    base8: {
      x: dec(F.toObject(babyJub.Base8[0])),
      y: dec(F.toObject(babyJub.Base8[1])),
    },
    generator: {
      x: dec(F.toObject(babyJub.Generator[0])),
      y: dec(F.toObject(babyJub.Generator[1])),
    },
    sub_order: dec(babyJub.subOrder),
    order: dec(babyJub.order),
  };
  assert.equal(BigInt(babyJub.order), 8n * BigInt(babyJub.subOrder));

  const out = {
    generator: "circomlibjs 0.1.7 via gen.js",
    poseidon: poseidonVectors,
    eddsa: eddsaVectors,
    babyjub: babyjubVectors,
  };

  const file = path.join(__dirname, "circomlibjs.json");
  fs.writeFileSync(file, JSON.stringify(out, null, 2) + "\n");
  const nSigs = eddsaVectors.reduce((a, e) => a + e.signatures.length, 0);
  console.log(
    `wrote ${file}: ${poseidonVectors.length} poseidon, ${eddsaVectors.length} eddsa keys / ${nSigs} signatures`,
  );
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
