"""Ephemeral resources: opened for the length of one walk, never stored.

Each instance's configuration is evaluated and handed to the provider's
OpenEphemeralResource; the result (marked ephemeral, so it can go only where
terraform lets ephemeral values go: provider configurations, write-only
arguments, locals, other ephemeral resources) is the resource's value. When
the configuration is not known yet, the value is unknown. Everything opened is
closed when the walk ends (``close_all``).
"""

from __future__ import annotations

from typing import Any

from sheath.addrs.module import ModuleInstance
from sheath.addrs.instance_key import IndexKey
from sheath.engine.evalctx import Repetition
from sheath.engine.provider_instances import select_for_instance, uses_instances
from sheath.engine.run import Run, WalkAbort, instance_addr, instance_address
from sheath.graph.references import ConfigNode
from sheath.providers import interface as pi
from sheath.providers.schema import Schema
from sheath.types.cty import EPHEMERAL, Value, unknown


class EphemeralOpener:
    def __init__(self, run: Run, node: ConfigNode) -> None:
        self.run = run
        self.node = node
        self.cfg, module = run.module_of(node)
        r = module.resource_by_key(node.local)
        assert r is not None
        self.r = r

    def open(self) -> None:
        run = self.run
        schema, provider = self._schema_and_provider()
        failed = False
        for mi in run.instances_of(self.cfg.path):
            exp = run.expand(mi, self.r.count, self.r.for_each, self.r.enabled)
            if exp is None:
                failed = True
                continue
            reps = exp.reps
            per: dict[IndexKey, Value] = {}
            for k in exp.keys:
                prov: pi.Provider | None = provider
                if uses_instances(run, self.node):  # OpenTofu's provider for_each
                    prov = select_for_instance(run, self.node, self.r, mi, reps[k], None, k, instance_address(mi, self.r, k))
                v = self._open_one(mi, k, reps[k], schema, prov) if prov is not None else None
                if v is None:
                    failed = True
                    v = unknown(schema.block.implied_type())
                per[k] = v
            run.set_resource_value(mi, self.r, exp, per, prefix="ephemeral.")
        if failed:
            raise WalkAbort()

    def _schema_and_provider(self) -> tuple[Schema, pi.Provider]:
        from sheath.engine.run import parse_provider_node, provider_address
        from sheath import diag

        run = self.run
        provider, _ = run.provider_for(self.node)
        addr = provider_address(parse_provider_node(run.provider_of[self.node].local)[0])
        schema = run.schemas.get(addr).ephemeral_resource_types.get(self.r.type)
        if schema is None:
            run.add_diags(
                [diag.error("Invalid ephemeral resource type", f'The provider {addr.for_display()} does not support ephemeral resource type "{self.r.type}".', self.r.type_range)]
            )
            raise WalkAbort()
        return schema, provider

    def _open_one(self, mi: ModuleInstance, key: IndexKey, rep: Repetition, schema: Schema, provider: pi.Provider) -> Value | None:
        run = self.run
        config, d = run.eval_config(mi, self.r, schema, rep)
        if run.add_diags(d):
            return None
        plain, _ = config.unmark_deep()
        vr = provider.validate_ephemeral_resource_config(self.r.type, plain)
        if run.add_diags(vr.diagnostics):
            return None
        if not plain.is_wholly_known():
            return unknown(schema.block.implied_type()).mark(EPHEMERAL)
        addr = instance_addr(mi, self.r, key)
        run.hooks.ephemeral_start(addr, "open")
        with run.sem:
            resp = provider.open_ephemeral_resource(pi.OpenEphemeralResourceRequest(self.r.type, plain))
        run.hooks.ephemeral_done(addr, "open", resp.diagnostics.has_errors() or resp.result is None)
        for x in resp.diagnostics:
            x.extra.setdefault("address", str(addr))
            if x.subject is None:
                x.subject = self.r.config.missing_item_range()
        if run.add_diags(resp.diagnostics) or resp.result is None:
            return None
        with run.state_lock:
            run.ephemeral_open.append((addr, provider, self.r.type, resp.private))
        return resp.result.mark(EPHEMERAL)


def close_all(run: Run) -> None:
    """Close every ephemeral resource the walk opened (before the providers stop)."""
    for addr, provider, type_name, private in run.ephemeral_open:
        run.hooks.ephemeral_start(addr, "close")
        failed = True
        try:
            resp = provider.close_ephemeral_resource(pi.CloseEphemeralResourceRequest(type_name, private))
            failed = run.add_diags(resp.diagnostics)
        except Exception:  # noqa: BLE001 - closing is best effort; the provider may be gone
            pass
        run.hooks.ephemeral_done(addr, "close", failed)
    run.ephemeral_open.clear()


__all__ = ["EphemeralOpener", "close_all", "Any"]
