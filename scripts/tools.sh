# shellcheck shell=bash
# Idempotent, cached installers for the tools the test scripts need.
#
# Source this file (it only defines functions and variables; it does not change the
# caller's shell options), then call the ensure_* functions you need:
#
#   source "$ROOT/scripts/tools.sh"
#   ensure_kotlin          # exports KOTLIN_HOME, KOTLINC, KOTLIN_STDLIB
#
# Every function skips its work when the right version is already installed, prints one
# "tools: ..." line on stderr, and returns non-zero with a "tools: ERROR" line if it
# cannot install. Downloads and builds are cached under $ROOT/target/tools/ (so
# `cargo clean` wipes them); apart from Debian packages, rustup targets and cargo's
# registry cache, nothing is written outside the repository.
#
# Functions (and what they export):
#   apt_install PKG...            Debian packages, only the missing ones
#   ensure_java                   a `java` on PATH (openjdk-17-jdk-headless if missing)
#   ensure_jna                    JNA_JAR
#   ensure_gson                   GSON_JAR (Debian's Gson, a JSON reader for JVM tests)
#   ensure_kotlin [VERSION]       KOTLIN_HOME KOTLINC KOTLIN_STDLIB
#   ensure_chromium               CHROME CHROMEDRIVER
#   ensure_playwright [VERSION]   NODE_PATH (+ target/tools/node/node_modules), TSC (typescript)
#   ensure_wasm_target            -
#   ensure_wasm_bindgen_cli       PATH (+ wasm-bindgen, wasm-bindgen-test-runner),
#                                 WASM_BINDGEN_VERSION
#   ensure_python_venv DIR [REQ...]  VENV_DIR VENV_PY
#   ensure_postgres               PG_BIN
#   pg_start DIR PORT [durable]   DATABASE_URL (trust auth, 127.0.0.1 only; fsync off unless durable)
#   pg_crash DIR PORT [durable]   kills the server as a crash would, then starts it again
#   pg_stop DIR

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS_DIR="$ROOT/target/tools"

# Pinned versions (override by exporting them before sourcing, or pass an argument).
KOTLIN_VERSION="${KOTLIN_VERSION:-2.4.20}"
PLAYWRIGHT_CORE_VERSION="${PLAYWRIGHT_CORE_VERSION:-1.65.1}"
TYPESCRIPT_VERSION="${TYPESCRIPT_VERSION:-5.9.3}"
MATURIN_VERSION="${MATURIN_VERSION:-1.16.0}"
PYTEST_VERSION="${PYTEST_VERSION:-9.2.0}"
PG_OS_USER="${PG_OS_USER:-postgres}"

_tools_log() { echo "tools: $*" >&2; }
_tools_err() { echo "tools: ERROR: $*" >&2; }

# Prepend a directory to a colon-separated variable unless it is already there.
_tools_prepend() { # VAR DIR
  local var="$1" dir="$2" cur
  cur="${!var:-}"
  case ":$cur:" in
    *":$dir:"*) ;;
    *) if [ -n "$cur" ]; then printf -v "$var" '%s:%s' "$dir" "$cur"; else printf -v "$var" '%s' "$dir"; fi ;;
  esac
  export "${var?}"
}

_tools_as_root() { # run a command as root (directly, or through sudo)
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    _tools_err "need root (or sudo) to run: $*"
    return 1
  fi
}

