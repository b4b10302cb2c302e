"""The Python binding against the Django ORM it replaces, operation by operation.

Runs the same operations through ``inventory`` (the in-memory store and a SQLite file) and
through the Django ORM on a SQLite file with the original system's ``Product`` model (Django
configured in this process with ``settings.configure``; no project on disk), and prints a table
of operations per second and the ratio binding / Django.

The contenders take turns in short blocks, in an order that alternates every round, and each
figure is the median over the rounds, so a shift in the machine's load hits all of them alike.

Run it through ``benches/python/run.sh``, which builds the wheel and makes the environment.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable, Dict, List, Optional

import django
from django.conf import settings

import inventory

# ------------------------------------------------------------------------------------ Django
# The original's settings for SQLite, with the same durability as the library's SQLite store
# (WAL journal, synchronous=NORMAL, writes that take the lock up front), so that the comparison
# is about the layers above SQLite, not about pragmas.
DB_DIR = tempfile.mkdtemp(prefix="inventory-bench-")
settings.configure(
    DEBUG=False,
    USE_TZ=True,
    TIME_ZONE="UTC",
    INSTALLED_APPS=[],
    DEFAULT_AUTO_FIELD="django.db.models.AutoField",
    DATABASES={
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.path.join(DB_DIR, "django.db"),
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
            },
        }
    },
)
django.setup()

from django.core.paginator import Paginator  # noqa: E402  (needs settings first)
from django.db import connection, models, transaction  # noqa: E402
from django.db.models import DecimalField, F, Sum  # noqa: E402


class Product(models.Model):
    """The original system's one model, with the indexes its design note recommends."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=100)
    sku = models.CharField(max_length=50, unique=True)
    price = models.DecimalField(max_digits=10, decimal_places=2)
    stock = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "bench"
        indexes = [models.Index(fields=["created_at"]), models.Index(fields=["stock"])]


with connection.schema_editor() as editor:
    editor.create_model(Product)


# -------------------------------------------------------------------------------- the data
def item(i: int) -> Dict[str, object]:
    """Product number ``i``: the same data for every contender (prices 0.01 to 10,000.00)."""
    return {
        "name": f"Product {i}",
        "sku": f"sku-{i:08}",
        "price": Decimal(1 + (i * 7919) % 1_000_000) / 100,
        "stock": i * 31 % 1000,
    }


def scattered(k: int, n: int) -> int:
    return (k * 7919) % n


# --------------------------------------------------------------------------- the contenders
@dataclass
class Contender:
    """One way of running the operations, with the ids and SKUs it has created."""

    label: str
    ids: List[object] = field(default_factory=list)
    skus: List[str] = field(default_factory=list)
    next_number: int = 0

    def numbers(self, count: int) -> range:
        start = self.next_number
        self.next_number += count
        return range(start, start + count)


class Binding(Contender):
    def __init__(self, label: str, inv: inventory.Inventory) -> None:
        super().__init__(label)
        self.inv = inv

    def bulk_create(self, count: int) -> None:
        rows = [item(i) for i in self.numbers(count)]
        made = self.inv.create_many(rows)
        self.ids.extend(p.id for p in made)
        self.skus.extend(r["sku"] for r in rows)  # type: ignore[misc]

    def create_one_by_one(self, count: int) -> None:
        # As Django's transaction.atomic() loop: one transaction across the calls.
        with self.inv.transaction() as tx:
            for i in self.numbers(count):
                p = tx.create(**item(i))  # type: ignore[arg-type]
                self.ids.append(p.id)
                self.skus.append(p.sku)

    def create_autocommit(self, count: int) -> None:
        for i in self.numbers(count):
            p = self.inv.create(**item(i))  # type: ignore[arg-type]
            self.ids.append(p.id)
            self.skus.append(p.sku)

    def get(self, k: int) -> object:
        return self.inv.get(self.ids[scattered(k, len(self.ids))])

    def get_by_sku(self, k: int) -> object:
        return self.inv.get_by_sku(self.skus[scattered(k, len(self.skus))])

    def adjust(self, k: int) -> object:
        return self.inv.adjust_stock(self.ids[scattered(k, len(self.ids))], 1, reason="restock")

    def list_page(self, k: int) -> object:
        return self.inv.list(limit=50)

    def total_value(self, k: int) -> Decimal:
        return self.inv.total_value()


