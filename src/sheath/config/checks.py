"""check blocks: a scoped data source and assertions."""

from __future__ import annotations

from dataclasses import dataclass, field

from sheath.addrs import ResourceMode
from sheath.config.common import BAD_IDENTIFIER_DETAIL, CheckRule, decode_check_rule, valid_identifier
from sheath.config.resource import Resource, decode_resource_block
from sheath.config.common import range_str
from sheath.diag import Diagnostics, Range
from sheath.lang import hcl


@dataclass(slots=True)
class Check:
    name: str
    decl_range: Range
    data_resource: Resource | None = None
    asserts: list[CheckRule] = field(default_factory=list)


CHECK_SCHEMA = hcl.BodySchema(
    blocks=(hcl.BlockHeaderSchema("data", ("type", "name")), hcl.BlockHeaderSchema("assert"))
)


def decode_check_block(block: hcl.Block, override: bool) -> tuple[Check | None, Diagnostics]:
    diags = Diagnostics()
    name = block.labels[0]
    c = Check(name, block.def_range)
    if override:
        diags.add_error("Can't override check blocks", "Override files cannot override check blocks.", block.def_range)
        return None, diags
    if not valid_identifier(name):
        diags.add_error("Invalid check block name", BAD_IDENTIFIER_DETAIL, block.label_ranges[0] if block.label_ranges else block.def_range)
    content, d = block.body.content(CHECK_SCHEMA)
    diags.extend(d)
    for b in content.blocks:
        if b.type == "data":
            if c.data_resource is not None:
                diags.add_error(
                    "Multiple data resource blocks",
                    f"This check block already has a data resource defined at {range_str(c.data_resource.decl_range)}.",
                    b.def_range,
                )
                continue
            r, d = decode_resource_block(b, ResourceMode.DATA, override)
            diags.extend(d)
            if r is not None:
                r.container = name
                c.data_resource = r
        elif b.type == "assert":
            rule, d = decode_check_rule(b)
            diags.extend(d)
            if rule is not None and not d.has_errors():
                c.asserts.append(rule)
    if not c.asserts:
        diags.add_error("Zero assert blocks", "Check blocks must have at least one assert block.", block.def_range)
    return c, diags
