"""The Python quickstart: a small shop kept in ``inventory.db`` in the current folder.

The twin of ``examples/quickstart.rs``. Install the package first (see the README's Python
section), then::

    python examples/python/quickstart.py   # run it twice: the second run finds the first's data
"""

from __future__ import annotations

from datetime import timedelta
from typing import Iterable

import inventory
from inventory import Inventory, Product


def main() -> None:
    inv = Inventory.open("inventory.db")

    existing = inv.list().total
    if existing == 0:
        print("New shop: adding products to inventory.db")
        inv.create_many(
            [
                {"name": "Espresso beans 1 kg", "sku": "cof-esp-1kg", "price": "18.50", "stock": 40},
                {"name": "Filter papers (100)", "sku": "acc-filter-100", "price": "3.20", "stock": 12},
                {"name": "Ceramic mug", "sku": "mug-white", "price": "9.90", "stock": 6},
                {"name": "Hand grinder", "sku": "grind-hand", "price": "64.00", "stock": 3},
            ]
        )
    else:
        print(f"Found {existing} products from an earlier run in inventory.db")

    # A sale, a restock, and a sale too big to fill: refused, nothing changes.
    beans = inv.get_by_sku("COF-ESP-1KG")
    if beans.stock < 5:
        inv.adjust_stock(beans.id, 40, reason="restock", actor="warehouse")
    inv.adjust_stock(beans.id, -5, reason="sale", reference="order-1001", actor="till-1")
    mugs = inv.get_by_sku(" mug-white ")
    inv.adjust_stock(mugs.id, 4, reason="restock", actor="warehouse")
    # A web order holds two mugs for 15 minutes while the customer pays; paid for one, the
    # other goes back.
    cart = inv.reserve(mugs.id, 2, expires_in=timedelta(minutes=15), reference="web-cart-7")
    level = inv.stock_levels(mugs.id)[0]
    print(f"Held {cart.quantity} mugs for {cart.reference}: {level.on_hand} on hand, "
          f"{level.available} available")
    inv.commit_hold(cart.id, quantity=1, reference="web-order-7")
    grinder = inv.get_by_sku("grind-hand")
    try:
        inv.adjust_stock(grinder.id, -10, reason="sale")
    except inventory.InsufficientStockError as refused:
        print(f"Refused: {refused}")

    print()
    print_table(inv.list(order_by="sku"))

    print("\nLow stock (10 or fewer):")
    for p in inv.list(low_stock=10, order_by="stock"):
        print(f"  {p.sku:<16} {p.stock:>5} left")

    print(f"\nTotal value: {inv.total_value()}")
    last = inv.history(beans.id)[-1]
    print(
        f"Last movement of {last.sku}: {last.delta or 0:+} ({last.reason or '-'}), "
        f"{last.stock_before} -> {last.stock_after}, by {last.actor or '-'} "
        f"at {last.at:%Y-%m-%d %H:%M:%S %Z}"
    )
    events, since = 0, 0
    while batch := inv.events_since(since):
        events += len(batch)
        since = batch[-1].seq
    print(f"({events} events in the ledger; run again to see the data persist)")


def print_table(products: Iterable[Product]) -> None:
    print(f"{'SKU':<16} {'Name':<22} {'Price':>9} {'Stock':>6} {'Value':>10}")
    print("-" * 67)
    for p in products:
        print(f"{p.sku:<16} {p.name:<22} {p.price:>9} {p.stock:>6} {p.price * p.stock:>10}")


if __name__ == "__main__":
    main()
