"""The test runner (terraform's moduletest): every test file, its run blocks in order,
each planned or applied against the in-memory state of its module, then the file's
teardown (every state it made destroyed, the last-made first).

A run's status: pass; fail (an assertion failed: the file goes on); error (anything
else went wrong: the file's remaining runs are skipped); skip. The runner reports
through a ``TestView``; it decides nothing about how things are shown.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from datetime import datetime, timezone
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any, Protocol

from sheath.config.testfile import expect_failures_references
from sheath.config.variables import InputValue, ValueSourceType
from sheath.diag import Diagnostic, Diagnostics, Range, Severity
from sheath.engine.hooks import NoHooks
from sheath.engine.operations import PlanOptions, Session, apply_plan, load, make_plan
from sheath.gounicode import go_trim_space
from sheath.lang.eval.context import EvalContext
from sheath.lang.eval.scope import object_of
from sheath.plans.model import Plan, UIMode
from sheath.states.statefile import StateFile
from sheath.testing.model import APPLY, PLAN, RunBlock, TestFileSpec
from sheath.testing.runrefs import file_variable_problems, run_variable_problems
from sheath.testing.scope import RunValues, assertion_context, check_references, evaluate_in, state_resources, testing_functions
from sheath.types.cty import BOOL, STRING, Value


class Status(IntEnum):
    """Ordered as terraform merges them: the worse status wins."""

    PENDING = 0
    SKIP = 1
    PASS = 2
    FAIL = 3
    ERROR = 4

    @property
    def text(self) -> str:
        """As terraform shows it: an errored run or file "fail"s."""
        return "fail" if self is Status.ERROR else self.name.lower()


@dataclass
class RunResult:
    run: RunBlock
    status: Status = Status.PENDING
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    plan: Plan | None = None
    session: Session | None = None
    state: StateFile | None = None
    started: datetime | None = None  # when the run started (None: skipped)
    seconds: float = 0.0  # how long it took
    # the plan or apply succeeded (its plan or state is what -verbose shows, whatever the assertions say)
    completed: bool = False
    assertions: int = 0  # how many assert blocks were checked, and how many failed
    failed_assertions: int = 0


@dataclass
class FileResult:
    path: str
    status: Status = Status.PENDING
    runs: list[RunResult] = field(default_factory=list)
    diagnostics: Diagnostics = field(default_factory=Diagnostics)


class TestView(Protocol):
    def file_start(self, path: str) -> None: ...

    def run_start(self, path: str, run: str) -> None: ...

    def state_teardown(self, path: str, run: str) -> None:
        """The state the run (the last to apply it) left is about to be destroyed."""

    def run_done(self, path: str, result: RunResult) -> None: ...

    def teardown(self, path: str) -> None: ...

    def teardown_failed(self, path: str, run: str, state: StateFile, diags: Diagnostics) -> None:
        """A state's destroy failed (diags) or left objects; run: the last run that applied it."""

    def file_done(self, result: FileResult) -> None: ...


class MemoryStateManager:
    """The state manager apply writes through: the state is kept in memory only."""

    class _Journal:
        def set_object(self, *args: Any) -> None:
            pass

        def remove_object(self, *args: Any) -> None:
            pass

        def intend(self, intent: Any) -> None:
            pass

        def settle(self, intent: Any) -> None:
            pass

    def __init__(self, sf: StateFile) -> None:
        self.sf = sf
        self.journal = MemoryStateManager._Journal()

    def state_file(self) -> StateFile:
        return self.sf

    def write_state(self, sf: StateFile) -> None:
        self.sf = sf

    def begin_journal(self) -> Diagnostics:
        return Diagnostics()

    def persist_state(self) -> Diagnostics:
        return Diagnostics()


@dataclass
class ModuleState:
    """One module's state within a test file (terraform keeps one per module under test)."""

    source: str
    state: StateFile
    session: Session | None = None  # the last run's session (its variables destroy the state)
    run: str = ""  # the last run that applied it


@dataclass
class TestOptions:
    var_args: Sequence[tuple[str, str]] = ()
    verbose: bool = False


_CHECK_SUMMARIES = {
    "Invalid value for variable",
    "Resource precondition failed",
    "Resource postcondition failed",
    "Module output value precondition failed",
    "Check block assertion failed",
    "Output precondition failed",
}

