"""Referenceable objects: what an expression's traversal can refer to (terraform's ParseRef)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

from sheath.addrs.instance_key import InstanceKey, key_str
from sheath.addrs.module import ModuleCall, ModuleCallInstance, ModuleCallInstanceOutput
from sheath.addrs.parse import Step, steps_from_traversal, steps_range
from sheath.addrs.resource import Resource, ResourceInstance, ResourceMode
from sheath.diag import Diagnostics, Range


@dataclass(frozen=True, slots=True)
class InputVariable:
    name: str

    def __str__(self) -> str:
        return f"var.{self.name}"


@dataclass(frozen=True, slots=True)
class LocalValue:
    name: str

    def __str__(self) -> str:
        return f"local.{self.name}"


@dataclass(frozen=True, slots=True)
class OutputValue:
    name: str

    def __str__(self) -> str:
        return f"output.{self.name}"


@dataclass(frozen=True, slots=True)
class PathAttr:
    name: str

    def __str__(self) -> str:
        return f"path.{self.name}"


@dataclass(frozen=True, slots=True)
class TerraformAttr:
    name: str

    def __str__(self) -> str:
        return f"terraform.{self.name}"


@dataclass(frozen=True, slots=True)
class CountAttr:
    name: str

    def __str__(self) -> str:
        return f"count.{self.name}"


@dataclass(frozen=True, slots=True)
class ForEachAttr:
    name: str

    def __str__(self) -> str:
        return f"each.{self.name}"


@dataclass(frozen=True, slots=True)
class Self:
    def __str__(self) -> str:
        return "self"


@dataclass(frozen=True, slots=True)
class Check:
    name: str

    def __str__(self) -> str:
        return f"check.{self.name}"


Referenceable = Union[
    InputVariable,
    LocalValue,
    PathAttr,
    TerraformAttr,
    CountAttr,
    ForEachAttr,
    Self,
    Resource,
    ResourceInstance,
    ModuleCall,
    ModuleCallInstance,
    ModuleCallInstanceOutput,
]


@dataclass(frozen=True, slots=True)
class Reference:
    """A parsed reference: the object, the range of the part naming it, the rest of the traversal."""

    subject: Referenceable
    source_range: Range
    remaining: tuple[Step, ...]


_RESERVED_FUTURE = frozenset(["template", "lazy", "arg"])


def _attr_name(steps: list[Step], i: int, root: str, what: str, diags: Diagnostics) -> str | None:
    if len(steps) <= i:
        diags.add_error(
            "Invalid reference",
            f'The "{root}" object cannot be accessed directly. Instead, access one of its attributes.',
            steps[0].range,
        )
        return None
    s = steps[i]
    if s.kind != "name":
        diags.add_error("Invalid reference", f'The "{root}" object does not support this operation.', s.range)
        return None
    return str(s.value)


def parse_ref_steps(steps: list[Step]) -> tuple[Reference | None, Diagnostics]:
    diags = Diagnostics()
    if not steps or steps[0].kind != "name":
        return None, diags
    root = str(steps[0].value)
    r0 = steps[0].range

    def ref(subject: Referenceable, n: int) -> Reference:
        rng = steps_range(steps[:n]) or r0
        return Reference(subject, rng, tuple(steps[n:]))

    if root in ("var", "local", "path", "terraform", "count", "each"):
        name = _attr_name(steps, 1, root, "", diags)
        if name is None:
            return None, diags
        if root == "var":
            return ref(InputVariable(name), 2), diags
        if root == "local":
            return ref(LocalValue(name), 2), diags
        if root == "path":
            return ref(PathAttr(name), 2), diags
        if root == "terraform":
            return ref(TerraformAttr(name), 2), diags
        if root == "count":
            if name != "index":
                diags.add_error(
                    'Invalid "count" attribute',
                    f'The "count" object does not have an attribute named "{name}". The only supported attribute '
                    'is count.index, which is the index of each instance of a resource block that has the "count" '
                    "argument set.",
                    steps_range(steps[:2]),
                )
                return None, diags
            return ref(CountAttr(name), 2), diags
        if name not in ("key", "value"):
            diags.add_error(
                'Invalid "each" attribute',
                f'The "each" object does not have an attribute named "{name}". The supported attributes are '
                'each.key and each.value, the current key and value pair of the "for_each" attribute set.',
                steps_range(steps[:2]),
            )
            return None, diags
        return ref(ForEachAttr(name), 2), diags
    if root == "self":
        return ref(Self(), 1), diags
    if root == "module":
        name = _attr_name(steps, 1, root, "", diags)
        if name is None:
            return None, diags
        call = ModuleCall(name)
        n = 2
        key: InstanceKey = None
        if len(steps) > 2 and steps[2].kind == "index":
            v = steps[2].value
            from sheath.addrs.instance_key import IntKey, StringKey

            if isinstance(v, int) and not isinstance(v, bool):
                key = IntKey(v)
            elif isinstance(v, str):
                key = StringKey(v)
            else:
                return ref(call, 2), diags
            n = 3
        inst = ModuleCallInstance(call, key)
        if len(steps) > n and steps[n].kind == "name":
            return ref(ModuleCallInstanceOutput(inst, str(steps[n].value)), n + 1), diags
        if n == 2:
            return ref(call, 2), diags
        return ref(inst, n), diags
    if root in _RESERVED_FUTURE:
        diags.add_error(
            "Reserved symbol name",
            f'The symbol name "{root}" is reserved for use in a future Terraform version. If you are using a '
            'provider that already uses this as a resource type name, add the prefix "resource." to force '
            "interpretation as a resource type name.",
            r0,
        )
        return None, diags
    mode = ResourceMode.MANAGED
    rest = steps
    if root == "data":
        mode = ResourceMode.DATA
        rest = steps[1:]
    elif root == "ephemeral":
        mode = ResourceMode.EPHEMERAL
        rest = steps[1:]
    elif root == "resource":
        rest = steps[1:]
    base = len(steps) - len(rest)
    if mode is not ResourceMode.MANAGED or root == "resource":
        what = {ResourceMode.DATA: "data", ResourceMode.EPHEMERAL: "ephemeral", ResourceMode.MANAGED: "resource"}[mode]
        if len(rest) < 2:
            diags.add_error(
                "Invalid reference",
                f'The "{what}" object must be followed by two attribute names: the {"data source" if mode is ResourceMode.DATA else "resource"} type and the resource name.',
                r0,
            )
            return None, diags
    if len(rest) < 2 or rest[0].kind != "name" or rest[1].kind != "name":
        if len(rest) < 2:
            diags.add_error(
                "Invalid reference",
                "A reference to a resource type must be followed by at least one attribute access, specifying the "
                "resource name.",
                steps_range(steps),
            )
        else:
            diags.add_error("Invalid reference", "A resource name is required.", rest[1].range)
        return None, diags
    res = Resource(mode, str(rest[0].value), str(rest[1].value))
    n = base + 2
    if len(steps) > n and steps[n].kind == "index":
        v = steps[n].value
        from sheath.addrs.instance_key import IntKey, StringKey

        if isinstance(v, int) and not isinstance(v, bool):
            return ref(ResourceInstance(res, IntKey(v)), n + 1), diags
        if isinstance(v, str):
            return ref(ResourceInstance(res, StringKey(v)), n + 1), diags
    return ref(res, n), diags


def parse_ref(traversal: object) -> tuple[Reference | None, Diagnostics]:
    """Interpret an absolute traversal as a reference (terraform's addrs.ParseRef)."""
    return parse_ref_steps(steps_from_traversal(traversal))


__all__ = [
    "Check",
    "CountAttr",
    "ForEachAttr",
    "InputVariable",
    "LocalValue",
    "OutputValue",
    "PathAttr",
    "Reference",
    "Referenceable",
    "Self",
    "TerraformAttr",
    "key_str",
    "parse_ref",
    "parse_ref_steps",
]
