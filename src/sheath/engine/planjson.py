"""A saved plan as terraform's JSON plan representation (what ``show -json PLANFILE``
prints, and what ``cost``, ``policy`` and the ui read): the plan's values decoded with the
schemas of the providers its changes name (``NativeSchemas``), its configuration snapshot
as terraform's ``configuration`` object."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sheath.diag import Diagnostics
from sheath.engine.schemas import NativeSchemas
from sheath.plans.model import Plan

__all__ = ["NATIVE_PROVIDERS", "plan_configuration_json", "plan_file_json", "plan_json", "prior_values", "schema_lookup"]

# the providers sheath implements, asked for a type no change of the plan names
NATIVE_PROVIDERS = (
    "terraform.io/builtin/terraform",
    "registry.terraform.io/hashicorp/random",
    "registry.terraform.io/hashicorp/local",
    "registry.terraform.io/cyrilgdn/postgresql",
)


def schema_lookup(plan: Plan | None, schemas: NativeSchemas) -> Callable[[str, str], Any]:
    """The schema of a resource type in plan: from the provider that the plan's changes (or
    its prior state) name for it -- a plugin installed by init included -- else from the
    other providers the plan names (the one the type's name implies first), else from the
    providers sheath implements; None when no provider answers (values render by shape)."""
    from sheath.states.jsonstate import provider_source

    named: dict[tuple[str, str], str] = {}
    if plan is not None and plan.prior_state is not None:
        for r in plan.prior_state.state.resources.values():
            named.setdefault((r.mode, r.type), provider_source(r.provider))
    if plan is not None:
        for c in plan.changes:
            if c.provider_name:
                named[(c.mode, c.type)] = c.provider_name

    # a resource type with no instance in the plan (count = 0 everywhere) is still in the
    # configuration, where terraform describes it with its provider's schema: try the
    # providers the plan names, the one the type's name implies first
    known = sorted(set(named.values()))

    def lookup(mode: str, type_: str) -> Any:
        first = named.get((mode, type_))
        implied = type_.split("_", 1)[0]
        others = tuple(sorted((p for p in known if p != first), key=lambda p: p.rsplit("/", 1)[-1] != implied))
        for p in ((first,) if first else ()) + others + NATIVE_PROVIDERS:
            s = schemas(p, mode, type_)
            if s is not None:
                return s
        return None

    return lookup


def prior_values(plan: Plan) -> dict[Any, Any]:
    """The prior state's objects decoded with their schemas, by address (and (address,
    deposed key) for deposed objects)."""
    from sheath.states.jsonstate import decode_object, provider_source
    from sheath.states.state import format_instance_key

    out: dict[Any, Any] = {}
    if plan.prior_state is None:
        return out
    schemas = NativeSchemas()
    for r in plan.prior_state.state.resources.values():
        schema = schemas(provider_source(r.provider), r.mode, r.type)
        for k, ri in r.instances.items():
            addr = r.address + format_instance_key(k)
            if ri.current is not None:
                out[addr] = decode_object(ri.current, schema)
            for dk, obj in ri.deposed.items():
                out[(addr, dk)] = decode_object(obj, schema)
    return out


def plan_configuration_json(config_files: dict[str, bytes], plan: Plan | None = None) -> dict[str, Any] | None:
    """terraform's ``configuration`` object of a plan's configuration snapshot (None when
    there is none or it does not load)."""
    from sheath.config.loader import load_module_tree
    from sheath.config.source import SnapshotModuleSource
    from sheath.plans.configuration import configuration_json

    if not config_files:
        return None
    config, diags = load_module_tree(".", SnapshotModuleSource.of(config_files))
    if diags.has_errors() or config is None:
        return None
    native = NativeSchemas()
    find = schema_lookup(plan, native)

    def lookup(mode: str, type_: str) -> tuple[Any, int] | None:
        sch = find(mode, type_)
        return None if sch is None else (sch.block, sch.version)

    def provider_block(provider: str) -> Any:
        ps = native.provider_schema(provider)
        return None if ps is None else ps.provider.block

    return configuration_json(config, lookup, provider_block)


def plan_json(plan: Plan, config_files: dict[str, bytes]) -> dict[str, Any]:
    """A plan and its configuration snapshot as terraform's JSON plan representation."""
    from sheath.plans.jsonplan import plan_to_json

    return plan_to_json(plan, plan_configuration_json(config_files, plan), prior_values(plan))


def plan_file_json(data: bytes, path: str, signing_key: bytes | None = None) -> tuple[dict[str, Any] | None, Diagnostics]:
    """A sheath plan file as terraform's JSON plan representation (what show -json prints)."""
    from sheath.plans.planfile import read_plan_file

    pf, diags = read_plan_file(data, path, signing_key)
    if pf is None:
        return None, diags
    return plan_json(pf.plan, pf.config_files), diags
