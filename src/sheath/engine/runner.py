"""The operation runner (OpenTofu's backend/local operations): the one flow of plan,
apply, destroy and refresh, whoever asks for them — a CLI command with its human or JSON
view, or the Python API (``sheath.engine.workspace``):

    load → lock → refresh → plan → plan checks → confirm → apply → persist → record → unlock

The caller gives an ``Operation`` (what to do: the request's options, how to open its
state, the plan checks) and an ``OperationView`` (how to tell it); the runner does the
rest and returns an ``OperationResult``. The view decides only how things are shown,
never what happens: the human and the JSON view of one operation run the same steps.

Plan checks are functions of a plan (``sheath.policy.plancheck.PlanCheck``); any error
in their results refuses the apply before anything changes. Every apply is recorded as
an applied version and in the audit trail, next to the state in its backend
(``sheath.audit.records``); backends also keep a state history with each write.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Protocol

from sheath.addrs.resource import AbsResourceInstance
from sheath.config.source import ModuleSource, SnapshotModuleSource
from sheath.config.variables import InputValue
from sheath.diag import Diagnostic, Diagnostics, warning
from sheath.engine.hooks import Hooks
from sheath.engine.operations import (
    PlanOptions,
    Session,
    apply_plan,
    load,
    make_plan,
    output_value,
    plan_changes_state,
    targeted_apply_warning,
)
from sheath.plans.model import Action, Plan, UIMode
from sheath.policy.plancheck import CheckResult, PlanCheck, plan_hash
from sheath.providers.registry import ProviderRegistry
from sheath.states.statefile import StateFile
from sheath.types.cty import Value


class OperationType(Enum):
    PLAN = "plan"
    APPLY = "apply"
    REFRESH = "refresh"


# What the state lock says the run is, as terraform's lock info does.
LOCK_OPERATION = {
    OperationType.PLAN: "OperationTypePlan",
    OperationType.APPLY: "OperationTypeApply",
    OperationType.REFRESH: "OperationTypeRefresh",
}


@dataclass
class OpenedState:
    """A state opened for an operation: its manager (None when it could not be opened),
    the lock held (None without one), what opening it reported, and the state file's path
    when the state is a local file (applied versions and the audit trail live beside it;
    a remote state's are in its backend)."""

    mgr: Any
    lock_id: str | None = None
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    local_path: str | None = None
    # whether there is a state yet (an empty file, as terraform's lock leaves, is none)
    exists: bool = True
    workspace: str = "default"


class StateOpener(Protocol):
    """Opens, locks (as ``operation``) and reads the state of the backend the root module
    (``module``; the working directory's when None) selects."""

    def __call__(self, operation: str, module: Any) -> OpenedState: ...


@dataclass
class Operation:
    type: OperationType
    open_state: StateOpener
    mode: UIMode = UIMode.NORMAL
    # root variables: -var/-var-file arguments, values a program gives, a prompt for the rest
    var_args: Sequence[tuple[str, str]] = ()
    inputs: Mapping[str, InputValue] | None = None
    ask: Callable[[Any], str] | None = None
    source: ModuleSource | None = None  # the configuration's files (the working directory when None)
    targets: Sequence[str] = ()
    excludes: Sequence[str] = ()  # OpenTofu's -exclude (sheath.engine.exclusion)
    replace: Sequence[str] = ()
    refresh: bool = True
    parallelism: int = 10
    auto_approve: bool = False
    # apply exactly this plan (a saved plan file's, or one the API made) instead of planning
    saved_plan: Plan | None = None
    saved_config: Mapping[str, bytes] | None = None  # the saved plan's configuration snapshot
    saved_session: Session | None = None  # the session the API planned it in
    plan_checks: Sequence[PlanCheck] = ()
    record: bool = True  # applied versions and the audit trail (in the state's backend)
    origin: str = ""  # a rollback's: what it returns to ("version 3", "git v1 (a1b2c3d)")
    command: str = ""  # the command asking ("apply", "destroy"...), for the views' wording
    # when a change fails: "continue" (terraform's: independent changes go on), "stop" (no
    # further change starts), "rollback" (then apply the last successful version again)
    on_failure: str = "continue"
    generate_config_out: str = ""  # plan -generate-config-out: where configuration for import targets goes
    providers: ProviderRegistry | None = None  # the providers sheath serves itself (the shipped ones when None)
    workspace: str | None = None  # terraform.workspace (the selected one when None)
    # -allow-data-loss: resources (or instances) allowed to lose data in this run (engine.dataloss)
    allow_data_loss: Sequence[str] = ()


@dataclass
class OperationResult:
    ok: bool
    plan: Plan | None = None
    session: Session | None = None
    diagnostics: Diagnostics = field(default_factory=Diagnostics)  # everything reported
    checks: list[CheckResult] = field(default_factory=list)
    outputs: dict[str, tuple[Value, bool]] = field(default_factory=dict)
    # what the plan checks said refuses the plan (nothing was applied)
    refused: bool = False
    failed_resources: list[str] = field(default_factory=list)


class OperationView(Protocol):
    """How an operation is told (OpenTofu's views.Operation): the human text or
    terraform's machine-readable JSON lines; the API's view collects instead."""

    @property
    def hooks(self) -> Hooks: ...

    def diagnostics(self, diags: Diagnostics) -> None: ...

    def plan(self, plan: Plan, session: Session, failed: bool, applying: bool) -> None:
        """The plan just made (``failed``: with errors; ``applying``: about to be applied)."""

    def checks(self, results: Sequence[CheckResult]) -> Diagnostics:
        """Show what the plan checks found the view's way; the diagnostics still to report."""

    def before_trivial_apply(self, diags: Diagnostics) -> None:
        """A plan with nothing to do is applied anyway (refresh-only, outputs): the
        warnings a view shows first."""

    def confirm(self, destroy: bool) -> bool: ...

    def cancelled(self, diags: Diagnostics, destroy: bool) -> None: ...

    def saved_plan(self, plan: Plan, session: Session) -> None:
        """A saved plan is about to be applied."""

    def applied(self, plan: Plan, outputs: Mapping[str, tuple[Value, bool]], op: Operation) -> None:
        """The apply's summary and the root outputs."""

    def refreshed(self, outputs: Mapping[str, tuple[Value, bool]]) -> None: ...


def run_operation(op: Operation, view: OperationView) -> OperationResult:
    if op.saved_plan is not None:
        return _apply_saved(op, view)
    result = OperationResult(False)
    session, diags = load(".", op.var_args, ask=op.ask, source=op.source, inputs=op.inputs, registry=op.providers, workspace=op.workspace)
    result.session = session
    result.diagnostics = diags
    if session is None:
        view.diagnostics(diags)
        return result
    opened = op.open_state(LOCK_OPERATION[op.type], session.config.module)
    if opened.diagnostics:
        view.diagnostics(opened.diagnostics)
        result.diagnostics.extend(opened.diagnostics)
    if opened.mgr is None:
        return result
    try:
        return _run_locked(op, view, session, opened, result)
    finally:
        if opened.lock_id:
            opened.mgr.unlock(opened.lock_id)


def _run_locked(op: Operation, view: OperationView, session: Session, opened: OpenedState, result: OperationResult) -> OperationResult:
    mgr = opened.mgr
    mode = UIMode.REFRESH_ONLY if op.type is OperationType.REFRESH else op.mode
    # A plan made without a state records none (lineage "", serial 0), as terraform's does.
    prior = mgr.state_file() if opened.exists else StateFile(lineage="")
    plan, pd = make_plan(
        session,
        prior,
        PlanOptions(
            mode=mode,
            refresh=op.refresh,
            parallelism=op.parallelism,
            replace=list(op.replace),
            targets=list(op.targets),
            excludes=list(op.excludes),
            hooks=view.hooks,
            for_apply=op.type is not OperationType.PLAN,
            generate_config_out=op.generate_config_out,
            allow_data_loss=list(op.allow_data_loss),
        ),
    )
    diags = Diagnostics([*result.diagnostics, *pd])
    result.plan, result.diagnostics = plan, diags
    if plan is None:
        view.diagnostics(diags)
        return result
    if op.type is OperationType.REFRESH:
        return _refresh(op, view, session, opened, plan, result)
    view.plan(plan, session, diags.has_errors(), op.type is OperationType.APPLY)
    if op.type is OperationType.PLAN or diags.has_errors():
        view.diagnostics(diags)
        if diags.has_errors():
            return result
        diags = Diagnostics()  # reported
    result.checks = [check(plan, session) for check in op.plan_checks]
    shown = view.checks(result.checks)
    result.refused = any(c.diagnostics.has_errors() for c in result.checks)
    if op.type is OperationType.PLAN:
        view.diagnostics(shown)
        result.diagnostics.extend(shown)
        result.ok = not result.refused
        return result
    diags = Diagnostics([*diags, *shown])
    result.diagnostics = diags
    if result.refused:  # before anything changes, and before asking
        view.diagnostics(diags)
        return result
    trivial = not plan.applyable and not any(c.action != Action.NO_OP for c in plan.changes)
    # a plan that changes nothing but what the state records (create_before_destroy,
    # dependencies) is applied without asking, as terraform applies it
    records_only = trivial and mode != UIMode.REFRESH_ONLY and plan_changes_state(plan)
    if trivial and not records_only:
        if mode == UIMode.REFRESH_ONLY or any(o.action != Action.NO_OP for o in plan.output_changes):
            view.before_trivial_apply(diags)
        else:
            view.diagnostics(diags)
            if plan.target_addrs:
                view.diagnostics(Diagnostics([targeted_apply_warning()]))
            elif plan.exclude_addrs:
                from sheath.engine.exclusion import excluded_apply_warning

                view.diagnostics(Diagnostics([excluded_apply_warning()]))
            result.outputs = state_outputs(mgr)
            view.applied(plan, result.outputs, op)
            result.ok = True
            return result
    if not records_only and not op.auto_approve and not view.confirm(mode == UIMode.DESTROY):
        view.cancelled(diags, mode == UIMode.DESTROY)
        return result
    return _apply(op, view, session, opened, plan, diags, result)


def _apply(
    op: Operation,
    view: OperationView,
    session: Session,
    opened: OpenedState,
    plan: Plan,
    diags: Diagnostics,
    result: OperationResult,
    summary: bool = True,
) -> OperationResult:
    if op.on_failure == "rollback" and records_of(opened) is None:
        refused = Diagnostics()
        refused.add_error(
            "Invalid -on-failure option",
            "-on-failure=rollback returns to the last successful applied version, and this state keeps no applied "
            "versions: nothing could be rolled back. Nothing was applied.",
        )
        view.diagnostics(Diagnostics([*diags, *refused]))
        result.diagnostics = Diagnostics([*diags, *refused])
        return result
    stop = threading.Event() if op.on_failure == "stop" else None
    failures = FailureRecorder(view.hooks, stop)
    digest = _describe(op, plan, session, opened)
    outputs, ad = apply_plan(session, plan, opened.mgr, op.parallelism, failures, stop)
    if stop is not None and stop.is_set():
        ad.append(stopped_warning(plan, failures.started))
    result.failed_resources = sorted(set(failures.failed))
    result.diagnostics = Diagnostics([*diags, *ad])
    view.diagnostics(diags)
    view.diagnostics(ad)
    rd = _record(op, plan, session, opened, digest, ad, result.failed_resources, failures.counts)
    view.diagnostics(rd)
    result.diagnostics.extend(rd)
    if ad.has_errors():
        if op.on_failure == "rollback":
            result.diagnostics.extend(_roll_back(op, view, opened))
        return result
    result.outputs = outputs
    if summary:
        view.applied(plan, outputs, op)
    result.ok = True
    return result


def _refresh(
    op: Operation, view: OperationView, session: Session, opened: OpenedState, plan: Plan, result: OperationResult
) -> OperationResult:
    diags = result.diagnostics
    if diags.has_errors():
        view.diagnostics(diags)
        return result
    if plan.prev_run_state is None or not plan.prev_run_state.state.resources:  # outputs don't count
        view.diagnostics(
            Diagnostics(
                [
                    warning(
                        "Empty or non-existent state",
                        "There are currently no remote objects tracked in the state, so there is nothing to refresh.",
                    )
                ]
            )
        )
    _describe(op, plan, session, opened)
    outputs, ad = apply_plan(session, plan, opened.mgr, op.parallelism, view.hooks)
    view.diagnostics(diags)
    # terraform's refresh is one walk: what the engine's apply step reports again is said once
    seen = {(d.severity, d.summary, d.detail, d.subject) for d in diags}
    again = Diagnostics([d for d in ad if (d.severity, d.summary, d.detail, d.subject) not in seen])
    view.diagnostics(again)
    result.diagnostics = Diagnostics([*diags, *again])
    if ad.has_errors():
        return result
    result.outputs = outputs
    view.refreshed(outputs)
    result.ok = True
    return result


def _apply_saved(op: Operation, view: OperationView) -> OperationResult:
    """Apply a plan made earlier: with its own configuration (never the working directory's
    files, which may have changed since) and variables, against the state it was made from."""
    from sheath.plans.planfile import plan_matches_state

    plan = op.saved_plan
    assert plan is not None
    result = OperationResult(False, plan=plan)
    session = op.saved_session
    diags = Diagnostics()
    if session is None:
        source = SnapshotModuleSource.of(dict(op.saved_config or {}))
        session, diags = load(".", variables=plan.variables, source=source, registry=op.providers, workspace=op.workspace)
        if session is None:
            view.diagnostics(diags)
            result.diagnostics = diags
            return result
    result.session = session
    opened = op.open_state(LOCK_OPERATION[OperationType.APPLY], None)
    if opened.diagnostics:
        view.diagnostics(opened.diagnostics)
    if opened.mgr is None:
        result.diagnostics = Diagnostics([*diags, *opened.diagnostics])
        return result
    try:
        sd = plan_matches_state(plan, opened.mgr.state_file() if opened.exists else None)
        if sd.has_errors():
            view.diagnostics(Diagnostics([*diags, *sd]))
            result.diagnostics = Diagnostics([*diags, *sd])
            return result
        result.checks = [check(plan, session) for check in op.plan_checks]
        result.refused = any(c.diagnostics.has_errors() for c in result.checks)
        if result.refused:
            shown = view.checks(result.checks)
            view.diagnostics(shown)
            result.diagnostics = Diagnostics([*diags, *shown])
            return result
        view.saved_plan(plan, session)
        # the configuration's warnings were shown when the plan was made
        return _apply(op, view, session, opened, plan, Diagnostics(), result)
    finally:
        if opened.lock_id:
            opened.mgr.unlock(opened.lock_id)


def stopped_warning(plan: Plan, started: set[str]) -> Diagnostic:
    """What apply -on-failure=stop says of the changes it did not start."""
    left = [c.address for c in plan.changes if not c.deposed and c.action not in (Action.NO_OP, Action.READ) and c.address not in started]
    detail = "-on-failure=stop: after the first failure no further change started."
    if left:
        detail += f" Not applied ({len(left)}): " + ", ".join(left) + "."
    return warning("Apply stopped after a failure", detail)


def _roll_back(op: Operation, view: OperationView, opened: OpenedState) -> Diagnostics:
    """apply -on-failure=rollback: plan the configuration (and variables) of the last
    successful applied version against what exists now, and apply it, still under the
    operation's lock; recorded as a version whose origin names the one it returned to."""
    from sheath.audit.records import RecordsError
    from sheath.types.pyvalue import from_python
    from sheath.config.variables import ValueSourceType

    diags = Diagnostics()
    records = records_of(opened)
    assert records is not None  # refused before applying otherwise
    try:
        good = [v for v in records.versions.versions() if v.outcome == "success" and v.operation != "refresh"]
        snapshot = records.versions.snapshot(good[-1].config_sha) if good else None
    except (RecordsError, OSError) as exc:
        diags.add_error("Rollback not possible", f"The applied versions could not be read: {exc}")
        view.diagnostics(diags)
        return diags
    if not good or snapshot is None:
        diags.add_error(
            "Rollback not possible",
            "No earlier apply of this state succeeded, so there is no version to return to; the state holds what the failed apply left.",
        )
        view.diagnostics(diags)
        return diags
    version = good[-1]
    inputs: dict[str, InputValue] = {}
    for name, value in version.variables.items():
        if isinstance(value, dict) and set(value) == {"sha256"}:
            diags.add_error(
                "Rollback not possible",
                f'Version {version.version} was applied with the sensitive variable "{name}", recorded only as a hash; roll back with sheath rollback -to-version={version.version} and give its value.',
            )
            view.diagnostics(diags)
            return diags
        inputs[name] = InputValue(from_python(value), ValueSourceType.CALLER)
    session, ld = load(".", source=SnapshotModuleSource.of(snapshot), inputs=inputs, registry=op.providers, workspace=op.workspace)
    if session is None:
        view.diagnostics(ld)
        return ld
    back = Operation(
        OperationType.APPLY,
        op.open_state,
        parallelism=op.parallelism,
        auto_approve=True,
        record=op.record,
        origin=f"version {version.version}",
        command="apply",
    )
    view.diagnostics(Diagnostics([warning(
        "Rolling back",
        f"A change failed: applying version {version.version} (the last successful apply, {version.created}) again to restore what this apply changed.",
    )]))
    prior = opened.mgr.state_file()
    plan, pd = make_plan(session, prior, PlanOptions(parallelism=op.parallelism, hooks=view.hooks, for_apply=True))
    if plan is None or pd.has_errors():
        diags.extend(pd)
        diags.add_error("Rollback failed", f"Planning version {version.version}'s configuration failed; nothing was rolled back.")
        view.diagnostics(diags)
        return diags
    view.plan(plan, session, False, True)
    result = _apply(back, view, session, opened, plan, pd, OperationResult(False, plan=plan, session=session), summary=False)
    if result.ok:
        done = Diagnostics([warning("Rolled back", f"The infrastructure is back at version {version.version}'s configuration.")])
        view.diagnostics(done)
        return done
    out = Diagnostics()
    out.add_error(
        "Rollback incomplete",
        f"Applying version {version.version} again failed as well: "
        + (", ".join(result.failed_resources) or "see the errors above")
        + " could not be restored.",
    )
    view.diagnostics(out)
    return out


def state_outputs(mgr: Any) -> dict[str, tuple[Value, bool]]:
    """The root outputs the state holds (what a plan with nothing to do reports)."""
    return {name: (output_value(ov), ov.sensitive) for name, ov in mgr.state_file().state.outputs.items()}


def operation_name(op: Operation, plan: Plan) -> str:
    """What an apply is called in the history and the audit trail."""
    if op.origin:
        return "rollback"
    if op.type is OperationType.REFRESH:
        return "refresh"
    return "destroy" if plan.ui_mode == UIMode.DESTROY else "apply"


def _describe(op: Operation, plan: Plan, session: Session, opened: OpenedState) -> str:
    """Tell a state manager that keeps a history what is writing (the operation, the plan's
    digest, the git commit); the plan's digest, when anything records it."""
    keeps_history = getattr(opened.mgr, "history", None) is not None
    if not keeps_history and not (op.record and records_of(opened) is not None):
        return ""
    digest = plan_hash(plan)
    if keeps_history and hasattr(opened.mgr, "write_context"):
        from sheath.audit.trail import git_commit
        from sheath.states.history import WriteContext

        opened.mgr.write_context = WriteContext(operation_name(op, plan), digest, git_commit(session.root_dir)[0])
    return digest


def records_of(opened: OpenedState) -> Any:
    """Where the opened state's applied versions and audit trail are kept
    (``sheath.audit.records.Records``; None for a state that keeps none)."""
    if opened.mgr is None:
        return None
    from sheath.audit.records import state_records

    return state_records(opened.mgr, opened.local_path, opened.workspace)


def _record(
    op: Operation,
    plan: Plan,
    session: Session,
    opened: OpenedState,
    digest: str,
    diags: Diagnostics,
    failed: list[str],
    applied: Mapping[str, int],
) -> Diagnostics:
    """An applied version and an audit record of an apply, kept beside its state in its
    backend; a warning when they could not be written (the apply itself is done).
    applied: the changes carried out, as the apply's summary counts them (a targeted
    apply carries out only part of its plan)."""
    records = records_of(opened) if op.record else None
    if records is None:
        return Diagnostics()
    from sheath.audit.planrecord import plan_files
    from sheath.audit.records import RecordsError
    from sheath.audit.trail import git_commit
    from sheath.audit.versions import PLAN, variables_record
    from sheath.types.pyvalue import to_python

    operation = operation_name(op, plan)
    counts = dict(applied)
    errors = [d.summary + (f": {d.detail}" if d.detail else "") for d in diags if d.severity.name == "ERROR"]
    outcome = "failure" if errors else "success"
    store = records.versions
    sensitive = {n for n, var in session.config.module.variables.items() if getattr(var, "sensitive", False)}
    values = {n: to_python(v) for n, v in session.variables.items() if v.is_known}
    commit, dirty = git_commit(session.root_dir)
    sf = opened.mgr.state_file()
    not_written: list[str] = []
    try:
        store.record(
            operation=operation,
            outcome=outcome,
            errors=errors,
            git_commit=commit,
            git_dirty=dirty,
            config_sha=store.save_snapshot(session.config_snapshot),
            plan_hash=digest,
            plan_sha=store.save_snapshot(plan_files(plan), PLAN),
            state_serial=sf.serial,
            state_lineage=sf.lineage,
            variables=variables_record(values, sensitive),
            changes=counts,
            failed_resources=failed,
            origin=op.origin,
        )
    except (RecordsError, OSError) as exc:
        not_written.append(f"its applied version could not be written: {exc}")
    # the audit record is written even when the version could not be (and the other way round)
    try:
        records.audit.append(
            operation,
            outcome,
            plan_hash=digest,
            details={"workspace": opened.workspace, "changes": counts, "errors": [d.summary for d in diags if d.severity.name == "ERROR"]},
            directory=session.root_dir,
        )
    except (RecordsError, OSError) as exc:
        not_written.append(f"its audit record could not be written: {exc}")
    if not_written:
        detail = "The apply is done, but " + "; and ".join(not_written)
        return Diagnostics([warning("Applied version not recorded", detail)])
    return Diagnostics()


class FailureRecorder:
    """Passes every hook on to the view's hooks and notes the objects whose apply started
    and failed; sets stop (when given) at the first failure. counts: the changes carried
    out, as terraform's apply summary counts them (each completed create, update and
    delete, a replacement being one of each of its halves)."""

    def __init__(self, inner: Hooks, stop: threading.Event | None = None) -> None:
        self.inner = inner
        self.stop = stop
        self.failed: list[str] = []
        self.started: set[str] = set()
        self.counts: dict[str, int] = {"add": 0, "change": 0, "destroy": 0}
        self.lock = threading.Lock()

    def pre_refresh(self, addr: AbsResourceInstance, deposed: str, id_: str) -> None:
        self.inner.pre_refresh(addr, deposed, id_)

    def post_refresh(self, addr: AbsResourceInstance, deposed: str, id_: str) -> None:
        self.inner.post_refresh(addr, deposed, id_)

    def ephemeral_start(self, addr: AbsResourceInstance, op: str) -> None:
        self.inner.ephemeral_start(addr, op)

    def ephemeral_done(self, addr: AbsResourceInstance, op: str, failed: bool) -> None:
        self.inner.ephemeral_done(addr, op, failed)

    def pre_apply(self, addr: AbsResourceInstance, deposed: str, action: Action, id_: str) -> None:
        self.started.add(str(addr))
        self.inner.pre_apply(addr, deposed, action, id_)

    def post_apply(self, addr: AbsResourceInstance, deposed: str, action: Action, id_: str, failed: bool) -> None:
        if failed:
            self.failed.append(str(addr))
            if self.stop is not None:
                self.stop.set()
        else:
            key = {Action.CREATE: "add", Action.UPDATE: "change", Action.DELETE: "destroy"}.get(action)
            if key is not None:
                with self.lock:
                    self.counts[key] += 1
        self.inner.post_apply(addr, deposed, action, id_, failed)

    def pre_import(self, addr: AbsResourceInstance, id_: str) -> None:
        self.inner.pre_import(addr, id_)

    def post_import(self, addr: AbsResourceInstance, failed: bool) -> None:
        self.inner.post_import(addr, failed)

    def pre_apply_import(self, addr: AbsResourceInstance, id_: str) -> None:
        self.inner.pre_apply_import(addr, id_)

    def post_apply_import(self, addr: AbsResourceInstance, id_: str) -> None:
        self.inner.post_apply_import(addr, id_)

    def pre_provision_step(self, addr: AbsResourceInstance, type_name: str) -> None:
        self.inner.pre_provision_step(addr, type_name)

    def provision_output(self, addr: AbsResourceInstance, type_name: str, msg: str) -> None:
        self.inner.provision_output(addr, type_name, msg)

    def post_provision_step(self, addr: AbsResourceInstance, type_name: str, failed: bool) -> None:
        self.inner.post_provision_step(addr, type_name, failed)
