"""Applying the planned changes of one resource, and destroying objects.

Each instance is evaluated again with the values now known, planned again by
the provider (the final plan must agree with the saved one's action) and
applied; the new object goes into the working state at once (and so into
the journal). A failed create that left an object records it as tainted.
Each create is recorded as an intent before the provider is asked for it
(``Run.create_intents``) and settled by its result, so a run killed in between
leaves a record of the object that may exist outside the state.
"""

from __future__ import annotations

import random
from typing import Any

from sheath.addrs.module import ModuleInstance
from sheath.engine.createintent import answered, create_intent
from sheath.engine.dataloss import allowing, allows_data_loss, as_configured
from sheath.addrs.instance_key import IndexKey
from sheath.engine.evalctx import Repetition
from sheath.engine.objects import marked_paths, marks_equal, mark_paths, new_object, object_private, object_value
from sheath.engine.planner import ResourcePlanner, upgrade_object
from sheath.engine.provider_instances import change_provider_addr, for_object
from sheath.engine.provisioning import Provisioning, apply_provisioners, instance_variables
from sheath.engine.hooks import NOT_DEPOSED
from sheath.engine.run import Expansion, Run, WalkAbort, object_id, instance_addr, instance_address
from sheath.graph.references import ConfigNode
from sheath.plans.model import Action, ResourceInstanceChange
from sheath.providers import interface as pi
from sheath.providers.marks import mark_sensitive
from sheath.providers.objchange import proposed_new
from sheath.providers.schema import Schema
from sheath.states.state import Resource as StateResource
from sheath.types.cty import Value, null, unknown
from sheath.types.ops import raw_equal


def new_deposed_key() -> str:
    return f"{random.getrandbits(32):08x}"


