"""Assemble terraform's built-in function table.

Each function module exposes ``functions(ctx: FunctionContext) -> dict[str, Function]``;
this module merges them, importing a module only when one of its functions is
looked up (most configurations call a handful of functions).
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Iterator, Mapping
from typing import Callable

from sheath.lang.funcs.function import Function, FunctionContext, FunctionTable, TemplateRenderer

# Each module and the functions it defines. Order matters only for duplicate names:
# later modules win. The names are listed here so that a run imports only the
# modules whose functions it calls (tests check the lists against the modules).
FUNCTION_INDEX: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("sheath.lang.funcs.numeric", ("abs", "ceil", "floor", "log", "max", "min", "parseint", "pow", "signum")),
    (
        "sheath.lang.funcs.strings",
        (
            "chomp", "endswith", "format", "formatlist", "indent", "join", "lower", "regex", "regexall",
            "replace", "split", "startswith", "strcontains", "strrev", "substr", "templatestring", "title",
            "trim", "trimprefix", "trimspace", "trimsuffix", "upper",
        ),
    ),
    (
        "sheath.lang.funcs.collections",
        (
            "alltrue", "anytrue", "chunklist", "coalesce", "coalescelist", "compact", "concat", "contains",
            "distinct", "element", "flatten", "index", "keys", "length", "list", "lookup", "map", "matchkeys",
            "merge", "one", "range", "reverse", "setintersection", "setproduct", "setsubtract", "setunion",
            "slice", "sort", "sum", "transpose", "values", "zipmap",
        ),
    ),
    ("sheath.lang.funcs.conversion", ("tobool", "tolist", "tomap", "tonumber", "toset", "tostring")),
    ("sheath.lang.funcs.sensitivity", ("ephemeralasnull", "issensitive", "nonsensitive", "sensitive")),
    (
        "sheath.lang.funcs.encoding",
        (
            "base64decode", "base64encode", "base64gzip", "csvdecode", "jsondecode", "jsonencode",
            "textdecodebase64", "textencodebase64", "urlencode", "yamldecode", "yamlencode",
        ),
    ),
    (
        "sheath.lang.funcs.filesystem",
        (
            "abspath", "basename", "dirname", "file", "filebase64", "filebase64sha256", "filebase64sha512",
            "fileexists", "filemd5", "fileset", "filesha1", "filesha256", "filesha512", "pathexpand",
            "templatefile",
        ),
    ),
    ("sheath.lang.funcs.datetime", ("formatdate", "timeadd", "timecmp", "timestamp")),
    (
        "sheath.lang.funcs.crypto",
        ("base64sha256", "base64sha512", "bcrypt", "md5", "rsadecrypt", "sha1", "sha256", "sha512", "uuid", "uuidv5"),
    ),
    ("sheath.lang.funcs.ipnet", ("cidrhost", "cidrnetmask", "cidrsubnet", "cidrsubnets")),
)

FUNCTION_MODULES: tuple[str, ...] = tuple(m for m, _ in FUNCTION_INDEX)


def module_table(modname: str, ctx: FunctionContext) -> FunctionTable:
    """The functions one module defines for ctx."""
    mod = importlib.import_module(modname)
    fn: Callable[[FunctionContext], FunctionTable] = getattr(mod, "functions")
    return fn(ctx)


def function_table(ctx: FunctionContext) -> FunctionTable:
    """All built-in functions for the given context (every module imported)."""
    table: FunctionTable = {}
    for modname in FUNCTION_MODULES:
        table.update(module_table(modname, ctx))
    return table


class BuiltinFunctions(Mapping[str, Function]):
    """Terraform's built-in functions, each also under ``core::``; a function's module is
    imported the first time one of its names is looked up. Thread-safe."""

    def __init__(self, ctx: FunctionContext) -> None:
        self._ctx = ctx
        self._module_of: dict[str, str] = {}
        for modname, names in FUNCTION_INDEX:
            for n in names:
                self._module_of[n] = modname
                self._module_of["core::" + n] = modname
        self._loaded: dict[str, FunctionTable] = {}
        self._lock = threading.Lock()

    def with_render_template(self, render_template: TemplateRenderer) -> "BuiltinFunctions":
        """The same functions, templatefile and templatestring rendering with render_template
        (a module whose table adds provider functions gives its templates that table)."""
        return BuiltinFunctions(
            FunctionContext(base_dir=self._ctx.base_dir, render_template=render_template, pure_only=self._ctx.pure_only)
        )

    def _table(self, modname: str) -> FunctionTable:
        t = self._loaded.get(modname)
        if t is None:
            with self._lock:
                t = self._loaded.get(modname)
                if t is None:
                    t = module_table(modname, self._ctx)
                    self._loaded[modname] = t
        return t

    def __getitem__(self, name: str) -> Function:
        modname = self._module_of.get(name)
        if modname is None:
            raise KeyError(name)
        return self._table(modname)[name[6:] if name.startswith("core::") else name]

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str) or name not in self._module_of:
            return False
        return (name[6:] if name.startswith("core::") else name) in self._table(self._module_of[name])

    def __iter__(self) -> Iterator[str]:
        return (n for n in self._module_of if n in self)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def builtin_functions(
    base_dir: str, render_template: TemplateRenderer | None = None, pure_only: bool = False
) -> BuiltinFunctions:
    """Terraform's built-in functions, relative paths resolved against base_dir.

    Terraform also exposes every function under the "core::" namespace
    (e.g. ``core::upper``); both names are included.
    """
    return BuiltinFunctions(FunctionContext(base_dir=base_dir, render_template=render_template, pure_only=pure_only))
