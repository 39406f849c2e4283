"""Expression nodes of the HCL native syntax.

The node set and names mirror hashicorp/hcl's hclsyntax package so anyone who
knows it knows where to look. Every node has:

  * ``range``        the whole source range of the expression;
  * ``start_range``  a small range at its start, for diagnostics;
  * ``variables()``  every absolute traversal it references (loop variables of
                     ``for`` expressions excluded inside their scope);
  * ``children()``   its direct sub-expressions, in source order.

The JSON syntax (sheath.lang.hcljson) converts its expressions into these
nodes too, so the evaluator only ever handles this node set.

Notes on shapes (as hclsyntax builds them):
  * ``a.b[0]`` with only static steps is one ScopeTraversalExpr;
    a non-static index (``a[var.k]``) gives an IndexExpr; steps after a
    non-traversal source give a RelativeTraversalExpr.
  * ``"${x}"`` alone is a TemplateWrapExpr (yields the raw value);
    other templates are TemplateExpr whose literal parts are string
    LiteralValueExprs.
  * ``%{if}`` lowers to ConditionalExpr, ``%{for}`` to
    TemplateJoinExpr(ForExpr) whose value is a TemplateExpr.
  * An object key that is a bare identifier is a literal string key unless
    parenthesized (ObjectConsKeyExpr.force_non_literal).
  * A splat ``src.*.a`` / ``src[*].a[0]`` is SplatExpr(source, each) where
    ``each`` is evaluated per element with AnonSymbolExpr standing for it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Iterator, Union

from sheath.diag import Range
from sheath.lang.hcl import Traversal, TraverseRoot
from sheath.types.cty import Value


class Operation(enum.Enum):
    """Binary and unary operators, named as hclsyntax names them."""

    LOGICAL_OR = "||"
    LOGICAL_AND = "&&"
    LOGICAL_NOT = "!"
    EQUAL = "=="
    NOT_EQUAL = "!="
    GREATER_THAN = ">"
    GREATER_THAN_OR_EQUAL = ">="
    LESS_THAN = "<"
    LESS_THAN_OR_EQUAL = "<="
    ADD = "+"
    SUBTRACT = "-"
    MULTIPLY = "*"
    DIVIDE = "/"
    MODULO = "%"
    NEGATE = "neg"

    @property
    def symbol(self) -> str:
        return "-" if self is Operation.NEGATE else self.value


Node = Union[
    "LiteralValueExpr",
    "ScopeTraversalExpr",
    "RelativeTraversalExpr",
    "FunctionCallExpr",
    "ConditionalExpr",
    "IndexExpr",
    "TupleConsExpr",
    "ObjectConsExpr",
    "ObjectConsKeyExpr",
    "TemplateExpr",
    "TemplateWrapExpr",
    "TemplateJoinExpr",
    "ForExpr",
    "SplatExpr",
    "AnonSymbolExpr",
    "ParenthesesExpr",
    "BinaryOpExpr",
    "UnaryOpExpr",
]


class ExprBase:
    """Shared behaviour: variables() walks children, honouring for-expr scopes."""

    __slots__ = ()

    range: Range

    @property
    def start_range(self) -> Range:
        return self.range

    def children(self) -> Iterator["Node"]:
        return iter(())

    def variables(self) -> list[Traversal]:
        out: list[Traversal] = []
        _collect(self, out, frozenset())  # type: ignore[arg-type]
        return out


def _collect(e: "Node", out: list[Traversal], shadow: frozenset[str]) -> None:
    t = type(e)
    if t is ScopeTraversalExpr:
        tr = e.traversal  # type: ignore[union-attr]
        if not shadow:
            out.append(tr)
        else:
            root = tr.steps[0]
            if not (isinstance(root, TraverseRoot) and root.name in shadow):
                out.append(tr)
        return
    if t is LiteralValueExpr:
        return
    if t is ForExpr:
        assert isinstance(e, ForExpr)
        _collect(e.coll_expr, out, shadow)
        inner = shadow | {e.val_var} | ({e.key_var} if e.key_var else set())
        if e.key_expr is not None:
            _collect(e.key_expr, out, inner)
        _collect(e.val_expr, out, inner)
        if e.cond_expr is not None:
            _collect(e.cond_expr, out, inner)
        return
    for c in e.children():
        _collect(c, out, shadow)


@dataclass(slots=True, eq=False)
class LiteralValueExpr(ExprBase):
    """A constant: number, string (template literal part), bool or null."""

    value: Value
    range: Range


@dataclass(slots=True, eq=False)
class ScopeTraversalExpr(ExprBase):
    """An absolute static reference such as var.x or aws_instance.a[0].id."""

    traversal: Traversal
    range: Range


@dataclass(slots=True, eq=False)
class RelativeTraversalExpr(ExprBase):
    """Static steps applied to the result of another expression."""

    source: "Node"
    traversal: Traversal
    range: Range

    @property
    def start_range(self) -> Range:
        return self.source.start_range

    def children(self) -> Iterator["Node"]:
        yield self.source


@dataclass(slots=True, eq=False)
class FunctionCallExpr(ExprBase):
    """name(args...); expand_final is set when the last argument ends with `...`."""

    name: str
    args: list["Node"]
    expand_final: bool
    name_range: Range
    open_paren_range: Range
    close_paren_range: Range
    range: Range

    @property
    def start_range(self) -> Range:
        return Range.between(self.name_range, self.open_paren_range)

    def children(self) -> Iterator["Node"]:
        return iter(self.args)


@dataclass(slots=True, eq=False)
class ConditionalExpr(ExprBase):
    condition: "Node"
    true_result: "Node"
    false_result: "Node"
    range: Range

    @property
    def start_range(self) -> Range:
        return self.condition.start_range

    def children(self) -> Iterator["Node"]:
        yield self.condition
        yield self.true_result
        yield self.false_result


@dataclass(slots=True, eq=False)
class IndexExpr(ExprBase):
    """collection[key] where key is not a static literal."""

    collection: "Node"
    key: "Node"
    bracket_range: Range
    range: Range
    open_range: Range

    @property
    def start_range(self) -> Range:
        return self.open_range

    def children(self) -> Iterator["Node"]:
        yield self.collection
        yield self.key


@dataclass(slots=True, eq=False)
class TupleConsExpr(ExprBase):
    """[a, b, c]"""

    exprs: list["Node"]
    range: Range
    open_range: Range

    @property
    def start_range(self) -> Range:
        return self.open_range

    def children(self) -> Iterator["Node"]:
        return iter(self.exprs)


@dataclass(slots=True, eq=False)
class ObjectConsItem:
    key_expr: "Node"
    value_expr: "Node"


@dataclass(slots=True, eq=False)
class ObjectConsExpr(ExprBase):
    """{k = v, ...}"""

    items: list[ObjectConsItem]
    range: Range
    open_range: Range

    @property
    def start_range(self) -> Range:
        return self.open_range

    def children(self) -> Iterator["Node"]:
        for it in self.items:
            yield it.key_expr
            yield it.value_expr


@dataclass(slots=True, eq=False)
class ObjectConsKeyExpr(ExprBase):
    """An object key. A bare identifier (a single-step ScopeTraversalExpr) is the
    literal string of its name unless force_non_literal (it was parenthesized)."""

    wrapped: "Node"
    force_non_literal: bool = False

    @property
    def range(self) -> Range:  # type: ignore[override]
        return self.wrapped.range

    @property
    def start_range(self) -> Range:
        return self.wrapped.start_range

    def literal_name(self) -> str | None:
        """The key's name when it is a bare identifier used as a literal key."""
        if self.force_non_literal:
            return None
        w = self.wrapped
        if type(w) is ScopeTraversalExpr and len(w.traversal.steps) == 1:
            return w.traversal.root_name
        return None

    def children(self) -> Iterator["Node"]:
        if self.literal_name() is None:
            yield self.wrapped

    def variables(self) -> list[Traversal]:
        if self.literal_name() is not None:
            return []
        return self.wrapped.variables()


