"""The engine's public operations: load a working directory, plan, apply.

``load`` reads and validates the configuration and the root variables;
``make_plan`` walks the graph and returns a Plan (changes, output changes,
the refreshed prior state); ``apply_plan`` carries a plan out against a state
manager, making every completed object durable at once (the journal) and
writing the whole state file at the end.
"""

from __future__ import annotations

import copy
import threading
from dataclasses import dataclass, field
from dataclasses import replace as replace_fields
from datetime import datetime, timezone
from typing import Any, Callable, Iterable, Mapping, Sequence

from sheath import TERRAFORM_VERSION
from sheath import diag
from sheath.addrs.module import ModuleInstance
from sheath.addrs.resource import AbsResourceInstance
from sheath.config import Config, load_module_tree
from sheath.config.resource import Resource
from sheath.config.source import FilesystemModuleSource, ModuleSource, RecordingModuleSource
from sheath.config.variables import InputValue, collect_variable_values, finalize_variable_values
from sheath.diag import Diagnostics
from sheath.engine.applier import ResourceApplier, destroy_objects
from sheath.engine.dataloss import allowance
from sheath.engine.evalctx import NamedValues, Repetition
from sheath.engine.generation import GenerationTarget, with_generation_targets, write_generated
from sheath.engine.hooks import NOT_DEPOSED, Hooks, NoHooks
from sheath.engine.destroyplan import plan_destroy
from sheath.engine.objects import object_private, object_value
from sheath.engine.providerfuncs import FunctionScopes
from sheath.engine.planner import ResourcePlanner, parse_module_instance, static_module, upgrade_object
from sheath.engine.providers import ProviderFactory, ProviderSchemas, lock_consistency, required_plugins
from sheath.engine.run import (
    APPLY,
    PLAN,
    Run,
    RunOptions,
    WalkAbort,
    parse_provider_node,
    provider_address,
    instance_addr,
    instance_address,
    resource_mode,
    set_root_output,
)
from sheath.graph.dag import Graph
from sheath.graph.references import CHECK, LOCAL, MODULE_CALL, OUTPUT, PROVIDER, RESOURCE, VARIABLE, ConfigGraph, ConfigNode, build_config_graph
from sheath.lang.funcs.function import Function
from sheath.plans.model import Action, ActionReason, OutputChange, Plan, ResourceInstanceChange, UIMode, sort_changes
from sheath.providers import interface as pi
from sheath.providers.schema import Block
from sheath.providers.registry import ProviderRegistry, default_registry
from sheath.backend.current import current_workspace
from sheath.engine.provider_instances import change_provider_addr, for_object, select_for_instance, uses_instances
from sheath.states.state import OutputValue, State, split_provider_instance
from sheath.states.statefile import StateFile
from sheath.types.cty import DYNAMIC, SENSITIVE, Value, null
from sheath.types.json import type_from_json, value_from_json
from sheath.types.ops import raw_equal


@dataclass
class Session:
    """A loaded working directory: configuration, graph, functions and root variables."""

    root_dir: str
    config: Config
    graph: ConfigGraph
    functions: Mapping[str, Function]
    variables: dict[str, Value]
    factory: ProviderFactory
    # provider instances and schemas: validation starts plugins, the plan goes on using them
    schemas: ProviderSchemas | None = None
    # the configuration files as read (path -> bytes): what a saved plan stores
    config_snapshot: dict[str, bytes] = field(default_factory=dict)
    # where the root module was read from (import -config): path.module and path.root of
    # the root module; root_dir stays the working directory (state, plugins, variables files)
    config_dir: str = "."
    workspace: str = "default"  # the selected workspace: terraform.workspace

    def provider_schemas(self) -> ProviderSchemas:
        if self.schemas is None:
            self.schemas = ProviderSchemas(self.factory)
        return self.schemas

    def function_scopes(self) -> FunctionScopes:
        """Each module's functions: the built-in ones and its required providers' functions."""
        return FunctionScopes(self.functions, self.config, self.provider_schemas())

    def schema_lookup(self, mode: str, type_name: str) -> Any:
        """The block schema of a resource type or data source (for rendering), from the
        providers this session has loaded; schemas are looked up, never all converted."""
        for ps in self.provider_schemas().loaded():
            s = (ps.data_sources if mode == "data" else ps.resource_types).get(type_name)
            if s is not None:
                return s.block
        return None


def load(
    root_dir: str = ".",
    var_args: Sequence[tuple[str, str]] = (),
    validate: bool = True,
    variables: Mapping[str, Value] | None = None,
    ask: Callable[[Any], str] | None = None,
    source: ModuleSource | None = None,
    inputs: Mapping[str, InputValue] | None = None,
    config_dir: str | None = None,
    registry: ProviderRegistry | None = None,
    workspace: str | None = None,
) -> tuple[Session | None, Diagnostics]:
    """Load, validate and graph the configuration; root variables from var_args and the
    usual files (``inputs``, values given by a calling program, override them), or
    exactly ``variables`` (a saved plan's). The configuration is read
    through source (the working directory when None; a plan's snapshot to apply it),
    from config_dir when given (terraform import -config: the root module comes from there;
    installed modules, plugins, the lock file and variables files from root_dir); registry:
    the providers sheath serves itself (the shipped ones when None); workspace: terraform.workspace
    (the selected one when None: TF_WORKSPACE, else the data directory's environment file)."""
    from sheath.engine.validate import scope_functions, validate_config

    recorder = RecordingModuleSource(source or FilesystemModuleSource())
    cfg, diags = load_module_tree(root_dir if config_dir is None else config_dir, recorder, work_dir=root_dir)
    if diags.has_errors():
        return None, diags
    if validate:
        # as terraform's backend and local run do: the installed plugins are the locked ones,
        # and the lock selects a version of every provider the configuration needs (a load
        # that validates nothing starts no provider: sheath unmanaged reads provider blocks only)
        diags.extend(required_plugins(root_dir, registry=registry))
        if diags.has_errors():
            return None, diags
        diags.extend(lock_consistency(cfg, root_dir))
        if diags.has_errors():
            return None, diags
    factory = ProviderFactory(root_dir, registry or default_registry(), var_args=var_args, inputs=dict(inputs or {}))
    schemas = ProviderSchemas(factory)
    cg, gd = build_config_graph(cfg)
    if validate:
        # validation reports the graph's cycles (terraform builds its validate graph first)
        diags.extend(validate_config(cfg, root_dir, schemas, path_root=config_dir or ".", graph=cg))
        if diags.has_errors():
            schemas.close()
            return None, diags
    else:
        diags.extend(gd)
        if diags.has_errors():
            return None, diags
    if variables is not None:
        session = Session(root_dir, cfg, cg, scope_functions(root_dir), dict(variables), factory, schemas)
        session.config_snapshot = recorder.snapshot()
        session.config_dir = config_dir or "."
        session.workspace = workspace or current_workspace(root_dir)
        return session, diags
    given, vd = collect_variable_values(cfg.module, root_dir, var_args)
    diags.extend(vd)
    for name, caller_value in (inputs or {}).items():
        if name not in cfg.module.variables:
            diags.add_error(
                "Value for undeclared variable",
                f'A variable named "{name}" was assigned a value, but the root module does not declare a variable of that name.',
            )
        else:
            given[name] = caller_value
    if diags.has_errors():
        return None, diags
    if ask is not None:
        from sheath.config.variables import interactive_value

        for name in sorted(cfg.module.variables):
            var = cfg.module.variables[name]
            if name in given or var.default is not None:
                continue
            iv, idg = interactive_value(var, ask(var))
            diags.extend(idg)
            if iv is not None:
                given[name] = iv
        if diags.has_errors():
            return None, diags
    values, fd = finalize_variable_values(cfg.module, given)
    diags.extend(fd)
    if diags.has_errors():
        return None, diags
    from sheath.config.deprecation import root_variable_warnings

    diags.extend(root_variable_warnings(cfg, given))
    session = Session(root_dir, cfg, cg, scope_functions(root_dir), values, factory, schemas)
    session.config_snapshot = recorder.snapshot()
    session.config_dir = config_dir or "."
    session.workspace = workspace or current_workspace(root_dir)
    return session, diags


