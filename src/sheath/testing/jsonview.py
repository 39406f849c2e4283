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
from sheath.testing.views import FileSources


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


class JSONTestView:
    def __init__(self, out: TextIO) -> None:
        self.ui = JSONView(out)
        self.sources = FileSources()

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
