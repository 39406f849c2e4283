"""terraform's machine-readable UI (``-json`` of plan, apply, destroy, refresh).

One JSON object per line, as terraform's views/json and its hclog logger
write them: ``@level``, ``@message``, ``@module`` ("terraform.ui"),
``@timestamp`` and the message's own fields, keys sorted as Go sorts a map.
``JSONView`` renders messages built from plans, states and diagnostics;
``JSONHooks`` is the engine's Hooks protocol emitting the progress messages.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Iterable, Mapping, TextIO

import orjson

from sheath import TERRAFORM_VERSION as TERRAFORM_VERSION
from sheath.addrs.instance_key import IntKey, StringKey
from sheath.addrs.parse import parse_abs_resource_instance_str
from sheath.addrs.resource import AbsResourceInstance
from sheath.diag import Diagnostic, Severity
from sheath.diag.jsonview import diagnostic_json
from sheath.plans.model import Action, ActionReason, OutputChange, Plan, ResourceInstanceChange, UIMode
from sheath.types.cty import Value

UI_VERSION = "1.2"
HEARTBEAT_SECONDS = 10

# --- encoding --------------------------------------------------------------------------------


def go_compact_json(doc: Any) -> str:
    """Compact JSON as Go's encoding/json writes it, HTML characters escaped. Keys keep
    the order given: callers sort what Go holds in maps and keep struct field order."""
    text = orjson.dumps(doc).decode("utf-8")
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def timestamp(now: datetime | None = None) -> str:
    """hclog's JSON timestamp: local time, RFC 3339 with microseconds ("Z" for UTC)."""
    t = (now or datetime.now(timezone.utc)).astimezone()
    off = t.utcoffset()
    minutes = int(off.total_seconds()) // 60 if off is not None else 0
    if minutes == 0:
        zone = "Z"
    else:
        sign = "-" if minutes < 0 else "+"
        zone = f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    return t.strftime("%Y-%m-%dT%H:%M:%S.%f") + zone


def go_duration(seconds: int) -> str:
    """Go's time.Duration String() for whole seconds: 0s, 10s, 1m5s, 2h0m0s."""
    if seconds < 60:
        return f"{seconds}s"
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}h{m}m{s}s" if h else f"{m}m{s}s"


# --- addresses -------------------------------------------------------------------------------

_DEPOSED_SUFFIX = re.compile(r" \(deposed object [^)]*\)$")


def resource_addr(address: str) -> dict[str, Any]:
    """views/json ResourceAddr for an absolute resource instance address in text."""
    address = _DEPOSED_SUFFIX.sub("", address)
    parsed, _ = parse_abs_resource_instance_str(address)
    if parsed is None:
        return {"addr": address, "module": "", "resource": address, "implied_provider": "", "resource_type": "", "resource_name": "", "resource_key": None}
    return instance_json(parsed)


def instance_json(addr: AbsResourceInstance) -> dict[str, Any]:
    """views/json ResourceAddr of an absolute resource instance address (field order kept)."""
    res = addr.resource.resource
    key = addr.resource.key
    json_key: int | str | None = None
    if isinstance(key, IntKey):
        json_key = key.value
    elif isinstance(key, StringKey):
        json_key = key.value
    return {
        "addr": str(addr),
        "module": str(addr.module),
        "resource": str(addr.resource),
        "implied_provider": res.implied_provider(),
        "resource_type": res.type,
        "resource_name": res.name,
        "resource_key": json_key,
    }


# --- changes ---------------------------------------------------------------------------------

_CHANGE_ACTION = {
    Action.NO_OP: "noop",
    Action.CREATE: "create",
    Action.READ: "read",
    Action.UPDATE: "update",
    Action.DELETE_THEN_CREATE: "replace",
    Action.CREATE_THEN_DELETE: "replace",
    Action.DELETE: "delete",
    Action.FORGET: "remove",
    Action.FORGET_THEN_CREATE: "noop",  # OpenTofu's ParseChangeAction has no case for it
}