_TARGET_WARNING = (
    "You are creating a plan with the -target option, which means that the result of this plan may not represent "
    "all of the changes requested by the current configuration.\n\nThe -target option is not for routine use, and "
    "is provided only for exceptional situations such as recovering from errors or mistakes, or when Terraform "
    "specifically suggests to use it as part of an error message."
)

_TARGET_APPLY_WARNING = (
    "The plan was created with the -target option in effect, so some changes requested in the configuration may "
    "have been ignored and the output values may not be fully updated. Run the following command to verify that no "
    "other changes are pending:\n    terraform plan\n\nNote that the -target option is not suitable for routine "
    "use, and is provided only for exceptional situations such as recovering from errors or mistakes, or when "
    "Terraform specifically suggests to use it as part of an error message."
)


_IMPORT_TARGET_MISSING = "Configuration for import target does not exist"


@dataclass
class PlanOptions:
    mode: UIMode = UIMode.NORMAL
    refresh: bool = True
    parallelism: int = 10
    replace: Sequence[str] = ()
    targets: Sequence[str] = ()
    excludes: Sequence[str] = ()  # OpenTofu's -exclude (sheath.engine.exclusion)
    hooks: Hooks = field(default_factory=NoHooks)
    # the plan is applied at once: checks that can only be decided then are not warned about
    for_apply: bool = False
    # plan -generate-config-out: the new file configuration for undeclared import targets is written to
    generate_config_out: str = ""
    # -allow-data-loss: resources (or instances) allowed to lose data in this run (engine.dataloss)
    allow_data_loss: Sequence[str] = ()


def visit_node(run: Run, node: ConfigNode, apply_mode: bool) -> None:
    """Run one node of a walk: what a plan (apply_mode: an apply) does for a node of its kind."""
    k = node.kind
    if k == MODULE_CALL:
        run.visit_module_call(node)
    elif k == VARIABLE:
        run.visit_variable(node)
    elif k == LOCAL:
        run.visit_local(node)
    elif k == OUTPUT:
        if run.opts.destroy and apply_mode and not node.module.names:
            return  # a destroy removes the root outputs; a module's may feed a provider
        run.visit_output(node)
    elif k == PROVIDER:
        run.visit_provider(node)
    elif k == CHECK:
        if not run.opts.destroy:
            run.visit_check(node)
    elif k == RESOURCE:
        if node.local.startswith("ephemeral."):
            from sheath.engine.ephemeral import EphemeralOpener

            EphemeralOpener(run, node).open()
            return
        if apply_mode:
            if run.opts.destroy:
                _values_from_state(run, node)
            else:
                ResourceApplier(run, node).apply()
        else:
            if run.plans_imports:
                from sheath.engine.refactor import import_targets

                imports = import_targets(run, node.module, node.local)
                if imports is None:
                    return  # as terraform: a resource whose import blocks are invalid is not planned
                run.import_ids.update(imports)
            ResourcePlanner(run, node).plan()


def _values_from_state(run: Run, node: ConfigNode) -> None:
    """Destroy mode: a resource a provider configuration refers to has the values in state."""
    planner = ResourcePlanner(run, node)
    schema, _ = run.resource_schema(node, planner.r)
    provider, _ = run.provider_for(node)
    planner.values_from_state(schema, provider)


def _filtered_graph(run: Run, keep: Callable[[ConfigNode], bool]) -> Graph[ConfigNode]:
    g: Graph[ConfigNode] = Graph()
    src = run.cg.graph
    for n in src:
        if keep(n):
            g.add_node(n)
    for n in src:
        if not keep(n):
            continue
        for d in src.dependencies(n):
            if keep(d):
                g.add_edge(n, d)
    return g


def _state_copy(sf: StateFile) -> StateFile:
    """A copy whose containers can change freely. Objects' attribute JSON is shared:
    the engine replaces objects, it never edits their attributes in place."""
    from dataclasses import replace

    from sheath.states.state import Resource as StateResource
    from sheath.states.state import ResourceInstance

    st = sf.state
    new = State(outputs=dict(st.outputs), check_results=copy.deepcopy(st.check_results))
    for key, sr in st.resources.items():
        nr = StateResource(sr.module, sr.mode, sr.type, sr.name, sr.provider, each=sr.each)
        for k, inst in sr.instances.items():
            nr.instances[k] = ResourceInstance(
                k,
                replace(inst.current) if inst.current is not None else None,
                {dk: replace(o) for dk, o in inst.deposed.items()},
            )
        new.resources[key] = nr
    return StateFile(new, sf.serial, sf.lineage, sf.terraform_version)


# --- plan ------------------------------------------------------------------------------------


