#!/usr/bin/env bash
# The Python binding (inventory-py): builds the abi3 wheel with maturin, installs it into a
# fresh virtual environment, runs the pytest suite and every docstring example against the
# installed package, and checks the shipped type stubs with mypy --strict.
#
#   scripts/test-python.sh
#
# Outputs: the wheel in target/wheels/, the throwaway test environment in target/py-test-venv/
# (recreated on every run, so the wheel must install on its own).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# shellcheck source-path=SCRIPTDIR source=tools.sh
source "$ROOT/scripts/tools.sh"
MYPY_VERSION="${MYPY_VERSION:-2.4.1}"

# The build tools (maturin, pinned in tools.sh) live in a cached venv of their own.
ensure_python_venv "$TOOLS_DIR/py-venv" "maturin==$MATURIN_VERSION" "pytest==$PYTEST_VERSION"
MATURIN="$VENV_DIR/bin/maturin"

WHEELS="$ROOT/target/wheels"
mkdir -p "$WHEELS"
rm -f "$WHEELS"/inventory-*.whl
"$MATURIN" build --release --locked -m inventory-py/Cargo.toml -o "$WHEELS"
wheels=("$WHEELS"/inventory-*-abi3-*.whl)
[ "${#wheels[@]}" -eq 1 ] && [ -f "${wheels[0]}" ] || { echo "expected one abi3 wheel in $WHEELS" >&2; exit 1; }
WHEEL="${wheels[0]}"
echo "python: built $(basename "$WHEEL")"

# A fresh environment every run: the wheel plus the test tools, nothing from the source tree.
TEST_VENV="$ROOT/target/py-test-venv"
rm -rf "$TEST_VENV"
"${PYTHON:-python3}" -m venv "$TEST_VENV"
PY="$TEST_VENV/bin/python"
PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_CACHE_DIR="$TOOLS_DIR/pip-cache" \
  "$PY" -m pip install -q "$WHEEL" "pytest==$PYTEST_VERSION" "mypy==$MYPY_VERSION"

cd "$TEST_VENV"   # so nothing can import the package from the source tree
"$PY" - <<'EOF'
import pathlib, sys, inventory
where = pathlib.Path(inventory.__file__).resolve()
assert pathlib.Path(sys.prefix).resolve() in where.parents, f"imported from {where}"
assert (where.parent / "py.typed").exists() and (where.parent / "_inventory.pyi").exists()
print(f"python: inventory from {where.parent}")
EOF

# The suite against the installed package, every docstring example included (test_docs.py).
"$PY" -m pytest -q -p no:cacheprovider "$ROOT/inventory-py/tests"

# The types: the package checks against its own stubs, and code using it (the tests and
# tests/typecheck/usage.py, whose misuses must each be caught) type-checks strictly.
"$PY" -m mypy --strict --cache-dir "$TEST_VENV/mypy-cache" -p inventory
"$PY" -m mypy --strict --cache-dir "$TEST_VENV/mypy-cache" "$ROOT/inventory-py/tests" \
  "$ROOT/examples/python"

# The quickstart, twice in an empty folder: the second run finds the first run's data.
mkdir -p "$TEST_VENV/quickstart"
cd "$TEST_VENV/quickstart"
first="$("$PY" "$ROOT/examples/python/quickstart.py")"
second="$("$PY" "$ROOT/examples/python/quickstart.py")"
grep -q "^New shop" <<<"$first" && grep -q "^Found 4 products" <<<"$second" \
  || { printf 'quickstart output unexpected:\n%s\n---\n%s\n' "$first" "$second" >&2; exit 1; }
echo "python: quickstart ok (two runs, data persisted)"
