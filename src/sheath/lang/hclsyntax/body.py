"""Body, Attribute and Block of the native syntax, and schema decoding.

Body implements the syntax-neutral hcl.Body protocol with the diagnostics
hashicorp/hcl gives for unexpected, missing and mislabelled content.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sheath.lang.hclsyntax._pos import start_point
from sheath.diag import Diagnostic, Diagnostics, Pos, Range, Severity
from sheath.lang import hcl
from sheath.goquote import go_quote

if TYPE_CHECKING:
    from sheath.lang.hclsyntax.ast import Node


@dataclass(slots=True, eq=False)
class Attribute:
    """name = expr"""

    name: str
    expr: "Node"
    range: Range
    name_range: Range
    equals_range: Range

    def as_hcl_attribute(self) -> hcl.Attribute:
        return hcl.Attribute(self.name, self.expr, self.range, self.name_range)


@dataclass(slots=True, eq=False)
class Block:
    """type "label" ... { body }"""

    type: str
    labels: list[str]
    body: "Body"
    type_range: Range
    label_ranges: list[Range]
    open_brace_range: Range
    close_brace_range: Range

    @property
    def range(self) -> Range:
        return Range.between(self.type_range, self.close_brace_range)

    @property
    def def_range(self) -> Range:
        last = self.label_ranges[-1] if self.label_ranges else self.type_range
        return Range.between(self.type_range, last)

    def as_hcl_block(self) -> hcl.Block:
        return hcl.Block(self.type, self.labels, self.body, self.def_range, self.type_range, list(self.label_ranges))


_EMPTY: frozenset[str] = frozenset()


@dataclass(slots=True, eq=False)
class Body:
    """A sequence of attributes and blocks (a file, or a block's contents).

    ``items`` keeps every attribute and block in source order (including
    redefined attributes, which ``attributes`` omits after the first).
    """

    attributes: dict[str, Attribute]
    blocks: list[Block]
    range: Range
    end_range: Range
    items: list[Attribute | Block] = field(default_factory=list)
    hidden_attrs: frozenset[str] = _EMPTY
    hidden_blocks: frozenset[str] = _EMPTY

    def missing_item_range(self) -> Range:
        return start_point(self.range)

    def content(self, schema: hcl.BodySchema) -> tuple[hcl.BodyContent, Diagnostics]:
        content, remain, diags = self.partial_content(schema)
        assert isinstance(remain, Body)
        if len(self.attributes) > len(content.attributes):
            for name, attr in self.attributes.items():
                if name in remain.hidden_attrs:
                    continue
                candidates = [a.name for a in schema.attributes if a.name not in content.attributes]
                sugg = name_suggestion(name, candidates)
                if sugg:
                    extra = f" Did you mean {go_quote(sugg)}?"
                else:
                    extra = ""
                    for b in schema.blocks:
                        if b.type == name:
                            extra = f" Did you mean to define a block of type {go_quote(name)}?"
                            break
                diags.append(
                    Diagnostic(
                        Severity.ERROR,
                        "Unsupported argument",
                        f"An argument named {go_quote(name)} is not expected here.{extra}",
                        attr.name_range,
                    )
                )
        for block in self.blocks:
            bt = block.type
            if bt in remain.hidden_blocks:
                continue
            sugg = name_suggestion(bt, [b.type for b in schema.blocks])
            if sugg:
                extra = f" Did you mean {go_quote(sugg)}?"
            else:
                extra = ""
                for a in schema.attributes:
                    if a.name == bt:
                        extra = (
                            f" Did you mean to define argument {go_quote(bt)}? "
                            "If so, use the equals sign to assign it a value."
                        )
                        break
            diags.append(
                Diagnostic(
                    Severity.ERROR,
                    "Unsupported block type",
                    f"Blocks of type {go_quote(bt)} are not expected here.{extra}",
                    block.type_range,
                )
            )
        return content, diags

    def partial_content(self, schema: hcl.BodySchema) -> tuple[hcl.BodyContent, "Body", Diagnostics]:
        diags = Diagnostics()
        attrs: dict[str, hcl.Attribute] = {}
        hidden_attrs = set(self.hidden_attrs)
        hidden_blocks = set(self.hidden_blocks)
        for a_s in schema.attributes:
            name = a_s.name
            attr = self.attributes.get(name)
            if attr is None or name in hidden_attrs:
                if a_s.required:
                    diags.append(
                        Diagnostic(
                            Severity.ERROR,
                            "Missing required argument",
                            f"The argument {go_quote(name)} is required, but no definition was found.",
                            self.missing_item_range(),
                        )
                    )
                continue
            hidden_attrs.add(name)
            attrs[name] = attr.as_hcl_attribute()

        wanted = {b.type: b for b in schema.blocks}
        blocks: list[hcl.Block] = []
        for block in self.blocks:
            if block.type in hidden_blocks:
                continue
            bs = wanted.get(block.type)
            if bs is None:
                continue
            diag = check_block_labels(block.type, block.labels, block.label_ranges, block.type_range,
                                      block.open_brace_range, bs)
            if diag is not None:
                diags.append(diag)
                continue
            blocks.append(block.as_hcl_block())
        for b in schema.blocks:
            hidden_blocks.add(b.type)
        remain = Body(
            self.attributes,
            self.blocks,
            self.range,
            self.end_range,
            self.items,
            frozenset(hidden_attrs),
            frozenset(hidden_blocks),
        )
        return hcl.BodyContent(attrs, blocks, self.missing_item_range()), remain, diags

    def just_attributes(self) -> tuple[dict[str, hcl.Attribute], Diagnostics]:
        diags = Diagnostics()
        if self.blocks:
            ex = self.blocks[0]
            diags.append(
                Diagnostic(
                    Severity.ERROR,
                    f"Unexpected {go_quote(ex.type)} block",
                    "Blocks are not allowed here.",
                    ex.type_range,
                )
            )
        attrs = {n: a.as_hcl_attribute() for n, a in self.attributes.items() if n not in self.hidden_attrs}
        return attrs, diags


def check_block_labels(
    type_: str,
    labels: list[str],
    label_ranges: list[Range],
    type_range: Range,
    open_brace_range: Range,
    bs: hcl.BlockHeaderSchema,
) -> Diagnostic | None:
    """The diagnostic for a block with the wrong number of labels, or None."""
    want = bs.label_names
    context = Range.between(type_range, open_brace_range)
    if len(labels) > len(want):
        if not want:
            return Diagnostic(
                Severity.ERROR,
                f"Extraneous label for {type_}",
                f"No labels are expected for {type_} blocks.",
                label_ranges[0],
                context,
            )
        return Diagnostic(
            Severity.ERROR,
            f"Extraneous label for {type_}",
            f"Only {len(want)} labels ({', '.join(want)}) are expected for {type_} blocks.",
            label_ranges[len(want)],
            context,
        )
    if len(labels) < len(want):
        return Diagnostic(
            Severity.ERROR,
            f"Missing {want[len(labels)]} for {type_}",
            f"All {type_} blocks must have {len(want)} labels ({', '.join(want)}).",
            open_brace_range,
            context,
        )
    return None


def name_suggestion(given: str, suggestions: list[str]) -> str:
    """The first suggestion within edit distance 2 of given (hcl's nameSuggestion)."""
    for s in suggestions:
        if _levenshtein(given, s) < 3:
            return s
    return ""


def _levenshtein(a: str, b: str) -> int:
    if a == b:
        return 0
    if abs(len(a) - len(b)) >= 3:
        return 3
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def range_string(r: Range) -> str:
    """hcl's Range.String(): "file:1,3-7" on one line, "file:1,3-2,1" across lines."""
    if r.start.line == r.end.line:
        return f"{r.filename}:{r.start.line},{r.start.column}-{r.end.column}"
    return f"{r.filename}:{r.start.line},{r.start.column}-{r.end.line},{r.end.column}"


def zero_range(filename: str, pos: Pos) -> Range:
    return Range(filename, pos, pos)


__all__ = ["Attribute", "Block", "Body", "check_block_labels", "go_quote", "name_suggestion", "range_string"]
