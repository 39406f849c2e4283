"""The unmanaged view's data: what ``sheath unmanaged`` reports (``sheath.audit.unmanaged``)
for the working directory: the AWS resources that exist, in the regions of the
configuration's ``provider "aws"`` blocks (with their credentials and endpoints), that the
state of the selected workspace does not know, and the state's resources that no longer
exist. It lists the account through boto3, so it runs only on request (the page's "Scan"
button), one scan at a time; the latest result is kept in memory.

It reads the state without a lock and writes nothing; it never deletes (``sheath unmanaged
-destroy`` stays a command). The report carries types, ids, names, regions and addresses,
never an attribute value.
"""

from __future__ import annotations

import os
import time
from typing import Any

from sheath.diag import Diagnostics
from sheath.ui.model import diagnostics_json
from sheath.ui.progress import LatestRun, Progress


def _state_entries(root_dir: str, module: Any, diags: Diagnostics) -> tuple[list[Any], list[str]]:
    """The entries of the selected workspace's state (local, pg or s3), read as the ui reads
    the state, and the name of where they came from."""
    from sheath.audit.unmanaged import remote_state_entries, state_entries
    from sheath.cli.backend import local_backend, remote_backend
    from sheath.ui.source import backend_environ

    env = backend_environ(root_dir)
    selected, bd = remote_backend(module, env)
    diags.extend(bd)
    if bd.has_errors():
        return [], []
    if selected is not None:
        names, wd = selected.backend.workspaces()
        diags.extend(wd)
        if selected.workspace not in names:
            return [], [f"workspace {selected.workspace}"]  # no state yet: the ui never creates the workspace
        es, sd = remote_state_entries(selected.backend, selected.workspace)
        diags.extend(sd)
        return es, [f"workspace {selected.workspace}"]
    lb, ld = local_backend(module, env)
    diags.extend(ld)
    if lb is None:
        return [], []
    path = lb.state_path()
    shown = path
    if not os.path.isabs(path):
        path = os.path.join(root_dir, path)
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except FileNotFoundError:
        return [], [shown]
    except OSError as exc:
        diags.add_error("Failed to read state", f"{shown}: {exc.strerror}")
        return [], [shown]
    if not data.strip():
        return [], [shown]
    es, sd = state_entries(data, shown)
    diags.extend(sd)
    return es, [shown]


def unmanaged_document(root_dir: str, progress: Progress | None = None) -> dict[str, Any]:
    """``sheath unmanaged -json``'s report for root_dir (its state, .driftignore, the aws
    provider blocks' regions), with when it was made and the diagnostics."""
    from sheath.audit.aws_inventory import aws_targets, enumerate_resources
    from sheath.audit.unmanaged import IGNORE_FILE, audit, parse_ignore, report_to_json
    from sheath.config.loader import config_files
    from sheath.engine.operations import load

    made = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())

    def failed(d: Diagnostics) -> dict[str, Any]:
        return {"made": made, "error": True, "summary": None, "unmanaged": [], "missing": [], "managed": [], "diagnostics": diagnostics_json(d)}

    def step(line: str) -> None:
        if progress is not None:
            progress.add(line)

    diags = Diagnostics()
    primary, override, _ = config_files(root_dir)
    if not primary and not override:
        diags.add_error("No configuration files", "The scan needs the configuration: its provider blocks and its state.")
        return failed(diags)
    step("Reading the configuration and the state...")
    session, ld = load(root_dir, validate=False)
    diags.extend(ld)
    if session is None:
        return failed(diags)
    try:
        entries, states = _state_entries(root_dir, session.config.module, diags)
        if diags.has_errors():
            return failed(diags)
        rules = []
        ignore = os.path.join(root_dir, IGNORE_FILE)
        if os.path.exists(ignore):
            with open(ignore, encoding="utf-8", errors="replace") as fh:
                rules = parse_ignore(fh.read())
        targets, td = aws_targets(session.config.module, session.variables, session.function_scopes().for_module(()))
        diags.extend(td)
        if td.has_errors():
            return failed(diags)
        step("Listing the AWS account's resources...")
        inventory = enumerate_resources(targets)
        diags.extend(inventory.diagnostics)
    finally:
        if session.schemas is not None:
            session.schemas.close()
    step(f"Listed {len(inventory.resources)} resources in {', '.join(inventory.regions) or 'no region'}.")
    report = audit(inventory.resources, entries, rules, None, inventory.unlisted)
    report.regions = inventory.regions
    report.states = states
    doc = report_to_json(report)
    doc.update({"made": made, "error": False, "ignore_file": IGNORE_FILE if rules else None, "diagnostics": diagnostics_json(diags)})
    return doc


class UnmanagedScans(LatestRun):
    """The "Scan" button: one scan at a time; the latest kept in memory."""

    def make(self) -> dict[str, Any]:
        return unmanaged_document(self.root_dir, self.progress)
