"""One Inventory shared by several threads: no lost update, no oversell, the GIL released."""

from __future__ import annotations

import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import inventory
from inventory import Inventory, Product

THREADS = 8


def test_concurrent_adjustments_lose_no_update(inv: Inventory, widget: Product) -> None:
    per_thread = 100
    inv.set_stock(widget.id, 1000, reason="correction")  # enough that no sale is refused
    start = threading.Barrier(THREADS)

    def work(n: int) -> None:
        start.wait()
        for i in range(per_thread):
            # Half the threads sell, half restock twice as much.
            if n % 2:
                inv.adjust_stock(widget.id, -1, reason="sale", actor=f"t{n}")
            else:
                inv.adjust_stock(widget.id, 2, reason="restock", reference=f"r{n}-{i}")

    with ThreadPoolExecutor(THREADS) as pool:
        for f in [pool.submit(work, n) for n in range(THREADS)]:
            f.result()
    p = inv.get(widget.id)
    sells, restocks = THREADS // 2 * per_thread, THREADS // 2 * per_thread * 2
    assert p.stock == 1000 - sells + restocks
    assert p.version == 2 + THREADS * per_thread
    assert len(inv.history(widget.id)) == 2 + THREADS * per_thread
    inv.check_ledger()


def test_concurrent_sales_never_oversell(inv: Inventory) -> None:
    p = inv.create(name="Scarce", sku="S-1", price="5.00", stock=100)
    attempts = 30
    sold = [0] * THREADS
    refused = [0] * THREADS
    start = threading.Barrier(THREADS)

    def work(n: int) -> None:
        start.wait()
        for _ in range(attempts):
            try:
                inv.adjust_stock(p.id, -1, reason="sale")
                sold[n] += 1
            except inventory.InsufficientStockError as e:
                assert e.available == 0 and e.requested == 1
                refused[n] += 1

    threads = [threading.Thread(target=work, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(sold) == 100 and sum(refused) == THREADS * attempts - 100
    assert inv.get(p.id).stock == 0
    inv.check_ledger()


def test_compare_and_swap_lets_exactly_one_writer_win(inv: Inventory, widget: Product) -> None:
    start = threading.Barrier(THREADS)

    def work(n: int) -> bool:
        start.wait()
        try:
            inv.set_stock(widget.id, 100 + n, reason="correction", expected=10)
            return True
        except inventory.VersionConflictError:
            return False

    with ThreadPoolExecutor(THREADS) as pool:
        wins = list(pool.map(work, range(THREADS)))
    assert wins.count(True) == 1
    assert inv.get(widget.id).stock == 100 + wins.index(True)


def test_a_blocked_call_releases_the_gil(tmp_path: Path) -> None:
    """While a call waits for a database lock held elsewhere, other Python threads run."""
    path = tmp_path / "locked.db"
    inv = Inventory.open(path)
    p = inv.create(name="Widget", sku="W-1", price=1, stock=5)

    # Another process holds the write lock (in this process, Python's own sqlite3 is a second
    # copy of SQLite whose POSIX locks would not exclude ours); the core then waits for it.
    holder = subprocess.Popen(
        [sys.executable, "-c", LOCK_HOLDER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdin is not None and holder.stdout is not None
    try:
        assert holder.stdout.readline().strip() == "locked"
        outcome: list[object] = []
        calling = threading.Event()

        def blocked() -> None:
            calling.set()
            try:
                outcome.append(inv.adjust_stock(p.id, -1, reason="sale"))
            except Exception as e:  # reported by the assertion below
                outcome.append(e)

        worker = threading.Thread(target=blocked)
        worker.start()
        calling.wait()
        # The worker cannot finish while the other process holds the lock. Had it kept the GIL
        # while it waited, this thread could run no Python until the core's busy timeout
        # expired and the worker failed, and the outcome below would be that error. No clock
        # is read: the order of events decides.
        ran = sum(1 for _ in range(100_000))
        assert ran == 100_000
        assert worker.is_alive(), f"the write did not wait for the lock: {outcome}"
    finally:
        holder.stdin.write("release\n")
        holder.stdin.flush()
        holder.wait(timeout=120)
    worker.join(timeout=120)
    assert not worker.is_alive()
    assert len(outcome) == 1 and isinstance(outcome[0], Product), outcome
    assert outcome[0].stock == 4


LOCK_HOLDER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.readline()
conn.execute("ROLLBACK")
"""


@pytest.mark.parametrize("store", ["memory", "file"])
def test_threads_can_each_open_and_read(tmp_path: Path, store: str) -> None:
    location = "memory:" if store == "memory" else str(tmp_path / "shared.db")
    inv = Inventory.open(location)
    ids = [p.id for p in inv.create_many([{"name": f"P{i}", "sku": f"P-{i}", "price": 1} for i in range(20)])]

    def read(i: int) -> str:
        return inv.get(ids[i % 20]).sku

    with ThreadPoolExecutor(THREADS) as pool:
        assert sorted(set(pool.map(read, range(200)))) == sorted(f"P-{i}" for i in range(20))