_UNKNOWN_CONDITION = (
    "Condition expression could not be evaluated at this time. This means you have executed a `run` block with "
    "`command = plan` and one of the values your condition depended on is not known until after the plan has been "
    "applied. Either remove this value from your condition, or execute an `apply` command from this `run` block. "
    "Alternatively, if there is an override for this value, you can make it available during the plan phase by "
    "setting `override_during = plan` in the `override_` block."
)

_EXPECTED_IN_PLAN = (
    "A custom condition within {addr} failed during the planning stage and prevented the requested apply operation. "
    "While this was an expected failure, the apply operation could not be executed and so the overall test case will "
    "be marked as a failure and the original diagnostic included in the test report."
)


class _FileVariables:
    """A test file's variables: the file's own (whose var.* are the global values: the
    command line's and the variables files'), evaluated on demand, and a run's (whose
    var.* are the file's values, else the global ones)."""

    def __init__(self, attrs: dict[str, Any], base: dict[str, Value], prior_runs: dict[str, Value]) -> None:
        self.attrs = attrs
        self.base = base
        self.prior_runs = prior_runs
        self.values: dict[str, Value] = {}
        self.failed: set[str] = set()

    def _context(self, names: dict[str, Value]) -> EvalContext:
        # terraform's hcltest.EvalContext: the built-in functions (lang.TestingFunctions), no
        # provider-defined ones
        return EvalContext({"var": object_of(names), "run": object_of(dict(self.prior_runs))}, testing_functions())

    def value(self, name: str, diags: Diagnostics) -> Value | None:
        """The file's value of name (None when it failed: its problems are reported once)."""
        if name in self.values:
            return self.values[name]
        if name in self.failed:
            return None
        expr = self.attrs[name].expr
        d = file_variable_problems(expr, set(self.base))
        if not d.has_errors():
            v, d = evaluate_in(expr, self._context(self.base))
        diags.extend(d)
        if d.has_errors():
            self.failed.add(name)
            return None
        self.values[name] = v
        return v

    def run_value(self, expr: Any, run_names: Sequence[str], diags: Diagnostics) -> Value | None:
        """A run's value: var.* are the file's values, else the global ones; its references
        are checked first, as terraform's do, and it is evaluated only when they are sound."""
        available: set[str] = set()
        file_failed = False
        for t in expr.variables():
            if t.root_name == "var" and len(t.steps) > 1:
                dep = str(getattr(t.steps[1], "name", ""))
                if dep in self.attrs:
                    # a file variable that failed is still available (terraform's is unknown then)
                    available.add(dep)
                    file_failed = self.value(dep, diags) is None or file_failed
                elif dep in self.base:
                    available.add(dep)
        d = run_variable_problems(expr, available, run_names, self.prior_runs)
        diags.extend(d)
        if d.has_errors() or file_failed:
            return None
        v, d = evaluate_in(expr, self._context({**self.base, **self.values}))
        diags.extend(d)
        return None if d.has_errors() else v


