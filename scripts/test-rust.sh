#!/usr/bin/env bash
# The Rust workspace: formatting, lints, every test (unit, integration, doc), and the benches
# compile (they run only on demand; see benches/README.md).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# rustup's default profile has both; a minimal one may not.
for component in rustfmt clippy; do
  rustup component list --installed 2>/dev/null | grep -q "^$component" || rustup component add "$component"
done

cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --locked
cargo bench --workspace --locked --no-run
# The shared conformance vectors are exactly what conformance/generate.py writes.
python3 conformance/generate.py --check
# The SKU rule's Unicode table is exactly what Python 3.11's unicodedata says (it needs that
# Unicode version to say so; another Python is told, not failed).
if python3 -c 'import sys, unicodedata; sys.exit(unicodedata.unidata_version != "14.0.0")'; then
  python3 scripts/unicode_tables.py --check
else
  echo "test-rust: skipped scripts/unicode_tables.py --check (needs a Python with Unicode 14.0.0, i.e. 3.11)"
fi
