"""terraform test's human output: a line per file and run, the runs' diagnostics (errors
to stderr, warnings to stdout), and the summary."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from typing import Any, TextIO

from sheath.diag.render import strip_ui_newline
from sheath.diag import Diagnostics, Severity
from sheath.diag.render import render_diagnostic, word_wrap
from sheath.diag.consolidate import consolidate_warnings
from sheath.diag.sort import sort_diagnostics
from sheath.states.statefile import StateFile
from sheath.testing.runner import FileResult, RunResult, Status

_COLORS = {Status.PASS: "\x1b[32m", Status.FAIL: "\x1b[31m", Status.ERROR: "\x1b[31m", Status.SKIP: "\x1b[37m", Status.PENDING: "\x1b[37m"}
_RESET = "\x1b[0m"
_GRAY = "\x1b[37m"


def state_schema_lookup(session: Any) -> Any:
    """(provider, mode, type) -> the resource type's schema, from the providers the session loaded."""
    schemas = session.provider_schemas()

    def lookup(provider: str, mode: str, type_: str) -> Any:
        for ps in schemas.loaded():
            s = (ps.data_sources if mode == "data" else ps.resource_types).get(type_)
            if s is not None:
                return s
        return None

    return lookup


class FileSources(Mapping[str, bytes]):
    """The bytes of the files diagnostics point into, read when first asked for."""

    def __init__(self) -> None:
        self.cache: dict[str, bytes] = {}

    def __getitem__(self, name: str) -> bytes:
        if name not in self.cache:
            try:
                with open(name, "rb") as f:
                    self.cache[name] = f.read()
            except OSError:
                raise KeyError(name) from None
        return self.cache[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.cache)

    def __len__(self) -> int:
        return len(self.cache)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and os.path.isfile(name)


class HumanTestView:
    def __init__(self, out: TextIO, err: TextIO, color: bool, verbose: bool = False) -> None:
        self.out = out
        self.err = err
        self.color = color
        self.verbose = verbose
        self.sources = FileSources()

    def _status(self, s: Status) -> str:
        if not self.color:
            return s.text
        return f"{_COLORS[s]}{s.text}{_RESET}{_RESET}"

    def _gray_line(self, path: str, what: str) -> None:
        if self.color:
            self.out.write(f"{path}... {_GRAY}{what}{_RESET}\n{_RESET}")
        else:
            self.out.write(f"{path}... {what}\n")

    def file_start(self, path: str) -> None:
        self._gray_line(path, "in progress")

    def run_start(self, path: str, run: str) -> None:
        pass

    def state_teardown(self, path: str, run: str) -> None:
        pass

    def run_done(self, path: str, result: RunResult) -> None:
        self.out.write(f'  run "{result.run.name}"... {self._status(result.status)}\n')
        if self.verbose and result.completed:
            self._verbose(result)
        self.diagnostics(result.diagnostics)
        self.out.flush()

    def _verbose(self, result: RunResult) -> None:
        """The plan (a plan run) or the state (an apply run) the run made, as terraform's -verbose shows it."""
        from sheath.plans.render import render_plan
        from sheath.plans.staterender import render_human_state

        session = result.session
        lookup = session.schema_lookup if session is not None else None
        if result.state is not None and session is not None:
            self.out.write("\n" + render_human_state(result.state.state, state_schema_lookup(session), self.color) + "\n")
        elif result.plan is not None:
            self.out.write(render_plan(result.plan, color=self.color, schemas=lookup) + "\n")

    def diagnostics(self, diags: Diagnostics, loading: bool = False) -> None:
        """loading: the test files' and configuration's own diagnostics, before any run."""
        # terraform's test view shows them through View.Diagnostics: sorted, warnings consolidated
        for d in consolidate_warnings(sort_diagnostics(diags)):
            text = strip_ui_newline(render_diagnostic(d, self.sources, self.color), self.color)
            if d.severity is Severity.ERROR:
                self.err.write(text)
                self.err.flush()
            else:  # terraform's test view ends a run's warning with a blank line, not a loading one
                self.out.write(text if loading else text + "\n")

    def teardown(self, path: str) -> None:
        self._gray_line(path, "tearing down")

    def teardown_failed(self, path: str, run: str, state: StateFile, diags: Diagnostics) -> None:
        where = f"{path}/{run}" if run else path
        if diags.has_errors():
            self.err.write(
                word_wrap(f"Terraform encountered an error destroying resources created while executing {where}.", 78) + "\n"
            )
        self.diagnostics(diags)
        left: list[str] = []
        for (module, mode, type_, name), sr in sorted(state.state.resources.items()):
            for key in sr.instances:
                base = f"{'data.' if mode == 'data' else ''}{type_}.{name}"
                if key is not None:
                    base += f'["{key}"]' if isinstance(key, str) else f"[{key}]"
                left.append(f"{module}.{base}" if module else base)
        if left:
            text = f"Terraform left the following resources in state after executing {where}, and they need to be cleaned up manually:"
            self.err.write("\n" + word_wrap(text, 78) + "\n" + "".join(f"  - {a}\n" for a in left))

    def file_done(self, result: FileResult) -> None:
        self.out.write(f"{result.path}... {self._status(result.status)}\n")
        self.out.flush()

    def summary(self, files: list[FileResult]) -> None:
        counts = {s: 0 for s in Status}
        status = Status.PASS if not files else Status.PENDING
        for f in files:
            status = max(status, f.status)
            for r in f.runs:
                counts[r.status] += 1
        self.out.write("\n")
        skipped = f", {counts[Status.SKIP]} skipped.\n" if counts[Status.SKIP] else ".\n"
        if status <= Status.SKIP:
            self.out.write("Executed 0 tests" + skipped)
            return
        if status == Status.PASS:
            word = f"\x1b[32mSuccess!{_RESET}{_RESET}" if self.color else "Success!"
        else:
            word = f"\x1b[31mFailure!{_RESET}{_RESET}" if self.color else "Failure!"
        self.out.write(f"{word} {counts[Status.PASS]} passed, {counts[Status.FAIL] + counts[Status.ERROR]} failed{skipped}")
