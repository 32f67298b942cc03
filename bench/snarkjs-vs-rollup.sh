#!/usr/bin/env bash
# snarkjs' Groth16 prover against ours, on one circuit and one witness.
#
# Builds the `rollup` binary in release mode, makes a seeded (INSECURE, benchmark-only) setup of
# the batch circuit, one batch of transactions, and exports the proving key (.zkey) and the
# batch's witness (.wtns). Then it times, on the same machine and in the same run:
#   - `rollup prove` (keys, state, transactions → proof; includes loading the keys, building the
#     witness and checking the proof; its own report splits out the Groth16 part), and
#   - `snarkjs groth16 prove` with snarkjs 0.7.6 under node (the pinned copy of
#     verifier/tests/snarkjs, installed with `npm ci` on first use), from our .zkey and .wtns,
# checks that `rollup verify` accepts snarkjs' proof, and prints both times and their ratio.
# rapidsnark (iden3's C++ prover) is timed too when --rapidsnark names its `prover` binary (build one
# with bench/build-rapidsnark.sh), and its proof checked the same way.
#
# Usage: bench/snarkjs-vs-rollup.sh [--depth D] [--batch-size B] [--runs N] [--work DIR] [--keep]
#                                   [--rollup BIN] [--rapidsnark BIN]
#   --depth D        tree depth, even (4-ary tree), 2 to 32           [8]
#   --batch-size B   transaction slots per batch, 1 to 4096            [2]
#   --runs N         timed runs of each prover; the median is reported [1]
#   --work DIR       where the files go                               [a fresh temporary directory]
#   --keep           keep --work (a temporary directory is removed otherwise)
#   --rollup BIN     use this rollup binary instead of building one (cargo build --release)
#   --rapidsnark BIN also time rapidsnark's prover binary (BIN zkey wtns proof public)
set -euo pipefail

depth=8 batch=2 runs=1 work="" keep=0 rollup="" rapidsnark=""
while [ $# -gt 0 ]; do
    case "$1" in
        --depth) depth="$2"; shift 2 ;;
        --batch-size) batch="$2"; shift 2 ;;
        --runs) runs="$2"; shift 2 ;;
        --work) work="$2"; shift 2 ;;
        --keep) keep=1; shift ;;
        --rollup) rollup="$2"; shift 2 ;;
        --rapidsnark) rapidsnark="$2"; shift 2 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "error: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
for pair in "depth:$depth:2:32" "batch-size:$batch:1:4096" "runs:$runs:1:100"; do
    IFS=: read -r name value low high <<<"$pair"
    if ! [[ "$value" =~ ^[0-9]+$ ]] || [ "$value" -lt "$low" ] || [ "$value" -gt "$high" ]; then
        echo "error: --$name must be an integer from $low to $high, not '$value'" >&2
        exit 2
    fi
done

root="$(cd "$(dirname "$0")/.." && pwd)"
if [ -z "$work" ]; then
    work="$(mktemp -d "${TMPDIR:-/tmp}/snarkjs-vs-rollup.XXXXXX")"
    [ "$keep" = 1 ] || trap 'rm -rf "$work"' EXIT
else
    mkdir -p "$work"
fi

if [ -z "$rollup" ]; then
    echo "building rollup (release)..." >&2
    (cd "$root" && cargo build --release --locked -p cli --quiet)
    rollup="${CARGO_TARGET_DIR:-$root/target}/release/rollup"
fi
snarkjs_dir="$root/verifier/tests/snarkjs"
snarkjs_cli="$snarkjs_dir/node_modules/snarkjs/build/cli.cjs"
if [ ! -f "$snarkjs_cli" ]; then
    echo "installing the pinned snarkjs: npm ci --prefix $snarkjs_dir" >&2
    npm ci --no-audit --no-fund --silent --prefix "$snarkjs_dir" >&2
fi
snarkjs_version="$(node -p "require('$snarkjs_dir/node_modules/snarkjs/package.json').version")"

now() { date +%s.%N; }
# a - b and a / b, in floating point.
minus() { awk -v a="$1" -v b="$2" 'BEGIN { print a - b }'; }
over() { awk -v a="$1" -v b="$2" 'BEGIN { print a / b }'; }
# The median of the numbers on stdin.
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# A field of a one-line JSON object (numbers only).
field() { grep -o "\"$1\":[0-9.]*" | head -n 1 | cut -d: -f2; }

echo "setting up depth $depth, $batch slots (seeded, insecure: a benchmark only)..." >&2
"$rollup" genesis --accounts 4 --depth "$depth" --seed 1 --out "$work/genesis" --force >/dev/null
"$rollup" workload --state "$work/genesis/state.json" --keys "$work/genesis/keys.json" --count "$batch" \
    --seed 2 --out "$work/txs.json" >/dev/null