@dataclass(slots=True, eq=False)
class TemplateExpr(ExprBase):
    """A string template: literal parts (string LiteralValueExprs) and interpolations."""

    parts: list["Node"]
    range: Range

    @property
    def start_range(self) -> Range:
        return self.parts[0].start_range if self.parts else self.range

    def children(self) -> Iterator["Node"]:
        return iter(self.parts)

    def is_string_literal(self) -> bool:
        """True when the template has no interpolations (a plain string)."""
        return len(self.parts) == 1 and type(self.parts[0]) is LiteralValueExpr or not self.parts


@dataclass(slots=True, eq=False)
class TemplateWrapExpr(ExprBase):
    """A template that is exactly one interpolation: "${x}" yields x's raw value."""

    wrapped: "Node"
    range: Range

    def children(self) -> Iterator["Node"]:
        yield self.wrapped


@dataclass(slots=True, eq=False)
class TemplateJoinExpr(ExprBase):
    """%{for} in a template: joins the strings of the wrapped (for) tuple."""

    tuple: "Node"

    @property
    def range(self) -> Range:  # type: ignore[override]
        return self.tuple.range

    def children(self) -> Iterator["Node"]:
        yield self.tuple


@dataclass(slots=True, eq=False)
class ForExpr(ExprBase):
    """[for k, v in coll : val if cond] or {for k, v in coll : key => val... if cond}."""

    key_var: str | None
    val_var: str
    coll_expr: "Node"
    key_expr: "Node | None"
    val_expr: "Node"
    cond_expr: "Node | None"
    group: bool
    range: Range
    open_range: Range
    close_range: Range

    @property
    def start_range(self) -> Range:
        return self.open_range

    def children(self) -> Iterator["Node"]:
        yield self.coll_expr
        if self.key_expr is not None:
            yield self.key_expr
        yield self.val_expr
        if self.cond_expr is not None:
            yield self.cond_expr


