"""module blocks: calls to child modules, and module source addresses."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sheath.config.merge import apply_escaping_blocks
from sheath.config.common import (
    BAD_IDENTIFIER_DETAIL,
    ProviderConfigRef,
    decode_depends_on,
    decode_provider_config_ref,
    valid_identifier,
)
from sheath.config.common import range_str
from sheath.config.exprs import decode_string, expr_map
from sheath.config.resource import enabled_conflicts, lifecycle_attr_range
from sheath.config.terraform_block import decode_version_constraint
from sheath.config.versions import Constraints
from sheath.diag import Diagnostics, Range
from sheath.lang import hcl
from sheath.lang.hcl import Expression, Traversal


@dataclass(frozen=True, slots=True)
class ModuleSource:
    """A module source address. kind is "local", "registry" or "remote"."""

    kind: str
    raw: str
    subdir: str = ""

    def is_local(self) -> bool:
        return self.kind == "local"

    def __str__(self) -> str:
        return self.raw


_REGISTRY_RE = re.compile(
    r"^(?:(?P<host>[0-9a-z][0-9a-z.-]*\.[a-z0-9-]+(?::\d+)?)/)?"
    r"(?P<ns>[0-9A-Za-z](?:[0-9A-Za-z_-]{0,62}[0-9A-Za-z])?)/"
    r"(?P<name>[0-9A-Za-z](?:[0-9A-Za-z_-]{0,62}[0-9A-Za-z])?)/"
    r"(?P<provider>[0-9a-z]{1,64})(?://(?P<sub>.*))?$"
)
_REMOTE_PREFIXES = ("git::", "hg::", "s3::", "gcs::", "http://", "https://", "git@", "github.com/", "bitbucket.org/")


def parse_module_source(raw: str) -> tuple[ModuleSource | None, str]:
    """Classify a module source string; on error (None, detail)."""
    if raw.startswith("./") or raw.startswith("../") or raw in (".", ".."):
        return ModuleSource("local", raw), ""
    if "\\" in raw and (raw.startswith(".\\") or raw.startswith("..\\")):
        return None, (
            "A local path must begin with either ./ or ../ and must use forward slashes (/) as the path "
            "separator, even on Windows."
        )
    if raw.startswith("/"):
        # an absolute path is fetched by go-getter's file detector at installation
        return ModuleSource("remote", raw), ""
    if raw.startswith(_REMOTE_PREFIXES) or "::" in raw:
        return ModuleSource("remote", raw), ""
    m = _REGISTRY_RE.match(raw)
    if m is not None:
        return ModuleSource("registry", raw, m.group("sub") or ""), ""
    if "." in raw.split("/", 1)[0]:
        return ModuleSource("remote", raw), ""
    return None, f'Terraform cannot detect a supported external module source type for {raw}'


@dataclass(slots=True)
class PassedProviderConfig:
    in_child: ProviderConfigRef
    in_parent: ProviderConfigRef


@dataclass(slots=True)
class ModuleCall:
    name: str
    config: hcl.Body
    decl_range: Range
    source_addr_raw: str = ""
    source_addr: ModuleSource | None = None
    source_addr_range: Range | None = None
    source_set: bool = False
    version: Constraints | None = None
    version_raw: str = ""
    version_range: Range | None = None
    count: Expression | None = None
    for_each: Expression | None = None
    providers: list[PassedProviderConfig] = field(default_factory=list)
    depends_on: list[Traversal] = field(default_factory=list)
    enabled: Expression | None = None
    """OpenTofu's lifecycle { enabled = BOOL }: one instance (no key) when true, none when false."""


MODULE_SCHEMA = hcl.BodySchema(
    attributes=(
        hcl.AttributeSchema("source", required=True),
        hcl.AttributeSchema("version"),
        hcl.AttributeSchema("count"),
        hcl.AttributeSchema("for_each"),
        hcl.AttributeSchema("depends_on"),
        hcl.AttributeSchema("providers"),
    ),
    blocks=(hcl.BlockHeaderSchema("_"), hcl.BlockHeaderSchema("lifecycle"), hcl.BlockHeaderSchema("locals")),
)

MODULE_SCHEMA_OVERRIDE = hcl.BodySchema(
    attributes=tuple(hcl.AttributeSchema(a.name) for a in MODULE_SCHEMA.attributes),
    blocks=MODULE_SCHEMA.blocks,
)


MODULE_LIFECYCLE_SCHEMA = hcl.BodySchema(attributes=(hcl.AttributeSchema("enabled"),))


