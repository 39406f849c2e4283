"""Configuration generated from an imported object and its resource type's schema
(terraform's genconfig, used by ``plan -generate-config-out``).

The text follows terraform's rules: attributes in name order, computed-only,
deprecated and the legacy SDK's ``id`` attributes left out, sensitive ones written
as ``null # sensitive``, an optional empty string written as null, strings holding
JSON objects or arrays written as ``jsonencode(...)``, nested blocks from the
object's values, and a ``provider`` argument when the resource does not use its
implied provider's default configuration. The result is laid out by the HCL
formatter (hclwrite.Format: whitespace only, none of fmt's rewrites).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

from sheath import diag
from sheath.config.common import valid_identifier
from sheath.diag import Diagnostics
from sheath.goquote import go_quote
from sheath.lang.hclsyntax.lexer import TokenType, lex
from sheath.lang.hclwrite.format import WToken, format_tokens, render
from sheath.lang.hclwrite.rewrite import escape_quoted
from sheath.providers.schema import Attribute, Block, NestedBlock, Nesting, Object
from sheath.types.cty import STRING, ObjectType, Value, null
from sheath.types.number import Number


@dataclass(frozen=True, slots=True)
class ProviderRef:
    """The provider configuration a generated resource uses: the provider's type and alias."""

    type: str
    alias: str = ""

    def compact(self) -> str:
        return f"{self.type}.{self.alias}" if self.alias else self.type


def implied_provider(resource_type: str) -> str:
    """The provider type a resource type implies: its name up to the first underscore."""
    return resource_type.split("_", 1)[0]


def generation_schema(block: Block) -> Block:
    """The schema config is generated from: without computed-only and deprecated
    attributes, the root's optional+computed ``id``, and deprecated blocks."""
    return _filter_block(block, root=True)


def _keep_attribute(name: str, a: Attribute, root: bool) -> bool:
    if a.computed and not a.optional:
        return False
    if a.deprecated:
        return False
    if root and name == "id" and a.computed and a.optional:
        return False
    return True


def _filter_object(o: Object) -> Object:
    attrs = {
        n: (replace(a, nested_type=_filter_object(a.nested_type)) if a.nested_type is not None else a)
        for n, a in o.attributes.items()
        if _keep_attribute(n, a, False)
    }
    return Object(attrs, o.nesting)


def _filter_block(b: Block, root: bool) -> Block:
    attrs = {
        n: (replace(a, nested_type=_filter_object(a.nested_type)) if a.nested_type is not None else a)
        for n, a in b.attributes.items()
        if _keep_attribute(n, a, root)
    }
    blocks = {
        n: NestedBlock(_filter_block(nb.block, False), nb.nesting, nb.min_items, nb.max_items)
        for n, nb in b.block_types.items()
        if not nb.block.deprecated
    }
    return replace(b, attributes=attrs, block_types=blocks)


def hcl_format(src: str) -> str:
    """hclwrite.Format: the canonical whitespace of HCL source, nothing else changed."""
    data = src.encode("utf-8", "surrogateescape")
    tokens, _ = lex(data, "")
    wtoks: list[WToken] = []
    last = 0
    for t in tokens:
        wtoks.append(WToken(t.type, t.text, t.range.start.byte - last))
        last = t.range.end.byte
    if not wtoks or wtoks[-1].type is not TokenType.EOF:
        wtoks.append(WToken(TokenType.EOF, ""))
    format_tokens(wtoks)
    return render(wtoks)


def value_tokens(v: Value) -> str:
    """hclwrite.TokensForValue (before formatting) of a known value."""
    if v.is_null:
        return "null"
    p = v.v
    if isinstance(p, bool):
        return "true" if p else "false"
    if isinstance(p, Number):
        return p.format()
    if isinstance(p, str):
        return '"' + escape_quoted(p) + '"'
    if isinstance(p, tuple):
        return "[" + ",".join(value_tokens(e) for e in p) + "]"
    if isinstance(p, dict):
        if not p:
            return "{}"
        parts = ["{\n"]
        for k in sorted(p):
            key = k if valid_identifier(k) else '"' + escape_quoted(k) + '"'
            parts.append(f"{key}={value_tokens(p[k])}\n")
        return "".join(parts) + "}"
    raise ValueError(f"cannot write a value of type {v.type.friendly_name()}")


