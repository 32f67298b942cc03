// The evm-gas crate's node tools, run by evm_gas::js with the pinned packages of package.json:
//
//   node tools.js compile NAME        Solidity source on stdin -> creation bytecode of contract NAME (hex) on
//                                     stdout, compiled by solc through its standard JSON interface
//   node tools.js poseidon N          circomlibjs' Poseidon contract for N inputs -> creation bytecode (hex)
//   node tools.js snarkjs-verifier    snarkjs verification_key.json on stdin -> snarkjs' Groth16 Solidity
//                                     verifier, rendered from its own template as `zkey export solidityverifier`
//
// Errors go to stderr with exit status 1.
"use strict";

const fs = require("fs");
const path = require("path");

function readStdin() {
    return fs.readFileSync(0, "utf8");
}

function fail(message) {
    process.stderr.write(message + "\n");
    process.exit(1);
}

function compile(name) {
    const solc = require("solc");
    const input = {
        language: "Solidity",
        sources: { "Contract.sol": { content: readStdin() } },
        settings: {
            optimizer: { enabled: true, runs: 200 },
            evmVersion: "cancun",
            outputSelection: { "*": { "*": ["evm.bytecode.object"] } },
        },
    };
    const output = JSON.parse(solc.compile(JSON.stringify(input)));
    const errors = (output.errors || []).filter((e) => e.severity === "error");
    if (errors.length > 0) {
        fail(errors.map((e) => e.formattedMessage).join("\n"));
    }
    const contract = ((output.contracts || {})["Contract.sol"] || {})[name];
    if (!contract) {
        fail(`solc ${solc.version()}: no contract named ${name} in the source`);
    }
    process.stdout.write(contract.evm.bytecode.object + "\n");
}

function poseidon(n) {
    const { poseidonContract } = require("circomlibjs");
    const inputs = Number(n);
    if (!Number.isInteger(inputs) || inputs < 1 || inputs > 6) {
        fail(`poseidon: inputs must be 1 to 6, got ${n}`);
    }
    process.stdout.write(poseidonContract.createCode(inputs).replace(/^0x/, "") + "\n");
}

function snarkjsVerifier() {
    const ejs = require("ejs");
    const vk = JSON.parse(readStdin());
    if (vk.protocol !== "groth16") {
        fail(`snarkjs-verifier: a groth16 key is needed, got ${vk.protocol}`);
    }
    // snarkjs 0.7.6's exportSolidityVerifier: ejs.render(template, verificationKey) with the template it ships.
    const template = fs.readFileSync(
        path.join(__dirname, "node_modules", "snarkjs", "templates", "verifier_groth16.sol.ejs"),
        "utf8"
    );
    process.stdout.write(ejs.render(template, vk));
}

const [command, arg] = process.argv.slice(2);
switch (command) {
    case "compile":
        compile(arg);
        break;
    case "poseidon":
        poseidon(arg);
        break;
    case "snarkjs-verifier":
        snarkjsVerifier();
        break;
    default:
        fail("usage: node tools.js compile NAME | poseidon N | snarkjs-verifier");
}
