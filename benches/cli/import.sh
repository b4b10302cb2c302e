#!/usr/bin/env bash
# The CLI's CSV import at size: writes a file of N lines (default 100,000: one product per
# line, prices and quantities varied), imports it into a new SQLite file (`--mode set
# --create-missing`), then again into the same file (`--mode add`), and prints each run's
# lines per second and, where GNU time is installed, its peak memory. Not run in CI.
#
#   benches/cli/import.sh [LINES]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
LINES="${1:-100000}"

cargo build --release --locked -p inventory-cli
BIN="$ROOT/target/release/inventory"
WORK="$ROOT/target/bench-cli"
rm -rf "$WORK" && mkdir -p "$WORK"
python3 - "$WORK/stock.csv" "$LINES" <<'PY'
import sys
path, lines = sys.argv[1], int(sys.argv[2])
with open(path, "w", encoding="utf-8") as f:
    f.write("sku,name,price,quantity\n")
    for i in range(lines):
        f.write(f"SKU-{i},Product {i},{i % 500 + 1}.25,{i % 97}\n")
PY

run() {
  local label="$1"; shift
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f "%M" -o "$WORK/rss" "$BIN" --db "$WORK/shop.db" "$@" > "$WORK/out" 2>/dev/null
    echo "$label: $(cat "$WORK/out" | sed 's/.*in //') — peak memory $(( $(cat "$WORK/rss") / 1024 )) MiB"
  else
    "$BIN" --db "$WORK/shop.db" "$@" 2>/dev/null | sed "s/^/$label: /"
  fi
}
echo "$LINES lines, $(du -h "$WORK/stock.csv" | cut -f1) of CSV"
run "set, new products" import "$WORK/stock.csv" --mode set --create-missing
run "add, existing products" import "$WORK/stock.csv" --mode add
"$BIN" --db "$WORK/shop.db" check
