"""The terraform block: required_version, required_providers, backend, cloud, encryption, experiments, provider_meta."""

from __future__ import annotations

from dataclasses import dataclass, field

from sheath.addrs import LocalProviderConfig, Provider as ProviderAddr
from sheath.addrs import implied_provider_for_unqualified_type, parse_provider_source
from sheath.config.common import BAD_IDENTIFIER_DETAIL, valid_identifier
from sheath.config.exprs import abs_traversal_for_expr, const_value, convert_value, decode_string, expr_as_keyword
from sheath.config.exprs import expr_list, expr_map
from sheath.config.versions import Constraints, parse_constraints
from sheath.diag import Diagnostics, Range
from sheath.lang import hcl
from sheath.types.cty import STRING


@dataclass(slots=True)
class VersionConstraint:
    required: Constraints
    decl_range: Range
    """The attribute's range (terraform reports unsupported versions against it)."""
    source: str = ""


@dataclass(slots=True)
class RequiredProvider:
    name: str
    decl_range: Range
    source: str = ""
    type: ProviderAddr | None = None
    requirement: Constraints | None = None
    requirement_source: str = ""
    aliases: list[LocalProviderConfig] = field(default_factory=list)


@dataclass(slots=True)
class RequiredProviders:
    required_providers: dict[str, RequiredProvider]
    decl_range: Range


@dataclass(slots=True)
class Backend:
    type: str
    config: hcl.Body
    type_range: Range
    decl_range: Range


@dataclass(slots=True)
class CloudConfig:
    config: hcl.Body
    decl_range: Range


@dataclass(slots=True)
class EncryptionBlock:
    """An encryption block (OpenTofu's state and plan encryption; decoded by sheath.states.encryption)."""

    config: hcl.Body
    decl_range: Range


@dataclass(slots=True)
class ProviderMeta:
    provider: str
    config: hcl.Body
    provider_range: Range
    decl_range: Range


@dataclass(slots=True)
class TerraformBlock:
    """What one terraform block contributes."""

    core_version_constraints: list[VersionConstraint] = field(default_factory=list)
    experiments: list[str] = field(default_factory=list)
    backends: list[Backend] = field(default_factory=list)
    cloud_configs: list[CloudConfig] = field(default_factory=list)
    encryptions: list[EncryptionBlock] = field(default_factory=list)
    required_providers: list[RequiredProviders] = field(default_factory=list)
    provider_metas: list[ProviderMeta] = field(default_factory=list)


TERRAFORM_SCHEMA = hcl.BodySchema(
    attributes=(
        hcl.AttributeSchema("required_version"),
        hcl.AttributeSchema("experiments"),
        hcl.AttributeSchema("language"),
    ),
    blocks=(
        hcl.BlockHeaderSchema("backend", ("type",)),
        hcl.BlockHeaderSchema("cloud"),
        hcl.BlockHeaderSchema("encryption"),
        hcl.BlockHeaderSchema("required_providers"),
        hcl.BlockHeaderSchema("provider_meta", ("provider",)),
    ),
)

_BAD_CONSTRAINT = "This string does not use correct version constraint syntax."


def decode_version_constraint(attr: hcl.Attribute) -> tuple[Constraints | None, str, Diagnostics]:
    """terraform's decodeVersionConstraint: the value converted to a string; null or unknown is no constraint.

    Returns None (and no error) for null and unknown values; a value that is not a string is
    "Invalid version constraint" naming the attribute.
    """
    v, diags = const_value(attr.expr)
    if diags.has_errors():
        return None, "", diags
    s, _ = convert_value(v, STRING)
    if s is None:
        diags.add_error(
            "Invalid version constraint", f"A string value is required for {attr.name}.", attr.expr.range
        )
        return None, "", diags
    if s.is_null or not s.is_known:
        # terraform treats a null constraint like an empty constraint set
        return None, "", diags
    c = parse_constraints(str(s.v))
    if c is None:
        diags.add_error("Invalid version constraint", _BAD_CONSTRAINT, attr.expr.range)
    return c, str(s.v), diags


