"""terraform's human plan output (command/jsonformat), from a Plan.

``render_plan(plan, color=False)`` returns exactly what ``terraform show
PLANFILE`` (``color=True``) or ``terraform show -no-color PLANFILE`` prints
for the same plan. Values are rendered by their shape, as terraform renders
attributes of dynamic type (terraform_data's input/output, outputs): objects
as ``{ key = value }`` blocks, sequences as ``[ ..., ]`` lists, maps with
quoted keys. The diff is computed first (a tree of ``_Diff`` nodes, each
with an action), then rendered.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, Final

from sheath.lang.funcs.support import go_trim_space
from sheath.plans.collections import json_key, process_set, process_slice
from sheath.plans.model import (
    Action,
    ActionReason,
    OutputChange,
    Plan,
    ResourceInstanceChange,
    UIMode,
)
from sheath.plans.values import from_py
from sheath.providers.schema import Attribute, Block, Nesting, Object
from sheath.types.cty import (
    SENSITIVE,
    STRING,
    UNKNOWN,
    ListType,
    MapType,
    ObjectType,
    SetType,
    TupleType,
    Value,
)
from sheath.types.number import Number

WIDTH: Final = 78

_COLORS: Final = {
    "reset": "\x1b[0m",
    "bold": "\x1b[1m",
    "red": "\x1b[31m",
    "green": "\x1b[32m",
    "yellow": "\x1b[33m",
    "cyan": "\x1b[36m",
    "dark_gray": "\x1b[90m",
}
_CODE_RE: Final = re.compile(r"\[(reset|bold|red|green|yellow|cyan|dark_gray)\]")
_IDENT_RE: Final = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


class Colorize:
    """mitchellh/colorstring: [name] codes; a reset is appended when any were used."""

    __slots__ = ("enabled",)

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, s: str) -> str:
        if not self.enabled:
            return _CODE_RE.sub("", s)
        out, n = _CODE_RE.subn(lambda m: _COLORS[m.group(1)], s)
        return out + _COLORS["reset"] if n else out


_SYMBOLS: Final = {
    Action.DELETE_THEN_CREATE: "[red]-[reset]/[green]+[reset]",
    Action.CREATE_THEN_DELETE: "[green]+[reset]/[red]-[reset]",
    Action.CREATE: "  [green]+[reset]",
    Action.DELETE: "  [red]-[reset]",
    Action.FORGET: " [red].[reset]",
    Action.FORGET_THEN_CREATE: "  [red].[reset]/[green]+[reset]",  # OpenTofu's symbol, as it prints it
    Action.READ: " [cyan]<=[reset]",
    Action.UPDATE: "  [yellow]~[reset]",
    Action.NO_OP: "   ",
}


@dataclass(slots=True)
class _Opts:
    color: Colorize
    override_null_suffix: bool = False
    show_unchanged_children: bool = False
    hide_symbols: bool = False  # HideDiffActionSymbols: how state is shown
    force_replace: bool = False  # ForceForcesReplacement (not inherited by clones)
    forbid_replace: bool = False  # ForbidForcesReplacement (not inherited by clones)

    def clone(self, **kw: bool) -> _Opts:
        o = _Opts(self.color, self.override_null_suffix, self.show_unchanged_children, self.hide_symbols)
        for k, v in kw.items():
            setattr(o, k, v)
        return o


def _indent(n: int) -> str:
    return "    " * n


def _sym(action: Action, opts: _Opts) -> str:
    if opts.hide_symbols:
        return ""
    return opts.color(_SYMBOLS[action]) + " "


def _null_suffix(action: Action, opts: _Opts) -> str:
    if opts.override_null_suffix or action != Action.DELETE:
        return ""
    return opts.color(" [dark_gray]-> null[reset]")


def _unchanged(kind: str, n: int, opts: _Opts) -> str:
    s = "" if n == 1 else "s"
    return opts.color(f"[dark_gray]# ({n} unchanged {kind}{s} hidden)[reset]")


_GO_ESCAPES: Final = {
    '"': '\\"',
    "\\": "\\\\",
    "\a": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\v": "\\v",
}


def hcl_escape(s: str) -> str:
    """A quoted string as terraform's renderer writes it (Go's strconv.Quote)."""
    if s.isascii() and s.isprintable() and '"' not in s and "\\" not in s:
        return '"' + s + '"'
    out = ['"']
    for ch in s:
        e = _GO_ESCAPES.get(ch)
        if e is not None:
            out.append(e)
        elif ch.isprintable():
            out.append(ch)
        else:
            o = ord(ch)
            if o < 0x20 or o == 0x7F:
                out.append(f"\\x{o:02x}")
            elif o < 0x10000:
                out.append(f"\\u{o:04x}")
            else:
                out.append(f"\\U{o:08x}")
    out.append('"')
    return "".join(out)


def attribute_name(k: str) -> str:
    return k if _IDENT_RE.match(k) else hcl_escape(k)


# ---------------------------------------------------------------- diff tree


@dataclass(slots=True)
class _Diff:
    action: Action
    render: Callable[[int, _Opts], str]
    collection: bool = False  # "# forces replacement" goes on the opening line
    warnings: Callable[[int, _Opts], list[str]] | None = None
    # the diff rendered with terraform's replacement note where it is not a plain suffix
    forcing_replacement: Callable[[], _Diff] | None = None


def _forcing_replacement(d: _Diff) -> _Diff:
    """d with terraform's " # forces replacement" suffix."""
    if d.forcing_replacement is not None:
        return d.forcing_replacement()
    inner = d.render

    def render(ind: int, o: _Opts) -> str:
        text = inner(ind, o)
        suffix = o.color(" [red]# forces replacement[reset]")
        if d.collection and "\n" in text:
            first, rest = text.split("\n", 1)
            return f"{first}{suffix}\n{rest}"
        return text + suffix

    return _Diff(d.action, render, d.collection)


def _is_null(v: Value | None) -> bool:
    return v is None or (v.v is None)


def _raw_equal(a: Value, b: Value) -> bool:
    if (SENSITIVE in a.marks) != (SENSITIVE in b.marks):
        return False
    pa, pb = a.v, b.v
    if pa is UNKNOWN or pb is UNKNOWN:
        return pa is pb
    if isinstance(pa, tuple):
        return isinstance(pb, tuple) and len(pa) == len(pb) and all(_raw_equal(x, y) for x, y in zip(pa, pb))
    if isinstance(pa, dict):
        return isinstance(pb, dict) and pa.keys() == pb.keys() and all(_raw_equal(pa[k], pb[k]) for k in pa)
    if isinstance(pa, Number) and isinstance(pb, Number):
        return pa.format() == pb.format()
    return type(pa) is type(pb) and pa == pb


def _unmark_all(v: Value | None) -> Value | None:
    return None if v is None else v.unmark_deep()[0]


def _sensitive_attribute_warning(ind: int, o: _Opts, before: bool, after: bool, inner: Action) -> list[str]:
    """renderers.Sensitive's warnings: a value becoming, or no longer, sensitive."""
    if before == after or inner in (Action.CREATE, Action.DELETE):
        return []
    if before:
        w = o.color(
            f"  # [yellow]Warning[reset]: this attribute value will no longer be marked as sensitive\n"
            f"{_indent(ind)}  # after applying this change."
        )
    else:
        w = o.color(
            f"  # [yellow]Warning[reset]: this attribute value will be marked as sensitive and will not\n"
            f"{_indent(ind)}  # display in UI output after applying this change."
        )
    return [f"{w} The value is unchanged."] if inner == Action.NO_OP else [w]


