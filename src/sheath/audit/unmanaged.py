"""Unmanaged resources: what exists in the account that no state knows.

``audit`` compares an inventory (``aws_inventory.enumerate_resources``) with the
managed resources of one or more states, matched by their ids
(``aws_inventory.ID_ATTRIBUTES``: bucket name, user name, security group id, ...),
and sorts every object into managed, unmanaged (exists, in no state) or missing
(in a state, gone). An ignore file with driftctl's patterns (``.driftignore``) and
a filter expression (``sheath.audit.filterexpr``) narrow what is audited. The
summary follows driftctl's: counts and coverage (managed / (managed + unmanaged)).
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sheath.audit.aws_inventory import ID_ATTRIBUTES, RealResource
from sheath.audit.filterexpr import Filter
from sheath.diag import Diagnostics

IGNORE_FILE = ".driftignore"
FORMAT_VERSION = "1.0"


@dataclass(frozen=True)
class StateEntry:
    """A managed resource instance of a supported type in a state."""

    type: str
    id: str
    address: str
    state: str  # the state file it came from


@dataclass
class UnmanagedReport:
    managed: list[tuple[RealResource, StateEntry]] = field(default_factory=list)
    unmanaged: list[RealResource] = field(default_factory=list)
    missing: list[StateEntry] = field(default_factory=list)
    ignored: int = 0
    regions: list[str] = field(default_factory=list)
    states: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.managed) + len(self.unmanaged)

    @property
    def coverage(self) -> int:
        """Percent of the existing resources that a state manages (driftctl's: rounded down)."""
        return 100 if self.total == 0 else (100 * len(self.managed)) // self.total


# --- states -------------------------------------------------------------------------------


def state_entries(data: bytes, filename: str) -> tuple[list[StateEntry], Diagnostics]:
    """The managed AWS resource instances of supported types in one state file."""
    from sheath.states.state import format_instance_key
    from sheath.states.statefile import read_state_file

    sf, diags = read_state_file(data, filename)
    if sf is None:
        return [], diags
    out: list[StateEntry] = []
    for r in sf.state.resources.values():
        attr = ID_ATTRIBUTES.get(r.type)
        if r.mode != "managed" or attr is None or "hashicorp/aws" not in r.provider:
            continue
        for key, inst in r.instances.items():
            objs = [inst.current] if inst.current is not None else []
            objs += list(getattr(inst, "deposed", {}).values())
            for obj in objs:
                value = (obj.attributes or {}).get(attr)
                if isinstance(value, str) and value:
                    out.append(StateEntry(r.type, value, r.address + format_instance_key(key), filename))
    return out, diags


# --- .driftignore -------------------------------------------------------------------------


@dataclass(frozen=True)
class IgnoreRule:
    type_pattern: str
    id_pattern: str
    negate: bool
    line: int


def _split_unescaped_dot(text: str) -> tuple[str, str] | None:
    i = 0
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == ".":
            return text[:i], text[i + 1 :]
        i += 1
    return None


def parse_ignore(text: str) -> list[IgnoreRule]:
    """driftctl's ignore lines: ``TYPE.ID`` with ``*`` wildcards in either part, ``!`` to
    re-include, ``#`` comments, ``\\.`` for a dot inside an id. Lines naming an attribute
    too (``TYPE.ID.ATTR``, driftctl's drift filter) are read as ``TYPE.ID.ATTR`` ids and
    so match nothing here."""
    rules: list[IgnoreRule] = []
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        if negate:
            line = line[1:].strip()
        parts = _split_unescaped_dot(line)
        if parts is None:
            parts = (line, "*")
        rules.append(IgnoreRule(parts[0], parts[1], negate, n))
    return rules


def _glob(pattern: str, text: str) -> bool:
    rx = "".join(".*" if ch == "*" else re.escape(ch) for ch in pattern.replace("\\.", "\0")).replace("\0", r"\.")
    return re.fullmatch(rx, text, re.DOTALL) is not None


def is_ignored(rules: Iterable[IgnoreRule], type_: str, id_: str) -> bool:
    """The last rule that matches decides (a ``!`` rule re-includes)."""
    ignored = False
    for r in rules:
        if _glob(r.type_pattern, type_) and _glob(r.id_pattern, id_):
            ignored = not r.negate
    return ignored


# --- the audit ----------------------------------------------------------------------------


def audit(
    real: Iterable[RealResource],
    managed: Iterable[StateEntry],
    ignore: list[IgnoreRule] | None = None,
    flt: Filter | None = None,
    unlisted: Iterable[str] = (),
) -> UnmanagedReport:
    """Sort real and state resources into managed, unmanaged and missing. State entries of
    the unlisted types (their listing failed) are never called missing."""
    report = UnmanagedReport()
    not_listed = set(unlisted)
    rules = ignore or []

    def keep(type_: str, id_: str, region: str, name: str) -> bool:
        if is_ignored(rules, type_, id_) or (flt is not None and not flt.matches({"Type": type_, "Id": id_, "Region": region, "Name": name})):
            report.ignored += 1
            return False
        return True

    by_key: dict[tuple[str, str], StateEntry] = {}
    for e in managed:
        by_key.setdefault((e.type, e.id), e)
    found: set[tuple[str, str]] = set()
    for r in real:
        key = (r.type, r.id)
        entry = by_key.get(key)
        if entry is not None:
            found.add(key)
        if not keep(r.type, r.id, r.region, r.name):
            continue
        if entry is not None:
            report.managed.append((r, entry))
        else:
            report.unmanaged.append(r)
    for key, e in by_key.items():
        if key not in found and e.type not in not_listed and keep(e.type, e.id, "", ""):
            report.missing.append(e)
    report.managed.sort(key=lambda m: (m[0].type, m[0].id))
    report.unmanaged.sort(key=lambda r: (r.type, r.id))
    report.missing.sort(key=lambda e: (e.type, e.id))
    return report


# --- views --------------------------------------------------------------------------------


def report_to_json(report: UnmanagedReport) -> dict[str, Any]:
    def real(r: RealResource) -> dict[str, Any]:
        d: dict[str, Any] = {"type": r.type, "id": r.id}
        if r.region:
            d["region"] = r.region
        if r.name:
            d["name"] = r.name
        return d

    return {
        "format_version": FORMAT_VERSION,
        "summary": {
            "total_resources": report.total,
            "total_managed": len(report.managed),
            "total_unmanaged": len(report.unmanaged),
            "total_missing": len(report.missing),
            "total_ignored": report.ignored,
        },
        "coverage": report.coverage,
        "regions": list(report.regions),
        "states": list(report.states),
        "managed": [{**real(r), "address": e.address, "state": e.state} for r, e in report.managed],
        "unmanaged": [real(r) for r in report.unmanaged],
        "missing": [{"type": e.type, "id": e.id, "address": e.address, "state": e.state} for e in report.missing],
    }


def _label(r: RealResource) -> str:
    extra = [x for x in (r.name if r.name and r.name != r.id else "", r.region) if x]
    return f"{r.id} ({', '.join(extra)})" if extra else r.id


def _grouped(items: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for t, text in items:
        out.setdefault(t, []).append(text)
    return out


def render_human(report: UnmanagedReport) -> str:
    lines: list[str] = []
    if report.unmanaged:
        lines.append(f"Found resources not covered by any state ({len(report.unmanaged)}):")
        for t, ids in _grouped((r.type, _label(r)) for r in report.unmanaged).items():
            lines.append(f"  {t}:")
            lines += [f"    - {i}" for i in ids]
        lines.append("")
    if report.missing:
        lines.append(f"Found missing resources: in a state, gone from the account ({len(report.missing)}):")
        for t, ids in _grouped((e.type, f"{e.id} ({e.address} in {e.state})") for e in report.missing).items():
            lines.append(f"  {t}:")
            lines += [f"    - {i}" for i in ids]
        lines.append("")
    if not report.unmanaged and not report.missing:
        lines += ["Every resource found is managed by a state.", ""]
    lines.append(f"Found {report.total} resource(s)")
    lines.append(f" - {report.coverage}% coverage")
    lines.append(f" - {len(report.managed)} resource(s) managed by a state")
    lines.append(f" - {len(report.unmanaged)} resource(s) not managed by any state")
    lines.append(f" - {len(report.missing)} resource(s) found in a state but missing in the account")
    if report.ignored:
        lines.append(f" - {report.ignored} resource(s) ignored ({IGNORE_FILE} or -filter)")
    lines.append(f"Regions: {', '.join(report.regions) or '(none)'}; states: {', '.join(report.states) or '(none)'}")
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("`", "'")


def render_markdown(report: UnmanagedReport) -> str:
    icon = "✅" if not report.unmanaged and not report.missing else "⚠️"
    out = [
        f"### {icon} Unmanaged resources: {report.coverage}% coverage",
        "",
        "| managed | unmanaged | missing | ignored | coverage |",
        "| ---: | ---: | ---: | ---: | ---: |",
        f"| {len(report.managed)} | {len(report.unmanaged)} | {len(report.missing)} | {report.ignored} | {report.coverage}% |",
        "",
    ]
    if report.unmanaged:
        out += ["#### Not in any state", "", "| type | id | region | name |", "| --- | --- | --- | --- |"]
        out += [f"| `{r.type}` | `{_md(r.id)}` | {_md(r.region)} | {_md(r.name)} |" for r in report.unmanaged]
        out.append("")
    if report.missing:
        out += ["#### In a state, missing from the account", "", "| type | id | address | state |", "| --- | --- | --- | --- |"]
        out += [f"| `{e.type}` | `{_md(e.id)}` | `{_md(e.address)}` | {_md(e.state)} |" for e in report.missing]
        out.append("")
    out.append(f"Regions: {', '.join(report.regions) or '(none)'}")
    return "\n".join(out) + "\n"


def remote_state_entries(backend: Any, workspace: str) -> tuple[list[StateEntry], Diagnostics]:
    """The state entries of one workspace of a remote backend (none when it has no state)."""
    from sheath.states.statefile import write_state_file

    mgr, diags = backend.state_mgr(workspace)
    if mgr is None:
        return [], diags
    diags.extend(mgr.refresh_state())
    if diags.has_errors() or not mgr.has_state():
        return [], diags
    es, sd = state_entries(write_state_file(mgr.state_file()), f"workspace {workspace}")
    diags.extend(sd)
    return es, diags