class FileRunner:
    """Runs one test file."""

    def __init__(self, spec: TestFileSpec, opts: TestOptions, view: TestView) -> None:
        self.spec = spec
        self.opts = opts
        self.view = view
        self.states: dict[str, ModuleState] = {}
        self.prior_runs: dict[str, Value] = {}
        self.result = FileResult(spec.path)
        # the test file's values for variables the module under test does not declare (assertions see them)
        self.undeclared: dict[str, Value] = {}

    def run(self) -> FileResult:
        self.view.file_start(self.spec.path)
        for rb in self.spec.runs:
            rr = RunResult(rb)
            if self.result.status == Status.ERROR:
                rr.status = Status.SKIP
            else:
                self.view.run_start(self.spec.path, rb.name)
                rr.started = datetime.now(timezone.utc)
                t0 = time.monotonic()
                self._execute(rr)
                rr.seconds = time.monotonic() - t0
            self.result.runs.append(rr)
            self.result.status = max(self.result.status, rr.status)
            self.view.run_done(self.spec.path, rr)
            if rr.session is not None and all(rr.session is not ms.session for ms in self.states.values()):
                _close(rr.session)  # the provider plugins it started; a state's last session is kept to destroy it
        self.view.teardown(self.spec.path)
        for ms in reversed(list(self.states.values())):
            self._destroy(ms)
            if ms.session is not None:
                _close(ms.session)
        if self.result.status == Status.PENDING:
            self.result.status = Status.PASS
        self.view.file_done(self.result)
        return self.result

    # --- one run ------------------------------------------------------------------
    def _execute(self, rr: RunResult) -> None:
        rb = rr.run
        diags = rr.diagnostics
        # terraform's run.Validate before anything runs: expect_failures names checkable objects
        diags.extend(expect_failures_references(rb.expect_failures_traversals))
        if diags.has_errors():
            rr.status = Status.ERROR
            return
        ms = self.states.get(rb.module_source)
        if ms is None:
            ms = ModuleState(rb.module_source, StateFile.new())
        session, var_ranges = self._session(rb, diags)
        if session is None:
            rr.status = Status.ERROR
            return
        rr.session = session
        po = rb.plan_options
        refresh = True
        if po.refresh is not None:
            v, d = evaluate_in(po.refresh, EvalContext({}, None))
            diags.extend(d)
            refresh = bool(v.v) if not d.has_errors() and v.is_known and not v.is_null else True
        mode = UIMode.REFRESH_ONLY if po.mode == "refresh-only" else UIMode.NORMAL
        plan, pd = make_plan(
            session,
            ms.state,
            PlanOptions(
                mode=mode,
                refresh=refresh,
                replace=po.replace,
                targets=po.target,
                hooks=NoHooks(),
                for_apply=rb.command == APPLY,
            ),
        )
        pd = self._with_test_ranges(pd, var_ranges, session.config.module, session.variables)
        original = Diagnostics(pd)
        failed = self._expected(rb, pd, session.config.module)
        rr.plan = plan
        if plan is None or pd.has_errors():
            diags.extend(pd)
            if rb.command == PLAN:
                diags.extend(self._missing(rb, failed))
            rr.status = Status.ERROR
            return
        if rb.command == APPLY and failed:
            where = {e.address: e.range for e in rb.expect_failures}
            for addr in failed:
                # terraform points at the expectation, but for a variable's
                rng = None if addr.startswith("var.") else where.get(addr)
                diags.add_warning("Expected failure while planning", _EXPECTED_IN_PLAN.format(addr=addr), rng)
            diags.extend(original)
            rr.status = Status.ERROR
            return
        if rb.command == PLAN:
            diags.extend(pd)
            diags.extend(self._missing(rb, failed))
            if diags.has_errors():
                rr.status = Status.ERROR
                return
            values = self._plan_values(session, plan)
            self._finish(rr, session, values, assert_now=not failed)
            return
        diags.extend(pd)
        if mode == UIMode.REFRESH_ONLY and not plan.drift and not ms.state.state.resources:
            diags.add_error(
                "Cannot apply non-applyable plan",
                "The given plan is not applyable. If this seems like a bug in Terraform, then please report it!",
            )
            rr.status = Status.ERROR
            return
        self.states.setdefault(rb.module_source, ms)
        mgr = MemoryStateManager(ms.state)
        outputs, ad = apply_plan(session, plan, mgr, hooks=NoHooks())
        ms.state = mgr.state_file()
        if ms.session is not None and ms.session is not session:
            _close(ms.session)
        ms.session = session
        ms.run = rb.name
        rr.state = ms.state
        ad = self._with_test_ranges(ad, var_ranges, session.config.module, session.variables)
        failed = self._expected(rb, ad, session.config.module)
        diags.extend(ad)
        diags.extend(self._missing(rb, failed))
        if diags.has_errors():
            rr.status = Status.ERROR
            return
        values = RunValues(
            variables=dict(session.variables),
            outputs={k: v for k, (v, _) in outputs.items()},
            resources=state_resources(ms.state.state, session.schema_lookup),
        )
        self._finish(rr, session, values, assert_now=True)

    def _finish(self, rr: RunResult, session: Session, values: RunValues, assert_now: bool) -> None:
        rr.completed = True
        module = session.config.module
        values.variables = {**self.undeclared, **values.variables}
        # terraform's moduletest.EvalContext: the run's module scope with its external
        # (provider-defined) functions
        ctx = assertion_context(values, session.config, session.function_scopes(), self.prior_runs)
        status = Status.PASS
        if assert_now:
            for a in rr.run.assertions:
                st = self._assert(a, ctx, module, rr.diagnostics)
                rr.assertions += 1
                rr.failed_assertions += st == Status.FAIL
                status = max(status, st)
        rr.status = status
        self.prior_runs[rr.run.name] = object_of(values.outputs)

    def _assert(self, a: Any, ctx: EvalContext, module: Any, diags: Diagnostics) -> Status:
        from sheath.lang.eval.valops import ConversionError, convert

        d = check_references(a.condition, module, set(self.undeclared), [r.name for r in self.spec.runs], self.prior_runs)
        if not d.has_errors():
            v, d = evaluate_in(a.condition, ctx)
            if d.has_errors():
                # hcl's diagnostics carry their expression and context: terraform shows the values
                from sheath.lang.eval.diagvalues import annotate

                annotate(list(d))
        if d.has_errors():
            diags.extend(d)
            return Status.ERROR
        plain, _ = v.unmark_deep()
        if not plain.is_known:
            diags.append(_with_values(Diagnostic(Severity.ERROR, "Unknown condition value", _UNKNOWN_CONDITION, a.condition.range), a.condition, ctx))
            return Status.ERROR
        if plain.is_null:
            diags.add_error(
                "Invalid condition result", "Condition expression must return either true or false, not null.", a.condition.range
            )
            return Status.ERROR
        try:
            ok = convert(plain, BOOL).v is True
        except ConversionError as exc:
            diags.add_error("Invalid condition result", f"Invalid condition result value: {exc.message}.", a.condition.range)
            return Status.ERROR
        if ok:
            return Status.PASS
        mv, md = evaluate_in(a.error_message, ctx)
        if md.has_errors():
            diags.extend(md)
            return Status.ERROR
        text = ""
        mplain, _ = mv.unmark_deep()
        if mplain.is_known and not mplain.is_null:
            try:
                # terraform's lang.EvalCheckErrorMessage trims the message's surrounding space
                text = go_trim_space(str(convert(mplain, STRING).v))
            except ConversionError:
                text = ""
        diags.append(_with_values(Diagnostic(Severity.ERROR, "Test assertion failed", text, a.condition.range), a.condition, ctx))
        return Status.FAIL

    # --- the module under test and its variables --------------------------------------
    def _session(self, rb: RunBlock, diags: Diagnostics) -> tuple[Session | None, dict[str, Range]]:
        """A session of the run's module with its variables: the command line's and the
        files', overridden by the test file's, overridden by the run's."""
        given: dict[str, InputValue] = {}
        ranges: dict[str, Range] = {}
        config_dir = None
        if rb.module_source:
            config_dir = installed_module_dir(self.spec.path, rb.name)
            if config_dir is None:
                diags.extend(module_not_installed(rb))
                return None, ranges
        from sheath.config import load_module_tree

        cfg, cd = load_module_tree(config_dir or ".")
        if cd.has_errors():
            diags.extend(cd)
            return None, ranges
        declared = cfg.module.variables
        # the command line's and the files' values of the variables the module declares (the
        # others are ignored, as terraform's tests ignore them)
        from sheath.config.variables import collect_variable_values

        cli, cd = collect_variable_values(cfg.module, ".", self.opts.var_args)
        cd = Diagnostics(d for d in cd if d.summary != "Value for undeclared variable")
        diags.extend(cd)
        if cd.has_errors():
            return None, ranges
        # the test file's values (their var.* are the file's own values, else the command
        # line's), then the run's (whose var.* are the file's)
        resolver = _FileVariables(self.spec.variables, {k: v.value for k, v in cli.items()}, self.prior_runs)
        # terraform's relevant variables: the module's, and those the run's assertions refer to
        relevant = set(declared) | _assertion_variables(rb)
        # every variable of the run is evaluated (and its problems reported) before any failure ends the run
        run_names = [r.name for r in self.spec.runs]
        failed = False
        for name, attr in self.spec.variables.items():
            if name in rb.variables or name not in relevant:
                continue  # the run's value replaces it; one nothing uses is never evaluated
            v = resolver.value(name, diags)
            if v is None:
                failed = True
                continue
            given[name] = InputValue(v, ValueSourceType.CALLER, attr.expr.range)
            ranges[name] = attr.expr.range
        for name, attr in rb.variables.items():
            v = resolver.run_value(attr.expr, run_names, diags)
            if v is None:
                failed = True
                continue
            given[name] = InputValue(v, ValueSourceType.CALLER, attr.expr.range)
            ranges[name] = attr.expr.range
        for name, attr in rb.variables.items():
            if name not in relevant:
                diags.add_warning(
                    "Value for undeclared variable",
                    f'The module under test does not declare a variable named "{name}", but it is declared in run '
                    f'block "{rb.name}".',
                    attr.expr.range,
                )
        if failed:
            return None, ranges
        given = {**{k: v for k, v in cli.items() if k in declared}, **given}
        inputs = {k: v for k, v in given.items() if k in declared}
        self.undeclared = {k: v.value for k, v in given.items() if k not in declared}
        session, ld = load(".", inputs=inputs, config_dir=config_dir)
        overrides = rb.data_overrides + self.spec.data_overrides  # the run's first
        if session is not None and (self.spec.mock_providers or overrides):
            from sheath.engine.providers import ProviderSchemas
            from sheath.testing.mocks import mocking_factory

            _close(session)
            session.factory = mocking_factory(session.config.module, session.factory, self.spec.mock_providers, overrides)
            session.schemas = ProviderSchemas(session.factory)
        ld = Diagnostics(d for d in ld if d.summary != "Value for undeclared variable")
        for d in ld:
            if d.summary == "No value for required variable" and d.subject is not None:
                name = _variable_at(d.subject, cfg.module)
                if name:
                    d.detail = (
                        f'The module under test for run block "{rb.name}" has a required variable "{name}" with no set '
                        "value. Use a -var or -var-file command line argument or add this variable into a "
                        '"variables" block within the test file or run block.'
                    )
        diags.extend(self._with_test_ranges(ld, ranges, cfg.module))
        return session, {k: r for k, r in ranges.items() if k in declared}

    def _with_test_ranges(
        self, diags: Diagnostics, ranges: dict[str, Range], module: Any, values: dict[str, Value] | None = None
    ) -> Diagnostics:
        """A variable's validation failure names its variable (for expect_failures) and
        points at the test file's value, as terraform's does."""
        for d in diags:
            if d.summary == "Invalid value for variable" and d.subject is not None:
                name = _variable_at(d.subject, module)
                values = values or {}
                if name:
                    d.extra["test_checkable"] = f"var.{name}"
                if name in ranges:
                    d.subject = ranges[name]
                    d.context = None
                value = values.get(name)
                if value is not None and not d.expression_values:
                    from sheath.lang.eval.diagvalues import compact_value_str

                    d.expression_values = [(f"var.{name}", "is " + compact_value_str(value))]
        return diags

    # --- expected failures ------------------------------------------------------------
    def _expected(self, rb: RunBlock, diags: Diagnostics, module: Any) -> list[str]:
        """The expected failures that happened; their diagnostics are taken out of diags.
        Check block failures that were not expected become errors, as terraform's tests make them."""
        failed: list[str] = []
        expected = {e.address for e in rb.expect_failures}
        keep = Diagnostics()
        for d in diags:
            addr = d.extra.get("test_checkable")
            if not isinstance(addr, str):
                addr = self._checkable_of(d, rb, module)
            if addr is not None and addr in expected:
                if addr not in failed:
                    failed.append(addr)
                continue
            if d.summary == "Check block assertion failed" and d.severity is Severity.WARNING:
                d.severity = Severity.ERROR
            keep.append(d)
        diags[:] = keep
        return failed

    @staticmethod
    def _checkable_of(d: Diagnostic, rb: RunBlock, module: Any) -> str | None:
        """The checkable object a condition failure is about (by the rule's source range)."""
        if d.summary not in _CHECK_SUMMARIES or d.subject is None:
            return None
        for e in rb.expect_failures:
            if _rule_ranges_contain(e.address, d.subject, module):
                return e.address
        return None

    @staticmethod
    def _missing(rb: RunBlock, failed: list[str]) -> Diagnostics:
        diags = Diagnostics()
        for e in rb.expect_failures:
            if e.address not in failed:
                diags.add_error(
                    "Missing expected failure",
                    f"The checkable object, {e.address}, was expected to report an error but did not.",
                    e.range,
                )
        return diags

    # --- values -------------------------------------------------------------------------
    @staticmethod
    def _plan_values(session: Session, plan: Plan) -> RunValues:
        resources = state_resources(plan.prior_state.state, session.schema_lookup) if plan.prior_state else {}
        for c in plan.changes:
            if c.deposed:
                continue
            key = (c.mode, c.type, c.name)
            insts = resources.setdefault(c.module_address, {}).setdefault(key, {})
            if c.after.is_null:
                insts.pop(c.index, None)
            else:
                insts[c.index] = c.after
        outputs = {o.name: o.after for o in plan.output_changes if not o.after.is_null}
        return RunValues(variables=dict(session.variables), outputs=outputs, resources=resources)

    # --- teardown ---------------------------------------------------------------------
    def _destroy(self, ms: ModuleState) -> None:
        if ms.session is None or not ms.state.state.resources:
            return
        self.view.state_teardown(self.spec.path, ms.run)
        diags = Diagnostics()
        plan, pd = make_plan(ms.session, ms.state, PlanOptions(mode=UIMode.DESTROY, hooks=NoHooks()))
        diags.extend(pd)
        if plan is not None and not pd.has_errors():
            mgr = MemoryStateManager(ms.state)
            _, ad = apply_plan(ms.session, plan, mgr, hooks=NoHooks())
            ms.state = mgr.state_file()
            diags.extend(ad)
        if diags.has_errors() or any(sr.instances for sr in ms.state.state.resources.values()):
            self.result.status = max(self.result.status, Status.ERROR)
            self.view.teardown_failed(self.spec.path, ms.run, ms.state, diags)


