#!/usr/bin/env bash
# The Rust workspace: formatting, lints, every test (unit, integration, doc), and the benches
# compile (they run only on demand; see benches/README.md).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --locked
cargo bench --workspace --locked --no-run
