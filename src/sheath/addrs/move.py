"""Endpoints of moved/removed blocks: a module call instance path or a resource (instance)."""

from __future__ import annotations

from dataclasses import dataclass

from sheath.addrs.module import ModuleInstance
from sheath.addrs.parse import Step, parse_module_instance_prefix, parse_resource_under_module, steps_from_traversal
from sheath.addrs.resource import AbsResource, AbsResourceInstance, ResourceInstance
from sheath.diag import Diagnostics, Range


@dataclass(frozen=True, slots=True)
class MoveEndpoint:
    """A from/to address of a moved block, relative to the module that declares it.

    subject is a ModuleInstance (moving a module call), an AbsResource, or an
    AbsResourceInstance.
    """

    subject: ModuleInstance | AbsResource | AbsResourceInstance
    range: Range

    def is_module(self) -> bool:
        return isinstance(self.subject, ModuleInstance)

    def is_resource(self) -> bool:
        return not self.is_module()

    def might_unify_with(self, other: "MoveEndpoint") -> bool:
        return self.is_module() == other.is_module()

    def __str__(self) -> str:
        return str(self.subject)


def parse_move_endpoint_steps(
    steps: list[Step], rng: Range, reserved_check: bool = True
) -> tuple[MoveEndpoint | None, Diagnostics]:
    mod, rest, diags = parse_module_instance_prefix(steps)
    if diags.has_errors():
        return None, diags
    if not rest:
        return MoveEndpoint(mod, rng), diags
    res, key, has_key, d2 = parse_resource_under_module(rest, reserved_check=reserved_check)
    diags.extend(d2)
    if res is None:
        return None, diags
    if has_key:
        return MoveEndpoint(AbsResourceInstance(mod, ResourceInstance(res, key)), rng), diags
    return MoveEndpoint(AbsResource(mod, res), rng), diags


def parse_move_endpoint(traversal: object, reserved_check: bool = True) -> tuple[MoveEndpoint | None, Diagnostics]:
    """A moved endpoint; removed blocks parse their target the same way but without the reserved-word check."""
    steps = steps_from_traversal(traversal)
    return parse_move_endpoint_steps(steps, traversal.range, reserved_check)  # type: ignore[attr-defined]
