// The shared conformance vectors (conformance/vectors/*.json, format in conformance/README.md),
// replayed through the JavaScript API of the generated package, as a JS program calls it: text
// and prices as strings, counts as numbers, options objects with camelCase keys holding only
// the arguments given. The package offers one store, the in-memory one (SQLite is not built for
// wasm32), so that is the store every case runs on; after the last step of a case the ledger
// invariant is checked with `checkLedger()`.
//
// Error fields: the package names a field as the JS input is spelled (`minPrice`, `orderBy`), so
// a vector's snake_case field is compared through the fixed conversion `min_price` → `minPrice`.
// Cases whose `skip` has the key "js" (an integer beyond Number.MAX_SAFE_INTEGER) are counted,
// listed with their reason, and not run.
//
//   node --test inventory-wasm/tests/js/     (after building the package, see scripts/test-wasm.sh)
import { describe, test } from "node:test";
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
const pkg = process.env.INVENTORY_WASM_PKG ?? path.join(here, "../../../examples/web/pkg");
const loaded = await import(path.join(pkg, "inventory_wasm.js"));
const { Inventory, ManualClock, isInventoryError, initSync } = loaded.Inventory ? loaded : loaded.default;
// --target web exports initSync; --target nodejs loads the WebAssembly when required.
initSync?.({ module: readFileSync(path.join(pkg, "inventory_wasm_bg.wasm")) });

/** This runner's key in a case's `skip` object. */
const RUNNER = "js";
/** The vector format this runner reads. */
const FORMAT = 1;
const VECTORS = path.join(here, "../../../conformance/vectors");

/** The arguments of each operation: required, then optional. */
const ARGS = {
  create: [["name", "sku", "price"], ["stock", "idempotency_key"]],
  get: [["id"], []],
  get_by_sku: [["sku"], []],
  update: [["id"], ["name", "sku", "price", "stock", "expected_version", "idempotency_key"]],
  adjust_stock: [["id", "delta", "reason"], ["reference", "actor", "expected_stock", "location", "idempotency_key"]],
  set_stock: [["id", "quantity", "reason"], ["reference", "actor", "expected_stock", "location", "idempotency_key"]],
  transfer: [["id", "quantity", "from_location", "to_location", "reason"], ["reference", "actor", "expected_stock", "idempotency_key"]],
  apply: [["movements"], ["idempotency_key"]],
  delete: [["id"], ["idempotency_key"]],
  create_location: [["code", "name"], ["idempotency_key"]],
  delete_location: [["code"], []],
  locations: [[], []],
  stock_levels: [["id"], []],
  set_reorder_point: [["id"], ["reorder_point", "location"]],
  list: [[], ["name_contains", "sku_prefix", "low_stock", "min_price", "max_price", "order_by", "limit", "cursor", "offset", "below_reorder_point", "location", "with_total"]],
  total_value: [[], []],
  history: [["id"], []],
  reserve: [["id", "quantity"], ["location", "expires_in_seconds", "expires_at", "reference", "actor", "idempotency_key"]],
  commit_hold: [["hold"], ["quantity", "reason", "reference", "actor", "idempotency_key"]],
  release_hold: [["hold"], ["idempotency_key"]],
  get_hold: [["hold"], []],
  holds: [["id"], ["status"]],
  expire_holds: [[], []],
  advance_clock: [["seconds"], []],
  transaction: [["steps"], ["rollback"]],
};
/** The operations a `transaction` step's own steps may use: the writes and the reads by key. */
const TRANSACTION_OPS = new Set([
  "create", "get", "get_by_sku", "update", "delete", "adjust_stock", "set_stock", "transfer",
  "apply", "create_location", "delete_location", "set_reorder_point", "reserve", "commit_hold",
  "release_hold",
]);
const INTEGER_ARGS = new Set(["stock", "delta", "quantity", "expected_stock", "expected_version", "low_stock", "limit", "offset", "reorder_point"]);
const BOOLEAN_ARGS = new Set(["below_reorder_point", "with_total", "rollback"]);
const LIST_ARGS = new Set(["movements", "steps"]);
/** Numbers that may have a fraction (seconds). */
const NUMBER_ARGS = new Set(["expires_in_seconds", "seconds"]);
/** The keys a batch movement takes, by its type. */
const MOVEMENT_KEYS = {
  adjust: ["type", "id", "delta", "reason", "location", "expected_stock"],
  count: ["type", "id", "quantity", "reason", "location", "expected_stock"],
  transfer: ["type", "id", "quantity", "reason", "from_location", "to_location"],
};