def make_plan(session: Session, prior: StateFile, opts: PlanOptions) -> tuple[Plan | None, Diagnostics]:
    """Plan against (a copy of) the prior state; no plan when the configuration's
    refactoring blocks (moved, removed, import) are invalid."""
    from sheath.engine.refactor import (
        FORGET_DETAIL,
        apply_implied_moves,
        apply_moves,
        check_imports,
        check_refactoring,
    )

    config, graph = session.config, session.graph
    generation: dict[str, GenerationTarget] = {}
    if opts.generate_config_out:
        from sheath.genconfig.write import invalid_mode, validate_target_file

        if opts.mode != UIMode.NORMAL:
            return None, Diagnostics([invalid_mode()])
        vd = validate_target_file(opts.generate_config_out)
        if vd.has_errors():
            return None, vd
        config, generation = with_generation_targets(config, opts.generate_config_out)
        if generation:
            graph, gd = build_config_graph(config)
            if gd.has_errors():
                return None, gd
    data_loss, dld = allowance(opts.allow_data_loss)
    if dld.has_errors():
        return None, dld
    prev_run = _state_copy(prior)
    working = _state_copy(prior)
    diags = check_refactoring(config)
    if diags.has_errors():
        return None, diags
    moved_from, md = apply_moves(config, working.state)
    diags.extend(md)
    diags.extend(check_imports(config))
    apply_implied_moves(config, working.state, moved_from)
    values = NamedValues(session.root_dir, session.functions, workspace=session.workspace, scopes=session.function_scopes())
    run = Run(
        PLAN,
        config,
        graph,
        working.state,
        session.provider_schemas(),
        values,
        session.variables,
        RunOptions(
            # terraform's destroy plan refreshes (reading the data sources) in a normal plan
            # it runs first, skipped with -refresh=false and for an empty state
            refresh=opts.refresh and not (opts.mode == UIMode.DESTROY and not (prior.state.outputs or prior.state.resources)),
            parallelism=opts.parallelism,
            replace=frozenset(opts.replace),
            hooks=opts.hooks,
            destroy=opts.mode == UIMode.DESTROY,
            refresh_only=opts.mode == UIMode.REFRESH_ONLY,
            for_apply=opts.for_apply,
            allow_data_loss=data_loss,
        ),
    )
    run.generation = generation
    run.generate_config_out = opts.generate_config_out
    run.add_diags(diags)
    walk_ok = not diags.has_errors()
    if opts.targets:
        from sheath.engine.targeting import parse_target, target_closure

        for t in opts.targets:
            tgt, td = parse_target(t)
            run.add_diags(td)
            if tgt is not None:
                run.targets.append(tgt)
        run.target_direct, closure = target_closure(graph, run.targets)
        run.target_closure = closure
        run.add_diags([diag.warning("Resource targeting is in effect", _TARGET_WARNING)])
    if opts.excludes:
        from sheath.engine.exclusion import restrict_walk

        restrict_walk(run, graph, opts.excludes)
    try:
        if walk_ok or not any(d.severity.name == "ERROR" and d.summary != _IMPORT_TARGET_MISSING for d in run.diags):
            run.plans_imports = opts.mode == UIMode.NORMAL
            run.walk(graph.graph, lambda n: visit_node(run, n, False))
        if not run.diags.has_errors():
            _plan_orphan_resources(run)
        # (while the providers are open: each delete is planned by its provider)
        destroying = _destroy_changes(run, working.state) if opts.mode == UIMode.DESTROY else []
    finally:
        run.close_providers()
    if opts.mode != UIMode.REFRESH_ONLY:
        run.add_diags(data_loss.diagnostics())
    plan = Plan(
        prior_state=working,
        prev_run_state=prev_run,
        variables=dict(session.variables),
        ui_mode=opts.mode,
        timestamp=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        force_replace_addrs=list(opts.replace),
        target_addrs=list(opts.targets),
        exclude_addrs=list(opts.excludes),
        complete=not opts.targets and not opts.excludes,
        allow_data_loss_addrs=list(opts.allow_data_loss),
    )
    changes = list(run.changes.values())
    for c in changes:
        old = moved_from.get(c.address)
        if old is not None:
            c.prev_run_address = old
    if opts.mode == UIMode.DESTROY:
        changes = destroying
        _check_prevent_destroy(run, changes)
    elif opts.mode == UIMode.REFRESH_ONLY:
        changes = []
    plan.changes = sort_changes(changes)
    from sheath.engine.lifecycle_destroy import forget_instead_of_destroy, record_skip_destroy

    run.add_diags(forget_instead_of_destroy(config, working.state, plan.changes))
    record_skip_destroy(config, working.state)
    plan.checks = run.checks.plan_checks() if run.checks.configs else None
    forgotten = [c.address for c in plan.changes if c.action == Action.FORGET]
    if forgotten:
        lines = "".join(f"\n - {a}" for a in forgotten)
        run.add_diags([diag.warning("Some objects will no longer be managed by Terraform", FORGET_DETAIL.format(lines=lines))])
    # terraform's destroy plan walks the state its refresh plan produced, starting from it as
    # the walk's previous-run state too: its drift (previous run against prior) is empty
    plan.drift = (
        []
        if opts.mode == UIMode.DESTROY
        else _drift(run, prev_run.state, working.state, moved_from, opts.mode == UIMode.REFRESH_ONLY)
    )
    plan.output_changes = _output_changes(run, prior.state, opts.mode)
    plan.relevant_attributes = _relevant_attributes(run, config, plan)
    if opts.mode != UIMode.DESTROY:
        _record_known_outputs(run, working.state)
    run.prune_state()
    plan.errored = run.diags.has_errors()
    if opts.generate_config_out:
        _, wd = write_generated(plan.changes, generation.values(), opts.generate_config_out)
        run.add_diags(wd)
        plan.errored = run.diags.has_errors()
    # terraform's: a refresh-only plan when the refresh changed the state, others when they
    # change something (an apply of a plan that is not still writes what the plan refreshed)
    if opts.mode == UIMode.REFRESH_ONLY:
        plan.applyable = not plan.errored and (bool(plan.drift) or plan_changes_state(plan))
    else:
        plan.applyable = not plan.errored and (
            any(c.action != Action.NO_OP or c.importing is not None or c.moved for c in plan.changes)
            or any(o.action != Action.NO_OP for o in plan.output_changes)
        )
    return plan, run.diags


def plan_changes_state(plan: Plan) -> bool:
    """Whether the state the plan was made from (refreshed, with what the plan records in
    it: create_before_destroy, dependencies, moves) differs from the state before it."""
    if plan.prior_state is None or plan.prev_run_state is None:
        return False
    return _state_changed(plan.prev_run_state.state, plan.prior_state.state)


def _state_changed(a: State, b: State) -> bool:
    from sheath.states.statefile import state_file_document

    return state_file_document(StateFile(a)) != state_file_document(StateFile(b))


def _provider_for_state_resource(run: Run, provider_config: str) -> pi.Provider:
    """A configured provider for an object whose configuration is gone."""
    p = run.providers.get(provider_config)
    if p is not None:
        return p
    base, pkey = split_provider_instance(provider_config)
    node = run.cg.node(base)
    if node is not None and (pkey is not None or _has_for_each(run, node)):
        # OpenTofu's provider for_each: the instance, once its configuration is configured; an
        # instance no longer declared is reported per object (engine.provider_instances)
        if node.name not in run.provider_keys:
            run.visit_provider(node)
        p = run.providers.get(provider_config)
        if p is not None:
            return p
        return run.schemas.function_instance(provider_address(parse_provider_node(node.local)[0]))
    local = provider_config.split("provider[", 1)
    addr_str, _ = parse_provider_node("provider[" + local[-1])
    addr = provider_address(addr_str)
    node = run.cg.node(provider_config)
    if node is not None:
        run.visit_provider(node)
        return run.providers[node.name]
    provider = run.schemas.take_instance(addr)
    ps = run.schemas.get(addr)
    provider.configure_provider(pi.ConfigureProviderRequest(TERRAFORM_VERSION, ps.provider.block.empty_value()))
    run.providers[provider_config] = provider
    return provider


