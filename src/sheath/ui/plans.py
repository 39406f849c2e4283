"""The plan view's data: a saved plan file of the working directory, or a fresh plan, as
the changes grouped by action, each with terraform's rendering of its attribute diff.

Values leave this module only as terraform's human renderer prints them (sensitive
values as ``(sensitive value)``): the diffs come from ``sheath.plans.render``, the
Markdown from ``sheath.cli.views.markdown`` and the policy findings from
``sheath.policy.report``, none of which print a sensitive value.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sheath.diag import Diagnostics
from sheath.engine.hooks import Hooks
from sheath.plans.model import Action, Plan, ResourceInstanceChange
from sheath.ui.model import config_address, diagnostics_json
from sheath.ui.progress import Progress, ProgressHooks

MAX_PLAN_FILE_BYTES = 256 * 1024 * 1024

# (key, title): the groups of the PR Markdown, in its order
GROUPS: tuple[tuple[str, str], ...] = (
    ("create", "Create"),
    ("update", "Update in place"),
    ("replace", "Replace"),
    ("delete", "Destroy"),
    ("import", "Import"),
    ("move", "Move"),
    ("forget", "Forget"),
    ("read", "Read during apply"),
)

# the graph's colour for an object with several planned actions: the strongest wins
_STRENGTH = ("replace", "delete", "create", "update", "forget", "read", "import", "move")

_ACTION_KEYS = {
    Action.CREATE: "create",
    Action.UPDATE: "update",
    Action.DELETE_THEN_CREATE: "replace",
    Action.CREATE_THEN_DELETE: "replace",
    Action.DELETE: "delete",
    Action.READ: "read",
    Action.FORGET: "forget",
    Action.FORGET_THEN_CREATE: "replace",
    Action.NO_OP: "no-op",
}

SchemaLookup = Callable[[str, str], Any]


@dataclass(frozen=True, slots=True)
class SavedPlan:
    name: str  # the file's name in the working directory
    size: int
    modified_ns: int

    def json(self) -> dict[str, Any]:
        return {"name": self.name, "size": self.size, "modified": self.modified_ns // 1_000_000_000}


def saved_plans(root_dir: str) -> list[SavedPlan]:
    """The sheath plan files (``sheath plan -out=FILE``) at the top of root_dir, newest first."""
    from sheath.plans.planfile import find_trailer

    out: list[SavedPlan] = []
    try:
        entries = list(os.scandir(root_dir))
    except OSError:
        return out
    for e in entries:
        try:
            if not e.is_file() or e.name.startswith("."):
                continue
            st = e.stat()
            if st.st_size > MAX_PLAN_FILE_BYTES or st.st_size < 4:
                continue
            with open(e.path, "rb") as fh:
                if fh.read(2) != b"PK":
                    continue
                fh.seek(0)
                data = fh.read()
        except OSError:
            continue
        if find_trailer(data) is not None:
            out.append(SavedPlan(e.name, st.st_size, st.st_mtime_ns))
    out.sort(key=lambda p: (-p.modified_ns, p.name))
    return out


def read_saved_plan(root_dir: str, name: str) -> tuple[Plan | None, Diagnostics]:
    """The plan in the working directory's plan file name (one saved_plans lists),
    verified as sheath show verifies it: signed with the key SHEATH_PLAN_SIGNING_KEY_FILE
    names when it names one, unsigned otherwise."""
    from sheath.cli.plansigning import load_signing_key
    from sheath.plans.planfile import read_plan_file

    diags = Diagnostics()
    if name not in {p.name for p in saved_plans(root_dir)}:
        diags.add_error("No such plan file", f"{name} is not a sheath plan file in the working directory.")
        return None, diags
    try:
        with open(os.path.join(root_dir, name), "rb") as fh:
            data = fh.read()
    except OSError as exc:
        diags.add_error("Failed to read plan", f"Could not read {name}: {exc.strerror}")
        return None, diags
    key, kd = load_signing_key(None, os.environ)
    if kd.has_errors():
        return None, kd
    pf, pd = read_plan_file(data, name, key.key if key is not None else None)
    return (pf.plan if pf is not None else None), pd


def fresh_plan(root_dir: str, hooks: Hooks | None = None) -> tuple[Plan | None, Diagnostics, dict[str, bytes]]:
    """A normal plan of the working directory, made as ``sheath plan`` makes it (refresh
    included, the state locked while planning and unlocked after, as terraform's plan
    does), through the library API, with the configuration files it was made from.
    Nothing is saved and the state is never written."""
    from sheath.engine.workspace import SheathError, Workspace

    try:
        result = Workspace(root_dir, plan_checks=[], hooks=hooks).plan()
    except SheathError as exc:
        return None, exc.diagnostics, {}
    return result.plan, result.diagnostics, dict(result.session.config_snapshot)


def schema_lookup(root_dir: str) -> Callable[[ResourceInstanceChange], Any]:
    """The schema of a change's resource type where sheath knows it (native providers and
    plugins installed by init); None otherwise (values then render by their shape)."""
    from sheath.engine.schemas import NativeSchemas

    schemas = NativeSchemas(root_dir)

    def lookup(c: ResourceInstanceChange) -> Any:
        s = schemas(c.provider_name, c.mode, c.type)
        return s.block if s is not None else None

    return lookup


def change_config_address(c: ResourceInstanceChange) -> str:
    local = ("data." if c.mode == "data" else "") + f"{c.type}.{c.name}"
    mod = config_address(c.module_address)
    return f"{mod}.{local}" if mod else local


def _shown(c: ResourceInstanceChange) -> bool:
    """Whether terraform's human plan lists the change (render_plan's own filter)."""
    if c.action == Action.NO_OP and not c.moved and c.importing is None:
        return False
    return not (c.action == Action.DELETE and c.mode != "managed")


def _comment_lines(diff: str) -> list[str]:
    """The comment lines a rendered change starts with: what happens to it and why, in terraform's words."""
    out = []
    for line in diff.split("\n"):
        text = line.strip()
        if not text.startswith("#"):
            break
        out.append(text.lstrip("#").strip())
    return out


