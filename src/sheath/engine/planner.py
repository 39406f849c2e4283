"""Planning one resource: expand, refresh, evaluate, ask the provider, choose the action.

The rules are terraform's (NodePlannableResourceInstance and friends):
refresh the prior object, evaluate the configuration, check preconditions,
apply ignore_changes, let the provider plan from the proposed new state, and
compare: create, no-op, update, or replace (delete-then-create, or
create-then-delete under create_before_destroy) with its reason. Instances
left in state without configuration are planned for deletion.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sheath import diag
from sheath.addrs.module import ModuleInstance
from sheath.config.resource import Resource
from sheath.diag import Diagnostics
from sheath.engine.destroyplan import plan_destroy, replaced_delete_allowed
from sheath.engine.dataloss import allowing, allows_data_loss, as_configured
from sheath.addrs.instance_key import IndexKey
from sheath.engine.evalctx import Repetition
from sheath.engine.objects import marked_paths, marks_equal, mark_paths, new_object, object_private, object_value
from sheath.engine.hooks import NOT_DEPOSED
from sheath.engine.provider_instances import change_provider_addr, for_object, select_for_instance, uses_instances
from sheath.engine.run import Expansion, Run, WalkAbort, resource_mode, object_id, instance_addr, instance_address
from sheath.engine.triggers import evaluate_replace_triggered_by
from sheath.graph.references import ConfigNode
from sheath.plans.model import Action, ActionReason, Importing, ResourceInstanceChange
from sheath.providers import interface as pi
from sheath.providers.marks import mark_sensitive
from sheath.providers.objchange import proposed_new
from sheath.providers.schema import Schema
from sheath.states import gojson
from sheath.states.state import InstanceObject
from sheath.states.state import Resource as StateResource
from sheath.types.cty import DYNAMIC, Value, null, unknown
from sheath.types.ops import equals, raw_equal


def upgrade_object(run: Run, provider: pi.Provider, r_type: str, schema: Schema, obj: InstanceObject) -> Value | None:
    """The typed value of a stored object, upgraded by the provider when its schema moved on."""
    if obj.schema_version == schema.version:
        try:
            return object_value(obj, schema)
        except Exception:  # noqa: BLE001 - fall back to the provider's decoding
            pass
    raw = gojson.dumps_line(obj.attributes) if obj.attributes is not None else b"null"
    resp = provider.upgrade_resource_state(pi.UpgradeResourceStateRequest(r_type, obj.schema_version, raw_state_json=raw))
    if run.add_diags(resp.diagnostics) or resp.upgraded_state is None:
        return None
    from sheath.engine.objects import paths_from_json

    return mark_paths(resp.upgraded_state, paths_from_json(obj.sensitive_attributes))


def _path_value(v: Value, path: tuple[Any, ...]) -> Value | None:
    cur = v
    for step in path:
        if cur.is_null or not cur.is_known:
            return cur
        raw = cur.v
        if isinstance(step, str) or isinstance(step, tuple):
            k = step if isinstance(step, str) else step[0]
            if not isinstance(raw, dict) or k not in raw:
                return None
            cur = raw[k]
        else:
            if not isinstance(raw, tuple) or step >= len(raw):
                return None
            cur = raw[step]
    return cur


def _paths_differ(prior: Value, planned: Value, paths: list[pi.Path]) -> list[tuple[Any, ...]]:
    out: list[tuple[Any, ...]] = []
    for p in paths:
        tp = _to_tuple_path(p)
        a = _path_value(prior, tp)
        b = _path_value(planned, tp)
        if a is None and b is None:
            continue
        # compared with cty's Equals, as terraform's getRequiredReplaces does: nulls of any
        # two types are equal (a typed null replacing an unset dynamic attribute is no
        # replacement), an unknown is not; a path missing on one side is null there
        a = a if a is not None else null(b.type if b is not None else DYNAMIC)
        b = b if b is not None else null(a.type)
        eq = equals(b.unmark_deep()[0], a.unmark_deep()[0])
        if not eq.is_known or eq.v is not True:
            out.append(tp)
    return out


def _to_tuple_path(p: pi.Path) -> tuple[Any, ...]:
    out: list[Any] = []
    for s in p.steps:
        if isinstance(s, pi.GetAttrStep):
            out.append(s.name)
        else:
            k = s.key.v
            out.append((k,) if isinstance(k, str) else int(k.to_int()) if hasattr(k, "to_int") else k)
    return tuple(out)


def apply_ignore_changes(r: Resource, schema: Schema, config: Value, prior: Value) -> Value:
    """ignore_changes: take the prior values for the ignored paths (terraform's processIgnoreChanges)."""
    m = r.managed
    if m is None or prior.is_null or (not m.ignore_all_changes and not m.ignore_changes):
        return config
    if m.ignore_all_changes:
        attrs = dict(config.attrs())
        pattrs = prior.attrs()
        for name, a in schema.block.attributes.items():
            if (a.optional or a.required) and name in pattrs:
                attrs[name] = pattrs[name]
        return Value(config.type, attrs, config.marks)
    out = config
    for trav in m.ignore_changes:
        path: list[Any] = []
        for step in trav.steps:
            sname: str | None = getattr(step, "name", None)
            if sname is not None:
                path.append(sname)
            else:
                key = getattr(step, "key", None)
                if key is not None and key.is_known and not key.is_null:
                    path.append((key.v,) if isinstance(key.v, str) else int(key.v.to_int()))
        out = _replace_path(out, tuple(path), prior)
    return out


def _replace_path(config: Value, path: tuple[Any, ...], prior: Value) -> Value:
    if not path:
        return prior
    pv = _path_value(prior, path[:1])
    raw = config.v
    step = path[0]
    if isinstance(raw, dict):
        k = step if isinstance(step, str) else step[0] if isinstance(step, tuple) else None
        if k is None or pv is None:
            return config
        d = dict(raw)
        if k in d:
            d[k] = _replace_path(d[k], path[1:], pv)
        elif config.type.is_map():
            d[k] = pv
        return Value(config.type if not config.type.is_object() else config.type, d, config.marks)
    if isinstance(raw, tuple) and isinstance(step, int) and step < len(raw) and pv is not None:
        elems = list(raw)
        elems[step] = _replace_path(elems[step], path[1:], pv)
        return Value(config.type, tuple(elems), config.marks)
    return config


class ResourcePlanner:
    """Plans (or, with run.mode == APPLY, re-plans for apply) every instance of one config resource."""

    def __init__(self, run: Run, node: ConfigNode) -> None:
        self.run = run
        self.node = node
        self.cfg, self.module = run.module_of(node)
        r = self.module.resource_by_key(node.local)
        assert r is not None
        self.r: Resource = r
        self.mode = resource_mode(r)

    # --- plan ---------------------------------------------------------------------------
    def plan(self) -> None:
        run = self.run
        schema, _ = run.resource_schema(self.node, self.r)
        provider, pnode = run.provider_for(self.node)
        if run.target_closure is not None and self.node not in run.target_closure:
            self.values_from_state(schema, provider)
            return
        filtered = run.target_closure is not None and self.node in run.target_direct
        failed = False
        seen_modules: set[str] = set()
        expanded: list[tuple[ModuleInstance, Expansion, StateResource, Any]] = []
        for mi in run.instances_of(self.cfg.path):
            seen_modules.add(str(mi))
            exp = run.expand(mi, self.r.count, self.r.for_each, self.r.enabled)
            if exp is None:
                failed = True
                continue
            sr = run.state_resource(mi, self.r, pnode)
            reps_now = exp.reps
            # objects a create_before_destroy left behind go first, as terraform plans them
            for key, inst in list(sr.instances.items()):
                for dk, dobj in list(inst.deposed.items()):
                    self.plan_delete(mi, sr, key, dobj, schema, provider, ActionReason.NONE, deposed=dk)

            def one(
                k: IndexKey, mi: ModuleInstance = mi, reps: dict[IndexKey, Repetition] = reps_now, sr: StateResource = sr
            ) -> Value | None:
                if filtered and not self.targeted(mi, k):
                    return self.state_value(sr, k, schema, provider)
                prov = self.instance_provider(mi, sr, k, reps[k], provider)
                if prov is None:
                    return None
                with run.sem:
                    return self.plan_instance(mi, sr, k, reps[k], schema, prov)

            expanded.append((mi, exp, sr, one))
        failed = not self.each_instance([(mi, exp, one) for mi, exp, _, one in expanded]) or failed
        for mi, exp, sr, _ in expanded:
            # orphans: instances in state this expansion no longer has
            for key, inst in sorted(sr.instances.items(), key=lambda kv: _key_order(kv[0])):
                if key in exp.reps:
                    continue
                if filtered and not self.targeted(mi, key):
                    continue
                if inst.current is not None:
                    reason = _orphan_reason(exp, key)
                    self.plan_delete(mi, sr, key, inst.current, schema, provider, reason)
        # instances in module instances that no longer exist
        for mod in run.modules_holding(self.mode, self.r.type, self.r.name):
            gone = run.state.resources.get((mod, self.mode, self.r.type, self.r.name))
            if gone is None or mod in seen_modules:
                continue
            sr = gone
            if static_module(mod) != str(self.cfg.path):
                continue
            mi = parse_module_instance(mod)
            for key, inst in sorted(sr.instances.items(), key=lambda kv: _key_order(kv[0])):
                if inst.current is not None:
                    self.plan_delete(mi, sr, key, inst.current, schema, provider, ActionReason.DELETE_BECAUSE_NO_MODULE)
        if failed:
            raise WalkAbort()

    def instance_provider(
        self, mi: ModuleInstance, sr: StateResource, key: IndexKey, rep: Repetition, default: pi.Provider
    ) -> pi.Provider | None:
        """The provider of one instance: OpenTofu's provider for_each lets each instance choose
        an instance of its provider configuration (engine.provider_instances)."""
        if not uses_instances(self.run, self.node):
            return default
        return select_for_instance(self.run, self.node, self.r, mi, rep, sr, key, instance_address(mi, self.r, key))

    def provider_diags(self, d: Diagnostics, addr: str) -> Diagnostics:
        """A provider's diagnostics about this instance: "with ADDR," and the configuration's
        range (the attribute's, when the diagnostic names one), as terraform shows them."""
        out = Diagnostics()
        for x in d:
            x.extra.setdefault("address", addr)
            if x.subject is None:
                x.subject = self._attribute_range(x.extra.get(pi.ATTRIBUTE_PATH)) or self.r.config.missing_item_range()
            out.append(x)
        return out

    def _attribute_range(self, path: Any) -> Any:
        from sheath.engine.validate import attribute_range

        return attribute_range(self.r, path)

    def ephemeral_misuse(self, config: Value, schema: Schema) -> Diagnostics:
        """Ephemeral values may go only into write-only arguments of a managed resource."""
        from sheath.types.cty import EPHEMERAL

        diags = Diagnostics()
        if config.is_null or not config.is_known or not config.type.is_object():
            return diags
        for name, v in config.attrs().items():
            a = schema.block.attributes.get(name)
            if a is not None and a.write_only:
                continue
            _, marks = v.unmark_deep()
            if EPHEMERAL in marks:
                rng = self._attribute_range(pi.Path.attr(name)) or self.r.config.missing_item_range()
                diags.add_error(
                    "Invalid use of ephemeral value",
                    "Ephemeral values are not valid in resource arguments, because resource instances must persist "
                    "between Terraform phases.",
                    rng,
                )
        return diags

    def each_instance(self, batches: list[tuple[ModuleInstance, Expansion, Any]]) -> bool:
        """fn(key) for every instance of each module instance's expansion (mi, exp, fn), all
        in parallel: terraform expands a resource once per module instance, so the instances
        of one module instance never wait for another's. Each module instance's resource
        value is what its instances return. False when any failed (returned None)."""
        tasks = [(i, k) for i, (_, exp, _) in enumerate(batches) for k in exp.keys]
        results = self.run.parallel(tasks, lambda t: batches[t[0]][2](t[1]))
        per_batch: list[dict[IndexKey, Value]] = [{} for _ in batches]
        ok = True
        for (i, k), v in zip(tasks, results):
            if v is None:
                ok = False
                v = unknown(DYNAMIC)
            per_batch[i][k] = v
        for (mi, exp, _), per_key in zip(batches, per_batch):
            self.run.set_resource_value(mi, self.r, exp, per_key)
        return ok

    def _record_create_before_destroy(self, sr: StateResource, key: IndexKey) -> None:
        """As terraform's plan does, the object in state records create_before_destroy as the
        resource has it now: set in its configuration, or forced on by a dependent that has it
        (for every instance of the resource; the apply records it per instance)."""
        inst = sr.instances.get(key)
        obj = inst.current if inst is not None else None
        if obj is None or self.mode != "managed":
            return
        cbd = str(self.node) in self.run.cbd
        if obj.create_before_destroy != cbd:
            self.run.set_object(sr, key, replace(obj, create_before_destroy=cbd))

    def targeted(self, mi: ModuleInstance, key: IndexKey) -> bool:
        from sheath.states.state import format_instance_key

        rs = f"{'data.' if self.mode == 'data' else ''}{self.r.type}.{self.r.name}"
        ks = format_instance_key(key)
        if self.run.excludes:
            from sheath.engine.exclusion import instance_excluded

            return not instance_excluded(self.run.excludes, str(mi), rs, ks)
        return any(t.matches_instance(str(mi), rs, ks) for t in self.run.targets)

    def state_value(self, sr: StateResource, key: IndexKey, schema: Schema, provider: pi.Provider) -> Value:
        inst = sr.instances.get(key)
        if inst is None or inst.current is None:
            return unknown(schema.block.implied_type())
        v = upgrade_object(self.run, provider, self.r.type, schema, inst.current)
        return v if v is not None else unknown(schema.block.implied_type())

    def values_from_state(self, schema: Schema, provider: pi.Provider) -> None:
        """An untargeted resource: what the state has is its value."""
        run = self.run
        for mi in run.instances_of(self.cfg.path):
            sr = run.state.resources.get((str(mi), self.mode, self.r.type, self.r.name))
            keys = sorted(sr.instances, key=_key_order) if sr is not None else []
            mode = "count" if self.r.count is not None else "for_each" if self.r.for_each is not None else "single"
            mode = "enabled" if self.r.enabled is not None else mode  # OpenTofu's lifecycle.enabled
            exp = Expansion(mode, keys if mode != "single" else [None], {})
            per = {k: self.state_value(sr, k, schema, provider) for k in keys} if sr is not None else {}
            run.set_resource_value(mi, self.r, exp, per)

    def plan_delete(
        self,
        mi: ModuleInstance,
        sr: StateResource,
        key: IndexKey,
        obj: InstanceObject,
        schema: Schema,
        provider: pi.Provider,
        reason: ActionReason,
        deposed: str = "",
    ) -> None:
        run = self.run
        addr = instance_address(mi, self.r, key)
        if sr.mode == "data":
            run.set_object(sr, key, None)
            return
        own = for_object(run, sr, obj, addr, provider, deposed)  # OpenTofu's provider for_each
        if own is None:
            raise WalkAbort()
        provider = own
        prior = upgrade_object(run, provider, sr.type, schema, obj)
        if prior is None:
            raise WalkAbort()
        if not deposed and self.r.managed is not None and self.r.managed.prevent_destroy:
            run.add_diags([prevent_destroy_diagnostic(addr, self.r)])
            raise WalkAbort()
        if run.opts.refresh:
            from sheath.engine.operations import refresh_orphan, orphan_before

            refreshed = refresh_orphan(run, provider, sr, key, obj, schema, prior, deposed)
            if refreshed is None:
                return
            prior = orphan_before(prior, refreshed, deposed)
        provider_name = str(_provider_of_node(run, self.node))
        private = plan_destroy(run, provider, sr.type, prior, object_private(obj), addr, provider_name)
        if private is None:
            raise WalkAbort()
        run.record_change(
            ResourceInstanceChange(
                address=addr,
                mode=sr.mode,
                type=sr.type,
                name=sr.name,
                action=Action.DELETE,
                before=prior,
                after=null(prior.type),
                provider_name=provider_name,
                provider_config_addr=change_provider_addr(run, sr, key, obj),
                module_address=str(mi),
                index=key,
                deposed=deposed,
                action_reason=reason,
                schema_version=schema.version,
                private=private,
            )
        )

    def plan_instance(
        self,
        mi: ModuleInstance,
        sr: StateResource,
        key: IndexKey,
        rep: Repetition,
        schema: Schema,
        provider: pi.Provider,
    ) -> Value | None:
        if self.mode == "data":
            return self.plan_data(mi, sr, key, rep, schema, provider)
        run = self.run
        r = self.r
        addr = instance_address(mi, r, key)
        inst = sr.instances.get(key)
        obj = inst.current if inst is not None else None
        prior = null(schema.block.implied_type())
        private = b""
        tainted = False
        importing: Importing | None = None
        if obj is not None:
            p = upgrade_object(run, provider, r.type, schema, obj)
            if p is None:
                return None
            prior = p
            private = object_private(obj)
            tainted = obj.status == "tainted"
            if run.opts.refresh:
                typed = instance_addr(mi, r, key)
                run.hooks.pre_refresh(typed, NOT_DEPOSED, object_id(prior))
                rr = provider.read_resource(pi.ReadResourceRequest(r.type, prior.unmark_deep()[0], private))
                if run.add_diags(rr.diagnostics):
                    return None
                refreshed = rr.new_state if rr.new_state is not None else null(prior.type)
                run.hooks.post_refresh(typed, NOT_DEPOSED, object_id(refreshed))
                refreshed = mark_sensitive(schema.block, _keep_marks(refreshed, prior))
                if refreshed.is_null:
                    run.set_object(sr, key, None)
                    obj = None
                    prior = null(schema.block.implied_type())
                else:
                    if not raw_equal(refreshed.unmark_deep()[0], prior.unmark_deep()[0]):
                        newobj = new_object(
                            refreshed,
                            schema,
                            private=rr.private,
                            dependencies=obj.dependencies,
                            create_before_destroy=obj.create_before_destroy,
                            status=obj.status,
                        )
                        run.set_object(sr, key, newobj)
                    prior = refreshed
                    private = rr.private
            self._record_create_before_destroy(sr, key)
        else:
            imported = self.import_target(mi, key, rep, schema, provider, addr)
            if imported is False:
                return None
            if isinstance(imported, tuple):
                prior, private, importing = imported
        if run.opts.destroy:
            return prior if not prior.is_null else unknown(schema.block.implied_type())
        triggered = False
        if not run.opts.refresh_only:
            t = self.replace_triggered(mi, key)
            if t is None:
                return None
            triggered = t
        config, d = run.eval_config(mi, r, schema, rep)
        if run.add_diags(d):
            return None
        if run.add_diags(self.ephemeral_misuse(config, schema)):
            return None
        plain_config, _ = config.unmark_deep()
        vr = provider.validate_resource_config(r.type, plain_config)
        if run.add_diags(self.provider_diags(vr.diagnostics, addr)):
            return None
        extra = rep.variables()
        ck = (str(self.node), addr, key)
        for rule in r.preconditions:
            if not run._check_rule(mi, rule, extra, "Resource precondition failed", check=ck):
                return None
        if run.opts.refresh_only:
            return prior if not prior.is_null else unknown(schema.block.implied_type())
        unignored = config
        config = apply_ignore_changes(r, schema, config, prior)
        plain_config, _ = config.unmark_deep()
        plain_prior, _ = prior.unmark_deep()
        allowed = bool(run.opts.allow_data_loss) and run.opts.allow_data_loss.allows(addr, r.type, schema)
        sent = allowing(plain_config) if allowed else plain_config  # -allow-data-loss (engine.dataloss)
        proposed = proposed_new(schema.block, plain_prior, sent)
        resp = provider.plan_resource_change(
            pi.PlanResourceChangeRequest(r.type, plain_prior, proposed, sent, private)
        )
        if run.add_diags(self.provider_diags(resp.diagnostics, addr)):
            return None
        planned = resp.planned_state if resp.planned_state is not None else null(prior.type)
        if allowed:
            planned = as_configured(planned, plain_config)
        reason = ActionReason.NONE
        replace_paths: list[tuple[Any, ...]] = []
        if prior.is_null:
            action = Action.CREATE
        else:
            replace_paths = _paths_differ(plain_prior, planned, resp.requires_replace)
            if replace_paths:
                action = Action.DELETE_THEN_CREATE
                reason = ActionReason.REPLACE_BECAUSE_CANNOT_UPDATE
            elif raw_equal(plain_prior, planned):
                action = Action.NO_OP
            else:
                action = Action.UPDATE
            if tainted:
                action, reason = Action.DELETE_THEN_CREATE, ActionReason.REPLACE_BECAUSE_TAINTED
            elif addr in run.opts.replace:
                action, reason = Action.DELETE_THEN_CREATE, ActionReason.REPLACE_BY_REQUEST
            elif action != Action.DELETE_THEN_CREATE and triggered:
                action, reason = Action.DELETE_THEN_CREATE, ActionReason.REPLACE_BY_TRIGGERS
        if action == Action.DELETE_THEN_CREATE:
            # a replacement the provider did not plan drops what it holds (engine.dataloss);
            # the new object saying allow_data_loss = true allows it, as at apply
            if not replace_paths and not replaced_delete_allowed(
                run, provider, r.type, schema, prior, private, addr, str(_provider_of_node(run, self.node)), allows_data_loss(schema, planned)
            ):
                return None
            if str(self.node) in run.cbd:
                action = Action.CREATE_THEN_DELETE
            config = unignored  # a new object takes the whole configuration
            plain_config, _ = config.unmark_deep()
            sent = allowing(plain_config) if allowed else plain_config
            proposed = proposed_new(schema.block, null(plain_prior.type), sent)
            resp2 = provider.plan_resource_change(
                pi.PlanResourceChangeRequest(r.type, null(plain_prior.type), proposed, sent, b"")
            )
            if run.add_diags(self.provider_diags(resp2.diagnostics, addr)):
                return None
            planned = resp2.planned_state if resp2.planned_state is not None else planned
            if allowed:
                planned = as_configured(planned, plain_config)
        blocked = (
            action in (Action.DELETE_THEN_CREATE, Action.CREATE_THEN_DELETE)
            and r.managed is not None
            and r.managed.prevent_destroy
        )
        # marks: the configuration's, and the schema's sensitive attributes
        after = mark_sensitive(schema.block, mark_paths(planned, marked_paths(config)))
        if action == Action.NO_OP and not marks_equal(after, prior):
            action = Action.UPDATE  # only the sensitivity changes: terraform plans an update
        run.record_change(
            ResourceInstanceChange(
                address=addr,
                mode="managed",
                type=r.type,
                name=r.name,
                action=action,
                before=prior,
                after=after,
                provider_name=str(_provider_of_node(run, self.node)),
                provider_config_addr=change_provider_addr(run, sr, key, None),
                module_address=str(mi),
                index=key,
                action_reason=reason,
                replace_paths=list(replace_paths),
                importing=importing,
                schema_version=schema.version,
                generated_config=target.generated if (target := run.generation.get(addr)) is not None else "",
            )
        )
        if blocked:
            run.add_diags([prevent_destroy_diagnostic(addr, r)])
            return None
        if action == Action.NO_OP:
            self.finalize_dependencies(sr, key)
        for rule in r.postconditions:
            if after.is_wholly_known():
                selfx = dict(extra)
                selfx["self"] = after
                if not run._check_rule(mi, rule, selfx, "Resource postcondition failed", check=ck):
                    return None
            else:
                run.checks.report(ck[0], addr, "unknown", "", key, str(mi))
        return after

    def finalize_dependencies(self, sr: StateResource, key: IndexKey) -> None:
        """An object the plan leaves alone takes the configuration's dependencies now, as
        terraform writes them for a no-op (apply will not write the object again)."""
        deps = self.run.state_deps.get(self.node, [])
        inst = sr.instances.get(key)
        cur = inst.current if inst is not None else None
        if cur is not None and sorted(cur.dependencies) != deps:
            self.run.set_object(sr, key, replace(cur, dependencies=list(deps)))

    def replace_triggered(self, mi: ModuleInstance, key: IndexKey) -> bool | None:
        """Whether a lifecycle.replace_triggered_by reference forces a replacement; None after
        errors, which terraform reports before planning the instance (every element's)."""
        run = self.run
        triggered = False
        failed = False
        for e in self.r.triggers_replacement:
            _, replace, d = evaluate_replace_triggered_by(e, key, mi, self.module, run.changes)
            run.add_diags(d)
            if d.has_errors():
                failed = True
            if failed:
                continue
            if replace:
                triggered = True
                break
        return None if failed else triggered

    def import_target(
        self, mi: ModuleInstance, key: IndexKey, rep: Repetition, schema: Schema, provider: pi.Provider, addr: str
    ) -> tuple[Value, bytes, Importing] | None | bool:
        """An import block targeting this (new) instance: import now (plan) and plan from the imported object."""
        run = self.run
        imp_id = run.import_ids.get(addr)
        if imp_id is None:
            return None
        typed = instance_addr(mi, self.r, key)
        run.hooks.pre_import(typed, imp_id)
        resp = provider.import_resource_state(pi.ImportResourceStateRequest(self.r.type, imp_id))
        if run.add_diags(resp.diagnostics):
            return False
        objs = [o for o in resp.imported_resources if o.type_name == self.r.type]
        if not objs:
            run.add_diags([diag.error("Import returned no resources", f"While attempting to import with ID {imp_id}, the provider returned no instance states.")])
            return False
        o = objs[0]
        run.hooks.pre_refresh(typed, NOT_DEPOSED, imp_id)
        rr = provider.read_resource(pi.ReadResourceRequest(self.r.type, o.state, o.private))
        if run.add_diags(rr.diagnostics):
            return False
        run.hooks.post_refresh(typed, NOT_DEPOSED, object_id(rr.new_state))
        if rr.new_state is None or rr.new_state.is_null:
            run.add_diags(
                [
                    diag.error(
                        "Cannot import non-existent remote object",
                        f'While attempting to import an existing object to "{addr}", the provider detected that no '
                        "object exists with the given id. Only pre-existing objects can be imported; check that the id "
                        "is correct and that it is associated with the provider's configured region or endpoint, or use "
                        '"terraform apply" to create a new remote object for this resource.',
                    )
                ]
            )
            return False
        target = run.generation.get(addr)
        if target is not None:
            from sheath.engine.generation import generate_for_import

            if run.add_diags(generate_for_import(target, imp_id, schema.block, rr.new_state, run.generate_config_out)):
                return False
        return mark_sensitive(schema.block, rr.new_state), rr.private, Importing(id=imp_id)

    # --- data sources ----------------------------------------------------------------------
    def plan_data(
        self,
        mi: ModuleInstance,
        sr: StateResource,
        key: IndexKey,
        rep: Repetition,
        schema: Schema,
        provider: pi.Provider,
    ) -> Value | None:
        run = self.run
        r = self.r
        if run.opts.destroy and not run.opts.refresh:
            # a destroy plan without its refresh plan reads nothing: the stored result, if any
            inst = sr.instances.get(key)
            stored = inst.current if inst is not None else None
            if stored is not None and stored.attributes is not None:
                return object_value(stored, schema)
            return unknown(schema.block.implied_type())
        addr = instance_address(mi, r, key)
        config, d = run.eval_config(mi, r, schema, rep)
        if run.add_diags(d):
            return None
        plain, _ = config.unmark_deep()
        vr = provider.validate_data_resource_config(r.type, plain)
        if run.add_diags(self.provider_diags(vr.diagnostics, addr)):
            return None
        pending = self.dependency_pending(mi)
        if not plain.is_wholly_known() or pending:
            planned = _unknown_computed(schema, plain)
            after = mark_sensitive(schema.block, mark_paths(planned, marked_paths(config)))
            reason = (
                ActionReason.READ_BECAUSE_DEPENDENCY_PENDING
                if pending and plain.is_wholly_known()
                else ActionReason.READ_BECAUSE_CONFIG_UNKNOWN
            )
            run.record_change(self.read_change(mi, sr, key, after, reason))
            return after
        after_read = self.read_data(mi, sr, key, rep, schema, provider, config)
        if after_read is not None and self.r.container and not run.opts.destroy:
            # a check block's data source is read again during apply, to verify the check then
            run.record_change(self.read_change(mi, sr, key, after_read, ActionReason.READ_BECAUSE_CHECK_NESTED))
        return after_read

    def read_change(
        self, mi: ModuleInstance, sr: StateResource, key: IndexKey, after: Value, reason: ActionReason
    ) -> ResourceInstanceChange:
        """A data source read planned for apply."""
        return ResourceInstanceChange(
            address=instance_address(mi, self.r, key),
            mode="data",
            type=self.r.type,
            name=self.r.name,
            action=Action.READ,
            before=null(after.type),
            after=after,
            provider_name=str(_provider_of_node(self.run, self.node)),
            provider_config_addr=change_provider_addr(self.run, sr, key, None),
            module_address=str(mi),
            index=key,
            action_reason=reason,
        )

    def read_data(
        self,
        mi: ModuleInstance,
        sr: StateResource,
        key: IndexKey,
        rep: Repetition,
        schema: Schema,
        provider: pi.Provider,
        config: Value,
    ) -> Value | None:
        run = self.run
        r = self.r
        addr = instance_address(mi, r, key)
        plain, _ = config.unmark_deep()
        ck = (str(self.node), addr, key)
        for rule in r.preconditions:
            if not run._check_rule(mi, rule, rep.variables(), "Resource precondition failed", check=ck):
                return None
        typed = instance_addr(mi, r, key)
        run.hooks.pre_apply(typed, NOT_DEPOSED, Action.READ, "")
        resp = provider.read_data_source(pi.ReadDataSourceRequest(r.type, plain, address=addr))
        read_diags = self.provider_diags(resp.diagnostics, addr)
        if r.container:
            failed = self.nested_read_failed(mi, sr, key, schema, config, resp, read_diags)
            if failed is not None:
                return failed
        elif run.add_diags(read_diags):
            run.hooks.post_apply(typed, NOT_DEPOSED, Action.READ, "", True)
            return None
        state = resp.state if resp.state is not None else null(plain.type)
        after = mark_sensitive(schema.block, mark_paths(state, marked_paths(config)))
        for rule in r.postconditions:
            selfx = dict(rep.variables())
            selfx["self"] = after
            if not run._check_rule(mi, rule, selfx, "Resource postcondition failed", check=ck):
                return None
        run.set_object(sr, key, new_object(after, schema))
        run.hooks.post_apply(typed, NOT_DEPOSED, Action.READ, object_id(after), False)
        return after

    def nested_read_failed(
        self,
        mi: ModuleInstance,
        sr: StateResource,
        key: IndexKey,
        schema: Schema,
        config: Value,
        resp: pi.ReadDataSourceResponse,
        read_diags: Diagnostics,
    ) -> Value | None:
        """A check block's data source: what its read reports is only a warning. A failed read
        fails the check (its assertions are then not evaluated) and leaves the value unknown,
        as terraform's planDataSource does for data nested in a check block; None when the
        read succeeded."""
        run = self.run
        errors = [x for x in read_diags if x.severity == diag.Severity.ERROR]
        for x in read_diags:
            x.severity = diag.Severity.WARNING
            x.extra["check_rule"] = True  # never consolidated with other warnings
        if run.shows_check_diags():
            run.add_diags(read_diags)
        if not errors:
            return None
        run.hooks.post_apply(instance_addr(mi, self.r, key), NOT_DEPOSED, Action.READ, "", True)
        plain, _ = config.unmark_deep()
        after = mark_sensitive(schema.block, mark_paths(_unknown_computed(schema, plain), marked_paths(config)))
        local = f"check.{self.r.container}"
        run.checks.report(_join(str(self.cfg.path), local), _join(str(mi), local), "fail", _errors_text(errors), None, str(mi))
        run.set_object(sr, key, new_object(_unknown_as_null(after), schema))
        return after

    def dependency_pending(self, mi: ModuleInstance) -> bool:
        """A managed resource this data source waits for has changes planned (terraform's
        forcePlanReadData over the resources ``ConfigGraph.data_depends_on`` lists)."""
        run = self.run
        deps = run.cg.data_depends_on(run.config).get(self.node)
        if not deps:
            return False
        wanted = {(str(d.module), d.local) for d in deps}
        here = str(self.cfg.path)
        this_instance = str(mi)
        with run.changes_lock:
            changes = list(run.changes.values())
        statics: dict[str, str] = {}
        for ch in changes:
            if ch.action == Action.NO_OP or ch.mode == "data":
                continue
            mod = ch.module_address
            static = statics.get(mod)
            if static is None:
                static = statics[mod] = static_module(mod) if mod else ""
            if (static, f"{ch.type}.{ch.name}") not in wanted:
                continue
            if static == here and mod != this_instance:
                continue  # another instance of this module: its references cannot reach this one
            return True
        return False


def _unknown_as_null(v: Value) -> Value:
    """Unknown values (at any depth) as nulls, as terraform stores a value read that failed."""
    if not v.is_known:
        return Value(v.type, None, v.marks)
    if isinstance(v.v, dict):
        return Value(v.type, {k: _unknown_as_null(x) for k, x in v.v.items()}, v.marks)
    if isinstance(v.v, tuple):
        return Value(v.type, tuple(_unknown_as_null(x) for x in v.v), v.marks)
    return v


def _join(mod: str, local: str) -> str:
    return f"{mod}.{local}" if mod else local


def _errors_text(errors: list[diag.Diagnostic]) -> str:
    """Error diagnostics as one message, the way terraform's Diagnostics.Err() words them."""
    texts = [f"{x.summary}: {x.detail}" if x.detail else x.summary for x in errors]
    if len(texts) == 1:
        return texts[0]
    return f"{len(texts)} problems:\n" + "".join(f"\n- {t}" for t in texts)


def _unknown_computed(schema: Schema, config: Value) -> Value:
    from sheath.providers.sdk import unknown_computed

    return unknown_computed(schema.block, config, config)


def _keep_marks(v: Value, prior: Value) -> Value:
    return mark_paths(v, marked_paths(prior))


def prevent_destroy_diagnostic(addr: str, r: Resource) -> Any:
    return diag.error(
        "Instance cannot be destroyed",
        f"Resource {addr} has lifecycle.prevent_destroy set, but the plan calls for this resource to be destroyed. "
        "To avoid this error and continue with the plan, either disable lifecycle.prevent_destroy or reduce the scope "
        "of the plan using the -target option.",
        r.decl_range,
    )


def _provider_of_node(run: Run, node: ConfigNode) -> str:
    from sheath.engine.run import parse_provider_node

    return parse_provider_node(run.provider_of[node].local)[0]


def _key_order(k: IndexKey) -> tuple[int, int, str]:
    if k is None:
        return (0, 0, "")
    if isinstance(k, int):
        return (1, k, "")
    return (2, 0, k)


def _orphan_reason(exp: Expansion, key: IndexKey) -> ActionReason:
    if exp.mode == "count":
        return ActionReason.DELETE_BECAUSE_COUNT_INDEX if isinstance(key, int) else ActionReason.DELETE_BECAUSE_WRONG_REPETITION
    if exp.mode == "for_each":
        return ActionReason.DELETE_BECAUSE_EACH_KEY if isinstance(key, str) else ActionReason.DELETE_BECAUSE_WRONG_REPETITION
    if exp.mode == "enabled" and key is None:  # OpenTofu's lifecycle.enabled = false
        return ActionReason.DELETE_BECAUSE_ENABLED_FALSE
    return ActionReason.DELETE_BECAUSE_WRONG_REPETITION


def static_module(mod: str) -> str:
    mi = parse_module_instance(mod)
    return str(mi.module())


def parse_module_instance(mod: str) -> ModuleInstance:
    from sheath.engine.evalctx import module_instance
    from sheath.plans.model import MODULE_STEP_RE
    import json

    steps: list[tuple[str, IndexKey]] = []
    for m in MODULE_STEP_RE.finditer(mod):
        raw = m.group(2)
        k: IndexKey = None
        if raw is not None:
            k = int(raw) if raw[0] != '"' else json.loads(raw)
        steps.append((m.group(1), k))
    return module_instance(steps)


__all__ = ["ResourcePlanner", "upgrade_object"]