def _has_for_each(run: Run, node: ConfigNode) -> bool:
    """Whether a provider configuration node's block has OpenTofu's for_each."""
    c = run.configs.get(node.module)
    if c is None:
        return False
    addr_str, alias = parse_provider_node(node.local)
    m = c.module
    return any(
        pc.for_each is not None and pc.alias == alias and str(m.implied_provider_for_local_name(pc.name)) == addr_str
        for pc in m.provider_configs.values()
    )


def _config_resource_keys(cfg: Config) -> set[tuple[str, str, str, str]]:
    out: set[tuple[str, str, str, str]] = set()
    for c in cfg.all_modules():
        for r in c.module.all_resources():
            mode = "data" if r.mode.name == "DATA" else "managed"
            out.add((str(c.path), mode, r.type, r.name))
    return out


def _plan_orphan_resources(run: Run) -> None:
    """Resources in state whose configuration is gone: delete (or forget, with a removed block)."""
    from sheath.engine.refactor import removed_blocks

    declared = _config_resource_keys(run.config)
    removed = removed_blocks(run.config)
    for (mod, mode, typ, name), sr in sorted(run.state.resources.items()):
        static = static_module(mod)
        if (static, mode, typ, name) in declared:
            continue
        # a module that no longer exists at all is handled here too
        if mode == "data":
            for key in list(sr.instances):
                run.set_object(sr, key, None)
            continue
        mi = parse_module_instance(mod)
        objects = [o for o in _objects(sr) if _orphan_targeted(run, mi, sr, o[0])]
        if not objects:
            continue
        provider = _provider_for_state_resource(run, sr.provider)
        addr_str, _ = _state_provider(sr)
        schema = run.schemas.resource_schema(provider_address(addr_str), mode, typ)
        if schema is None:
            run.add_diags([diag.error("Invalid resource type", f'The provider {addr_str} does not support resource type "{typ}".')])
            continue
        rem = removed.get(static, typ, name)
        resource_provider = provider
        for key, dk, obj in objects:
            # OpenTofu's provider for_each: the object's own provider instance
            own = for_object(run, sr, obj, instance_address(mi, sr, key), resource_provider, dk)
            if own is None:
                continue
            provider = own
            prior = upgrade_object(run, provider, typ, schema, obj)
            if prior is None:
                continue
            if run.opts.refresh and (rem is None or rem.destroy):
                refreshed = refresh_orphan(run, provider, sr, key, obj, schema, prior, dk)
                if refreshed is None:
                    continue
                prior = orphan_before(prior, refreshed, dk)
            action = Action.DELETE
            reason = ActionReason.DELETE_BECAUSE_NO_RESOURCE_CONFIG if not dk else ActionReason.NONE
            # (no configuration at all, a whole module block gone included: terraform's
            # "no module" reason is for module instances whose call is still declared)
            if rem is not None and not rem.destroy:
                action, reason = Action.FORGET, ActionReason.DELETE_BECAUSE_NO_RESOURCE_CONFIG
            if rem is not None and rem.destroy:
                reason = ActionReason.DELETE_BECAUSE_NO_RESOURCE_CONFIG
            addr = instance_address(mi, sr, key)
            private: bytes | None = None
            if action is Action.DELETE:
                private = plan_destroy(run, provider, typ, prior, object_private(obj), addr, addr_str)
                if private is None:
                    continue
            run.record_change(
                ResourceInstanceChange(
                    address=instance_address(mi, sr, key),
                    mode=mode,
                    type=typ,
                    name=name,
                    action=action,
                    before=prior,
                    after=null(prior.type),
                    provider_name=addr_str,
                    provider_config_addr=change_provider_addr(run, sr, key, obj),
                    module_address=mod,
                    index=key,
                    deposed=dk,
                    action_reason=reason,
                    schema_version=schema.version,
                    private=private,
                )
            )


def _orphan_targeted(run: Run, mi: ModuleInstance, sr: Any, key: Any) -> bool:
    """With -target, an object whose configuration is gone is planned only when a target
    names it (its resource, the instance or a module holding it)."""
    if run.target_closure is None:
        return True
    from sheath.states.state import format_instance_key

    ks = format_instance_key(key)
    if run.excludes:
        from sheath.engine.exclusion import orphan_kept

        return orphan_kept(run.excludes, mi, f"{sr.type}.{sr.name}", ks)
    return any(t.contains_instance(mi, f"{sr.type}.{sr.name}", ks) for t in run.targets)


def orphan_before(prior: Value, refreshed: Value, deposed: str) -> Value:
    """The "before" of an orphan's delete: terraform 1.11 plans a current object's
    destroy before refreshing it (the refresh only drops an object that is gone), so
    the change shows the object as stored; a deposed object's destroy is planned from
    its refreshed value."""
    return refreshed if deposed else prior


def refresh_orphan(
    run: Run, provider: pi.Provider, sr: Any, key: Any, obj: Any, schema: Any, prior: Value, deposed: str = ""
) -> Value | None:
    """Read an object planned for deletion (terraform refreshes those too, deposed ones
    included); None when it is gone."""
    from sheath.engine.objects import new_object
    from sheath.engine.run import object_id
    from sheath.providers.marks import mark_sensitive

    addr = instance_addr(parse_module_instance(sr.module), sr, key)
    run.hooks.pre_refresh(addr, deposed, object_id(prior))
    rr = provider.read_resource(pi.ReadResourceRequest(sr.type, prior.unmark_deep()[0], object_private(obj)))
    if run.add_diags(rr.diagnostics):
        return prior
    run.hooks.post_refresh(addr, deposed, object_id(rr.new_state))
    if rr.new_state is None or rr.new_state.is_null:
        run.set_object(sr, key, None, deposed=deposed)
        return None
    refreshed = mark_sensitive(schema.block, rr.new_state)
    if not raw_equal(refreshed.unmark_deep()[0], prior.unmark_deep()[0]):
        run.set_object(
            sr,
            key,
            new_object(refreshed, schema, private=rr.private, dependencies=obj.dependencies, create_before_destroy=obj.create_before_destroy, status=obj.status),
            deposed=deposed,
        )
    return refreshed


def _state_provider(sr: Any) -> tuple[str, str]:
    """(provider source address, alias) of a state resource's provider configuration,
    which may sit in a module (module.m.provider["..."].alias)."""
    return parse_provider_node("provider[" + sr.provider.split("provider[", 1)[-1])


def _objects(sr: Any) -> Any:
    """Every object of a state resource as (key, deposed key, object): by instance key,
    the current object first, then the deposed ones."""
    for key, inst in sorted(sr.instances.items(), key=lambda kv: _korder(kv[0])):
        if inst.current is not None:
            yield key, "", inst.current
        for dk, obj in sorted(inst.deposed.items()):
            yield key, dk, obj


def _korder(k: Any) -> tuple[int, int, str]:
    if k is None:
        return (0, 0, "")
    if isinstance(k, int):
        return (1, k, "")
    return (2, 0, k)