class ResourceApplier(ResourcePlanner):
    def apply(self) -> None:
        run = self.run
        schema, _ = run.resource_schema(self.node, self.r)
        provider, pnode = run.provider_for(self.node)
        failed = False
        batches: list[tuple[ModuleInstance, Expansion, Any]] = []
        for mi in run.instances_of(self.cfg.path):
            exp = run.expand(mi, self.r.count, self.r.for_each, self.r.enabled)
            if exp is None:
                failed = True
                continue
            sr = run.state_resource(mi, self.r, pnode)
            reps_now = exp.reps

            def one(k: IndexKey, mi: ModuleInstance = mi, sr: StateResource = sr, reps: dict[IndexKey, Repetition] = reps_now) -> Value | None:
                prov = self.instance_provider(mi, sr, k, reps[k], provider)  # OpenTofu's provider for_each
                if prov is None:
                    return None
                return self.apply_instance(mi, sr, k, reps[k], schema, prov)

            batches.append((mi, exp, one))
        # every module instance's instances at once (not one module instance after another)
        failed = not self.each_instance(batches) or failed
        if failed:
            raise WalkAbort()

    def apply_instance(
        self, mi: ModuleInstance, sr: StateResource, key: IndexKey, rep: Repetition, schema: Schema, provider: pi.Provider
    ) -> Value | None:
        run = self.run
        addr = instance_address(mi, self.r, key)
        change = run.planned.get(addr)
        inst = sr.instances.get(key)
        obj = inst.current if inst is not None else None
        if change is None or (change.action in (Action.NO_OP, Action.DELETE) and change.importing is None):
            if obj is None:
                return unknown(schema.block.implied_type())
            v = upgrade_object(run, provider, self.r.type, schema, obj)
            if v is None or run.opts.destroy or (change is not None and change.action == Action.DELETE):
                return v
            if run.apply_selection is not None and not run.apply_selection.applies(addr):
                return v  # no node in the targeted apply graph: its conditions are not checked
            return self.check_unchanged(mi, key, rep, v)
        if self.mode == "data":
            config, d = run.eval_config(mi, self.r, schema, rep)
            if run.add_diags(d):
                return None
            with run.sem:
                return self.read_data(mi, sr, key, rep, schema, provider, config)
        with run.sem:
            return self._apply_managed(mi, sr, key, rep, schema, provider, change, obj)

    def _apply_managed(
        self,
        mi: ModuleInstance,
        sr: StateResource,
        key: IndexKey,
        rep: Repetition,
        schema: Schema,
        provider: pi.Provider,
        change: ResourceInstanceChange,
        obj: object,
    ) -> Value | None:
        from sheath.states.state import InstanceObject

        run = self.run
        r = self.r
        addr = instance_address(mi, r, key)
        action = change.action
        config, d = run.eval_config(mi, r, schema, rep)
        if run.add_diags(d):
            return None
        ck = (str(self.node), addr, key)
        for rule in r.preconditions:
            if not run._check_rule(mi, rule, rep.variables(), "Resource precondition failed", check=ck):
                return None
        from sheath.engine.planner import apply_ignore_changes

        prior = null(schema.block.implied_type())
        private = b""
        if action == Action.CREATE_THEN_DELETE and isinstance(obj, InstanceObject):
            dk = new_deposed_key()
            run.set_object(sr, key, obj, deposed=dk)
            run.set_object(sr, key, None)
            run.deposed_for_cbd.setdefault(str(self.node), []).append((mi, sr, key, dk))
        elif action == Action.FORGET_THEN_CREATE:
            run.set_object(sr, key, None)  # OpenTofu forgets the old object, then creates the new one
        elif action == Action.UPDATE and isinstance(obj, InstanceObject):
            p = upgrade_object(run, provider, r.type, schema, obj)
            if p is None:
                return None
            prior = p
            private = object_private(obj)
        elif change.importing is not None:
            imported = self._import_now(mi, sr, key, schema, provider, change.importing.id)
            if imported is None:
                return None
            prior, private = imported
            if action == Action.NO_OP:
                return prior
        config = apply_ignore_changes(r, schema, config, prior)
        plain_config, _ = config.unmark_deep()
        plain_prior, _ = prior.unmark_deep()
        # -allow-data-loss (engine.dataloss): the provider sees allow_data_loss = true; the
        # state keeps the configured value
        allowed = bool(run.opts.allow_data_loss) and run.opts.allow_data_loss.allows(addr, r.type, schema)
        sent = allowing(plain_config) if allowed else plain_config
        proposed = proposed_new(schema.block, plain_prior, sent)
        resp = provider.plan_resource_change(pi.PlanResourceChangeRequest(r.type, plain_prior, proposed, sent, private))
        if run.add_diags(self.provider_diags(resp.diagnostics, addr)):
            return None
        planned = resp.planned_state if resp.planned_state is not None else null(plain_prior.type)
        stored = as_configured(planned, plain_config) if allowed else planned  # what the state keeps
        # only the sensitivity changes: terraform writes the new marks without asking the provider
        marks_only = False
        if action == Action.UPDATE and raw_equal(plain_prior, stored):
            if marks_equal(mark_sensitive(schema.block, mark_paths(stored, marked_paths(config))), prior):
                # the values the plan could not know turned out unchanged: nothing to do
                return prior
            marks_only = True
        hook_action = Action.CREATE if action.is_replace or action == Action.FORGET_THEN_CREATE else action
        typed = instance_addr(mi, r, key)
        run.hooks.pre_apply(typed, NOT_DEPOSED, hook_action, object_id(prior))
        intent = None
        if hook_action == Action.CREATE and run.create_intents is not None:
            intent = create_intent(sr.module, r.type, sr.name, sr.provider, key, addr, schema, planned, config)
            if intent is not None:
                run.create_intents.intend(intent)
        if marks_only:
            ar = pi.ApplyResourceChangeResponse(new_state=stored, private=private)
        else:
            ar = provider.apply_resource_change(
                pi.ApplyResourceChangeRequest(r.type, plain_prior, planned, sent, resp.planned_private)
            )
        new = as_configured(ar.new_state, plain_config) if allowed and ar.new_state is not None else ar.new_state
        errored = run.add_diags(self.provider_diags(ar.diagnostics, addr))
        deps = run.state_deps.get(self.node, [])
        cbd = addr in run.apply_cbd if run.apply_cbd is not None else str(self.node) in run.cbd
        if new is not None and not new.is_null:
            after = mark_sensitive(schema.block, mark_paths(new, marked_paths(config)))
            status = "tainted" if errored and hook_action == Action.CREATE else ""
            run.set_object(
                sr, key, new_object(after, schema, private=ar.private, dependencies=deps, create_before_destroy=cbd, status=status)
            )
            if not errored and hook_action == Action.CREATE and r.managed is not None:
                # create-time provisioners; a failure taints the new object
                prov = Provisioning(r.managed.connection, r.managed.provisioners)
                errored = run.add_diags(apply_provisioners(run, mi, typed, prov, "create", after, rep.variables()))
                if errored:
                    run.set_object(
                        sr, key, new_object(after, schema, private=ar.private, dependencies=deps, create_before_destroy=cbd, status="tainted")
                    )
        else:
            after = null(schema.block.implied_type())
            if not errored:
                run.set_object(sr, key, None)
        if intent is not None and run.create_intents is not None and answered(ar.diagnostics):
            run.create_intents.settle(intent)
        run.hooks.post_apply(typed, NOT_DEPOSED, hook_action, object_id(after), errored)
        if errored:
            return None
        for rule in r.postconditions:
            selfx = dict(rep.variables())
            selfx["self"] = after
            if not run._check_rule(mi, rule, selfx, "Resource postcondition failed", check=ck):
                return None
        return after

    def check_unchanged(self, mi: ModuleInstance, key: IndexKey, rep: Repetition, value: Value) -> Value | None:
        """Conditions of an instance the apply leaves as it is are checked again."""
        run = self.run
        r = self.r
        if not r.preconditions and not r.postconditions:
            return value
        ck = (str(self.node), instance_address(mi, r, key), key)
        for rule in r.preconditions:
            if not run._check_rule(mi, rule, rep.variables(), "Resource precondition failed", check=ck):
                return None
        for rule in r.postconditions:
            selfx = dict(rep.variables())
            selfx["self"] = value
            if not run._check_rule(mi, rule, selfx, "Resource postcondition failed", check=ck):
                return None
        return value

    def _import_now(
        self, mi: ModuleInstance, sr: StateResource, key: IndexKey, schema: Schema, provider: pi.Provider, import_id: str
    ) -> tuple[Value, bytes] | None:
        run = self.run
        addr = instance_addr(mi, self.r, key)
        run.hooks.pre_apply_import(addr, import_id)
        resp = provider.import_resource_state(pi.ImportResourceStateRequest(self.r.type, import_id))
        if run.add_diags(resp.diagnostics) or not resp.imported_resources:
            return None
        o = resp.imported_resources[0]
        rr = provider.read_resource(pi.ReadResourceRequest(self.r.type, o.state, o.private))
        if run.add_diags(rr.diagnostics) or rr.new_state is None or rr.new_state.is_null:
            return None
        value = mark_sensitive(schema.block, rr.new_state)
        run.set_object(sr, key, new_object(value, schema, private=rr.private, dependencies=run.state_deps.get(self.node, [])))
        run.hooks.post_apply_import(addr, import_id)
        return value, rr.private


