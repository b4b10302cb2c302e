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
port=""
for _ in $(seq 50); do
  candidate=$((20000 + RANDOM % 30000))
  if port_is_free "$candidate"; then
    port="$candidate"
    break
  fi
done
[ -n "$port" ] || { echo "test-postgres: no free loopback port found" >&2; exit 1; }

mkdir -p "$ROOT/target"
PG_DIR="$(mktemp -d "$ROOT/target/pg-test.XXXXXX")"
chmod 755 "$PG_DIR"
cleanup() {
  pg_stop "$PG_DIR" || echo "test-postgres: WARNING: could not stop the server in $PG_DIR" >&2
  rm -rf "$PG_DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if ! pg_start "$PG_DIR" "$port"; then
  echo "test-postgres: ERROR: the PostgreSQL test server did not start (see the log above)" >&2
  exit 1
fi
export INVENTORY_TEST_POSTGRES_URL="$DATABASE_URL"
echo "test-postgres: server at $INVENTORY_TEST_POSTGRES_URL"

cargo clippy -p inventory-core --all-targets --features postgres-tests --locked -- -D warnings
# The PostgreSQL parts (the rest of the crate's tests run in test-rust.sh): the shared store
# suite, the model test (every backend against each other), the PostgreSQL-only tests
# (concurrency, ledger order, schema versions), and the doc examples compile with the feature.
cargo test -p inventory-core --features postgres-tests --locked \
  --test store_suite --test model --test postgres_store
cargo test -p inventory-core --features postgres-tests --locked --doc