def _close(session: Session) -> None:
    """Stop the provider plugins the session started (validation and planning keep them)."""
    if session.schemas is not None:
        session.schemas.close()


def _assertion_variables(rb: RunBlock) -> set[str]:
    """The input variables a run's assertions (conditions and error messages) refer to."""
    names: set[str] = set()
    for a in rb.assertions:
        for expr in (a.condition, a.error_message):
            for t in expr.variables():
                if t.root_name == "var" and len(t.steps) > 1:
                    name = getattr(t.steps[1], "name", None)
                    if isinstance(name, str):
                        names.add(name)
    return names


def _with_values(d: Diagnostic, expr: Any, ctx: EvalContext) -> Diagnostic:
    """d showing the values its expression refers to, as terraform's condition diagnostics do."""
    from sheath.lang.eval.diagvalues import annotate

    d.extra["expr"] = expr
    d.extra["ctx"] = ctx
    annotate([d])
    return d


def module_not_installed(rb: RunBlock) -> Diagnostics:
    diags = Diagnostics()
    diags.add_error(
        "Module not installed",
        'This module is not yet installed. Run "terraform init" to install all modules required by this configuration.',
        rb.module_range,
    )
    return diags


def installed_module_dir(test_file: str, run: str) -> str | None:
    """Where init installed the module a run block calls (None: not installed)."""
    import json

    from sheath.config.loader import MODULES_MANIFEST
    from sheath.engine.getmodules import test_module_key

    try:
        with open(MODULES_MANIFEST, "rb") as f:
            doc = json.load(f)
    except (OSError, ValueError):
        return None
    key = test_module_key(test_file, run)
    for m in doc.get("Modules") or []:
        if isinstance(m, dict) and m.get("Key") == key and isinstance(m.get("Dir"), str):
            return os.path.normpath(str(m["Dir"]))
    return None


def _variable_at(subject: Range, module: Any) -> str:
    for name, var in module.variables.items():
        if _same(var.decl_range, subject):
            return str(name)
    return ""


def _rule_ranges_contain(addr: str, subject: Range, module: Any) -> bool:
    """Whether subject is one of the conditions of the checkable object at addr."""
    rules: list[Any] = []
    if addr.startswith("output."):
        o = module.outputs.get(addr[len("output.") :])
        rules = list(o.preconditions) if o is not None else []
    elif addr.startswith("check."):
        c = module.checks.get(addr[len("check.") :])
        rules = list(getattr(c, "asserts", [])) if c is not None else []
    else:
        r = module.resource_by_key(addr.split("[")[0])
        rules = list(r.preconditions) + list(r.postconditions) if r is not None else []
    return any(_same(getattr(rule.condition, "range", None), subject) for rule in rules)


def _same(a: Range | None, b: Range) -> bool:
    return a is not None and a.filename == b.filename and a.start.byte == b.start.byte and a.end.byte == b.end.byte
