"""resource, data and ephemeral blocks, with lifecycle, provisioner and connection."""

from __future__ import annotations

from dataclasses import dataclass, field

from sheath.addrs import ConfigResource, Module as ModuleAddr, Provider as ProviderAddr, Resource as ResourceAddr
from sheath.addrs import ResourceMode
from sheath.config.common import (
    BAD_IDENTIFIER_DETAIL,
    CheckRule,
    ProviderConfigRef,
    decode_check_rule,
    decode_depends_on,
    decode_provider_config_ref,
    quoted_string,
    shim_traversal_in_string,
    valid_identifier,
    TraversalExpression,
)
from sheath.config.exprs import decode_bool, expr_as_keyword, expr_list, rel_traversal_for_expr, unwrap_json_ref
from sheath.config.common import range_str
from sheath.config.merge import apply_escaping_blocks
from sheath.diag import Diagnostic, Diagnostics, Range
from sheath.lang import hcl
from sheath.lang.hcl import Expression, Traversal


@dataclass(slots=True)
class Connection:
    config: hcl.Body
    decl_range: Range


@dataclass(slots=True)
class Provisioner:
    type: str
    config: hcl.Body
    decl_range: Range
    type_range: Range
    connection: Connection | None = None
    when: str = "create"
    """"create" or "destroy"."""
    on_failure: str = "fail"
    """"fail" or "continue"."""


@dataclass(slots=True)
class ManagedResource:
    connection: Connection | None = None
    provisioners: list[Provisioner] = field(default_factory=list)
    create_before_destroy: bool = False
    prevent_destroy: bool = False
    ignore_changes: list[Traversal] = field(default_factory=list)
    ignore_all_changes: bool = False
    create_before_destroy_set: bool = False
    prevent_destroy_set: bool = False
    destroy: bool = True
    """OpenTofu's lifecycle { destroy = false }: the object is forgotten, never destroyed."""
    destroy_set: bool = False


@dataclass(slots=True)
class Resource:
    mode: ResourceMode
    type: str
    name: str
    config: hcl.Body
    decl_range: Range
    type_range: Range
    count: Expression | None = None
    for_each: Expression | None = None
    provider_config_ref: ProviderConfigRef | None = None
    provider: ProviderAddr | None = None
    """The resolved provider source address (filled in when the module is assembled)."""
    depends_on: list[Traversal] = field(default_factory=list)
    preconditions: list[CheckRule] = field(default_factory=list)
    postconditions: list[CheckRule] = field(default_factory=list)
    triggers_replacement: list[Expression] = field(default_factory=list)
    managed: ManagedResource | None = None
    container: str = ""
    """The name of the check block this (data) resource is nested in, if any."""
    enabled: Expression | None = None
    """OpenTofu's lifecycle { enabled = BOOL }: one instance (no key) when true, none when false."""

    def addr(self) -> ResourceAddr:
        return ResourceAddr(self.mode, self.type, self.name)

    def in_module(self, module: ModuleAddr) -> ConfigResource:
        return ConfigResource(module, self.addr())

    def module_key(self) -> str:
        return str(self.addr())

    def provider_local_name(self) -> str:
        if self.provider_config_ref is not None:
            return self.provider_config_ref.name
        return self.addr().implied_provider()


_COMMON_ATTRS = (
    hcl.AttributeSchema("count"),
    hcl.AttributeSchema("for_each"),
    hcl.AttributeSchema("provider"),
    hcl.AttributeSchema("depends_on"),
)

RESOURCE_SCHEMA = hcl.BodySchema(
    attributes=_COMMON_ATTRS,
    blocks=(
        hcl.BlockHeaderSchema("locals"),
        hcl.BlockHeaderSchema("lifecycle"),
        hcl.BlockHeaderSchema("connection"),
        hcl.BlockHeaderSchema("provisioner", ("type",)),
        hcl.BlockHeaderSchema("_"),
    ),
)

DATA_SCHEMA = hcl.BodySchema(
    attributes=_COMMON_ATTRS,
    blocks=(hcl.BlockHeaderSchema("lifecycle"), hcl.BlockHeaderSchema("locals"), hcl.BlockHeaderSchema("_")),
)

LIFECYCLE_SCHEMA = hcl.BodySchema(
    attributes=(
        hcl.AttributeSchema("create_before_destroy"),
        hcl.AttributeSchema("prevent_destroy"),
        hcl.AttributeSchema("ignore_changes"),
        hcl.AttributeSchema("replace_triggered_by"),
        hcl.AttributeSchema("enabled"),
        hcl.AttributeSchema("destroy"),
    ),
    blocks=(hcl.BlockHeaderSchema("precondition"), hcl.BlockHeaderSchema("postcondition")),
)