def _check_prevent_destroy(run: Run, changes: list[ResourceInstanceChange]) -> None:
    from sheath.engine.planner import prevent_destroy_diagnostic

    for c in changes:
        if c.deposed:
            continue
        cfg = run.config.descendant(parse_module_instance(c.module_address).module())
        r = cfg.module.resource_by_key(f"{c.type}.{c.name}") if cfg is not None else None
        if r is not None and r.managed is not None and r.managed.prevent_destroy:
            run.add_diags([prevent_destroy_diagnostic(c.address, r)])


def _destroy_changes(run: Run, state: State) -> list[ResourceInstanceChange]:
    """A destroy plan: every managed object in state is deleted; with -target, the
    targeted objects and those that depend on them."""
    from sheath.engine.targeting import destroy_selection

    selected = destroy_selection(state, run.targets) if run.target_closure is not None else None
    if run.excludes:
        from sheath.engine.exclusion import destroy_remainder

        selected = destroy_remainder(state, run.excludes)
    out: list[ResourceInstanceChange] = []
    for (mod, mode, typ, name), sr in sorted(state.resources.items()):
        if mode != "managed":
            continue
        try:
            provider = _provider_for_state_resource(run, sr.provider)
        except WalkAbort:
            continue
        addr_str, _ = _state_provider(sr)
        schema = run.schemas.resource_schema(provider_address(addr_str), mode, typ)
        if schema is None:
            continue
        mi = parse_module_instance(mod)
        resource_provider = provider
        for key, dk, obj in _objects(sr):
            if selected is not None and instance_address(mi, sr, key) not in selected:
                continue
            own = for_object(run, sr, obj, instance_address(mi, sr, key), resource_provider, dk)  # OpenTofu's provider for_each
            if own is None:
                continue
            provider = own
            prior = upgrade_object(run, provider, typ, schema, obj)
            if prior is None:
                continue
            private = plan_destroy(run, provider, typ, prior, object_private(obj), instance_address(mi, sr, key), addr_str)
            if private is None:
                continue
            out.append(
                ResourceInstanceChange(
                    address=instance_address(mi, sr, key),
                    mode=mode,
                    type=typ,
                    name=name,
                    action=Action.DELETE,
                    before=prior,
                    after=null(prior.type),
                    provider_name=addr_str,
                    provider_config_addr=change_provider_addr(run, sr, key, obj),
                    module_address=mod,
                    index=key,
                    deposed=dk,
                    schema_version=schema.version,
                    private=private,
                )
            )
    return out


def _drift(run: Run, before: State, after: State, moved_from: dict[str, str], moves: bool = False) -> list[ResourceInstanceChange]:
    """Objects the refresh found changed or deleted outside of sheath (managed resources)."""
    out: list[ResourceInstanceChange] = []
    new_of = {o: n for n, o in moved_from.items()}
    index: dict[str, Any] = {}
    for asr in after.resources.values():
        if asr.mode == "managed":
            ami = parse_module_instance(asr.module)
            for k, ainst in asr.instances.items():
                index[instance_address(ami, asr, k)] = (asr, k, ainst)
    for key, sr in sorted(before.resources.items()):
        if sr.mode != "managed":
            continue
        try:
            addr_str, _ = _state_provider(sr)
            schema = run.schemas.resource_schema(provider_address(addr_str), "managed", sr.type)
        except Exception:  # noqa: BLE001 - an unknown provider: no drift to report
            continue
        if schema is None:
            continue
        mi = parse_module_instance(sr.module)
        for ikey, inst in sorted(sr.instances.items(), key=lambda kv: _korder(kv[0])):
            if inst.current is None:
                continue
            addr = instance_address(mi, sr, ikey)
            new_addr = new_of.get(addr, addr)
            found = index.get(new_addr)
            nsr, nkey, nmi_key = found if found is not None else (sr, ikey, None)
            now_obj = nmi_key.current if nmi_key is not None else None
            moved_here = new_addr != addr
            if now_obj is not None and now_obj.attributes == inst.current.attributes and not (moves and moved_here):
                continue
            try:
                prev = object_value(inst.current, schema)
            except Exception:  # noqa: BLE001
                continue
            now = object_value(now_obj, schema) if now_obj is not None else null(prev.type)
            out.append(
                ResourceInstanceChange(
                    address=new_addr,
                    mode="managed",
                    type=nsr.type,
                    name=nsr.name,
                    action=(Action.NO_OP if now_obj.attributes == inst.current.attributes else Action.UPDATE)
                    if now_obj is not None
                    else Action.DELETE,
                    prev_run_address=addr if moved_here else "",
                    before=prev,
                    after=now,
                    provider_name=addr_str,
                    provider_config_addr=sr.provider,
                    module_address=nsr.module,
                    index=nkey,
                    schema_version=schema.version,
                )
            )
    return sort_changes(out)


def output_value(ov: OutputValue) -> Value:
    from sheath.states import gojson

    t = type_from_json(gojson.dumps_line(ov.type))
    v = value_from_json(gojson.dumps_line(ov.value), t)
    return v.mark(SENSITIVE) if ov.sensitive else v


def _record_known_outputs(run: Run, state: State) -> None:
    """As terraform's plan walk does: each root output known now (and planned, with -target)
    goes into the refreshed state that the plan records as its prior state. An apply starts
    from that state, so an output the apply never reaches (its walk stopped at a failure)
    keeps this value."""
    root = run.values.modules.get(ModuleInstance())
    if root is None:
        return
    for name, o in sorted(run.config.module.outputs.items()):
        v = root.outputs.get(name)
        if v is not None and v.is_wholly_known() and _output_targeted(run, name):
            set_root_output(state, name, v, o.sensitive)


def _output_targeted(run: Run, name: str) -> bool:
    """With -target, a root output is planned when every resource it depends on is."""
    node = run.cg.node(f"output.{name}")
    closure = run.target_closure
    if node is None or closure is None:
        return closure is None
    seen: set[ConfigNode] = set()
    stack = [node]
    resources: set[ConfigNode] = set()
    while stack:
        n = stack.pop()
        if n in seen:
            continue
        seen.add(n)
        for d in run.cg.graph.dependencies(n):
            if d.kind == RESOURCE:
                resources.add(d)
            else:
                stack.append(d)
    return bool(resources) and resources <= closure