def _warning_lines(d: _Diff, ind: int, o: _Opts) -> list[str]:
    """A child's warnings, each on lines of its own above it (at the child's indent)."""
    return [f"{_indent(ind)}{w}" for w in d.warnings(ind, o)] if d.warnings is not None else []


def _calc_action(b: Value | None, a: Value | None) -> Action:
    if b is None and a is not None:
        return Action.CREATE
    if a is None and b is not None:
        return Action.DELETE
    if b is None or a is None:
        return Action.NO_OP
    return Action.NO_OP if _raw_equal(b, a) else Action.UPDATE


def _kind(v: Value | None) -> str:
    if v is None or v.v is None:
        return "null"
    p = v.v
    if isinstance(p, dict):
        return "map" if isinstance(v.type, MapType) else "object"
    if isinstance(p, tuple):
        return "array"
    if isinstance(p, str):
        return "string"
    if isinstance(p, bool):
        return "bool"
    return "number"


def _children_action(b: Value | None, a: Value | None, children: list[_Diff]) -> Action:
    if b is None and a is not None:
        return Action.CREATE
    if a is None and b is not None:
        return Action.DELETE
    return Action.UPDATE if any(c.action != Action.NO_OP for c in children) else Action.NO_OP


def json_shape(v: Value) -> Value:
    """v as terraform sees a dynamic value: through JSON (maps are objects,
    lists and sets are tuples); unknowns and marks are kept."""
    p = v.v
    if isinstance(p, dict):
        if isinstance(v.type, ObjectType) and all(e is json_shape(e) for e in p.values()):
            return v
        return Value(ObjectType({k: e.type for k, e in p.items()}), {k: json_shape(e) for k, e in p.items()}, v.marks)
    if isinstance(p, tuple):
        elems = tuple(json_shape(e) for e in p)
        return Value(TupleType([e.type for e in elems]), elems, v.marks)
    return v


def compute_diff(b: Value | None, a: Value | None, typed: bool = False) -> _Diff:
    """The diff of before/after (None = absent) of an attribute or output.

    typed: the values have their schema's types (lists are diffed along their
    longest common subsequence, sets by membership); otherwise they are
    dynamic values, diffed by their JSON shape."""
    if typed:  # legacy SDK: empty strings count as null (the differ's fixup)
        b = None if b is not None and b.v == "" and b.type == STRING and not b.marks else b
        a = None if a is not None and a.v == "" and a.type == STRING and not a.marks else a
        if b is None and a is None:
            return _Diff(Action.NO_OP, lambda ind, o: _prim_text(None, o))
    bs = b is not None and SENSITIVE in b.marks
    as_ = a is not None and SENSITIVE in a.marks
    if bs or as_:
        # structured.Change.CheckForSensitive: the action of the unmarked values, an update
        # when only the sensitivity changes
        inner = compute_diff(_unmark_all(b), _unmark_all(a), typed).action
        act = Action.UPDATE if inner == Action.NO_OP and bs != as_ else inner
        return _Diff(
            act,
            lambda ind, o: "(sensitive value)" + _null_suffix(act, o),
            warnings=lambda ind, o: _sensitive_attribute_warning(ind, o, bs, as_, inner),
        )
    if a is not None and a.v is UNKNOWN:
        if _is_null(b):
            return _Diff(Action.CREATE, lambda ind, o: "(known after apply)")
        assert b is not None
        bd = compute_diff(b, None, typed)

        def render_unknown(ind: int, o: _Opts) -> str:
            return bd.render(ind, o.clone(override_null_suffix=True)) + " -> (known after apply)"

        return _Diff(Action.UPDATE, render_unknown)
    kb, ka = _kind(b), _kind(a)
    created = kb == "null" and b is None
    deleted = ka == "null" and a is None
    if kb == ka or created or deleted:
        target = ka if kb == "null" else kb
        return _process(b, a, target, typed)
    bd2 = _process(b, None, kb, typed)
    ad2 = _process(None, a, ka, typed)

    def render_type_change(ind: int, o: _Opts) -> str:
        oo = o.clone(override_null_suffix=True)
        return f"{bd2.render(ind, oo)} {o.color('[yellow]->[reset]')} {ad2.render(ind, oo)}"

    return _Diff(Action.UPDATE, render_type_change)


def _prim_text(v: Value | None, opts: _Opts) -> str:
    if v is None or v.v is None:
        return opts.color("[dark_gray]null[reset]")
    p = v.v
    if isinstance(p, bool):
        return "true" if p else "false"
    if isinstance(p, Number):
        return p.format()
    return hcl_escape(str(p))


def _process(b: Value | None, a: Value | None, kind: str, typed: bool = False) -> _Diff:
    if kind in ("object", "map"):
        return _object_diff(b, a, quote_keys=kind == "map", typed=typed)
    if kind == "array":
        return _array_diff(b, a, typed)
    act = _calc_action(b, a)
    if kind == "string":
        jd = _json_string_diff(b, a, act)
        if jd is not None:
            return jd
    if kind == "string" and _multiline(b, a):
        return _Diff(act, lambda ind, o: _render_multiline(b, a, act, ind, o))

    def render_prim(ind: int, o: _Opts) -> str:
        if act == Action.CREATE:
            return _prim_text(a, o)
        if act == Action.DELETE:
            return _prim_text(b, o) + _null_suffix(act, o)
        if act == Action.NO_OP:
            return _prim_text(b, o)
        return f"{_prim_text(b, o)} {o.color('[yellow]->[reset]')} {_prim_text(a, o)}"

    return _Diff(act, render_prim)


def _json_container(v: Value | None) -> tuple[bool, Any]:
    """Whether v is a string holding a JSON object or array, and its data."""
    if v is None or not isinstance(v.v, str):
        return False, None
    t = v.v.lstrip()
    if not t.startswith(("{", "[")):
        return False, None
    try:
        return True, json.loads(v.v)
    except ValueError:
        return False, None


def _json_string_diff(b: Value | None, a: Value | None, act: Action, replace: bool = False) -> _Diff | None:
    """Strings of JSON render as jsonencode(...) of a structural diff (renderStringDiffAsJson)."""
    bj, bdata = _json_container(b)
    aj, adata = _json_container(a)
    if not ((bj or b is None) and (aj or a is None)) or (b is None and a is None):
        return None
    inner = compute_diff(None if b is None else from_py(bdata), None if a is None else from_py(adata))
    # The strings differ but their JSON does not: only whitespace changed.
    whitespace_only = inner.action == Action.NO_OP and act == Action.UPDATE

    def render_json(ind: int, o: _Opts) -> str:
        jo = o.clone(override_null_suffix=True)
        sym = Action.UPDATE if act == Action.UPDATE else Action.NO_OP
        comment, suffix = "", ""
        if whitespace_only:
            comment = " # whitespace changes force replacement" if replace else " # whitespace changes"
            jo = jo.clone(show_unchanged_children=True)
            sym = Action.NO_OP
        elif replace:
            suffix = o.color(" [red]# forces replacement[reset]")
        text = inner.render(ind + 1, jo)
        if "\n" not in text:
            return f"jsonencode({text}){comment}{suffix}"
        return (
            f"jsonencode({comment}\n{_indent(ind + 1)}{_sym(sym, o)}{text}{suffix}"
            f"\n{_indent(ind)}{_sym(Action.NO_OP, o)}){_null_suffix(act, o)}"
        )

    diff = _Diff(act, render_json)
    if not replace:
        diff.forcing_replacement = lambda: _json_string_diff(b, a, act, replace=True) or diff
    return diff


def _multiline(b: Value | None, a: Value | None) -> bool:
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


