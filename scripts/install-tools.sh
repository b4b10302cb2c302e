#!/usr/bin/env bash
# Pre-install (or check) every tool the test scripts use, with the cached, idempotent
# helpers of scripts/tools.sh. A warm run only checks versions and takes about a second.
#
#   scripts/install-tools.sh
#
# wasm-bindgen-cli follows the wasm-bindgen version locked in Cargo.lock; set
# WASM_BINDGEN_CLI_VERSION=X.Y.Z to install another one (or before Cargo.lock has it).
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=tools.sh
source "$(dirname "${BASH_SOURCE[0]}")/tools.sh"

start=$SECONDS
ensure_java
ensure_jna
ensure_chromium
ensure_postgres
ensure_kotlin "$KOTLIN_VERSION"
ensure_playwright "$PLAYWRIGHT_CORE_VERSION"
ensure_python_venv "$ROOT/target/tools/py-venv" "maturin==$MATURIN_VERSION" "pytest==$PYTEST_VERSION"
ensure_wasm_target
ensure_wasm_bindgen_cli
echo "tools: all tools ready in $((SECONDS - start)) s (cache: $TOOLS_DIR)" >&2
