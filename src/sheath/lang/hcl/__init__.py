"""The syntax-neutral HCL interface: bodies, blocks, attributes, expressions.

Native syntax (sheath.lang.hclsyntax) and JSON syntax (sheath.lang.hcljson)
both implement these. Everything above the parser (config loading, evaluation)
talks only to this interface and never asks which syntax a file used.

This mirrors hashicorp/hcl's Body/Expression model:
  * a Body is decoded against a BodySchema into BodyContent (attributes and
    blocks), leaving unexpected content as diagnostics, or partially (returning
    the remaining Body);
  * an Expression is evaluated elsewhere (sheath.lang.eval), but can be
    analysed statically here: its range, the variables (traversals) it
    references, and static interpretations (keyword, list, map, traversal).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, Sequence, runtime_checkable

from sheath.diag import Diagnostics, Range

# --- traversals --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TraverseRoot:
    name: str
    range: Range


@dataclass(frozen=True, slots=True)
class TraverseAttr:
    name: str
    range: Range


@dataclass(frozen=True, slots=True)
class TraverseIndex:
    """An index step; key is a sheath.types Value (number or string)."""

    key: object
    range: Range


@dataclass(frozen=True, slots=True)
class TraverseSplat:
    """A splat step inside a traversal: its remaining steps apply to each element."""

    each: tuple["Traverser", ...]
    range: Range


Traverser = TraverseRoot | TraverseAttr | TraverseIndex | TraverseSplat


@dataclass(frozen=True, slots=True)
class Traversal:
    """A static reference like var.x or aws_instance.a[0].id.

    Absolute traversals start with a TraverseRoot; relative ones do not.
    """

    steps: tuple[Traverser, ...]

    @property
    def root_name(self) -> str:
        s = self.steps[0]
        assert isinstance(s, TraverseRoot)
        return s.name

    @property
    def range(self) -> Range:
        return Range.between(self.steps[0].range, self.steps[-1].range)

    def is_relative(self) -> bool:
        return not self.steps or not isinstance(self.steps[0], TraverseRoot)


# --- expressions ---------------------------------------------------------------


@runtime_checkable
class Expression(Protocol):
    """An unevaluated expression with its source range."""

    @property
    def range(self) -> Range: ...

    @property
    def start_range(self) -> Range:
        """A small range at the start of the expression, for diagnostics."""
        ...

    def variables(self) -> list[Traversal]:
        """Every absolute traversal the expression references (for graph building)."""
        ...


# --- bodies --------------------------------------------------------------------


@dataclass(slots=True)
class Attribute:
    name: str
    expr: Expression
    range: Range
    name_range: Range


@dataclass(slots=True)
class Block:
    type: str
    labels: list[str]
    body: "Body"
    def_range: Range
    type_range: Range
    label_ranges: list[Range] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class AttributeSchema:
    name: str
    required: bool = False


@dataclass(frozen=True, slots=True)
class BlockHeaderSchema:
    type: str
    label_names: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class BodySchema:
    attributes: tuple[AttributeSchema, ...] = ()
    blocks: tuple[BlockHeaderSchema, ...] = ()


@dataclass(slots=True)
class BodyContent:
    attributes: dict[str, Attribute]
    blocks: list[Block]
    missing_item_range: Range


@runtime_checkable
class Body(Protocol):
    def content(self, schema: BodySchema) -> tuple[BodyContent, Diagnostics]:
        """Decode against schema; anything not in the schema is an error
        ("Unsupported argument" / "Unsupported block type"), a missing required
        attribute is an error ("Missing required argument"), a block with the
        wrong number of labels is an error."""
        ...

    def partial_content(self, schema: BodySchema) -> tuple[BodyContent, "Body", Diagnostics]:
        """Like content, but unexpected items are left in the returned remainder body."""
        ...

    def just_attributes(self) -> tuple[dict[str, Attribute], Diagnostics]:
        """Interpret the body as a flat map of attributes (e.g. locals); a block is an error."""
        ...

    def missing_item_range(self) -> Range:
        """Where to point a diagnostic about something missing from this body."""
        ...


@dataclass(slots=True)
class File:
    """A parsed file: its body plus the raw bytes (for diagnostics snippets)."""

    filename: str
    body: Body
    src: bytes


# --- static analysis helpers (implemented per syntax) ---------------------------
#
# sheath.lang.hcl.static provides, for any Expression:
#   expr_as_keyword(expr) -> str | None           e.g. lifecycle's create_before_destroy? no: "string"/"any" in type exprs, moved/depends_on
#   expr_list(expr) -> (list[Expression], Diagnostics)   static list [a, b]
#   expr_map(expr) -> (list[tuple[Expression, Expression]], Diagnostics)   static object {k = v}
#   abs_traversal_for_expr(expr) -> (Traversal | None, Diagnostics)
#   rel_traversal_for_expr(expr) -> (Traversal | None, Diagnostics)
#   expr_call(expr) -> (StaticCall | None, Diagnostics)  for type constraints like list(string)


__all__: Sequence[str] = [
    "Attribute",
    "AttributeSchema",
    "Block",
    "BlockHeaderSchema",
    "Body",
    "BodyContent",
    "BodySchema",
    "Expression",
    "File",
    "Traversal",
    "TraverseAttr",
    "TraverseIndex",
    "TraverseRoot",
    "TraverseSplat",
    "Traverser",
]