class DjangoOrm(Contender):
    def _instances(self, count: int) -> List[Product]:
        out = []
        for i in self.numbers(count):
            data = item(i)
            # The original's serializer normalises the SKU: value.strip().upper().
            data["sku"] = str(data["sku"]).strip().upper()
            out.append(Product(**data))
        return out

    def bulk_create(self, count: int) -> None:
        made = Product.objects.bulk_create(self._instances(count))
        self.ids.extend(p.id for p in made)
        self.skus.extend(p.sku for p in made)

    def create_one_by_one(self, count: int) -> None:
        with transaction.atomic():
            self._create_each(count)

    def create_autocommit(self, count: int) -> None:
        self._create_each(count)

    def _create_each(self, count: int) -> None:
        for i in self.numbers(count):
            data = item(i)
            data["sku"] = str(data["sku"]).strip().upper()
            p = Product.objects.create(**data)
            self.ids.append(p.id)
            self.skus.append(p.sku)

    def get(self, k: int) -> object:
        return Product.objects.get(pk=self.ids[scattered(k, len(self.ids))])

    def get_by_sku(self, k: int) -> object:
        sku = self.skus[scattered(k, len(self.skus))].strip().upper()
        return Product.objects.get(sku=sku)

    def adjust(self, k: int) -> object:
        pk = self.ids[scattered(k, len(self.ids))]
        return Product.objects.filter(pk=pk).update(stock=F("stock") + 1)

    def list_page(self, k: int) -> object:
        # What DRF's page-number pagination does: a count and one page of 50.
        page = Paginator(Product.objects.order_by("created_at", "id"), 50).page(1)
        return (page.paginator.count, list(page.object_list))

    def total_value(self, k: int) -> Decimal:
        total = Product.objects.aggregate(
            total=Sum(F("price") * F("stock"), output_field=DecimalField(max_digits=30, decimal_places=2))
        )["total"]
        return Decimal(total or 0)


# ------------------------------------------------------------------------------ measuring
@dataclass
class Op:
    name: str
    #: What one unit is (an operation, or a product for the batch operations).
    unit: str
    #: Runs ``n`` units on a contender.
    run: Callable[[Contender, int], None]
    #: Units per call of ``run`` at least (a batch), or 1.
    granule: int = 1
    #: Whether the operation adds products: then every contender runs the same number of units
    #: per turn (the slowest one's), so that all tables keep the same size for what follows.
    grows: bool = False


def repeat(method: str) -> Callable[[Contender, int], None]:
    def run(c: Contender, n: int) -> None:
        f = getattr(c, method)
        start = getattr(c, "_k", 0)
        for k in range(start, start + n):
            f(k)
        setattr(c, "_k", start + n)

    return run


OPS = [
    Op(
        "bulk create (10,000 per call)",
        "product",
        lambda c, n: c.bulk_create(n),
        granule=10_000,
        grows=True,
    ),
    Op(
        "create one by one in a transaction",
        "product",
        lambda c, n: c.create_one_by_one(n),
        grows=True,
    ),
    Op(
        "create, each its own transaction",
        "product",
        lambda c, n: c.create_autocommit(n),
        grows=True,
    ),
    Op("get by id", "op", repeat("get")),
    Op("get by SKU", "op", repeat("get_by_sku")),
    Op("adjust stock (atomic +1)", "op", repeat("adjust")),
    Op("list a page of 50 (with count)", "op", repeat("list_page")),
    Op("total value", "op", repeat("total_value")),
]