def _render_multiline(b: Value | None, a: Value | None, act: Action, ind: int, o: _Opts) -> str:
    bl, al = _lines(b), _lines(a)
    out = ["<<-EOT"]

    def emit(bi: int, ai: int) -> None:
        if bi < len(bl) and ai < len(al) and bl[bi] != al[ai]:
            out.append(f"{_indent(ind + 1)}{_sym(Action.DELETE, o)}{bl[bi]}")
            out.append(f"{_indent(ind + 1)}{_sym(Action.CREATE, o)}{al[ai]}")
        elif bi < len(bl) and ai < len(al):
            out.append(f"{_indent(ind + 1)}{_sym(Action.NO_OP, o)}{al[ai]}")
        elif bi < len(bl):
            out.append(f"{_indent(ind + 1)}{_sym(Action.DELETE, o)}{bl[bi]}")
        else:
            out.append(f"{_indent(ind + 1)}{_sym(Action.CREATE, o)}{al[ai]}")

    if act in (Action.CREATE, Action.DELETE):
        for line in al if act == Action.CREATE else bl:
            out.append(f"{_indent(ind + 1)}{_sym(Action.NO_OP, o)}{line}")
    else:
        process_slice(bl, al, emit, lambda x, y: x == y, lambda _x: False)
    out.append(f"{_indent(ind)}{_sym(Action.NO_OP, o)}EOT{_null_suffix(act, o)}")
    return "\n".join(out)


def _object_diff(b: Value | None, a: Value | None, quote_keys: bool, typed: bool = False) -> _Diff:
    bd = b.v if b is not None and isinstance(b.v, dict) else {}
    ad = a.v if a is not None and isinstance(a.v, dict) else {}
    keys = sorted(set(bd) | set(ad))
    children = {
        k: compute_diff(bd.get(k) if b is not None else None, ad.get(k) if a is not None else None, typed) for k in keys
    }
    act = _children_action(b, a, list(children.values()))

    def render_object(ind: int, o: _Opts) -> str:
        if not children:
            return "{}" + _null_suffix(act, o)
        names = {k: (hcl_escape(k) if quote_keys else attribute_name(k)) for k in keys}
        width = max(len(n) for n in names.values())
        ao = o.clone(override_null_suffix=True)
        lines = ["{"]
        hidden = 0
        for k in keys:
            c = children[k]
            if not quote_keys and k in _IMPORTANT:  # objectRenderer always shows these
                io = ao.clone(show_unchanged_children=True)
                lines.extend(_warning_lines(c, ind + 1, io))
                lines.append(f"{_indent(ind + 1)}{_sym(c.action, io)}{names[k]:<{width}} = {c.render(ind + 1, io)}")
                continue
            if c.action == Action.NO_OP and not o.show_unchanged_children:
                hidden += 1
                continue
            lines.extend(_warning_lines(c, ind + 1, ao))
            lines.append(f"{_indent(ind + 1)}{_sym(c.action, ao)}{names[k]:<{width}} = {c.render(ind + 1, ao)}")
        if hidden:
            kind = "element" if quote_keys else "attribute"
            lines.append(f"{_indent(ind + 1)}{_sym(Action.NO_OP, ao)}{_unchanged(kind, hidden, o)}")
        lines.append(f"{_indent(ind)}{_sym(Action.NO_OP, o)}}}{_null_suffix(act, o)}")
        return "\n".join(lines)

    return _Diff(act, render_object, collection=True)


def _json_object(k: Hashable) -> bool:
    return isinstance(k, tuple) and k[0] == "object"


def _array_diff(b: Value | None, a: Value | None, typed: bool = False) -> _Diff:
    be: tuple[Value, ...] = b.v if b is not None and isinstance(b.v, tuple) else ()
    ae: tuple[Value, ...] = a.v if a is not None and isinstance(a.v, tuple) else ()
    elems: list[_Diff] = []
    ref = a if a is not None else b
    t = ref.type if ref is not None else None
    if typed and isinstance(t, SetType):
        return _set_diff(b, a, be, ae)

    def proc(bi: int, ai: int) -> None:
        elems.append(compute_diff(be[bi] if bi < len(be) else None, ae[ai] if ai < len(ae) else None, typed))

    if typed and isinstance(t, TupleType):  # a tuple's elements pair by position
        for i in range(max(len(be), len(ae))):
            proc(i, i)
    else:
        # a list attribute, or a sequence of a dynamic value (its JSON array)
        objects = typed and isinstance(t, ListType) and isinstance(t.element, ObjectType)
        bk, ak = [json_key(x) for x in be], [json_key(y) for y in ae]
        process_slice(bk, ak, proc, lambda x, y: x == y, lambda k: objects or (not typed and _json_object(k)))
    act = _children_action(b, a, elems)

    def render_list(ind: int, o: _Opts) -> str:
        if not elems:
            return "[]" + _null_suffix(act, o)
        eo = o.clone(override_null_suffix=True)
        uo = o.clone(show_unchanged_children=True)
        lines = ["["]
        unchanged: list[_Diff] = []
        render_next = False
        for e in elems:
            if e.action == Action.NO_OP and not render_next and not o.show_unchanged_children:
                unchanged.append(e)
                continue
            render_next = False
            opts = eo
            if len(unchanged) > 1:
                lines.append(f"{_indent(ind + 1)}{_sym(Action.NO_OP, opts)}{_unchanged('element', len(unchanged) - 1, o)}")
            if unchanged:
                last = unchanged[-1]
                lines.append(f"{_indent(ind + 1)}{_sym(last.action, uo)}{last.render(ind + 1, uo)},")
            unchanged = []
            if e.action == Action.NO_OP:
                opts = uo
            else:
                render_next = True
            lines.extend(_warning_lines(e, ind + 1, opts))
            lines.append(f"{_indent(ind + 1)}{_sym(e.action, opts)}{e.render(ind + 1, opts)},")
        if unchanged:
            lines.append(f"{_indent(ind + 1)}{_sym(Action.NO_OP, o)}{_unchanged('element', len(unchanged), o)}")
        lines.append(f"{_indent(ind)}{_sym(Action.NO_OP, o)}]{_null_suffix(act, o)}")
        return "\n".join(lines)

    return _Diff(act, render_list, collection=True)


def _set_diff(b: Value | None, a: Value | None, be: tuple[Value, ...], ae: tuple[Value, ...]) -> _Diff:
    elems: list[_Diff] = []

    def proc(bi: int, ai: int) -> None:
        elems.append(compute_diff(be[bi] if bi < len(be) else None, ae[ai] if ai < len(ae) else None, True))

    process_set(be, ae, proc)
    act = _children_action(b, a, elems)

    def render_set(ind: int, o: _Opts) -> str:
        if not elems:
            return "[]" + _null_suffix(act, o)
        eo = o.clone(override_null_suffix=True)
        lines = ["["]
        hidden = 0
        for e in elems:
            if e.action == Action.NO_OP and not o.show_unchanged_children:
                hidden += 1
                continue
            lines.append(f"{_indent(ind + 1)}{_sym(e.action, eo)}{e.render(ind + 1, eo)},")
        if hidden:
            lines.append(f"{_indent(ind + 1)}{_sym(Action.NO_OP, o)}{_unchanged('element', hidden, o)}")
        lines.append(f"{_indent(ind)}{_sym(Action.NO_OP, o)}]{_null_suffix(act, o)}")
        return "\n".join(lines)

    return _Diff(act, render_set, collection=True)


# ---------------------------------------------------------------- resources

_IMPORTANT: Final = frozenset(("id", "name", "tags"))


def _attrs(v: Value) -> dict[str, Value]:
    if v.v is None or v.v is UNKNOWN or not isinstance(v.v, dict):
        return {}
    attrs: dict[str, Value] = v.v
    return attrs