def _relevant_attributes(run: Run, config: Config, plan: Plan) -> list[tuple[str, tuple[Any, ...]]]:
    """terraform's plan.RelevantAttributes: what the planned changes rely on (engine/globalref)."""
    from sheath.addrs.parse import parse_abs_resource_instance_str
    from sheath.engine.globalref import Analyzer, relevant_attributes

    def schema_for(r: Resource) -> Block | None:
        if r.provider is None:
            return None
        ps = run.schemas.loaded_schema(r.provider)
        if ps is None:
            return None
        mode = resource_mode(r)
        types = ps.data_sources if mode == "data" else ps.ephemeral_resource_types if mode == "ephemeral" else ps.resource_types
        s = types.get(r.type)
        return s.block if s is not None else None

    changed = []
    for c in plan.changes:
        if c.action == Action.NO_OP:
            continue
        addr, _ = parse_abs_resource_instance_str(c.address)
        if addr is not None:
            changed.append(addr)
    if plan.ui_mode == UIMode.DESTROY and plan.prior_state is not None:
        # terraform's destroy plan deletes the data resources in the state too (its JSON
        # plan leaves those changes out): what they refer to counts
        for sr in plan.prior_state.state.resources.values():
            if sr.mode != "data":
                continue
            for key in sr.instances:
                addr, _ = parse_abs_resource_instance_str(instance_address(parse_module_instance(sr.module), sr, key))
                if addr is not None:
                    changed.append(addr)
    outputs = [(ModuleInstance(), o.name) for o in plan.output_changes if o.action != Action.NO_OP]
    if plan.ui_mode != UIMode.DESTROY:
        # terraform's NodeApplyableOutput records a create for every output of a child
        # module instance that is not null (a destroy plan's walk has none of them)
        for mi, mv in run.values.modules.items():
            if mi.is_root():
                continue
            cfg = config.descendant(mi.module())
            for name, value in mv.outputs.items():
                oc = cfg.module.outputs.get(name) if cfg is not None else None
                if oc is None or oc.ephemeral or (value.is_known and value.unmark_deep()[0].is_null):
                    continue
                outputs.append((mi, name))
    found = relevant_attributes(Analyzer(config, schema_for), changed, outputs)
    return [(str(ra.resource), ra.attr) for ra in found]


def _output_changes(run: Run, prior: State, mode: UIMode) -> list[OutputChange]:
    out: list[OutputChange] = []
    if mode == UIMode.DESTROY and run.target_closure is not None:
        return out  # terraform's targeted destroy leaves every output as it is
    root = run.values.modules.get(ModuleInstance())
    now = dict(root.outputs) if root is not None else {}
    declared = run.config.module.outputs
    # (terraform refreshes before a destroy plan unless -refresh=false or the state is empty)
    refreshed_first = run.opts.refresh and bool(prior.outputs or prior.resources)
    for name in sorted(set(declared) | set(prior.outputs)):
        if run.target_closure is not None and not _output_targeted(run, name):
            continue
        before = output_value(prior.outputs[name]) if name in prior.outputs else null(DYNAMIC)
        sensitive = bool(name in declared and declared[name].sensitive) or (
            name in prior.outputs and prior.outputs[name].sensitive
        )
        if mode == UIMode.DESTROY and name in declared and refreshed_first and name in now:
            # terraform's destroy plan starts from the state its refresh plan left: that plan
            # writes an output there only when it evaluates wholly known (a null removes it);
            # otherwise the output keeps its prior value, or stays absent
            # (NodeApplyableOutput: ctx.RefreshState() is set only if val.IsWhollyKnown())
            refreshed = now[name]
            if refreshed.is_wholly_known():
                if refreshed.unmark_deep()[0].is_null:
                    continue
                out.append(OutputChange(name, Action.DELETE, refreshed, null(DYNAMIC), sensitive))
                continue
        if mode == UIMode.DESTROY or name not in declared:
            if name not in prior.outputs:
                continue
            out.append(OutputChange(name, Action.DELETE, before, null(DYNAMIC), sensitive))
            continue
        if name not in now:
            continue  # its evaluation failed: no change to show
        after = now[name]
        if name not in prior.outputs and after.is_known and after.unmark_deep()[0].is_null:
            action = Action.NO_OP  # a null output does not exist, before or after
        elif name not in prior.outputs:
            action = Action.CREATE
        elif after.is_wholly_known() and raw_equal(before.unmark_deep()[0], after.unmark_deep()[0]) and before.is_sensitive == after.is_sensitive:
            action = Action.NO_OP
        else:
            action = Action.UPDATE
        out.append(OutputChange(name, action, before, after, sensitive))
    return out


# --- apply -----------------------------------------------------------------------------------


class StateWriter:
    """Where apply puts each completed change: the journal now, the state file at the end."""

    def __init__(self, mgr: Any) -> None:
        self.mgr = mgr

    def on_object(self, sr: Any, key: Any, obj: Any, deposed: str) -> None:
        """Called from walker threads; the journal is thread-safe and group-commits their syncs."""
        from sheath.states.journal import ResourceRef

        ref = ResourceRef(sr.module, sr.mode, sr.type, sr.name, sr.provider)
        if obj is None:
            self.mgr.journal.remove_object(ref, key, deposed)
        else:
            self.mgr.journal.set_object(ref, key, obj, deposed)


def apply_plan(
    session: Session,
    plan: Plan,
    mgr: Any,
    parallelism: int = 10,
    hooks: Hooks | None = None,
    stop: threading.Event | None = None,
) -> tuple[dict[str, tuple[Value, bool]], Diagnostics]:
    """Carry out plan against the state manager (already locked and refreshed); once
    stop is set, no further change starts (those under way finish).

    Returns the root outputs (value, sensitive) and the diagnostics."""
    assert plan.prior_state is not None
    hooks = hooks or NoHooks()
    working = _state_copy(plan.prior_state)
    cur = mgr.state_file()
    working.lineage = cur.lineage or working.lineage
    working.serial = cur.serial
    mgr.write_state(working)
    diags = mgr.begin_journal()
    if diags.has_errors():
        return {}, diags
    writer = StateWriter(mgr)
    values = NamedValues(session.root_dir, session.functions, applying=True, workspace=session.workspace, scopes=session.function_scopes())
    destroy = plan.ui_mode == UIMode.DESTROY
    run = Run(
        APPLY,
        session.config,
        session.graph,
        working.state,
        session.provider_schemas(),
        values,
        session.variables,
        RunOptions(
            parallelism=parallelism, hooks=hooks, destroy=destroy, stop=stop, allow_data_loss=allowance(plan.allow_data_loss_addrs)[0]
        ),
    )
    run.on_object = writer.on_object
    run.create_intents = mgr.journal
    from sheath.engine.exclusion import applied_outputs, excluded_apply_warning
    from sheath.engine.targeting import apply_selection
    from sheath.graph.applygraph import forced_create_before_destroy, unsupported_reason

    # -target again, at instance level: only what the targets need of the plan is applied
    selection = apply_selection(session.config, session.graph, plan)
    applied = plan if selection is None else replace_fields(plan, changes=[c for c in plan.changes if selection.includes(c)])
    run.apply_selection = selection
    if not destroy and not unsupported_reason(session.config, plan):
        # create_before_destroy recorded per instance, as terraform's apply graph forces it
        run.apply_cbd = forced_create_before_destroy(session.config, session.graph, plan)
    run.planned = {c.address: c for c in applied.changes if not c.deposed}
    outputs: dict[str, tuple[Value, bool]] = {}
    try:
        _forget(run, applied)
        g = _apply_graph(run, applied)
        run.walk(g, lambda n: _apply_visit(run, n, applied))
        if destroy:
            run.checks.forget_objects()
            run.checks.outputs_unknown()
        working.state.check_results = run.checks.state_results()
        if not destroy:
            outputs = _save_outputs(run, working.state, selection.outputs if selection is not None else applied_outputs(plan))
        elif plan.target_addrs or plan.exclude_addrs:
            # a targeted destroy leaves the outputs and data sources in state as they are
            outputs = {name: (output_value(ov), ov.sensitive) for name, ov in sorted(working.state.outputs.items())}
        else:
            working.state.outputs.clear()
            for k in [k for k in working.state.resources if k[1] == "data"]:
                del working.state.resources[k]
    finally:
        run.close_providers()
        run.prune_state()
        pd = mgr.persist_state()
        run.add_diags(pd)
    if plan.target_addrs:
        run.add_diags([targeted_apply_warning()])
    elif plan.exclude_addrs:
        run.add_diags([excluded_apply_warning()])
    return outputs, run.diags