/** The JS spelling of a snake_case name: `min_price` → `minPrice`. */
const camel = (name) => name.replace(/_(.)/g, (_, c) => c.toUpperCase());

/** The core's message as this binding writes it: the field it starts with in camelCase, as the
 * JS options name it (`order_by: …` → `orderBy: …`). */
function jsMessage(message, field) {
  if (field !== undefined && message.startsWith(`${field}: `)) return camel(field) + message.slice(field.length);
  return message;
}

/** A mismatch, or a vector this runner cannot read. */
class Mismatch extends Error {}

/** Every vector file in name order: [{ file, cases }]. */
function load() {
  const files = readdirSync(VECTORS).filter((f) => f.endsWith(".json")).sort();
  if (files.length === 0) throw new Error(`no vector files in ${VECTORS}`);
  const names = new Set();
  return files.map((file) => {
    const doc = JSON.parse(readFileSync(path.join(VECTORS, file), "utf8"));
    if (doc.format !== FORMAT) throw new Error(`${file}: this runner reads format ${FORMAT}`);
    if (!Array.isArray(doc.cases)) throw new Error(`${file}: no "cases" array`);
    for (const c of doc.cases) {
      if (typeof c.name !== "string" || names.has(c.name)) throw new Error(`${file}: case name ${JSON.stringify(c.name)}`);
      names.add(c.name);
    }
    return { file, cases: doc.cases };
  });
}

/** The step's arguments, checked against the names and JSON types `op` takes. */
function args(op, step) {
  if (!Object.hasOwn(ARGS, op)) throw new Mismatch(`unknown operation ${JSON.stringify(op)}`);
  const a = step.args ?? {};
  if (typeof a !== "object" || Array.isArray(a)) throw new Mismatch(`"args" must be an object`);
  const [required, optional] = ARGS[op];
  for (const [key, value] of Object.entries(a)) {
    if (!required.includes(key) && !optional.includes(key)) throw new Mismatch(`${op} takes no argument ${JSON.stringify(key)}`);
    if (INTEGER_ARGS.has(key)) {
      // JSON.parse rounds integers beyond 2^53; the vectors mark such cases as skipped for "js".
      if (!Number.isSafeInteger(value)) throw new Mismatch(`argument ${key} must be an integer a JS number holds exactly, not ${value}`);
    } else if (NUMBER_ARGS.has(key)) {
      if (typeof value !== "number") throw new Mismatch(`argument ${key} must be a number`);
    } else if (BOOLEAN_ARGS.has(key)) {
      if (typeof value !== "boolean") throw new Mismatch(`argument ${key} must be true or false`);
    } else if (LIST_ARGS.has(key)) {
      if (!Array.isArray(value)) throw new Mismatch(`argument ${key} must be an array`);
    } else if (typeof value !== "string") {
      throw new Mismatch(`argument ${key} must be a string, not ${JSON.stringify(value)}`);
    }
  }
  for (const key of required) {
    if (!Object.hasOwn(a, key)) throw new Mismatch(`missing argument ${JSON.stringify(key)}`);
  }
  return a;
}

/** The case's state: saved ids and the last page's cursor. */
class Ctx {
  ids = new Map();
  next = null;
  /** The case's ManualClock, when it has a "clock". */
  clock = null;