def _normalize(v: Value | None, attr: Attribute | None) -> Value | None:
    """A block attribute's value as terraform's renderer sees it."""
    if v is None:
        return v
    if attr is None:  # no schema: every attribute is seen through its JSON
        return json_shape(v)
    t = attr.implied_type()
    if t.is_dynamic():
        return json_shape(v)
    return v


def _renders_as_value(v: Value | None) -> bool:
    return v is not None and (v.v is UNKNOWN or SENSITIVE in v.marks)


def _compare_actions(current: Action, nxt: Action) -> Action:
    """collections.CompareActions: how a child's action folds into its parent's."""
    if nxt == Action.NO_OP:
        return current
    return current if current == nxt else Action.UPDATE


def _iteration_action(b: Value | None, a: Value | None) -> Action:
    """The starting action of a collection or block (GetDefaultActionForIteration)."""
    if b is None and a is None:
        return Action.NO_OP
    if b is None:
        return Action.CREATE
    if a is None:
        return Action.DELETE
    return Action.NO_OP


@dataclass(frozen=True, slots=True)
class _ReplacePaths:
    """The replace paths below a point of the value (attribute_path matcher)."""

    paths: frozenset[tuple[Any, ...]]

    def child(self, step: Any) -> _ReplacePaths:
        return _ReplacePaths(frozenset(p[1:] for p in self.paths if p and p[0] == step))

    def matches(self) -> bool:
        return () in self.paths


@dataclass(slots=True)
class _BlockGroup:
    """One nested block type's diffs (renderers.Blocks' entry for a key)."""

    kind: Nesting
    diffs: list[tuple[str, _Diff]]  # (map key text, diff)
    replace: bool = False
    before_sensitive: bool = False
    after_sensitive: bool = False
    unknown: bool = False


def _unmark(v: Value | None) -> Value | None:
    if v is None or SENSITIVE not in v.marks:
        return v
    return Value(v.type, v.v, v.marks - {SENSITIVE})


def _block_value(v: Value | None) -> Value | None:
    """A block value as the differ sees it: null is absent."""
    return None if v is None or v.v is None else v


def _sensitive_block_text(ind: int, o: _Opts, replace: bool) -> str:
    prefix = f"{_indent(ind)}{_sym(Action.NO_OP, o)}"
    return (
        f"{{{_replace_suffix(replace, o)}\n{prefix}  # At least one attribute in this block is (or was) sensitive,"
        f"\n{prefix}  # so its contents will not be displayed.\n{prefix}}}"
    )


def _replace_suffix(replace: bool, o: _Opts) -> str:
    if (replace or o.force_replace) and not o.forbid_replace:
        return o.color(" [red]# forces replacement[reset]")
    return ""


def _sensitive_block_warning(ind: int, o: _Opts, before: bool, after: bool, inner: Action) -> list[str]:
    if before == after or inner in (Action.CREATE, Action.DELETE):
        return []
    if before:
        return [
            o.color(
                f"  # [yellow]Warning[reset]: this block will no longer be marked as sensitive\n"
                f"{_indent(ind)}  # after applying this change."
            )
        ]
    return [
        o.color(
            f"  # [yellow]Warning[reset]: this block will be marked as sensitive and will not\n"
            f"{_indent(ind)}  # display in UI output after applying this change."
        )
    ]


def _nested_block_diff(b: Value | None, a: Value | None, schema: Block, replace: _ReplacePaths) -> _Diff:
    """differ.ComputeDiffForBlock for a nested block (b, a: None when null)."""
    bs = b is not None and SENSITIVE in b.marks
    as_ = a is not None and SENSITIVE in a.marks
    rep = replace.matches()
    if bs or as_:
        inner = _nested_block_diff(_unmark(b), _unmark(a), schema, replace)
        act = inner.action
        if bs != as_ and act == Action.NO_OP:
            act = Action.UPDATE
        return _Diff(
            act,
            lambda ind, o: _sensitive_block_text(ind, o, rep),
            warnings=lambda ind, o: _sensitive_block_warning(ind, o, bs, as_, inner.action),
        )
    if a is not None and a.v is UNKNOWN:
        if b is None:
            return _Diff(Action.CREATE, lambda ind, o: "(known after apply)" + _replace_suffix(rep, o))
        before = _nested_block_diff(b, None, schema, _ReplacePaths(frozenset()))

        def render_unknown(ind: int, o: _Opts) -> str:
            bo = o.clone(override_null_suffix=True, forbid_replace=rep)
            return f"{before.render(ind, bo)} -> (known after apply){_replace_suffix(rep, o)}"

        return _Diff(Action.UPDATE, render_unknown)
    act, attrs, groups = _block_children(b, a, schema, replace, None)
    return _Diff(act, lambda ind, o: _render_block(attrs, groups, ind, o, rep, act))


def _block_children(
    b: Value | None,
    a: Value | None,
    schema: Block | None,
    replace: _ReplacePaths,
    relevant: frozenset[str] | None,
) -> tuple[Action, dict[str, _Diff], dict[str, _BlockGroup]]:
    """A block's attribute diffs, nested block groups and action."""
    current = _iteration_action(b, a)
    bd = _attrs(b) if b is not None else {}
    ad = _attrs(a) if a is not None else {}
    block_types = schema.block_types if schema is not None else {}
    attrs: dict[str, _Diff] = {}
    for k in sorted((set(bd) | set(ad)) - set(block_types)):
        attr = schema.attributes.get(k) if schema is not None else None
        if attr is not None and attr.write_only:
            continue
        bv = _normalize(bd.get(k), attr)
        av = _normalize(ad.get(k), attr)
        if relevant is not None and k not in relevant:
            av = bv
        if _is_null(bv) and (_is_null(av) and (av is None or av.v is not UNKNOWN)):
            continue  # null on both sides: not recorded (an empty string is, as unchanged)
        typed = attr is not None and not attr.implied_type().is_dynamic()
        d = _attribute_diff(None if _is_null(bv) else bv, None if _is_null(av) else av, attr)
        # terraform marks replacement-forcing typed attributes; a dynamic one (rendered
        # through its JSON, like terraform_data's) only when its new value is unknown
        # or sensitive (checked against terraform 1.11)
        if replace.child(k).matches() and (typed or _renders_as_value(av)):
            d = _forcing_replacement(d)
        attrs[k] = d
        current = _compare_actions(current, d.action)
    groups: dict[str, _BlockGroup] = {}
    for k in sorted(block_types):
        nb = block_types[k]
        bv = _block_value(bd.get(k))
        av = _block_value(ad.get(k))
        if relevant is not None and k not in relevant:
            av = bv
        rp = replace.child(k)
        bsens = bv is not None and SENSITIVE in bv.marks
        asens = av is not None and SENSITIVE in av.marks
        unknown = av is not None and av.v is UNKNOWN
        if nb.nesting in (Nesting.SINGLE, Nesting.GROUP):
            d = _nested_block_diff(bv, av, nb.block, rp)
            if d.action == Action.NO_OP and bv is None and av is None:
                continue
            group = _BlockGroup(nb.nesting, [("", d)])
            act = d.action
        else:
            bu, au = _unmark(bv), _unmark(av)
            if au is not None and au.v is UNKNOWN:
                au = None
            diffs, act = _block_collection(bu, au, nb.nesting, nb.block, rp)
            if act == Action.NO_OP and bv is None and av is None and not unknown:
                continue
            group = _BlockGroup(nb.nesting, diffs)
        group.replace = rp.matches()
        group.before_sensitive, group.after_sensitive, group.unknown = bsens, asens, unknown
        groups[k] = group
        current = _compare_actions(current, act)
    if schema is not None:
        _write_only_attributes(attrs, b, a, schema, replace, current)
    return current, attrs, groups