_CHANGE_REASON = {
    ActionReason.NONE: "",
    ActionReason.REPLACE_BECAUSE_TAINTED: "tainted",
    ActionReason.REPLACE_BY_REQUEST: "requested",
    ActionReason.REPLACE_BECAUSE_CANNOT_UPDATE: "cannot_update",
    ActionReason.REPLACE_BY_TRIGGERS: "replace_triggered_by",
}


def change_action(action: Action) -> str:
    return _CHANGE_ACTION.get(action, "noop")


def change_reason(reason: ActionReason) -> str:
    return _CHANGE_REASON.get(reason, reason.value)


def resource_instance_change(c: ResourceInstanceChange) -> dict[str, Any]:
    """views/json ResourceInstanceChange: a move or an import names a no-op change."""
    out: dict[str, Any] = {"resource": instance_json(c.instance_addr)}
    action = change_action(c.action)
    if c.moved:
        if action == "noop":
            action = "move"
        out["previous_resource"] = resource_addr(c.prev_run_address)
    if c.importing is not None and action == "noop":
        action = "import"
    out["action"] = action
    reason = change_reason(c.action_reason)
    if reason:
        out["reason"] = reason
    if c.importing is not None:
        out["importing"] = {"id": c.importing.id}
    if c.generated_config:
        out["generated_config"] = c.generated_config
    return out


def _shown_in_plan(c: ResourceInstanceChange) -> bool:
    return not (c.action == Action.DELETE and c.mode == "data")


@dataclass
class ChangeSummary:
    add: int = 0
    change: int = 0
    import_: int = 0
    remove: int = 0
    operation: str = "plan"

    def message(self) -> str:
        imp = self.import_
        if self.operation == "apply":
            head = f"{imp} imported, " if imp else ""
            return f"Apply complete! Resources: {head}{self.add} added, {self.change} changed, {self.remove} destroyed."
        if self.operation == "destroy":
            return f"Destroy complete! Resources: {self.remove} destroyed."
        head = f"{imp} to import, " if imp else ""
        return f"Plan: {head}{self.add} to add, {self.change} to change, {self.remove} to destroy."

    def document(self) -> dict[str, Any]:
        return {"add": self.add, "change": self.change, "import": self.import_, "remove": self.remove, "operation": self.operation}


def plan_summary(changes: Iterable[ResourceInstanceChange]) -> ChangeSummary:
    cs = ChangeSummary(operation="plan")
    for c in changes:
        if not _shown_in_plan(c):
            continue
        if c.importing is not None:
            cs.import_ += 1
        if c.action == Action.CREATE:
            cs.add += 1
        elif c.action == Action.DELETE:
            cs.remove += 1
        elif c.action == Action.UPDATE:
            cs.change += 1
        elif c.action.is_replace:
            cs.add += 1
            cs.remove += 1
        elif c.action == Action.FORGET_THEN_CREATE:
            cs.add += 1
    return cs


# --- outputs ---------------------------------------------------------------------------------


def outputs_from_changes(changes: Iterable[OutputChange]) -> dict[str, Any]:
    return {o.name: {"sensitive": o.sensitive, "action": change_action(o.action)} for o in sorted(changes, key=lambda o: o.name)}


def outputs_from_values(values: Mapping[str, tuple[Value, bool]]) -> dict[str, Any]:
    from sheath.types.json import type_to_json_value, value_to_json

    out: dict[str, Any] = {}
    for name in sorted(values):
        v, sensitive = values[name]
        plain = v.unmark_deep()[0]
        doc: dict[str, Any] = {"sensitive": sensitive, "type": type_to_json_value(plain.type)}
        if not sensitive:
            doc["value"] = orjson.Fragment(value_to_json(plain, plain.type))
        out[name] = doc
    return out


# --- diagnostics -----------------------------------------------------------------------------


