"""Fixtures shared by the suite: most tests run against both stores the binding can open."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Dict, Iterator, List, Tuple

import pytest

import inventory


@pytest.fixture(params=["memory", "sqlite-file"])
def inv(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[inventory.Inventory]:
    """An empty inventory: the in-memory store, then a SQLite file."""
    if request.param == "memory":
        yield inventory.Inventory.in_memory()
    else:
        yield inventory.Inventory.open(tmp_path / "shop.db")


@pytest.fixture
def widget(inv: inventory.Inventory) -> inventory.Product:
    """A product with 10 in stock at 9.99."""
    return inv.create(name="Widget", sku="W-1", price="9.99", stock=10)


# ------------------------------------------------------------------------ conformance summary
@dataclasses.dataclass
class StoreTally:
    """What the conformance runner (test_conformance.py) did on one store."""

    cases: int = 0
    steps: int = 0
    skipped: List[Tuple[str, str]] = dataclasses.field(default_factory=list)


class ConformanceTally:
    """Counts the conformance cases per store, for the summary printed at the end of the run."""

    def __init__(self) -> None:
        self.stores: Dict[str, StoreTally] = {}

    def ran(self, store: str, steps: int) -> None:
        tally = self.stores.setdefault(store, StoreTally())
        tally.cases += 1
        tally.steps += steps

    def skipped(self, store: str, case: str, reason: str) -> None:
        tally = self.stores.setdefault(store, StoreTally())
        tally.cases += 1
        tally.skipped.append((case, reason))

    def lines(self) -> List[str]:
        """``conformance: N cases, M steps, store S[, K skipped]`` per store, each followed by
        its skipped cases and their reasons (the format of conformance/README.md)."""
        out = []
        for store, t in self.stores.items():
            line = f"conformance: {t.cases} cases, {t.steps} steps, store {store}"
            out.append(line + (f", {len(t.skipped)} skipped" if t.skipped else ""))
            out += [f"  skipped {case}: {reason}" for case, reason in t.skipped]
        return out


_CONFORMANCE = ConformanceTally()


@pytest.fixture(scope="session")
def conformance_tally() -> ConformanceTally:
    """The run's conformance counts (one object for the whole session)."""
    return _CONFORMANCE


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Prints the conformance summary lines, even under ``-q``."""
    for line in _CONFORMANCE.lines():
        terminalreporter.write_line(line)
