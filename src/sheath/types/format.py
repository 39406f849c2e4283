"""terraform console's rendering of values (terraform's repl.FormatValue).

The output resembles the Terraform language and names collection types with
conversion functions (``tolist([...])``, ``toset([...])``, ``tomap({...})``) so
the type can be read from it. Multi-line strings render as heredocs.
"""

from __future__ import annotations

from sheath.gounicode import go_trim_space
from sheath.types.cty import (
    BOOL,
    EPHEMERAL,
    NUMBER,
    SENSITIVE,
    STRING,
    UNKNOWN,
    CollectionType,
    Value,
)
from sheath.types.ops import go_quote

__all__ = ["format_value", "go_quote"]


def format_value(v: Value, indent: int = 0) -> str:
    """Render v exactly as ``terraform console`` prints it."""
    parts: list[str] = []
    _format(v, indent, parts)
    return "".join(parts)


def _format(v: Value, indent: int, out: list[str]) -> None:
    p = v.v
    if p is UNKNOWN:
        out.append("(known after apply)")
        return
    if v.marks:
        if SENSITIVE in v.marks:
            out.append("(sensitive value)")
            return
        if EPHEMERAL in v.marks:
            out.append("(ephemeral value)")
            return
    t = v.type
    if p is None:
        out.append(_format_null(v))
        return
    if t == STRING:
        if "\n" in p:
            out.append(_heredoc(p, indent))
        else:
            out.append(go_quote(p))
        return
    if t == NUMBER:
        out.append(p.format())
        return
    if t == BOOL:
        out.append("true" if p else "false")
        return
    if t.is_object():
        _mapping(p, indent, out)
    elif t.is_tuple():
        _sequence(p, indent, out)
    elif t.is_list():
        out.append("tolist(")
        _sequence(p, indent, out)
        out.append(")")
    elif t.is_set():
        out.append("toset(")
        _sequence(p, indent, out)
        out.append(")")
    elif t.is_map():
        out.append("tomap(")
        _mapping(p, indent, out)
        out.append(")")
    else:
        out.append(repr(v))


def _format_null(v: Value) -> str:
    t = v.type
    if t.is_dynamic():
        return "null"
    if t == STRING:
        return "tostring(null)"
    if t == NUMBER:
        return "tonumber(null)"
    if t == BOOL:
        return "tobool(null)"
    if isinstance(t, CollectionType):
        fn = {"list": "tolist", "set": "toset", "map": "tomap"}[t.kind]
        return f"{fn}(null) /* of {t.element.friendly_name()} */"
    return f"null /* {t.friendly_name()} */"


def _heredoc(s: str, indent: int) -> str:
    lines = s.split("\n")
    op = "<<-" if indent > 0 else "<<"
    delim = "EOT"
    while any(go_trim_space(line) == delim for line in lines):
        delim += "_"
    pad = " " * indent
    body = "".join("\n" + pad + line for line in lines)
    return f"{op}{delim}{body}\n{pad}{delim}"


def _mapping(d: dict[str, Value], indent: int, out: list[str]) -> None:
    out.append("{")
    inner = indent + 2
    pad = " " * inner
    for k, e in d.items():
        out.append("\n")
        out.append(pad)
        out.append(_heredoc(k, inner) if "\n" in k else go_quote(k))
        out.append(" = ")
        _format(e, inner, out)
    if d:
        out.append("\n")
        out.append(" " * indent)
    out.append("}")


def _sequence(elems: tuple[Value, ...], indent: int, out: list[str]) -> None:
    out.append("[")
    inner = indent + 2
    pad = " " * inner
    for e in elems:
        out.append("\n")
        out.append(pad)
        _format(e, inner, out)
        out.append(",")
    if elems:
        out.append("\n")
        out.append(" " * indent)
    out.append("]")
