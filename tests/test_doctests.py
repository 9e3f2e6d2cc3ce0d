"""Run the docstring examples of every public module (they are documentation and must work)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import tambon_gis

MODULES = sorted(
    m.name
    for m in pkgutil.walk_packages(tambon_gis.__path__, prefix="tambon_gis.")
    if not m.name.endswith("__main__")
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} docstring example(s) failed in {name}"
