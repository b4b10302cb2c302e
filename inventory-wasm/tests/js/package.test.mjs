// The generated package as JavaScript code imports it. By default the exact files the demo page
// loads (wasm-bindgen --target web, initialised here from bytes); INVENTORY_WASM_PKG can point
// at a --target nodejs package instead. Checks what JS sees: plain objects, decimal strings for
// money, real Error objects with code and field, and a .d.ts that describes all of it without
// `any`.
//
//   node --test inventory-wasm/tests/js/     (after building examples/web/pkg, see scripts/test-wasm.sh)
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
const pkg = process.env.INVENTORY_WASM_PKG ?? path.join(here, "../../../examples/web/pkg");
const loaded = await import(path.join(pkg, "inventory_wasm.js"));
const { Inventory, ManualClock, isInventoryError, initSync } = loaded.Inventory ? loaded : loaded.default;
// --target web exports initSync; --target nodejs loads the WebAssembly when required.
initSync?.({ module: readFileSync(path.join(pkg, "inventory_wasm_bg.wasm")) });

/** The InventoryError thrown by `fn`, checked for its code and field. */
function thrown(fn, code, field) {
  let error;
  assert.throws(fn, (e) => { error = e; return true; });
  assert.ok(error instanceof Error, `not an Error: ${error}`);
  assert.ok(isInventoryError(error));
  assert.equal(error.name, "InventoryError");
  assert.equal(error.code, code, error.message);
  assert.equal(error.field, field);
  assert.equal(typeof error.message, "string");
  assert.ok(error.message.length > 0);
  assert.ok(String(error).startsWith("InventoryError: "));
  return error;
}

test("the example from the API documentation", () => {
  const inv = Inventory.inMemory();
  const p = inv.create({ name: "Widget", sku: " ab-1 ", price: "9.99", stock: 10 });
  assert.equal(p.sku, "AB-1");
  assert.equal(p.price, "9.99");
  assert.equal(inv.get(p.id).id, p.id);
  assert.equal(inv.getBySku("ab-1").id, p.id);
  inv.update(p.id, { name: "Widget v2", price: "10.50" });
  assert.equal(inv.adjustStock(p.id, -3, "sale").stock, 7);
  assert.equal(inv.setStock(p.id, 40, "correction").stock, 40);
  const page = inv.list({ lowStock: 50, orderBy: "-price", limit: 50 });
  assert.deepEqual(Object.keys(page), ["items", "nextCursor", "total"]);
  assert.equal(page.items.length, 1);
  assert.equal(page.nextCursor, null);
  assert.equal(page.total, 1);
  assert.equal(inv.totalValue(), "420.00");
  // created, updated (name and price in one event), sold, counted
  assert.deepEqual(inv.history(p.id).map((e) => e.kind), ["created", "updated", "stock_changed", "counted"]);
  assert.equal(inv.eventsSince(0).length, 4);
  const snapshot = inv.export();
  inv.delete(p.id);
  const restored = Inventory.import(snapshot);
  assert.equal(restored.get(p.id).stock, 40);
  thrown(() => inv.get(p.id), "NOT_FOUND", null);
});

