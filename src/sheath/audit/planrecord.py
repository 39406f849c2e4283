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


def _step(path: str, key: str | int) -> str:
    """path extended by an attribute, map key or list index, as terraform writes them."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    if key.isidentifier() or (key.replace("-", "_").isidentifier() and not key.startswith("-")):
        return f"{path}.{key}" if path else key
    return f"{path}[{json.dumps(key)}]"


def _leaf_lines(path: str, b: Any, a: Any, bs: Any, as_: Any, au: Any, out: list[str]) -> None:
    """The attribute lines of the value at path, old -> new: descending into objects, maps
    and lists of the same length so that a change shows as the innermost paths it touches."""
    if au is True:
        out.append(f"      {path}: {_text(b, bs)} -> {UNKNOWN_TEXT}")
        return
    if bs is True or as_ is True:  # stored redacted: changed when the value or the marker did
        if b != a or bs != as_:
            out.append(f"      {path}: {_text(b, bs)} -> {_text(a, as_)}")
        return
    if isinstance(b, dict) and isinstance(a, dict):
        for k in sorted(set(b) | set(a) | set(_obj(au))):
            sub = (b.get(k), a.get(k), _obj(bs).get(k, False), _obj(as_).get(k, False), _obj(au).get(k, False))
            if k not in b or k not in a:  # added or removed as a whole
                if sub[0] != sub[1] or sub[4] is not False:
                    out.append(f"      {_step(path, k)}: {_text(sub[0], sub[2])} -> {_new_text(sub[1], sub[3], sub[4])}")
                continue
            _leaf_lines(_step(path, k), *sub, out)
        return
    if isinstance(b, list) and isinstance(a, list) and len(b) == len(a) and (not isinstance(au, list) or len(au) == len(a)):
        def at(m: Any, i: int) -> Any:
            return m[i] if isinstance(m, list) and i < len(m) else False

        for i in range(len(a)):
            _leaf_lines(_step(path, i), b[i], a[i], at(bs, i), at(as_, i), at(au, i), out)
        return
    if b != a or au not in (False, None, {}, []) or bs != as_:
        out.append(f"      {path}: {_text(b, bs)} -> {_new_text(a, as_, au)}")


def _new_text(a: Any, as_: Any, au: Any) -> str:
    if au is not True and au not in (False, None, {}, []):
        return "(partly known after apply)"
    return _text(a, as_, au)


def _attribute_lines(ch: Mapping[str, Any]) -> list[str]:
    """The attributes an update or replacement changes, old -> new, each at the innermost
    path that changed (``tags.env``, ``ingress[0].from_port``)."""
    lines: list[str] = []
    _leaf_lines(
        "", _obj(ch.get("before")), _obj(ch.get("after")), _obj(ch.get("before_sensitive")), _obj(ch.get("after_sensitive")),
        _obj(ch.get("after_unknown")), lines,
    )
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
