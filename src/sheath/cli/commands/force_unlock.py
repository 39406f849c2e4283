"""sheath force-unlock [-force] LOCK_ID: remove a lock left on the current workspace's state
(by a killed process, say), as terraform's force-unlock does. Local state files cannot be
unlocked by another process (their lock goes with the process that holds it); the
attempt is recorded, as refused, in the audit trail beside the state file. A remote
unlock (pg, s3) is recorded, done or refused, in the trail the backend keeps."""

from __future__ import annotations

import os
import sys
from typing import Any

from sheath.cli.flags import FlagError, FlagSpec, parse_flags

USAGE = """Usage: sheath [global options] force-unlock LOCK_ID

  Manually unlock the state for the defined configuration.

  This will not modify your infrastructure. This command removes the lock on the
  state for the current workspace. The behavior of this lock is dependent
  on the backend being used. Local state files cannot be unlocked by another
  process.

Options:

  -force                 Don't ask for input for unlock confirmation."""

SUCCESS = (
    "Terraform state has been successfully unlocked!",
    "The state has been unlocked, and Terraform commands should now be able to\nobtain a new lock on the remote state.",
)


def _error(text: str, color: bool) -> None:
    sys.stderr.write(f"\x1b[31m{text}\x1b[0m\x1b[0m\n" if color else f"{text}\n")


def _audit(selected: Any, lock_id: str, errors: list[str]) -> None:
    """A remote force-unlock in the workspace's audit trail, kept in its backend; a
    warning on stderr when it could not be written (the unlock is done or refused)."""
    from sheath.audit.records import RecordsError, backend_records

    records = backend_records(selected.backend, selected.workspace)
    if records is None:
        return
    details: dict[str, Any] = {"workspace": selected.workspace, "lock_id": lock_id}
    if errors:
        details["errors"] = errors
    try:
        records.audit.append("force-unlock", "failure" if errors else "success", details=details)
    except RecordsError as exc:
        sys.stderr.write(f"Warning: the force-unlock was not recorded in the audit trail: {exc}\n")


def run(args: list[str]) -> int:
    color = "-no-color" not in args
    args = [a for a in args if a != "-no-color"]
    if any(a in ("-h", "-help", "--help") for a in args):
        sys.stderr.write(USAGE + "\n")
        return 1
    try:
        fl = parse_flags(args, [FlagSpec("force")])
    except FlagError as exc:
        _error(f"Error parsing command-line flags: {exc}\n", color)
        return 1
    if len(fl.args) != 1:
        sys.stdout.write(USAGE + "\n")
        _error("Expected a single argument: LOCK_ID", color)
        return 1
    lock_id = fl.args[0]
    from sheath.backend.current import select_backend
    from sheath.backend.local import LocalBackend
    from sheath.config.loader import load_module
    from sheath.diag.render import render_diagnostic

    module, diags = load_module(".")
    selected = None
    if not diags.has_errors():
        selected, d = select_backend(".", module.backend)
        diags.extend(d)
    if selected is None:
        for x in diags:
            sys.stderr.write(render_diagnostic(x, {}, color))
        return 1
    if isinstance(selected.backend, LocalBackend):
        from sheath.audit.records import RecordsError
        from sheath.audit.trail import record_state_change

        message = "Failed to unlock state: LocalState not locked" if fl.get_bool("force") else "Local state cannot be unlocked by another process"
        # the attempt is audited, refused as it is: a local state's lock goes with its process
        state_path = selected.backend.state_path(selected.workspace)
        if not os.path.isdir(os.path.dirname(state_path) or "."):
            # a workspace that does not exist: writing its trail would create it
            state_path = selected.backend.path
        try:
            record_state_change(state_path, "force-unlock", [message], {"workspace": selected.workspace, "lock_id": lock_id})
        except (RecordsError, OSError) as exc:
            sys.stderr.write(f"Warning: the force-unlock was not recorded in the audit trail: {exc}\n")
        _error(message, color)
        return 1
    mgr, d = selected.backend.state_mgr(selected.workspace)
    if mgr is None:
        for x in d:
            sys.stderr.write(render_diagnostic(x, {}, color))
        return 1
    if not fl.get_bool("force"):
        prompt = (
            "Do you really want to force-unlock?\n"
            "  Terraform will remove the lock on the remote state.\n"
            "  This will allow local Terraform commands to modify this state, even though it\n"
            "  may still be in use. Only 'yes' will be accepted to confirm.\n\n"
            "  Enter a value: "
        )
        sys.stdout.write(prompt)
        sys.stdout.flush()
        if sys.stdin.readline().strip() != "yes":
            sys.stdout.write("\nforce-unlock cancelled.\n")
            return 1
        sys.stdout.write("\n")
    force_unlock = getattr(mgr, "force_unlock", None)
    ud = force_unlock(lock_id) if force_unlock is not None else mgr.unlock(lock_id)
    if ud.has_errors():
        first = list(ud)[0]
        _audit(selected, lock_id, [f"Failed to unlock state: {first.detail or first.summary}"])
        _error(f"Failed to unlock state: {first.detail or first.summary}", color)
        return 1
    _audit(selected, lock_id, [])
    head, body = SUCCESS
    if color:
        sys.stdout.write(f"\x1b[0m\x1b[1m\x1b[32m{head}\x1b[0m\x1b[32m\n\n{body}\x1b[0m\n")
    else:
        sys.stdout.write(f"{head}\n\n{body}\n")
    return 0