test("products are plain objects: strings for ids, money and times; numbers for counts", () => {
  const inv = Inventory.inMemory();
  const p = inv.create({ name: "Widget", sku: "w-1", price: 9.99, stock: 3 });
  assert.equal(Object.getPrototypeOf(p), Object.prototype);
  assert.deepEqual(Object.keys(p), ["id", "name", "sku", "price", "stock", "createdAt", "updatedAt", "version"]);
  assert.match(p.id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(typeof p.price, "string");
  assert.equal(p.price, "9.99");
  assert.equal(typeof p.stock, "number");
  assert.equal(typeof p.version, "number");
  assert.match(p.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  assert.ok(Math.abs(Date.parse(p.createdAt) - Date.now()) < 60_000);
  // JSON keeps the price as text: no float ever appears.
  assert.ok(JSON.stringify(p).includes('"price":"9.99"'));
  assert.equal(inv.totalValue(), "29.97");
  assert.equal(typeof inv.totalValue(), "string");
});

test("a price as a JS number is refused unless it has at most 2 decimals", () => {
  const inv = Inventory.inMemory();
  const e = thrown(() => inv.create({ name: "A", sku: "a", price: 0.1 + 0.2 }), "VALIDATION", "price");
  assert.equal(e.message, "price: must have at most 2 decimal places");
  thrown(() => inv.create({ name: "A", sku: "a", price: NaN }), "VALIDATION", "price");
  thrown(() => inv.create({ name: "A", sku: "a", price: 10n }), "VALIDATION", "price");
  assert.equal(inv.create({ name: "A", sku: "a", price: 12.5 }).price, "12.50");
  assert.equal(inv.list().total, 1);
});

test("errors carry a code, the field and the variant's numbers, and change nothing", () => {
  const inv = Inventory.inMemory();
  const p = inv.create({ name: "Bolt", sku: "b-1", price: "0.25", stock: 2 });
  thrown(() => inv.create({ name: "", sku: "x", price: "1" }), "VALIDATION", "name");
  thrown(() => inv.create({ name: "X", sku: "x", price: "1", stock: -1 }), "VALIDATION", "stock");
  thrown(() => inv.create({ name: "X", sku: "x", price: "1", stock: 2.5 }), "VALIDATION", "stock");
  const dup = thrown(() => inv.create({ name: "X", sku: " B-1", price: "1" }), "DUPLICATE_SKU", "sku");
  assert.equal(dup.sku, "B-1");
  const low = thrown(() => inv.adjustStock(p.id, -3, "sale"), "INSUFFICIENT_STOCK", "stock");
  assert.equal(low.available, 2);
  assert.equal(low.requested, 3);
  const over = thrown(() => inv.adjustStock(p.id, 2 ** 31, "restock"), "STOCK_OVERFLOW", "stock");
  assert.equal(over.current, 2);
  const stale = thrown(() => inv.update(p.id, { name: "Y", expectedVersion: 7 }), "VERSION_CONFLICT", "version");
  assert.equal(stale.expected, 7);
  assert.equal(stale.actual, 1);
  thrown(() => inv.setStock(p.id, 9, "count", { expected: 5 }), "VERSION_CONFLICT", "stock");
  thrown(() => inv.adjustStock(p.id, -1, "sale", { expected: 5 }), "VERSION_CONFLICT", "stock");
  thrown(() => inv.list({ minPrice: "-1" }), "VALIDATION", "minPrice");
  thrown(() => inv.list({ orderBy: "colour" }), "VALIDATION", "orderBy");
  thrown(() => inv.get("nope"), "VALIDATION", "id");
  thrown(() => Inventory.import("{}"), "VALIDATION", "snapshot");
  assert.deepEqual(inv.get(p.id), p);
  assert.equal(inv.eventsSince(0).length, 1);
});

test("holds: reserve, commit part, expiry on a manual clock, and their errors", () => {
  const clock = new ManualClock("2030-01-01T00:00:00Z");
  const inv = Inventory.withClock(clock);
  const p = inv.create({ name: "Bolt", sku: "b-1", price: "0.25", stock: 5 });
  const h = inv.reserve(p.id, 2, { expiresIn: 900, reference: "cart-1" });
  assert.deepEqual(
    { status: h.status, quantity: h.quantity, expiresAt: h.expiresAt, createdAt: h.createdAt, reference: h.reference },
    { status: "active", quantity: 2, expiresAt: "2030-01-01T00:15:00.000000Z", createdAt: "2030-01-01T00:00:00.000000Z", reference: "cart-1" },
  );
  const level = inv.stockLevels(p.id)[0];
  assert.deepEqual([level.onHand, level.reserved, level.available, level.short], [5, 2, 3, 0]);
  const low = thrown(() => inv.reserve(p.id, 4), "INSUFFICIENT_STOCK", "quantity");
  assert.deepEqual([low.available, low.requested], [3, 4]);
  thrown(() => inv.reserve(p.id, 0), "VALIDATION", "quantity");
  thrown(() => inv.reserve(p.id, 1, { expiresIn: 5, expiresAt: "2031-01-01T00:00:00Z" }), "VALIDATION", "expiresIn");
  thrown(() => inv.reserve(p.id, 1, { expiresAt: "tomorrow" }), "VALIDATION", "expiresAt");
  thrown(() => inv.reserve(p.id, 1, { expiresAt: "2029-01-01T00:00:00Z" }), "VALIDATION", "expiresAt");
  thrown(() => inv.reserve(p.id, 1, { expires: 5 }), "VALIDATION", "expires");
  thrown(() => inv.commitHold("nope"), "VALIDATION", "holdId");
  assert.equal(inv.commitHold(h.id, { quantity: 1, reference: "order-1" }).stock, 4);
  const closed = thrown(() => inv.releaseHold(h.id), "HOLD_CLOSED", "holdId");
  assert.deepEqual([closed.holdId, closed.status], [h.id, "committed"]);
  assert.ok(closed.message.startsWith("holdId: hold "), closed.message);
  const later = inv.reserve(p.id, 1, { expiresIn: 60 });
  clock.advance(60);
  assert.equal(inv.hold(later.id).status, "expired");
  const expired = thrown(() => inv.commitHold(later.id), "HOLD_EXPIRED", "holdId");
  assert.equal(expired.expiresAt, "2030-01-01T00:01:00.000000Z");
  assert.equal(inv.expireHolds(), 1);
  assert.deepEqual(inv.holds(p.id), []);
  assert.deepEqual(inv.holds(p.id, { status: "all" }).map((x) => x.status), ["committed", "expired"]);
  thrown(() => inv.holds(p.id, { status: "pending" }), "VALIDATION", "status");
  const kinds = inv.history(p.id).map((e) => e.kind);
  assert.deepEqual(kinds, ["created", "hold_placed", "hold_committed", "hold_placed", "hold_expired"]);
  const placed = inv.history(p.id)[1];
  assert.deepEqual([placed.holdId, placed.quantity, placed.expiresAt], [h.id, 2, h.expiresAt]);
  assert.equal(clock.now(), "2030-01-01T00:01:00.000000Z");
  thrown(() => clock.advance(-1), "VALIDATION", "seconds");
  inv.checkLedger();
});

test("ledger events", () => {
  const inv = Inventory.inMemory();
  const p = inv.create({ name: "Nut", sku: "n-1", price: "0.10", stock: 100 });
  inv.adjustStock(p.id, -5, "sale", { reference: "order-1", actor: "till-2" });
  const [created, sale] = inv.history(p.id);
  assert.equal(created.kind, "created");
  assert.equal(created.reference, null);
  assert.deepEqual(
    { kind: sale.kind, delta: sale.delta, before: sale.stockBefore, after: sale.stockAfter, reason: sale.reason, reference: sale.reference, actor: sale.actor, productId: sale.productId },
    { kind: "stock_changed", delta: -5, before: 100, after: 95, reason: "sale", reference: "order-1", actor: "till-2", productId: p.id },
  );
  assert.ok(sale.seq > created.seq);
  assert.deepEqual(inv.eventsSince(created.seq).map((e) => e.seq), [sale.seq]);
});

test("the TypeScript declarations are precise", () => {
  const dts = readFileSync(path.join(pkg, "inventory_wasm.d.ts"), "utf8");
  // wasm-bindgen's `InitOutput` lists the raw WebAssembly exports (with `any` for JS values);
  // everything a caller uses is declared above it.
  const api = dts.split("export interface InitOutput")[0];
  const anys = api.split("\n").filter((line) => /\bany\b/.test(line.replace(/\/\*\*.*|^\s*\*.*/, "")));
  assert.deepEqual(anys, []);
  for (const name of ["Product", "NewProduct", "ProductPatch", "StockOptions", "SetStockOptions", "ListOptions", "Page", "InventoryEvent", "FieldChange", "InsufficientStockError", "StorageError", "Location", "StockLevel", "TransferOptions", "WriteOptions", "IdempotencyConflictError", "Hold", "HoldOptions", "CommitOptions", "HoldsOptions", "HoldClosedError", "HoldExpiredError"]) {
    assert.match(api, new RegExp(`export interface ${name}\\b`), name);
  }
  for (const signature of [
    "static inMemory(): Inventory;",
    "static import(snapshot: string): Inventory;",
    "export(): string;",
    "create(product: NewProduct, options?: WriteOptions): Product;",
    "createMany(products: NewProduct[], options?: WriteOptions): Product[];",
    "get(id: string): Product;",
    "getBySku(sku: string): Product;",
    "update(id: string, patch: ProductPatch, options?: WriteOptions): Product;",
    "delete(id: string, options?: WriteOptions): void;",
    "transfer(id: string, quantity: number, options: TransferOptions): Product;",
    "apply(movements: Movement[], options?: WriteOptions): Product[];",
    "createLocation(location: NewLocation, options?: WriteOptions): Location;",
    "locations(): Location[];",
    "stockLevels(id: string): StockLevel[];",
    "setReorderPoint(id: string, reorderPoint: number | null, options?: ReorderOptions): StockLevel;",
    "adjustStock(id: string, delta: number, reason: string, options?: StockOptions): Product;",
    "setStock(id: string, quantity: number, reason: string, options?: SetStockOptions): Product;",
    "list(options?: ListOptions): Page;",
    "reserve(productId: string, quantity: number, options?: HoldOptions): Hold;",
    "commitHold(holdId: string, options?: CommitOptions): Product;",
    "releaseHold(holdId: string, options?: WriteOptions): Hold;",
    "hold(holdId: string): Hold;",
    "holds(productId: string, options?: HoldsOptions): Hold[];",
    "expireHolds(): number;",
    "static withClock(clock: ManualClock): Inventory;",
    "totalValue(): string;",
    "history(id: string): InventoryEvent[];",
    "eventsSince(since: number, limit?: number): InventoryEvent[];",
    "export function isInventoryError(value: unknown): value is InventoryError;",
  ]) {
    assert.ok(api.includes(signature), `missing: ${signature}`);
  }
  assert.match(api, /export interface StockOptions extends WriteOptions \{[^}]*expected\?: number;/);
  assert.match(api, /price: string;/);
  // The error is a union told apart by `code` (tsc --strict checks a caller narrowing on it).
  assert.match(api, /export type InventoryError =\s*\| ValidationError/);
  assert.match(api, /code: "INSUFFICIENT_STOCK";\s*field: string;\s*available: number;/);
});

test("a transaction commits its calls together, or none of them", () => {
  const inv = Inventory.inMemory();
  const answer = inv.transaction((tx) => {
    const p = tx.create({ name: "Mug", sku: "mug-1", price: "8.50" });
    tx.adjustStock(p.id, 12, "restock");
    assert.equal(tx.getBySku(" MUG-1 ").stock, 12); // it reads its own writes
    tx.createLocation({ code: "wh-1", name: "Annex" });
    assert.equal(tx.location("WH-1").name, "Annex");
    tx.transfer(p.id, 2, { fromLocation: "DEFAULT", toLocation: "WH-1" });
    return tx.get(p.id).stock;
  });
  assert.equal(answer, 12);
  const mug = inv.getBySku("MUG-1");
  assert.deepEqual(inv.stockLevels(mug.id).map((l) => [l.location, l.onHand]), [["DEFAULT", 10], ["WH-1", 2]]);
  const before = inv.export();

  // The callback throws: its own error comes back, and nothing is written.
  const mine = new Error("changed my mind");
  assert.throws(() => inv.transaction((tx) => {
    tx.adjustStock(mug.id, -1, "sale");
    throw mine;
  }), (e) => e === mine);
  // A call throws and the callback lets it through.
  thrown(() => inv.transaction((tx) => {
    tx.adjustStock(mug.id, -1, "sale");
    tx.adjustStock(mug.id, -100, "sale");
  }), "INSUFFICIENT_STOCK", "stock");
  // A call throws and the callback swallows it: the commit throws it.
  thrown(() => inv.transaction((tx) => {
    tx.adjustStock(mug.id, -1, "sale");
    try { tx.create({ name: "Again", sku: "MUG-1", price: "1" }); } catch { /* ignored */ }
  }), "DUPLICATE_SKU", "sku");
  // An async callback cannot hold the transaction open.
  thrown(() => inv.transaction(async (tx) => { tx.adjustStock(mug.id, -1, "sale"); }), "VALIDATION", "transaction");
  assert.equal(inv.export(), before);

  // Inside, the inventory itself refuses calls; after, the transaction does.
  let kept;
  inv.transaction((tx) => {
    kept = tx;
    thrown(() => inv.get(mug.id), "VALIDATION", "transaction");
    thrown(() => inv.transaction(() => {}), "VALIDATION", "transaction");
  });
  thrown(() => kept.adjustStock(mug.id, -1, "sale"), "VALIDATION", "transaction");

  // Keys apply each call once.
  for (let i = 0; i < 2; i++) {
    inv.transaction((tx) => {
      tx.adjustStock(mug.id, -2, "sale", { idempotencyKey: "order-7:1" });
      tx.adjustStock(mug.id, -3, "sale", { idempotencyKey: "order-7:2" });
    });
  }
  assert.equal(inv.get(mug.id).stock, 7);
  inv.checkLedger();
});
