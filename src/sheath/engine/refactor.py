"""moved, removed and import blocks: what they do to the prior state before planning.

``apply_moves`` renames objects in the state as the configuration's moved
blocks say (resources, instances and whole module instances), then
``apply_implied_moves`` does terraform's implicit ones (adding or removing
``count`` on a resource moves ``a`` to ``a[0]`` and back). Both return the
new address -> previous address map the plan reports as ``prev_run_address``.
"""

from __future__ import annotations

from typing import Any

from sheath import diag
from sheath.addrs.module import ModuleInstance
from sheath.addrs.resource import AbsResource, AbsResourceInstance
from sheath.config import Config
from sheath.config.refactoring import Removed
from sheath.diag import Diagnostics
from sheath.engine.evalctx import InstanceKey
from sheath.engine.planner import _parse_module_instance
from sheath.engine.run import Run, instance_address
from sheath.states.state import ResourceInstance, State
from sheath.states.state import Resource as StateResource


def _plain(k: Any) -> InstanceKey:
    return None if k is None else k.value  # type: ignore[no-any-return]


def _prefix_module(base: ModuleInstance, mi: ModuleInstance) -> ModuleInstance:
    return ModuleInstance(base.steps + mi.steps)


def _move_instance(state: State, src: tuple[str, str, str, str], skey: InstanceKey, dst: tuple[str, str, str, str], dkey: InstanceKey, moved: dict[str, str]) -> bool:
    sr = state.resources.get(src)
    if sr is None or skey not in sr.instances:
        return False
    dr = state.resources.get(dst)
    if dr is not None and dkey in dr.instances:
        return False
    inst = sr.instances.pop(skey)
    if dr is None:
        dr = StateResource(dst[0], dst[1], dst[2], dst[3], sr.provider)
        state.set_resource(dr)
    inst.key = dkey
    dr.instances[dkey] = inst
    if not sr.instances:
        state.remove_resource(*src)
    old = instance_address(_parse_module_instance(src[0]), sr, skey)
    new = instance_address(_parse_module_instance(dst[0]), dr, dkey)
    moved[new] = moved.pop(old, old)
    return True


def apply_moves(config: Config, state: State) -> tuple[dict[str, str], Diagnostics]:
    diags = Diagnostics()
    moved: dict[str, str] = {}
    for c in config.all_modules():
        if not c.module.moved:
            continue
        base = ModuleInstance(tuple(s for s in _parse_module_instance(str(c.path)).steps))
        for mv in c.module.moved:
            if mv.from_ is None or mv.to is None:
                continue
            f, t = mv.from_.subject, mv.to.subject
            if isinstance(f, ModuleInstance) and isinstance(t, ModuleInstance):
                _move_module(state, str(_prefix_module(base, f)), str(_prefix_module(base, t)), moved)
            elif isinstance(f, AbsResource) and isinstance(t, AbsResource):
                src = (str(_prefix_module(base, f.module)), f.resource.mode.value, f.resource.type, f.resource.name)
                dst = (str(_prefix_module(base, t.module)), t.resource.mode.value, t.resource.type, t.resource.name)
                sr = state.resources.get(src)
                if sr is None or dst in state.resources:
                    continue
                for k in list(sr.instances):
                    _move_instance(state, src, k, dst, k, moved)
            elif isinstance(f, (AbsResource, AbsResourceInstance)) and isinstance(t, (AbsResource, AbsResourceInstance)):
                fres, skey = _split_endpoint(f)
                tres, dkey = _split_endpoint(t)
                src = (str(_prefix_module(base, f.module)), fres.mode.value, fres.type, fres.name)
                dst = (str(_prefix_module(base, t.module)), tres.mode.value, tres.type, tres.name)
                _move_instance(state, src, skey, dst, dkey, moved)
    return moved, diags


def _split_endpoint(e: AbsResource | AbsResourceInstance) -> tuple[Any, InstanceKey]:
    if isinstance(e, AbsResourceInstance):
        return e.resource.resource, _plain(e.resource.key)
    return e.resource, None


def _move_module(state: State, src: str, dst: str, moved: dict[str, str]) -> None:
    for key, sr in sorted(state.resources.items()):
        mod = key[0]
        if mod == src or mod.startswith(src + ".") or (not _has_key(src) and mod.startswith(src + "[")):
            if not (mod == src or mod.startswith(src + ".")):
                continue
            new_mod = dst + mod[len(src) :]
            for k in list(sr.instances):
                _move_instance(state, key, k, (new_mod, key[1], key[2], key[3]), k, moved)


