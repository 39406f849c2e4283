"""Parsing addresses from HCL traversals and from strings, with terraform's diagnostics.

Both entry points reduce their input to a list of `Step`s: a name step (the root
or an attribute) or an index step with a raw key (int, str, or something else,
which is invalid as a key).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from sheath.addrs.instance_key import InstanceKey, IntKey, StringKey
from sheath.addrs.module import ModuleInstance, ModuleInstanceStep
from sheath.addrs.resource import AbsResource, AbsResourceInstance, Resource, ResourceInstance, ResourceMode
from sheath.diag import Diagnostics, Pos, Range

RESERVED_RESOURCE_ROOTS = frozenset(
    ["count", "each", "local", "module", "path", "self", "terraform", "var", "template", "lazy", "arg"]
)

_ZERO_RANGE = Range("", Pos(0, 0, 0), Pos(0, 1, 1))


@dataclass(frozen=True, slots=True)
class Step:
    """One traversal step. kind is "name", "index" or "splat"."""

    kind: str
    value: object
    range: Range


def steps_range(steps: Sequence[Step]) -> Range | None:
    if not steps:
        return _ZERO_RANGE  # what hcl reports for an empty traversal
    return Range.between(steps[0].range, steps[-1].range)


def _value_to_key(key: object) -> object:
    """An index key as a Python int or str when it is a valid instance key, else the original."""
    if isinstance(key, (int, str)) and not isinstance(key, bool):
        return key
    from sheath.types.cty import NUMBER, STRING, Value

    if isinstance(key, Value):
        if not key.is_known or key.is_null:
            return key
        if key.type == STRING:
            return key.v
        if key.type == NUMBER:
            n = key.v
            try:
                if n.is_integer() and not n.is_inf():
                    return int(n.to_int())
            except (AttributeError, TypeError, ValueError, OverflowError):
                return key
    return key


def steps_from_traversal(traversal: object) -> list[Step]:
    """Convert a sheath.lang.hcl Traversal into Steps."""
    from sheath.lang.hcl import TraverseAttr, TraverseIndex, TraverseRoot, TraverseSplat

    out: list[Step] = []
    for s in traversal.steps:  # type: ignore[attr-defined]
        if isinstance(s, (TraverseRoot, TraverseAttr)):
            out.append(Step("name", s.name, s.range))
        elif isinstance(s, TraverseIndex):
            out.append(Step("index", _value_to_key(s.key), s.range))
        elif isinstance(s, TraverseSplat):
            out.append(Step("splat", None, s.range))
    return out


# --- string form -----------------------------------------------------------------


def _is_id_start(c: str) -> bool:
    return c.isalpha() or c == "_"


def _is_id_char(c: str) -> bool:
    return c.isalnum() or c in "_-"


_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


def steps_from_string(s: str, filename: str = "") -> tuple[list[Step], Diagnostics]:
    """Tokenize an address string like module.a["k"].aws_s3_bucket.b[0]."""
    diags = Diagnostics()
    steps: list[Step] = []
    i, n = 0, len(s)
    line_start = 0

    def pos(k: int) -> Pos:
        return Pos(1, k - line_start + 1, len(s[:k].encode()))

    def rng(a: int, b: int) -> Range:
        return Range(filename, pos(a), pos(b))

    expect_name = True
    while i < n:
        c = s[i]
        if expect_name:
            if not _is_id_start(c):
                diags.add_error("Invalid character", "Expected an attribute name.", rng(i, i + 1))
                return steps, diags
            j = i + 1
            while j < n and _is_id_char(s[j]):
                j += 1
            steps.append(Step("name", s[i:j], rng(i if not steps else i - 1, j)))
            i = j
            expect_name = False
            continue
        if c == ".":
            i += 1
            expect_name = True
            if i >= n:
                diags.add_error("Invalid attribute name", "Expected an attribute name.", rng(i - 1, i))
                return steps, diags
            if s[i] == "*":
                steps.append(Step("splat", None, rng(i - 1, i + 1)))
                i += 1
                expect_name = False
            continue
        if c == "[":
            start = i
            i += 1
            if i < n and s[i] == '"':
                i += 1
                buf: list[str] = []
                closed = False
                while i < n:
                    ch = s[i]
                    if ch == "\\" and i + 1 < n:
                        nx = s[i + 1]
                        if nx in _ESCAPES:
                            buf.append(_ESCAPES[nx])
                            i += 2
                            continue
                        if nx == "u" and i + 6 <= n:
                            try:
                                buf.append(chr(int(s[i + 2 : i + 6], 16)))
                            except ValueError:
                                break
                            i += 6
                            continue
                        break
                    if ch == '"':
                        closed = True
                        i += 1
                        break
                    if ch in "$%" and i + 2 < n and s[i + 1] == ch and s[i + 2] == "{":
                        buf.append(ch + "{")
                        i += 3
                        continue
                    buf.append(ch)
                    i += 1
                if not closed or i >= n or s[i] != "]":
                    diags.add_error("Invalid index", "Expected a quoted string followed by a closing bracket.", rng(start, min(i + 1, n)))
                    return steps, diags
                i += 1
                steps.append(Step("index", "".join(buf), rng(start, i)))
                continue
            if i < n and s[i] == "*":
                if i + 1 < n and s[i + 1] == "]":
                    steps.append(Step("splat", None, rng(start, i + 2)))
                    i += 2
                    continue
            j = i
            while j < n and s[j].isdigit():
                j += 1
            if j == i or j >= n or s[j] != "]":
                diags.add_error("Invalid index", "Expected an integer or quoted string index.", rng(start, min(j + 1, n)))
                return steps, diags
            steps.append(Step("index", int(s[i:j]), rng(start, j + 1)))
            i = j + 1
            continue
        diags.add_error("Extra characters after traversal", "The string may contain only a traversal.", rng(i, n))
        return steps, diags
    if not steps and not diags:
        diags.add_error("Invalid address", "An address is required.", rng(0, 0))
    return steps, diags


# --- structured parsing -----------------------------------------------------------


def _key_for(step: Step, what: str, diags: Diagnostics) -> InstanceKey:
    v = step.value
    if isinstance(v, int) and not isinstance(v, bool):
        return IntKey(v)
    if isinstance(v, str):
        return StringKey(v)
    diags.add_error(
        "Invalid address", f"Invalid {what} key: either a string or an integer is required.", step.range
    )
    return None


def parse_module_instance_prefix(steps: Sequence[Step]) -> tuple[ModuleInstance, list[Step], Diagnostics]:
    diags = Diagnostics()
    mi: list[ModuleInstanceStep] = []
    rest = list(steps)
    while rest and rest[0].kind == "name" and rest[0].value == "module":
        if len(rest) < 2 or rest[1].kind != "name":
            diags.add_error(
                "Invalid address operator", 'Prefix "module." must be followed by a module name.', rest[0].range
            )
            return ModuleInstance(tuple(mi)), [], diags
        name = str(rest[1].value)
        rest = rest[2:]
        key: InstanceKey = None
        if rest and rest[0].kind == "index":
            key = _key_for(rest[0], "module instance", diags)
            rest = rest[1:]
        mi.append(ModuleInstanceStep(name, key))
    return ModuleInstance(tuple(mi)), rest, diags


def parse_resource_under_module(
    steps: Sequence[Step], allow_instance: bool = True, reserved_check: bool = True
) -> tuple[Resource | None, InstanceKey, bool, Diagnostics]:
    """Parse [data.|ephemeral.|resource.]type.name[key]. Returns (resource, key, has_key, diags)."""
    diags = Diagnostics()
    rest = list(steps)
    mode = ResourceMode.MANAGED
    if rest and rest[0].kind == "name":
        root = rest[0].value
        if root == "data":
            mode = ResourceMode.DATA
            rest = rest[1:]
        elif root == "ephemeral":
            mode = ResourceMode.EPHEMERAL
            rest = rest[1:]
        elif root == "resource":
            rest = rest[1:]
        elif reserved_check and root in RESERVED_RESOURCE_ROOTS:
            diags.add_error(
                "Invalid address",
                f'The keyword "{root}" is reserved and cannot be used to target a resource address. If you are '
                "targeting a resource type that uses a reserved keyword, please prefix your address with "
                '"resource.".',
                steps_range(rest),
            )
            return None, None, False, diags
    if len(rest) < 2:
        diags.add_error(
            "Invalid address",
            "Resource specification must include a resource type and name.",
            steps_range(rest),
        )
        return None, None, False, diags
    if rest[0].kind != "name":
        diags.add_error("Invalid address", "A resource type name is required.", rest[0].range)
        return None, None, False, diags
    if rest[1].kind != "name":
        diags.add_error("Invalid address", "A resource name is required.", rest[1].range)
        return None, None, False, diags
    res = Resource(mode, str(rest[0].value), str(rest[1].value))
    rest = rest[2:]
    if not rest:
        return res, None, False, diags
    if len(rest) == 1:
        if rest[0].kind != "index":
            diags.add_error("Invalid address", "Resource instance key must be given in square brackets.", rest[0].range)
            return None, None, False, diags
        if not allow_instance:
            diags.add_error("Invalid address", "Resource instance keys are not allowed here.", rest[0].range)
            return None, None, False, diags
        key = _key_for(rest[0], "resource instance", diags)
        if diags.has_errors():
            return None, None, False, diags
        return res, key, True, diags
    diags.add_error("Invalid address", "Unexpected extra operators after address.", rest[1].range)
    return None, None, False, diags


def parse_abs_resource_instance_steps(steps: Sequence[Step]) -> tuple[AbsResourceInstance | None, Diagnostics]:
    mod, rest, diags = parse_module_instance_prefix(steps)
    if diags.has_errors():
        return None, diags
    if not rest:
        diags.add_error(
            "Invalid address",
            "A resource instance address is required here. The module path must be followed by a resource "
            "instance specification.",
            steps_range(steps),
        )
        return None, diags
    res, key, _, d2 = parse_resource_under_module(rest)
    diags.extend(d2)
    if res is None:
        return None, diags
    return AbsResourceInstance(mod, ResourceInstance(res, key)), diags


def parse_abs_resource_steps(steps: Sequence[Step]) -> tuple[AbsResource | None, Diagnostics]:
    mod, rest, diags = parse_module_instance_prefix(steps)
    if diags.has_errors():
        return None, diags
    if not rest:
        diags.add_error(
            "Invalid address",
            "A resource address is required here. The module path must be followed by a resource specification.",
            steps_range(steps),
        )
        return None, diags
    res, _, _, d2 = parse_resource_under_module(rest, allow_instance=False)
    diags.extend(d2)
    if res is None:
        return None, diags
    return AbsResource(mod, res), diags


def parse_abs_resource_instance_str(s: str) -> tuple[AbsResourceInstance | None, Diagnostics]:
    """Parse e.g. module.a["k"].aws_s3_bucket.b[0]."""
    steps, diags = steps_from_string(s)
    if diags.has_errors():
        return None, diags
    r, d2 = parse_abs_resource_instance_steps(steps)
    diags.extend(d2)
    return r, diags


def parse_abs_resource_str(s: str) -> tuple[AbsResource | None, Diagnostics]:
    steps, diags = steps_from_string(s)
    if diags.has_errors():
        return None, diags
    r, d2 = parse_abs_resource_steps(steps)
    diags.extend(d2)
    return r, diags


def parse_module_instance_str(s: str) -> tuple[ModuleInstance | None, Diagnostics]:
    steps, diags = steps_from_string(s)
    if diags.has_errors():
        return None, diags
    mod, rest, d2 = parse_module_instance_prefix(steps)
    diags.extend(d2)
    if rest and not diags.has_errors():
        diags.add_error("Invalid address", "Unexpected extra operators after address.", rest[0].range)
    if diags.has_errors():
        return None, diags
    return mod, diags


def parse_abs_resource_instance(traversal: object) -> tuple[AbsResourceInstance | None, Diagnostics]:
    return parse_abs_resource_instance_steps(steps_from_traversal(traversal))


def parse_abs_resource(traversal: object) -> tuple[AbsResource | None, Diagnostics]:
    return parse_abs_resource_steps(steps_from_traversal(traversal))
