"""The function table: its index of names is the modules' own tables, loaded lazily."""

from __future__ import annotations

from sheath.lang.funcs.function import FunctionContext
from sheath.lang.funcs.registry import FUNCTION_INDEX, builtin_functions, function_table, module_table


def test_the_index_lists_exactly_what_each_module_defines() -> None:
    ctx = FunctionContext(base_dir=".")
    for modname, names in FUNCTION_INDEX:
        assert sorted(names) == sorted(module_table(modname, ctx)), modname


def test_lazy_table_equals_the_full_table() -> None:
    lazy = builtin_functions(".")
    full = function_table(FunctionContext(base_dir="."))
    assert set(lazy) == set(full) | {"core::" + n for n in full}
    assert len(lazy) == 2 * len(full)
    assert lazy["upper"] is lazy["core::upper"]
    assert "nope" not in lazy and lazy.get("nope") is None


def test_pure_only_leaves_impure_functions_out() -> None:
    pure = builtin_functions(".", pure_only=True)
    full = function_table(FunctionContext(base_dir=".", pure_only=True))
    assert ("timestamp" in pure) == ("timestamp" in full)
    assert set(pure) == set(full) | {"core::" + n for n in full}
