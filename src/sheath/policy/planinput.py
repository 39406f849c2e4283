"""What policies look at: the resources a plan will leave, read from terraform's JSON plan
representation (``show -json``), so that sheath's plans and terraform's are checked alike.

Each resource carries its planned values (``after``; attributes only known after apply
are ``Unknown``), the planned actions, the references of its configuration expressions
(``configuration.root_module...expressions``), and — when the configuration is at hand —
the file and line of its declaration.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping


class UnknownValue:
    """A value known only after apply."""

    _instance: "UnknownValue | None" = None

    def __new__(cls) -> "UnknownValue":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "Unknown"


Unknown = UnknownValue()


@dataclass(frozen=True)
class SourceLocation:
    filename: str
    line: int
    column: int = 1


@dataclass
class PlannedResource:
    address: str  # the instance address, e.g. module.m.aws_s3_bucket.b["k"]
    config_address: str  # the configuration address without instance keys, e.g. module.m.aws_s3_bucket.b
    module_address: str
    mode: str  # "managed" | "data"
    type: str
    name: str
    actions: tuple[str, ...]  # ("create",), ("no-op",), ("delete", "create")... ("read",) for data
    values: dict[str, Any]  # after values with Unknown where not known yet
    before: dict[str, Any] | None
    references: dict[str, list[str]] = field(default_factory=dict)  # attribute -> referenced addresses
    source: SourceLocation | None = None
    in_state_only: bool = False  # from prior_state, not changed by this plan
    # top-level arguments and blocks written in the configuration (None: not known)
    configured: frozenset[str] | None = None

    @property
    def deleted(self) -> bool:
        return self.actions == ("delete",) or self.actions == ("forget",)

    def get(self, *path: Any) -> Any:
        """The value at path (attribute names, list indexes); None when absent. A top-level
        argument known only after apply that the configuration does not set takes the
        provider's default, which rules treat as unset (None)."""
        v: Any = self.values
        if path and isinstance(path[0], str) and self.configured is not None and path[0] not in self.configured:
            if self.values.get(path[0]) is Unknown:
                return None
        for p in path:
            if v is Unknown:
                return Unknown
            if isinstance(p, int):
                if not isinstance(v, list) or p >= len(v):
                    return None
                v = v[p]
            else:
                if not isinstance(v, dict):
                    return None
                v = v.get(p)
        return v

    def refers_to(self, attr: str, target: "PlannedResource") -> bool:
        """Whether the configuration of attr refers to target (by its configuration address)."""
        refs = self.references.get(attr, [])
        want = _relative(target.config_address, self.module_address)
        return any(r == want or r.startswith(want + ".") or r.startswith(want + "[") for r in refs)


@dataclass
class PlanInput:
    resources: list[PlannedResource]
    format: str = "terraform-plan-json"

    def by_type(self, type_name: str, mode: str = "managed") -> Iterator[PlannedResource]:
        for r in self.resources:
            if r.type == type_name and r.mode == mode and not r.deleted:
                yield r

    def targets(self, type_name: str, attr: str, target: PlannedResource, target_attrs: tuple[str, ...] = ("id", "bucket")) -> list[PlannedResource]:
        """Resources of type_name whose attr refers to target, by configuration reference or
        by a known value equal to one of target's attributes (the way real configurations split
        a resource into companions such as aws_s3_bucket_versioning)."""
        out = []
        keys = {target.get(a) for a in target_attrs}
        keys = {k for k in keys if isinstance(k, str) and k}
        for r in self.by_type(type_name):
            if r.module_address == target.module_address and r.refers_to(attr, target):
                out.append(r)
                continue
            v = r.get(attr)
            if isinstance(v, str) and v in keys:
                out.append(r)
        return out


def _relative(config_address: str, module_address: str) -> str:
    if module_address and config_address.startswith(module_address + "."):
        return config_address[len(module_address) + 1 :]
    return config_address


def _with_unknowns(after: Any, unknown: Any) -> Any:
    if unknown is True:
        return Unknown
    if isinstance(after, dict) or isinstance(unknown, dict):
        a = after if isinstance(after, dict) else {}
        u = unknown if isinstance(unknown, dict) else {}
        out = {k: _with_unknowns(v, u.get(k)) for k, v in a.items()}
        for k, uv in u.items():
            if k not in out:
                out[k] = _with_unknowns(None, uv)
        return out
    if isinstance(after, list) or isinstance(unknown, list):
        a2 = after if isinstance(after, list) else []
        u2 = unknown if isinstance(unknown, list) else []
        n = max(len(a2), len(u2))
        return [_with_unknowns(a2[i] if i < len(a2) else None, u2[i] if i < len(u2) else None) for i in range(n)]
    return after


def _strip_index(address: str) -> str:
    """aws_s3_bucket.b["k"] -> aws_s3_bucket.b; module.m[0].x.y[1] -> module.m.x.y."""
    out = []
    depth = 0
    quoted = False
    for ch in address:
        if quoted:
            if ch == '"':
                quoted = False
            continue
        if ch == "[":
            depth += 1
            continue
        if ch == "]":
            depth -= 1
            continue
        if depth:
            if ch == '"':
                quoted = True
            continue
        out.append(ch)
    return "".join(out)


