"""sheath audit log [-json] [-since=WHEN] | sheath audit verify [-json]: the audit trail.

The trail is kept where the configured backend keeps the current workspace's state
(see sheath.audit.records): .sheath/audit.jsonl beside a local state file, a table of
the pg backend's schema, objects under sheath-audit/ in the s3 backend's bucket.
-state=PATH reads the trail beside a local state file instead (refused when the
configured backend is pg or s3, which keep the trail themselves).
"""

from __future__ import annotations

import json
import sys
from datetime import datetime, timedelta, timezone

from typing import TYPE_CHECKING

from sheath.cli.flags import FlagError, FlagSpec, ParsedFlags, parse_flags, parse_go_duration

if TYPE_CHECKING:
    from sheath.audit.records import AuditLog, Records

USAGE = """Usage: sheath [global options] audit <log|verify> [options]

  The audit trail: every operation that changed the state, chained by hashes.

Subcommands:
    log       Print the trail's records, oldest first
    verify    Check that no record was removed, reordered or altered

Options:

  -json           Machine-readable output.
  -no-color       If specified, output won't contain any color.
  -since=WHEN     (log) Only records since WHEN: an RFC 3339 time
                  (2026-12-01T00:00:00Z) or a duration before now (24h, 90m).
  -state=PATH     The local state file whose trail to read (default: the
                  current workspace's trail in the configured backend).
                  Refused when the configured backend is pg or s3.
"""

_FLAGS = [FlagSpec("json"), FlagSpec("since", "string"), FlagSpec("state", "string"), FlagSpec("no-color"), FlagSpec("help"), FlagSpec("h")]


def _since(text: str) -> datetime | None:
    try:
        return datetime.now(timezone.utc) - timedelta(seconds=parse_go_duration(text))
    except ValueError:
        pass
    try:
        t = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return t if t.tzinfo else t.replace(tzinfo=timezone.utc)


def current_records(color: bool) -> "Records | None":
    """The applied versions and audit trail of the current workspace, where the configured
    backend keeps them (beside a local state file, in pg's tables, under s3's prefixes);
    None, with the diagnostics written, when there are none."""
    from sheath.audit.records import backend_records
    from sheath.backend.current import select_backend
    from sheath.config.loader import load_module
    from sheath.diag import Diagnostics
    from sheath.diag.render import render_diagnostic

    module, diags = load_module(".")
    selected = None
    if not diags.has_errors():
        selected, d = select_backend(".", module.backend)
        diags.extend(d)
    if selected is not None:
        records = backend_records(selected.backend, selected.workspace)
        if records is not None:
            return records
        diags = Diagnostics()
        diags.add_error("No audit trail", "This configuration's backend keeps no audit trail.")
    for x in diags:
        sys.stderr.write(render_diagnostic(x, {}, color))
    return None


def state_flag_records(state_path: str, color: bool) -> "Records | None":
    """The records beside the local state file -state names. Refused (None, the diagnostic
    written) when the configured backend is pg or s3, which keep the trail themselves (as the
    state commands refuse flags naming local state files there), and when neither the state
    file nor a trail beside it exists."""
    import os

    from sheath.audit.records import local_records
    from sheath.audit.trail import audit_path_for_state
    from sheath.backend.current import select_backend
    from sheath.backend.local import LocalBackend
    from sheath.config.loader import load_module
    from sheath.diag import Diagnostics
    from sheath.diag.render import render_diagnostic

    diags = Diagnostics()
    module, ld = load_module(".")
    selected = None if ld.has_errors() else select_backend(".", module.backend)[0]
    trail = audit_path_for_state(state_path)
    if selected is not None and not isinstance(selected.backend, LocalBackend):
        kind = selected.config.type if selected.config is not None else "local"
        diags.add_error(
            "Invalid command-line option",
            f'-state names a local state file; the "{kind}" backend keeps the state and its audit trail. '
            "Remove -state to read the current workspace's trail there, or use the local backend.",
        )
    elif not os.path.exists(state_path) and not os.path.exists(trail):
        diags.add_error("No audit trail", f"Neither the state file {state_path} nor an audit trail beside it ({trail}) exists.")
    if diags.has_errors():
        for x in diags:
            sys.stderr.write(render_diagnostic(x, {}, color))
        return None
    return local_records(state_path)


def run(args: list[str]) -> int:
    from sheath.audit.records import RecordsError

    if not args or args[0] not in ("log", "verify"):
        sys.stderr.write(USAGE)
        return 1
    sub = args[0]
    try:
        fl = parse_flags(args[1:], _FLAGS)
    except FlagError as exc:
        sys.stderr.write(f"Error: {exc}\n\n{USAGE}")
        return 1
    if fl.get_bool("help") or fl.get_bool("h"):
        sys.stdout.write(USAGE)
        return 0
    if fl.args:
        sys.stderr.write(f"Error: unexpected argument {fl.args[0]!r}\n\n{USAGE}")
        return 1
    state_path = fl.get_str("state")
    color = not fl.get_bool("no-color")
    records = state_flag_records(state_path, color) if state_path else current_records(color)
    if records is None:
        return 1
    try:
        return _run(sub, fl, records.audit)
    except RecordsError as exc:
        sys.stderr.write(f"Error: {exc}\n")
        return 1


def _run(sub: str, fl: ParsedFlags, trail: "AuditLog") -> int:
    if sub == "verify":
        if fl.get_str("since"):
            sys.stderr.write("Error: -since applies to audit log only\n")
            return 1
        v = trail.verify()
        if fl.get_bool("json"):
            doc = {
                "valid": v.ok,
                "records": v.records,
                "problems": [{"line": p.line, "seq": p.seq, "problem": p.what, "detail": p.detail} for p in v.problems],
            }
            sys.stdout.write(json.dumps(doc, indent=2) + "\n")
        elif v.ok:
            sys.stdout.write(f"The audit trail is intact: {v.records} records.\n")
        else:
            for p in v.problems:
                name = f"record {p.seq}" if p.seq is not None else "a record"
                sys.stdout.write(f"line {p.line}: {name} {p.what}: {p.detail}\n")
            sys.stdout.write(f"\nThe audit trail was tampered with: {len(v.problems)} problem(s) in {v.records} records.\n")
        return 0 if v.ok else 1
    since = None
    if fl.get_str("since"):
        since = _since(fl.get_str("since") or "")
        if since is None:
            sys.stderr.write(f"Error: -since={fl.get_str('since')!r} is neither an RFC 3339 time nor a duration such as 24h\n")
            return 1
    rows = []
    for _n, rec, _raw in trail.records():
        if rec is None:
            continue
        if since is not None:
            try:
                t = datetime.fromisoformat(str(rec.get("time", "")).replace("Z", "+00:00"))
            except ValueError:
                continue
            if t < since:
                continue
        rows.append(rec)
    if fl.get_bool("json"):
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return 0
    for r in rows:
        commit = str(r.get("git_commit") or "")[:12] + ("+dirty" if r.get("git_dirty") else "")
        sys.stdout.write(
            f"{r.get('seq'):>5}  {r.get('time')}  {r.get('who')}  {r.get('operation')}  {r.get('result')}"
            + (f"  {commit}" if commit else "")
            + "\n"
        )
    return 0