"$rollup" setup --depth "$depth" --batch-size "$batch" --seed 3 --out "$work/keys" --force >/dev/null 2>&1
zkey_summary="$("$rollup" export zkey --keys "$work/keys" --out "$work/circuit.zkey" --force --json)"
"$rollup" export wtns --keys "$work/keys" --state "$work/genesis/state.json" --txs "$work/txs.json" \
    --out "$work/witness.wtns" --force --json >/dev/null

rollup_walls=() rollup_groth16=() rollup_witness=() snarkjs_walls=() rapid_walls=()
for run in $(seq 1 "$runs"); do
    echo "run $run/$runs: rollup prove..." >&2
    start="$(now)"
    summary="$("$rollup" prove --keys "$work/keys" --state "$work/genesis/state.json" --txs "$work/txs.json" \
        --out "$work/rollup-proof" --force --json)"
    end="$(now)"
    rollup_walls+=("$(minus "$end" "$start")")
    rollup_groth16+=("$(echo "$summary" | field groth16_seconds)")
    rollup_witness+=("$(echo "$summary" | field witness_seconds)")

    echo "run $run/$runs: snarkjs groth16 prove..." >&2
    start="$(now)"
    node "$snarkjs_cli" groth16 prove "$work/circuit.zkey" "$work/witness.wtns" \
        "$work/snarkjs-proof.json" "$work/snarkjs-public.json" >/dev/null
    end="$(now)"
    snarkjs_walls+=("$(minus "$end" "$start")")
    # Only a proof that verifies counts.
    "$rollup" verify --vk "$work/keys/vk.json" --proof "$work/snarkjs-proof.json" \
        --public "$work/snarkjs-public.json" >/dev/null

    if [ -n "$rapidsnark" ]; then
        echo "run $run/$runs: rapidsnark..." >&2
        start="$(now)"
        "$rapidsnark" "$work/circuit.zkey" "$work/witness.wtns" "$work/rapid-proof.json" "$work/rapid-public.json"
        end="$(now)"
        rapid_walls+=("$(minus "$end" "$start")")
        # rapidsnark writes snarkjs' proof JSON without its "curve" field, which our reader requires.
        node -e 'const fs = require("fs"); const f = process.argv[1]; const p = JSON.parse(fs.readFileSync(f));
                 p.curve = p.curve || "bn128"; fs.writeFileSync(f, JSON.stringify(p));' "$work/rapid-proof.json"
        "$rollup" verify --vk "$work/keys/vk.json" --proof "$work/rapid-proof.json" \
            --public "$work/rapid-public.json" >/dev/null
    fi
done

med() { printf '%s\n' "$@" | median; }
rollup_wall="$(med "${rollup_walls[@]}")"
groth16="$(med "${rollup_groth16[@]}")"
witness="$(med "${rollup_witness[@]}")"
snarkjs_wall="$(med "${snarkjs_walls[@]}")"
bytes() { wc -c <"$1" | tr -d ' '; }

echo "circuit:  depth $depth, 4-ary, $batch slots: $(echo "$zkey_summary" | field constraints) constraints," \
    "$(echo "$zkey_summary" | field wires) wires, a domain of $(echo "$zkey_summary" | field domain_size) points"
echo "files:    circuit.zkey $(bytes "$work/circuit.zkey") bytes, witness.wtns $(bytes "$work/witness.wtns") bytes"
echo "machine:  $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown);" \
    "node $(node --version), snarkjs $snarkjs_version; median of $runs run(s)"
printf 'rollup prove (release):       %8.2f s wall (witness %.2f s, groth16 %.2f s; loading keys, self-check and I/O the rest)\n' \
    "$rollup_wall" "$witness" "$groth16"
printf 'snarkjs groth16 prove (node): %8.2f s wall (from our .zkey and .wtns; no witness generation)\n' "$snarkjs_wall"
printf 'ratio snarkjs / rollup:       %8.2f x wall to wall, %.2f x against rollup'"'"'s groth16 part\n' \
    "$(over "$snarkjs_wall" "$rollup_wall")" "$(over "$snarkjs_wall" "$groth16")"
if [ -n "$rapidsnark" ]; then
    rapid_wall="$(med "${rapid_walls[@]}")"
    printf 'rapidsnark prover:            %8.2f s wall; ratio rapidsnark / rollup %.2f x\n' \
        "$rapid_wall" "$(over "$rapid_wall" "$rollup_wall")"
else
    missing=""
    for tool in cmake nasm g++; do command -v "$tool" >/dev/null || missing="$missing $tool"; done
    [ -f /usr/include/gmp.h ] || [ -f /usr/include/x86_64-linux-gnu/gmp.h ] || missing="$missing GMP(headers)"
    echo "rapidsnark: not measured: no --rapidsnark BIN given. It is iden3's C++ prover (github.com/iden3/rapidsnark)," \
        "built from source with cmake, nasm, a C++ compiler and GMP by bench/build-rapidsnark.sh; not vendored here." \
        "${missing:+Missing on this machine:$missing.}"
fi
[ "$keep" = 1 ] && echo "files kept in $work"
exit 0
