"""The plan model (terraform's internal/plans): plans are data.

A Plan holds one ResourceInstanceChange per resource instance object and one
OutputChange per root output, with before/after as sheath Values: unknown
values are "known after apply", values marked "sensitive" are sensitive.
Rendering (plans.render) and serialisation (plans.jsonplan, plans.planfile)
are separate functions of this data.
"""

from __future__ import annotations

import enum
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Final

from sheath import TERRAFORM_VERSION
from sheath.addrs.parse import parse_abs_resource_instance_str
from sheath.addrs.resource import AbsResourceInstance
from sheath.states.statefile import StateFile
from sheath.types.cty import Value

# An attribute path: a sequence of attribute names (str) and index keys
# (int for list/tuple indexes, or a 1-tuple (str,) for a map/object key given
# as an index). Terraform's JSON shows both as plain strings/numbers.
Path = tuple[Any, ...]


class Action(enum.Enum):
    """What applying the plan does to one object (plans.Action)."""

    NO_OP = "no-op"
    CREATE = "create"
    READ = "read"
    UPDATE = "update"
    DELETE_THEN_CREATE = "delete-then-create"
    CREATE_THEN_DELETE = "create-then-delete"
    DELETE = "delete"
    FORGET = "forget"
    FORGET_THEN_CREATE = "forget-then-create"
    """OpenTofu's: a replacement whose old object is forgotten (lifecycle.destroy = false)."""

    def json_actions(self) -> list[str]:
        """The ``actions`` list of terraform's JSON plan."""
        return list(_JSON_ACTIONS[self])

    @staticmethod
    def from_json_actions(actions: list[str]) -> Action:
        for a, j in _JSON_ACTIONS.items():
            if list(j) == list(actions):
                return a
        raise ValueError(f"unsupported actions {actions!r}")

    @property
    def is_replace(self) -> bool:
        return self in (Action.DELETE_THEN_CREATE, Action.CREATE_THEN_DELETE)


_JSON_ACTIONS: dict[Action, tuple[str, ...]] = {
    Action.NO_OP: ("no-op",),
    Action.CREATE: ("create",),
    Action.READ: ("read",),
    Action.UPDATE: ("update",),
    Action.DELETE_THEN_CREATE: ("delete", "create"),
    Action.CREATE_THEN_DELETE: ("create", "delete"),
    Action.DELETE: ("delete",),
    Action.FORGET: ("forget",),
    Action.FORGET_THEN_CREATE: ("forget", "create"),
}


class ActionReason(enum.Enum):
    """Why an action was chosen (plans.ResourceInstanceChangeActionReason).

    The value is terraform's JSON ``action_reason`` string ("" for none).
    """

    NONE = ""
    REPLACE_BECAUSE_TAINTED = "replace_because_tainted"
    REPLACE_BY_REQUEST = "replace_by_request"
    REPLACE_BECAUSE_CANNOT_UPDATE = "replace_because_cannot_update"
    REPLACE_BY_TRIGGERS = "replace_by_triggers"
    DELETE_BECAUSE_NO_RESOURCE_CONFIG = "delete_because_no_resource_config"
    DELETE_BECAUSE_WRONG_REPETITION = "delete_because_wrong_repetition"
    DELETE_BECAUSE_COUNT_INDEX = "delete_because_count_index"
    DELETE_BECAUSE_EACH_KEY = "delete_because_each_key"
    DELETE_BECAUSE_NO_MODULE = "delete_because_no_module"
    DELETE_BECAUSE_NO_MOVE_TARGET = "delete_because_no_move_target"
    DELETE_BECAUSE_ENABLED_FALSE = "delete_because_enabled_false"
    """OpenTofu's: lifecycle.enabled is false (terraform has no such reason)."""
    FORGOT_BECAUSE_LIFECYCLE_DESTROY_IN_CONFIG = "forgot_because_lifecycle_destroy_in_config"
    FORGOT_BECAUSE_LIFECYCLE_DESTROY_IN_STATE = "forgot_because_lifecycle_destroy_in_state"
    """OpenTofu's: a forget instead of a destroy because of lifecycle.destroy = false."""
    READ_BECAUSE_CONFIG_UNKNOWN = "read_because_config_unknown"
    READ_BECAUSE_DEPENDENCY_PENDING = "read_because_dependency_pending"
    READ_BECAUSE_CHECK_NESTED = "read_because_check_nested"


class UIMode(enum.Enum):
    NORMAL = "normal"
    DESTROY = "destroy"
    REFRESH_ONLY = "refresh-only"


@dataclass(slots=True)
class Importing:
    id: str = ""
    identity: Any = None