@dataclass(slots=True, eq=False)
class AnonSymbolExpr(ExprBase):
    """Stands for the current element inside a SplatExpr's `each`."""

    range: Range


@dataclass(slots=True, eq=False)
class SplatExpr(ExprBase):
    """source.*.x (attribute-only splat) or source[*].x[0] (full splat)."""

    source: "Node"
    each: "Node"
    item: AnonSymbolExpr
    range: Range
    marker_range: Range
    attr_only: bool = False  # the legacy `.*` form (only attribute steps follow it)

    @property
    def start_range(self) -> Range:
        return self.source.start_range

    def children(self) -> Iterator["Node"]:
        yield self.source
        yield self.each


@dataclass(slots=True, eq=False)
class ParenthesesExpr(ExprBase):
    expression: "Node"
    range: Range

    def children(self) -> Iterator["Node"]:
        yield self.expression


@dataclass(slots=True, eq=False)
class BinaryOpExpr(ExprBase):
    lhs: "Node"
    op: Operation
    rhs: "Node"
    range: Range

    @property
    def start_range(self) -> Range:
        return self.lhs.start_range

    def children(self) -> Iterator["Node"]:
        yield self.lhs
        yield self.rhs


@dataclass(slots=True, eq=False)
class UnaryOpExpr(ExprBase):
    op: Operation
    val: "Node"
    range: Range
    symbol_range: Range = field(default=None)  # type: ignore[assignment]

    @property
    def start_range(self) -> Range:
        return self.symbol_range if self.symbol_range is not None else self.range

    def children(self) -> Iterator["Node"]:
        yield self.val


# An expression of the native syntax.
Expression = Node


def walk(e: "Node") -> Iterator["Node"]:
    """Every node of the expression tree, pre-order."""
    stack: list[Node] = [e]
    while stack:
        n = stack.pop()
        yield n
        kids = list(n.children())
        kids.reverse()
        stack.extend(kids)


from sheath.lang.hclsyntax.body import Attribute, Block, Body  # noqa: E402

__all__ = [
    "AnonSymbolExpr",
    "Attribute",
    "BinaryOpExpr",
    "Block",
    "Body",
    "ConditionalExpr",
    "Expression",
    "ExprBase",
    "ForExpr",
    "FunctionCallExpr",
    "IndexExpr",
    "LiteralValueExpr",
    "Node",
    "ObjectConsExpr",
    "ObjectConsItem",
    "ObjectConsKeyExpr",
    "Operation",
    "ParenthesesExpr",
    "RelativeTraversalExpr",
    "ScopeTraversalExpr",
    "SplatExpr",
    "TemplateExpr",
    "TemplateJoinExpr",
    "TemplateWrapExpr",
    "TupleConsExpr",
    "UnaryOpExpr",
    "walk",
]
