"""hcl.Body and hcl.Expression for the JSON syntax, with hashicorp/hcl's JSON semantics.

* A body is a JSON object (or an array of objects, whose properties are
  merged in order). Properties named "//" are comments and are ignored.
* A block type's value is an object whose property names are the labels
  (one nesting level per label), ending in an object (one block) or an array
  of objects (several blocks); null means no block.
* In expression context a JSON string is a template in the native syntax.

Expressions are :class:`JSONExpression`. The evaluator only handles native
nodes: ``expr.to_native()`` converts a JSON expression into native AST nodes
(string -> parsed template, number/bool/null -> LiteralValueExpr, array ->
TupleConsExpr, object -> ObjectConsExpr with template keys), returning the
template parse diagnostics alongside.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sheath.diag import Diagnostic, Diagnostics, Pos, Range, Severity
from sheath.lang import hcl
from sheath.lang.hclsyntax._pos import between
from sheath.lang.hclsyntax.body import go_quote, name_suggestion, range_string
from sheath.lang.hcljson.parser import (
    JSONArray,
    JSONBool,
    JSONNode,
    JSONNull,
    JSONNumber,
    JSONObject,
    JSONObjectAttr,
    JSONString,
)
from sheath.types.cty import DYNAMIC, FALSE, NUMBER, TRUE, UNKNOWN, Value

if TYPE_CHECKING:
    from sheath.lang.hclsyntax.ast import Node


def _err(summary: str, detail: str, subject: Range | None, context: Range | None = None) -> Diagnostic:
    return Diagnostic(Severity.ERROR, summary, detail, subject, context)


def _string_start(r: Range) -> Pos:
    """Where a JSON string's content starts (just after the opening quote), as hcl approximates it."""
    s = r.start
    return Pos(s.line, s.column + 1, s.byte + 1)


class JSONExpression:
    """An expression in a JSON file: wraps one JSON value node."""

    __slots__ = ("src", "_native")

    def __init__(self, src: JSONNode) -> None:
        self.src = src
        self._native: tuple["Node", Diagnostics] | None = None

    @property
    def range(self) -> Range:
        return self.src.range

    @property
    def start_range(self) -> Range:
        return self.src.start_range

    def __repr__(self) -> str:
        return f"JSONExpression({type(self.src).__name__} at {self.src.range})"

    def to_native(self) -> tuple["Node", Diagnostics]:
        """The equivalent native-syntax AST (cached) and any template parse diagnostics."""
        if self._native is None:
            diags = Diagnostics()
            node = _to_native(self.src, diags)
            self._native = (node, diags)
        return self._native

    def variables(self) -> list[hcl.Traversal]:
        return _variables(self.src)

    def value(self, ctx: Any) -> tuple[Value, Diagnostics]:
        """Evaluate (strings as templates), via the native evaluator on to_native()."""
        from sheath.lang.eval.evaluator import evaluate

        node, diags = self.to_native()
        if diags.has_errors():
            return Value(DYNAMIC, UNKNOWN), Diagnostics(diags)
        v, d = evaluate(node, ctx)
        return v, Diagnostics([*diags, *d])

    # -- static interpretations (see sheath.lang.hcl.static) --
    def as_traversal(self) -> hcl.Traversal | None:
        """A JSON string holding traversal syntax, e.g. "aws_instance.foo"."""
        from sheath.lang.hclsyntax.parser import parse_traversal_abs

        src = self.src
        if isinstance(src, JSONString):
            trav, diags = parse_traversal_abs(src.value.encode("utf-8", "surrogateescape"), src.range.filename, src.range.start)
            if diags.has_errors():
                return None
            return trav
        return None

    def expr_call_native(self) -> "Node | None":
        """A JSON string parsed as a native expression (for static calls like list(string))."""
        from sheath.lang.hclsyntax.parser import parse_expression

        src = self.src
        if isinstance(src, JSONString):
            expr, diags = parse_expression(src.value.encode("utf-8", "surrogateescape"), src.range.filename, src.range.start)
            if diags.has_errors():
                return None
            return expr
        return None

    def expr_list(self) -> list["JSONExpression"] | None:
        src = self.src
        if isinstance(src, JSONArray):
            return [JSONExpression(v) for v in src.values]
        return None

    def expr_map(self) -> list[tuple["JSONExpression", "JSONExpression"]] | None:
        src = self.src
        if isinstance(src, JSONObject):
            return [(JSONExpression(JSONString(a.name, a.name_range)), JSONExpression(a.value)) for a in src.attrs]
        return None

    def literal_value(self) -> Value:
        """The value with strings taken verbatim (hcl's Value(nil): no template evaluation)."""
        from sheath.lang.hclsyntax.parser import string_value
        from sheath.types.cty import object_val, tuple_val

        src = self.src
        if isinstance(src, JSONString):
            return string_value(src.value)
        if isinstance(src, JSONNumber):
            return Value(NUMBER, src.value)
        if isinstance(src, JSONBool):
            return TRUE if src.value else FALSE
        if isinstance(src, JSONNull):
            return Value(DYNAMIC, None)
        if isinstance(src, JSONArray):
            return tuple_val([JSONExpression(v).literal_value() for v in src.values])
        if isinstance(src, JSONObject):
            return object_val({a.name: JSONExpression(a.value).literal_value() for a in src.attrs})
        return Value(DYNAMIC, UNKNOWN)


