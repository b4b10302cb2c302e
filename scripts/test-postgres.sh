#!/usr/bin/env bash
# The PostgreSQL store: starts a throw-away PostgreSQL server (Debian's `postgresql`, installed
# when missing) in a temporary folder under target/ on a free loopback port, runs the store
# suite, the model test and the concurrency test of inventory-core against it (cargo feature
# postgres-tests), and always stops it. A server that cannot start fails the run.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=tools.sh
source "$ROOT/scripts/tools.sh"

ensure_postgres

# A port nothing listens on (a connection attempt is refused).
port_is_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
  local candidate
  for _ in $(seq 50); do
    candidate=$((20000 + RANDOM % 30000))
    if port_is_free "$candidate"; then
      echo "$candidate"
      return 0
    fi
  done
  echo "test-postgres: no free loopback port found" >&2
  return 1
}

mkdir -p "$ROOT/target"
# Two throw-away servers: a fast one (fsync off) for almost everything, and a durable one
# (fsync and synchronous_commit on) that the crash test kills and restarts.
PG_DIR="$(mktemp -d "$ROOT/target/pg-test.XXXXXX")"
PG_DURABLE_DIR="$(mktemp -d "$ROOT/target/pg-durable.XXXXXX")"
chmod 755 "$PG_DIR" "$PG_DURABLE_DIR"
cleanup() {
  for dir in "$PG_DIR" "$PG_DURABLE_DIR"; do
    pg_stop "$dir" || echo "test-postgres: WARNING: could not stop the server in $dir" >&2
    rm -rf "$dir"
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port="$(free_port)"
if ! pg_start "$PG_DIR" "$port"; then
  echo "test-postgres: ERROR: the PostgreSQL test server did not start (see the log above)" >&2
  exit 1
fi
export INVENTORY_TEST_POSTGRES_URL="$DATABASE_URL"
echo "test-postgres: server at $INVENTORY_TEST_POSTGRES_URL"
durable_port="$(free_port)"
if ! pg_start "$PG_DURABLE_DIR" "$durable_port" durable; then
  echo "test-postgres: ERROR: the durable PostgreSQL test server did not start" >&2
  exit 1
fi
export INVENTORY_TEST_POSTGRES_DURABLE_URL="$DATABASE_URL"
export INVENTORY_TEST_POSTGRES_CRASH="source '$ROOT/scripts/tools.sh' && pg_crash '$PG_DURABLE_DIR' $durable_port durable"
export DATABASE_URL="$INVENTORY_TEST_POSTGRES_URL"

cargo clippy -p inventory-core --all-targets --features postgres-tests --locked -- -D warnings
# The PostgreSQL parts (the rest of the crate's tests run in test-rust.sh): the shared store
# suite, the model test (every backend against each other), the PostgreSQL-only tests
# (concurrency, ledger order, schema versions), and the doc examples compile with the feature.
cargo test -p inventory-core --features postgres-tests --locked \
  --test store_suite --test model --test postgres_store --test simulator --test key_processes
# The REST server's whole HTTP suite, on PostgreSQL (a schema per test).
INVENTORY_REST_TEST_POSTGRES_URL="$INVENTORY_TEST_POSTGRES_URL" \
  cargo test -p inventory-rest-api --locked --test http
# A server crash while four connections write, on the durable server.
cargo test -p inventory-core --features postgres-tests --locked --test postgres_crash -- --nocapture
cargo test -p inventory-core --features postgres-tests --locked --doc

# The bindings reach PostgreSQL through the same Inventory::open: check it end to end from
# Python with the wheel the python part installed (two separate Inventory objects, as two app
# servers would be, sharing one database).
PY="$ROOT/target/py-test-venv/bin/python"
if [ -x "$PY" ]; then
  "$PY" - <<'PYEOF'
import os, uuid
from decimal import Decimal
import inventory

url = os.environ["INVENTORY_TEST_POSTGRES_URL"]
a = inventory.Inventory.open(url)
b = inventory.Inventory.open(url)
sku = "PY-" + uuid.uuid4().hex[:8]
p = a.create(name="From Python", sku=sku.lower(), price=Decimal("2.50"), stock=3)
assert b.get_by_sku(sku).id == p.id
b.adjust_stock(p.id, -2, reason="sale", actor="server-b")
assert a.get(p.id).stock == 1
try:
    a.adjust_stock(p.id, -2, reason="sale")
    raise AssertionError("oversold")
except inventory.InsufficientStockError as e:
    assert (e.available, e.requested) == (1, 2)
assert [e.kind for e in a.history(p.id)] == ["created", "stock_changed"]
a.delete(p.id)
print("test-postgres: the Python binding works against PostgreSQL")
PYEOF
else
  echo "test-postgres: Python check skipped: run the python part first (scripts/test.sh python postgres)"
fi
