"""The public Python API: drive sheath from a Python program, without a subprocess.

    from sheath import Workspace
    ws = Workspace("infra/", variables={"env": "dev"})
    ws.init()
    plan = ws.plan()                 # also destroy=True, refresh_only=True, targets=[...], replace=[...],
                                     # allow_data_loss=[...]
    for c in plan.changes:
        print(c.address, c.action)   # typed address; action "create" | "update" | ...
    ws.apply(plan)                   # applies exactly this plan
    ws.outputs()                     # {name: python value}
    ws.state()                       # the typed state
    ws.destroy()

The state lives in the configuration's backend (local, pg or s3, as ``sheath init``
recorded it) and workspace (``workspace=``, else TF_WORKSPACE, else the selected one).
Every operation locks the state (terraform's lock, shared with terraform) for
its duration. Every plan goes through the plan checks (by default the policies:
the built-in pack, sheath-policy.hcl, skips and limits); a check's error refuses
the apply. Applies are recorded as applied versions and in the audit trail, next to
the state in its backend (local, pg, s3), and in the state history with the plan's hash. Errors raise
``SheathError`` carrying the diagnostics; warnings are kept on the result
(``PlanResult.diagnostics``, ``ApplyResult.diagnostics``). Progress is observed
by passing ``hooks`` (``sheath.engine.hooks.Hooks``).

The engine resolves paths (``.terraform``, the state, ``path.module``) against
the process's working directory, as terraform does under ``-chdir``: each
operation runs with the working directory switched to the workspace's
directory and restored afterwards, one operation at a time per process.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sheath.addrs.resource import AbsResourceInstance
from sheath.audit.records import Records
from sheath.config.source import SnapshotModuleSource
from sheath.config.variables import InputValue, ValueSourceType
from sheath.diag import Diagnostics
from sheath.engine.hooks import Hooks, NoHooks
from sheath.engine.operations import Session
from sheath.engine.rollback import RollbackTarget, git_target, sensitive_variable_needed, version_target
from sheath.engine.runner import OpenedState, Operation, OperationType, run_operation
from sheath.plans.model import Action, Plan, ResourceInstanceChange, UIMode
from sheath.policy.plancheck import CheckResult, PlanCheck, policy_check
from sheath.providers.registry import ProviderRegistry, default_registry
from sheath.states.state import State
from sheath.states.statemgr import Full
from sheath.types.cty import Value
from sheath.types.pyvalue import from_python, to_python

__all__ = ["ApplyResult", "Change", "LibraryView", "PlanResult", "SheathError", "Workspace", "from_python", "to_python"]

DEFAULT_WORKSPACE = "default"

# The process's working directory is shared by every thread: operations take turns.
_CWD_LOCK = threading.RLock()


class SheathError(Exception):
    """An operation failed; ``diagnostics`` holds every error (and warning) it reported."""

    def __init__(self, diagnostics: Diagnostics) -> None:
        self.diagnostics = diagnostics
        errors = [d for d in diagnostics if d.severity.name == "ERROR"]
        first = errors[0] if errors else (list(diagnostics)[0] if list(diagnostics) else None)
        text = "sheath operation failed"
        if first is not None:
            text = first.summary + (f": {first.detail}" if first.detail else "")
            if len(errors) > 1:
                text += f" (and {len(errors) - 1} more errors)"
        super().__init__(text)


_ACTION_NAMES: dict[Action, str] = {
    Action.NO_OP: "no-op",
    Action.CREATE: "create",
    Action.READ: "read",
    Action.UPDATE: "update",
    Action.DELETE_THEN_CREATE: "replace",
    Action.CREATE_THEN_DELETE: "replace",
    Action.DELETE: "delete",
    Action.FORGET: "forget",
    Action.FORGET_THEN_CREATE: "replace",
}


@dataclass(frozen=True)
class Change:
    """One planned change to a resource instance object."""

    address: AbsResourceInstance
    action: str  # "create" | "update" | "delete" | "replace" | "read" | "no-op" | "forget"
    deposed: str  # the deposed object's key, "" for the current object
    change: ResourceInstanceChange  # the engine's full record: before/after values, reasons, provider


@dataclass
class PlanResult:
    """A plan made by ``Workspace.plan``; ``Workspace.apply`` carries out exactly this plan."""

    changes: list[Change]
    plan: Plan
    diagnostics: Diagnostics
    session: Session = field(repr=False)
    checks: list[CheckResult] = field(default_factory=list)
    origin: str = ""  # for a rollback: what it returns to ("version 3", "git v1.2.0 (a1b2c3d)")

    @property
    def blocked(self) -> bool:
        """Whether a plan check refuses this plan (a mandatory policy failed, a limit was exceeded)."""
        return any(c.diagnostics.has_errors() for c in self.checks)

    @property
    def has_changes(self) -> bool:
        return self.plan.applyable


@dataclass
class ApplyResult:
    outputs: dict[str, Any]
    diagnostics: Diagnostics


class LibraryView:
    """The runner's view for a calling program: diagnostics are collected (the result
    carries them), progress goes to the caller's hooks, nothing is printed or asked."""

    def __init__(self, hooks: Hooks) -> None:
        self._hooks = hooks
        self.reported = Diagnostics()

    @property
    def hooks(self) -> Hooks:
        return self._hooks

    def diagnostics(self, diags: Diagnostics) -> None:
        self.reported.extend(diags)

    def plan(self, plan: Plan, session: Session, failed: bool, applying: bool) -> None:
        pass

    def checks(self, results: Sequence[CheckResult]) -> Diagnostics:
        return Diagnostics()  # PlanResult.checks holds them; Workspace.apply refuses a blocked plan

    def before_trivial_apply(self, diags: Diagnostics) -> None:
        pass

    def confirm(self, destroy: bool) -> bool:
        return True

    def cancelled(self, diags: Diagnostics, destroy: bool) -> None:
        pass

    def saved_plan(self, plan: Plan, session: Session) -> None:
        pass

    def applied(self, plan: Plan, outputs: Mapping[str, tuple[Value, bool]], op: Operation) -> None:
        pass

    def refreshed(self, outputs: Mapping[str, tuple[Value, bool]]) -> None:
        pass


