"""Drift: what a refresh found changed outside of sheath, attribute by attribute.

``drift_report`` reads a refresh-only plan (``Plan.drift``: the managed objects whose
refreshed value differs from the state) and lists, for each drifted resource instance,
every attribute path whose value changed, with the resource's source line. Values of
sensitive attributes (marked in the state, or sensitive in the provider's schema) are
never carried: the report says "(sensitive value)". Renderers: ``render_human``,
``report_to_json`` (documented in docs/audit.md) and ``render_markdown``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import orjson

from sheath.plans.model import Action, Plan, ResourceInstanceChange
from sheath.providers.schema import Block
from sheath.types.cty import Value
from sheath.types.json import value_to_json

SENSITIVE_TEXT = "(sensitive value)"
ACCEPT_COMMAND = "sheath apply -refresh-only"
REVERT_COMMAND = "sheath apply"
FORMAT_VERSION = "1.0"

SchemaLookup = Callable[[str, str], "Block | None"]

_INSTANCE_KEY = re.compile(r'\[(?:\d+|"(?:[^"\\]|\\.)*")\]')


@dataclass(frozen=True)
class Source:
    """Where a resource is declared."""

    filename: str
    line: int


@dataclass(frozen=True)
class AttributeDrift:
    """One attribute path whose remote value differs from the state's.

    path is written as in terraform's language (``tags["env"]``, ``ingress``,
    ``root_block_device[0].volume_size``); before/after are plain JSON-like Python
    values (None for null), both None when sensitive."""

    path: str
    before: Any
    after: Any
    sensitive: bool = False
    # whether the configuration sets the path's top-level argument (None: not known):
    # `sheath apply` reverts what it sets and keeps what it does not
    in_configuration: bool | None = None


@dataclass(frozen=True)
class ResourceDrift:
    address: str
    type: str
    action: str  # "update": changed outside; "delete": gone
    source: Source | None
    attributes: tuple[AttributeDrift, ...]
    deposed: str = ""


@dataclass
class DriftReport:
    """Every drifted managed resource instance, and how many were checked."""

    resources: list[ResourceDrift] = field(default_factory=list)
    checked: int = 0

    @property
    def drifted(self) -> bool:
        return bool(self.resources)


def config_address(instance_address: str) -> str:
    """The configuration address of an instance (instance keys removed)."""
    return _INSTANCE_KEY.sub("", instance_address)


def drift_report(
    plan: Plan,
    schemas: SchemaLookup | None = None,
    sources: Mapping[str, Any] | None = None,
    configured: Mapping[str, frozenset[str]] | None = None,
) -> DriftReport:
    """The drift a plan's refresh found. sources maps configuration addresses to objects
    with ``filename`` and ``line``, configured to the argument and block names each
    resource's configuration sets (``sheath.policy.evaluate.index_configuration``'s
    ``facts.sources`` and ``facts.configured``)."""
    report = DriftReport(checked=_managed_instances(plan))
    for c in plan.drift:
        if c.mode != "managed":
            continue
        schema = schemas(c.mode, c.type) if schemas is not None else None
        src = (sources or {}).get(config_address(c.address))
        source = Source(str(src.filename), int(src.line)) if src is not None else None
        if c.action == Action.DELETE or c.after.is_null:
            report.resources.append(ResourceDrift(c.address, c.type, "delete", source, (), c.deposed))
            continue
        attrs = tuple(diff_values(c.before, c.after, schema))
        names = (configured or {}).get(config_address(c.address)) if configured is not None else None
        if names is not None:
            attrs = tuple(replace(a, in_configuration=_top_level(a.path) in names) for a in attrs)
        if attrs:
            report.resources.append(ResourceDrift(c.address, c.type, "update", source, attrs, c.deposed))
    return report


def _top_level(path: str) -> str:
    return re.split(r"[.\[]", path, maxsplit=1)[0]


def _managed_instances(plan: Plan) -> int:
    sf = plan.prev_run_state or plan.prior_state
    if sf is None:
        return 0
    n = 0
    for sr in sf.state.resources.values():
        if sr.mode == "managed":
            n += sum(1 for inst in sr.instances.values() if inst.current is not None)
    return n


# --- attribute differences ------------------------------------------------------------


def diff_values(before: Value, after: Value, schema: Block | None = None) -> list[AttributeDrift]:
    """The attribute paths where after differs from before (an object's values)."""
    out: list[AttributeDrift] = []
    _diff(before, after, "", _SchemaNode(schema, None), out)
    return out


@dataclass(frozen=True)
class _SchemaNode:
    """What the schema says about the value at a path: its block (for objects that are
    blocks) and whether it is sensitive."""

    block: Block | None
    attr: Any  # the schema Attribute, when the path is an attribute
    sensitive: bool = False

    def child(self, name: str) -> "_SchemaNode":
        if self.block is not None:
            a = self.block.attributes.get(name)
            if a is not None:
                return _SchemaNode(None, a, self.sensitive or bool(a.sensitive))
            nb = self.block.block_types.get(name)
            if nb is not None:
                return _SchemaNode(nb.block, None, self.sensitive)
        if self.attr is not None and getattr(self.attr, "nested_type", None) is not None:
            a = self.attr.nested_type.attributes.get(name)
            if a is not None:
                return _SchemaNode(None, a, self.sensitive or bool(a.sensitive))
        return _SchemaNode(None, None, self.sensitive)

    def element(self) -> "_SchemaNode":
        """The schema of a collection's element (nested blocks and nested attribute types)."""
        if self.block is not None:
            return self
        if self.attr is not None and getattr(self.attr, "nested_type", None) is not None:
            nt = self.attr.nested_type
            return _SchemaNode(Block(attributes=nt.attributes), None, self.sensitive)
        return _SchemaNode(None, None, self.sensitive)


def _diff(b: Value, a: Value, path: str, node: _SchemaNode, out: list[AttributeDrift]) -> None:
    sensitive = node.sensitive or b.is_sensitive or a.is_sensitive
    if sensitive:
        if not _equal(b, a):
            out.append(AttributeDrift(path, None, None, True))
        return
    if _equal(b, a):
        return
    t = b.type if not b.is_null else a.type
    both = not b.is_null and not a.is_null and b.is_known and a.is_known
    if both and t.is_object() and b.type.is_object() and a.type.is_object():
        ba, aa = b.attrs(), a.attrs()
        for name in sorted(set(ba) | set(aa)):
            bv, av = ba.get(name), aa.get(name)
            if bv is None or av is None:
                out.append(_leaf(_join(path, name), bv, av, node.child(name)))
                continue
            _diff(bv, av, _join(path, name), node.child(name), out)
        return
    if both and t.is_map():
        ba, aa = b.attrs(), a.attrs()
        el = node.element()
        for k in sorted(set(ba) | set(aa)):
            kp = f"{path}[{_quote(k)}]"
            bv, av = ba.get(k), aa.get(k)
            if bv is None or av is None:
                out.append(_leaf(kp, bv, av, el))
                continue
            _diff(bv, av, kp, el, out)
        return
    if both and (t.is_list() or t.is_tuple()) and b.length() == a.length():
        el = node.element()
        for i, (bv, av) in enumerate(zip(b.elements(), a.elements())):
            _diff(bv, av, f"{path}[{i}]", el, out)
        return
    out.append(_leaf(path, b, a, node))


def _leaf(path: str, b: Value | None, a: Value | None, node: _SchemaNode) -> AttributeDrift:
    if node.sensitive or (b is not None and b.contains_marked()) or (a is not None and a.contains_marked()):
        return AttributeDrift(path, None, None, True)
    return AttributeDrift(path, _plain(b), _plain(a))


def _plain(v: Value | None) -> Any:
    if v is None or v.is_null:
        return None
    if not v.is_wholly_known():
        return "(known after apply)"
    plain, _ = v.unmark_deep()
    return orjson.loads(value_to_json(plain))


def _equal(b: Value, a: Value) -> bool:
    """Equal values; null, "" and empty collections count as equal, as the legacy plugin
    SDK (most providers) does not tell them apart: a refresh that reads back {} for an
    unset map is not drift."""
    bp, _ = b.unmark_deep()
    ap, _ = a.unmark_deep()
    if _empty(bp) and _empty(ap):
        return True
    if bp.is_known != ap.is_known or not bp.is_wholly_known() or not ap.is_wholly_known():
        return False
    try:
        return bool(value_to_json(bp) == value_to_json(ap))
    except Exception:  # noqa: BLE001 - values of different types: different
        return False


def _empty(v: Value) -> bool:
    return v.is_null or (v.is_known and (v.v == "" or (isinstance(v.v, (tuple, dict)) and not v.v and not v.type.is_object())))


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _quote(k: str) -> str:
    return orjson.dumps(k).decode()


# --- views ----------------------------------------------------------------------------


def _value_text(v: Any) -> str:
    if v is None:
        return "null"
    return orjson.dumps(v, option=orjson.OPT_SORT_KEYS).decode()


def _where(r: ResourceDrift) -> str:
    return f"{r.source.filename}:{r.source.line}" if r.source is not None else "(not in the configuration)"


def _config_note(a: AttributeDrift) -> str:
    if a.in_configuration is None:
        return ""
    return " (set in the configuration: apply reverts it)" if a.in_configuration else " (not in the configuration: apply keeps it)"


def _attr_text(a: AttributeDrift) -> str:
    if a.sensitive:
        return f"{a.path}: {SENSITIVE_TEXT}{_config_note(a)}"
    return f"{a.path}: {_value_text(a.before)} -> {_value_text(a.after)}{_config_note(a)}"


def render_human(report: DriftReport) -> str:
    if not report.drifted:
        return f"No drift: the {report.checked} managed resource instance{'s' if report.checked != 1 else ''} match the state.\n"
    n = len(report.resources)
    lines = [f"Drift detected: {n} of {report.checked} managed resource instance{'s' if report.checked != 1 else ''} changed outside of sheath.", ""]
    for r in report.resources:
        dep = f" (deposed object {r.deposed})" if r.deposed else ""
        if r.action == "delete":
            lines.append(f"  {r.address}{dep} ({_where(r)}) has been deleted")
        else:
            lines.append(f"  {r.address}{dep} ({_where(r)}) has changed:")
            for a in r.attributes:
                lines.append(f"    ~ {_attr_text(a)}")
        lines.append("")
    lines.append(f"To accept these changes into the state: {ACCEPT_COMMAND}")
    lines.append(f"To revert the remote objects to the configuration (what it sets): {REVERT_COMMAND}")
    return "\n".join(lines) + "\n"


def report_to_json(report: DriftReport) -> dict[str, Any]:
    return {
        "format_version": FORMAT_VERSION,
        "drifted": report.drifted,
        "summary": {"checked": report.checked, "drifted": len(report.resources)},
        "resources": [
            {
                "address": r.address,
                "type": r.type,
                **({"deposed": r.deposed} if r.deposed else {}),
                "action": r.action,
                "source": {"filename": r.source.filename, "line": r.source.line} if r.source is not None else None,
                "attributes": [_attr_json(a) for a in r.attributes],
            }
            for r in report.resources
        ],
        "commands": {"accept": ACCEPT_COMMAND, "revert": REVERT_COMMAND},
    }


def _attr_json(a: AttributeDrift) -> dict[str, Any]:
    d: dict[str, Any] = {"path": a.path, "sensitive": a.sensitive}
    if not a.sensitive:
        d["before"], d["after"] = a.before, a.after
    if a.in_configuration is not None:
        d["in_configuration"] = a.in_configuration
    return d


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _md_code(text: str) -> str:
    ticks = "``" if "`" in text else "`"
    pad = " " if "`" in text else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def render_markdown(report: DriftReport) -> str:
    if not report.drifted:
        return f"### ✅ No drift\n\nThe {report.checked} managed resource instances match the state.\n"
    out = [
        "### ⚠️ Drift detected",
        "",
        f"{len(report.resources)} of {report.checked} managed resource instances changed outside of sheath.",
        "",
        "| resource | source | attribute | in state | now | in configuration |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in report.resources:
        res = _md_cell(_md_code(r.address))
        where = _md_cell(_where(r))
        if r.action == "delete":
            out.append(f"| {res} | {where} | *(deleted)* | | | |")
            continue
        for a in r.attributes:
            if a.sensitive:
                before = after = SENSITIVE_TEXT
            else:
                before, after = _md_code(_value_text(a.before)), _md_code(_value_text(a.after))
            conf = "" if a.in_configuration is None else "yes" if a.in_configuration else "no"
            out.append(f"| {res} | {where} | {_md_cell(_md_code(a.path))} | {_md_cell(before)} | {_md_cell(after)} | {conf} |")
    out += [
        "",
        f"- `{ACCEPT_COMMAND}` accepts these changes into the state.",
        f"- `{REVERT_COMMAND}` reverts the remote objects to the configuration (what it sets).",
    ]
    return "\n".join(out) + "\n"