def _config_references(
    configuration: Mapping[str, Any] | None, configured: dict[str, frozenset[str]] | None = None
) -> dict[str, dict[str, list[str]]]:
    """config address -> attribute -> references, from terraform's JSON configuration; the
    top-level arguments and blocks each resource writes go into configured."""
    out: dict[str, dict[str, list[str]]] = {}
    if not configuration:
        return out

    def walk(module: Mapping[str, Any], prefix: str) -> None:
        for r in module.get("resources", []) or []:
            addr = (prefix + "." if prefix else "") + str(r.get("address", ""))
            refs: dict[str, list[str]] = {}
            exprs = r.get("expressions") or {}
            _collect(exprs, "", refs)
            out[addr] = refs
            if configured is not None and isinstance(exprs, dict):
                configured[addr] = frozenset(str(k) for k in exprs)
        for name, call in (module.get("module_calls") or {}).items():
            child = call.get("module") or {}
            walk(child, (prefix + "." if prefix else "") + f"module.{name}")

    walk(configuration.get("root_module") or {}, "")
    return out


def _collect(exprs: Any, attr: str, refs: dict[str, list[str]]) -> None:
    if isinstance(exprs, dict):
        if "references" in exprs and isinstance(exprs["references"], list):
            refs.setdefault(attr, []).extend(str(x) for x in exprs["references"])
            return
        for k, v in exprs.items():
            _collect(v, attr or str(k), refs)
    elif isinstance(exprs, list):
        for v in exprs:
            _collect(v, attr, refs)


def _state_resources(module: Mapping[str, Any] | None) -> Iterator[Mapping[str, Any]]:
    if not module:
        return
    yield from module.get("resources", []) or []
    for child in module.get("child_modules", []) or []:
        yield from _state_resources(child)


@dataclass
class ConfigFacts:
    """What the configuration itself says of each resource (by configuration address)."""

    sources: dict[str, SourceLocation] = field(default_factory=dict)
    references: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    configured: dict[str, frozenset[str]] = field(default_factory=dict)


def plan_input_from_json(doc: Mapping[str, Any], facts: ConfigFacts | None = None) -> PlanInput:
    """The plan's resources from terraform's JSON plan (sheath's show -json gives the same);
    facts from the configuration at hand complete and take precedence over the plan's
    own ``configuration`` section."""
    facts = facts or ConfigFacts()
    # what the plan's own configuration section says is written, unless the configuration at hand says
    configured: dict[str, frozenset[str]] = {}
    refs = _config_references(doc.get("configuration"), configured)
    refs.update(facts.references)
    sources = facts.sources
    configured.update(facts.configured)
    seen: set[str] = set()
    out: list[PlannedResource] = []
    for rc in doc.get("resource_changes", []) or []:
        ch = rc.get("change") or {}
        if ch.get("actions") == ["no-op"] and rc.get("deposed"):
            continue
        if rc.get("deposed"):
            continue
        addr = str(rc.get("address", ""))
        caddr = _strip_index(addr)
        after = ch.get("after")
        values = _with_unknowns(after, ch.get("after_unknown"))
        out.append(
            PlannedResource(
                address=addr,
                config_address=caddr,
                module_address=_strip_index(str(rc.get("module_address", ""))),
                mode=str(rc.get("mode", "managed")),
                type=str(rc.get("type", "")),
                name=str(rc.get("name", "")),
                actions=tuple(ch.get("actions") or ()),
                values=values if isinstance(values, dict) else {},
                before=ch.get("before") if isinstance(ch.get("before"), dict) else None,
                references=refs.get(caddr, {}),
                source=sources.get(caddr),
                configured=configured.get(caddr),
            )
        )
        seen.add(addr)
    # data sources read during planning, and everything the plan leaves untouched
    for section, state_only in (("planned_values", False), ("prior_state", True)):
        root = (doc.get(section) or {})
        if section == "prior_state":
            root = root.get("values") or {}
        for r in _state_resources(root.get("root_module")):
            addr = str(r.get("address", ""))
            if addr in seen:
                continue
            if section == "planned_values" and r.get("mode") != "data":
                continue
            seen.add(addr)
            caddr = _strip_index(addr)
            out.append(
                PlannedResource(
                    address=addr,
                    config_address=caddr,
                    module_address=_module_of(caddr, str(r.get("mode", "managed"))),
                    mode=str(r.get("mode", "managed")),
                    type=str(r.get("type", "")),
                    name=str(r.get("name", "")),
                    actions=("no-op",) if r.get("mode") != "data" else ("read",),
                    values=dict(r.get("values") or {}),
                    before=None,
                    references=refs.get(caddr, {}),
                    source=sources.get(caddr),
                    in_state_only=state_only and r.get("mode") != "data",
                    configured=configured.get(caddr),
                )
            )
    return PlanInput(out)


def _module_of(config_address: str, mode: str) -> str:
    """module.a.module.b.aws_x.y -> module.a.module.b (data.aws_x.y under modules likewise)."""
    parts = config_address.split(".")
    tail = 3 if mode == "data" else 2
    return ".".join(parts[:-tail]) if len(parts) > tail else ""