class Workspace:
    """A working directory (``.tf`` files) and its state, as a library."""

    def __init__(
        self,
        path: str | os.PathLike[str] = ".",
        variables: Mapping[str, Any] | None = None,
        workspace: str | None = None,
        hooks: Hooks | None = None,
        parallelism: int = 10,
        lock_timeout: float = 0.0,
        plan_checks: Sequence[PlanCheck] | None = None,
        providers: ProviderRegistry | None = None,
    ) -> None:
        if parallelism < 1:
            raise SheathError(_error("Invalid parallelism", "parallelism must be at least 1."))
        self.path = os.path.abspath(os.fspath(path))
        self.variables = dict(variables or {})
        self._workspace = workspace
        self.plan_checks: list[PlanCheck] = [policy_check()] if plan_checks is None else list(plan_checks)
        self._local_state: str | None = None  # the state file, for the local backend
        self.hooks: Hooks = hooks or NoHooks()
        self.parallelism = parallelism
        self.lock_timeout = lock_timeout
        # the providers sheath serves in-process (the shipped ones when None): a program or a
        # test may add its own; init, validate and every operation use the same ones
        self.providers = providers

    # --- operations ---------------------------------------------------------------------

    def init(self, upgrade: bool = False) -> Diagnostics:
        """Initialise the backend (configured and recorded, as ``sheath init -input=false``
        does: a changed backend configuration is an error, never a silent migration),
        install providers and record modules."""
        from sheath.engine.init import init

        with self._in_dir():
            _, diags = init(".", upgrade=upgrade, backend=self._initialise_backend, registry=self.providers)
        _raise_on_errors(diags)
        return diags

    def validate(self) -> Diagnostics:
        from sheath.engine.validate import validate_config
        from sheath.config import load_module_tree
        from sheath.engine.providers import ProviderFactory, ProviderSchemas

        with self._in_dir():
            cfg, diags = load_module_tree(".")
            if not diags.has_errors():
                schemas = ProviderSchemas(ProviderFactory(".", self.providers or default_registry()))
                try:
                    diags.extend(validate_config(cfg, ".", schemas))
                finally:
                    schemas.close()
        _raise_on_errors(diags)
        return diags

    def plan(
        self,
        destroy: bool = False,
        refresh_only: bool = False,
        refresh: bool = True,
        targets: Sequence[str] = (),
        replace: Sequence[str] = (),
        allow_data_loss: Sequence[str] = (),
    ) -> PlanResult:
        if destroy and refresh_only:
            raise SheathError(_error("Incompatible plan modes", "destroy and refresh_only cannot be combined."))
        mode = UIMode.DESTROY if destroy else UIMode.REFRESH_ONLY if refresh_only else UIMode.NORMAL
        return self._plan(mode, refresh, targets, replace, allow_data_loss=allow_data_loss)

    def _plan(
        self,
        mode: UIMode,
        refresh: bool = True,
        targets: Sequence[str] = (),
        replace: Sequence[str] = (),
        snapshot: Mapping[str, bytes] | None = None,
        variables: Mapping[str, Any] | None = None,
        origin: str = "",
        allow_data_loss: Sequence[str] = (),
    ) -> PlanResult:
        given = dict(variables or {})
        given.update(self.variables)
        op = Operation(
            OperationType.PLAN,
            self._open_state,
            mode=mode,
            inputs={name: InputValue(from_python(v), ValueSourceType.CALLER) for name, v in given.items()},
            source=None if snapshot is None else SnapshotModuleSource.of(snapshot),
            targets=list(targets),
            replace=list(replace),
            allow_data_loss=list(allow_data_loss),
            refresh=refresh,
            parallelism=self.parallelism,
            plan_checks=self.plan_checks,
            origin=origin,
            providers=self.providers,
            workspace=self.workspace,
        )
        view = LibraryView(self.hooks)
        with self._in_dir():
            result = run_operation(op, view)
        if result.session is not None:
            _close(result.session)  # provider plugins started for the plan stop with it; apply starts its own
        plan = result.plan
        if plan is None or result.session is None or result.diagnostics.has_errors():
            raise SheathError(result.diagnostics)
        return PlanResult([_change(c) for c in plan.changes], plan, result.diagnostics, result.session, result.checks, origin)

    def apply(self, plan: PlanResult | None = None) -> ApplyResult:
        """Apply exactly ``plan`` (refused when the state changed since it was made), or
        plan and apply at once when no plan is given."""
        if plan is None:
            plan = self.plan()
        if plan.blocked:
            blocking = Diagnostics()
            for c in plan.checks:
                blocking.extend(c.diagnostics)
            raise SheathError(blocking)
        op = Operation(
            OperationType.APPLY,
            self._open_state,
            parallelism=self.parallelism,
            auto_approve=True,
            saved_plan=plan.plan,
            saved_session=plan.session,
            origin=plan.origin,
            command="destroy" if plan.plan.ui_mode == UIMode.DESTROY else "apply",
            providers=self.providers,
            workspace=self.workspace,
        )
        try:
            with self._in_dir():
                result = run_operation(op, LibraryView(self.hooks))
        finally:
            _close(plan.session)
        if not result.ok:
            raise SheathError(result.diagnostics)
        return ApplyResult({name: to_python(v) for name, (v, _sensitive) in result.outputs.items()}, result.diagnostics)

    def history(self) -> list[Any]:
        """The applied versions (sheath.audit.versions.AppliedVersion), oldest first, kept
        beside the state in its backend (local, pg or s3)."""
        from sheath.audit.records import RecordsError

        with self._in_dir():
            records = self.records()
            try:
                return records.versions.versions()
            except RecordsError as exc:
                raise SheathError(_error("Failed to read the applied versions", str(exc))) from exc

    def records(self) -> Records:
        """Where this workspace's applied versions and audit trail are kept
        (sheath.audit.records.Records), in its backend."""
        from sheath.audit.records import backend_records

        with self._in_dir():
            self._state_mgr()
            records = backend_records(self._selected().backend, self.workspace)
        if records is None:
            raise SheathError(_error("No version history", "This backend keeps no applied versions."))
        return records

    def rollback(self, to_version: int | None = None, git_ref: str | None = None) -> PlanResult:
        """A plan taking the infrastructure back to an applied version's configuration (its
        recorded snapshot and variables), or to the configuration at a git ref of the
        working directory's repository, against what exists now (a fresh refresh)."""
        target = self.rollback_target(to_version, git_ref)
        for name in target.hashed:
            if name not in self.variables:
                raise SheathError(Diagnostics([sensitive_variable_needed(target, name, "give its value")]))
        return self._plan(UIMode.NORMAL, snapshot=target.snapshot, variables=target.variables, origin=target.origin)

    def rollback_target(self, to_version: int | None = None, git_ref: str | None = None) -> RollbackTarget:
        """What a rollback to an applied version (or to a git ref) plans: the configuration
        snapshot, the recorded variables and the origin it will be recorded with."""
        if (to_version is None) == (git_ref is None):
            raise SheathError(_error("Invalid rollback", "Give exactly one of to_version and git_ref."))
        with self._in_dir():
            if to_version is not None:
                target, diags = version_target(self.records().versions, to_version)
            else:
                assert git_ref is not None
                target, diags = git_target(self.path, git_ref)
        if target is None:
            raise SheathError(diags)
        return target

    def destroy(self) -> ApplyResult:
        return self.apply(self.plan(destroy=True))

    def refresh(self, targets: Sequence[str] = ()) -> ApplyResult:
        """Read every managed object and write what was found to the state (``sheath
        refresh``: apply -refresh-only without a plan to review); the real objects are not
        changed."""
        op = Operation(
            OperationType.REFRESH,
            self._open_state,
            mode=UIMode.REFRESH_ONLY,
            inputs={name: InputValue(from_python(v), ValueSourceType.CALLER) for name, v in self.variables.items()},
            targets=list(targets),
            parallelism=self.parallelism,
            auto_approve=True,
            command="refresh",
            providers=self.providers,
            workspace=self.workspace,
        )
        with self._in_dir():
            result = run_operation(op, LibraryView(self.hooks))
        if not result.ok:
            raise SheathError(result.diagnostics)
        return ApplyResult({name: to_python(v) for name, (v, _sensitive) in result.outputs.items()}, result.diagnostics)

    def state(self) -> State:
        """The current state (read under no lock, as ``sheath state list`` does with -lock=false)."""
        with self._in_dir():
            mgr = self._state_mgr()
            _raise_on_errors(mgr.refresh_state())
            return mgr.state_file().state

    @property
    def workspace(self) -> str:
        """The workspace operations use: the one given, else TF_WORKSPACE, else the selected one."""
        from sheath.backend.current import current_workspace

        return self._workspace or current_workspace(self.path)

    def workspaces(self) -> list[str]:
        """The backend's workspaces, "default" first."""
        with self._in_dir():
            names, diags = self._selected().backend.workspaces()
        _raise_on_errors(diags)
        return list(names)

    def outputs(self) -> dict[str, Any]:
        """The root module's outputs from the state, as Python values (sensitive ones included:
        the caller asked for them)."""
        return {name: ov.value for name, ov in sorted(self.state().outputs.items())}

    # --- plumbing -----------------------------------------------------------------------

    def _initialise_backend(self, module: Any) -> Diagnostics:
        """init's backend step (sheath.backend.initialise, as the init command runs it),
        without input: a backend type sheath does not implement, or a cloud block, is refused."""
        from sheath.backend.config import SCHEMAS
        from sheath.backend.initialise import BackendInitOptions, initialise_backend
        from sheath.engine.init import configured_backend_supported

        if module.cloud_config is not None or (module.backend is not None and module.backend.type not in SCHEMAS):
            return configured_backend_supported(module)
        _, diags = initialise_backend(".", module, BackendInitOptions(input=False, lock_timeout=self.lock_timeout))
        return diags

    def _selected(self) -> Any:
        from sheath.backend.current import select_backend
        from sheath.config.loader import load_module
        from sheath.states.codec import state_codec

        module, diags = load_module(".")
        _raise_on_errors(diags)
        selected, d = select_backend(".", module.backend)
        if selected is None:
            raise SheathError(d)
        given = {name: InputValue(from_python(v), ValueSourceType.CALLER) for name, v in self.variables.items()}
        codec, cd = state_codec(module, None, given)  # encryption at rest, as the CLI's (with this workspace's variables)
        if codec is None:
            raise SheathError(cd)
        if hasattr(selected.backend, "state_codec"):
            selected.backend.state_codec = codec
        return selected

    def _state_mgr(self) -> Full:
        """The state manager of this workspace (which must exist: create it with
        ``sheath workspace new``)."""
        backend = self._selected().backend
        workspace = self.workspace
        if workspace != DEFAULT_WORKSPACE:
            names, d = backend.workspaces()
            _raise_on_errors(d)
            if workspace not in names:
                raise SheathError(_error("Workspace does not exist", f'The workspace "{workspace}" does not exist; create it with "sheath workspace new {workspace}".'))
        mgr, diags = backend.state_mgr(workspace)
        if mgr is None:
            raise SheathError(diags)
        from sheath.backend.local import LocalBackend

        self._local_state = backend.state_path(workspace) if isinstance(backend, LocalBackend) else None
        return mgr  # type: ignore[no-any-return]

    @contextmanager
    def _in_dir(self) -> Iterator[None]:
        with _CWD_LOCK:
            before = os.getcwd()
            os.chdir(self.path)
            try:
                yield
            finally:
                os.chdir(before)

    def _state_exists(self, mgr: Full) -> bool:
        """Whether there is a state to plan against (an empty file, as terraform's lock
        leaves, is none; a remote workspace has one once anything was written)."""
        if self._local_state is not None:
            try:
                return os.path.getsize(self._local_state) > 0
            except OSError:
                return False
        has_state = getattr(mgr, "has_state", None)  # remote managers know whether a document exists
        return bool(has_state()) if has_state is not None else True

    def _open_state(self, operation: str, module: Any) -> OpenedState:
        """The runner's state: this workspace's, locked for operation and read."""
        try:
            mgr = self._state_mgr()
        except SheathError as exc:
            return OpenedState(None, diagnostics=exc.diagnostics)
        info, diags = mgr.lock(operation, self.lock_timeout)
        if info is None or diags.has_errors():
            return OpenedState(None, diagnostics=diags)
        rd = mgr.refresh_state()
        if rd.has_errors():
            mgr.unlock(info.id)
            return OpenedState(None, diagnostics=rd)
        return OpenedState(mgr, info.id, rd, self._local_state, self._state_exists(mgr), self.workspace)


def _change(c: ResourceInstanceChange) -> Change:
    return Change(c.instance_addr, _ACTION_NAMES[c.action], c.deposed, c)


def _close(session: Session) -> None:
    """Stop the provider plugins the session started (validation and planning keep them)."""
    if session.schemas is not None:
        session.schemas.close()





def _error(summary: str, detail: str) -> Diagnostics:
    d = Diagnostics()
    d.add_error(summary, detail)
    return d


def _raise_on_errors(diags: Diagnostics) -> None:
    if diags.has_errors():
        raise SheathError(diags)
