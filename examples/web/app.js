// The demo page: the inventory library (Rust, compiled to WebAssembly) behind a small UI.
// Every rule and every message comes from the library; this file only shows them. Data is kept
// across reloads by saving the library's snapshot (Inventory.export) in localStorage.
import init, { Inventory, isInventoryError } from "./pkg/inventory_wasm.js";

const STORAGE_KEY = "inventory-demo/snapshot";
/** Every hold of the demo's cart carries this reference. */
const CART = "web cart";
/** How long a unit stays in the cart. */
const HOLD_SECONDS = 15 * 60;
const FORM_FIELDS = ["name", "sku", "price", "stock"];

const $ = (id) => document.getElementById(id);

let inv;

/** Shows a message in the status bar ("info" or "error"); it fades after a while. */
let statusTimer;
function notify(message, kind = "info") {
  const status = $("status");
  status.textContent = message;
  status.dataset.kind = kind;
  status.hidden = false;
  clearTimeout(statusTimer);
  statusTimer = setTimeout(() => { status.hidden = true; }, kind === "error" ? 8000 : 4000);
}

/** The library's message without its "field: " prefix, for showing next to that field. */
function fieldMessage(error) {
  const prefix = `${error.field}: `;
  const text = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function load() {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (saved === null) return Inventory.inMemory();
  try {
    return Inventory.import(saved);
  } catch (error) {
    if (!isInventoryError(error)) throw error;
    // Keep the refused data for inspection rather than overwrite it silently.
    localStorage.setItem(`${STORAGE_KEY}.rejected`, saved);
    notify(`The saved inventory could not be loaded (${error.message}); starting empty.`, "error");
    return Inventory.inMemory();
  }
}

function save() {
  try {
    localStorage.setItem(STORAGE_KEY, inv.export());
  } catch (error) {
    notify(`Could not save in this browser: ${error.message}`, "error");
  }
}

/** Runs a change, then saves and redraws; a library error is shown, anything else rethrown. */
function change(action, onError = (error) => notify(error.message, "error")) {
  try {
    const result = action();
    save();
    render();
    return result;
  } catch (error) {
    if (!isInventoryError(error)) throw error;
    onError(error);
    return undefined;
  }
}

// ---------------------------------------------------------------------------- add form
function clearFormErrors() {
  for (const field of FORM_FIELDS) {
    $(`${field}-error`).textContent = "";
    $(field).removeAttribute("aria-invalid");
  }
  $("form-error").textContent = "";
}

function showFormError(error) {
  if (FORM_FIELDS.includes(error.field)) {
    $(`${error.field}-error`).textContent = fieldMessage(error);
    $(error.field).setAttribute("aria-invalid", "true");
    $(error.field).focus();
  } else {
    $("form-error").textContent = error.message;
  }
}

// ---------------------------------------------------------------------------- table
function listOptions() {
  const options = { orderBy: $("order-by").value, limit: 1000 };
  if ($("low-only").checked) options.lowStock = lowThreshold();
  return options;
}

function lowThreshold() {
  const n = Number($("low-threshold").value);
  return Number.isInteger(n) && n >= 0 ? n : 5;
}

function button(label, text, className, onClick) {
  const b = document.createElement("button");
  b.type = "button";
  b.className = className;
  b.textContent = text;
  b.setAttribute("aria-label", label);
  b.addEventListener("click", onClick);
  return b;
}

function cell(text, className) {
  const td = document.createElement("td");
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function moveStock(product, delta) {
  const reason = $("reason").value;
  const updated = change(
    () => inv.adjustStock(product.id, delta, reason, { actor: "web demo" }),
    (error) => notify(`${product.name}: ${fieldMessage(error)}`, "error"),
  );
  if (updated) {
    notify(`${updated.name}: ${delta > 0 ? "+" : "−"}${Math.abs(delta)} (${reason}), ${updated.stock} in stock.`);
  }
}

/** What can still be sold of a product: on hand less what carts hold, over its locations. */
function availableOf(p) {
  return inv.stockLevels(p.id).reduce((sum, level) => sum + level.available, 0);
}

function holdOne(product) {
  const hold = change(
    () => inv.reserve(product.id, 1, { expiresIn: HOLD_SECONDS, reference: CART, actor: "web demo" }),
    (error) => notify(`${product.name}: ${fieldMessage(error)}`, "error"),
  );
  if (hold) notify(`${product.name}: 1 held in the cart for 15 minutes.`);
}

function productRow(p, threshold) {
  const tr = document.createElement("tr");
  tr.dataset.sku = p.sku;
  const name = document.createElement("th");
  name.scope = "row";
  name.textContent = p.name;
  tr.append(name, cell(p.sku, "mono"), cell(p.price, "num mono"));

  const stock = cell("", "num");
  if (p.stock <= threshold) {
    const badge = document.createElement("span");
    badge.className = p.stock === 0 ? "badge out" : "badge low";
    badge.textContent = p.stock === 0 ? "out" : "low";
    stock.append(badge, " ");
  }
  const count = document.createElement("span");
  count.className = "stock-count";
  count.textContent = String(p.stock);
  stock.append(count);
  const available = cell(String(availableOf(p)), "num available-count");
  tr.append(stock, available);

  const actions = document.createElement("td");
  actions.className = "actions";
  actions.append(
    button(`Remove one ${p.name}`, "−", "step", () => moveStock(p, -1)),
    button(`Add one ${p.name}`, "+", "step", () => moveStock(p, 1)),
    button(`Hold one ${p.name}`, "Hold", "link", () => holdOne(p)),
    button(`Delete ${p.name}`, "Delete", "link danger", () => {
      if (change(() => { inv.delete(p.id); return true; })) notify(`Deleted ${p.name}; its history stays in the ledger.`);
    }),
  );
  tr.append(actions);
  return tr;
}

const KIND_TEXT = {
  created: "created", updated: "changed", stock_changed: "stock", deleted: "deleted",
  hold_placed: "held", hold_committed: "sold", hold_released: "released", hold_expired: "expired",
};

function eventLine(e) {
  const li = document.createElement("li");
  const what = document.createElement("span");
  what.className = `kind kind-${e.kind}`;
  what.textContent = KIND_TEXT[e.kind] ?? e.kind;
  const text = document.createElement("span");
  if (e.kind === "created") {
    text.textContent = `${e.sku}: ${e.stockAfter} in stock`;
  } else if (e.kind === "hold_placed") {
    text.textContent = `${e.sku}: ${e.quantity} held (${e.reference ?? "hold"})`;
  } else if (e.kind === "hold_released" || e.kind === "hold_expired") {
    text.textContent = `${e.sku}: ${e.quantity} back in stock`;
  } else if (e.kind === "updated") {
    text.textContent = `${e.sku}: ${e.changes.map((c) => `${c.field} ${c.before} → ${c.after}`).join(", ")}`;
  } else if (e.delta !== null) {
    const sign = e.delta > 0 ? "+" : e.delta < 0 ? "−" : "±";
    text.textContent = `${e.sku} ${sign}${Math.abs(e.delta)} (${e.reason}) → ${e.stockAfter}`;
  } else {
    text.textContent = e.sku;
  }
  const time = document.createElement("time");
  time.dateTime = e.at;
  time.textContent = new Date(e.at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  li.append(what, text, time);
  return li;
}

/** The cart's active holds, with their products, oldest first. */
function cartHolds(products) {
  return products.flatMap((p) => inv.holds(p.id).filter((h) => h.reference === CART).map((h) => ({ hold: h, product: p })));
}

/** Commits (check out) or releases (empty the cart) every hold of the cart, one by one: a hold
 * that expired meanwhile is reported, the others go through. */
function settleCart(commit) {
  const lines = cartHolds(inv.list({ limit: 1000 }).items);
  let done = 0;
  const problems = [];
  for (const { hold, product } of lines) {
    try {
      if (commit) inv.commitHold(hold.id, { reference: "web order", actor: "web demo" });
      else inv.releaseHold(hold.id);
      done += 1;
    } catch (error) {
      if (!isInventoryError(error)) throw error;
      problems.push(`${product.name}: ${fieldMessage(error)}`);
    }
  }
  save();
  render();
  if (problems.length > 0) notify(problems.join("; "), "error");
  else notify(commit ? `Checked out ${done} item${done === 1 ? "" : "s"}.` : "The cart is empty again.");
}

function renderCart(products) {
  const lines = new Map();
  for (const { hold, product } of cartHolds(products)) {
    const line = lines.get(product.id) ?? { product, quantity: 0, until: hold.expiresAt };
    line.quantity += hold.quantity;
    if (hold.expiresAt !== null && hold.expiresAt < line.until) line.until = hold.expiresAt;
    lines.set(product.id, line);
  }
  const items = [...lines.values()].map(({ product, quantity, until }) => {
    const li = document.createElement("li");
    li.dataset.sku = product.sku;
    const time = new Date(until).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    li.textContent = `${quantity} × ${product.name} (held until ${time})`;
    return li;
  });
  $("cart-lines").replaceChildren(...items);
  $("cart-empty").hidden = items.length > 0;
  $("checkout").disabled = items.length === 0;
  $("empty-cart").disabled = items.length === 0;
}

function render() {
  const threshold = lowThreshold();
  const page = inv.list(listOptions());
  const rows = page.items.map((p) => productRow(p, threshold));
  $("product-rows").replaceChildren(...rows);

  const all = inv.list({ limit: 1 }).total;
  $("empty").hidden = page.total > 0;
  $("empty-text").textContent = all === 0
    ? "No products yet. Add one, or start with a few samples."
    : `No product has ${threshold} or fewer in stock.`;
  $("load-samples").hidden = all > 0;

  $("total-value").textContent = inv.totalValue();
  $("product-count").textContent = String(all);
  $("low-count").textContent = String(inv.list({ lowStock: threshold, limit: 1 }).total);

  renderCart(inv.list({ limit: 1000 }).items);

  const events = inv.eventsSince(0, 10000).slice(-8).reverse();
  $("activity").replaceChildren(...events.map(eventLine));
}

// ---------------------------------------------------------------------------- start
function wireControls() {
  $("add-form").addEventListener("submit", (event) => {
    event.preventDefault();
    clearFormErrors();
    const stockText = $("stock").value.trim();
    const input = {
      name: $("name").value,
      sku: $("sku").value,
      price: $("price").value, // a string: the library parses it exactly
    };
    // Number("1.5") and Number("abc") go to the library, which says what is wrong with them.
    if (stockText !== "") input.stock = Number(stockText);
    const product = change(() => inv.create(input), showFormError);
    if (product) {
      $("add-form").reset();
      $("name").focus();
      notify(`Added ${product.name} (${product.sku}) at ${product.price}.`);
    }
  });

  for (const id of ["low-only", "low-threshold", "order-by"]) {
    $(id).addEventListener("change", render);
  }

  $("load-samples").addEventListener("click", () => {
    change(() => inv.createMany([
      { name: "Hex bolt M8", sku: "bolt-m8", price: "0.35", stock: 1200 },
      { name: "Claw hammer", sku: "ham-16", price: "18.90", stock: 4 },
      { name: "Tape measure 5 m", sku: "tape-5", price: "7.50", stock: 23 },
      { name: "Cordless drill", sku: "drill-18v", price: "129.00", stock: 0 },
    ]));
  });

  $("checkout").addEventListener("click", () => settleCart(true));
  $("empty-cart").addEventListener("click", () => settleCart(false));

  $("reset").addEventListener("click", () => {
    localStorage.removeItem(STORAGE_KEY);
    inv.free();
    inv = Inventory.inMemory();
    render();
    notify("All data cleared.");
  });
}

try {
  await init();
  inv = load();
  wireControls();
  render();
  document.body.dataset.ready = "true";
} catch (error) {
  document.body.dataset.ready = "failed";
  notify(`The inventory library could not start: ${error.message}. Serve this folder over HTTP (see the README).`, "error");
  throw error;
}