def _write_only_attributes(
    attrs: dict[str, _Diff], b: Value | None, a: Value | None, schema: Block, replace: _ReplacePaths, block_action: Action
) -> None:
    """terraform's computeDiffForWriteOnlyAttribute: every write-only attribute of a
    block is shown, with the block's action (an update's as unchanged, so only counted)
    and no value."""
    sensitive = (b is not None and SENSITIVE in b.marks) or (a is not None and SENSITIVE in a.marks)
    text = "(sensitive, write-only attribute)" if sensitive else "(write-only attribute)"
    act = Action.NO_OP if block_action == Action.UPDATE else block_action
    rep = replace.matches()
    written = {k for k, attr in schema.attributes.items() if attr.write_only}
    if not written:
        return
    for k in written:
        attrs[k] = _Diff(act, lambda ind, o: text + _null_suffix(act, o) + _replace_suffix(rep, o))
    ordered = sorted(attrs.items())
    attrs.clear()
    attrs.update(ordered)


def _block_collection(
    b: Value | None, a: Value | None, nesting: Nesting, schema: Block, replace: _ReplacePaths
) -> tuple[list[tuple[str, _Diff]], Action]:
    """The element diffs of a list, set or map of blocks, and their action."""
    current = _iteration_action(b, a)
    out: list[tuple[str, _Diff]] = []

    def add(key: str, x: Value | None, y: Value | None, rp: _ReplacePaths) -> None:
        nonlocal current
        d = _nested_block_diff(_block_value(x), _block_value(y), schema, rp)
        out.append((key, d))
        current = _compare_actions(current, d.action)

    if nesting == Nesting.MAP:
        bm = b.v if b is not None and isinstance(b.v, dict) else {}
        am = a.v if a is not None and isinstance(a.v, dict) else {}
        for k in sorted(set(bm) | set(am)):
            add(f" {hcl_escape(k)}", bm.get(k), am.get(k), replace.child(k))
        return out, current
    be: tuple[Value, ...] = b.v if b is not None and isinstance(b.v, tuple) else ()
    ae: tuple[Value, ...] = a.v if a is not None and isinstance(a.v, tuple) else ()
    if nesting == Nesting.LIST:
        for i in range(max(len(be), len(ae))):
            add("", be[i] if i < len(be) else None, ae[i] if i < len(ae) else None, replace.child(i))
        return out, current
    none = _ReplacePaths(frozenset())
    matched: dict[int, int] = {}
    for i, x in enumerate(be):
        for j, y in enumerate(ae):
            if j in matched.values():
                continue
            if _raw_equal(x, y) and not _has_unknown(y):
                matched[i] = j
    for i, x in enumerate(be):
        add("", x, ae[matched[i]] if i in matched else None, none)
    for j, y in enumerate(ae):
        if j not in matched.values():
            add("", None, y, none)
    return out, current


def _has_unknown(v: Value) -> bool:
    p = v.v
    if p is UNKNOWN:
        return True
    if isinstance(p, dict):
        return any(_has_unknown(e) for e in p.values())
    if isinstance(p, tuple):
        return any(_has_unknown(e) for e in p)
    return False


def _attribute_diff(b: Value | None, a: Value | None, attr: Attribute | None) -> _Diff:
    """differ.ComputeDiffForAttribute: by the attribute's type, or its nested attribute type."""
    if attr is not None and attr.nested_type is not None:
        return _nested_attribute_diff(b, a, attr.nested_type)
    typed = attr is not None and not attr.implied_type().is_dynamic()
    return compute_diff(b, a, typed)


def _nested_attribute_diff(b: Value | None, a: Value | None, obj: Object) -> _Diff:
    """A protocol-6 nested attribute (single, list, set or map of objects)."""
    b, a = (None if _is_null(b) else b), (None if _is_null(a) else a)
    if (b is not None and SENSITIVE in b.marks) or (a is not None and SENSITIVE in a.marks):
        return compute_diff(b, a, True)
    if a is not None and a.v is UNKNOWN:
        if b is None:
            return _Diff(Action.CREATE, lambda ind, o: "(known after apply)")
        before = _nested_attribute_diff(b, None, obj)
        return _Diff(
            Action.UPDATE,
            lambda ind, o: before.render(ind, o.clone(override_null_suffix=True)) + " -> (known after apply)",
        )
    if obj.nesting in (Nesting.SINGLE, Nesting.GROUP):
        return _nested_object_diff(b, a, obj)
    current = _iteration_action(b, a)
    elems: list[tuple[str, _Diff]] = []
    if obj.nesting == Nesting.MAP:
        bm = b.v if b is not None and isinstance(b.v, dict) else {}
        am = a.v if a is not None and isinstance(a.v, dict) else {}
        for k in sorted(set(bm) | set(am)):
            elems.append((hcl_escape(k), _nested_object_diff(bm.get(k), am.get(k), obj)))
    else:
        be: tuple[Value, ...] = b.v if b is not None and isinstance(b.v, tuple) else ()
        ae: tuple[Value, ...] = a.v if a is not None and isinstance(a.v, tuple) else ()
        if obj.nesting == Nesting.LIST:
            for i in range(max(len(be), len(ae))):
                x, y = (be[i] if i < len(be) else None), (ae[i] if i < len(ae) else None)
                elems.append(("", _nested_object_diff(x, y, obj)))
        else:
            matched: dict[int, int] = {}
            for i, x in enumerate(be):
                for j, y in enumerate(ae):
                    if j not in matched.values() and _raw_equal(x, y) and not _has_unknown(y):
                        matched[i] = j
            for i, x in enumerate(be):
                elems.append(("", _nested_object_diff(x, ae[matched[i]] if i in matched else None, obj)))
            for j, y in enumerate(ae):
                if j not in matched.values():
                    elems.append(("", _nested_object_diff(None, y, obj)))
    for _, d in elems:
        current = _compare_actions(current, d.action)
    act = current
    is_map = obj.nesting == Nesting.MAP

    def render(ind: int, o: _Opts) -> str:
        if not elems:
            return ("{}" if is_map else "[]") + _null_suffix(act, o)
        eo = o.clone(override_null_suffix=True)
        lines = ["{" if is_map else "["]
        hidden = 0
        width = max(len(k) for k, _ in elems)
        for k, e in elems:
            if e.action == Action.NO_OP and not o.show_unchanged_children:
                hidden += 1
                continue
            if is_map:
                lines.append(f"{_indent(ind + 1)}{_sym(e.action, eo)}{k:<{width}} = {e.render(ind + 1, eo)}")
            else:
                lines.append(f"{_indent(ind + 1)}{_sym(e.action, eo)}{e.render(ind + 1, eo)},")
        if hidden:
            lines.append(f"{_indent(ind + 1)}{_sym(Action.NO_OP, o)}{_unchanged('element', hidden, o)}")
        lines.append(f"{_indent(ind)}{_sym(Action.NO_OP, o)}{'}' if is_map else ']'}{_null_suffix(act, o)}")
        return "\n".join(lines)

    return _Diff(act, render, collection=True)


