"""`make bench` and `make loadtest` run `python -m bench` / `python -m loadtest`: their entry
points and every bench module import (nothing else in the suite imports them)."""

import importlib
import pkgutil

import pytest

import bench


@pytest.mark.parametrize("module", ["bench.__main__", "loadtest.__main__"])
def test_the_entry_points_import(module):
    assert callable(importlib.import_module(module).main)


def test_every_bench_module_imports():
    names = [name for _, name, _ in pkgutil.iter_modules(bench.__path__) if name.startswith("bench_")]
    assert names
    for name in names:
        importlib.import_module(f"bench.{name}")