# ---------------------------------------------------------------------------- apt
_tools_dpkg_installed() { # PKG
  [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

# apt_install PKG...   (APT_RECOMMENDS=1 to also install recommended packages)
apt_install() {
  local pkg missing=()
  for pkg in "$@"; do
    _tools_dpkg_installed "$pkg" || missing+=("$pkg")
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    _tools_log "apt $* cached"
    return 0
  fi
  command -v apt-get >/dev/null 2>&1 || { _tools_err "apt-get not found; install ${missing[*]} by hand"; return 1; }
  local log="$TOOLS_DIR/apt.log"
  mkdir -p "$TOOLS_DIR" || return 1
  local -a opts=(-y -q -o DPkg::Lock::Timeout=600)
  [ "${APT_RECOMMENDS:-0}" = 1 ] || opts+=(--no-install-recommends)
  if [ "${_TOOLS_APT_UPDATED:-0}" != 1 ]; then
    _tools_log "apt-get update"
    _tools_as_root env DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=600 update >"$log" 2>&1 \
      || { tail -n 30 "$log" >&2; _tools_err "apt-get update failed (log: $log)"; return 1; }
    export _TOOLS_APT_UPDATED=1
  fi
  _tools_log "installing apt ${missing[*]}"
  _tools_as_root env DEBIAN_FRONTEND=noninteractive apt-get install "${opts[@]}" "${missing[@]}" >"$log" 2>&1 \
    || { tail -n 30 "$log" >&2; _tools_err "apt-get install ${missing[*]} failed (log: $log)"; return 1; }
  for pkg in "${missing[@]}"; do
    _tools_dpkg_installed "$pkg" || { _tools_err "apt package $pkg still not installed"; return 1; }
  done
}

# ---------------------------------------------------------------------------- java / jna
ensure_java() {
  if command -v java >/dev/null 2>&1; then
    _tools_log "java cached ($(command -v java))"
    return 0
  fi
  apt_install openjdk-17-jdk-headless || return 1
  command -v java >/dev/null 2>&1 || { _tools_err "java still not on PATH"; return 1; }
}

ensure_jna() {
  apt_install libjna-java || return 1
  [ -f /usr/share/java/jna.jar ] || { _tools_err "/usr/share/java/jna.jar missing after installing libjna-java"; return 1; }
  export JNA_JAR=/usr/share/java/jna.jar
}

ensure_gson() {
  apt_install libgoogle-gson-java || return 1
  [ -f /usr/share/java/gson.jar ] || { _tools_err "/usr/share/java/gson.jar missing after installing libgoogle-gson-java"; return 1; }
  export GSON_JAR=/usr/share/java/gson.jar
}

# ---------------------------------------------------------------------------- kotlin
_tools_need_npm() {
  if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then return 0; fi
  apt_install nodejs npm || return 1
}

_tools_npm() { # npm with its cache kept under target/tools and quiet output
  npm_config_cache="${_TOOLS_NPM_CACHE:-$TOOLS_DIR/npm-cache}" npm --no-audit --no-fund --no-update-notifier --loglevel=error "$@"
}

_tools_kotlin_build_is() { # HOME VERSION: build.txt reads VERSION or VERSION-<build>
  local build
  build="$(head -n 1 "$1/build.txt" 2>/dev/null)" || return 1
  case "$build" in "$2" | "$2"-*) return 0 ;; *) return 1 ;; esac
}

