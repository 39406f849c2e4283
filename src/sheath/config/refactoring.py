"""moved, import and removed blocks."""

from __future__ import annotations

from dataclasses import dataclass, field

from sheath.addrs import AbsResourceInstance, MoveEndpoint, ResourceMode, parse_move_endpoint
from sheath.addrs.module import Module as ModuleAddr
from sheath.addrs.parse import parse_abs_resource_instance_steps, steps_from_traversal
from sheath.addrs.resource import ConfigResource
from sheath.config.common import ProviderConfigRef, decode_provider_config_ref
from sheath.config.exprs import abs_traversal_for_expr, decode_bool, unwrap_json_ref
from sheath.config.resource import Connection, Provisioner, decode_provisioner_block
from sheath.diag import Diagnostics, Range
from sheath.config.common import range_str
from sheath.lang import hcl
from sheath.lang.hcl import Expression


@dataclass(slots=True)
class Moved:
    from_: MoveEndpoint | None
    to: MoveEndpoint | None
    decl_range: Range


@dataclass(slots=True)
class Import:
    to: Expression | None
    """The `to` expression: kept because with for_each its index may be dynamic."""
    id: Expression | None
    decl_range: Range
    to_resource: AbsResourceInstance | None = None
    for_each: Expression | None = None
    provider_config_ref: ProviderConfigRef | None = None
    provider_range: Range | None = None
    """The whole provider argument, when set."""


@dataclass(slots=True)
class Removed:
    from_: ConfigResource | ModuleAddr | None
    decl_range: Range
    destroy: bool = True
    provisioners: list[Provisioner] = field(default_factory=list)
    connection: Connection | None = None


MOVED_SCHEMA = hcl.BodySchema(
    attributes=(hcl.AttributeSchema("from", required=True), hcl.AttributeSchema("to", required=True))
)

IMPORT_SCHEMA = hcl.BodySchema(
    attributes=(
        hcl.AttributeSchema("provider"),
        hcl.AttributeSchema("id", required=True),
        hcl.AttributeSchema("to", required=True),
        hcl.AttributeSchema("for_each"),
        hcl.AttributeSchema("identity"),
    )
)

REMOVED_SCHEMA = hcl.BodySchema(
    attributes=(hcl.AttributeSchema("from", required=True),),
    blocks=(
        hcl.BlockHeaderSchema("lifecycle"),
        hcl.BlockHeaderSchema("connection"),
        hcl.BlockHeaderSchema("provisioner", ("type",)),
    ),
)

REMOVED_LIFECYCLE_SCHEMA = hcl.BodySchema(attributes=(hcl.AttributeSchema("destroy"),))


def decode_moved_block(block: hcl.Block) -> tuple[Moved, Diagnostics]:
    content, diags = block.body.content(MOVED_SCHEMA)
    m = Moved(None, None, block.def_range)
    for which in ("from", "to"):
        attr = content.attributes.get(which)
        if attr is None:
            continue
        t, d = abs_traversal_for_expr(attr.expr)
        diags.extend(d)
        if t is None or d.has_errors():
            continue
        ep, d = parse_move_endpoint(t)
        diags.extend(d)
        if which == "from":
            m.from_ = ep
        else:
            m.to = ep
    if not diags.has_errors() and m.from_ is not None and m.to is not None:
        if not m.from_.might_unify_with(m.to):
            diags.add_error(
                'Invalid "moved" addresses',
                'The "from" and "to" addresses must either both refer to resources or both refer to modules.',
                block.def_range,
            )
    return m, diags


def decode_import_block(block: hcl.Block) -> tuple[Import | None, Diagnostics]:
    content, diags = block.body.content(IMPORT_SCHEMA)
    a = content.attributes
    to_attr = a.get("to")
    imp = Import(to_attr.expr if to_attr is not None else None, a["id"].expr if "id" in a else None, block.def_range)
    if "for_each" in a:
        imp.for_each = a["for_each"].expr
    if "provider" in a:
        ref, d = decode_provider_config_ref(a["provider"].expr, "provider")
        diags.extend(d)
        imp.provider_config_ref = ref
        imp.provider_range = a["provider"].range
    if "id" in a and "identity" in a:
        diags.add_error(
            "Invalid import block", 'The "id" and "identity" arguments are mutually exclusive.', a["identity"].name_range
        )
    if to_attr is not None:
        _, jd = unwrap_json_ref(to_attr.expr)  # a JSON string must parse as a native expression
        if jd.has_errors():
            diags.extend(jd)
            return imp, diags
        t, d = abs_traversal_for_expr(to_attr.expr)
        if t is None or d.has_errors():
            if imp.for_each is None:
                diags.extend(d)
                return imp, diags
            # with for_each the last index may be dynamic (resolved during planning): check the rest
            native_to, _ = unwrap_json_ref(to_attr.expr)
            base = _index_base_traversal(native_to)
            if base is None:
                diags.extend(d)
                return imp, diags
            addr, d = parse_abs_resource_instance_steps(steps_from_traversal(base))
            diags.extend(d)
            if addr is None or addr.resource.resource.mode is not ResourceMode.MANAGED:
                diags.add_error("Invalid import address", "Only managed resources can be imported.", to_attr.range)
            return imp, diags
        addr, d = parse_abs_resource_instance_steps(steps_from_traversal(t))
        diags.extend(d)
        if addr is None or addr.resource.resource.mode is not ResourceMode.MANAGED:
            diags.add_error("Invalid import address", "Only managed resources can be imported.", to_attr.range)
        else:
            imp.to_resource = addr
    return imp, diags