PROVISIONER_SCHEMA = hcl.BodySchema(
    attributes=(hcl.AttributeSchema("when"), hcl.AttributeSchema("on_failure")),
    blocks=(hcl.BlockHeaderSchema("connection"), hcl.BlockHeaderSchema("lifecycle"), hcl.BlockHeaderSchema("_")),
)

_MANAGED_ONLY_LIFECYCLE = ("create_before_destroy", "prevent_destroy", "ignore_changes", "replace_triggered_by", "destroy")


def _check_count_for_each(content: hcl.BodyContent, what: str, diags: Diagnostics) -> None:
    if "count" in content.attributes and "for_each" in content.attributes:
        diags.add_error(
            'Invalid combination of "count" and "for_each"',
            'The "count" and "for_each" meta-arguments are mutually-exclusive, only one should be used to be '
            f"explicit about the number of {what} to be created.",
            content.attributes["for_each"].name_range,
        )


def _reserved_blocks(blocks: list[hcl.Block], where: str, diags: Diagnostics) -> list[hcl.Block]:
    rest: list[hcl.Block] = []
    for b in blocks:
        if b.type == "locals":
            diags.add_error(
                f"Reserved block type name in {where} block",
                f'The block type name "{b.type}" is reserved for use by Terraform in a future version.',
                b.type_range,
            )
        else:
            rest.append(b)
    return rest


_NAME_SUMMARIES = {
    ResourceMode.MANAGED: ("Invalid resource type name", "Invalid resource name"),
    ResourceMode.DATA: ("Invalid data source name", "Invalid data resource name"),
    ResourceMode.EPHEMERAL: ("Invalid ephemeral resource type", "Invalid ephemeral resource name"),
}


def decode_resource_block(block: hcl.Block, mode: ResourceMode, override: bool) -> tuple[Resource | None, Diagnostics]:
    diags = Diagnostics()
    type_, name = block.labels[0], block.labels[1]
    lrs = block.label_ranges if len(block.label_ranges) >= 2 else [block.def_range, block.def_range]
    type_summary, name_summary = _NAME_SUMMARIES[mode]
    if not valid_identifier(type_):
        diags.add_error(type_summary, BAD_IDENTIFIER_DETAIL, lrs[0])
    if not valid_identifier(name):
        diags.add_error(name_summary, BAD_IDENTIFIER_DETAIL, lrs[1])
    schema = RESOURCE_SCHEMA if mode is ResourceMode.MANAGED else DATA_SCHEMA
    content, remain, d = block.body.partial_content(schema)
    diags.extend(d)
    r = Resource(mode, type_, name, remain, block.def_range, lrs[0])
    if mode is ResourceMode.MANAGED:
        r.managed = ManagedResource()
    a = content.attributes
    if "count" in a:
        r.count = a["count"].expr
    if "for_each" in a:
        r.for_each = a["for_each"].expr
    first_lifecycle = next((b for b in content.blocks if b.type == "lifecycle"), None)
    if first_lifecycle is None or lifecycle_attr_range(first_lifecycle, "enabled") is None:
        _check_count_for_each(content, "resources", diags)
    if "provider" in a:
        ref, d = decode_provider_config_ref(a["provider"].expr, "provider", allow_key=True)
        diags.extend(d)
        r.provider_config_ref = ref
    if "depends_on" in a:
        deps, d = decode_depends_on(a["depends_on"])
        diags.extend(d)
        r.depends_on = deps
    seen_lifecycle: hcl.Block | None = None
    seen_connection: hcl.Block | None = None
    word = "resource" if mode is ResourceMode.MANAGED else "data"
    r.config, blocks = apply_escaping_blocks(r.config, content.blocks, "resource-type-specific", word, diags)
    for b in _reserved_blocks(blocks, word, diags):
        if b.type == "lifecycle":
            if seen_lifecycle is not None:
                diags.add_error(
                    "Duplicate lifecycle block",
                    f"This resource already has a lifecycle block at {range_str(seen_lifecycle.def_range)}.",
                    b.def_range,
                )
                continue
            seen_lifecycle = b
            diags.extend(_decode_lifecycle(b, r))
        elif b.type == "connection" and r.managed is not None:
            if seen_connection is not None:
                diags.add_error(
                    "Duplicate connection block",
                    f"This resource already has a connection block at {range_str(seen_connection.def_range)}.",
                    b.def_range,
                )
                continue
            seen_connection = b
            r.managed.connection = Connection(b.body, b.def_range)
        elif b.type == "provisioner" and r.managed is not None:
            p, d = decode_provisioner_block(b)
            diags.extend(d)
            if p is not None:
                r.managed.provisioners.append(p)
    if r.enabled is not None:
        diags.extend(enabled_conflicts(content, seen_lifecycle))
    if r.managed is not None and r.managed.connection is not None and any(p.when == "destroy" for p in r.managed.provisioners):
        # destroy-time provisioners use the resource's connection block too
        diags.extend(_only_self_refs(r.managed.connection.config))
    return r, diags


