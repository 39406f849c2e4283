"""Running a resource instance's provisioners (terraform's evalApplyProvisioners).

Create-time provisioners run after an object is created (never after an
update), destroy-time ones before an object is destroyed; a tainted object is
not provisioned. Each provisioner's arguments and its connection (the
resource's connection block, overridden argument by argument by the
provisioner's own) are evaluated with ``self`` bound to the object; a
destroy-time provisioner sees only ``self``, ``count.index`` and ``each.key``.
Output goes to the hooks line by line, or is suppressed when the arguments hold
a sensitive value. With ``on_failure = continue`` a failure is forgotten; with
``fail`` (the default) it stops the remaining provisioners and is returned.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from sheath.addrs.module import ModuleInstance
from sheath.addrs.resource import AbsResourceInstance
from sheath.config.common import quoted_string
from sheath.config.merge import merge_bodies
from sheath.config.resource import Connection, Provisioner
from sheath.diag import Diagnostics
from sheath.addrs.instance_key import IndexKey
from sheath.engine.evalctx import Repetition
from sheath.engine.hooks import Hooks
from sheath.lang import hcl
from sheath.providers.schema import Block, block_to_body_schema, decode_body
from sheath.types.cty import SENSITIVE, Value, null, object_val, unknown

SUPPRESSED = "(output suppressed due to sensitive value in config)"


@dataclass(frozen=True, slots=True)
class Provisioning:
    """What a resource (or a removed block) declares about provisioning."""

    connection: Connection | None
    provisioners: list[Provisioner]

    def when(self, when: str) -> list[Provisioner]:
        return [p for p in self.provisioners if p.when == when]


@dataclass(slots=True)
class _HookOutput:
    hooks: Hooks
    addr: AbsResourceInstance
    type_name: str
    suppress: bool

    def output(self, msg: str) -> None:
        self.hooks.provision_output(self.addr, self.type_name, SUPPRESSED if self.suppress else msg)


def removed_provisioning(rem: Any) -> Provisioning | None:
    """The provisioning a removed block (or None) declares for the objects it destroys."""
    if rem is None or not rem.destroy or not rem.provisioners:
        return None
    return Provisioning(rem.connection, rem.provisioners)


def instance_variables(key: IndexKey) -> dict[str, Value]:
    """count.index or each.key of an instance known only by its key (destroy time)."""
    if isinstance(key, int):
        return Repetition(count_index=key).variables()
    if isinstance(key, str):
        return Repetition(each_key=key).variables()
    return {}


def apply_provisioners(
    run: Any,
    mi: ModuleInstance,
    addr: AbsResourceInstance,
    provisioning: Provisioning,
    when: str,
    self_value: Value,
    variables: Mapping[str, Value],
) -> Diagnostics:
    """Run the provisioners of one kind ("create" or "destroy") on one object; the
    diagnostics that make the operation fail."""
    diags = Diagnostics()
    if when == "destroy" and mi.steps:
        # a destroy walk does not visit module calls: path.module comes from the configuration
        c = run.config.descendant(mi.module())
        if c is not None:
            run.values.module(mi).path_module = run.path_module(c)
    from sheath.provisioners.connection import CONNECTION_SCHEMA
    from sheath.provisioners.interface import ProvisionRequest
    from sheath.provisioners.registry import builtin_provisioner

    for p in provisioning.when(when):
        provisioner = builtin_provisioner(p.type)
        if provisioner is None:
            diags.add_error(
                "Missing required provisioner plugin",
                f'This configuration requires provisioner plugin "{p.type}", which isn\'t available.',
                p.type_range,
            )
            return diags
        extra = dict(variables)
        extra["self"] = self_value
        config, d = _evaluate(run, mi, p.config, provisioner.schema(), extra)
        diags.extend(d)
        if d.has_errors():
            return diags
        conn_body = connection_body(provisioning.connection, p.connection)
        conn = null(CONNECTION_SCHEMA.implied_type())
        if conn_body is not None:
            conn, d = _evaluate(run, mi, conn_body, CONNECTION_SCHEMA, extra)
            diags.extend(d)
            if d.has_errors():
                return diags
        run.hooks.pre_provision_step(addr, p.type)
        plain_config, marks = config.unmark_deep()
        plain_conn, _ = conn.unmark_deep()
        ui = _HookOutput(run.hooks, addr, p.type, SENSITIVE in marks)
        result = provisioner.provision(ProvisionRequest(plain_config, plain_conn, ui))
        where = p.config.missing_item_range()
        for x in result:
            if x.subject is None:
                x.subject = where
            x.extra.setdefault("address", str(addr))
        failed = result.has_errors()
        run.hooks.post_provision_step(addr, p.type, failed)
        if p.on_failure == "continue":
            if not failed:
                diags.extend(result)
            continue
        diags.extend(result)
        if failed:
            return diags
    return diags


def connection_body(base: Connection | None, local: Connection | None) -> hcl.Body | None:
    """The connection a provisioner uses: its own block merged over the resource's."""
    if base is not None and local is not None:
        return merge_bodies(base.config, local.config)
    if base is not None:
        return base.config
    if local is not None:
        return local.config
    return None