def decode_module_block(block: hcl.Block, override: bool) -> tuple[ModuleCall | None, Diagnostics]:
    diags = Diagnostics()
    name = block.labels[0]
    lr = block.label_ranges[0] if block.label_ranges else block.def_range
    if not valid_identifier(name):
        diags.add_error("Invalid module instance name", BAD_IDENTIFIER_DETAIL, lr)
    content, remain, d = block.body.partial_content(MODULE_SCHEMA_OVERRIDE if override else MODULE_SCHEMA)
    diags.extend(d)
    mc = ModuleCall(name, remain, block.def_range)
    a = content.attributes
    if "source" in a:
        s, d = decode_string(a["source"].expr)
        diags.extend(d)
        mc.source_set = True
        mc.source_addr_range = a["source"].expr.range
        if s is not None:
            mc.source_addr_raw = s
            src, detail = parse_module_source(s)
            if src is None:
                diags.add_error("Invalid module source address", detail, a["source"].expr.range)
            mc.source_addr = src
    if "version" in a:
        c, raw, d = decode_version_constraint(a["version"])
        diags.extend(d)
        mc.version_range = a["version"].expr.range
        mc.version_raw = raw
        mc.version = c
    if mc.version_range is not None and mc.source_addr is not None and mc.source_addr.is_local():
        diags.add_error(
            "Invalid registry module source address",
            "Failed to parse module registry address: can't use local directory "
            f'"{mc.source_addr_raw}" as a module registry address.\n\nTerraform assumed that you intended a '
            'module registry source address because you also set the argument "version", which applies only '
            "to registry modules.",
            mc.source_addr_range,
        )
    if "count" in a:
        mc.count = a["count"].expr
    if "for_each" in a:
        mc.for_each = a["for_each"].expr
    first_lifecycle = next((b for b in content.blocks if b.type == "lifecycle"), None)
    if "count" in a and "for_each" in a and (first_lifecycle is None or lifecycle_attr_range(first_lifecycle, "enabled") is None):
        diags.add_error(
            'Invalid combination of "count" and "for_each"',
            'The "count" and "for_each" meta-arguments are mutually-exclusive, only one should be used to be '
            "explicit about the number of resources to be created.",
            a["for_each"].name_range,
        )
    if "depends_on" in a:
        deps, d = decode_depends_on(a["depends_on"])
        diags.extend(d)
        mc.depends_on = deps
    if "providers" in a:
        items, d = expr_map(a["providers"].expr)
        diags.extend(d)
        for kexpr, vexpr in items:
            child, d1 = decode_provider_config_ref(provider_map_key(kexpr), "providers", allow_key=True)
            parent, d2 = decode_provider_config_ref(vexpr, "providers", allow_key=True)
            diags.extend(d1)
            diags.extend(d2)
            if child is not None and child.key_expr is not None:
                diags.add_error(
                    "Invalid module provider configuration",
                    "Instance keys are not allowed on the left side of a provider configuration assignment.",
                    child.key_expr.range,
                )
                continue
            if child is not None and parent is not None:
                mc.providers.append(PassedProviderConfig(child, parent))
    mc.config, blocks = apply_escaping_blocks(mc.config, content.blocks, "module input variables", "module", diags)
    seen_lifecycle: hcl.Block | None = None
    for b in blocks:
        if b.type == "lifecycle" and lifecycle_attr_range(b, "enabled") is not None:
            # OpenTofu 1.11's lifecycle { enabled = BOOL } on module calls (without it, the
            # block stays terraform's reserved block type)
            if seen_lifecycle is not None:
                diags.add_error(
                    "Duplicate lifecycle block",
                    f"This resource already has a lifecycle block at {range_str(seen_lifecycle.def_range)}.",
                    b.def_range,
                )
                continue
            seen_lifecycle = b
            lc, d = b.body.content(MODULE_LIFECYCLE_SCHEMA)
            diags.extend(d)
            if "enabled" in lc.attributes:
                mc.enabled = lc.attributes["enabled"].expr
                diags.extend(
                    enabled_conflicts(content, b, "should be used to be explicit about the number of module instances to be created.")
                )
            continue
        diags.add_error(
            "Reserved block type name in module block",
            f'The block type name "{b.type}" is reserved for use by Terraform in a future version.',
            b.type_range,
        )
    return mc, diags


def provider_map_key(expr: Expression) -> Expression:
    """A providers map key as terraform reads it: a quoted key is a (deprecated) quoted
    reference, and the keywords null, true and false are provider names like any other."""
    from sheath.config.common import TraversalExpression
    from sheath.lang.hclsyntax import ast

    if not isinstance(expr, ast.ObjectConsKeyExpr) or expr.force_non_literal:
        return expr
    w = expr.wrapped
    if isinstance(w, ast.LiteralValueExpr) and (w.value.v is None or isinstance(w.value.v, bool)):
        name = "null" if w.value.v is None else str(w.value.v).lower()
        return TraversalExpression(hcl.Traversal((hcl.TraverseRoot(name, w.range),)), w.range)
    if isinstance(w, ast.TemplateExpr):
        return w
    return expr
