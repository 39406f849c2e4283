"""Decoding one configuration file's top-level blocks into a File of typed declarations."""

from __future__ import annotations

from dataclasses import dataclass, field

from sheath.addrs import ResourceMode
from sheath.config.checks import Check, decode_check_block
from sheath.config.module_call import ModuleCall, decode_module_block
from sheath.config.named_values import Local, Output, Variable, decode_locals_block, decode_output_block, decode_variable_block
from sheath.config.provider_config import Provider, decode_provider_block
from sheath.config.refactoring import Import, Moved, Removed, decode_import_block, decode_moved_block, decode_removed_block
from sheath.config.resource import Resource, decode_resource_block
from sheath.config.terraform_block import (
    Backend,
    CloudConfig,
    EncryptionBlock,
    ProviderMeta,
    RequiredProviders,
    VersionConstraint,
    decode_terraform_block,
)
from sheath.diag import Diagnostics
from sheath.lang import hcl


@dataclass(slots=True)
class File:
    """The declarations of one file, in source order (terraform's configs.File)."""

    filename: str
    is_override: bool = False
    core_version_constraints: list[VersionConstraint] = field(default_factory=list)
    active_experiments: list[str] = field(default_factory=list)
    backends: list[Backend] = field(default_factory=list)
    cloud_configs: list[CloudConfig] = field(default_factory=list)
    encryptions: list[EncryptionBlock] = field(default_factory=list)
    provider_configs: list[Provider] = field(default_factory=list)
    provider_metas: list[ProviderMeta] = field(default_factory=list)
    required_providers: list[RequiredProviders] = field(default_factory=list)
    variables: list[Variable] = field(default_factory=list)
    locals: list[Local] = field(default_factory=list)
    outputs: list[Output] = field(default_factory=list)
    module_calls: list[ModuleCall] = field(default_factory=list)
    managed_resources: list[Resource] = field(default_factory=list)
    data_resources: list[Resource] = field(default_factory=list)
    ephemeral_resources: list[Resource] = field(default_factory=list)
    moved: list[Moved] = field(default_factory=list)
    removed: list[Removed] = field(default_factory=list)
    imports: list[Import] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)


CONFIG_FILE_SCHEMA = hcl.BodySchema(
    blocks=(
        hcl.BlockHeaderSchema("terraform"),
        hcl.BlockHeaderSchema("required_providers"),
        hcl.BlockHeaderSchema("provider", ("name",)),
        hcl.BlockHeaderSchema("variable", ("name",)),
        hcl.BlockHeaderSchema("locals"),
        hcl.BlockHeaderSchema("output", ("name",)),
        hcl.BlockHeaderSchema("module", ("name",)),
        hcl.BlockHeaderSchema("resource", ("type", "name")),
        hcl.BlockHeaderSchema("data", ("type", "name")),
        hcl.BlockHeaderSchema("ephemeral", ("type", "name")),
        hcl.BlockHeaderSchema("moved"),
        hcl.BlockHeaderSchema("import"),
        hcl.BlockHeaderSchema("check", ("name",)),
        hcl.BlockHeaderSchema("removed"),
    )
)


def decode_file(filename: str, body: hcl.Body, override: bool) -> tuple[File, Diagnostics]:
    f = File(filename, override)
    content, diags = body.content(CONFIG_FILE_SCHEMA)
    for block in content.blocks:
        t = block.type
        if t == "terraform":
            tb, d = decode_terraform_block(block)
            diags.extend(d)
            f.core_version_constraints.extend(tb.core_version_constraints)
            f.active_experiments.extend(tb.experiments)
            f.backends.extend(tb.backends)
            f.cloud_configs.extend(tb.cloud_configs)
            f.encryptions.extend(tb.encryptions)
            f.required_providers.extend(tb.required_providers)
            f.provider_metas.extend(tb.provider_metas)
        elif t == "required_providers":
            diags.add_error(
                "Invalid required_providers block",
                'A "required_providers" block must be nested inside a "terraform" block.',
                block.type_range,
            )
        elif t == "provider":
            p, d = decode_provider_block(block)
            diags.extend(d)
            if p is not None:
                f.provider_configs.append(p)
        elif t == "variable":
            v, d = decode_variable_block(block, override)
            diags.extend(d)
            if v is not None:
                f.variables.append(v)
        elif t == "locals":
            ls, d = decode_locals_block(block)
            diags.extend(d)
            f.locals.extend(ls)
        elif t == "output":
            o, d = decode_output_block(block, override)
            diags.extend(d)
            if o is not None:
                f.outputs.append(o)
        elif t == "module":
            m, d = decode_module_block(block, override)
            diags.extend(d)
            if m is not None:
                f.module_calls.append(m)
        elif t in ("resource", "data", "ephemeral"):
            mode = {"resource": ResourceMode.MANAGED, "data": ResourceMode.DATA, "ephemeral": ResourceMode.EPHEMERAL}[t]
            r, d = decode_resource_block(block, mode, override)
            diags.extend(d)
            if r is not None:
                {"resource": f.managed_resources, "data": f.data_resources, "ephemeral": f.ephemeral_resources}[t].append(r)
        elif t == "moved":
            mv, d = decode_moved_block(block)
            diags.extend(d)
            f.moved.append(mv)
        elif t == "import":
            im, d = decode_import_block(block)
            diags.extend(d)
            if im is not None:
                f.imports.append(im)
        elif t == "removed":
            rm, d = decode_removed_block(block)
            diags.extend(d)
            f.removed.append(rm)
        elif t == "check":
            c, d = decode_check_block(block, override)
            diags.extend(d)
            if c is not None:
                f.checks.append(c)
    return f, diags