def _evaluate(run: Any, mi: ModuleInstance, body: hcl.Body, schema: Block, extra: Mapping[str, Value]) -> tuple[Value, Diagnostics]:
    from sheath.lang.eval import evaluate

    ctx = run.values.body_context(mi, body, extra)

    def scoped(more: Any) -> Any:
        child = ctx.new_child(more)
        return lambda e: evaluate(e, child)

    return decode_body(schema, body, lambda e: evaluate(e, ctx), scoped)


def validate_provisioners(cfg: Any) -> Diagnostics:
    """What terraform checks of provisioner blocks before planning: every type must be
    available ("Missing required provisioner plugin" stops everything), each
    provisioner's arguments match its schema and pass its own checks, each connection
    (the resource's merged with the provisioner's) matches the connection schema. A
    resource's provisioners are checked in order up to the first with errors.
    Connection arguments sheath does not implement are refused here, before anything
    is created."""
    diags = Diagnostics()
    blocks: list[tuple[Connection | None, list[Provisioner]]] = []
    for c in cfg.all_modules():
        for r in c.module.all_resources():
            if r.managed is not None and r.managed.provisioners:
                blocks.append((r.managed.connection, r.managed.provisioners))
        for rem in c.module.removed:
            if rem.provisioners:
                blocks.append((rem.connection, rem.provisioners))
    if not blocks:
        return diags
    from sheath.provisioners.registry import builtin_provisioner

    missing: list[str] = []
    for _, provs in blocks:
        for p in provs:
            if builtin_provisioner(p.type) is None and p.type not in missing:
                missing.append(p.type)
    for t in missing:
        diags.add_error(
            "Missing required provisioner plugin",
            f'This configuration requires provisioner plugin "{t}", which isn\'t available. If you\'re intending to use '
            "an external provisioner plugin, you must install it manually into one of the plugin search directories "
            "before running Terraform.",
        )
    if missing:
        return diags
    for base, provs in blocks:
        for p in provs:
            d = _validate_one(base, p)
            diags.extend(d)
            if d.has_errors():
                break
    return diags


def _validate_one(base: Connection | None, p: Provisioner) -> Diagnostics:
    from sheath.provisioners.communicator import UNIMPLEMENTED
    from sheath.provisioners.connection import CONNECTION_SCHEMA
    from sheath.provisioners.registry import builtin_provisioner

    provisioner = builtin_provisioner(p.type)
    assert provisioner is not None
    diags = Diagnostics()
    schema = provisioner.schema()
    content, d = p.config.content(block_to_body_schema(schema))
    diags.extend(d)
    attrs = {
        name: (unknown(a.spec_type()) if name in content.attributes else null(a.spec_type()))
        for name, a in schema.attributes.items()
    }
    diags.extend(provisioner.validate(object_val(attrs)))
    body = connection_body(base, p.connection)
    if body is not None:
        cc, d = body.content(block_to_body_schema(CONNECTION_SCHEMA))
        diags.extend(d)
        for name in UNIMPLEMENTED:
            if name in cc.attributes:
                diags.add_error(
                    "Unsupported connection argument",
                    f'sheath\'s SSH communicator does not implement "{name}" yet. Remove it, or run this '
                    "configuration with terraform.",
                    cc.attributes[name].name_range,
                )
        for name, value, what in (("type", "winrm", "the WinRM communicator"), ("target_platform", "windows", "Windows targets")):
            a = cc.attributes.get(name)
            if a is not None and quoted_string(a.expr) == value:
                diags.add_error(
                    "Unsupported connection argument",
                    f"sheath does not implement {what} yet: only SSH connections to Unix hosts. Run this configuration "
                    "with terraform.",
                    a.expr.range,
                )
    return diags


__all__ = [
    "Provisioning",
    "SUPPRESSED",
    "apply_provisioners",
    "instance_variables",
    "removed_provisioning",
    "validate_provisioners",
]