def _first_module_key_step(t: object) -> Range | None:
    """The range of the first instance key that follows a module name in a traversal."""
    from sheath.addrs.parse import steps_from_traversal as _steps

    steps = _steps(t)
    i = 0
    while i + 1 < len(steps) and steps[i].kind == "name" and steps[i].value == "module":
        if i + 2 < len(steps) and steps[i + 2].kind == "index":
            return steps[i + 2].range
        i += 2
    return None


def _index_base_traversal(expr: Expression) -> object | None:
    """For `to = a.b[each.key]`: the static traversal being indexed (a.b), else None."""
    from sheath.lang.hclsyntax import ast

    if isinstance(expr, ast.IndexExpr):
        coll = expr.collection
        if isinstance(coll, ast.ScopeTraversalExpr):
            return coll.traversal
    return None


def decode_removed_block(block: hcl.Block) -> tuple[Removed, Diagnostics]:
    content, diags = block.body.content(REMOVED_SCHEMA)
    r = Removed(None, block.def_range)
    attr = content.attributes.get("from")
    if attr is not None:
        t, d = abs_traversal_for_expr(attr.expr)
        diags.extend(d)
        if t is not None and not d.has_errors():
            ep, d = parse_move_endpoint(t, reserved_check=False)
            diags.extend(d)
            if ep is not None:
                from sheath.addrs import AbsResource, ModuleInstance

                subj = ep.subject
                mod = subj if isinstance(subj, ModuleInstance) else subj.module
                key_step = _first_module_key_step(t)
                if any(s.key is not None for s in mod.steps):
                    diags.add_error(
                        "Module instance keys not allowed",
                        'Module address must be a module (e.g. "module.foo"), not a module instance (e.g. '
                        '"module.foo[1]").',
                        key_step or attr.expr.range,
                    )
                elif isinstance(subj, ModuleInstance):
                    r.from_ = subj.module()
                elif isinstance(subj, AbsResource):
                    r.from_ = ConfigResource(mod.module(), subj.resource)
                    if subj.resource.mode is ResourceMode.DATA:
                        diags.add_error(
                            "Data source address not allowed",
                            "Data sources are never destroyed, so they are not valid targets of removed blocks. To "
                            "remove the data source from state, remove the data source block from configuration.",
                            t.range,
                        )
                else:
                    diags.add_error(
                        "Resource instance keys not allowed",
                        'Resource address must be a resource (e.g. "test_instance.foo"), not a resource '
                        'instance (e.g. "test_instance.foo[1]").',
                        t.steps[-1].range,
                    )
    # terraform's decodeRemovedBlock: provisioners and a connection only for a managed resource
    managed = isinstance(r.from_, ConfigResource) and r.from_.resource.mode is ResourceMode.MANAGED
    seen_connection: hcl.Block | None = None
    for b in content.blocks:
        if b.type in ("connection", "provisioner") and not managed:
            if b.type == "connection":
                diags.add_error(
                    "Invalid connection block",
                    "Provisioner connection configuration is valid only when a removed block targets a managed resource.",
                    b.def_range,
                )
            else:
                diags.add_error(
                    "Invalid provisioner block",
                    "Provisioners are valid only when a removed block targets a managed resource.",
                    b.def_range,
                )
            continue
        if b.type == "connection" and seen_connection is not None:
            diags.add_error(
                "Duplicate connection block",
                f'This "removed" block already has a connection block at {range_str(seen_connection.def_range)}.',
                b.def_range,
            )
            continue
        if b.type == "lifecycle":
            lc, d = b.body.content(REMOVED_LIFECYCLE_SCHEMA)
            diags.extend(d)
            if "destroy" in lc.attributes:
                v, d = decode_bool(lc.attributes["destroy"].expr)
                diags.extend(d)
                if v is not None:
                    r.destroy = v
        elif b.type == "connection":
            seen_connection = b
            r.connection = Connection(b.body, b.def_range)
        elif b.type == "provisioner":
            p, d = decode_provisioner_block(b)
            diags.extend(d)
            if p is not None and p.when != "destroy":
                diags.add_error(
                    "Invalid provisioner block",
                    'Only destroy-time provisioners are valid in "removed" blocks. To declare a destroy-time '
                    "provisioner, use:\n    when = destroy",
                    b.def_range,
                )
            elif p is not None:
                r.provisioners.append(p)
    return r, diags
