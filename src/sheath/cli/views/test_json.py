"""terraform test -json: terraform's machine-readable UI messages for a test suite
(test_abstract, test_file, test_run, diagnostic, test_cleanup, test_summary)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TextIO

from sheath.cli.jsonui import JSONView, function_call
from sheath.diag import Diagnostic, Diagnostics, Severity
from sheath.diag.jsonview import diagnostic_json
from sheath.states.statefile import StateFile
from sheath.testing.runner import FileResult, RunResult, Status
from sheath.testing.suite import Suite
from sheath.cli.views.test_human import FileSources


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


class JSONTestView:
    def __init__(self, out: TextIO, verbose: bool = False) -> None:
        self.ui = JSONView(out)
        self.sources = FileSources()
        self.verbose = verbose
        self.provider_schemas: dict[str, dict[str, Any]] = {}  # by configuration directory

    def _provider_schemas(self, result: RunResult) -> dict[str, Any]:
        """The schemas of the providers the run's configuration uses, as providers schema -json shows them."""
        from sheath.cli.commands.providers_schema import config_providers, provider_entry

        key = result.run.module_source
        if key not in self.provider_schemas:
            out: dict[str, Any] = {}
            if result.session is not None:
                for addr in sorted(config_providers(result.session.config), key=str):
                    entry, _ = provider_entry(addr, ".")
                    if entry is not None:
                        out[str(addr)] = entry
            self.provider_schemas[key] = out
        return self.provider_schemas[key]

    def _verbose(self, path: str, result: RunResult) -> None:
        from sheath.plans.jsonplan import change_to_json, output_change_to_json, path_to_json
        from sheath.states.jsonstate import outputs_json, state_values_json
        from sheath.cli.views.test_human import state_schema_lookup

        where = {"@testfile": path, "@testrun": result.run.name}
        session = result.session
        if result.state is not None and session is not None:
            values = state_values_json(result.state.state, state_schema_lookup(session))
            doc: dict[str, Any] = {"state_format_version": "1.0", "root_module": values["root_module"]}
            outputs = outputs_json(result.state.state)
            if outputs:
                doc["outputs"] = outputs
            doc["provider_format_version"] = "1.0"
            doc["provider_schemas"] = self._provider_schemas(result)
            self.ui.emit("info", "-verbose flag enabled, printing state", "test_state", test_state=doc, **where)
        elif result.plan is not None:
            plan = result.plan
            pdoc: dict[str, Any] = {"plan_format_version": "1.2"}
            if plan.output_changes:
                pdoc["output_changes"] = {o.name: output_change_to_json(o) for o in sorted(plan.output_changes, key=lambda o: o.name)}
            if plan.changes:
                pdoc["resource_changes"] = [change_to_json(c) for c in plan.changes]
            if plan.drift:
                pdoc["resource_drift"] = [change_to_json(c) for c in plan.drift]
            if plan.relevant_attributes:
                pdoc["relevant_attributes"] = [{"resource": r, "attribute": path_to_json(p)} for r, p in plan.relevant_attributes]
            pdoc["provider_format_version"] = "1.0"
            pdoc["provider_schemas"] = self._provider_schemas(result)
            self.ui.emit("info", "-verbose flag enabled, printing plan", "test_plan", test_plan=pdoc, **where)

    def abstract(self, suite: Suite) -> None:
        runs = sum(len(f.runs) for f in suite.files)
        self.ui.emit(
            "info",
            f"Found {_plural(len(suite.files), 'file')} and {_plural(runs, 'run block')}",
            "test_abstract",
            test_abstract={f.path: [r.name for r in f.runs] for f in suite.files},
        )

    def diagnostics(self, diags: Iterable[Diagnostic], path: str = "", run: str = "") -> None:
        where: dict[str, Any] = {}
        if path:
            where["@testfile"] = path
        if run:
            where["@testrun"] = run
        for d in diags:
            doc = diagnostic_json(d, self.sources)
            call = function_call(d)
            if call is not None and "snippet" in doc:
                doc["snippet"]["function_call"] = call
            if d.severity is Severity.WARNING:
                self.ui.emit("warn", f"Warning: {d.summary}", "diagnostic", diagnostic=doc, **where)
            else:
                self.ui.emit("error", f"Error: {d.summary}", "diagnostic", diagnostic=doc, **where)

    def file_start(self, path: str) -> None:
        self.ui.emit("info", f"{path}... in progress", "test_file", test_file={"path": path, "progress": "starting"}, **{"@testfile": path})

    def run_start(self, path: str, run: str) -> None:
        self.ui.emit(
            "info",
            f'  "{run}"... in progress',
            "test_run",
            test_run={"path": path, "run": run, "progress": "starting", "elapsed": 0},
            **{"@testfile": path, "@testrun": run},
        )

    def run_done(self, path: str, result: RunResult) -> None:
        run = result.run.name
        self.ui.emit(
            "info",
            f'  "{run}"... {result.status.text}',
            "test_run",
            test_run={"path": path, "run": run, "progress": "complete", "status": result.status.name.lower()},
            **{"@testfile": path, "@testrun": run},
        )
        if self.verbose and result.completed:
            self._verbose(path, result)
        self.diagnostics(result.diagnostics, path, run)

    def teardown(self, path: str) -> None:
        self.ui.emit("info", f"{path}... tearing down", "test_file", test_file={"path": path, "progress": "teardown"}, **{"@testfile": path})

    def state_teardown(self, path: str, run: str) -> None:
        self.ui.emit(
            "info",
            f'  "{run}"... tearing down',
            "test_run",
            test_run={"path": path, "run": run, "progress": "teardown", "elapsed": 0},
            **{"@testfile": path, "@testrun": run},
        )

    def teardown_failed(self, path: str, run: str, state: StateFile, diags: Diagnostics) -> None:
        left: list[dict[str, str]] = []
        for (module, mode, type_, name), sr in sorted(state.state.resources.items()):
            for key in sr.instances:
                base = f"{'data.' if mode == 'data' else ''}{type_}.{name}"
                if key is not None:
                    base += f'["{key}"]' if isinstance(key, str) else f"[{key}]"
                left.append({"instance": f"{module}.{base}" if module else base})
        if left:
            self.ui.emit(
                "error",
                f"Terraform left some resources in state after executing {path}/{run}, they need to be cleaned up manually.",
                "test_cleanup",
                test_cleanup={"failed_resources": left},
                **{"@testfile": path, "@testrun": run},
            )
        self.diagnostics(diags, path, run)

    def file_done(self, result: FileResult) -> None:
        path = result.path
        self.ui.emit(
            "info",
            f"{path}... {result.status.text}",
            "test_file",
            test_file={"path": path, "progress": "complete", "status": result.status.name.lower()},
            **{"@testfile": path},
        )

    def summary(self, files: list[FileResult]) -> None:
        counts = {s: 0 for s in Status}
        status = Status.PASS if not files else Status.PENDING
        for f in files:
            status = max(status, f.status)
            for r in f.runs:
                counts[r.status] += 1
        skipped = f", {counts[Status.SKIP]} skipped." if counts[Status.SKIP] else "."
        if status <= Status.SKIP:
            message = "Executed 0 tests" + skipped
        else:
            word = "Success!" if status == Status.PASS else "Failure!"
            message = f"{word} {counts[Status.PASS]} passed, {counts[Status.FAIL] + counts[Status.ERROR]} failed{skipped}"
        self.ui.emit(
            "info",
            message,
            "test_summary",
            test_summary={
                "status": status.name.lower() if status > Status.PENDING else "pending",
                "passed": counts[Status.PASS],
                "failed": counts[Status.FAIL],
                "errored": counts[Status.ERROR],
                "skipped": counts[Status.SKIP],
            },
        )