def _groups_of(c: ResourceInstanceChange, action: str) -> list[str]:
    keys = [action] if action != "no-op" else []
    if c.importing is not None:
        keys.append("import")
    if c.moved:
        keys.append("move")
    return keys


def change_document(c: ResourceInstanceChange, schema: Any) -> dict[str, Any]:
    from sheath.plans.render import render_resource_change

    diff = render_resource_change(c, color=False, schema=schema)
    action = _ACTION_KEYS[c.action]
    doc: dict[str, Any] = {
        "address": c.address,
        "config_address": change_config_address(c),
        "mode": c.mode,
        "type": c.type,
        "action": action,
        "actions": c.action.json_actions(),
        "reason": c.action_reason.value if c.action_reason.value else None,
        "comment": _comment_lines(diff),
        "groups": _groups_of(c, action),
        "diff": diff,
    }
    if c.deposed:
        doc["deposed"] = c.deposed
    if c.moved:
        doc["previous_address"] = c.prev_run_address
    if c.importing is not None:
        doc["importing_id"] = c.importing.id or None
    return doc


def _strongest(a: str | None, b: str) -> str:
    if a is None:
        return b
    return a if _STRENGTH.index(a) <= _STRENGTH.index(b) else b


def graph_actions(changes: list[dict[str, Any]]) -> dict[str, str]:
    """The planned action of each configuration address, and of each enclosing module
    call (the strongest of what is inside), for colouring the graph."""
    out: dict[str, str] = {}
    for ch in changes:
        for key in ch["groups"]:
            addr = ch["config_address"]
            out[addr] = _strongest(out.get(addr), key)
            parts = addr.split(".")
            for i in range(len(parts) - 1):
                if parts[i] == "module":
                    mod = ".".join(parts[: i + 2])
                    out[mod] = _strongest(out.get(mod), key)
    return out


def policy_document(plan: Plan, root_dir: str) -> dict[str, Any]:
    """sheath policy check on the plan: policy.report's JSON findings, each with its file
    relative to the working directory, and the check's other diagnostics."""
    from sheath.policy.plancheck import CheckContext, policy_check
    from sheath.policy.report import render_json

    result = policy_check()(plan, CheckContext(root_dir))
    doc: dict[str, Any] = {"summary": None, "findings": []}
    if result.report is not None:
        doc.update(json.loads(render_json(result.report)))
        for f in doc["findings"]:
            if f.get("file") and os.path.isabs(f["file"]):
                f["file"] = os.path.relpath(f["file"], root_dir)
    # the findings are already in the list; keep the diagnostics that are not findings
    findings = {f"Policy {f['rule_id']}: {f['title']}" for f in doc["findings"]}
    doc["diagnostics"] = [d for d in diagnostics_json(result.diagnostics) if d["summary"] not in findings]
    return doc