def _decode_lifecycle(block: hcl.Block, r: Resource) -> Diagnostics:
    diags = Diagnostics()
    if r.managed is None:
        # data and ephemeral resources accept only pre/postconditions
        content, remain, d = block.body.partial_content(
            hcl.BodySchema(blocks=(hcl.BlockHeaderSchema("precondition"), hcl.BlockHeaderSchema("postcondition")))
        )
        diags.extend(d)
        attrs, _ = remain.just_attributes()
        for name, attr in attrs.items():
            if name == "enabled":
                r.enabled = attr.expr
                continue
            if name in _MANAGED_ONLY_LIFECYCLE:
                kind = "ephemeral" if r.mode is ResourceMode.EPHEMERAL else "data"
                diags.add_error(
                    f"Invalid {kind} resource lifecycle argument",
                    f'The lifecycle argument "{name}" is defined only for managed resources ("resource" blocks), '
                    f"and is not valid for {kind} resources.",
                    attr.name_range,
                )
            else:
                diags.add_error("Unsupported argument", f'An argument named "{name}" is not expected here.', attr.name_range)
    else:
        content, d = block.body.content(LIFECYCLE_SCHEMA)
        diags.extend(d)
        m = r.managed
        a = content.attributes
        if "create_before_destroy" in a:
            v, d = decode_bool(a["create_before_destroy"].expr)
            diags.extend(d)
            m.create_before_destroy = bool(v)
            m.create_before_destroy_set = True
        if "prevent_destroy" in a:
            v, d = decode_bool(a["prevent_destroy"].expr)
            diags.extend(d)
            m.prevent_destroy = bool(v)
            m.prevent_destroy_set = True
        if "ignore_changes" in a:
            trs, all_, d = decode_ignore_changes(a["ignore_changes"].expr)
            diags.extend(d)
            m.ignore_changes = trs
            m.ignore_all_changes = all_
        if "enabled" in a:
            r.enabled = a["enabled"].expr
        if "destroy" in a:
            m.destroy, d = decode_lifecycle_destroy(a["destroy"].expr)
            diags.extend(d)
            m.destroy_set = True
        if "replace_triggered_by" in a:
            exprs, d = decode_replace_triggered_by(a["replace_triggered_by"].expr)
            diags.extend(d)
            r.triggers_replacement = exprs
    for b in content.blocks:
        rule, d = decode_check_rule(b)
        diags.extend(d)
        if rule is None or d.has_errors():
            continue
        for e in (rule.condition, rule.error_message):
            if _refers_to(e, r):
                diags.add_error(
                    f"Invalid reference in {b.type}",
                    f"Configuration for {r.addr()} may not refer to itself.",
                    e.range,
                )
        if b.type == "precondition":
            r.preconditions.append(rule)
        else:
            r.postconditions.append(rule)
    return diags


def enabled_conflicts(
    content: hcl.BodyContent, lifecycle: hcl.Block | None, detail_tail: str = "may be used to be explicit about the number of resources to be created."
) -> Diagnostics:
    """OpenTofu's error for lifecycle.enabled beside count and/or for_each: the three are
    mutually exclusive; the subject spans the first to the last of those given."""
    diags = Diagnostics()
    if lifecycle is None:
        return diags
    found: list[tuple[Range, str]] = []
    for name in ("count", "for_each"):
        if name in content.attributes:
            found.append((content.attributes[name].name_range, f'"{name}"'))
    enabled_range = lifecycle_attr_range(lifecycle, "enabled")
    if enabled_range is None or not found:
        return diags
    found.append((enabled_range, '"enabled"'))
    order = {'"count"': 0, '"enabled"': 1, '"for_each"': 2}
    names = [n for _, n in sorted(found, key=lambda f: order[f[1]])]
    if len(names) >= 3:
        msg = ", ".join(names[:-1]) + ", and " + names[-1]
    else:
        msg = " and ".join(names)
    ranges = sorted((rg for rg, _ in found), key=lambda rg: rg.start.byte)
    subject = Range(ranges[0].filename, ranges[0].start, ranges[-1].end)
    diags.add_error(
        f"Invalid combination of {msg}",
        f"The {msg} meta-arguments are mutually-exclusive. Only one {detail_tail}",
        subject,
    )
    return diags


