#!/usr/bin/env bash
# Builds iden3's rapidsnark Groth16 prover (the standalone `prover` binary:
# prover <zkey> <wtns> <proof.json> <public.json>) from source, for x86-64 Linux, with the x86-64
# assembly field arithmetic and the system (Debian) GMP instead of rapidsnark's build_gmp.sh.
# Downloads nothing itself: the sources must already be on this machine.
#
# Usage: bench/build-rapidsnark.sh [--no-apt] [-j N] RAPIDSNARK [FFIASM [JSON]]
#   RAPIDSNARK  rapidsnark source tree; the build happens inside it (RAPIDSNARK/build_prover)
#   FFIASM      iden3/ffiasm source, copied to RAPIDSNARK/depends/ffiasm when that is empty
#   JSON        nlohmann/json source, copied to RAPIDSNARK/depends/json when that is empty;
#               without it the Debian package nlohmann-json3-dev's header is used
#   Each source may be a directory or a bare git repository, optionally DIR@COMMIT (git archive).
#   Only depends/ffiasm and depends/json are needed (circom_runtime and pistache are not).
#   --no-apt    don't install Debian packages (done only when running as root anyway)
#   -j N        parallel compile jobs [2]; compilers run under `nice -n 19`
# Prints the path of the built `prover`. When RAPIDSNARK/testdata has its sample zkey and witness,
# it also proves them and checks the proof with the `verifier` built alongside.
set -euo pipefail

apt=1 jobs=2
while [ $# -gt 0 ]; do
    case "$1" in
        --no-apt) apt=0; shift ;;
        -j) jobs="$2"; shift 2 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        -*) echo "error: unknown option $1 (see --help)" >&2; exit 2 ;;
        *) break ;;
    esac
done
[ $# -ge 1 ] && [ $# -le 3 ] || { echo "error: expected RAPIDSNARK [FFIASM [JSON]] (see --help)" >&2; exit 2; }
src=$(realpath "$1")
[ -f "$src/src/main_prover.cpp" ] || { echo "error: $src is not a rapidsnark source tree" >&2; exit 2; }

if [ "$apt" = 1 ] && [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        build-essential cmake nasm libgmp-dev nlohmann-json3-dev git >/dev/null
elif [ "$apt" = 1 ]; then
    echo "note: not root, skipping apt-get (needs: build-essential cmake nasm libgmp-dev nlohmann-json3-dev)" >&2
fi

# fill DEST (an empty submodule directory) from SOURCE: a directory, or a git repository[@COMMIT]
fill() {
    local dest="$1" from="${2%@*}" rev=HEAD
    [[ "$2" == *@* ]] && rev="${2##*@}"
    mkdir -p "$dest"
    if [ -n "$(ls -A "$dest")" ]; then echo "note: $dest is not empty, keeping it" >&2; return; fi
    if git --git-dir="$from" rev-parse --verify -q "$rev^{commit}" >/dev/null 2>&1; then
        git --git-dir="$from" archive "$rev" | tar -x -C "$dest"
    elif [ -d "$from/.git" ]; then
        git -C "$from" archive "$rev" | tar -x -C "$dest"
    else
        cp -a "$from/." "$dest/"
    fi
}
[ $# -ge 2 ] && fill "$src/depends/ffiasm" "$2"
[ $# -ge 3 ] && fill "$src/depends/json" "$3"
[ -f "$src/depends/ffiasm/c/alt_bn128.hpp" ] || { echo "error: no ffiasm sources in $src/depends/ffiasm (pass FFIASM)" >&2; exit 2; }

# Release build with the prebuilt build/f{r,q}.asm; no depends/gmp/package, so CMake falls back to
# the system GMP (-lgmp). Keep the default BUILD_TESTS=ON: OFF breaks configuration on Linux with
# OpenMP (src/CMakeLists.txt links test_public_size unconditionally there).
start=$SECONDS
cmake -S "$src" -B "$src/build_prover" -DCMAKE_BUILD_TYPE=Release >/dev/null
nice -n 19 cmake --build "$src/build_prover" --target prover verifier -j "$jobs" >/dev/null
prover="$src/build_prover/src/prover"
echo "built in $((SECONDS - start)) s" >&2

t="$src/testdata"
if [ -f "$t/circuit_final.zkey" ] && [ -f "$t/witness.wtns" ] && [ -f "$t/verification_key.json" ]; then
    tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
    "$prover" "$t/circuit_final.zkey" "$t/witness.wtns" "$tmp/proof.json" "$tmp/public.json"
    "$src/build_prover/src/verifier" "$t/verification_key.json" "$tmp/public.json" "$tmp/proof.json" >&2
fi
echo "$prover"
