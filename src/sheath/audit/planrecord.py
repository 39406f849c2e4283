"""The plan an applied version applied, kept with it (issue 12): the resource and output
changes of terraform's JSON plan representation (``sheath.plans.jsonplan``; the form
``show -json PLANFILE`` prints them in), stored as a snapshot of one file,
``plan.json``, of the kind ``versions.PLAN``: content-addressed, kept apart from the
configuration snapshots and sealed with the state's encryption where the state is. The
version records its digest as ``plan_sha``.

Sensitive values are never stored: each value the ``before_sensitive`` and
``after_sensitive`` markers name (and a sensitive output's values) is replaced by null
while the markers stay, so ``history show`` prints ``(sensitive value)`` for it. The
rest of the JSON plan (variables, prior state, configuration) is left out: the version
keeps its variables (sensitive ones as hashes), its configuration snapshot and the state
serial it produced.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sheath.plans.jsonplan import FORMAT_VERSION, change_to_json, output_change_to_json
from sheath.plans.model import Plan

PLAN_FILE = "plan.json"
SENSITIVE_TEXT = "(sensitive value)"
UNKNOWN_TEXT = "(known after apply)"

# terraform's symbols for a change's actions, as its plan renders them
SYMBOLS = {
    ("create",): "+",
    ("delete",): "-",
    ("update",): "~",
    ("delete", "create"): "-/+",
    ("create", "delete"): "+/-",
    ("read",): "<=",
    ("forget",): ".",
}


def redact(value: Any, marks: Any) -> Any:
    """value with every part marks flags as sensitive replaced by null."""
    if marks is True:
        return None
    if isinstance(value, dict) and isinstance(marks, dict):
        return {k: redact(v, marks.get(k, False)) for k, v in value.items()}
    if isinstance(value, list) and isinstance(marks, list):
        return [redact(v, marks[i] if i < len(marks) else False) for i, v in enumerate(value)]
    return value


def _redacted_change(c: dict[str, Any]) -> dict[str, Any]:
    ch = dict(c["change"])
    ch.pop("generated_config", None)
    ch["before"] = redact(ch.get("before"), ch.get("before_sensitive", False))
    if "after" in ch:
        ch["after"] = redact(ch["after"], ch.get("after_sensitive", False))
    return {**c, "change": ch}


def plan_document(plan: Plan) -> dict[str, Any]:
    """The plan's changes as kept with an applied version, sensitive values removed."""
    doc: dict[str, Any] = {"format_version": FORMAT_VERSION, "terraform_version": plan.terraform_version}
    doc["resource_changes"] = [_redacted_change(change_to_json(c)) for c in plan.changes]
    outputs: dict[str, Any] = {}
    for o in sorted(plan.output_changes, key=lambda o: o.name):
        d = output_change_to_json(o)
        if o.sensitive:
            d["before"] = None
            d["after"] = None
        outputs[o.name] = d
    doc["output_changes"] = outputs
    return doc


def plan_files(plan: Plan) -> dict[str, bytes]:
    """The snapshot that stores the plan (one file)."""
    return {PLAN_FILE: json.dumps(plan_document(plan), sort_keys=True).encode()}


def plan_from_files(files: Mapping[str, bytes] | None) -> dict[str, Any] | None:
    """The plan document of a stored snapshot (None: none, or not a plan)."""
    if files is None or PLAN_FILE not in files:
        return None
    try:
        doc = json.loads(files[PLAN_FILE])
    except ValueError:
        return None
    return doc if isinstance(doc, dict) else None


def _text(value: Any, sensitive: Any, unknown: Any = False) -> str:
    if sensitive is True:
        return SENSITIVE_TEXT
    if unknown is True:
        return UNKNOWN_TEXT
    if sensitive not in (False, None, {}, []):
        return "(value with sensitive parts)"
    return json.dumps(value, sort_keys=True)


def _obj(x: Any) -> dict[str, Any]:
    return x if isinstance(x, dict) else {}


def _attribute_lines(ch: Mapping[str, Any]) -> list[str]:
    """The top-level attributes an update or replacement changes, old -> new."""
    before, after = _obj(ch.get("before")), _obj(ch.get("after"))
    bs, as_, au = _obj(ch.get("before_sensitive")), _obj(ch.get("after_sensitive")), _obj(ch.get("after_unknown"))
    lines = []
    for name in sorted(set(before) | set(after) | set(au)):
        b_sens, a_sens, unknown = bs.get(name, False), as_.get(name, False), au.get(name, False)
        if name not in au and before.get(name) == after.get(name) and b_sens == a_sens:
            continue
        if unknown is not True and unknown not in (False, None, {}, []):
            new = "(partly known after apply)"
        else:
            new = _text(after.get(name), a_sens, unknown)
        lines.append(f"      {name}: {_text(before.get(name), b_sens)} -> {new}")
    return lines


def render_plan(doc: Mapping[str, Any]) -> list[str]:
    """A stored plan's changes, one resource a line (terraform's action symbols), with
    the attributes an update or replacement changes; sensitive values never in clear."""
    lines: list[str] = []
    for c in doc.get("resource_changes") or []:
        ch = c.get("change", {})
        actions = tuple(ch.get("actions", []))
        if actions in (("no-op",), ()):
            continue
        symbol = SYMBOLS.get(actions, "?")
        reason = f", {c['action_reason']}" if c.get("action_reason") else ""
        lines.append(f"  {symbol} {c.get('address')} ({', '.join(actions)}{reason})")
        if "update" in actions or len(actions) == 2:
            lines.extend(_attribute_lines(ch))
    outputs = [
        (name, o) for name, o in sorted((doc.get("output_changes") or {}).items()) if tuple(o.get("actions", [])) != ("no-op",)
    ]
    for name, o in outputs:
        actions = tuple(o.get("actions", []))
        sens = o.get("after_sensitive") or o.get("before_sensitive")
        value = _text(o.get("after"), sens, o.get("after_unknown", False)) if "delete" not in actions else "null"
        lines.append(f"  {SYMBOLS.get(actions, '?')} output.{name} = {value}")
    return lines or ["  No changes."]
