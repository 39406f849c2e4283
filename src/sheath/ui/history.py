"""The history view's data: the state versions the backend kept (``sheath state history``)
and the applied versions (``sheath history``), and the diff between two of them.

A state diff is ``sheath.audit.statediff``'s (as ``sheath history show`` prints it). A configuration diff is a unified diff of the two applied versions' snapshots;
with it come the plans the versions in between applied (``sheath history show``'s text).
The state versions are the backend's (local ``.sheath/history``, pg's table, s3's objects),
read through the state manager's history store and decoded with the state's codec; applied
versions are where the backend keeps them (``sheath.audit.records``).
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING, Any

from sheath.audit.statediff import output_diff, state_diff
from sheath.diag import Diagnostics, Severity
from sheath.states.state import State
from sheath.ui.model import diagnostics_json
from sheath.ui.source import BackendState, StateHistory

if TYPE_CHECKING:
    from sheath.audit.records import VersionLog

MAX_CONFIG_DIFF_LINES = 20_000


def rollback_command(version: int) -> str:
    """The command that returns the infrastructure to an applied version (shown, never run)."""
    return f"sheath rollback -to-version={version}"


def history_document(backend: BackendState | None) -> dict[str, Any]:
    """The applied versions (kept beside a local state file) and the state versions the
    backend kept (local, pg, s3), each with its WriteContext and whether its document is
    still there."""
    diags = Diagnostics()
    if backend is None or backend.history is None:
        if backend is not None:
            diags.extend(Diagnostics(d for d in backend.diagnostics if d.severity is Severity.ERROR))
        if not diags.has_errors():
            diags.add_warning("No history shown", "The state's backend or workspace could not be read (or holds no state yet), so no history is shown.")
        return {"backend": None if backend is None else backend.kind, "applied": [], "states": [], "diagnostics": diagnostics_json(diags)}
    hist = backend.history
    metas, d = hist.versions()
    diags.extend(d)
    kept, d = hist.kept(metas)
    diags.extend(d)
    states = [{**m.to_json(), "available": m.version in kept} for m in metas]
    applied = []
    log = applied_versions(backend)
    if log is not None:
        from sheath.audit.versions import RecordsError

        try:
            versions = log.versions()
        except (ValueError, TypeError, OSError, RecordsError) as exc:
            diags.add_error("Invalid version history", f"The applied versions kept with the state cannot be read: {exc}")
            versions = []
        by_serial = {(m.lineage, m.serial): m.version for m in metas}
        for v in versions:
            doc = dict(v.__dict__)
            doc["summary"] = v.summary()
            doc["rollback"] = rollback_command(v.version)
            doc["state_version"] = by_serial.get((v.state_lineage, v.state_serial))
            applied.append(doc)
    return {"backend": backend.kind, "applied": applied, "states": states, "diagnostics": diagnostics_json(diags)}


def _read_version(hist: StateHistory, version: int, diags: Diagnostics) -> State | None:
    sf, d = hist.read(version)
    diags.extend(d)
    return sf.state if sf is not None else None


def applied_versions(backend: BackendState) -> "VersionLog | None":
    """Where the backend keeps the workspace's applied versions (beside a local state
    file, pg's tables, s3's objects); None when it cannot say."""
    from sheath.audit.records import backend_records
    from sheath.audit.versions import VersionStore

    if backend.history is not None and backend.history.state_path is not None:
        return VersionStore(backend.history.state_path)
    if backend.remote is not None:
        records = backend_records(backend.remote.backend, backend.remote.workspace)
        return records.versions if records is not None else None
    return None


def config_diff(store: "VersionLog", old_sha: str, new_sha: str) -> tuple[str, bool]:
    """A unified diff of two configuration snapshots, and whether both were found."""
    old, new = store.snapshot(old_sha), store.snapshot(new_sha)
    lines: list[str] = []
    for path in sorted(set(old or {}) | set(new or {})):
        x = (old or {}).get(path, b"").decode("utf-8", "replace").splitlines(keepends=True)
        y = (new or {}).get(path, b"").decode("utf-8", "replace").splitlines(keepends=True)
        lines.extend(difflib.unified_diff(x, y, f"a/{path}", f"b/{path}"))
    if len(lines) > MAX_CONFIG_DIFF_LINES:
        lines = lines[:MAX_CONFIG_DIFF_LINES] + [f"... {len(lines) - MAX_CONFIG_DIFF_LINES} more lines not shown\n"]
    return "".join(lines), old is not None and new is not None


MAX_PLANS_SHOWN = 50


def plans_applied(store: "VersionLog", first: int, second: int) -> list[dict[str, Any]]:
    """The plans the applied versions after first up to second applied (what took the
    infrastructure from one to the other), newest last, each as ``history show`` prints
    it (stored without sensitive values); at most the newest MAX_PLANS_SHOWN."""
    from sheath.audit.planrecord import plan_from_files, render_plan
    from sheath.audit.versions import PLAN, RecordsError

    lo, hi = min(first, second), max(first, second)
    out: list[dict[str, Any]] = []
    try:
        versions = [v for v in store.versions() if lo < v.version <= hi][-MAX_PLANS_SHOWN:]
        for v in versions:
            plan = plan_from_files(store.snapshot(v.plan_sha, PLAN)) if v.plan_sha else None
            if plan is not None:
                text = "\n".join(render_plan(plan))
            elif v.plan_sha:
                text = f"The stored plan {v.plan_sha} could not be found."
            else:
                text = "Not stored (this version was recorded before sheath kept plans)."
            out.append({"version": v.version, "operation": v.operation, "summary": v.summary(), "plan": text})
    except RecordsError as exc:
        out.append({"version": None, "operation": "", "summary": "", "plan": f"The stored plans cannot be read: {exc}"})
    return out


def diff_document(backend: BackendState | None, root_dir: str, kind: str, first: int, second: int) -> tuple[dict[str, Any] | None, str]:
    """The diff from version first to version second, of state versions (kind "state") or
    of applied versions (kind "applied": configuration and, where the backend kept the
    state each produced, state). None and why when a version is unknown."""
    diags = Diagnostics()
    if backend is None or backend.history is None:
        return None, "the state's backend could not be read"
    hist = backend.history
    doc: dict[str, Any] = {"kind": kind, "from": first, "to": second, "configuration": None, "plans": None, "resources": None, "outputs": None}
    states = (first, second)
    if kind == "applied":
        from sheath.audit.versions import RecordsError

        store = applied_versions(backend)
        if store is None:
            return None, f"the {backend.kind} backend keeps no applied versions"
        try:
            va, vb = store.get(first), store.get(second)
        except RecordsError as exc:
            return None, str(exc)
        if va is None or vb is None:
            return None, f"there is no applied version {first if va is None else second}"
        try:
            text, found = config_diff(store, va.config_sha, vb.config_sha)
        except RecordsError as exc:
            return None, str(exc)
        doc["configuration"] = text
        if not found:
            diags.add_warning("Configuration snapshot missing", "A configuration snapshot of these versions is missing.")
        doc["plans"] = plans_applied(store, first, second)
        listing = history_document(backend)
        by_version = {a["version"]: a["state_version"] for a in listing["applied"]}
        sa, sb = by_version.get(first), by_version.get(second)
        if sa is None or sb is None:
            diags.add_warning("State version missing", "The backend kept no state version for one of these applied versions.")
            doc["diagnostics"] = diagnostics_json(diags)
            return doc, ""
        states = (sa, sb)
        doc["state_versions"] = list(states)
    elif kind != "state":
        return None, f"unknown kind {kind!r}: state or applied"
    old = _read_version(hist, states[0], diags)
    new = _read_version(hist, states[1], diags)
    if old is None or new is None:
        if kind == "state":
            return None, "; ".join(d.detail or d.summary for d in diags) or "version not found"
    else:
        from sheath.engine.schemas import NativeSchemas

        doc["resources"] = state_diff(old, new, NativeSchemas(root_dir))
        doc["outputs"] = output_diff(old, new)
    doc["diagnostics"] = diagnostics_json(diags)
    return doc, ""