def _parse_string_template(s: JSONString, diags: Diagnostics) -> "Node":
    from sheath.lang.hclsyntax.ast import LiteralValueExpr
    from sheath.lang.hclsyntax.parser import parse_template, string_value

    v = s.value
    if "${" not in v and "%{" not in v:
        # no template sequences: the literal string itself (escapes "$${"
        # and "%%{" only matter next to a brace, so none can occur here)
        return LiteralValueExpr(string_value(v), s.range)
    expr, tdiags = parse_template(v.encode("utf-8", "surrogateescape"), s.range.filename, _string_start(s.range))
    if tdiags.has_errors():
        diags.extend(tdiags)
        return LiteralValueExpr(Value(DYNAMIC, UNKNOWN), s.range)
    return expr


def _to_native(n: JSONNode, diags: Diagnostics) -> "Node":
    from sheath.lang.hclsyntax.ast import (
        LiteralValueExpr,
        ObjectConsExpr,
        ObjectConsItem,
        ObjectConsKeyExpr,
        TupleConsExpr,
    )

    if isinstance(n, JSONString):
        return _parse_string_template(n, diags)
    if isinstance(n, JSONNumber):
        return LiteralValueExpr(Value(NUMBER, n.value), n.range)
    if isinstance(n, JSONBool):
        return LiteralValueExpr(TRUE if n.value else FALSE, n.range)
    if isinstance(n, JSONNull):
        return LiteralValueExpr(Value(DYNAMIC, None), n.range)
    if isinstance(n, JSONArray):
        return TupleConsExpr([_to_native(v, diags) for v in n.values], n.range, n.open_range)
    if isinstance(n, JSONObject):
        items = []
        for a in n.attrs:
            key = _parse_string_template(JSONString(a.name, a.name_range), diags)
            items.append(ObjectConsItem(ObjectConsKeyExpr(key, True), _to_native(a.value, diags)))
        return ObjectConsExpr(items, n.range, n.open_range)
    return LiteralValueExpr(Value(DYNAMIC, UNKNOWN), n.range)


def _variables(n: JSONNode) -> list[hcl.Traversal]:
    if isinstance(n, JSONString):
        d = Diagnostics()
        expr = _parse_string_template(n, d)
        return [] if d.has_errors() else expr.variables()
    out: list[hcl.Traversal] = []
    if isinstance(n, JSONArray):
        for v in n.values:
            out.extend(_variables(v))
    elif isinstance(n, JSONObject):
        for a in n.attrs:
            out.extend(_variables(JSONString(a.name, a.name_range)))
            out.extend(_variables(a.value))
    return out


# --- bodies ----------------------------------------------------------------------


