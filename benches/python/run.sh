#!/usr/bin/env bash
# Python benchmarks: the inventory binding (memory and SQLite) against the Django ORM on SQLite.
#
#   benches/python/run.sh [--rounds N] [--block SECONDS] [--load N]
#
# Builds the binding's abi3 wheel (as scripts/test-python.sh does, into a folder of its own),
# installs it with a pinned Django into a cached virtual environment under target/, and runs
# benches/python/bench.py, which prints the table. See benches/README.md. Not run in CI.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

# shellcheck source-path=SCRIPTDIR source=../../scripts/tools.sh
source "$ROOT/scripts/tools.sh"
DJANGO_VERSION="${DJANGO_VERSION:-5.2.17}"

# The build tools (maturin, pinned in tools.sh), in the same cached venv the test script uses.
ensure_python_venv "$TOOLS_DIR/py-venv" "maturin==$MATURIN_VERSION" "pytest==$PYTEST_VERSION"
MATURIN="$VENV_DIR/bin/maturin"

OUT="$ROOT/target/bench-python"
WHEELS="$OUT/wheels"
mkdir -p "$WHEELS"
rm -f "$WHEELS"/inventory-*.whl
"$MATURIN" build --release --locked -m inventory-py/Cargo.toml -o "$WHEELS"
wheels=("$WHEELS"/inventory-*-abi3-*.whl)
if [ "${#wheels[@]}" -ne 1 ] || [ ! -f "${wheels[0]}" ]; then
  echo "expected one abi3 wheel in $WHEELS" >&2
  exit 1
fi

# The bench's own environment: Django pinned (cached), the freshly built wheel reinstalled.
ensure_python_venv "$OUT/venv" "Django==$DJANGO_VERSION"
PY="$VENV_PY"
PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_CACHE_DIR="$TOOLS_DIR/pip-cache" \
  "$PY" -m pip install -q --force-reinstall --no-deps "${wheels[0]}"

cd "$OUT"   # so the package is imported from the environment, not the source tree
exec "$PY" "$ROOT/benches/python/bench.py" "$@"