  /** A message as the vectors pin it: each saved product's id written as its `$name`. */
  pinned(message) {
    let out = message;
    for (const [name, id] of this.ids) out = out.split(id).join(`$${name}`);
    return out;
  }

  /** `$name` is the id saved as `name`; any other text is literal. */
  id(text) {
    if (!text.startsWith("$")) return text;
    const id = this.ids.get(text.slice(1));
    if (id === undefined) throw new Mismatch(`no product was saved as ${JSON.stringify(text.slice(1))}`);
    return id;
  }

  cursor(text) {
    if (text === "$next") {
      if (this.next === null) throw new Mismatch(`"$next": the previous page had no next cursor`);
      return this.next;
    }
    if (text.startsWith("$")) throw new Mismatch(`unknown cursor placeholder ${JSON.stringify(text)}`);
    return text;
  }
}

/** An options object with the given arguments only (camelCase keys), or undefined if none. */
function options(a, keys, rename = {}) {
  const o = {};
  for (const key of keys) {
    if (Object.hasOwn(a, key)) o[rename[key] ?? camel(key)] = a[key];
  }
  return Object.keys(o).length > 0 ? o : undefined;
}

/** A batch movement of a vector as the JS object the binding takes. */
function movement(m, ctx) {
  const keys = MOVEMENT_KEYS[m?.type];
  if (keys === undefined) throw new Mismatch(`a movement must have a known type, not ${JSON.stringify(m)}`);
  const unknown = Object.keys(m).filter((k) => !keys.includes(k));
  if (unknown.length > 0) throw new Mismatch(`a ${m.type} movement takes no ${unknown}`);
  const o = { type: m.type, productId: ctx.id(m.id) };
  for (const [key, value] of Object.entries(m)) {
    if (key !== "type" && key !== "id") o[key === "expected_stock" ? "expected" : camel(key)] = value;
  }
  return o;
}

