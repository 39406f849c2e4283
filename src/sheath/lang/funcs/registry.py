"""Assemble terraform's built-in function table.

Each function module exposes ``functions(ctx: FunctionContext) -> dict[str, Function]``;
this module merges them. Modules are imported defensively so that one missing
or broken module does not take the whole table down.
"""

from __future__ import annotations

import importlib
from typing import Callable

from sheath.lang.funcs.function import Function, FunctionContext, FunctionTable, TemplateRenderer

# Order matters only for duplicate names: later modules win.
FUNCTION_MODULES: tuple[str, ...] = (
    "sheath.lang.funcs.numeric",
    "sheath.lang.funcs.strings",
    "sheath.lang.funcs.collections",
    "sheath.lang.funcs.conversion",
    "sheath.lang.funcs.sensitivity",
    "sheath.lang.funcs.encoding",
    "sheath.lang.funcs.filesystem",
    "sheath.lang.funcs.datetime",
    "sheath.lang.funcs.crypto",
    "sheath.lang.funcs.ipnet",
)


def _module_table(modname: str, ctx: FunctionContext) -> FunctionTable:
    try:
        mod = importlib.import_module(modname)
    except ImportError as e:
        # Only swallow "this module does not exist (yet)"; a module that exists
        # but fails to import because of its own bug should still surface.
        if e.name == modname:
            return {}
        raise
    fn: Callable[[FunctionContext], FunctionTable] | None = getattr(mod, "functions", None)
    if fn is None:
        return {}
    return fn(ctx)


def function_table(ctx: FunctionContext) -> FunctionTable:
    """All built-in functions for the given context."""
    table: FunctionTable = {}
    for modname in FUNCTION_MODULES:
        table.update(_module_table(modname, ctx))
    return table


def builtin_functions(
    base_dir: str, render_template: TemplateRenderer | None = None, pure_only: bool = False
) -> dict[str, Function]:
    """Terraform's built-in functions, relative paths resolved against base_dir.

    Terraform also exposes every function under the "core::" namespace
    (e.g. ``core::upper``); both names are included.
    """
    table = function_table(FunctionContext(base_dir=base_dir, render_template=render_template, pure_only=pure_only))
    for name, fn in list(table.items()):
        table["core::" + name] = fn
    return table
