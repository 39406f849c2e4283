"""A plan as GitHub-flavoured Markdown for pull-request review (in the tradition of
Atlantis and tfcmt): a header naming the directory and workspace, the counts, a warning
when anything is deleted or replaced, the changes grouped by action, drift, policy
results, and the human plan in a collapsed block when it is long.

The comment never exceeds GitHub's 65,535-character limit: the full plan text is cut
first, then the lists, each with a note saying how much was left out. Values never
appear except as the human plan prints them (sensitive values redacted there).
An invisible marker lets a bot find and update its own comment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from sheath.policy.model import Level, Report

GITHUB_COMMENT_LIMIT = 65_535
STEP_SUMMARY_LIMIT = 1024 * 1024
COLLAPSE_AFTER_LINES = 12
MARKER = "<!-- sheath:plan -->"

_REASONS = {
    "replace_because_tainted": "tainted",
    "replace_by_request": "replacement requested (-replace)",
    "replace_because_cannot_update": "an argument forces replacement",
    "replace_by_triggers": "replace_triggered_by",
    "delete_because_no_resource_config": "no longer in the configuration",
    "delete_because_wrong_repetition": "count or for_each changed",
    "delete_because_count_index": "count index out of range",
    "delete_because_each_key": "for_each key no longer present",
    "delete_because_no_module": "module call no longer present",
    "delete_because_no_move_target": "moved target missing",
    "read_because_config_unknown": "configuration known only after apply",
    "read_because_dependency_pending": "depends on changes pending",
    "read_because_check_nested": "nested in a check block",
}


@dataclass
class MarkdownInput:
    plan: Mapping[str, Any]  # terraform's JSON plan representation
    plan_text: str = ""  # the human plan, without colour
    directory: str = "."
    workspace: str = "default"
    policy: Report | None = None
    extra_sections: Sequence[tuple[str, str]] = field(default_factory=tuple)  # (title, markdown), e.g. cost


@dataclass
class _Groups:
    create: list[str] = field(default_factory=list)
    update: list[str] = field(default_factory=list)
    replace: list[str] = field(default_factory=list)
    delete: list[str] = field(default_factory=list)
    read: list[str] = field(default_factory=list)
    imports: list[str] = field(default_factory=list)
    moves: list[str] = field(default_factory=list)
    forget: list[str] = field(default_factory=list)


def _code(s: str) -> str:
    tick = "``" if "`" in s else "`"
    pad = " " if "`" in s else ""
    return f"{tick}{pad}{s}{pad}{tick}"


def _group(plan: Mapping[str, Any]) -> _Groups:
    g = _Groups()
    for rc in plan.get("resource_changes", []) or []:
        ch = rc.get("change") or {}
        actions = list(ch.get("actions") or [])
        addr = str(rc.get("address", ""))
        if rc.get("deposed"):
            addr += f" (deposed object {rc['deposed']})"
        reason = _REASONS.get(str(rc.get("action_reason", "")), "")
        item = _code(addr) + (f" — {reason}" if reason else "")
        if ch.get("importing"):
            g.imports.append(_code(addr))
        prev = rc.get("previous_address")
        if prev and prev != rc.get("address"):
            g.moves.append(f"{_code(str(prev))} → {_code(addr)}")
        if actions == ["create"]:
            g.create.append(item)
        elif actions == ["update"]:
            g.update.append(item)
        elif actions in (["delete", "create"], ["create", "delete"]):
            g.replace.append(item)
        elif actions == ["delete"]:
            g.delete.append(item)
        elif actions == ["read"]:
            g.read.append(item)
        elif actions == ["forget"]:
            g.forget.append(item)
    return g


def _drift(plan: Mapping[str, Any]) -> list[str]:
    out = []
    for rc in plan.get("resource_drift", []) or []:
        actions = (rc.get("change") or {}).get("actions") or []
        what = "deleted outside sheath" if actions == ["delete"] else "changed outside sheath"
        out.append(f"{_code(str(rc.get('address', '')))} — {what}")
    return out


def _list(items: Sequence[str], budget: int) -> tuple[str, int]:
    """A bullet list within budget characters; the number of items left out."""
    text = ""
    for i, it in enumerate(items):
        line = f"- {it}\n"
        if len(text) + len(line) > budget:
            return text, len(items) - i
        text += line
    return text, 0


def _policy_section(report: Report) -> str:
    lines = []
    failures = report.failures
    mand = len(report.mandatory_failures)
    icon = "❌" if mand else ("⚠️" if failures else "✅")
    lines.append(
        f"{icon} {len(failures)} failed ({mand} mandatory), {len(report.skipped)} skipped, {report.passed} passed.\n"
    )
    if failures or report.skipped:
        lines.append("\n| | Rule | Resource | Where | Finding |\n| --- | --- | --- | --- | --- |\n")
        for f in failures:
            mark = "❌ mandatory" if f.level is Level.MANDATORY else "⚠️ advisory"
            where = f"{f.source.filename}:{f.source.line}" if f.source else ""
            lines.append(f"| {mark} | {f.rule.checkov_id or f.rule.id} | {_code(f.address)} | {where} | {_cell(f.rule.title)} |\n")
        for f in report.skipped:
            assert f.skipped is not None
            lines.append(f"| ⏭️ skipped | {f.rule.checkov_id or f.rule.id} | {_code(f.address)} | | {_cell(f.skipped.reason)} |\n")
    return "".join(lines)


def _cell(s: str) -> str:
    return s.replace("|", "\\|").replace("\n", " ")


def render_markdown(inp: MarkdownInput, limit: int = GITHUB_COMMENT_LIMIT) -> str:
    g = _group(inp.plan)
    counts = (
        f"**{len(g.create)}** to add, **{len(g.update)}** to change, **{len(g.replace) + len(g.delete)}** to destroy"
        + (f" (**{len(g.replace)}** replaced)" if g.replace else "")
        + (f", **{len(g.imports)}** to import" if g.imports else "")
        + (f", **{len(g.forget)}** to forget" if g.forget else "")
    )
    head = [
        MARKER + "\n",
        f"## sheath plan: {_code(inp.directory)} (workspace {_code(inp.workspace)})\n\n",
    ]
    nothing = not any((g.create, g.update, g.replace, g.delete, g.imports, g.moves, g.forget, g.read))
    out_changes = [o for o, v in (inp.plan.get("output_changes") or {}).items() if (v.get("actions") or []) != ["no-op"]]
    if nothing and not out_changes:
        head.append("**No changes.** Your infrastructure matches the configuration.\n\n")
    else:
        head.append(f"Plan: {counts}.\n\n")
    if g.delete or g.replace:
        victims = [x.split(" — ")[0] for x in g.delete + g.replace]
        shown = ", ".join(victims[:10]) + (f" and {len(victims) - 10} more" if len(victims) > 10 else "")
        head.append(f"> [!WARNING]\n> This plan destroys or replaces {len(victims)} resource(s): {shown}.\n\n")
    sections: list[tuple[str, Sequence[str]]] = [
        ("Create", g.create),
        ("Update in place", g.update),
        ("Replace", g.replace),
        ("Destroy", g.delete),
        ("Import", g.imports),
        ("Move", g.moves),
        ("Forget", g.forget),
        ("Read during apply", g.read),
        ("Drift (changed outside sheath, found during refresh)", _drift(inp.plan)),
    ]
    tail: list[str] = []
    if out_changes:
        tail.append("### Output changes\n\n" + "".join(f"- {_code(o)}\n" for o in sorted(out_changes)) + "\n")
    for title, md in inp.extra_sections:  # short (cost): before the policy table, which can be long
        tail.append(f"### {title}\n\n{md}\n")
    if inp.policy is not None:
        tail.append("### Policy\n\n" + _policy_section(inp.policy) + "\n")

    fixed = "".join(head) + "".join(tail)
    budget = limit - len(fixed) - 400  # room for the plan block's wrapper and notes
    body: list[str] = []
    left_out = 0
    for title, items in sections:
        if not items:
            continue
        text, missing = _list(items, max(budget, 0))
        budget -= len(text) + len(title) + 10
        body.append(f"### {title} ({len(items)})\n\n{text}")
        if missing:
            left_out += missing
            body.append(f"\n_… and {missing} more not shown (comment size limit)._\n")
        body.append("\n")
    plan_block = ""
    text = inp.plan_text.rstrip("\n")
    if text:
        lines = text.split("\n")
        fence = "```"
        while fence in text:
            fence += "`"
        room = max(budget - 200, 0)
        cut_note = ""
        if len(text) > room:
            kept = text[:room]
            kept = kept[: kept.rfind("\n")] if "\n" in kept else ""
            cut_note = f"\n_The plan text was cut: {len(text) - len(kept):,} of {len(text):,} characters are not shown (comment size limit)._\n"
            text = kept
        block = f"{fence}\n{text}\n{fence}\n"
        if len(lines) > COLLAPSE_AFTER_LINES:
            plan_block = f"<details><summary>Show the plan ({len(lines)} lines)</summary>\n\n{block}\n</details>\n{cut_note}"
        else:
            plan_block = block + cut_note
    doc = "".join(head) + "".join(body) + "".join(tail) + plan_block
    if len(doc) > limit:  # a last resort: never exceed the limit
        note = "\n\n_This comment was cut to fit GitHub's size limit._\n"
        doc = doc[: limit - len(note)] + note
    return doc