def _json_tokens(j: Any) -> str:
    """Tokens of a JSON document's value as cty's implied type reads it."""
    if j is None:
        return "null"
    if isinstance(j, bool):
        return "true" if j else "false"
    if isinstance(j, (int, float)):
        raise AssertionError("numbers are parsed as text")
    if isinstance(j, Number):
        return j.format()
    if isinstance(j, str):
        return '"' + escape_quoted(j) + '"'
    if isinstance(j, list):
        return "[" + ",".join(_json_tokens(e) for e in j) + "]"
    if isinstance(j, dict):
        if not j:
            return "{}"
        parts = ["{\n"]
        for k in sorted(j):
            key = k if valid_identifier(k) else '"' + escape_quoted(k) + '"'
            parts.append(f"{key}={_json_tokens(j[k])}\n")
        return "".join(parts) + "}"
    raise AssertionError(f"unexpected JSON value {j!r}")


class _JSONError(Exception):
    pass


def _no_constant(name: str) -> Any:
    raise _JSONError(name)


def _duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise _JSONError(f'duplicate "{k}" property in JSON object')
        out[k] = v
    return out


def parse_json(s: str) -> tuple[bool, Any]:
    """(valid, value): a string that is a JSON document (as Go's json.Valid), decoded
    with numbers as cty numbers; a duplicate key makes it valid but undecodable."""
    try:
        json.loads(s, parse_constant=_no_constant, parse_int=_no_constant, parse_float=_no_constant)
    except _JSONError:
        pass  # numbers are parsed below
    except (ValueError, RecursionError):
        return False, None
    try:
        return True, json.loads(
            s,
            parse_constant=_no_constant,
            parse_int=Number.parse,
            parse_float=Number.parse,
            object_pairs_hook=_duplicate_keys,
        )
    except _JSONError as exc:
        if str(exc) in ("NaN", "Infinity", "-Infinity"):
            return False, None
        return True, exc
    except ValueError:
        return False, None


def _write_attributes(
    addr: str, out: list[str], state: Value, attrs: dict[str, Attribute] | Any, indent: int, diags: Diagnostics
) -> None:
    for name in sorted(attrs):
        a: Attribute = attrs[name]
        if a.nested_type is not None:
            _write_nested_type_attribute(addr, out, name, a, state, indent, diags)
            continue
        if not (a.required or a.optional):
            continue
        if not state.is_null and state.type.is_object() and name in state.attrs():
            val = state.attrs()[name]
        else:
            val = _empty_value(a)
        if val.type == STRING and val.is_known and not val.is_null and a.optional and val.as_str() == "":
            val = _empty_value(a).with_marks(val.marks)
        start = len(out)
        out.append(" " * indent + f"{name} = ")
        if a.sensitive or val.is_marked:
            out.append("null # sensitive")
        elif val.is_known and not val.is_null and val.type == STRING:
            valid, parsed = parse_json(val.as_str())
            if not valid:
                out.append(value_tokens(val))
            elif isinstance(parsed, _JSONError):
                diags.append(
                    diag.warning(
                        "Failed to parse JSON",
                        f"Could not parse JSON value of attribute {name} in {addr} when generating import "
                        "configuration. The plan will likely report the missing attribute as being deleted. This is "
                        "most likely a bug in Terraform, please report it.",
                    )
                )
                continue  # terraform leaves the "name = " it wrote
            elif isinstance(parsed, (dict, list)) or parsed is None:
                out.append("jsonencode(" + _json_tokens(parsed) + ")")
            else:
                out.append(value_tokens(val))
        else:
            try:
                out.append(value_tokens(val))
            except ValueError:
                del out[start + 1 :]
                diags.append(
                    diag.warning(
                        "Skipped part of config generation",
                        "Could not create attribute in import configuration. The plan will likely report the missing "
                        "attribute as being deleted.",
                    )
                )
                continue
        out.append("\n")


def _empty_value(a: Attribute) -> Value:
    return null(a.type if a.type is not None else STRING)


