#!/usr/bin/env bash
# inventory-wasm: the wasm-bindgen-test suites under Node and in headless Chromium, the generated
# packages (examples/web/pkg for the page, and a --target nodejs one) checked from Node, and the
# demo page driven end to end in Chromium with playwright-core (screenshots in target/wasm-e2e/).
#
#   scripts/test-wasm.sh
#
# Installs what it needs first (cached): the wasm32 target, wasm-bindgen-cli of the version in
# Cargo.lock, Debian's chromium and chromium-driver, playwright-core.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# shellcheck source-path=SCRIPTDIR source=tools.sh
source "$ROOT/scripts/tools.sh"
ensure_wasm_target
ensure_wasm_bindgen_cli # the version Cargo.lock has for wasm-bindgen, pinned by inventory-wasm
ensure_chromium         # CHROME, CHROMEDRIVER
ensure_playwright       # NODE_PATH

work="$ROOT/target/wasm-test"
mkdir -p "$work"
profile="$(mktemp -d "$work/chromium-profile.XXXXXX")"
trap 'rm -rf "$profile"' EXIT

export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
export WASM_BINDGEN_TEST_TIMEOUT=120

echo "--- clippy for wasm32 (the test suites are wasm-only; the host lint is in test-rust.sh)"
cargo clippy -p inventory-wasm --no-deps --all-targets --target wasm32-unknown-unknown --locked -- -D warnings

echo "--- wasm-bindgen-test in Node"
cargo test -p inventory-wasm --target wasm32-unknown-unknown --locked

echo "--- wasm-bindgen-test in headless Chromium"
# wasm-bindgen-test-runner adds --headless, --no-sandbox and --disable-dev-shm-usage itself.
cat >"$work/webdriver.json" <<JSON
{
  "goog:chromeOptions": {
    "binary": "$CHROME",
    "args": ["--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--user-data-dir=$profile"]
  }
}
JSON
WASM_BINDGEN_USE_BROWSER=1 WASM_BINDGEN_TEST_WEBDRIVER_JSON="$work/webdriver.json" \
  cargo test -p inventory-wasm --target wasm32-unknown-unknown --locked

echo "--- the package for the demo page (examples/web/pkg)"
cargo build -p inventory-wasm --target wasm32-unknown-unknown --release --locked
rm -rf examples/web/pkg
wasm-bindgen --target web --out-dir examples/web/pkg \
  target/wasm32-unknown-unknown/release/inventory_wasm.wasm

echo "--- the TypeScript declarations, as a caller uses them, under tsc --strict"
node "$TSC" --strict --noEmit --target es2022 --module es2022 --moduleResolution bundler \
  --lib es2022,dom,esnext.disposable inventory-wasm/tests/ts/usage.ts

echo "--- the package from Node (node:test): the page's (--target web), then --target nodejs"
node --test --test-reporter=dot inventory-wasm/tests/js/
rm -rf "$work/pkg-node"
wasm-bindgen --target nodejs --out-dir "$work/pkg-node" \
  target/wasm32-unknown-unknown/release/inventory_wasm.wasm
INVENTORY_WASM_PKG="$work/pkg-node" node --test --test-reporter=dot inventory-wasm/tests/js/

echo "--- the demo page in headless Chromium (playwright-core)"
SCREENSHOT="$ROOT/target/wasm-e2e/demo.png" node --test inventory-wasm/tests/e2e/
echo "screenshots: target/wasm-e2e/demo.png, target/wasm-e2e/demo-validation.png"
