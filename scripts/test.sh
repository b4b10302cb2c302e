#!/usr/bin/env bash
# Runs every test suite of the project: Rust, Python, WASM (Node and Chromium), Kotlin,
# PostgreSQL, conformance. Installs what it needs first (cached under target/tools/).
#
#   scripts/test.sh            # everything
#   scripts/test.sh rust py    # only some parts (names: the scripts/test-<part>.sh files)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# The order matters only for speed: the Rust build is reused by the parts after it.
ALL_PARTS=(rust python wasm kotlin postgres)
if [ $# -gt 0 ]; then
  parts=("$@")
else
  parts=()
  for part in "${ALL_PARTS[@]}"; do
    [ -f "$ROOT/scripts/test-$part.sh" ] && parts+=("$part")
  done
fi

passed=0
failed=0
failures=()
for part in "${parts[@]}"; do
  script="$ROOT/scripts/test-$part.sh"
  if [ ! -f "$script" ]; then
    echo "test.sh: no such part: $part (expected $script)" >&2
    exit 2
  fi
  echo "=== $part ==="
  start=$SECONDS
  if bash "$script"; then
    passed=$((passed + 1))
    echo "=== $part: ok in $((SECONDS - start)) s ==="
  else
    failed=$((failed + 1))
    failures+=("$part")
    echo "=== $part: FAILED after $((SECONDS - start)) s ==="
  fi
done

[ ${#failures[@]} -eq 0 ] || echo "failed parts: ${failures[*]}"
echo "suites: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