/** Calls the operation as a JS program would. Returns { kind, value }. */
function call(inv, op, a, ctx) {
  const stockOptions = ["reference", "actor", "expected_stock", "location", "idempotency_key"];
  const stockRename = { expected_stock: "expected" };
  const keyed = options(a, ["idempotency_key"]);
  switch (op) {
    case "transaction": {
      if (!(inv instanceof Inventory)) throw new Mismatch("a transaction inside a transaction");
      // Thrown to end the callback: a step inside failed, or the step asks for a rollback.
      const end = {};
      let failure;
      try {
        inv.transaction((tx) => {
          failure = runSteps(tx, a.steps, ctx);
          if (failure !== undefined || a.rollback) throw end;
        });
      } catch (e) {
        if (e !== end) throw e; // the library's answer, compared with the expectation
      }
      if (failure !== undefined) throw new Mismatch(`inside the transaction, ${failure}`);
      return { kind: "ok", value: undefined };
    }
    case "create":
      return { kind: "product", value: inv.create(options(a, ["name", "sku", "price", "stock"]), keyed) };
    case "get":
      return { kind: "product", value: inv.get(ctx.id(a.id)) };
    case "get_by_sku":
      return { kind: "product", value: inv.getBySku(a.sku) };
    case "update":
      return { kind: "product", value: inv.update(ctx.id(a.id), options(a, ["name", "sku", "price", "stock", "expected_version"]) ?? {}, keyed) };
    case "adjust_stock":
      return { kind: "product", value: inv.adjustStock(ctx.id(a.id), a.delta, a.reason, options(a, stockOptions, stockRename)) };
    case "set_stock":
      return { kind: "product", value: inv.setStock(ctx.id(a.id), a.quantity, a.reason, options(a, stockOptions, stockRename)) };
    case "delete":
      return { kind: "ok", value: inv.delete(ctx.id(a.id), keyed) };
    case "transfer":
      return {
        kind: "product",
        value: inv.transfer(ctx.id(a.id), a.quantity, options(a, ["from_location", "to_location", "reason", "reference", "actor", "expected_stock", "idempotency_key"], stockRename)),
      };
    case "apply":
      return { kind: "products", value: inv.apply(a.movements.map((m) => movement(m, ctx)), keyed) };
    case "create_location":
      return { kind: "location", value: inv.createLocation({ code: a.code, name: a.name }, keyed) };
    case "delete_location":
      return { kind: "ok", value: inv.deleteLocation(a.code) };
    case "locations":
      return { kind: "locations", value: inv.locations() };
    case "stock_levels":
      return { kind: "levels", value: inv.stockLevels(ctx.id(a.id)) };
    case "set_reorder_point":
      return { kind: "level", value: inv.setReorderPoint(ctx.id(a.id), a.reorder_point ?? null, options(a, ["location"])) };
    case "list": {
      const o = options(a, ARGS.list[1]);
      if (o?.cursor !== undefined) o.cursor = ctx.cursor(o.cursor);
      return { kind: "page", value: o === undefined ? inv.list() : inv.list(o) };
    }
    case "total_value":
      return { kind: "value", value: inv.totalValue() };
    case "history":
      return { kind: "events", value: inv.history(ctx.id(a.id)) };
    case "reserve":
      return {
        kind: "hold",
        value: inv.reserve(ctx.id(a.id), a.quantity, options(a, ARGS.reserve[1], { expires_in_seconds: "expiresIn" })),
      };
    case "commit_hold":
      return { kind: "product", value: inv.commitHold(ctx.id(a.hold), options(a, ARGS.commit_hold[1])) };
    case "release_hold":
      return { kind: "hold", value: inv.releaseHold(ctx.id(a.hold), keyed) };
    case "get_hold":
      return { kind: "hold", value: inv.hold(ctx.id(a.hold)) };
    case "holds":
      return { kind: "holds", value: inv.holds(ctx.id(a.id), options(a, ["status"])) };
    case "expire_holds":
      return { kind: "number", value: inv.expireHolds() };
    case "advance_clock":
      if (ctx.clock === null) throw new Mismatch(`advance_clock in a case with no "clock"`);
      ctx.clock.advance(a.seconds);
      return { kind: "ok", value: undefined };
  }
  throw new Mismatch(`unknown operation ${op}`);
}

/** A short description of an answer, for failure messages. */
function describeAnswer(got) {
  if (got.error !== undefined) {
    const e = got.error;
    return isInventoryError(e) ? `error ${e.code} (field ${e.field}): ${e.message}` : `a non-InventoryError throw: ${e}`;
  }
  const v = got.value;
  switch (got.kind) {
    case "product":
      return `product ${JSON.stringify({ id: v.id, name: v.name, sku: v.sku, price: v.price, stock: v.stock, version: v.version })}`;
    case "page":
      return `page ${JSON.stringify({ skus: v.items.map((p) => p.sku), total: v.total, has_next: v.nextCursor !== null })}`;
    case "value":
      return `value ${v}`;
    case "events":
      return `events [${v.map((e) => `${e.kind} ${e.delta} ${JSON.stringify(e.reason)}`).join(", ")}]`;
    case "products":
    case "hold":
    case "holds":
    case "number":
    case "location":
    case "locations":
    case "levels":
    case "level":
      return `${got.kind} ${JSON.stringify(v)}`;
    default:
      return "ok";
  }
}