def lifecycle_attr_range(lifecycle: hcl.Block, name: str) -> Range | None:
    content, _, _ = lifecycle.body.partial_content(hcl.BodySchema(attributes=(hcl.AttributeSchema(name),)))
    attr = content.attributes.get(name)
    return attr.name_range if attr is not None else None


def decode_lifecycle_destroy(expr: Expression) -> tuple[bool, Diagnostics]:
    """OpenTofu's lifecycle.destroy: a boolean constant (no references, no conversion)."""
    from sheath.config.exprs import const_value
    from sheath.types.cty import BOOL

    diags = Diagnostics()
    v, d = const_value(expr)
    if d.has_errors():
        diags.extend(d)
        return True, diags
    if v is None or v.type != BOOL or v.is_null or not v.is_known:
        diags.add_error(
            "Invalid lifecycle destroy expression",
            "The lifecycle destroy expression must be a boolean constant.",
            expr.range,
        )
        return True, diags
    return bool(v.v), diags


def _refers_to(e: Expression, r: Resource) -> bool:
    from sheath.addrs import Resource as ResAddr
    from sheath.addrs import ResourceInstance as ResInst
    from sheath.addrs import parse_ref

    me = r.addr()
    for t in e.variables():
        ref, _ = parse_ref(t)
        if ref is None:
            continue
        subj = ref.subject
        if isinstance(subj, ResInst):
            subj = subj.resource
        if isinstance(subj, ResAddr) and subj == me:
            return True
    return False


def decode_ignore_changes(expr: Expression) -> tuple[list[Traversal], bool, Diagnostics]:
    diags = Diagnostics()
    if expr_as_keyword(expr) == "all":
        return [], True, diags
    exprs, d = expr_list(expr)
    diags.extend(d)
    out: list[Traversal] = []
    wildcards = [e for e in exprs if quoted_string(e) == "*"]
    if wildcards:
        diags.add_error(
            "Invalid ignore_changes wildcard",
            'The ["*"] form of ignore_changes wildcard is was deprecated and is now invalid. Use '
            '"ignore_changes = all" to ignore changes to all attributes.',
            expr.range,
        )
        if len(wildcards) != len(exprs):
            diags.add_error(
                "Invalid ignore_changes ruleset",
                'Cannot mix wildcard string "*" with non-wildcard references.',
                wildcards[0].range,
            )
    for e in exprs:
        if quoted_string(e) == "*":
            continue
        e2 = shim_traversal_in_string(e, False, diags)
        if isinstance(e2, TraversalExpression):
            out.append(e2.traversal)
            continue
        t, td = rel_traversal_for_expr(e2)
        diags.extend(td)
        if t is not None and t.steps:
            out.append(t)
    return out, False, diags


def decode_replace_triggered_by(expr: Expression) -> tuple[list[Expression], Diagnostics]:
    """The elements of lifecycle.replace_triggered_by, checked as terraform's decodeReplaceTriggeredBy
    does: each names exactly one resource (managed, data or ephemeral), plus count.index or
    each.key; anything else is an error on the whole element."""
    from sheath.addrs import Reference, parse_ref
    from sheath.addrs.resource import Resource as ResourceRef, ResourceInstance

    diags = Diagnostics()
    exprs, d = expr_list(expr)
    diags.extend(d)
    out: list[Expression] = []
    for e in exprs:
        e, d = unwrap_json_ref(e)
        diags.extend(d)
        if diags.has_errors():
            continue
        out.append(e)
        resources = 0
        refs: list[tuple[Traversal, Reference | None]] = []
        bad_ref = False
        for t in e.variables():
            if t.root_name in ("count", "each") and len(t.steps) > 1 and isinstance(t.steps[1], hcl.TraverseAttr):
                refs.append((t, None))  # terraform's ParseRef takes any attribute name here
                continue
            ref, rd = parse_ref(t)
            for x in rd:
                diags.append(Diagnostic(x.severity, x.summary, x.detail, e.range))
            bad_ref = bad_ref or rd.has_errors()
            refs.append((t, ref))
        if bad_ref:
            continue
        for t, ref in refs:
            root = t.root_name
            if root in ("count", "each"):
                want = "index" if root == "count" else "key"
                attr = t.steps[1]
                if isinstance(attr, hcl.TraverseAttr) and attr.name != want:
                    diags.add_error(
                        f"Invalid {root} reference in replace_triggered_by expression",
                        f"Only {root}.{want} may be used in replace_triggered_by.",
                        e.range,
                    )
                continue
            if ref is None:
                continue
            if isinstance(ref.subject, (ResourceRef, ResourceInstance)):
                resources += 1
            else:
                diags.add_error(
                    "Invalid reference in replace_triggered_by expression",
                    "Only resources, count.index, and each.key may be used in replace_triggered_by.",
                    e.range,
                )
        if resources != 1:
            diags.add_error(
                "Invalid replace_triggered_by expression",
                f"{'Missing' if resources == 0 else 'Multiple'} resource reference{'s' if resources else ''} in replace_triggered_by expression.",
                e.range,
            )
    return out, diags


