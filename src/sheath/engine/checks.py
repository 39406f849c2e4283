"""Check results: the status of every checkable object (terraform's checks.State).

Checkable are resources with preconditions or postconditions, output values
with preconditions, input variables with validation rules, and check blocks.
Each condition evaluated reports pass, fail (with its message) or unknown;
an object fails if any condition failed, is unknown if any was unknown, and
passes otherwise. The plan's JSON ``checks`` and the state's
``check_results`` are two renderings of the same record.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from sheath.config import Config
from sheath.plans.model import CheckResult

PASS = "pass"
FAIL = "fail"
UNKNOWN = "unknown"
ERROR = "error"


@dataclass
class _Object:
    status: str = PASS
    messages: list[str] = field(default_factory=list)
    address: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Config:
    kind: str  # "resource" | "output" | "var" | "check"
    address: dict[str, Any]
    objects: dict[str, _Object] = field(default_factory=dict)


_JSON_KIND = {"resource": "resource", "output": "output_value", "var": "var", "check": "check"}


def _combine(a: str, b: str) -> str:
    order = {PASS: 0, UNKNOWN: 1, FAIL: 2, ERROR: 3}
    return a if order[a] >= order[b] else b


class CheckTracker:
    def __init__(self, config: Config) -> None:
        self.configs: dict[str, _Config] = {}
        self.lock = threading.Lock()
        for c in config.all_modules():
            mod = str(c.path)
            m = c.module
            for r in m.all_resources():
                if r.preconditions or r.postconditions:
                    local = f"{'data.' if r.mode.name == 'DATA' else ''}{r.type}.{r.name}"
                    addr: dict[str, Any] = {
                        "kind": "resource",
                        "mode": "data" if r.mode.name == "DATA" else "managed",
                        "name": r.name,
                        "to_display": _join(mod, local),
                        "type": r.type,
                    }
                    self._add("resource", mod, local, addr)
            for o in m.outputs.values():
                if o.preconditions:
                    self._add("output", mod, f"output.{o.name}", {"kind": "output_value", "name": o.name, "to_display": _join(mod, f"output.{o.name}")})
            for v in m.variables.values():
                if v.validations:
                    self._add("var", mod, f"var.{v.name}", {"kind": "var", "name": v.name, "to_display": _join(mod, f"var.{v.name}")})
            for ck in m.checks.values():
                self._add("check", mod, f"check.{ck.name}", {"kind": "check", "name": ck.name, "to_display": _join(mod, f"check.{ck.name}")})

    def _add(self, kind: str, mod: str, local: str, addr: dict[str, Any]) -> None:
        if mod:
            addr["module"] = mod
        self.configs[_join(mod, local)] = _Config(kind, addr)

    def has(self, config_addr: str) -> bool:
        return config_addr in self.configs

    def report(self, config_addr: str, object_addr: str, status: str, message: str = "", key: Any = None, module: str = "") -> None:
        cfg = self.configs.get(config_addr)
        if cfg is None:
            return
        with self.lock:
            obj = cfg.objects.get(object_addr)
            if obj is None:
                a: dict[str, Any] = {"to_display": object_addr}
                if module:
                    a["module"] = module
                if key is not None:
                    a["instance_key"] = key
                obj = cfg.objects[object_addr] = _Object(PASS, [], a)
            obj.status = _combine(obj.status, status)
            if status == FAIL and message:
                obj.messages.append(message)

    def failed(self, config_addr: str, object_addr: str) -> bool:
        """The object already failed (a check block whose data source could not be read)."""
        cfg = self.configs.get(config_addr)
        with self.lock:
            obj = cfg.objects.get(object_addr) if cfg is not None else None
            return obj is not None and obj.status in (FAIL, ERROR)

    def forget_objects(self) -> None:
        """Start afresh (apply re-evaluates every condition)."""
        with self.lock:
            for cfg in self.configs.values():
                cfg.objects.clear()

    def outputs_unknown(self) -> None:
        """After a destroy, output checks are left unknown (as terraform records them)."""
        for name, cfg in self.configs.items():
            if cfg.kind == "output" and "module" not in cfg.address:
                cfg.objects[name] = _Object(UNKNOWN, [], {"to_display": name})

    @staticmethod
    def _status(cfg: _Config) -> str:
        if not cfg.objects:
            return UNKNOWN
        st = PASS
        for o in cfg.objects.values():
            st = _combine(st, o.status)
        return st

    def plan_checks(self) -> list[CheckResult]:
        out: list[CheckResult] = []
        for name in sorted(self.configs):
            cfg = self.configs[name]
            instances = []
            for oname in sorted(cfg.objects):
                o = cfg.objects[oname]
                inst: dict[str, Any] = {"address": dict(o.address), "status": o.status}
                if o.messages:
                    inst["problems"] = [{"message": m} for m in o.messages]
                instances.append(inst)
            out.append(CheckResult(address=dict(cfg.address), status=self._status(cfg), instances=instances))
        return out

    def state_results(self) -> list[dict[str, Any]] | None:
        if not self.configs:
            return None
        out: list[dict[str, Any]] = []
        for name in sorted(self.configs):
            cfg = self.configs[name]
            objects: list[dict[str, Any]] = []
            for oname in sorted(cfg.objects):
                o = cfg.objects[oname]
                entry: dict[str, Any] = {"object_addr": oname, "status": o.status}
                if o.messages:
                    entry["failure_messages"] = list(o.messages)
                objects.append(entry)
            out.append({"object_kind": cfg.kind, "config_addr": name, "status": self._status(cfg), "objects": objects or None})
        return out


def _join(mod: str, local: str) -> str:
    return f"{mod}.{local}" if mod else local