# ensure_kotlin [VERSION]: the Kotlin compiler from the npm package kotlin-compiler.
ensure_kotlin() {
  local -          # restore the caller's shell options on return
  set -o pipefail
  local ver="${1:-$KOTLIN_VERSION}"
  local home="$TOOLS_DIR/kotlin-$ver"
  command -v java >/dev/null 2>&1 || ensure_java || return 1
  if [ ! -x "$home/bin/kotlinc-jvm" ] || [ ! -f "$home/lib/kotlin-stdlib.jar" ] \
      || ! _tools_kotlin_build_is "$home" "$ver"; then
    _tools_log "installing kotlin $ver (npm pack kotlin-compiler@$ver, ~90 MB)"
    _tools_need_npm || return 1
    local tmp="$TOOLS_DIR/kotlin-$ver.tmp" tgz
    rm -rf "$tmp" "$home" && mkdir -p "$tmp" || return 1
    tgz="$(cd "$tmp" && _TOOLS_NPM_CACHE="$tmp/npm-cache" _tools_npm pack "kotlin-compiler@$ver" | tail -n 1)" \
      || { _tools_err "npm pack kotlin-compiler@$ver failed"; rm -rf "$tmp"; return 1; }
    tar -xzf "$tmp/$tgz" -C "$tmp" \
      || { _tools_err "cannot untar $tmp/$tgz"; rm -rf "$tmp"; return 1; }
    chmod +x "$tmp"/package/bin/* || return 1
    mv "$tmp/package" "$home" && rm -rf "$tmp" || return 1
    _tools_kotlin_build_is "$home" "$ver" \
      || { _tools_err "kotlin-compiler@$ver unpacked but build.txt does not say $ver"; return 1; }
    "$home/bin/kotlinc-jvm" -version >/dev/null 2>&1 \
      || { _tools_err "$home/bin/kotlinc-jvm -version failed"; return 1; }
    _tools_log "kotlin $ver installed"
  else
    _tools_log "kotlin $ver cached"
  fi
  export KOTLIN_HOME="$home"
  export KOTLINC="$home/bin/kotlinc-jvm"
  export KOTLIN_STDLIB="$home/lib/kotlin-stdlib.jar"
}

# ---------------------------------------------------------------------------- chromium / playwright
ensure_chromium() {
  apt_install chromium chromium-driver || return 1
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    _tools_err "/usr/bin/chromium or /usr/bin/chromedriver missing"
    return 1
  fi
  export CHROME=/usr/bin/chromium
  export CHROMEDRIVER=/usr/bin/chromedriver
}

# ensure_playwright [VERSION]: playwright-core in target/tools/node; `require('playwright-core')`
# then works from any script. It has no browser of its own: launch Debian's Chromium with
# chromium.launchPersistentContext(freshTmpDir, { executablePath: process.env.CHROME,
# args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
# '--disable-background-networking', '--disable-component-update', '--disable-sync'] })
# (playwright refuses --user-data-dir in args; the persistent context's dir is that).
ensure_playwright() {
  local ver="${1:-$PLAYWRIGHT_CORE_VERSION}" ts="$TYPESCRIPT_VERSION"
  local dir="$TOOLS_DIR/node"
  local pj="$dir/node_modules/playwright-core/package.json" tj="$dir/node_modules/typescript/package.json"
  if [ -f "$pj" ] && grep -q "^  \"version\": \"$ver\"," "$pj" \
    && [ -f "$tj" ] && grep -q "^ *\"version\": \"$ts\"," "$tj"; then
    _tools_log "playwright-core $ver and typescript $ts cached"
  else
    _tools_log "installing playwright-core $ver and typescript $ts (npm)"
    _tools_need_npm || return 1
    mkdir -p "$dir" || return 1
    printf '{\n  "name": "inventory-test-tools",\n  "private": true,\n  "dependencies": {\n    "playwright-core": "%s",\n    "typescript": "%s"\n  }\n}\n' \
      "$ver" "$ts" >"$dir/package.json" || return 1
    (cd "$dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 _tools_npm install --save-exact >/dev/null) \
      || { _tools_err "npm install playwright-core@$ver typescript@$ts failed"; return 1; }
    grep -q "^  \"version\": \"$ver\"," "$pj" 2>/dev/null \
      || { _tools_err "playwright-core $ver not found in $dir/node_modules after npm install"; return 1; }
    grep -q "^ *\"version\": \"$ts\"," "$tj" 2>/dev/null \
      || { _tools_err "typescript $ts not found in $dir/node_modules after npm install"; return 1; }
  fi
  _tools_prepend NODE_PATH "$dir/node_modules"
  TSC="$dir/node_modules/typescript/bin/tsc"
  export TSC
}

# ---------------------------------------------------------------------------- rust / wasm
ensure_wasm_target() {
  local installed
  installed="$(cd "$ROOT" && rustup target list --installed)" || { _tools_err "rustup target list failed"; return 1; }
  if grep -qx wasm32-unknown-unknown <<<"$installed"; then
    _tools_log "rust target wasm32-unknown-unknown cached"
    return 0
  fi
  _tools_log "installing rust target wasm32-unknown-unknown"
  (cd "$ROOT" && rustup target add wasm32-unknown-unknown >&2) \
    || { _tools_err "rustup target add wasm32-unknown-unknown failed"; return 1; }
}

# Print the one version of package NAME locked in $ROOT/Cargo.lock.
_tools_lock_version() { # NAME
  local lock="$ROOT/Cargo.lock" versions n
  [ -f "$lock" ] || { _tools_err "$lock not found (run cargo generate-lockfile, or pass a version)"; return 1; }
  versions="$(awk -v want="$1" '
    /^\[\[package\]\]/ { name = "" }
    /^name = /         { name = $3; gsub(/"/, "", name) }
    /^version = /      { if (name == want) { v = $3; gsub(/"/, "", v); print v } }
  ' "$lock" | sort -u)"
  n="$(grep -c . <<<"$versions" || true)"
  if [ "$n" -eq 0 ]; then
    _tools_err "no [[package]] name = \"$1\" in $lock"
    return 1
  elif [ "$n" -gt 1 ]; then
    _tools_err "several versions of $1 in $lock: $(tr '\n' ' ' <<<"$versions")"
    return 1
  fi
  echo "$versions"
}

# ensure_wasm_bindgen_cli: wasm-bindgen-cli at Cargo.lock's wasm-bindgen version, built from
# scripts/wasm-bindgen-cli/ with its own Cargo.lock (--locked: the same crates on every machine;
# that folder's Cargo.toml says why it is not a plain `cargo install wasm-bindgen-cli --locked`).
ensure_wasm_bindgen_cli() {
  local -          # restore the caller's shell options on return
  set -o pipefail
  local ver src="$ROOT/scripts/wasm-bindgen-cli"
  ver="$(_tools_lock_version wasm-bindgen)" || return 1
  if ! grep -q "^wasm-bindgen-cli = \"=$ver\"" "$src/Cargo.toml"; then
    _tools_err "Cargo.lock has wasm-bindgen $ver but $src/Cargo.toml pins another wasm-bindgen-cli: update it (see its comment)"
    return 1
  fi
  local root="$TOOLS_DIR/wasm-bindgen-$ver"
  if [ -x "$root/bin/wasm-bindgen-test-runner" ] \
      && [ "$("$root/bin/wasm-bindgen" --version 2>/dev/null)" = "wasm-bindgen $ver" ] \
      && cmp -s "$src/Cargo.lock" "$root/Cargo.lock"; then
    _tools_log "wasm-bindgen-cli $ver cached"
  else
    _tools_log "installing wasm-bindgen-cli $ver (cargo install --locked, takes several minutes)"
    local build="$TOOLS_DIR/cargo-install-target"
    mkdir -p "$TOOLS_DIR" || return 1
    rm -rf "$root"
    cargo install --path "$src" --locked --root "$root" --target-dir "$build" >&2 \
      || { _tools_err "cargo install --path $src --locked failed"; return 1; }
    cp "$src/Cargo.lock" "$root/Cargo.lock"
    rm -rf "$build"
    [ "$("$root/bin/wasm-bindgen" --version 2>/dev/null)" = "wasm-bindgen $ver" ] \
      || { _tools_err "$root/bin/wasm-bindgen does not report version $ver"; return 1; }
  fi
  export WASM_BINDGEN_VERSION="$ver"
  _tools_prepend PATH "$root/bin"
}

# ---------------------------------------------------------------------------- python
# ensure_python_venv DIR [REQ...]: a venv at DIR with the given requirements
# (e.g. maturin==1.16.0); with no REQ, maturin and pytest at the pinned versions.
ensure_python_venv() {
  local dir="${1:?usage: ensure_python_venv DIR [REQ...]}"
  shift
  local -a reqs=("$@")
  [ "${#reqs[@]}" -gt 0 ] || reqs=("maturin==$MATURIN_VERSION" "pytest==$PYTEST_VERSION")
  local py="$dir/bin/python" base="${PYTHON:-python3}" created=""
  if ! "$py" -c 'import sys' >/dev/null 2>&1; then
    command -v "$base" >/dev/null 2>&1 || apt_install python3 || return 1
    if ! "$base" -c 'import venv, ensurepip' >/dev/null 2>&1; then
      apt_install python3-venv || return 1
    fi
    _tools_log "creating python venv $dir"
    rm -rf "$dir"
    "$base" -m venv "$dir" >&2 || { _tools_err "$base -m venv $dir failed"; return 1; }
    created=1
  fi
  # Which requirements are not satisfied yet (one python start-up, no network).
  local missing
  missing="$("$py" - "${reqs[@]}" <<'EOF'
import sys
from importlib import metadata
try:
    from pip._vendor.packaging.requirements import Requirement
except Exception:  # very old pip: exact pins only
    Requirement = None
for spec in sys.argv[1:]:
    try:
        if Requirement is not None:
            req = Requirement(spec)
            ok = req.specifier.contains(metadata.version(req.name), prereleases=True)
        else:
            name, _, want = spec.partition("==")
            ok = metadata.version(name) == want if want else True
    except Exception:
        ok = False
    if not ok:
        print(spec)
EOF
  )" || { _tools_err "cannot inspect venv $dir"; return 1; }
  if [ -n "$missing" ]; then
    local -a todo
    mapfile -t todo <<<"$missing"
    _tools_log "pip installing ${todo[*]} into $dir"
    PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_CACHE_DIR="$TOOLS_DIR/pip-cache" \
      "$py" -m pip install -q "${todo[@]}" >&2 \
      || { _tools_err "pip install ${todo[*]} failed"; return 1; }
  elif [ -z "$created" ]; then
    _tools_log "python venv $dir cached (${reqs[*]})"
  fi
  export VENV_DIR="$dir"
  export VENV_PY="$py"
}

# ---------------------------------------------------------------------------- postgres
# Print the first directory holding initdb, pg_ctl and postgres together (one install).
_tools_find_pg_bin() {
  local d cand
  local -a dirs=()
  for d in /usr/lib/postgresql/*/bin; do [ -d "$d" ] && dirs+=("$d"); done
  [ "${#dirs[@]}" -eq 0 ] || mapfile -t dirs < <(printf '%s\n' "${dirs[@]}" | sort -rV)
  for d in "${dirs[@]}"; do
    [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ] && { echo "$d"; return 0; }
  done
  if cand="$(command -v initdb 2>/dev/null)"; then
    d="$(dirname "$(readlink -f "$cand")")"
    [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ] && { echo "$d"; return 0; }
  fi
  return 1
}

