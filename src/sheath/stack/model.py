"""The Python model of a stack: references, declarations and the stack they are added to.

A stack file runs with a Stack as its current collector (a context variable set by
sheath.stack.synth while the file executes); every declaration function and class
adds a Declaration to it, with the stack file's line it was declared at.

A Ref is an expression of the configuration language (a traversal such as
aws_s3_bucket.logs.arn). Attribute access and indexing give longer references;
formatting one (str(), f-strings) gives "${...}" between two marker characters,
so that synthesis can tell a reference inside a string from a literal "${" to escape.
A reference's value is only known when the engine evaluates the configuration, so
using it in Python control flow (bool, len, iteration, comparison) raises
UnknownValueError.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, NoReturn

# Markers around a formatted reference (Unicode private use characters).
REF_OPEN = "\ue000"
REF_CLOSE = "\ue001"


class StackError(Exception):
    """A mistake in a stack file, reported as a diagnostic at the stack file's line."""


class UnknownValueError(StackError):
    """A reference's value was used by Python code while the stack was being built."""


def _unknown(expr: str, use: str) -> NoReturn:
    raise UnknownValueError(
        f"The value of {expr} is only known after apply (or while sheath evaluates the configuration), "
        f"so Python cannot use it for {use} while the stack is being built. Express the decision in the "
        "configuration instead: pass the reference as an argument, use count or for_each with a "
        'reference, or write a conditional expression with expr("... ? ... : ...").'
    )


class Ref:
    """A reference expression; its value is not known while Python runs."""

    __slots__ = ("_expr",)
    _expr: str

    def __init__(self, expression: str) -> None:
        object.__setattr__(self, "_expr", expression)

    def __getattr__(self, name: str) -> "Ref":
        if name.startswith("__"):
            raise AttributeError(name)
        return Ref(f"{self._expr}.{name}")

    def __setattr__(self, name: str, value: object) -> None:
        raise StackError(f"cannot assign to {self._expr}.{name}: references are read-only")

    def __getitem__(self, key: object) -> "Ref":
        if isinstance(key, Ref):
            return Ref(f"{self._expr}[{key._expr}]")
        if isinstance(key, bool) or not isinstance(key, (int, str)):
            raise StackError(f"{self._expr} can only be indexed by a number, a string or a reference, not {type(key).__name__}")
        return Ref(f"{self._expr}[{hcl_literal(key)}]")

    def __str__(self) -> str:
        return f"{REF_OPEN}${{{self._expr}}}{REF_CLOSE}"

    def __format__(self, spec: str) -> str:
        if spec:
            raise StackError(f"a format specification ({spec!r}) cannot apply to {self._expr}, whose value is not known yet")
        return str(self)

    def __repr__(self) -> str:
        return f"Ref({self._expr!r})"

    def __bool__(self) -> bool:
        _unknown(self._expr, "a truth test (if, while, and, or, not, bool())")

    def __len__(self) -> int:
        _unknown(self._expr, "len(); use expr(\"length(...)\") in the configuration")

    def __iter__(self) -> Iterator[Any]:
        _unknown(self._expr, "iteration; use for_each with the reference, or a for expression with expr()")

    def __contains__(self, item: object) -> bool:
        _unknown(self._expr, "an 'in' test; use expr(\"contains(...)\") in the configuration")

    def __eq__(self, other: object) -> bool:
        _unknown(self._expr, "a comparison; write it as a configuration expression with expr()")

    def __ne__(self, other: object) -> bool:
        _unknown(self._expr, "a comparison; write it as a configuration expression with expr()")

    def __lt__(self, other: object) -> bool:
        _unknown(self._expr, "a comparison; write it as a configuration expression with expr()")

    __le__ = __gt__ = __ge__ = __lt__

    def __int__(self) -> int:
        _unknown(self._expr, "a conversion to int")

    def __float__(self) -> float:
        _unknown(self._expr, "a conversion to float")

    def __index__(self) -> int:
        _unknown(self._expr, "an index or a range")

    def __hash__(self) -> int:
        return hash(("Ref", self._expr))


def expression_of(ref: Ref) -> str:
    """The configuration expression a reference stands for (without ${})."""
    return ref._expr


def expr(expression: str) -> Ref:
    """A raw configuration expression, e.g. expr('length(var.names)')."""
    return Ref(expression)


def hcl_literal(value: object) -> str:
    """value as a configuration-language literal (for expressions built by sheath)."""
    if isinstance(value, Ref):
        return value._expr
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        out = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
        out = out.replace("${", "$${").replace("%{", "%%{")
        return f'"{out}"'
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{hcl_literal(str(k))} = {hcl_literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=repr) if isinstance(value, (set, frozenset)) else value
        return "[" + ", ".join(hcl_literal(v) for v in items) + "]"
    raise StackError(f"a value of type {type(value).__name__} cannot be used in the configuration")


@dataclass(frozen=True, slots=True)
class Each:
    """The each object of a for_each resource (each.key, each.value)."""

    key: Ref = field(default_factory=lambda: Ref("each.key"))
    value: Ref = field(default_factory=lambda: Ref("each.value"))


@dataclass(frozen=True, slots=True)
class Count:
    """The count object of a counted resource (count.index)."""

    index: Ref = field(default_factory=lambda: Ref("count.index"))


@dataclass(slots=True)
class Declaration:
    """One configuration block: its block type, labels and body (a JSON-ready mapping)."""

    block_type: str
    labels: tuple[str, ...]
    body: dict[str, Any]
    line: int


@dataclass(slots=True)
class Stack:
    """The declarations of one stack file, in the order they were made."""

    filename: str
    declarations: list[Declaration] = field(default_factory=list)
    by_name: dict[tuple[str, tuple[str, ...]], Declaration] = field(default_factory=dict)

    def add(self, block_type: str, labels: tuple[str, ...], body: dict[str, Any]) -> Declaration:
        decl = Declaration(block_type, labels, body, self.caller_line())
        if labels and block_type != "provider":
            first = self.by_name.get((block_type, labels))
            if first is not None:
                raise StackError(f"{block_type} {'.'.join(labels)} is declared twice (first at line {first.line})")
            self.by_name[(block_type, labels)] = decl
        self.declarations.append(decl)
        return decl

    def caller_line(self) -> int:
        """The line of the innermost frame running this stack file."""
        frame = inspect.currentframe()
        while frame is not None:
            if frame.f_code.co_filename == self.filename:
                return frame.f_lineno
            frame = frame.f_back
        return 1


CURRENT_STACK: ContextVar[Stack | None] = ContextVar("sheath_stack", default=None)


def current_stack() -> Stack:
    stack = CURRENT_STACK.get()
    if stack is None:
        raise StackError("stack declarations can only be made while sheath runs a stack file (stack.py or *.stack.py)")
    return stack


ArgValue = Any
ArgFactory = Callable[[Any], Any]