@dataclass(slots=True)
class ResourceInstanceChange:
    """A planned change to one resource instance object."""

    address: str  # e.g. 'module.m["k"].terraform_data.x[0]'
    mode: str  # "managed" | "data"
    type: str
    name: str
    action: Action
    before: Value  # null when the object does not exist yet
    after: Value  # null when the object will not exist; unknowns allowed
    provider_name: str = "terraform.io/builtin/terraform"  # provider source address
    provider_config_addr: str = ""  # e.g. 'provider["terraform.io/builtin/terraform"]'
    module_address: str = ""  # "" for the root module
    index: int | str | None = None
    prev_run_address: str = ""  # "" when it is the same as address
    deposed: str = ""
    action_reason: ActionReason = ActionReason.NONE
    replace_paths: list[Path] = field(default_factory=list)
    importing: Importing | None = None
    generated_config: str = ""
    schema_version: int = 0
    # a delete's private data for ApplyResourceChange (what the provider's destroy plan
    # returned); None: the object's own
    private: bytes | None = None

    @property
    def moved(self) -> bool:
        return bool(self.prev_run_address) and self.prev_run_address != self.address

    @property
    def instance_addr(self) -> AbsResourceInstance:
        """The typed address of the object; address is its text."""
        return instance_addr_of(self.address)


@lru_cache(maxsize=4096)
def instance_addr_of(address: str) -> AbsResourceInstance:
    """A resource instance address in text (as the engine writes it in a change) as a value."""
    addr, _ = parse_abs_resource_instance_str(address)
    if addr is None:
        raise ValueError(f"not a resource instance address: {address!r}")
    return addr


MODULE_STEP_RE: Final = re.compile(r'module\.([^.\[]+)(?:\[(\d+|"(?:[^"\\]|\\.)*")\])?\.?')


def _key_sort(k: int | str | None) -> tuple[int, int, str]:
    # addrs.InstanceKeyLess: no key, then int keys by value, then string keys
    if k is None:
        return (0, 0, "")
    if isinstance(k, int):
        return (1, k, "")
    return (2, 0, k)


def _module_sort(addr: str) -> tuple[int, list[tuple[str, tuple[int, int, str]]]]:
    steps: list[tuple[str, tuple[int, int, str]]] = []
    for m in MODULE_STEP_RE.finditer(addr):
        raw = m.group(2)
        key: int | str | None = None
        if raw is not None:
            key = int(raw) if raw[0] != '"' else json.loads(raw)
        steps.append((m.group(1), _key_sort(key)))
    # addrs.ModuleInstance.Less: shorter paths first
    return (len(steps), steps)


def change_sort_key(c: ResourceInstanceChange) -> tuple[Any, ...]:
    """terraform's order of resource_changes (addrs.AbsResourceInstance.Less),
    then the current object before deposed ones."""
    return (_module_sort(c.module_address), 0 if c.mode == "data" else 1, c.type, c.name, _key_sort(c.index), c.deposed)


def sort_changes(changes: list[ResourceInstanceChange]) -> list[ResourceInstanceChange]:
    modules: dict[str, Any] = {}

    def key(c: ResourceInstanceChange) -> tuple[Any, ...]:
        mk = modules.get(c.module_address)
        if mk is None:
            mk = modules[c.module_address] = _module_sort(c.module_address)
        return (mk, 0 if c.mode == "data" else 1, c.type, c.name, _key_sort(c.index), c.deposed)

    return sorted(changes, key=key)


@dataclass(slots=True)
class OutputChange:
    """A planned change to a root module output value."""

    name: str
    action: Action
    before: Value
    after: Value
    sensitive: bool = False


@dataclass(slots=True)
class CheckResult:
    """Terraform's check status for one checkable object (jsonchecks shape)."""

    address: dict[str, Any]
    status: str  # "pass" | "fail" | "error" | "unknown"
    instances: list[dict[str, Any]] = field(default_factory=list)


@dataclass(slots=True)
class Plan:
    """A whole plan: changes, the states it was made from, and its inputs.

    ``changes`` are kept in terraform's order (see ``sort_changes``); the
    JSON and human renderings show them in list order."""

    changes: list[ResourceInstanceChange] = field(default_factory=list)
    output_changes: list[OutputChange] = field(default_factory=list)
    drift: list[ResourceInstanceChange] = field(default_factory=list)
    prior_state: StateFile | None = None
    prev_run_state: StateFile | None = None
    variables: dict[str, Value] = field(default_factory=dict)
    target_addrs: list[str] = field(default_factory=list)
    exclude_addrs: list[str] = field(default_factory=list)  # OpenTofu's -exclude
    force_replace_addrs: list[str] = field(default_factory=list)
    # sheath's -allow-data-loss: resources (or instances) allowed to lose data (engine.dataloss)
    allow_data_loss_addrs: list[str] = field(default_factory=list)
    ui_mode: UIMode = UIMode.NORMAL
    timestamp: str = ""  # RFC 3339, UTC, e.g. "2026-11-25T22:44:51Z"
    applyable: bool = True
    complete: bool = True
    errored: bool = False
    relevant_attributes: list[tuple[str, Path]] = field(default_factory=list)
    checks: list[CheckResult] | None = None
    terraform_version: str = TERRAFORM_VERSION

    def resource_change(self, address: str, deposed: str = "") -> ResourceInstanceChange | None:
        for c in self.changes:
            if c.address == address and c.deposed == deposed:
                return c
        return None