ensure_postgres() {
  local bin
  if bin="$(_tools_find_pg_bin)"; then
    _tools_log "postgres cached ($bin)"
  else
    apt_install postgresql || return 1
    bin="$(_tools_find_pg_bin)" || { _tools_err "no initdb/pg_ctl/postgres found after installing postgresql"; return 1; }
  fi
  export PG_BIN="$bin"
}

# Run a command as the OS user that owns the cluster (postgres refuses to run as root).
_tools_pg_run() { # DIR CMD...
  local dir="$1"
  shift
  if [ "$(id -u)" -eq 0 ]; then
    (cd "$dir" && runuser -u "$PG_OS_USER" -- "$@")
  else
    (cd "$dir" && "$@")
  fi
}

_tools_pg_user() {
  if [ "$(id -u)" -eq 0 ]; then echo "$PG_OS_USER"; else id -un; fi
}

# pg_start DIR PORT: a throwaway cluster in DIR/data (initdb on first use), listening on
# 127.0.0.1:PORT and a unix socket in DIR/run, trust auth, fsync off (test data only).
# As root it runs as the system user $PG_OS_USER (postgres). Exports DATABASE_URL.
pg_start() {
  local dir="${1:?usage: pg_start DIR PORT [durable]}" port="${2:?usage: pg_start DIR PORT [durable]}"
  # Fast by default (a throw-away test server need not survive a power cut); `durable` turns
  # fsync and synchronous_commit on, for the tests that crash the server.
  local sync=off
  [ "${3:-}" = durable ] && sync=on
  ensure_postgres || return 1
  mkdir -p "$dir" || return 1
  dir="$(cd "$dir" && pwd)"
  local data="$dir/data" run="$dir/run" user
  user="$(_tools_pg_user)"
  if [ "$(id -u)" -eq 0 ]; then
    if ! id "$PG_OS_USER" >/dev/null 2>&1; then
      _tools_log "creating system user $PG_OS_USER"
      useradd --system --user-group --no-create-home --shell /usr/sbin/nologin "$PG_OS_USER" \
        || { _tools_err "cannot create user $PG_OS_USER"; return 1; }
    fi
    chown "$PG_OS_USER:" "$dir" || return 1
    runuser -u "$PG_OS_USER" -- test -w "$dir" \
      || { _tools_err "user $PG_OS_USER cannot reach $dir (a parent directory is not world-executable?)"; return 1; }
  fi
  _tools_pg_run "$dir" mkdir -p "$run" "$dir/log" || return 1

  if [ ! -f "$data/PG_VERSION" ]; then
    _tools_log "initdb $data"
    _tools_pg_run "$dir" "$PG_BIN/initdb" -D "$data" -U "$user" --auth=trust \
      --encoding=UTF8 --locale=C >"$dir/log/initdb.log" 2>&1 \
      || { cat "$dir/log/initdb.log" >&2; _tools_err "initdb $data failed"; return 1; }
    echo "include_if_exists = 'tools.conf'" | _tools_pg_run "$dir" tee -a "$data/postgresql.conf" >/dev/null || return 1
  fi

  # The unix socket path must fit in 107 bytes; otherwise listen on TCP only.
  local sockdir="$run"
  if [ "$(printf '%s/.s.PGSQL.%s' "$run" "$port" | wc -c)" -gt 107 ]; then
    _tools_log "pg: $run is too long for a unix socket; TCP only"
    sockdir=""
  fi
  local conf
  conf="listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$sockdir'
fsync = $sync
synchronous_commit = $sync
full_page_writes = $sync"

  if _tools_pg_run "$dir" "$PG_BIN/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    if [ "$(cat "$data/tools.conf" 2>/dev/null)" = "$conf" ]; then
      _tools_log "postgres already running in $dir on 127.0.0.1:$port"
      export DATABASE_URL="postgres://$user@127.0.0.1:$port/postgres"
      return 0
    fi
    _tools_pg_run "$dir" "$PG_BIN/pg_ctl" -D "$data" -m fast -w stop >/dev/null || return 1
  fi
  printf '%s\n' "$conf" | _tools_pg_run "$dir" tee "$data/tools.conf" >/dev/null || return 1
  _tools_log "starting postgres in $dir on 127.0.0.1:$port"
  _tools_pg_run "$dir" "$PG_BIN/pg_ctl" -D "$data" -l "$dir/log/postgres.log" -w -t 60 start >/dev/null \
    || { tail -n 20 "$dir/log/postgres.log" >&2; _tools_err "postgres did not start (log: $dir/log/postgres.log)"; return 1; }
  export DATABASE_URL="postgres://$user@127.0.0.1:$port/postgres"
}