def _write_nested_type_attribute(
    addr: str, out: list[str], name: str, a: Attribute, state: Value, indent: int, diags: Diagnostics
) -> None:
    nt = a.nested_type
    assert nt is not None
    pad = " " * indent
    if a.sensitive or state.is_marked:
        empty = "[]" if nt.nesting in (Nesting.LIST, Nesting.SET) else "{}"
        out.append(f"{pad}{name} = {empty} # sensitive\n")
        return
    if not isinstance(state.type, ObjectType) or name not in state.type.attrs:
        return
    v = state.attrs()[name] if not state.is_null else state
    if nt.nesting == Nesting.SINGLE:
        if v.is_null:
            out.append(f"{pad}{name} = null\n")
            return
        out.append(f"{pad}{name} = {{\n")
        _write_attributes(addr, out, v, nt.attributes, indent + 2, diags)
        out.append("}\n")
    elif nt.nesting in (Nesting.LIST, Nesting.SET):
        if not v.is_known or v.is_null:
            out.append(f"{pad}{name} = null\n")
            return
        out.append(f"{pad}{name} = [\n")
        for e in v.unmark()[0].elements():
            out.append(" " * (indent + 2))
            if e.is_marked:
                out.append("{}, # sensitive\n")
                continue
            out.append("{\n")
            _write_attributes(addr, out, e, nt.attributes, indent + 4, diags)
            out.append(" " * (indent + 2) + "},\n")
        out.append(f"{pad}]\n")
    else:
        if v.is_null:
            out.append(f"{pad}{name} = null\n")
            return
        elems = v.attrs()
        out.append(f"{pad}{name} = {{\n")
        for k in sorted(elems):
            key = k if valid_identifier(k) else _go_quote(k)
            out.append(" " * (indent + 2) + f"{key} = {{")
            if elems[k].is_marked:
                out.append("} # sensitive\n")
                continue
            out.append("\n")
            _write_attributes(addr, out, elems[k], nt.attributes, indent + 4, diags)
            out.append(" " * (indent + 2) + "}\n")
        out.append(f"{pad}}}\n")


def _go_quote(s: str) -> str:
    return go_quote(s)


def _write_blocks(addr: str, out: list[str], state: Value, blocks: Any, indent: int, diags: Diagnostics) -> None:
    for name in sorted(blocks):
        if state.is_null or name not in state.attrs():
            continue
        _write_nested_block(addr, out, name, blocks[name], state.attrs()[name], indent, diags)


def _write_nested_block(
    addr: str, out: list[str], name: str, nb: NestedBlock, v: Value, indent: int, diags: Diagnostics
) -> None:
    pad = " " * indent
    if nb.nesting in (Nesting.SINGLE, Nesting.GROUP):
        if v.is_null:
            return
        out.append(f"{pad}{name} {{")
        if v.is_marked:
            out.append("} # sensitive\n")
            return
        out.append("\n")
        _write_attributes(addr, out, v, nb.block.attributes, indent + 2, diags)
        _write_blocks(addr, out, v, nb.block.block_types, indent + 2, diags)
        out.append("}\n")
    elif nb.nesting in (Nesting.LIST, Nesting.SET):
        if v.is_marked:
            out.append(f"{pad}{name} {{}} # sensitive\n")
            return
        if not v.is_known or v.is_null:
            return
        for e in v.elements():
            out.append(f"{pad}{name} {{\n")
            _write_attributes(addr, out, e, nb.block.attributes, indent + 2, diags)
            _write_blocks(addr, out, e, nb.block.block_types, indent + 2, diags)
            out.append("}\n")
    else:
        if v.is_marked:
            out.append(f"{name} {{}} # sensitive\n")
            return
        if v.is_null:
            return
        elems = v.attrs()
        for k in sorted(elems):
            out.append(f"{pad}{name} {_go_quote(k)} {{")
            if elems[k].is_marked:
                out.append("} # sensitive\n")
                return
            out.append("\n")
            _write_attributes(addr, out, elems[k], nb.block.attributes, indent + 2, diags)
            _write_blocks(addr, out, elems[k], nb.block.block_types, indent + 2, diags)
            out.append(f"{pad}}}\n")


def resource_contents(
    addr: str, resource_type: str, schema: Block, provider: ProviderRef, state: Value
) -> tuple[str, Diagnostics]:
    """The body of a resource block (formatted, without the block header) for an
    imported object: terraform's GenerateResourceContents over the filtered schema."""
    diags = Diagnostics()
    out: list[str] = []
    if provider.type != implied_provider(resource_type) or provider.alias:
        out.append(f"  provider = {provider.compact()}\n")
    block = generation_schema(schema)
    _write_attributes(addr, out, state, block.attributes, 2, diags)
    _write_blocks(addr, out, state, block.block_types, 2, diags)
    return hcl_format("".join(out)), diags


def wrap_resource_contents(resource_type: str, name: str, contents: str) -> str:
    """The whole resource block around generated contents (formatted, no final newline)."""
    return hcl_format(f"resource {_go_quote(resource_type)} {_go_quote(name)} {{\n{contents}}}")


__all__ = [
    "ProviderRef",
    "generation_schema",
    "hcl_format",
    "implied_provider",
    "parse_json",
    "resource_contents",
    "value_tokens",
    "wrap_resource_contents",
]
