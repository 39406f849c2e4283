"""The drift view's data: what ``sheath drift`` reports, made on request (the page's
"Check drift" button), since it refreshes every managed resource against the real
infrastructure. A refresh-only plan through the library API that never writes the state;
``sheath.audit.drift`` builds the report (sensitive values never carried) and its JSON.
"""

from __future__ import annotations

import os
import time
from typing import Any

from sheath.diag import Diagnostics
from sheath.engine.hooks import Hooks
from sheath.ui.model import diagnostics_json
from sheath.ui.progress import LatestRun, ProgressHooks


def drift_document(root_dir: str, hooks: Hooks | None = None) -> dict[str, Any]:
    """``sheath drift -json``'s document for root_dir, with when it was made, the graph's
    colours (configuration address -> "update" or "delete") and the diagnostics."""
    from sheath.audit.drift import config_address, drift_report, report_to_json
    from sheath.engine.workspace import SheathError, Workspace
    from sheath.policy.evaluate import index_configuration

    made = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    try:
        result = Workspace(root_dir, plan_checks=[], hooks=hooks).plan(refresh_only=True)
    except SheathError as exc:
        return {"made": made, "error": True, "resources": [], "summary": None, "drift": {}, "diagnostics": diagnostics_json(exc.diagnostics)}
    index = index_configuration(root_dir)
    report = drift_report(result.plan, result.session.schema_lookup, index.facts.sources, index.facts.configured)
    doc = report_to_json(report)
    colours: dict[str, str] = {}
    for r in doc["resources"]:
        src = r.get("source")
        if src and os.path.isabs(src["filename"]):
            src["filename"] = os.path.relpath(src["filename"], root_dir)
        addr = config_address(r["address"])
        colours[addr] = "delete" if r["action"] == "delete" or colours.get(addr) == "delete" else "update"
    diags = Diagnostics()
    diags.extend(result.diagnostics)
    doc.update({"made": made, "error": False, "drift": colours, "diagnostics": diagnostics_json(diags)})
    return doc


class DriftChecks(LatestRun):
    """The "Check drift" button: one check at a time; the latest kept in memory."""

    def make(self) -> dict[str, Any]:
        return drift_document(self.root_dir, ProgressHooks(self.progress))