def targeted_apply_warning() -> diag.Diagnostic:
    """What every apply of a plan made with -target warns, changes or not."""
    return diag.warning("Applied changes may be incomplete", _TARGET_APPLY_WARNING)


def _forget(run: Run, plan: Plan) -> None:
    for c in plan.changes:
        if c.action == Action.FORGET:
            sr = run.state.resources.get((c.module_address, c.mode, c.type, c.name))
            if sr is not None:
                run.set_object(sr, c.index, None, deposed=c.deposed)


def _save_outputs(run: Run, state: State, evaluated: frozenset[str] | None = None) -> dict[str, tuple[Value, bool]]:
    """The root outputs into state; with evaluated (a targeted apply), only those (and the
    outputs no longer declared among them are removed): the others keep what the state has.
    An output the apply never reached (its walk stopped at a failure) keeps what the state
    the apply started from holds: the value the plan knew, else the previous one (terraform's
    apply starts from the plan's prior state, where its plan walk put the known outputs)."""
    root = run.values.modules.get(ModuleInstance())
    out: dict[str, tuple[Value, bool]] = {}
    previous = dict(state.outputs)
    kept = {n: ov for n, ov in state.outputs.items() if evaluated is not None and n not in evaluated}
    state.outputs.clear()
    for name, ov in kept.items():
        state.outputs[name] = ov
        out[name] = (output_value(ov), ov.sensitive)
    for name, o in sorted(run.config.module.outputs.items()):
        if name in kept or (evaluated is not None and name not in evaluated):
            continue
        v = root.outputs.get(name) if root is not None else None
        if v is None:
            if name in previous:
                state.outputs[name] = previous[name]
                out[name] = (output_value(previous[name]), previous[name].sensitive)
            continue
        if not v.is_wholly_known():
            continue
        if set_root_output(state, name, v, o.sensitive):
            out[name] = (v, state.outputs[name].sensitive)
    return out


DESTROY_PREFIX = "destroy:"
DEPOSED_PREFIX = "deposed:"


def _apply_graph(run: Run, plan: Plan) -> Graph[Any]:
    """The config graph plus destroy nodes, ordered as terraform orders destroys."""
    g: Graph[Any] = Graph()
    src = run.cg.graph
    destroying = plan.ui_mode == UIMode.DESTROY
    for n in src:
        g.add_node(n)
    for n in src:
        for d in src.dependencies(n):
            g.add_edge(n, d)
    by_resource: dict[str, list[ResourceInstanceChange]] = {}
    replace_first: dict[str, list[ResourceInstanceChange]] = {}
    cbd: set[str] = set()
    for c in plan.changes:
        cr = _config_resource(c)
        if c.action == Action.DELETE:
            by_resource.setdefault(cr, []).append(c)
        elif c.action == Action.DELETE_THEN_CREATE:
            replace_first.setdefault(cr, []).append(c)
        elif c.action == Action.CREATE_THEN_DELETE:
            cbd.add(cr)
    # who depends on whom, by config resource address (config and prior state)
    dependents: dict[str, set[str]] = {}
    for rn, deps in run.state_deps.items():
        for dep_addr in deps:
            dependents.setdefault(dep_addr, set()).add(str(rn))
    for sr in plan.prior_state.state.resources.values() if plan.prior_state else []:
        me = _config_resource_of(sr)
        for inst in sr.instances.values():
            objs = ([inst.current] if inst.current else []) + list(inst.deposed.values())
            for o in objs:
                for dep_addr in o.dependencies:
                    dependents.setdefault(dep_addr, set()).add(me)
    destroy_nodes: dict[str, str] = {}
    for cr in set(by_resource) | set(replace_first):
        destroy_nodes[cr] = DESTROY_PREFIX + cr
        g.add_node(DESTROY_PREFIX + cr)
    for cr in cbd:
        g.add_node(DEPOSED_PREFIX + cr)
    node_of = {str(n): n for n in src if n.kind == RESOURCE}
    provider_nodes = {str(n): run.provider_of.get(n) for n in src if n.kind == RESOURCE}
    for cr, dn in destroy_nodes.items():
        pn = provider_nodes.get(cr)
        if pn is None:
            pn = run.cg.node(_provider_config_of(plan, cr) or "")
        if pn is not None:
            g.add_edge(dn, pn)
        for dep in dependents.get(cr, ()):
            if dep == cr:
                continue
            if dep in destroy_nodes:
                g.add_edge(dn, destroy_nodes[dep])
            # a pure delete waits for its dependents' updates (a destroy plan has none)
            if cr in by_resource and cr not in replace_first and dep in node_of and not destroying:
                g.add_edge(dn, node_of[dep])
        if cr in replace_first and cr in node_of:
            g.add_edge(node_of[cr], dn)
    for cr in cbd:
        dn = DEPOSED_PREFIX + cr
        if cr in node_of:
            g.add_edge(dn, node_of[cr])
        for dep in dependents.get(cr, ()):
            if dep in node_of and dep != cr:
                g.add_edge(dn, node_of[dep])
    run.destroy_changes = {cr: by_resource.get(cr, []) + replace_first.get(cr, []) for cr in destroy_nodes}  # type: ignore[attr-defined]
    run.node_of_resource = node_of  # type: ignore[attr-defined]
    return _destroyers_and_their_needs(g, destroy_nodes.values()) if destroying else g


def _destroyers_and_their_needs(g: Graph[Any], destroyers: Iterable[str]) -> Graph[Any]:
    """A destroy walks only the destroy nodes and what they need: their providers and
    whatever the providers' configurations refer to (terraform prunes the rest, whose
    values may no longer be computable while their resources go away)."""
    keep: set[Any] = set()
    stack = list(destroyers)
    while stack:
        n = stack.pop()
        if n in keep:
            continue
        keep.add(n)
        stack.extend(g.dependencies(n))
    pruned: Graph[Any] = Graph()
    for n in g:
        if n in keep:
            pruned.add_node(n)
    for n in keep:
        for d in g.dependencies(n):
            pruned.add_edge(n, d)
    return pruned


