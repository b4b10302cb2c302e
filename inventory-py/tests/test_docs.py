"""Every example in the docstrings of the public API runs and shows what it says.

The public classes live in the package's private modules (``_api``, ``_errors``, ``_values``)
and present themselves as ``inventory``'s own, which hides their methods from doctest's own
module check; so the examples are gathered here, from the package docstring, each public name
and each member of the public classes, one test per docstring.
"""

from __future__ import annotations

import doctest
import inspect
from typing import Iterator, Tuple

import pytest

import inventory


def _docstrings() -> Iterator[Tuple[str, object]]:
    yield "inventory", inventory
    seen = set()
    for name in inventory.__all__:
        obj = getattr(inventory, name)
        if not inspect.isclass(obj):
            continue
        yield name, obj
        # Members a public class inherits from a private base (the calls Inventory and
        # Transaction share) count once, under the first class that has them.
        for klass in inspect.getmro(obj)[:-1]:
            for member_name, member in vars(klass).items():
                func = (
                    member.__func__ if isinstance(member, (classmethod, staticmethod)) else member
                )
                func = func.fget if isinstance(func, property) else func
                if inspect.isfunction(func) and func.__doc__ and func not in seen:
                    seen.add(func)
                    yield f"{name}.{member_name}", func


_FINDER = doctest.DocTestFinder(recurse=False)
_TESTS = [
    test
    for name, obj in _docstrings()
    for test in _FINDER.find(obj, name, globs={})
    if test.examples
]


def test_the_examples_were_found() -> None:
    # The package, the classes and the Inventory's methods: far more than a handful.
    assert len(_TESTS) >= 30
    assert any(t.name == "Inventory.adjust_stock" for t in _TESTS)


@pytest.mark.parametrize("test", _TESTS, ids=[t.name for t in _TESTS])
def test_docstring_example(test: doctest.DocTest) -> None:
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test, out=lambda text: print(text, end=""))
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed"