def rates(op: Op, contenders: List[Contender], rounds: int, block: float) -> List[List[float]]:
    """Units per second of each contender in each round."""
    sizes = []
    for c in contenders:  # calibrate: a block of about `block` seconds each
        n = op.granule
        while True:
            started = time.perf_counter()
            op.run(c, n)
            spent = time.perf_counter() - started
            if spent >= block or op.granule > 1:
                break
            n *= 2
        sizes.append(max(op.granule, int(n * block / max(spent, 1e-9)) // op.granule * op.granule))
    if op.grows:  # calibration added more to the faster ones: even the tables out again
        counts = [len(c.ids) for c in contenders]
        for c, have in zip(contenders, counts):
            if max(counts) > have:
                op.run(c, max(counts) - have)
    if op.grows:
        sizes = [min(sizes)] * len(sizes)
    per_round: List[List[float]] = [[] for _ in contenders]
    for r in range(rounds):
        order = range(len(contenders)) if r % 2 == 0 else reversed(range(len(contenders)))
        for i in order:
            started = time.perf_counter()
            op.run(contenders[i], sizes[i])
            per_round[i].append(sizes[i] / (time.perf_counter() - started))
    return per_round


def human(rate: float) -> str:
    if rate >= 1e6:
        return f"{rate / 1e6:.2f} M"
    if rate >= 1e3:
        return f"{rate / 1e3:.1f} k"
    return f"{rate:.0f}"


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7, help="turns per contender and operation")
    parser.add_argument("--block", type=float, default=0.1, help="seconds per turn (about)")
    parser.add_argument("--load", type=int, default=20_000, help="products loaded before the reads")
    args = parser.parse_args(argv)

    contenders: List[Contender] = [
        Binding("inventory, memory", inventory.Inventory.in_memory()),
        Binding("inventory, SQLite", inventory.Inventory.open(os.path.join(DB_DIR, "inventory.db"))),
        DjangoOrm("Django ORM, SQLite"),
    ]
    # The same table size for everyone before the operations start.
    for c in contenders:
        for _ in range(0, args.load, 10_000):
            c.bulk_create(10_000)

    print(
        f"Python {sys.version.split()[0]}, Django {django.get_version()}, "
        f"inventory {getattr(inventory, '__version__', '')}".rstrip(", ")
    )
    print(f"{args.rounds} rounds per operation, turns of about {args.block} s; ops/s are medians.\n")
    header = "| operation | " + " | ".join(c.label for c in contenders)
    header += " | memory / Django | SQLite / Django |"
    print(header)
    print("|---|" + "---:|" * (len(contenders) + 2))
    summary = {}
    for op in OPS:
        per_round = rates(op, contenders, args.rounds, args.block)
        medians = [statistics.median(r) for r in per_round]
        ratios = [
            statistics.median(a / b for a, b in zip(per_round[i], per_round[2])) for i in (0, 1)
        ]
        summary[op.name] = ratios
        unit = "products/s" if op.unit == "product" else "ops/s"
        cells = " | ".join(f"{human(m)} {unit}" for m in medians)
        print(f"| {op.name} | {cells} | {ratios[0]:.1f}× | {ratios[1]:.1f}× |")

    # Exactness: the binding's total is exact by construction; Django's Sum over a
    # DecimalField on SQLite goes through floating point.
    exact = sum(
        (Decimal(p.price) * p.stock for p in Product.objects.all().only("price", "stock")),
        Decimal(0),
    )
    orm_total = contenders[2].total_value(0)  # type: ignore[attr-defined]
    print(
        f"\nProducts in each store at the end: {', '.join(str(len(c.ids)) for c in contenders)}."
    )
    print(
        f"Total value over {Product.objects.count()} products: Django's Sum gives {orm_total}, "
        f"the exact sum is {exact}" + (" (equal)" if orm_total == exact else " (NOT equal)")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