def destroy_objects(run: Run, node: ConfigNode, changes: list[ResourceInstanceChange], deposed_cleanup: bool = False) -> None:
    """Destroy the objects of one config resource that the plan deletes (or replaces destroy-first)."""
    planner = ResourcePlanner(run, node)
    schema, _ = run.resource_schema(node, planner.r) if planner is not None else (None, None)
    assert schema is not None
    provider, _ = run.provider_for(node)
    failed = False

    managed = planner.r.managed
    prov = Provisioning(managed.connection, managed.provisioners) if managed is not None else None

    def one(c: ResourceInstanceChange) -> bool:
        with run.sem:
            return destroy_object(run, c, schema, provider, prov)

    # current objects first, then those a create_before_destroy left behind (terraform's order)
    for batch in ([c for c in changes if not c.deposed], [c for c in changes if c.deposed]):
        for ok in run.parallel(batch, one):
            failed = failed or not ok
    if deposed_cleanup:
        for mi, sr, key, dk in run.deposed_for_cbd.get(str(node), []):
            inst = sr.instances.get(key)
            obj = inst.deposed.get(dk) if inst is not None else None
            if obj is None:
                continue
            address = instance_address(mi, planner.r, key)
            # the delete half of the planned replacement: its new object saying
            # allow_data_loss = true allows the drop, as a destroy-first replacement's
            replacing = run.planned.get(address)
            replaced = replacing is not None and replacing.action == Action.CREATE_THEN_DELETE
            c = ResourceInstanceChange(
                address=address,
                mode="managed",
                type=sr.type,
                name=sr.name,
                action=Action.CREATE_THEN_DELETE if replaced else Action.DELETE,
                before=object_value(obj, schema),
                after=replacing.after if replacing is not None and replaced else null(schema.block.implied_type()),
                module_address=str(mi),
                index=key,
                deposed=dk,
                provider_config_addr=change_provider_addr(run, sr, key, obj),
            )
            with run.sem:
                if not destroy_object(run, c, schema, provider):
                    failed = True
    if failed:
        raise WalkAbort()