def function_call(d: Diagnostic) -> dict[str, Any] | None:
    """The snippet's function_call of a diagnostic from a call to a built-in function:
    the name it was called as and the function's signature (views/json FunctionCall)."""
    call = d.extra.get("function_call")
    if not isinstance(call, tuple) or len(call) != 3:
        return None
    called_as = str(call[0])
    from sheath.lang.funcs.registry import builtin_functions
    from sheath.types.cty import DYNAMIC, unknown
    from sheath.types.json import type_to_json_value

    f = builtin_functions(".").get(called_as)
    if f is None:
        return {"called_as": called_as}
    try:
        ret = f.return_type([unknown(p.type) for p in f.params])
    except Exception:  # a return type that needs real arguments is dynamic, as terraform's is
        ret = DYNAMIC
    sig: dict[str, Any] = {
        "name": called_as.removeprefix("core::"),
        "params": [{"name": p.name, "type": type_to_json_value(p.type)} for p in f.params],
    }
    if f.var_param is not None:
        sig["variadic_param"] = {"name": f.var_param.name, "type": type_to_json_value(f.var_param.type)}
    sig["return_type"] = type_to_json_value(ret)
    return {"called_as": called_as, "signature": sig}


# --- the view --------------------------------------------------------------------------------


class JSONView:
    """Writes terraform.ui messages, one a line; safe to call from walker threads."""

    def __init__(self, out: TextIO, sources: Mapping[str, bytes] | None = None) -> None:
        self.out = out
        self.lock = threading.Lock()
        self.sources = sources

    def emit(self, level: str, message: str, type_: str, **fields: Any) -> None:
        fields.update({"@level": level, "@message": message, "@module": "terraform.ui", "@timestamp": timestamp(), "type": type_})
        doc = {k: fields[k] for k in sorted(fields)}  # hclog writes its fields as a Go map
        line = go_compact_json(doc) + "\n"
        with self.lock:
            self.out.write(line)
            self.out.flush()

    def version(self) -> None:
        self.emit("info", f"Terraform {TERRAFORM_VERSION}", "version", terraform=TERRAFORM_VERSION, ui=UI_VERSION)

    def log(self, message: str) -> None:
        self.emit("info", message, "log")

    def diagnostic(self, d: Diagnostic) -> None:
        sources = self.sources
        if sources is None and d.subject is not None:
            from sheath.cli.commands._operation import config_sources

            sources = self.sources = config_sources(".")
        doc = diagnostic_json(d, sources or {})
        call = function_call(d)
        if call is not None and "snippet" in doc:
            doc["snippet"]["function_call"] = call
        if d.severity is Severity.WARNING:
            self.emit("warn", f"Warning: {d.summary}", "diagnostic", diagnostic=doc)
        else:
            self.emit("error", f"Error: {d.summary}", "diagnostic", diagnostic=doc)

    def diagnostics(self, diags: Iterable[Diagnostic]) -> None:
        for d in diags:
            self.diagnostic(d)

    def planned_change(self, c: ResourceInstanceChange) -> None:
        doc = resource_instance_change(c)
        self.emit("info", f"{doc['resource']['addr']}: Plan to {doc['action']}", "planned_change", change=doc)

    def resource_drift(self, c: ResourceInstanceChange) -> None:
        doc = resource_instance_change(c)
        self.emit("info", f"{doc['resource']['addr']}: Drift detected ({doc['action']})", "resource_drift", change=doc)

    def change_summary(self, cs: ChangeSummary) -> None:
        self.emit("info", cs.message(), "change_summary", changes=cs.document())

    def outputs(self, outputs: dict[str, Any]) -> None:
        self.emit("info", f"Outputs: {len(outputs)}", "outputs", outputs=outputs)

    def plan(self, plan: Plan, changes: list[ResourceInstanceChange]) -> None:
        """terraform's OperationJSON.Plan: drift, planned changes, their summary, root outputs.
        ``changes`` are the plan's changes in the order the engine planned them."""
        for d in plan.drift:
            if d.action != Action.NO_OP or plan.ui_mode == UIMode.REFRESH_ONLY:
                self.resource_drift(d)
        for c in changes:
            if not _shown_in_plan(c):
                continue
            if c.action != Action.NO_OP or c.moved or c.importing is not None:
                self.planned_change(c)
        self.change_summary(plan_summary(changes))
        if plan.output_changes:
            self.outputs(outputs_from_changes(plan.output_changes))

    def saved_plan_changes(self, changes: list[ResourceInstanceChange]) -> None:
        """What terraform shows of a saved plan it applies: each change that does something."""
        for c in changes:
            if c.action != Action.NO_OP and _shown_in_plan(c):
                self.planned_change(c)