def _has_key(mod: str) -> bool:
    return mod.endswith("]")


def apply_implied_moves(config: Config, state: State, moved: dict[str, str]) -> None:
    for c in config.all_modules():
        static = str(c.path)
        for r in c.module.all_resources():
            mode = "data" if r.mode.name == "DATA" else "managed"
            for (mod, m, t, n), sr in list(state.resources.items()):
                if m != mode or t != r.type or n != r.name:
                    continue
                if str(_parse_module_instance(mod).module()) != static:
                    continue
                if r.count is not None and None in sr.instances and 0 not in sr.instances:
                    _move_instance(state, (mod, m, t, n), None, (mod, m, t, n), 0, moved)
                elif r.count is None and r.for_each is None and 0 in sr.instances and None not in sr.instances:
                    _move_instance(state, (mod, m, t, n), 0, (mod, m, t, n), None, moved)


class RemovedBlocks:
    """The configuration's removed blocks, by what they cover."""

    def __init__(self, config: Config) -> None:
        from sheath.addrs.module import Module as ModuleAddr

        self.resources: dict[tuple[str, str, str], Removed] = {}
        self.modules: list[tuple[tuple[str, ...], Removed]] = []
        for c in config.all_modules():
            for rm in c.module.removed:
                f = rm.from_
                if f is None:
                    continue
                if isinstance(f, ModuleAddr):
                    self.modules.append((c.path.names + f.names, rm))
                    continue
                mod = ModuleAddr(c.path.names + f.module.names)
                self.resources[(str(mod), f.resource.type, f.resource.name)] = rm

    def get(self, static: str, type_: str, name: str) -> Removed | None:
        from sheath.addrs.module import Module as ModuleAddr

        rm = self.resources.get((static, type_, name))
        if rm is not None:
            return rm
        names = _static_names(static)
        for mod, rmm in self.modules:
            if names[: len(mod)] == mod:
                return rmm
        _ = ModuleAddr
        return None


def _static_names(static: str) -> tuple[str, ...]:
    return tuple(p for i, p in enumerate(static.split(".")) if i % 2 == 1) if static else ()


def removed_blocks(config: Config) -> RemovedBlocks:
    return RemovedBlocks(config)


def import_targets(run: Run) -> dict[str, str]:
    """Instance address -> import id, for every import block (root module only, as terraform)."""
    out: dict[str, str] = {}
    m = run.config.module
    mi = ModuleInstance()
    for imp in m.imports:
        if imp.id is None or imp.to is None:
            continue
        items: list[dict[str, Any]] = [{}]
        if imp.for_each is not None:
            exp = run.expand(mi, None, imp.for_each)
            if exp is None:
                continue
            items = [exp.reps[k].variables() for k in exp.keys]
        for extra in items:
            idv, d = run.values.eval_expr(mi, imp.id, extra)
            if run.add_diags(d):
                continue
            plain, _ = idv.unmark_deep()
            if not plain.is_known or plain.is_null:
                run.add_diags([diag.error("Invalid import id argument", "The import block \"id\" argument depends on resource attributes that cannot be determined until apply, so Terraform cannot plan to import this resource.", imp.id.range)])
                continue
            addr = _import_address(run, imp, extra)
            if addr is None:
                continue
            out[addr] = str(plain.v)
    return out


def _import_address(run: Run, imp: Any, extra: dict[str, Any]) -> str | None:
    """The instance address an import block's ``to`` names (its key evaluated with each.*)."""
    if imp.to_resource is not None:
        return str(imp.to_resource)
    from sheath.lang.hclsyntax import ast

    to = imp.to
    if isinstance(to, ast.IndexExpr) and isinstance(to.collection, ast.ScopeTraversalExpr):
        from sheath.addrs.parse import parse_abs_resource

        base, d = parse_abs_resource(to.collection.traversal)
        if base is None:
            run.add_diags(d)
            return None
        kv, kd = run.values.eval_expr(ModuleInstance(), to.key, extra)
        if run.add_diags(kd):
            return None
        plain, _ = kv.unmark_deep()
        if not plain.is_known or plain.is_null:
            run.add_diags([diag.error("Invalid import address", "The import address key must be known during planning.", to.key.range)])
            return None
        from sheath.types.cty import STRING

        if plain.type == STRING:
            from sheath.addrs.instance_key import quote_hcl_string

            return f"{base}[{quote_hcl_string(plain.v)}]"
        return f"{base}[{int(plain.v.to_int())}]"
    return None


__all__ = ["apply_implied_moves", "apply_moves", "import_targets", "removed_blocks", "ResourceInstance"]
