"""OpenTofu's lifecycle { destroy = false } on managed resources (OpenTofu 1.12).

An object whose resource sets destroy = false records it in the state ("skip_destroy",
as OpenTofu's state does); where a plan would destroy such an object (the resource or one
of its instances is gone from the configuration, lifecycle.enabled is false, or a destroy
plan) it is forgotten instead: removed from the state, left in the infrastructure.
A replacement of such an object forgets the old one and creates the new one
(ForgetThenCreate)."""

from __future__ import annotations

from sheath.config.loader import Config
from sheath.config.resource import Resource
from sheath.diag import Diagnostics
from sheath.plans.model import Action, ActionReason, ResourceInstanceChange
from sheath.states.state import State
from sheath.states.state import Resource as StateResource


def config_resource(cfg: Config, module: str, type_: str, name: str) -> Resource | None:
    """The managed resource block of a state resource (module: its module instance address)."""
    from sheath.engine.planner import parse_module_instance

    c = cfg.descendant(parse_module_instance(module).module()) if module else cfg
    if c is None:
        return None
    return c.module.managed_resources.get(f"{type_}.{name}")


def skip_destroy_for(cfg: Config, sr: StateResource) -> bool | None:
    """Whether the configuration says sr's objects must not be destroyed (None: no configuration)."""
    if sr.mode != "managed":
        return None
    r = config_resource(cfg, sr.module, sr.type, sr.name)
    if r is None or r.managed is None:
        return None
    return not r.managed.destroy


def record_skip_destroy(cfg: Config, state: State) -> None:
    """Record each configured resource's lifecycle.destroy on its objects in state."""
    for sr in state.resources.values():
        skip = skip_destroy_for(cfg, sr)
        if skip is None:
            continue
        for inst in sr.instances.values():
            for obj in [inst.current, *inst.deposed.values()]:
                if obj is not None:
                    obj.skip_destroy = skip


def forget_instead_of_destroy(cfg: Config, state: State, changes: list[ResourceInstanceChange]) -> Diagnostics:
    """Turn the planned destroys of objects that must not be destroyed into forgets, and
    their replacements into forget-then-create, in place."""
    diags = Diagnostics()
    for c in changes:
        if c.mode != "managed" or not (c.action == Action.DELETE or c.action.is_replace):
            continue
        r = config_resource(cfg, c.module_address, c.type, c.name)
        in_config = r is not None and r.managed is not None and not r.managed.destroy
        in_state = _state_skip_destroy(state, c)
        if not in_config and not in_state:
            continue
        if c.action.is_replace:
            if in_config:  # OpenTofu decides a replacement by the configuration alone
                c.action = Action.FORGET_THEN_CREATE  # the reason (tainted, requested, ...) stays
            continue
        c.action = Action.FORGET
        c.action_reason = (
            ActionReason.FORGOT_BECAUSE_LIFECYCLE_DESTROY_IN_CONFIG
            if in_config
            else ActionReason.FORGOT_BECAUSE_LIFECYCLE_DESTROY_IN_STATE
        )
    return diags


def _state_skip_destroy(state: State, c: ResourceInstanceChange) -> bool:
    sr = state.resources.get((c.module_address, c.mode, c.type, c.name))
    if sr is None:
        return False
    inst = sr.instances.get(c.index)
    if inst is None:
        return False
    obj = inst.deposed.get(c.deposed) if c.deposed else inst.current
    return obj is not None and obj.skip_destroy