# --- hooks -----------------------------------------------------------------------------------

_START_VERB = {Action.CREATE: "Creating", Action.UPDATE: "Modifying", Action.DELETE: "Destroying", Action.READ: "Refreshing"}
_PROGRESS_VERB = {Action.CREATE: "creating", Action.UPDATE: "modifying", Action.DELETE: "destroying", Action.READ: "refreshing"}
_NOUN = {Action.CREATE: "Creation", Action.UPDATE: "Modifications", Action.DELETE: "Destruction", Action.READ: "Refresh"}


@dataclass
class _Applying:
    address: AbsResourceInstance
    action: Action
    start: int  # whole seconds, as terraform rounds its clock
    beats: int = 0


def _now() -> int:
    return round(time.time())


@dataclass
class JSONHooks:
    """The engine's Hooks emitting refresh_*, apply_* messages (terraform's jsonHook),
    counting applied changes for the closing change_summary (its countHook)."""

    view: JSONView
    _ephemeral_t0: dict[tuple[AbsResourceInstance, str], float] = field(default_factory=dict)
    counts: ChangeSummary = field(default_factory=lambda: ChangeSummary(operation="apply"))
    _applying: dict[AbsResourceInstance, _Applying] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stop: threading.Event = field(default_factory=threading.Event)
    _ticker: threading.Thread | None = None

    def __post_init__(self) -> None:
        self._ticker = threading.Thread(target=self._tick, daemon=True)
        self._ticker.start()

    def close(self) -> None:
        self._stop.set()

    def _tick(self) -> None:
        while not self._stop.wait(0.5):
            now = _now()
            due: list[tuple[_Applying, int]] = []
            with self._lock:
                for a in self._applying.values():
                    elapsed = now - a.start
                    if elapsed >= (a.beats + 1) * HEARTBEAT_SECONDS:
                        a.beats += 1
                        due.append((a, elapsed))
            for a, elapsed in due:
                verb = _PROGRESS_VERB.get(a.action, "creating")
                self.view.emit(
                    "info",
                    f"{a.address}: Still {verb}... [{go_duration(elapsed)} elapsed]",
                    "apply_progress",
                    hook={"resource": instance_json(a.address), "action": change_action(a.action), "elapsed_seconds": elapsed},
                )

    def pre_refresh(self, addr: AbsResourceInstance, deposed: str, id_: str) -> None:
        hook: dict[str, Any] = {"resource": instance_json(addr)}
        suffix = ""
        if id_:
            hook["id_key"] = "id"
            hook["id_value"] = id_
            suffix = f" [id={id_}]"
        self.view.emit("info", f"{addr}: Refreshing state...{suffix}", "refresh_start", hook=hook)

    def ephemeral_start(self, addr: AbsResourceInstance, op: str) -> None:
        """terraform's ephemeral_op_start (Opening... / Closing...)."""
        import time as _time

        self._ephemeral_t0[(addr, op)] = _time.monotonic()
        verb = "Opening" if op == "open" else "Closing"
        self.view.emit(
            "info", f"{addr}: {verb}...", "ephemeral_op_start", hook={"resource": instance_json(addr), "action": op}
        )

    def ephemeral_done(self, addr: AbsResourceInstance, op: str, failed: bool) -> None:
        import time as _time

        elapsed = int(_time.monotonic() - self._ephemeral_t0.pop((addr, op), _time.monotonic()))
        verb = "Opening" if op == "open" else "Closing"
        kind = "ephemeral_op_errored" if failed else "ephemeral_op_complete"
        text = f"{addr}: {verb} {'errored' if failed else 'complete'} after {go_duration(elapsed)}"
        hook = {"resource": instance_json(addr), "action": op, "elapsed_seconds": elapsed}
        self.view.emit("info", text, kind, hook=hook)

    def post_refresh(self, addr: AbsResourceInstance, deposed: str, id_: str) -> None:
        hook: dict[str, Any] = {"resource": instance_json(addr)}
        suffix = ""
        if id_:
            hook["id_key"] = "id"
            hook["id_value"] = id_
            suffix = f" [id={id_}]"
        self.view.emit("info", f"{addr}: Refresh complete{suffix}", "refresh_complete", hook=hook)

    def pre_apply(self, addr: AbsResourceInstance, deposed: str, action: Action, id_: str) -> None:
        # terraform's jsonHook names the object by its address alone, deposed or not
        hook: dict[str, Any] = {"resource": instance_json(addr), "action": change_action(action)}
        suffix = ""
        if id_:
            hook["id_key"] = "id"
            hook["id_value"] = id_
            suffix = f" [id={id_}]"
        with self._lock:
            self._applying[addr] = _Applying(addr, action, _now())
        self.view.emit("info", f"{addr}: {_START_VERB.get(action, 'Creating')}...{suffix}", "apply_start", hook=hook)

    def post_apply(self, addr: AbsResourceInstance, deposed: str, action: Action, id_: str, failed: bool) -> None:
        with self._lock:
            a = self._applying.pop(addr, None)
        start = a.start if a is not None else _now()
        action = a.action if a is not None else action
        elapsed = _now() - start
        noun = _NOUN.get(action, "Creation")
        hook: dict[str, Any] = {"resource": instance_json(addr), "action": change_action(action)}
        if failed:
            if action == Action.READ:
                return  # a data source read that fails reports only its diagnostics
            hook["elapsed_seconds"] = elapsed
            self.view.emit("info", f"{addr}: {noun} errored after {go_duration(elapsed)}", "apply_errored", hook=hook)
            return
        suffix = ""
        if id_:
            hook["id_key"] = "id"
            hook["id_value"] = id_
            suffix = f" [id={id_}]"
        hook["elapsed_seconds"] = elapsed
        self.view.emit("info", f"{addr}: {noun} complete after {go_duration(elapsed)}{suffix}", "apply_complete", hook=hook)
        with self._lock:
            if action == Action.CREATE:
                self.counts.add += 1
            elif action == Action.UPDATE:
                self.counts.change += 1
            elif action == Action.DELETE:
                self.counts.remove += 1

    def pre_import(self, addr: AbsResourceInstance, id_: str) -> None:
        pass

    def post_import(self, addr: AbsResourceInstance, failed: bool) -> None:
        pass

    def pre_apply_import(self, addr: AbsResourceInstance, id_: str) -> None:
        pass

    def post_apply_import(self, addr: AbsResourceInstance, id_: str) -> None:
        with self._lock:
            self.counts.import_ += 1

    def pre_provision_step(self, addr: AbsResourceInstance, type_name: str) -> None:
        hook = {"resource": instance_json(addr), "provisioner": type_name}
        self.view.emit("info", f"{addr}: Provisioning with '{type_name}'...", "provision_start", hook=hook)

    def provision_output(self, addr: AbsResourceInstance, type_name: str, msg: str) -> None:
        from sheath.provisioners.output import provision_lines

        for line in provision_lines(msg):
            hook = {"resource": instance_json(addr), "provisioner": type_name, "output": line}
            self.view.emit("info", f"{addr}: ({type_name}): {line}", "provision_progress", hook=hook)

    def post_provision_step(self, addr: AbsResourceInstance, type_name: str, failed: bool) -> None:
        hook = {"resource": instance_json(addr), "provisioner": type_name}
        if failed:
            self.view.emit("info", f"{addr}: ({type_name}) Provisioning errored", "provision_errored", hook=hook)
        else:
            self.view.emit("info", f"{addr}: ({type_name}) Provisioning complete", "provision_complete", hook=hook)