@dataclass(slots=True, eq=False)
class JSONBody:
    """A body in a JSON file (hcl.Body)."""

    val: JSONNode
    hidden_attrs: frozenset[str] = frozenset()

    def missing_item_range(self) -> Range:
        v = self.val
        if isinstance(v, JSONObject):
            return v.close_range
        if isinstance(v, JSONArray):
            return v.open_range
        return v.start_range

    def content(self, schema: hcl.BodySchema) -> tuple[hcl.BodyContent, Diagnostics]:
        content, remain, diags = self.partial_content(schema)
        hidden = remain.hidden_attrs
        suggestions = [a.name for a in schema.attributes if a.name not in hidden]
        suggestions.extend(b.type for b in schema.blocks)
        attrs, adiags = _collect_deep_attrs(self.val, None)
        diags.extend(adiags)
        for attr in attrs:
            k = attr.name
            if k == "//":
                continue
            if k not in hidden:
                sugg = name_suggestion(k, suggestions)
                extra = f" Did you mean {go_quote(sugg)}?" if sugg else ""
                diags.append(
                    _err(
                        "Extraneous JSON object property",
                        f"No argument or block type is named {go_quote(k)}.{extra}",
                        attr.name_range,
                        attr.range,
                    )
                )
        return content, diags

    def partial_content(self, schema: hcl.BodySchema) -> tuple[hcl.BodyContent, "JSONBody", Diagnostics]:
        diags = Diagnostics()
        json_attrs, adiags = _collect_deep_attrs(self.val, None)
        diags.extend(adiags)
        used = set(self.hidden_attrs)
        attrs: dict[str, hcl.Attribute] = {}
        blocks: list[hcl.Block] = []
        attr_schemas = {a.name: a for a in schema.attributes}
        block_schemas = {b.type: b for b in schema.blocks}
        for ja in json_attrs:
            name = ja.name
            if name in self.hidden_attrs:
                continue
            if name in attr_schemas:
                existing = attrs.get(name)
                if existing is not None:
                    diags.append(
                        _err(
                            "Duplicate argument",
                            f"The argument {go_quote(name)} was already set at {range_string(existing.range)}.",
                            ja.name_range,
                            ja.range,
                        )
                    )
                    continue
                attrs[name] = hcl.Attribute(name, JSONExpression(ja.value), between(ja.name_range, ja.value.range), ja.name_range)
                used.add(name)
            elif name in block_schemas:
                bs = block_schemas[name]
                _unpack_block(ja.value, bs.type, ja.name_range, list(bs.label_names), [], [], blocks, diags)
                used.add(name)
        for a in schema.attributes:
            if a.required and a.name not in attrs:
                diags.append(
                    _err(
                        "Missing required argument",
                        f"The argument {go_quote(a.name)} is required, but no definition was found.",
                        self.missing_item_range(),
                    )
                )
        return hcl.BodyContent(attrs, blocks, self.missing_item_range()), JSONBody(self.val, frozenset(used)), diags

    def just_attributes(self) -> tuple[dict[str, hcl.Attribute], Diagnostics]:
        diags = Diagnostics()
        attrs: dict[str, hcl.Attribute] = {}
        v = self.val
        if not isinstance(v, JSONObject):
            diags.append(
                _err(
                    "Incorrect JSON value type",
                    "A JSON object is required here, setting the arguments for this block.",
                    v.start_range,
                )
            )
            return attrs, diags
        for ja in v.attrs:
            name = ja.name
            if name == "//" or name in self.hidden_attrs:
                continue
            existing = attrs.get(name)
            if existing is not None:
                diags.append(
                    _err(
                        "Duplicate attribute definition",
                        f"The argument {go_quote(name)} was already set at {range_string(existing.range)}.",
                        ja.name_range,
                    )
                )
                continue
            attrs[name] = hcl.Attribute(name, JSONExpression(ja.value), between(ja.name_range, ja.value.range), ja.name_range)
        return attrs, diags


def _unpack_block(
    v: JSONNode,
    type_name: str,
    type_range: Range,
    labels_left: list[str],
    labels_used: list[str],
    label_ranges: list[Range],
    blocks: list[hcl.Block],
    diags: Diagnostics,
) -> None:
    if labels_left:
        label_name = labels_left[0]
        attrs, adiags = _collect_deep_attrs(v, label_name)
        diags.extend(adiags)
        if not attrs:
            diags.append(
                _err(
                    "Missing block label",
                    f"At least one object property is required, whose name represents the {type_name} block's {label_name}.",
                    v.start_range,
                )
            )
            return
        for p in attrs:
            _unpack_block(
                p.value, type_name, type_range, labels_left[1:], labels_used + [p.name], label_ranges + [p.name_range], blocks, diags
            )
        return
    if isinstance(v, JSONNull):
        return
    if isinstance(v, JSONObject):
        blocks.append(hcl.Block(type_name, list(labels_used), JSONBody(v), v.open_range, type_range, list(label_ranges)))
        return
    if isinstance(v, JSONArray):
        for av in v.values:
            blocks.append(hcl.Block(type_name, list(labels_used), JSONBody(av), v.open_range, type_range, list(label_ranges)))
        return
    diags.append(
        _err(
            "Incorrect JSON value type",
            f"Either a JSON object or a JSON array is required, representing the contents of one or more {go_quote(type_name)} blocks.",
            v.start_range,
        )
    )


def _collect_deep_attrs(v: JSONNode, label_name: str | None) -> tuple[list[JSONObjectAttr], Diagnostics]:
    diags = Diagnostics()
    attrs: list[JSONObjectAttr] = []
    if isinstance(v, JSONNull):
        pass
    elif isinstance(v, JSONObject):
        attrs.extend(v.attrs)
    elif isinstance(v, JSONArray):
        for ev in v.values:
            if isinstance(ev, JSONObject):
                attrs.extend(ev.attrs)
            elif label_name is not None:
                diags.append(
                    _err(
                        "Incorrect JSON value type",
                        f"A JSON object is required here, to specify {label_name} labels for this block.",
                        ev.start_range,
                    )
                )
            else:
                diags.append(
                    _err(
                        "Incorrect JSON value type",
                        "A JSON object is required here, to define arguments and child blocks.",
                        ev.start_range,
                    )
                )
    elif label_name is not None:
        diags.append(
            _err(
                "Incorrect JSON value type",
                f"Either a JSON object or JSON array of objects is required here, to specify {label_name} labels for this block.",
                v.start_range,
            )
        )
    else:
        diags.append(
            _err(
                "Incorrect JSON value type",
                "Either a JSON object or JSON array of objects is required here, to define arguments and child blocks.",
                v.start_range,
            )
        )
    return attrs, diags


__all__ = ["JSONBody", "JSONExpression"]