def _nested_object_diff(b: Value | None, a: Value | None, obj: Object) -> _Diff:
    """renderers.NestedObject: an object of a nested attribute type (deleted children say "-> null")."""
    b, a = (None if _is_null(b) else b), (None if _is_null(a) else a)
    bd = _attrs(b) if b is not None else {}
    ad = _attrs(a) if a is not None else {}
    current = _iteration_action(b, a)
    children: dict[str, _Diff] = {}
    for k in sorted(obj.attributes):
        bv, av = bd.get(k), ad.get(k)
        if _is_null(bv) and _is_null(av) and not (av is not None and av.v is UNKNOWN):
            continue
        d = _attribute_diff(None if _is_null(bv) else bv, None if _is_null(av) else av, obj.attributes[k])
        children[k] = d
        current = _compare_actions(current, d.action)
    act = current

    def render(ind: int, o: _Opts) -> str:
        if not children:
            return "{}" + _null_suffix(act, o)
        co = o.clone(override_null_suffix=False)
        width = max(len(attribute_name(k)) for k in children)
        lines = ["{"]
        hidden = 0
        for k, d in children.items():
            if k in _IMPORTANT:
                io = co.clone(show_unchanged_children=True)
                lines.extend(_warning_lines(d, ind + 1, io))
                lines.append(f"{_indent(ind + 1)}{_sym(d.action, io)}{attribute_name(k):<{width}} = {d.render(ind + 1, io)}")
                continue
            if d.action == Action.NO_OP and not o.show_unchanged_children:
                hidden += 1
                continue
            lines.extend(_warning_lines(d, ind + 1, co))
            lines.append(f"{_indent(ind + 1)}{_sym(d.action, co)}{attribute_name(k):<{width}} = {d.render(ind + 1, co)}")
        if hidden:
            lines.append(f"{_indent(ind + 1)}{_sym(Action.NO_OP, o)}{_unchanged('attribute', hidden, o)}")
        lines.append(f"{_indent(ind)}{_sym(Action.NO_OP, o)}}}{_null_suffix(act, o)}")
        return "\n".join(lines)

    return _Diff(act, render, collection=True)


def _block_diff(
    c: ResourceInstanceChange, schema: Block | None = None, relevant: frozenset[str] | None = None
) -> tuple[Action, Callable[[_Opts], str]]:
    """The resource body's diff: its computed action and its renderer.

    relevant: for drift, the attribute names whose changes matter (others are
    shown as unchanged); None means all."""
    b, a = c.before, c.after
    if c.action == Action.FORGET:  # shown as the unchanged object it leaves behind
        a = b
    replace = _ReplacePaths(frozenset(tuple(p) for p in c.replace_paths))
    action, attrs, groups = _block_children(
        None if b.is_null else b, None if a.is_null else a, schema, replace, relevant
    )
    return action, lambda opts: _render_block(attrs, groups, 0, opts, False, action)


def _render_block(
    attrs: dict[str, _Diff],
    groups: dict[str, _BlockGroup],
    ind: int,
    opts: _Opts,
    replace: bool,
    action: Action | None = None,
) -> str:
    """renderers.Block: attributes, then each nested block type's blocks."""
    if not attrs and not groups:
        return "{}" + _replace_suffix(replace, opts)
    width = max((len(attribute_name(k)) for k in attrs), default=0)
    imp = opts.clone(show_unchanged_children=True)
    ao = opts.clone()
    lines = ["{" + _replace_suffix(replace, opts)]
    hidden = 0
    for k, d in attrs.items():
        name = attribute_name(k)
        if k in _IMPORTANT:
            lines.extend(_warning_lines(d, ind + 1, imp))
            lines.append(f"{_indent(ind + 1)}{_sym(d.action, imp)}{name:<{width}} = {d.render(ind + 1, imp)}")
            continue
        if d.action == Action.NO_OP and not opts.show_unchanged_children:
            hidden += 1
            continue
        lines.extend(_warning_lines(d, ind + 1, ao))
        lines.append(f"{_indent(ind + 1)}{_sym(d.action, ao)}{name:<{width}} = {d.render(ind + 1, ao)}")
    if hidden:
        lines.append(f"{_indent(ind + 1)}{_sym(Action.NO_OP, opts)}{_unchanged('attribute', hidden, opts)}")
    hidden_blocks = 0
    own_action = action if action is not None else Action.NO_OP
    for key, g in groups.items():
        found = False

        def render_one(d: _Diff, map_key: str) -> None:
            nonlocal found, hidden_blocks
            creating = d.action == Action.CREATE and g.after_sensitive
            deleting = d.action == Action.DELETE and g.before_sensitive
            modifying = d.action in (Action.UPDATE, Action.NO_OP) and (g.after_sensitive or g.before_sensitive)
            if creating or deleting or modifying:
                act = d.action
                if act == Action.NO_OP and g.before_sensitive != g.after_sensitive:
                    act = Action.UPDATE
                inner, bs, as_ = d, g.before_sensitive, g.after_sensitive
                d = _Diff(
                    act,
                    lambda i, o: _sensitive_block_text(i, o, False),
                    warnings=lambda i, o: _sensitive_block_warning(i, o, bs, as_, inner.action),
                )
            if d.action == Action.NO_OP and not opts.show_unchanged_children:
                hidden_blocks += 1
                return
            if not found and attrs:
                lines.append("")
                found = True
            bo = opts.clone(force_replace=g.replace)
            if d.warnings is not None:
                for w in d.warnings(ind + 1, bo):
                    lines.append(f"{_indent(ind + 1)}{w}")
            lines.append(f"{_indent(ind + 1)}{_sym(d.action, bo)}{attribute_name(key)}{map_key} {d.render(ind + 1, bo)}")

        if g.unknown and g.kind not in (Nesting.SINGLE, Nesting.GROUP):
            render_one(_Diff(own_action, lambda i, o: "(known after apply)" + _replace_suffix(False, o)), "")
        for map_key, d in g.diffs:
            render_one(d, map_key)
    if hidden_blocks:
        lines.append("")
        lines.append(f"{_indent(ind + 1)}{_sym(Action.NO_OP, opts)}{_unchanged('block', hidden_blocks, opts)}")
    lines.append(f"{_indent(ind)}{_sym(Action.NO_OP, opts)}}}")
    return "\n".join(lines)


def _index_text(i: int | str | None) -> str:
    if isinstance(i, str):
        return json.dumps(i, ensure_ascii=False)
    return str(i)


