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
from sheath.addrs.module import Module as ModuleAddr, ModuleInstance
from sheath.addrs.resource import AbsResource, AbsResourceInstance
from sheath.config import Config
from sheath.config.refactoring import Removed
from sheath.diag import Diagnostics
from sheath.addrs.instance_key import IndexKey
from sheath.engine.planner import parse_module_instance
from sheath.engine.run import Run, instance_address
from sheath.states.state import State
from sheath.states.state import Resource as StateResource
from sheath.lang.eval.scope import object_of
from sheath.engine.importeach import UNKNOWN_DETAIL, import_each_items
from sheath.types import Value


def _plain(k: Any) -> IndexKey:
    return None if k is None else k.value


def _prefix_module(base: ModuleInstance, mi: ModuleInstance) -> ModuleInstance:
    return ModuleInstance(base.steps + mi.steps)


def _move_instance(
    state: State,
    src: tuple[str, str, str, str],
    skey: IndexKey,
    dst: tuple[str, str, str, str],
    dkey: IndexKey,
    moved: dict[str, str],
    blocked: list[tuple[str, str]] | None = None,
) -> bool:
    sr = state.resources.get(src)
    if sr is None or skey not in sr.instances:
        return False
    dr = state.resources.get(dst)
    if dr is not None and dkey in dr.instances:
        if blocked is not None:
            blocked.append(
                (
                    instance_address(parse_module_instance(src[0]), sr, skey),
                    instance_address(parse_module_instance(dst[0]), dr, dkey),
                )
            )
        return False
    inst = sr.instances.pop(skey)
    if dr is None:
        dr = StateResource(dst[0], dst[1], dst[2], dst[3], sr.provider)
        state.set_resource(dr)
    inst.key = dkey
    dr.instances[dkey] = inst
    if not sr.instances:
        state.remove_resource(*src)
    old = instance_address(parse_module_instance(src[0]), sr, skey)
    new = instance_address(parse_module_instance(dst[0]), dr, dkey)
    moved[new] = moved.pop(old, old)
    return True


def apply_moves(config: Config, state: State) -> tuple[dict[str, str], Diagnostics]:
    diags = Diagnostics()
    moved: dict[str, str] = {}
    blocked: list[tuple[str, str]] = []
    for c in config.all_modules():
        if not c.module.moved:
            continue
        base = ModuleInstance(tuple(s for s in parse_module_instance(str(c.path)).steps))
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
                if sr is None:
                    continue
                for k in list(sr.instances):
                    _move_instance(state, src, k, dst, k, moved, blocked)
            elif isinstance(f, (AbsResource, AbsResourceInstance)) and isinstance(t, (AbsResource, AbsResourceInstance)):
                fres, skey = _split_endpoint(f)
                tres, dkey = _split_endpoint(t)
                src = (str(_prefix_module(base, f.module)), fres.mode.value, fres.type, fres.name)
                dst = (str(_prefix_module(base, t.module)), tres.mode.value, tres.type, tres.name)
                _move_instance(state, src, skey, dst, dkey, moved, blocked)
    if blocked:
        lines = "".join(f"\n  - {a} could not move to {b}" for a, b in sorted(blocked))
        diags.append(
            diag.warning(
                "Unresolved resource instance address changes",
                "Terraform tried to adjust resource instance addresses in the prior state based on change information "
                "recorded in the configuration, but some adjustments did not succeed due to existing objects already "
                f"at the intended addresses:{lines}\n\nTerraform has planned to destroy these objects. If Terraform's "
                "proposed changes aren't appropriate, you must first resolve the conflicts using the \"terraform "
                "state\" subcommands and then create a new plan.",
            )
        )
    return moved, diags


def check_refactoring(config: Config) -> Diagnostics:
    """removed blocks naming resources still declared (the plan cannot start)."""
    diags = Diagnostics()
    from sheath.addrs.module import Module as ModuleAddr

    for c in config.all_modules():
        for rm in c.module.removed:
            f = rm.from_
            if f is None or isinstance(f, ModuleAddr):
                continue
            target = config.descendant(ModuleAddr(c.path.names + f.module.names))
            r = target.module.resource_by_key(str(f.resource)) if target is not None else None
            if r is not None:
                diags.add_error(
                    "Removed resource still exists",
                    f"This statement declares that {ModuleAddr(c.path.names + f.module.names).key() + '.' if c.path.names + f.module.names else ''}"
                    f"{f.resource} was removed, but it is still declared in configuration.",
                    r.decl_range,
                )
    return diags