def decode_terraform_block(block: hcl.Block) -> tuple[TerraformBlock, Diagnostics]:
    tb = TerraformBlock()
    content, diags = block.body.content(TERRAFORM_SCHEMA)
    a = content.attributes
    if "required_version" in a:
        c, src, d = decode_version_constraint(a["required_version"])
        diags.extend(d)
        if c is not None and c.has_prerelease():
            diags.add_error(
                "Invalid required_version constraint",
                f"Prerelease version constraints are not supported: {src}. Remove the prerelease information from "
                "the constraint. Prerelease versions of terraform will match constraints using their version core "
                "only.",
                a["required_version"].range,
            )
        elif c is not None:
            tb.core_version_constraints.append(VersionConstraint(c, a["required_version"].range, src))
    if "experiments" in a:
        # experiments exist only in alpha releases: any use is an error here
        exprs, _ = expr_list(a["experiments"].expr)
        for e in exprs:
            kw = expr_as_keyword(e)
            if kw is not None:
                tb.experiments.append(kw)
        diags.add_error(
            "Module uses experimental features",
            "Experimental features are intended only for gathering early feedback on new language designs, and "
            "so are available only in alpha releases of Terraform.",
            a["experiments"].name_range,
        )
    if "language" in a:
        kw = expr_as_keyword(a["language"].expr)
        if kw is None:
            diags.add_error(
                "Invalid language edition",
                "The language argument expects a bare language edition keyword. Terraform 1.11.4 supports only "
                "language edition TF2021, which is the default.",
                a["language"].expr.range,
            )
        elif kw != "TF2021":
            diags.add_error(
                "Unsupported language edition",
                "Terraform v1.11.4 only supports language edition TF2021. This module requires a newer version of "
                "Terraform CLI.",
                a["language"].expr.range,
            )
    for b in content.blocks:
        if b.type == "backend":
            tb.backends.append(Backend(b.labels[0], b.body, b.label_ranges[0] if b.label_ranges else b.def_range, b.def_range))
        elif b.type == "cloud":
            tb.cloud_configs.append(CloudConfig(b.body, b.def_range))
        elif b.type == "encryption":
            tb.encryptions.append(EncryptionBlock(b.body, b.def_range))
        elif b.type == "required_providers":
            rp, d = decode_required_providers_block(b)
            diags.extend(d)
            tb.required_providers.append(rp)
        elif b.type == "provider_meta":
            lr = b.label_ranges[0] if b.label_ranges else b.def_range
            tb.provider_metas.append(ProviderMeta(b.labels[0], b.body, lr, b.def_range))
    return tb, diags


def decode_required_providers_block(block: hcl.Block) -> tuple[RequiredProviders, Diagnostics]:
    attrs, diags = block.body.just_attributes()
    rp = RequiredProviders({}, block.def_range)
    for name, attr in attrs.items():
        req = RequiredProvider(name, attr.range)
        if not valid_identifier(name):
            diags.add_error(
                "Invalid provider local name", f"{name} is an invalid provider local name: {BAD_IDENTIFIER_DETAIL}", attr.name_range
            )
            continue
        value, d = const_value(attr.expr)
        if not d.has_errors() and value.type.is_primitive():
            # the legacy form: a version constraint alone (terraform converts any primitive to a string)
            c, src, vd = decode_version_constraint(attr)
            diags.extend(vd)
            req.requirement = c
            req.requirement_source = src
        else:
            # a non-constant object may still carry keyword/traversal entries (configuration_aliases)
            items, md = expr_map(attr.expr)
            if md.has_errors():
                diags.add_error(
                    "Invalid required_providers object",
                    "required_providers entries must be strings or objects.",
                    attr.expr.range,
                )
                continue
            _decode_required_provider_object(req, items, attr, diags)
        if req.type is None:
            req.type = implied_provider_for_unqualified_type(name)
        rp.required_providers[name] = req
    return rp, diags


def _decode_required_provider_object(
    req: RequiredProvider, items: list[tuple[hcl.Expression, hcl.Expression]], attr: hcl.Attribute, diags: Diagnostics
) -> None:
    for kexpr, vexpr in items:
        key = expr_as_keyword(kexpr)
        if key is None:
            kv, kd = const_value(kexpr)
            key = str(kv.v) if not kd.has_errors() and kv.type == STRING and not kv.is_null else None
        if key == "source":
            s, d = decode_string(vexpr)
            diags.extend(d)
            if s is None:
                continue
            p, pd = parse_provider_source(s, vexpr.range)
            diags.extend(pd)
            req.source = s
            if p is not None:
                req.type = p
        elif key == "version":
            # terraform takes the value as it is: only a string (a number is not converted)
            vv, d = const_value(vexpr)
            if d.has_errors() or vv.type != STRING or vv.is_null:
                diags.add_error("Invalid version constraint", "Version must be specified as a string.", vexpr.range)
                continue
            s = str(vv.v)
            c = parse_constraints(s)
            if c is None:
                diags.add_error("Invalid version constraint", _BAD_CONSTRAINT, vexpr.range)
            req.requirement = c
            req.requirement_source = s
        elif key == "configuration_aliases":
            exprs, d = expr_list(vexpr)
            diags.extend(d)
            for e in exprs:
                t, td = abs_traversal_for_expr(e)
                diags.extend(td)
                if t is None or td.has_errors():
                    continue
                if len(t.steps) != 2 or not isinstance(t.steps[1], hcl.TraverseAttr):
                    diags.add_error(
                        "Invalid provider configuration reference",
                        "The configuration_aliases argument requires a provider type name, optionally followed by "
                        "a period and then a configuration alias.",
                        e.range,
                    )
                    continue
                if t.root_name != req.name:
                    diags.add_error(
                        "Invalid configuration_aliases value",
                        f"Configuration aliases can only contain references to local provider configuration names "
                        f'within the same provider ("{req.name}").',
                        e.range,
                    )
                    continue
                req.aliases.append(LocalProviderConfig(t.root_name, t.steps[1].name))
        else:
            diags.add_error(
                "Invalid required_providers object",
                'required_providers objects can only contain "version", "source" and "configuration_aliases" '
                'attributes. To configure a provider, use a "provider" block.',
                kexpr.range,
            )