def _comment(c: ResourceInstanceChange, drift: bool = False) -> str:
    addr = c.address
    if c.deposed:
        addr = f"{addr} (deposed object {c.deposed})"
    act = c.action
    r = c.action_reason
    out: list[str] = []
    printed_moved = printed_imported = False
    if act == Action.CREATE:
        out.append(f"[bold]  # {addr}[reset] will be created")
    elif act == Action.READ:
        out.append(f"[bold]  # {addr}[reset] will be read during apply")
        if r == ActionReason.READ_BECAUSE_CONFIG_UNKNOWN:
            out.append("\n  # (config refers to values not yet known)")
        elif r == ActionReason.READ_BECAUSE_DEPENDENCY_PENDING:
            out.append("\n  # (depends on a resource or a module with changes pending)")
        elif r == ActionReason.READ_BECAUSE_CHECK_NESTED:
            out.append("\n  # (config will be reloaded to verify a check block)")
    elif act == Action.UPDATE:
        out.append(f"[bold]  # {addr}[reset] " + ("has changed" if drift else "will be updated in-place"))
    elif act.is_replace or act == Action.FORGET_THEN_CREATE:
        forget = act == Action.FORGET_THEN_CREATE  # OpenTofu's wording (lifecycle.destroy = false)
        if r == ActionReason.REPLACE_BECAUSE_TAINTED:
            so = "so it must be" if forget else "so must be"
            out.append(f"[bold]  # {addr}[reset] is tainted, {so} [bold][red]replaced[reset]")
        elif r == ActionReason.REPLACE_BY_REQUEST:
            out.append(f"[bold]  # {addr}[reset] will be [bold][red]replaced[reset], as requested")
        elif r == ActionReason.REPLACE_BY_TRIGGERS:
            out.append(
                f"[bold]  # {addr}[reset] will be [bold][red]replaced[reset] due to changes in replace_triggered_by"
            )
        else:
            out.append(f"[bold]  # {addr}[reset] must be [bold][red]replaced[reset]")
        if forget:
            out.append(
                " - [yellow]older instance will [bold]not[reset][yellow] be destroyed [reset]([bold]lifecycle.destroy = false[reset])"
            )
    elif act == Action.DELETE:
        if drift:
            out.append(f"[bold]  # {addr}[reset] has been deleted")
        else:
            out.append(f"[bold]  # {addr}[reset] will be [bold][red]destroyed[reset]")
        if r == ActionReason.DELETE_BECAUSE_NO_RESOURCE_CONFIG:
            out.append(f"\n  # (because {c.type}.{c.name} is not in configuration)")
        elif r == ActionReason.DELETE_BECAUSE_NO_MOVE_TARGET:
            out.append(f"\n  # (because {c.prev_run_address} was moved to {c.address}, which is not in configuration)")
        elif r == ActionReason.DELETE_BECAUSE_NO_MODULE:
            out.append(f"\n  # (because {c.module_address} is not in configuration)")
        elif r == ActionReason.DELETE_BECAUSE_WRONG_REPETITION:
            if c.index is None:
                out.append("\n  # (because resource uses count or for_each)")
            elif isinstance(c.index, int):
                out.append("\n  # (because resource does not use count)")
            else:
                out.append("\n  # (because resource does not use for_each)")
        elif r == ActionReason.DELETE_BECAUSE_COUNT_INDEX:
            out.append(f"\n  # (because index [{_index_text(c.index)}] is out of range for count)")
        elif r == ActionReason.DELETE_BECAUSE_EACH_KEY:
            out.append(f"\n  # (because key [{_index_text(c.index)}] is not in for_each map)")
        elif r == ActionReason.DELETE_BECAUSE_ENABLED_FALSE:  # OpenTofu's wording
            out.append("\n  # (because enabled is false)")
        if c.deposed:
            out.append("\n  # (left over from a partially-failed replacement of this instance)")
    elif act == Action.FORGET:
        if c.deposed:
            out.append(f"[bold] # {addr}[reset] will be removed from Terraform state, but [bold][red]will not be destroyed[reset]")
            out.append("\n[bold] # (left over from a partially-failed replacement of this instance)")
        else:
            out.append(
                f"[bold] # {addr}[reset] will no longer be managed by Terraform, but [bold][red]will not be destroyed[reset]"
            )
        if r == ActionReason.FORGOT_BECAUSE_LIFECYCLE_DESTROY_IN_CONFIG:  # OpenTofu's wording
            out.append("\n # (because lifecycle.destroy = false is set in the configuration)")
        elif r == ActionReason.FORGOT_BECAUSE_LIFECYCLE_DESTROY_IN_STATE:
            out.append(
                "\n # (because lifecycle.destroy = false was configured before this resource was removed from the "
                "configuration)"
            )
        else:
            out.append("\n # (destroy = false is set in the configuration)")
    elif act == Action.NO_OP and c.moved:
        out.append(f"[bold]  # {c.prev_run_address}[reset] has moved to [bold]{addr}[reset]")
        printed_moved = True
    elif act == Action.NO_OP and c.importing is not None:
        out.append(f"[bold]  # {addr}[reset] will be imported")
        if c.generated_config:
            out.append("\n  #[reset] (config will be generated)")
        printed_imported = True
    else:
        out.append(f"{addr} has an action the plan renderer doesn't support (this is a bug)")
    out.append("\n")
    if c.moved and not printed_moved:
        out.append(f"  # [reset](moved from {c.prev_run_address})\n")
    if c.importing is not None and not printed_imported:
        if c.importing.id:
            out.append(f'  # [reset](imported from "{c.importing.id}")\n')
        else:
            out.append("  # [reset](will be imported first)\n")
    if c.importing is not None and act.is_replace:
        out.append("  # [reset][yellow]Warning: this will destroy the imported resource[reset]\n")
    return "".join(out)


def render_resource_change(
    c: ResourceInstanceChange, color: bool = False, drift: bool = False, schema: Block | None = None
) -> str:
    """One resource's block: the comment lines, then the attribute diff.

    schema: the resource type's schema, when known. Without it every
    attribute is rendered as a dynamic value (by its JSON shape), which is
    right for terraform_data and for plans read from terraform's JSON."""
    col = Colorize(color)
    opts = _Opts(col, show_unchanged_children=c.importing is not None)
    header = f'{"data" if c.mode == "data" else "resource"} "{c.type}" "{c.name}"'
    _, render = _block_diff(c, schema)
    return col(_comment(c, drift)) + f"{col(_SYMBOLS[c.action])} {header} {render(opts)}"


def render_state_object(
    c: ResourceInstanceChange, color: bool = False, schema: Block | None = None
) -> str:
    """A state object's body as ``terraform show`` / ``state show`` print it: c is a
    no-op change whose before and after are the object (sensitive paths marked)."""
    _, render = _block_diff(c, schema)
    return render(_Opts(Colorize(color), show_unchanged_children=True, hide_symbols=True))


def render_state_value(v: Value, color: bool = False) -> str:
    """A typed value (a root module output) as ``terraform show`` prints it."""
    d = compute_diff(v, v, typed=True)
    return d.render(0, _Opts(Colorize(color), show_unchanged_children=True, hide_symbols=True))


def _output_diff(o: OutputChange) -> _Diff:
    b = None if o.before.v is None else json_shape(o.before)
    a = None if o.after.v is None else json_shape(o.after)
    if o.sensitive:
        b = b.mark(SENSITIVE) if b is not None else None
        a = a.mark(SENSITIVE) if a is not None else None
    return compute_diff(b, a)


def render_outputs(outputs: list[OutputChange], color: bool = False) -> str:
    col = Colorize(color)
    opts = _Opts(col)
    if not outputs:
        return ""
    names = {o.name: attribute_name(o.name) for o in outputs}
    width = max(len(n) for n in names.values())
    lines = []
    for o in sorted(outputs, key=lambda o: o.name):
        d = _output_diff(o)
        if d.action == Action.NO_OP:
            continue
        lines.append(f"{col(_SYMBOLS[d.action])} {names[o.name]:<{width}} = {d.render(0, opts)}")
    return "\n".join(lines)


def word_wrap(s: str, width: int = WIDTH) -> str:
    """format.WordWrap: greedy wrapping of each line at width columns."""
    out = []
    for line in s.split("\n"):
        if line.startswith(" "):
            out.append(line)
            continue
        words = line.split(" ")
        cur = ""
        for w in words:
            if cur and len(cur) + 1 + len(w) >= width:
                out.append(cur)
                cur = w
            else:
                cur = f"{cur} {w}" if cur else w
        out.append(cur)
    return "\n".join(out)


_LEGEND: Final = [
    (Action.CREATE, "  [green]+[reset] create"),
    (Action.UPDATE, "  [yellow]~[reset] update in-place"),
    (Action.DELETE, "  [red]-[reset] destroy"),
    (Action.DELETE_THEN_CREATE, "[red]-[reset]/[green]+[reset] destroy and then create replacement"),
    (Action.CREATE_THEN_DELETE, "[green]+[reset]/[red]-[reset] create replacement and then destroy"),
    (Action.READ, " [cyan]<=[reset] read (data resources)"),
    (Action.FORGET_THEN_CREATE, "[red].[reset]/[green]+[reset] forget and then create replacement"),  # OpenTofu's
]


SchemaLookup = Callable[[str, str], "Block | None"]  # (mode, type) -> the resource type's schema


def horizontal_rule(col: Colorize) -> str:
    """format.HorizontalRule at the default width, as printed (with its newline)."""
    return col("[dark_gray]\n" + "\u2500" * (WIDTH - 1)) + "\n"


