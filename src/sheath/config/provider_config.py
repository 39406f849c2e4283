"""provider blocks: provider configurations."""

from __future__ import annotations

from dataclasses import dataclass

from sheath.config.merge import apply_escaping_blocks
from sheath.addrs import LocalProviderConfig
from sheath.config.common import BAD_IDENTIFIER_DETAIL, valid_identifier
from sheath.config.exprs import decode_string
from sheath.config.terraform_block import decode_version_constraint
from sheath.config.versions import Constraints
from sheath.diag import Diagnostics, Range
from sheath.lang import hcl


@dataclass(slots=True)
class Provider:
    name: str
    name_range: Range
    config: hcl.Body
    decl_range: Range
    alias: str = ""
    alias_range: Range | None = None
    version: Constraints | None = None
    version_range: Range | None = None
    for_each: hcl.Expression | None = None
    """OpenTofu's provider for_each: one provider instance per element (alias required)."""

    def addr(self) -> LocalProviderConfig:
        return LocalProviderConfig(self.name, self.alias)

    def module_key(self) -> str:
        return f"{self.name}.{self.alias}" if self.alias else self.name


PROVIDER_SCHEMA = hcl.BodySchema(
    attributes=(
        hcl.AttributeSchema("alias"),
        hcl.AttributeSchema("version"),
        hcl.AttributeSchema("count"),
        hcl.AttributeSchema("depends_on"),
        hcl.AttributeSchema("for_each"),
        hcl.AttributeSchema("source"),
    ),
    blocks=(hcl.BlockHeaderSchema("_"), hcl.BlockHeaderSchema("lifecycle"), hcl.BlockHeaderSchema("locals")),
)


def decode_provider_block(block: hcl.Block) -> tuple[Provider | None, Diagnostics]:
    diags = Diagnostics()
    name = block.labels[0]
    lr = block.label_ranges[0] if block.label_ranges else block.def_range
    if name != name.lower():
        diags.add_error(
            "Invalid provider local name",
            f'Provider names must be normalized. Replace "{name}" with "{name.lower()}" to fix this error.',
            block.def_range,
        )
    content, remain, d = block.body.partial_content(PROVIDER_SCHEMA)
    diags.extend(d)
    p = Provider(name, lr, remain, block.def_range)
    a = content.attributes
    if "alias" in a:
        s, d = decode_string(a["alias"].expr)
        diags.extend(d)
        if s is not None:
            p.alias = s
            p.alias_range = a["alias"].expr.range
            if not valid_identifier(s):
                diags.add_error(
                    "Invalid provider configuration alias",
                    "An alias must be a valid name. " + BAD_IDENTIFIER_DETAIL,
                    None,  # terraform reports this one without a source range
                )
    if "version" in a:
        diags.add_warning(
            "Version constraints inside provider configuration blocks are deprecated",
            "Terraform 0.13 and earlier allowed provider version constraints inside the provider configuration "
            "block, but that is now deprecated and will be removed in a future version of Terraform. To silence "
            "this warning, move the provider version constraint into the required_providers block.",
            a["version"].expr.range,
        )
        c, _, d = decode_version_constraint(a["version"])
        diags.extend(d)
        p.version = c
        p.version_range = a["version"].expr.range
    if "for_each" in a:
        p.for_each = a["for_each"].expr
        if not p.alias:
            diags.add_error(
                'Alias required when using "for_each"',
                "The for_each argument is allowed only for provider configurations with an alias.",
                a["for_each"].expr.range,
            )
    for reserved in ("count", "depends_on", "source"):
        if reserved in a:
            diags.add_error(
                "Reserved argument name in provider block",
                f'The provider argument name "{reserved}" is reserved for use by Terraform in a future version.',
                a[reserved].name_range,
            )
    p.config, blocks = apply_escaping_blocks(p.config, content.blocks, "provider-specific", "provider", diags)
    for b in blocks:
        diags.add_error(
            "Reserved block type name in provider block",
            f'The block type name "{b.type}" is reserved for use by Terraform in a future version.',
            b.type_range,
        )
    return p, diags
