"""The configuration of one module: every declaration of its files, merged.

Module fields mirror terraform's configs.Module. Maps are keyed as terraform keys them:
  provider_configs   "aws" / "aws.west"
  managed_resources  "aws_instance.web"      data_resources "data.aws_ami.x"
  ephemeral_resources "ephemeral.x.y"        variables/locals/outputs/module_calls/checks: the name
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sheath.addrs import LocalProviderConfig, Provider as ProviderAddr, implied_provider_for_unqualified_type
from sheath.config.checks import Check
from sheath.config.module_call import ModuleCall
from sheath.config.named_values import Local, Output, Variable, check_variable_default
from sheath.config.parser import File
from sheath.config.provider_config import Provider
from sheath.config.refactoring import Import, Moved, Removed
from sheath.config.resource import Resource
from sheath.config.terraform_block import Backend, CloudConfig, EncryptionBlock, ProviderMeta, RequiredProvider, RequiredProviders, VersionConstraint
from sheath.config.common import range_str
from sheath.diag import Diagnostics, Range


@dataclass(slots=True)
class Module:
    source_dir: str
    core_version_constraints: list[VersionConstraint] = field(default_factory=list)
    active_experiments: list[str] = field(default_factory=list)
    backend: Backend | None = None
    cloud_config: CloudConfig | None = None
    # encryption blocks in file order (override files' last); later ones merge over earlier ones
    encryptions: list[EncryptionBlock] = field(default_factory=list)
    provider_configs: dict[str, Provider] = field(default_factory=dict)
    provider_requirements: RequiredProviders | None = None
    provider_local_names: dict[ProviderAddr, str] = field(default_factory=dict)
    provider_metas: dict[str, ProviderMeta] = field(default_factory=dict)
    variables: dict[str, Variable] = field(default_factory=dict)
    locals: dict[str, Local] = field(default_factory=dict)
    outputs: dict[str, Output] = field(default_factory=dict)
    module_calls: dict[str, ModuleCall] = field(default_factory=dict)
    managed_resources: dict[str, Resource] = field(default_factory=dict)
    data_resources: dict[str, Resource] = field(default_factory=dict)
    ephemeral_resources: dict[str, Resource] = field(default_factory=dict)
    moved: list[Moved] = field(default_factory=list)
    removed: list[Removed] = field(default_factory=list)
    imports: list[Import] = field(default_factory=list)
    checks: dict[str, Check] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    """The files the module was loaded from, primary files first, then overrides."""

    # --- lookups --------------------------------------------------------------
    def resource_by_key(self, key: str) -> Resource | None:
        if key.startswith("data."):
            return self.data_resources.get(key)
        if key.startswith("ephemeral."):
            return self.ephemeral_resources.get(key)
        return self.managed_resources.get(key)

    def all_resources(self) -> list[Resource]:
        return [*self.managed_resources.values(), *self.data_resources.values(), *self.ephemeral_resources.values()]

    def provider_for_local_config(self, cfg: LocalProviderConfig) -> ProviderAddr:
        return self.implied_provider_for_local_name(cfg.local_name)

    def implied_provider_for_local_name(self, local_name: str) -> ProviderAddr:
        if self.provider_requirements is not None:
            req = self.provider_requirements.required_providers.get(local_name)
            if req is not None and req.type is not None:
                return req.type
        return implied_provider_for_unqualified_type(local_name)

    def local_name_for_provider(self, p: ProviderAddr) -> str:
        return self.provider_local_names.get(p, p.type)

    # --- assembly ---------------------------------------------------------------
    def append_file(self, f: File) -> Diagnostics:
        diags = Diagnostics()
        self.files.append(f.filename)
        self.core_version_constraints.extend(f.core_version_constraints)
        self.active_experiments.extend(f.active_experiments)
        for b in f.backends:
            if self.backend is not None:
                diags.add_error(
                    "Duplicate backend configuration",
                    "A module may have only one backend configuration. The backend was previously configured at "
                    f"{range_str(self.backend.decl_range)}.",
                    b.decl_range,
                )
                continue
            self.backend = b
        self.encryptions.extend(f.encryptions)
        for c in f.cloud_configs:
            if self.cloud_config is not None:
                diags.add_error(
                    "Duplicate HCP Terraform configurations",
                    "A module may have only one 'cloud' block configuring HCP Terraform or Terraform Enterprise. "
                    f"The 'cloud' block was previously configured at {range_str(self.cloud_config.decl_range)}.",
                    c.decl_range,
                )
                continue
            self.cloud_config = c
        if self.backend is not None and self.cloud_config is not None and (f.backends or f.cloud_configs):
            diags.add_error(
                "Both a backend and cloud configuration are present",
                "A module may declare either one 'cloud' block OR one 'backend' block configuring a state backend. "
                f"The 'cloud' block is configured at {range_str(self.cloud_config.decl_range)}; a backend is "
                f"configured at {range_str(self.backend.decl_range)}. Remove the backend block to configure HCP "
                "Terraform or Terraform Enteprise.",
                self.backend.decl_range,
            )
        for p in f.provider_configs:
            key = p.module_key()
            existing = self.provider_configs.get(key)
            if existing is not None:
                if p.alias:
                    detail = (
                        f'A provider configuration for "{p.name}" with alias "{p.alias}" was already given at '
                        f"{range_str(existing.decl_range)}. Each configuration for the same provider must have a distinct alias."
                    )
                else:
                    detail = (
                        f'A default (non-aliased) provider configuration for "{p.name}" was already given at '
                        f"{range_str(existing.decl_range)}. If multiple configurations are required, set the \"alias\" argument "
                        "for alternative configurations."
                    )
                diags.add_error("Duplicate provider configuration", detail, p.decl_range)
                continue
            self.provider_configs[key] = p
        for pm in f.provider_metas:
            if pm.provider in self.provider_metas:
                diags.add_error(
                    "Duplicate provider_meta block",
                    f'A provider_meta block for provider "{pm.provider}" was already declared at '
                    f"{range_str(self.provider_metas[pm.provider].decl_range)}. Providers may only have one "
                    "provider_meta block per module.",
                    pm.decl_range,
                )
                continue
            self.provider_metas[pm.provider] = pm
        for rp in f.required_providers:
            if self.provider_requirements is not None:
                diags.add_error(
                    "Duplicate required providers configuration",
                    "A module may have only one required providers configuration. The required providers were "
                    f"previously configured at {range_str(self.provider_requirements.decl_range)}.",
                    rp.decl_range,
                )
                continue
            self.provider_requirements = rp
        for v in f.variables:
            ev = self.variables.get(v.name)
            if ev is not None:
                diags.add_error(
                    "Duplicate variable declaration",
                    f'A variable named "{v.name}" was already declared at {range_str(ev.decl_range)}. Variable names must be '
                    "unique within a module.",
                    v.decl_range,
                )
            self.variables[v.name] = v
        for loc in f.locals:
            el = self.locals.get(loc.name)
            if el is not None:
                diags.add_error(
                    "Duplicate local value definition",
                    f'A local value named "{loc.name}" was already defined at {range_str(el.decl_range)}. Local value names must '
                    "be unique within a module.",
                    loc.decl_range,
                )
            self.locals[loc.name] = loc
        for o in f.outputs:
            eo = self.outputs.get(o.name)
            if eo is not None:
                diags.add_error(
                    "Duplicate output definition",
                    f'An output named "{o.name}" was already defined at {range_str(eo.decl_range)}. Output names must be unique '
                    "within a module.",
                    o.decl_range,
                )
            self.outputs[o.name] = o
        for mc in f.module_calls:
            em = self.module_calls.get(mc.name)
            if em is not None:
                diags.add_error(
                    "Duplicate module call",
                    f'A module call named "{mc.name}" was already defined at {range_str(em.decl_range)}. Module calls must have '
                    "unique names within a module.",
                    mc.decl_range,
                )
            self.module_calls[mc.name] = mc
        for r in f.managed_resources:
            self._add_resource(self.managed_resources, r, "resource", "resource", diags)
        for r in f.data_resources:
            self._add_resource(self.data_resources, r, "data", "data resource", diags)
        for r in f.ephemeral_resources:
            self._add_resource(self.ephemeral_resources, r, "ephemeral", "ephemeral resource", diags)
        self.moved.extend(f.moved)
        self.removed.extend(f.removed)
        for im in f.imports:
            if im.to_resource is not None:
                for prev in self.imports:
                    if prev.to_resource is not None and prev.to_resource == im.to_resource:
                        diags.add_error(
                            f'Duplicate import configuration for "{im.to_resource}"',
                            f'An import block for the resource "{im.to_resource}" was already declared at '
                            f"{range_str(prev.decl_range)}. A resource can have only one import block.",
                            im.to.range if im.to is not None else im.decl_range,
                        )
            self.imports.append(im)
        for ck in f.checks:
            ec = self.checks.get(ck.name)
            if ec is not None:
                diags.add_error(
                    f'Duplicate check "{ck.name}" configuration',
                    f'A check block named "{ck.name}" was already declared at {range_str(ec.decl_range)}. Check blocks must be '
                    "unique within each module.",
                    ck.decl_range,
                )
                continue
            self.checks[ck.name] = ck
            if ck.data_resource is not None:
                self._add_resource(self.data_resources, ck.data_resource, "data", "data resource", diags)
        return diags

    def _add_resource(self, into: dict[str, Resource], r: Resource, word: str, noun: str, diags: Diagnostics) -> None:
        key = r.module_key()
        existing = into.get(key)
        if existing is not None:
            diags.add_error(
                f'Duplicate {word} "{r.type}" configuration',
                f'A {r.type} {noun} named "{r.name}" was already declared at {range_str(existing.decl_range)}. Resource names '
                "must be unique per type in each module.",
                r.decl_range,
            )
            return
        into[key] = r

    def merge_file(self, f: File) -> Diagnostics:
        from sheath.config import merge

        self.files.append(f.filename)
        return merge.merge_file(self, f)

    def finalize(self) -> None:
        """Resolve provider addresses after all files are in."""
        if self.provider_requirements is not None:
            for name, req in self.provider_requirements.required_providers.items():
                if req.type is not None and req.type not in self.provider_local_names:
                    self.provider_local_names[req.type] = name
        for r in self.all_resources():
            r.provider = self.implied_provider_for_local_name(r.provider_local_name())


def new_module(source_dir: str, primary: list[File], overrides: list[File]) -> tuple[Module, Diagnostics]:
    m = Module(source_dir)
    diags = Diagnostics()
    for f in primary:
        diags.extend(m.append_file(f))
    for f in overrides:
        diags.extend(m.merge_file(f))
    m.finalize()
    return m, diags


__all__ = ["Module", "new_module", "RequiredProvider", "Range", "check_variable_default"]