def _relevant_for(plan: Plan, address: str) -> frozenset[str] | None:
    names = {str(p[0]) for r, p in plan.relevant_attributes if (not r or r == address) and p}
    return frozenset(names) if names else None


def _render_drift(plan: Plan, col: Colorize, schemas: SchemaLookup | None, resources_empty: bool) -> tuple[str, bool]:
    """The "Objects have changed outside of Terraform" section, and whether it was printed."""
    refresh_only = plan.ui_mode == UIMode.REFRESH_ONLY
    shown: list[tuple[ResourceInstanceChange, Action, Callable[[_Opts], str]]] = []
    for c in plan.drift:
        schema = schemas(c.mode, c.type) if schemas is not None else None
        relevant: frozenset[str] | None = None
        if not refresh_only:
            relevant = _relevant_for(plan, c.address)
            if relevant is None:
                continue  # nothing relevant: terraform shows nothing for this drift
        act, render = _block_diff(c, schema, relevant)
        if act == Action.NO_OP and not refresh_only:
            continue
        shown.append((c, act, render))
    if not shown or (resources_empty and not refresh_only):
        return "", False
    out = [col("\n[bold][cyan]Note:[reset][bold] Objects have changed outside of Terraform\n"), "\n"]
    out.append(
        word_wrap(
            'Terraform detected the following changes made outside of Terraform since the last "terraform apply" '
            "which may have affected this plan:\n"
        )
    )
    for c, _act, render in shown:
        if c.action == Action.NO_OP and not c.moved and c.importing is None:
            continue
        opts = _Opts(col, show_unchanged_children=c.importing is not None)
        header = f'{"data" if c.mode == "data" else "resource"} "{c.type}" "{c.name}"'
        out.append("\n" + col(_comment(c, drift=True)) + f"{col(_SYMBOLS[c.action])} {header} {render(opts)}\n")
    if refresh_only:
        text = (
            "\n\nThis is a refresh-only plan, so Terraform will not take any actions to undo these. If you were "
            "expecting these changes then you can apply this plan to record the updated values in the Terraform "
            "state without changing any remote objects."
        )
    else:
        text = (
            "\n\nUnless you have made equivalent changes to your configuration, or ignored the relevant attributes "
            "using ignore_changes, the following plan may include actions to undo or respond to these changes."
        )
    out.append(word_wrap(text) + "\n")
    return "".join(out), True


def render_plan(
    plan: Plan, color: bool = False, schemas: SchemaLookup | None = None, in_automation: bool = True
) -> str:
    """The whole human plan, as ``terraform show [-no-color] PLANFILE`` prints it.

    Drift (``plan.drift``) is shown as terraform does: in refresh-only mode all
    of it, otherwise only changes to ``plan.relevant_attributes``.
    in_automation: TF_IN_AUTOMATION's effect on one suggestion's wording."""
    col = Colorize(color)
    out: list[str] = []
    empty = all(c.action == Action.NO_OP and not c.moved for c in plan.changes) and all(
        _output_diff(o).action == Action.NO_OP for o in plan.output_changes
    )
    drift_text, have_refresh = _render_drift(plan, col, schemas, empty)
    out.append(drift_text)
    counts: dict[Action, int] = {}
    changes = []
    for c in plan.changes:
        if c.action == Action.NO_OP and not c.moved and c.importing is None:
            continue
        if c.action == Action.DELETE and c.mode != "managed":
            continue
        changes.append(c)
        if c.action != Action.NO_OP:  # forgets count, but get no legend line nor number
            counts[c.action] = counts.get(c.action, 0) + 1
    outputs = render_outputs(plan.output_changes, color)
    if not changes and not outputs:
        if plan.errored:
            if have_refresh:
                out.append(horizontal_rule(col))
            out.append(
                col("\n[reset][bold][red]Planning failed.[reset][bold] Terraform encountered an error while generating this plan.[reset]\n\n")
            )
        elif plan.ui_mode == UIMode.REFRESH_ONLY:
            if have_refresh:
                return "".join(out)
            out.append(
                col("\n[reset][bold][green]No changes.[reset][bold] Your infrastructure still matches the configuration.[reset]\n\n")
            )
            out.append(
                word_wrap(
                    "Terraform has checked that the real remote objects still match the result of your most "
                    "recent changes, and found no differences."
                )
                + "\n"
            )
        elif plan.ui_mode == UIMode.DESTROY:
            if have_refresh:
                out.append(horizontal_rule(col))
            out.append(col("\n[reset][bold][green]No changes.[reset][bold] No objects need to be destroyed.[reset]\n\n"))
            out.append(
                word_wrap(
                    "Either you have not created any objects yet or the existing objects were already deleted "
                    "outside of Terraform."
                )
                + "\n"
            )
        else:
            if have_refresh:
                out.append(horizontal_rule(col))
            out.append(col("\n[reset][bold][green]No changes.[reset][bold] Your infrastructure matches the configuration.[reset]\n\n"))
            if have_refresh:
                if plan.applyable:
                    text = (
                        "Your configuration already matches the changes detected above, so applying this plan will "
                        "only update the state to include the changes detected above and won't change any real "
                        "infrastructure."
                    )
                else:
                    suggestion = "." if in_automation else ":\n  terraform apply -refresh-only"
                    text = (
                        "Your configuration already matches the changes detected above. If you'd like to update the "
                        "Terraform state to match, create and apply a refresh-only plan" + suggestion
                    )
                out.append(word_wrap(text) + "\n")
                return "".join(out)
            out.append(
                word_wrap(
                    "Terraform has compared your real infrastructure against your configuration and found no "
                    "differences, so no changes are needed."
                )
                + "\n"
            )
        if have_refresh:  # terraform prints the rule again after these texts
            out.append(horizontal_rule(col))
        return "".join(out)
    if have_refresh:
        out.append(horizontal_rule(col))
    if counts:
        out.append(
            word_wrap(
                "\nTerraform used the selected providers to generate the following execution plan. "
                "Resource actions are indicated with the following symbols:"
            )
            + "\n"
        )
        for act, text in _LEGEND:
            if counts.get(act):
                out.append(col(text) + "\n")
    if changes:
        if plan.errored:
            out.append("\nTerraform planned the following actions, but then encountered a problem:\n")
        else:
            out.append("\nTerraform will perform the following actions:\n")
        for c in changes:
            out.append("\n")
            schema = schemas(c.mode, c.type) if schemas is not None else None
            out.append(render_resource_change(c, color, schema=schema) + "\n")
        add = counts.get(Action.CREATE, 0) + counts.get(Action.DELETE_THEN_CREATE, 0) + counts.get(Action.CREATE_THEN_DELETE, 0)
        add += counts.get(Action.FORGET_THEN_CREATE, 0)
        chg = counts.get(Action.UPDATE, 0)
        dst = counts.get(Action.DELETE, 0) + counts.get(Action.DELETE_THEN_CREATE, 0) + counts.get(Action.CREATE_THEN_DELETE, 0)
        imports = sum(1 for c in changes if c.importing is not None)
        if imports:
            out.append(col(f"\n[bold]Plan:[reset] {imports} to import, {add} to add, {chg} to change, {dst} to destroy.\n"))
        else:
            out.append(col(f"\n[bold]Plan:[reset] {add} to add, {chg} to change, {dst} to destroy.\n"))
    if outputs:
        out.append("\nChanges to Outputs:\n")
        out.append(outputs + "\n")
        if not counts:
            out.append(
                word_wrap(
                    "\nYou can apply this plan to save these new output values to the Terraform state, "
                    "without changing any real infrastructure."
                )
                + "\n"
            )
    return "".join(out)