# pg_crash DIR PORT [durable]: kill the cluster in DIR as a crash would (`pg_ctl stop -m
# immediate`: no checkpoint, no clean shutdown), then start it again (it recovers from its WAL).
pg_crash() {
  local dir="${1:?usage: pg_crash DIR PORT [durable]}" port="${2:?usage: pg_crash DIR PORT [durable]}"
  dir="$(cd "$dir" && pwd)"
  ensure_postgres >/dev/null 2>&1 || return 1
  _tools_log "crashing postgres in $dir"
  _tools_pg_run "$dir" "$PG_BIN/pg_ctl" -D "$dir/data" -m immediate -w -t 60 stop >/dev/null \
    || { _tools_err "pg_ctl stop -m immediate failed for $dir/data"; return 1; }
  pg_start "$dir" "$port" "${3:-}"
}

# pg_stop DIR: stop the cluster pg_start started in DIR (no-op when it is not running).
pg_stop() {
  local dir="${1:?usage: pg_stop DIR}"
  [ -d "$dir" ] && dir="$(cd "$dir" && pwd)"   # as pg_start does: the server knows DIR absolute
  local data="$dir/data"
  if [ ! -f "$data/PG_VERSION" ]; then
    _tools_log "pg: no cluster in $dir"
    return 0
  fi
  ensure_postgres >/dev/null 2>&1 || return 1
  if _tools_pg_run "$dir" "$PG_BIN/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    _tools_log "stopping postgres in $dir"
    _tools_pg_run "$dir" "$PG_BIN/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null \
      || { _tools_err "pg_ctl stop failed for $data"; return 1; }
  else
    _tools_log "postgres in $dir not running"
  fi
}