def plan_document(plan: Plan, root_dir: str, source: dict[str, Any], diags: Diagnostics | None = None) -> dict[str, Any]:
    """The plan view's document: counts, the changes grouped by action with their diffs,
    output changes, the whole human plan, the PR Markdown, policy results and the graph's
    colours."""
    from sheath.backend.current import current_workspace
    from sheath.cli.views.markdown import MarkdownInput, render_markdown
    from sheath.plans.jsonplan import plan_to_json
    from sheath.plans.render import render_outputs, render_plan

    lookup = schema_lookup(root_dir)
    changes = [change_document(c, lookup(c)) for c in plan.changes if _shown(c)]
    groups = [
        {"key": key, "title": title, "addresses": [ch["address"] + (f" (deposed {ch['deposed']})" if "deposed" in ch else "") for ch in changes if key in ch["groups"]]}
        for key, title in GROUPS
    ]
    counts = {a: sum(1 for c in plan.changes if _shown(c) and c.action == a) for a in Action}
    replaced = counts[Action.DELETE_THEN_CREATE] + counts[Action.CREATE_THEN_DELETE]
    summary = {
        "add": counts[Action.CREATE] + replaced,
        "change": counts[Action.UPDATE],
        "destroy": counts[Action.DELETE] + replaced,
        "import": sum(1 for c in plan.changes if _shown(c) and c.importing is not None),
        "move": sum(1 for c in plan.changes if _shown(c) and c.moved),
    }
    by_type = {(c.mode, c.type): c for c in plan.changes}

    def block_of(mode: str, type_: str) -> Any:
        c = by_type.get((mode, type_))
        return lookup(c) if c is not None else None

    text = render_plan(plan, color=False, schemas=block_of, in_automation=True)
    policy = policy_document(plan, root_dir)
    workspace = current_workspace(root_dir)
    markdown = render_markdown(
        MarkdownInput(plan_to_json(plan), text, directory=os.path.basename(os.path.abspath(root_dir)) or ".", workspace=workspace)
    )
    outputs = [{"name": o.name, "action": _ACTION_KEYS[o.action], "sensitive": o.sensitive} for o in plan.output_changes]
    return {
        "source": source,
        "timestamp": plan.timestamp,
        "mode": plan.ui_mode.value,
        "errored": plan.errored,
        "applyable": plan.applyable,
        "summary": summary,
        "groups": [g for g in groups if g["addresses"]],
        "changes": changes,
        "outputs": outputs,
        "outputs_text": render_outputs(plan.output_changes),
        "text": text,
        "markdown": markdown,
        "policy": policy,
        "actions": graph_actions(changes),
        "diagnostics": diagnostics_json(diags) if diags is not None else [],
    }


def failed_plan_document(source: dict[str, Any], diags: Diagnostics) -> dict[str, Any]:
    """The document of a plan that could not be read or made: its diagnostics only."""
    return {
        "source": source,
        "errored": True,
        "summary": None,
        "groups": [],
        "changes": [],
        "outputs": [],
        "actions": {},
        "policy": None,
        "diagnostics": diagnostics_json(diags),
    }


class FreshPlans:
    """The "Plan" button: plans the working directory on request, one plan at a time, and
    keeps the document of the latest, and the latest as a plan file's bytes for the cost
    view (in memory only; nothing is written but the lock)."""

    def __init__(self, root_dir: str) -> None:
        self.root_dir = root_dir
        self._lock = threading.Lock()
        self.latest: dict[str, Any] | None = None
        self.latest_file: bytes | None = None
        self.progress = Progress()

    def run(self) -> dict[str, Any]:
        with self._lock:
            self.progress.start()
            try:
                source = {"kind": "fresh", "made": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
                plan, diags, snapshot = fresh_plan(self.root_dir, ProgressHooks(self.progress))
                self.progress.add("Rendering the plan and checking policies...")
                if plan is None:
                    doc = failed_plan_document(source, diags)
                else:
                    doc = plan_document(plan, self.root_dir, source, diags)
                self.latest = doc
                self.latest_file = None if plan is None else in_memory_plan_file(plan, snapshot)
                return doc
            finally:
                self.progress.stop()


def in_memory_plan_file(plan: Plan, snapshot: dict[str, bytes]) -> bytes | None:
    """plan as an unsigned, unencrypted plan file's bytes, kept in memory only (None when it
    cannot be written)."""
    from sheath.plans.planfile import PlanFileError, write_plan_file

    try:
        return write_plan_file(plan, snapshot)
    except PlanFileError:
        return None


def saved_plan_document(root_dir: str, name: str) -> dict[str, Any]:
    source = {"kind": "file", "name": name}
    plan, diags = read_saved_plan(root_dir, name)
    if plan is None:
        return failed_plan_document(source, diags)
    return plan_document(plan, root_dir, source, diags)
