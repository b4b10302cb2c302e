// Type-checked with `tsc --strict` against the generated package (scripts/test-wasm.sh): what a
// TypeScript caller writes compiles, and each misuse marked @ts-expect-error must be refused.
import { Inventory, ManualClock, Transaction, isInventoryError } from "../../../examples/web/pkg/inventory_wasm.js";
import type {
  Hold,
  HoldStatus,
  InventoryError,
  Location,
  Movement,
  Product,
  StockLevel,
} from "../../../examples/web/pkg/inventory_wasm.js";

const inv = Inventory.inMemory();
const p: Product = inv.create({ name: "Widget", sku: "w-1", price: "9.99", stock: 3 });
inv.update(p.id, { stock: 5, expectedVersion: p.version });
inv.adjustStock(p.id, -1, "sale", { reference: "order-1" });
const page = inv.list({ orderBy: "-price", limit: 10 });
const next: string | null = page.nextCursor;
const van: Location = inv.createLocation({ code: "van", name: "The van" }, { idempotencyKey: "loc-1" });
inv.adjustStock(p.id, 2, "restock", { location: van.code, idempotencyKey: "rcv-1" });
inv.transfer(p.id, 1, { fromLocation: "VAN", toLocation: "DEFAULT", reference: "t-9" });
const batch: Movement[] = [
  { type: "adjust", productId: p.id, delta: -1, reason: "sale" },
  { type: "count", productId: p.id, quantity: 4, location: "VAN" },
  { type: "transfer", productId: p.id, quantity: 1, fromLocation: "VAN", toLocation: "DEFAULT" },
];
const after: Product[] = inv.apply(batch, { idempotencyKey: "order-77" });
const levels: StockLevel[] = inv.stockLevels(p.id);
const point: number | null = inv.setReorderPoint(p.id, 2, { location: "VAN" }).reorderPoint;
inv.list({ belowReorderPoint: true, location: "VAN" });
console.log(after.length, levels[0]?.onHand, point);
const sold = inv.transaction((tx: Transaction) => {
  tx.adjustStock(p.id, -1, "sale", { idempotencyKey: "order-78:1" });
  return tx.get(p.id).stock;
}) as number;
console.log(sold);

const clock = new ManualClock("2030-01-01T00:00:00Z");
const shop = Inventory.withClock(clock);
const w = shop.create({ name: "Widget", sku: "w-1", price: "9.99", stock: 3 });
const cart: Hold = shop.reserve(w.id, 2, { expiresIn: 900, reference: "cart-1", idempotencyKey: "cart-1-line-1" });
const status: HoldStatus = cart.status;
const free: number | undefined = shop.stockLevels(w.id)[0]?.available;
clock.advance(60);
shop.commitHold(cart.id, { quantity: 1, reference: "order-1" });
const all: Hold[] = shop.holds(w.id, { status: "all" });
console.log(status, free, all.length, shop.expireHolds(), shop.hold(cart.id).committed);

/** An error's numbers, reached only once its code is known. */
function explain(e: InventoryError): string {
  switch (e.code) {
    case "INSUFFICIENT_STOCK":
      return `${e.available} of ${e.requested}`;
    case "STOCK_OVERFLOW":
      return `${e.current} + ${e.delta}`;
    case "VERSION_CONFLICT":
      return `${e.field}: ${e.expected} → ${e.actual}`;
    case "DUPLICATE_SKU":
      return e.sku;
    case "STORAGE":
      return e.kind;
    case "VALIDATION":
      return e.field;
    case "IDEMPOTENCY_CONFLICT":
      return e.key;
    case "HOLD_CLOSED":
      return `${e.holdId} is ${e.status}`;
    case "HOLD_EXPIRED":
      return `${e.holdId} expired at ${e.expiresAt}`;
    case "NOT_FOUND":
    case "INTERNAL":
      return e.message;
  }
}

try {
  inv.adjustStock(p.id, -100, "sale");
} catch (e) {
  if (isInventoryError(e)) console.log(explain(e), next);
}

function misuses(e: InventoryError): void {
  // @ts-expect-error `available` exists only once the code says INSUFFICIENT_STOCK
  console.log(e.available);
  // @ts-expect-error there is no such code
  if (e.code === "OUT_OF_STOCK") return;
  // @ts-expect-error prices are strings (or numbers), never booleans
  inv.create({ name: "X", sku: "X", price: true });
  // @ts-expect-error a typo in a patch is refused
  inv.update(p.id, { stok: 5 });
  // @ts-expect-error orderBy is one of the sort fields
  inv.list({ orderBy: "colour" });
  // @ts-expect-error a transfer names where from and where to
  inv.transfer(p.id, 1, { fromLocation: "VAN" });
  // @ts-expect-error a movement has a known type
  inv.apply([{ type: "move", productId: p.id, delta: 1, reason: "x" }]);
  // @ts-expect-error an expiry is seconds or an ISO string, not a Date
  inv.reserve(p.id, 1, { expiresAt: new Date() });
  // @ts-expect-error holds are filtered by a known status
  inv.holds(p.id, { status: "pending" });
}
misuses;