def _provider_config_of(plan: Plan, cr: str) -> str | None:
    for c in plan.changes:
        if _config_resource(c) == cr:
            return split_provider_instance(c.provider_config_addr)[0]  # OpenTofu's provider instances
    return None


def _config_resource(c: ResourceInstanceChange) -> str:
    static = static_module(c.module_address) if c.module_address else ""
    base = f"{'data.' if c.mode == 'data' else ''}{c.type}.{c.name}"
    return f"{static}.{base}" if static else base


def _config_resource_of(sr: Any) -> str:
    static = static_module(sr.module) if sr.module else ""
    base = f"{'data.' if sr.mode == 'data' else ''}{sr.type}.{sr.name}"
    return f"{static}.{base}" if static else base


def _apply_visit(run: Run, n: Any, plan: Plan) -> None:
    if isinstance(n, ConfigNode):
        visit_node(run, n, True)
        return
    s = str(n)
    if s.startswith(DESTROY_PREFIX):
        cr = s[len(DESTROY_PREFIX) :]
        changes = run.destroy_changes.get(cr, [])  # type: ignore[attr-defined]
        node = run.node_of_resource.get(cr)  # type: ignore[attr-defined]
        if node is None:
            _destroy_unconfigured(run, changes)
        else:
            destroy_objects(run, node, changes)
    elif s.startswith(DEPOSED_PREFIX):
        cr = s[len(DEPOSED_PREFIX) :]
        node = run.node_of_resource.get(cr)  # type: ignore[attr-defined]
        if node is not None:
            destroy_objects(run, node, [], deposed_cleanup=True)


def _destroy_unconfigured(run: Run, changes: list[ResourceInstanceChange]) -> None:
    from sheath.engine.applier import destroy_object
    from sheath.engine.provisioning import removed_provisioning
    from sheath.engine.refactor import removed_blocks

    removed = removed_blocks(run.config)
    failed = False
    for c in changes:
        provider = _provider_for_state_resource(run, c.provider_config_addr)
        schema = run.schemas.resource_schema(provider_address(c.provider_name), c.mode, c.type)
        if schema is None:
            failed = True
            continue
        # a removed block's destroy-time provisioners run before the object is destroyed
        rem = removed.get(static_module(c.module_address) if c.module_address else "", c.type, c.name)
        with run.sem:
            if not destroy_object(run, c, schema, provider, removed_provisioning(rem)):
                failed = True
    if failed:
        raise WalkAbort()


__all__ = ["PlanOptions", "Session", "apply_plan", "import_object", "load", "make_plan", "plan_changes_state", "targeted_apply_warning"]


# --- import ------------------------------------------------------------------------------------


class ImportHooks(Hooks):
    def import_prepared(self, addr: AbsResourceInstance, type_names: list[str]) -> None: ...


def import_object(session: Session, mgr: Any, address: str, import_id: str, hooks: Any) -> Diagnostics:
    """terraform import ADDR ID: adopt an existing remote object into the state."""
    from sheath.addrs.parse import parse_abs_resource_instance_str
    from sheath.engine.objects import new_object

    diags = Diagnostics()
    target, pd = parse_abs_resource_instance_str(address)
    if target is None:
        diags.extend(pd)
        return diags
    res = target.resource.resource
    static = target.module.module()
    cfg = session.config.descendant(static)
    r = cfg.module.resource_by_key(str(res)) if cfg is not None else None
    if r is None or res.mode.value != "managed":
        diags.add_error(
            f'resource address "{address}" does not exist in the configuration.',
            "Before importing this resource, please create its configuration in the root module. For example:\n\n"
            f'resource "{res.type}" "{res.name}" {{\n  # (resource arguments)\n}}\n',
        )
        return diags
    sf = mgr.state_file()
    working = _state_copy(sf)
    values = NamedValues(session.root_dir, session.functions, path_root=session.config_dir, workspace=session.workspace, scopes=session.function_scopes())
    run = Run(PLAN, session.config, session.graph, working.state, session.provider_schemas(), values, session.variables, RunOptions(hooks=hooks))
    run.target_closure = set()
    try:
        # root outputs and checks are not evaluated; a module's outputs may feed other modules
        run.walk(session.graph.graph, lambda n: None if n.kind == CHECK or (n.kind == OUTPUT and not n.module.names) else visit_node(run, n, False))
        if run.diags.has_errors():
            return run.diags
        node = session.graph.node(str(_config_addr(static, str(res))))
        assert node is not None
        provider, pnode = run.provider_for(node)
        schema, _ = run.resource_schema(node, r)
        mi = target.module
        sr = run.state_resource(mi, r, pnode)
        key = None if target.resource.key is None else target.resource.key.value
        typed = instance_addr(mi, r, key)
        addr = str(typed)
        if uses_instances(run, node):  # OpenTofu's provider for_each
            exp = run.expand(mi, r.count, r.for_each, r.enabled)
            rep = exp.reps.get(key) if exp is not None else None
            chosen = select_for_instance(run, node, r, mi, rep or Repetition(), sr, key, addr)
            if chosen is None:
                return run.diags
            provider = chosen
        hooks.pre_import(typed, import_id)
        resp = provider.import_resource_state(pi.ImportResourceStateRequest(r.type, import_id))
        if run.add_diags(resp.diagnostics):
            return run.diags
        hooks.import_prepared(typed, [o.type_name for o in resp.imported_resources])
        inst = sr.instances.get(key)
        if inst is not None and inst.current is not None:
            run.add_diags(
                [
                    diag.error(
                        "Resource already managed by Terraform",
                        f"Terraform is already managing a remote object for {addr}. To import to this address you must "
                        "first remove the existing object from the state.",
                    )
                ]
            )
            return run.diags
        for o in resp.imported_resources[:1]:
            hooks.pre_refresh(typed, NOT_DEPOSED, import_id)
            rr = provider.read_resource(pi.ReadResourceRequest(o.type_name, o.state, o.private))
            if run.add_diags(rr.diagnostics):
                return run.diags
            if rr.new_state is None or rr.new_state.is_null:
                run.add_diags(
                    [
                        diag.error(
                            "Cannot import non-existent remote object",
                            f'While attempting to import an existing object to "{addr}", the provider detected that no '
                            "object exists with the given id. Only pre-existing objects can be imported; check that the "
                            "id is correct and that it is associated with the provider's configured region or endpoint, "
                            'or use "terraform apply" to create a new remote object for this resource.',
                        )
                    ]
                )
                return run.diags
            from sheath.providers.marks import mark_sensitive

            run.set_object(sr, key, new_object(mark_sensitive(schema.block, rr.new_state), schema, private=rr.private))
        run.prune_state()
        mgr.write_state(working)
        run.add_diags(mgr.persist_state())
        return run.diags
    finally:
        run.close_providers()


def _config_addr(static: Any, res: str) -> str:
    s = str(static)
    return f"{s}.{res}" if s else res