function same(what, want, got) {
  if (JSON.stringify(want) !== JSON.stringify(got)) throw new Mismatch(`${what}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
}

function checkProduct(want, p, ctx) {
  for (const [key, v] of Object.entries(want)) {
    if (key === "id") same("id", ctx.id(v), p.id);
    else if (["name", "sku", "price", "stock", "version"].includes(key)) same(key, v, p[key]);
    else throw new Mismatch(`unknown product field ${key} in the expectation`);
  }
}

function checkPage(want, page) {
  for (const [key, v] of Object.entries(want)) {
    if (key === "skus") same("skus", v, page.items.map((p) => p.sku));
    else if (key === "count") same("count", v, page.items.length);
    else if (key === "total") same("total", v, page.total);
    else if (key === "has_next") same("has_next", v, page.nextCursor !== null);
    else throw new Mismatch(`unknown page field ${key} in the expectation`);
  }
}

const EVENT_FIELDS = ["kind", "sku", "delta", "stock_before", "stock_after", "reason", "reference", "actor", "location", "idempotency_key", "quantity"];

function checkHold(want, h, ctx) {
  for (const [key, v] of Object.entries(want)) {
    if (key === "id") same("id", ctx.id(v), h.id);
    else if (key === "expires_at") same("expires_at", v === null ? null : Date.parse(v), h.expiresAt === null ? null : Date.parse(h.expiresAt));
    else if (["status", "quantity", "committed", "location", "reference", "actor"].includes(key)) same(key, v, h[key]);
    else throw new Mismatch(`unknown hold field ${key} in the expectation`);
  }
}

function checkLevel(want, l) {
  for (const [key, v] of Object.entries(want)) {
    if (["location", "on_hand", "reorder_point", "reserved", "available", "short"].includes(key)) same(key, v, l[camel(key)]);
    else throw new Mismatch(`unknown level field ${key} in the expectation`);
  }
}

function checkEvent(want, e) {
  for (const [key, v] of Object.entries(want)) {
    if (key === "linked") same("linked", v, e.transferId !== null);
    else if (key === "hold") same("hold", v, e.holdId !== null);
    else if (EVENT_FIELDS.includes(key)) same(key, v, e[camel(key)]);
    else if (key === "changes") same("changes", v, e.changes.map((c) => ({ field: c.field, before: c.before, after: c.after })));
    else throw new Mismatch(`unknown event field ${key} in the expectation`);
  }
}

/** Compares an answer ({ kind, value } or { error }) with a step's `expect`. */
function check(want, got, ctx) {
  if (typeof want !== "object" || want === null || Object.keys(want).length === 0) throw new Mismatch(`"expect" must be a non-empty object`);
  if (Object.hasOwn(want, "error")) {
    if (Object.keys(want).some((k) => !["error", "field", "message"].includes(k))) throw new Mismatch(`an error expectation has error, field and message only`);
    if (got.error === undefined || !isInventoryError(got.error)) throw new Mismatch(`expected error ${want.error}, got ${describeAnswer(got)}`);
    same("error", want.error, got.error.code);
    if (Object.hasOwn(want, "field")) same("error field", camel(want.field), got.error.field);
    if (Object.hasOwn(want, "message")) same("error message", jsMessage(want.message, want.field), ctx.pinned(got.error.message));
    return;
  }
  const keys = Object.keys(want);
  if (keys.length !== 1) throw new Mismatch(`an expectation has one key, not ${keys}`);
  const kind = keys[0];
  const v = want[kind];
  if (!["product", "ok", "page", "value", "events", "products", "location", "locations", "levels", "level", "hold", "holds", "number"].includes(kind)) throw new Mismatch(`unknown expectation ${kind}`);
  try {
    if (got.error !== undefined || got.kind !== kind) throw new Mismatch(`expected ${kind}`);
    if (kind === "product") checkProduct(v, got.value, ctx);
    else if (kind === "ok") same("ok", true, v);
    else if (kind === "page") checkPage(v, got.value);
    else if (kind === "value") same("value", v, got.value);
    else if (kind === "location") {
      for (const [key, w] of Object.entries(v)) {
        if (!["code", "name", "version"].includes(key)) throw new Mismatch(`unknown location field ${key}`);
        same(key, w, got.value[key]);
      }
    } else if (kind === "locations") same("locations", v, got.value.map((l) => l.code));
    else if (kind === "level") checkLevel(v, got.value);
    else if (kind === "hold") checkHold(v, got.value, ctx);
    else if (kind === "number") same("number", v, got.value);
    else if (kind === "holds") {
      same("number of holds", v.length, got.value.length);
      v.forEach((w, i) => checkHold(w, got.value[i], ctx));
    }
    else if (kind === "levels") {
      same("number of levels", v.length, got.value.length);
      v.forEach((w, i) => checkLevel(w, got.value[i]));
    } else if (kind === "products") {
      same("number of products", v.length, got.value.length);
      v.forEach((w, i) => checkProduct(w.product, got.value[i], ctx));
    } else {
      same("number of events", v.length, got.value.length);
      v.forEach((w, i) => {
        try {
          checkEvent(w, got.value[i]);
        } catch (m) {
          if (m instanceof Mismatch) throw new Mismatch(`event ${i}: ${m.message}`);
          throw m;
        }
      });
    }
  } catch (m) {
    if (m instanceof Mismatch) throw new Mismatch(`${m.message}; got ${describeAnswer(got)}`);
    throw m;
  }
}

/** Runs one case on a new inventory; returns undefined, or what failed. */
function runCase(c) {
  const clock = c.clock === undefined ? null : new ManualClock(c.clock);
  const inv = clock === null ? Inventory.inMemory() : Inventory.withClock(clock);
  try {
    const ctx = new Ctx();
    ctx.clock = clock;
    const failure = runSteps(inv, c.steps, ctx);
    if (failure !== undefined) return failure;
    try {
      inv.checkLedger();
    } catch (e) {
      return `after the last step, the ledger invariant fails: ${e.message}`;
    }
    return undefined;
  } finally {
    inv.free();
    clock?.free();
  }
}

/** Runs the steps in order on `target` (the inventory, or a transaction); returns undefined, or
 * what failed first. */
function runSteps(target, steps, ctx) {
  for (const [i, step] of steps.entries()) {
    try {
      if (!Object.hasOwn(step, "expect")) throw new Mismatch(`the step has no "expect"`);
      if (!(target instanceof Inventory) && !TRANSACTION_OPS.has(step.op)) throw new Mismatch(`${step.op} is not a call of a transaction`);
      const a = args(step.op, step);
      let got;
      try {
        got = call(target, step.op, a, ctx);
      } catch (e) {
        if (e instanceof Mismatch) throw e;
        got = { error: e };
      }
      check(step.expect, got, ctx);
      if (Object.hasOwn(step, "save_as")) {
        if (!["product", "hold"].includes(got.kind) || got.error !== undefined) throw new Mismatch(`save_as ${step.save_as} needs a product or hold to save`);
        ctx.ids.set(step.save_as, got.value.id);
      }
      if (got.kind === "page" && got.error === undefined) ctx.next = got.value.nextCursor;
    } catch (e) {
      const what = e instanceof Mismatch ? e.message : `the runner failed: ${e?.stack ?? e}`;
      return `step ${i} (${step.op}): ${what}`;
    }
  }
  return undefined;
}

// One test per case, named after it (`node --test --test-name-pattern stock/` runs a topic), as
// the other runners do; a skipped case is reported as skipped with the vector's reason.
const STORE = "memory";
let cases = 0;
let steps = 0;
let skipped = 0;
for (const { file, cases: fileCases } of load()) {
  describe(file, () => {
    for (const c of fileCases) {
      cases += 1;
      const reason = c.skip?.[RUNNER];
      if (reason !== undefined) {
        skipped += 1;
        test(c.name, { skip: reason }, () => {});
        continue;
      }
      steps += c.steps.length;
      test(c.name, () => {
        const failure = runCase(c);
        if (failure !== undefined) throw new Error(`${file}: case "${c.name}" (store ${STORE}), ${failure}`);
      });
    }
  });
}
console.log(`conformance: ${cases} cases, ${steps} steps, store ${STORE}${skipped > 0 ? `, ${skipped} skipped` : ""}`);
