"""Type hints for the arguments of typed bindings: a literal of the argument's type, or a
value only known later (a reference, a declared object, or a function of each/count)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Union

from sheath.stack.blocks import Referable
from sheath.stack.model import Ref

Dynamic = Any
"""Meta-arguments (count, for_each, depends_on, lifecycle, provider...): not checked by type."""
Later = Union[Ref, Referable, Callable[[Any], Any]]
StrArg = Union[str, Later]
NumberArg = Union[int, float, Later]
BoolArg = Union[bool, Later]
ListArg = Union[Sequence[Any], set[Any], frozenset[Any], Later]
MapArg = Union[Mapping[str, Any], Later]
ObjectArg = Union[Mapping[str, Any], Later]
BlockArg = Union[Mapping[str, Any], Sequence[Mapping[str, Any]], Later]
"""A nested block: a dict (one block) or a list of dicts, as the JSON syntax writes them."""
