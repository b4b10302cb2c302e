#!/usr/bin/env python3
"""Writes conformance/vectors/*.json, the shared test vectors (format: conformance/README.md).

The JSON files are committed and are what every runner reads; this script is how they are
written, so that long inputs ("é" × 51), Unicode escapes and the per-runner skip rules stay
exact and easy to review. Edit the cases here, then regenerate:

    python3 conformance/generate.py           # rewrite the files
    python3 conformance/generate.py --check   # exit 1 if a committed file differs

Standard library only (Python 3.9+).
"""

import json
import re
import sys
import unicodedata
from pathlib import Path

from steps import FORMAT, skip_rules
from topics import (batch, delete, duplicate, get, history, holds, idempotency, list as list_topic,
                    locations, movement, name, price, reorder, sku, stock, total_value, transactions,
                    transfer, update, version)

VECTORS = Path(__file__).resolve().parent / "vectors"
# The message of every error a case's step answers, as the core writes it (written by
# scripts/conformance-messages.sh from the core's own run): pinned into the vectors, so every
# runner checks its binding's message too.
MESSAGES = Path(__file__).resolve().parent / "messages.json"

# --------------------------------------------------------------------------------------------
# Output

TOPICS = [
    ("sku", "SKU normalisation (Python's strip().upper()) and its length and character rules",
     sku.sku_cases),
    ("duplicate", "SKU uniqueness, checked on the normalised SKU, on create and update",
     duplicate.duplicate_cases),
    ("name", "Product names: trimmed, 1 to 100 characters, no control characters",
     name.name_cases),
    ("price", "Prices: exact decimals, greater than 0, at most 2 places, at most 99999999.99",
     price.price_cases),
    ("stock", "Stock limits (0 to 2147483647) and stock movements at their edges",
     stock.stock_cases),
    ("movement", "Reasons, references and actors of stock movements", movement.movement_cases),
    ("update", "Partial updates of name, SKU and price", update.update_cases),
    ("version", "Versions and optimistic concurrency (expected_version, expected_stock)",
     version.version_cases),
    ("delete", "Deleting products", delete.delete_cases),
    ("get", "Reading a product by id", get.get_cases),
    ("list", "Listing: filters, ordering, limits and pagination", list_topic.list_cases),
    ("total_value", "The exact total value, Σ price × stock", total_value.total_value_cases),
    ("history", "The ledger of one product", history.history_cases),
    ("locations", "Locations, and stock kept per location", locations.locations_cases),
    ("transfer", "Counts at a location, and transfers between locations",
     transfer.transfer_cases),
    ("batch", "Adjustments, counts and transfers applied together, all or none",
     batch.batch_cases),
    ("idempotency", "A request sent again with its idempotency key applies once",
     idempotency.idempotency_cases),
    ("holds", "Stock held for a cart or an order: committed or released once, expiring on time",
     holds.holds_cases),
    ("reorder", "Reorder points per location, and listing what is due", reorder.reorder_cases),
    ("transactions", "Several calls that commit together, or not at all",
     transactions.transactions_cases),
]


def escape_invisible(text):
    """JSON text with every non-ASCII character that is invisible or easily confused
    (spaces, format and control characters, combining marks) written as a \\u escape."""
    out = []
    for ch in text:
        cat = unicodedata.category(ch)
        if ord(ch) > 0x7E and (cat[0] in "ZCM"):
            if ord(ch) > 0xFFFF:
                v = ord(ch) - 0x10000
                out.append(f"\\u{0xD800 + (v >> 10):04x}\\u{0xDC00 + (v & 0x3FF):04x}")
            else:
                out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out)


def dump(value):
    return escape_invisible(json.dumps(value, ensure_ascii=False))


def render(topic, about, cases):
    """One file: the header, then each case with one step per line."""
    lines = ["{", f'  "format": {FORMAT},', f'  "topic": {dump(topic)},',
             f'  "about": {dump(about)},', '  "cases": [']
    for i, c in enumerate(cases):
        lines.append("    {")
        lines.append(f'      "name": {dump(c["name"])},')
        if "about" in c:
            lines.append(f'      "about": {dump(c["about"])},')
        if "clock" in c:
            lines.append(f'      "clock": {dump(c["clock"])},')
        if "skip" in c:
            lines.append(f'      "skip": {dump(c["skip"])},')
        lines.append('      "steps": [')
        for j, s in enumerate(c["steps"]):
            comma = "," if j < len(c["steps"]) - 1 else ""
            lines.append(f"        {dump(s)}{comma}")
        lines.append("      ]")
        lines.append("    }" + ("," if i < len(cases) - 1 else ""))
    lines += ["  ]", "}", ""]
    text = "\n".join(lines)
    assert json.loads(text) == {"format": FORMAT, "topic": topic, "about": about,
                                "cases": cases}, topic
    return text


def pin_messages(c, messages, missing):
    """Adds to each error expectation of case ``c`` the message the core answered."""
    for i, s in enumerate(c["steps"]):
        if "error" in s["expect"]:
            message = messages.get(c["name"], {}).get(str(i))
            if message is None:
                missing.append(f"{c['name']} step {i}")
            else:
                s["expect"]["message"] = message


def build(missing):
    files = {}
    names = set()
    messages = json.loads(MESSAGES.read_text()) if MESSAGES.exists() else {}
    for topic, about, make in TOPICS:
        cases = make()
        for c in cases:
            pin_messages(c, messages, missing)
            assert c["name"] not in names, f"duplicate case name {c['name']}"
            assert re.fullmatch(r"[a-z_]+/[a-z0-9_]+", c["name"]), c["name"]
            names.add(c["name"])
            skip = skip_rules(c)
            if skip:
                clock = c.pop("clock", None)
                steps = c.pop("steps")
                if clock:
                    c["clock"] = clock
                c["skip"] = skip
                c["steps"] = steps
        files[f"{topic}.json"] = render(topic, about, cases)
    return files


def main():
    check = "--check" in sys.argv[1:]
    missing = []
    files = build(missing)
    stale = []
    for name, text in files.items():
        path = VECTORS / name
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(name)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    extra = sorted(p.name for p in VECTORS.glob("*.json") if p.name not in files)
    count = sum(len(json.loads(t)["cases"]) for t in files.values())
    unpinned = (f"{len(missing)} error steps have no pinned message (first: {missing[0]}); "
                "run scripts/conformance-messages.sh") if missing else None
    if check:
        if stale or extra:
            print(f"conformance vectors out of date: {', '.join(stale + extra)}; "
                  "run python3 conformance/generate.py", file=sys.stderr)
            return 1
        if unpinned:
            print(unpinned, file=sys.stderr)
            return 1
        print(f"conformance vectors up to date: {len(files)} files, {count} cases")
    else:
        for name in extra:
            print(f"note: {name} is not written by this script", file=sys.stderr)
        print(f"wrote {len(files)} files, {count} cases")
        if unpinned:
            print(f"note: {unpinned}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
