#!/usr/bin/env bash
# Runs every cargo-fuzz target (fuzz/fuzz_targets/) for SECONDS each (default 30) with the
# nightly toolchain and libFuzzer; installs cargo-fuzz into target/tools/ the first time.
# Not part of scripts/test.sh: fuzzing is open-ended; run it on demand or on a schedule.
#
#   scripts/fuzz.sh            # 30 s per target
#   scripts/fuzz.sh 600 query  # one target, 10 minutes
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT/fuzz"
seconds="${1:-30}"
shift || true
tools="$ROOT/target/tools/cargo-fuzz"
if [ ! -x "$tools/bin/cargo-fuzz" ]; then
  cargo +nightly install cargo-fuzz --locked --root "$tools"
fi
export PATH="$tools/bin:$PATH"
targets=("$@")
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <(cargo +nightly fuzz list)
failed=0
for t in "${targets[@]}"; do
  echo "=== fuzz $t for ${seconds} s ==="
  if ! cargo +nightly fuzz run "$t" -- -max_total_time="$seconds"; then
    failed=$((failed + 1))
    echo "=== fuzz $t: FAILED (the input is in fuzz/artifacts/$t/) ==="
  fi
done
echo "fuzz: $((${#targets[@]} - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
