// End-to-end: the demo page (examples/web) in headless Chromium, driven by playwright-core.
// Serves the folder on 127.0.0.1 itself, adds a product, sells stock, triggers the library's
// validation errors, reloads, checks what the page shows, and saves screenshots (the page after
// the reload, and the form showing a validation error) under target/wasm-e2e/.
//
//   CHROME=/usr/bin/chromium node --test inventory-wasm/tests/e2e/
// (playwright-core must be resolvable, e.g. NODE_PATH from scripts/tools.sh's ensure_playwright)
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { mkdirSync, readFile } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

const require = createRequire(import.meta.url); // honours NODE_PATH, unlike `import`
const { chromium } = require("playwright-core");

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../../..");
const webRoot = path.join(root, "examples/web");
const screenshot = process.env.SCREENSHOT ?? path.join(root, "target/wasm-e2e/demo.png");

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".ts": "text/plain; charset=utf-8",
};

/** A static file server for examples/web on 127.0.0.1 (a free port). */
function serve() {
  const server = createServer((req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    const file = path.join(webRoot, decodeURIComponent(url.pathname === "/" ? "/index.html" : url.pathname));
    if (!file.startsWith(webRoot + path.sep)) {
      res.writeHead(403).end();
      return;
    }
    readFile(file, (err, body) => {
      if (err) {
        res.writeHead(404, { "content-type": "text/plain" }).end("not found");
        return;
      }
      res.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream" }).end(body);
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

let server;
let browser;
let page;
let base;
const problems = []; // console errors, page errors and failed requests: none are expected

before(async () => {
  server = await serve();
  base = `http://127.0.0.1:${server.address().port}/`;
  browser = await chromium.launch({
    executablePath: process.env.CHROME ?? "/usr/bin/chromium",
    headless: true,
    // Playwright gives every launch a fresh profile (its own --user-data-dir).
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  context.setDefaultTimeout(15_000);
  page = await context.newPage();
  page.on("console", (m) => { if (m.type() === "error") problems.push(`console: ${m.text()}`); });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()}`));
  page.on("response", (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
});

const row = (sku) => page.locator(`#product-rows tr[data-sku="${sku}"]`);
const rowSkus = () => page.locator("#product-rows tr").evaluateAll((rows) => rows.map((r) => r.dataset.sku));
const stockOf = async (sku) => Number(await row(sku).locator(".stock-count").textContent());
const availableOf = async (sku) => Number(await row(sku).locator(".available-count").textContent());
const total = () => page.locator("#total-value").textContent();

async function open() {
  await page.goto(base);
  await page.waitForSelector('body[data-ready="true"]');
}

async function addProduct({ name, sku, price, stock }) {
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("SKU", { exact: true }).fill(sku);
  await page.getByLabel("Price", { exact: true }).fill(price);
  await page.getByLabel("Initial stock").fill(stock);
  await page.getByRole("button", { name: "Add product" }).click();
}

test("the demo page: add, sell, validate, persist across reload", async () => {
  await open();
  assert.deepEqual(await rowSkus(), []);
  assert.equal(await total(), "0.00");
  assert.ok(await page.getByText("No products yet").isVisible());

  // Add a product: the library normalises the SKU and keeps the price as typed.
  await addProduct({ name: "Espresso cups (set of 6)", sku: " cup-6 ", price: "24.90", stock: "12" });
  await row("CUP-6").waitFor();
  assert.equal(await row("CUP-6").locator("td.num.mono").textContent(), "24.90");
  assert.equal(await stockOf("CUP-6"), 12);
  assert.equal(await total(), "298.80");
  assert.equal(await page.getByLabel("Name", { exact: true }).inputValue(), "", "the form is reset");

  // Validation errors come from the library and sit under the field they are about.
  await addProduct({ name: "Milk jug", sku: "jug-1", price: "9.999", stock: "0" });
  const priceError = page.locator("#price-error");
  assert.equal(await priceError.textContent(), "Must have at most 2 decimal places");
  assert.equal(await page.getByLabel("Price", { exact: true }).getAttribute("aria-invalid"), "true");
  assert.equal(await page.locator("#name-error").textContent(), "");
  assert.deepEqual(await rowSkus(), ["CUP-6"], "nothing was added");
  mkdirSync(path.dirname(screenshot), { recursive: true });
  await page.screenshot({ path: screenshot.replace(/\.png$/, "-validation.png") });

  await page.getByLabel("SKU", { exact: true }).fill("CUP-6");
  await page.getByLabel("Price", { exact: true }).fill("12");
  await page.getByRole("button", { name: "Add product" }).click();
  assert.match(await page.locator("#sku-error").textContent(), /SKU "CUP-6" already exists/);
  assert.equal(await priceError.textContent(), "", "the old message is cleared");

  await page.getByLabel("Initial stock").fill("1.5");
  await page.getByLabel("SKU", { exact: true }).fill("jug-1");
  await page.getByRole("button", { name: "Add product" }).click();
  assert.equal(await page.locator("#stock-error").textContent(), "Must be a whole number");

  await page.getByLabel("Initial stock").fill("0");
  await page.getByRole("button", { name: "Add product" }).click();
  await row("JUG-1").waitFor();
  assert.equal(await row("JUG-1").locator(".badge").textContent(), "out");

  // Sell two cups with the reason "sale".
  await page.getByLabel("Reason for − / +").selectOption("sale");
  await page.getByRole("button", { name: "Remove one Espresso cups (set of 6)" }).click();
  await page.getByRole("button", { name: "Remove one Espresso cups (set of 6)" }).click();
  assert.equal(await stockOf("CUP-6"), 10);
  assert.equal(await total(), "249.00");

  // Stock never goes below zero: the library refuses and the page says why.
  await page.getByRole("button", { name: "Remove one Milk jug" }).click();
  const status = page.getByRole("status");
  assert.equal(await status.textContent(), "Milk jug: Insufficient stock: 0 available, 1 requested");
  assert.equal(await status.getAttribute("data-kind"), "error");
  assert.equal(await stockOf("JUG-1"), 0);

  // Restock one jug; the low-stock filter then shows only what is at or below 5.
  await page.getByLabel("Reason for − / +").selectOption("restock");
  await page.getByRole("button", { name: "Add one Milk jug" }).click();
  assert.equal(await stockOf("JUG-1"), 1);
  await page.getByLabel("Only low stock").check();
  assert.deepEqual(await rowSkus(), ["JUG-1"]);
  assert.equal(await page.locator("#low-count").textContent(), "1");
  await page.getByLabel("Only low stock").uncheck();
  assert.deepEqual(await rowSkus(), ["CUP-6", "JUG-1"]);

  // The cart: holding a unit takes it from what is available, not from what is on hand.
  assert.equal(await page.locator("#cart-empty").isVisible(), true);
  await page.getByRole("button", { name: "Hold one Espresso cups (set of 6)" }).click();
  await page.getByRole("button", { name: "Hold one Espresso cups (set of 6)" }).click();
  assert.equal(await stockOf("CUP-6"), 10);
  assert.equal(await availableOf("CUP-6"), 8);
  assert.match(await page.locator('#cart-lines li[data-sku="CUP-6"]').textContent(), /^2 × Espresso cups \(set of 6\) \(held until /);
  // Held stock is not for sale: the one jug, held, cannot be sold, and cannot be held twice.
  await page.getByRole("button", { name: "Hold one Milk jug" }).click();
  assert.equal(await availableOf("JUG-1"), 0);
  await page.getByLabel("Reason for − / +").selectOption("sale");
  await page.getByRole("button", { name: "Remove one Milk jug" }).click();
  assert.equal(await status.textContent(), "Milk jug: Insufficient stock: 0 available, 1 requested");
  await page.getByRole("button", { name: "Hold one Milk jug" }).click();
  assert.equal(await status.textContent(), "Milk jug: Insufficient stock: 0 available, 1 requested");
  // Check out: the holds become sales.
  await page.getByRole("button", { name: "Check out" }).click();
  assert.equal(await status.textContent(), "Checked out 3 items.");
  assert.equal(await stockOf("CUP-6"), 8);
  assert.equal(await availableOf("CUP-6"), 8);
  assert.equal(await stockOf("JUG-1"), 0);
  assert.equal(await page.locator("#cart-empty").isVisible(), true);
  assert.equal(await page.getByRole("button", { name: "Check out" }).isDisabled(), true);
  // Hold one more and give it back.
  await page.getByRole("button", { name: "Hold one Espresso cups (set of 6)" }).click();
  assert.equal(await availableOf("CUP-6"), 7);
  await page.getByRole("button", { name: "Empty cart" }).click();
  assert.equal(await availableOf("CUP-6"), 8);
  assert.match((await page.locator("#activity li").allTextContents())[0], /CUP-6: 1 back in stock/);
  // Restock so the checks below find what they expect: CUP-6 10, JUG-1 1.
  await page.getByLabel("Reason for − / +").selectOption("restock");
  await page.getByRole("button", { name: "Add one Espresso cups (set of 6)" }).click();
  await page.getByRole("button", { name: "Add one Espresso cups (set of 6)" }).click();
  await page.getByRole("button", { name: "Add one Milk jug" }).click();

  // Reload: everything comes back from the snapshot in localStorage.
  const saved = await page.evaluate(() => JSON.parse(localStorage.getItem("inventory-demo/snapshot")));
  assert.equal(saved.format, 3);
  assert.equal(saved.products.length, 2);
  await open();
  await page.getByLabel("Only low stock").setChecked(false);
  assert.deepEqual(await rowSkus(), ["CUP-6", "JUG-1"]);
  assert.equal(await stockOf("CUP-6"), 10);
  assert.equal(await stockOf("JUG-1"), 1);
  assert.equal(await total(), "261.00");
  assert.equal(await page.locator("#product-count").textContent(), "2");
  const activity = await page.locator("#activity li").allTextContents();
  assert.equal(activity.length, 8, "the eight most recent events");
  assert.match(activity[0], /JUG-1 \+1 \(restock\) → 1/);
  assert.match(activity[1], /CUP-6 \+1 \(restock\) → 10/);

  await page.screenshot({ path: screenshot, fullPage: true });

  assert.deepEqual(problems, []);
});

test("a damaged snapshot is refused whole and the page starts empty", async () => {
  await page.evaluate(() => {
    const snap = JSON.parse(localStorage.getItem("inventory-demo/snapshot"));
    snap.products[0].stock += 100; // no longer the sum of its movements
    localStorage.setItem("inventory-demo/snapshot", JSON.stringify(snap));
  });
  await open();
  assert.match(await page.getByRole("status").textContent(), /could not be loaded \(snapshot: .*differs from the sum of its movements \(\d+\)\)/);
  assert.deepEqual(await rowSkus(), []);
  assert.ok(await page.evaluate(() => localStorage.getItem("inventory-demo/snapshot.rejected") !== null));
  assert.deepEqual(problems, []);
});