def destroy_object(
    run: Run, c: ResourceInstanceChange, schema: Schema, provider: pi.Provider, provisioning: Provisioning | None = None
) -> bool:
    key = (c.module_address, c.mode, c.type, c.name)
    sr = run.state.resources.get(key)
    if sr is None:
        return True
    inst = sr.instances.get(c.index)
    if inst is None:
        return True
    obj = inst.deposed.get(c.deposed) if c.deposed else inst.current
    if obj is None:
        return True
    own = for_object(run, sr, obj, c.address, provider, c.deposed or "")  # OpenTofu's provider for_each
    if own is None:
        return False
    provider = own
    if c.mode == "data":
        run.set_object(sr, c.index, None)
        return True
    prior = upgrade_object(run, provider, c.type, schema, obj)
    if prior is None:
        return False
    plain_prior, _ = prior.unmark_deep()
    addr = c.instance_addr
    run.hooks.pre_apply(addr, c.deposed, Action.DELETE, object_id(prior))
    if provisioning is not None and not c.deposed and obj.status != "tainted":
        # destroy-time provisioners; a failure keeps the object
        variables = instance_variables(c.index)
        if run.add_diags(apply_provisioners(run, addr.module, addr, provisioning, "destroy", prior, variables)):
            # terraform's engine reports an apply's end with no deposed key (NotDeposed)
            run.hooks.post_apply(addr, NOT_DEPOSED, Action.DELETE, "", True)
            return False
    # -allow-data-loss (engine.dataloss), or the replacement's new object saying
    # allow_data_loss = true: the provider sees the old object say so
    allowed = bool(run.opts.allow_data_loss) and run.opts.allow_data_loss.allows(c.address, c.type, schema)
    ar = provider.apply_resource_change(
        pi.ApplyResourceChangeRequest(
            c.type,
            allowing(plain_prior) if allowed or (c.action.is_replace and allows_data_loss(schema, c.after)) else plain_prior,
            null(plain_prior.type),
            null(plain_prior.type),
            object_private(obj) if c.private is None else c.private,
        )
    )
    errored = run.add_diags(ar.diagnostics)
    if not errored:
        run.set_object(sr, c.index, None, deposed=c.deposed)
    run.hooks.post_apply(addr, NOT_DEPOSED, Action.DELETE, "", errored)
    return not errored


__all__ = ["ResourceApplier", "destroy_objects", "new_deposed_key"]
