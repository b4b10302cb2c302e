#!/usr/bin/env bash
# The Kotlin and Swift bindings (inventory-ffi): builds the native library and the workspace's
# uniffi-bindgen, generates both bindings from the library (library mode), checks the Swift
# sources (there is no Swift compiler here), then compiles the Kotlin test program and the
# conformance runner (conformance/README.md) against JNA and Gson and runs both on the JVM.
#
#   scripts/test-kotlin.sh
#
# Outputs go to target/inventory-ffi/: kotlin/ and swift/ (the generated sources) and test/
# (the compiled test program, reused while its inputs are unchanged).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# shellcheck source-path=SCRIPTDIR source=tools.sh
source "$ROOT/scripts/tools.sh"
ensure_java
ensure_jna
ensure_gson # the conformance runner reads the JSON vectors with it
ensure_kotlin

# A debug build: library mode reads the uniffi metadata from debug builds too, and it is several
# times faster to build than --release on a small machine.
cargo build --locked -p inventory-ffi -p inventory-uniffi-bindgen
LIB_DIR="$ROOT/target/debug"
LIB="$LIB_DIR/libinventory_ffi.so"
BINDGEN="$ROOT/target/debug/uniffi-bindgen"

OUT="$ROOT/target/inventory-ffi"
rm -rf "$OUT/kotlin" "$OUT/swift"
mkdir -p "$OUT/test"
for lang in kotlin swift; do
  "$BINDGEN" generate --no-format --library "$LIB" --language "$lang" --out-dir "$OUT/$lang" >/dev/null
done

# Swift: generated, not compiled. Check the files are there and declare every public type.
SWIFT="$OUT/swift"
for f in inventory_core.swift inventory_coreFFI.h inventory_coreFFI.modulemap \
  inventory_ffi.swift inventory_ffiFFI.h inventory_ffiFFI.modulemap; do
  [ -s "$SWIFT/$f" ] || { echo "kotlin: FAIL: Swift binding file $f was not generated" >&2; exit 1; }
done
swift_decls=(
  "public struct Product:" "public struct NewProduct:" "public struct ProductPatch:"
  "public struct Event:" "public struct FieldChange:" "public struct Page:"
  "public enum EventKind" "public enum InventoryError" "public typealias Money = Decimal"
  "public typealias Uuid = UUID" "public typealias Timestamp = Date"
  "open class Inventory" "public struct Query:" "public struct Location:"
  "public struct StockLevel:" "public enum Movement"
)
swift_flat="$(cat "$SWIFT"/*.swift | tr -s '[:space:]' ' ')"  # declarations may span lines
for decl in "${swift_decls[@]}"; do
  grep -qF "$decl" <<<"$swift_flat" || { echo "kotlin: FAIL: no \"$decl\" in the Swift bindings" >&2; exit 1; }
done
for variant in Validation DuplicateSku NotFound InsufficientStock StockOverflow VersionConflict IdempotencyConflict Storage; do
  grep -qE "^ *case $variant\(" "$SWIFT/inventory_core.swift" \
    || { echo "kotlin: FAIL: InventoryError.$variant missing from the Swift bindings" >&2; exit 1; }
done
echo "kotlin: Swift bindings generated ($(cat "$SWIFT"/*.swift | wc -l) lines), ${#swift_decls[@]} public types present"

# Kotlin: compile the bindings and the test program, unless nothing they depend on changed.
KT_SOURCES=("$OUT/kotlin/inventory/core/inventory_core.kt" "$OUT/kotlin/inventory/inventory_ffi.kt"
  "$ROOT/inventory-ffi/tests/kotlin/Main.kt" "$ROOT/inventory-ffi/tests/kotlin/Conformance.kt")
key="$( (cat "${KT_SOURCES[@]}"; echo "$KOTLIN_HOME" "$JNA_JAR" "$GSON_JAR") | sha256sum | cut -c1-16)"
JAR="$OUT/test/inventory-ffi-test-$key.jar"
if [ -f "$JAR" ]; then
  echo "kotlin: test program unchanged, reusing $(basename "$JAR")"
else
  echo "kotlin: compiling the bindings and the test program with kotlinc"
  rm -f "$OUT"/test/inventory-ffi-test-*.jar
  start=$SECONDS
  "$KOTLINC" -nowarn -cp "$JNA_JAR:$GSON_JAR" "${KT_SOURCES[@]}" -d "$JAR.tmp.jar"
  mv "$JAR.tmp.jar" "$JAR"
  echo "kotlin: compiled in $((SECONDS - start)) s"
fi

java -cp "$JAR:$JNA_JAR:$KOTLIN_STDLIB" -Djna.library.path="$LIB_DIR" MainKt
# The shared conformance vectors (conformance/README.md), on the memory store and SQLite files.
java -cp "$JAR:$JNA_JAR:$GSON_JAR:$KOTLIN_STDLIB" -Djna.library.path="$LIB_DIR" conformance.ConformanceKt \
  "$ROOT/conformance/vectors"
