"""terraform's renderers for primitive values (primitive.go) and sensitive ones
(sensitive.go): a value, ``old -> new``, a multi-line string as a heredoc diffed
line by line, and the warnings when a value's sensitivity changes."""

from __future__ import annotations

from collections.abc import Callable

from sheath.gounicode import go_trim_space
from sheath.plans.collections import process_slice
from sheath.plans.model import Action
from sheath.plans.render.computed import RenderOpts
from sheath.goquote import go_quote
from sheath.plans.render.util import indent, null_suffix, symbol
from sheath.types.cty import Value
from sheath.types.number import Number


def primitive_text(v: Value | None, opts: RenderOpts) -> str:
    if v is None or v.v is None:
        return opts.color("[dark_gray]null[reset]")
    p = v.v
    if isinstance(p, bool):
        return "true" if p else "false"
    if isinstance(p, Number):
        return p.format()
    return go_quote(str(p))


def primitive_renderer(b: Value | None, a: Value | None, act: Action) -> Callable[[int, RenderOpts], str]:
    """A primitive: its value, its old value with ``-> null``, or ``old -> new``."""

    def render_prim(ind: int, o: RenderOpts) -> str:
        if act == Action.CREATE:
            return primitive_text(a, o)
        if act == Action.DELETE:
            return primitive_text(b, o) + null_suffix(act, o)
        if act == Action.NO_OP:
            return primitive_text(b, o)
        return f"{primitive_text(b, o)} {o.color('[yellow]->[reset]')} {primitive_text(a, o)}"

    return render_prim


def is_multiline(b: Value | None, a: Value | None) -> bool:
    return any(v is not None and isinstance(v.v, str) and "\n" in v.v for v in (b, a))


def _lines(v: Value | None) -> list[str]:
    """A string's lines as terraform's renderer splits them: a multi-line string without the
    white space around it (strings.TrimSpace, so also the first line's indentation), a
    one-line string as it is."""
    if v is None or not isinstance(v.v, str):
        return []
    s = v.v
    if "\n" in s:
        s = go_trim_space(s)  # Go's white space: not the \x1c-\x1f that str.strip takes
    return s.split("\n")


def render_multiline(b: Value | None, a: Value | None, act: Action, ind: int, o: RenderOpts) -> str:
    bl, al = _lines(b), _lines(a)
    out = ["<<-EOT"]

    def emit(bi: int, ai: int) -> None:
        if bi < len(bl) and ai < len(al) and bl[bi] != al[ai]:
            out.append(f"{indent(ind + 1)}{symbol(Action.DELETE, o)}{bl[bi]}")
            out.append(f"{indent(ind + 1)}{symbol(Action.CREATE, o)}{al[ai]}")
        elif bi < len(bl) and ai < len(al):
            out.append(f"{indent(ind + 1)}{symbol(Action.NO_OP, o)}{al[ai]}")
        elif bi < len(bl):
            out.append(f"{indent(ind + 1)}{symbol(Action.DELETE, o)}{bl[bi]}")
        else:
            out.append(f"{indent(ind + 1)}{symbol(Action.CREATE, o)}{al[ai]}")

    if act in (Action.CREATE, Action.DELETE):
        for line in al if act == Action.CREATE else bl:
            out.append(f"{indent(ind + 1)}{symbol(Action.NO_OP, o)}{line}")
    else:
        process_slice(bl, al, emit, lambda x, y: x == y, lambda _x: False)
    out.append(f"{indent(ind)}{symbol(Action.NO_OP, o)}EOT{null_suffix(act, o)}")
    return "\n".join(out)


def sensitive_attribute_warning(ind: int, o: RenderOpts, before: bool, after: bool, inner: Action) -> list[str]:
    """renderers.Sensitive's warnings: a value becoming, or no longer, sensitive."""
    if before == after or inner in (Action.CREATE, Action.DELETE):
        return []
    if before:
        w = o.color(
            f"  # [yellow]Warning[reset]: this attribute value will no longer be marked as sensitive\n"
            f"{indent(ind)}  # after applying this change."
        )
    else:
        w = o.color(
            f"  # [yellow]Warning[reset]: this attribute value will be marked as sensitive and will not\n"
            f"{indent(ind)}  # display in UI output after applying this change."
        )
    return [f"{w} The value is unchanged."] if inner == Action.NO_OP else [w]
