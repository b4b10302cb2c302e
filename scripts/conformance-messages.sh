#!/usr/bin/env bash
# Pins the conformance vectors' error messages: runs the vectors on the core (recording the
# message of every error a step answers into conformance/messages.json), then rewrites the
# vectors with them. Run it after adding or changing a case that expects an error, or after
# changing a message on purpose; review the diff of messages.json, and commit both.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
python3 conformance/generate.py
CONFORMANCE_RECORD_MESSAGES=1 cargo test -q -p inventory-core --test conformance \
  vectors_on_memory_store -- --exact
python3 conformance/generate.py
python3 conformance/generate.py --check