REMOVED_PROVISIONERS = ("chef", "habitat", "puppet", "salt-masterless")
"""Provisioner types terraform has removed: an error wherever they appear."""


def decode_provisioner_block(block: hcl.Block) -> tuple[Provisioner | None, Diagnostics]:
    diags = Diagnostics()
    content, remain, d = block.body.partial_content(PROVISIONER_SCHEMA)
    diags.extend(d)
    lr = block.label_ranges[0] if block.label_ranges else block.def_range
    p = Provisioner(block.labels[0], remain, block.def_range, lr)
    if p.type in REMOVED_PROVISIONERS:
        diags.add_error(
            f'The "{p.type}" provisioner has been removed',
            f'The "{p.type}" provisioner was deprecated in Terraform 0.13.4 has been removed from Terraform. Visit '
            "https://learn.hashicorp.com/collections/terraform/provision for alternatives to using provisioners that "
            "are a better fit for the Terraform workflow.",
            p.type_range,
        )
        return None, diags
    a = content.attributes
    if "when" in a:
        e = shim_traversal_in_string(a["when"].expr, True, diags)
        kw = _keyword_of(e)
        if kw == "create":
            p.when = "create"
        elif kw == "destroy":
            p.when = "destroy"
        else:
            diags.add_error(
                'Invalid "when" keyword',
                'The "when" argument requires one of the following keywords: create or destroy.',
                a["when"].expr.range,
            )
    if "on_failure" in a:
        e = shim_traversal_in_string(a["on_failure"].expr, True, diags)
        kw = _keyword_of(e)
        if kw == "continue":
            p.on_failure = "continue"
        elif kw == "fail":
            p.on_failure = "fail"
        else:
            diags.add_error(
                'Invalid "on_failure" keyword',
                'The "on_failure" argument requires one of the following keywords: continue or fail.',
                a["on_failure"].expr.range,
            )
    # terraform's own spelling
    p.config, blocks = apply_escaping_blocks(p.config, content.blocks, "provisioner-typpe-specific", "provisioner", diags)
    seen: hcl.Block | None = None
    for b in blocks:
        if b.type == "connection":
            if seen is not None:
                diags.add_error(
                    "Duplicate connection block",
                    f"This provisioner already has a connection block at {range_str(seen.def_range)}.",
                    b.def_range,
                )
                continue
            seen = b
            p.connection = Connection(b.body, b.def_range)
        else:
            diags.add_error(
                "Reserved block type name in provisioner block",
                f'The block type name "{b.type}" is reserved for use by Terraform in a future version.',
                b.type_range,
            )
    if p.when == "destroy":
        diags.extend(_only_self_refs(p.config))
        if p.connection is not None:
            diags.extend(_only_self_refs(p.connection.config))
    return p, diags


def _keyword_of(e: Expression) -> str | None:
    if isinstance(e, TraversalExpression):
        return e.traversal.root_name if len(e.traversal.steps) == 1 else None
    return expr_as_keyword(e)


def _only_self_refs(body: hcl.Body) -> Diagnostics:
    diags = Diagnostics()
    attrs, _ = body.just_attributes()
    for attr in attrs.values():
        for t in attr.expr.variables():
            if t.root_name in ("self", "count", "each", "path", "terraform"):
                continue
            diags.add_error(
                "Invalid reference from destroy provisioner",
                "Destroy-time provisioners and their connection configurations may only reference attributes of "
                "the related resource, via 'self', 'count.index', or 'each.key'.\n\nReferences to other resources "
                "during the destroy phase can cause dependency cycles and interact poorly with "
                "create_before_destroy.",
                t.range,
            )
    return diags