def check_imports(config: Config) -> Diagnostics:
    """import blocks naming undeclared resources (the plan goes on, and fails)."""
    diags = Diagnostics()
    for imp in config.module.imports:
        if imp.to is None:
            continue
        name = _import_target_resource(imp)
        if name is None:
            continue
        mod, res = name
        target = config.descendant(mod)
        if target is None or target.module.resource_by_key(res) is None:
            shown = f"{mod.key()}.{res}" if mod.names else res
            if imp.to_resource is not None:
                shown = str(imp.to_resource)
            diags.add_error(
                "Configuration for import target does not exist",
                f"The configuration for the given import target {shown} does not exist. If you wish to "
                "automatically generate config for this resource, use the -generate-config-out option within "
                "terraform plan. Otherwise, make sure the target resource exists within your configuration. For "
                "example:\n\n  terraform plan -generate-config-out=generated.tf",
                imp.to.range,
            )
    return diags


def _import_target_resource(imp: Any) -> tuple[Any, str] | None:
    if imp.to_resource is not None:
        return imp.to_resource.module.module(), str(imp.to_resource.resource.resource)
    from sheath.lang.hclsyntax import ast
    from sheath.addrs.parse import parse_abs_resource

    to = imp.to
    if isinstance(to, ast.IndexExpr) and isinstance(to.collection, ast.ScopeTraversalExpr):
        base, _ = parse_abs_resource(to.collection.traversal)
        if base is not None:
            return base.module.module(), str(base.resource)
    return None


FORGET_DETAIL = (
    "If you apply this plan, Terraform will discard its tracking information for the following objects, but it will "
    "not delete them:{lines}\n\nAfter applying this plan, Terraform will no longer manage these objects. You will need "
    "to import them into Terraform to manage them again."
)


def _split_endpoint(e: AbsResource | AbsResourceInstance) -> tuple[Any, IndexKey]:
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
    by_name: dict[tuple[str, str, str], list[tuple[str, str, str, str]]] = {}
    for key in state.resources:
        by_name.setdefault((key[1], key[2], key[3]), []).append(key)
    for c in config.all_modules():
        static = str(c.path)
        for r in c.module.all_resources():
            mode = "data" if r.mode.name == "DATA" else "managed"
            for mod, m, t, n in by_name.get((mode, r.type, r.name), ()):
                sr = state.resources.get((mod, m, t, n))
                if sr is None:
                    continue
                if str(parse_module_instance(mod).module()) != static:
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


def import_targets(run: Run, module: ModuleAddr, resource: str) -> dict[str, str] | None:
    """Instance address -> import id, for the import blocks naming this resource (root module
    only, as terraform); None when one of them is invalid (the resource is then not planned,
    as terraform's resource node fails its expansion). Evaluated when the resource is
    planned, as terraform's node expands its imports: what their for_each and id refer to
    (locals, data sources) is known by then."""
    out: dict[str, str] = {}
    mi = ModuleInstance()
    for imp in run.config.module.imports:
        if imp.id is None or imp.to is None:
            continue
        named = _import_target_resource(imp)
        if named is None or named[0] != module or named[1] != resource:
            continue
        items: list[dict[str, Value]] = [{}]
        if imp.for_each is not None:
            reps = _import_repetitions(run, mi, imp.for_each)
            if reps is None:
                return None
            items = reps
        for extra in items:
            idv, d = run.values.eval_expr(mi, imp.id, extra)
            if run.add_diags(d):
                return None
            plain, _ = idv.unmark_deep()
            if not plain.is_known or plain.is_null:
                run.add_diags([diag.error("Invalid import id argument", "The import block \"id\" argument depends on resource attributes that cannot be determined until apply, so Terraform cannot plan to import this resource.", imp.id.range)])
                return None
            addr = _import_address(run, imp, extra)
            if addr is None:
                return None
            out[addr] = str(plain.v)
    return out


def _import_repetitions(run: Run, mi: ModuleInstance, expr: Any) -> list[dict[str, Value]] | None:
    """each.key/each.value of an import block's for_each (None when it is invalid)."""
    from sheath.lang.eval.diagvalues import annotate

    v, d, ctx = run.values.eval_expr_ctx(mi, expr)
    if run.add_diags(d):
        return None
    items, problems = import_each_items(v)
    for detail in problems:
        e = diag.error("Invalid for_each argument", detail, expr.range)
        e.extra["expr"] = expr
        e.extra["ctx"] = ctx
        e.extra["caused_by_unknown"] = detail == UNKNOWN_DETAIL
        annotate([e])
        run.add_diags([e])
    if items is None or problems:
        return None
    return [{"each": object_of({"key": k, "value": e})} for k, e in items]


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


__all__ = ["apply_implied_moves", "apply_moves", "check_imports", "check_refactoring", "import_targets", "removed_blocks"]
