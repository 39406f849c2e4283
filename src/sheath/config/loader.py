"""Loading a module directory, and a whole module tree, from disk.

load_module(dir) reads every .tf and .tf.json file of dir (lexical order, like
terraform), primary files first, then *_override.tf / override.tf files merged
on top. load_module_tree(root) follows module calls with local sources
recursively, and installed remote ones through .terraform/modules/modules.json.

Every file and directory is read through a ModuleSource (sheath.config.source):
the working directory by default, or a saved plan's configuration snapshot.

The root module may also hold Python stack files (stack.py, *.stack.py): each is run
and the blocks it declares are read as a JSON-syntax file of the module (sheath.stack),
with ranges at the stack file's lines.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field

from sheath.addrs import Module as ModuleAddr
from sheath.config.module import Module, new_module
from sheath.config.module_call import ModuleCall
from sheath.config.parser import File, decode_file
from sheath.config.provider_validation import validate_provider_configs
from sheath.config.source import FilesystemModuleSource, ModuleSource
from sheath.config.versions import TERRAFORM_CORE_VERSION, TERRAFORM_VERSION
from sheath.diag import Diagnostics
from sheath.lang import hcl

MODULES_MANIFEST = os.path.join(".terraform", "modules", "modules.json")


def _is_ignored(name: str) -> bool:
    """Editor and hidden files terraform skips: .name, name~, #name#."""
    return name.startswith(".") or name.endswith("~") or (name.startswith("#") and name.endswith("#"))


def is_override_file(name: str) -> bool:
    base = name[: -len(".tf.json")] if name.endswith(".tf.json") else name[: -len(".tf")]
    return base == "override" or base.endswith("_override")


def config_files(directory: str, source: ModuleSource | None = None) -> tuple[list[str], list[str], Diagnostics]:
    """(primary files, override files) of a module directory, as paths, sorted by name."""
    diags = Diagnostics()
    try:
        names = sorted((source or FilesystemModuleSource()).list_dir(directory))
    except OSError:
        diags.add_error(
            "Failed to read module directory",
            f"Module directory {directory} does not exist or cannot be read.",
        )
        return [], [], diags
    primary: list[str] = []
    override: list[str] = []
    for name in names:
        if _is_ignored(name) or not (name.endswith(".tf") or name.endswith(".tf.json")):
            continue
        path = os.path.normpath(os.path.join(directory, name))
        (override if is_override_file(name) else primary).append(path)
    return primary, override, diags


STACK_FILE = "stack.py"
STACK_SUFFIX = ".stack.py"


def is_stack_file(name: str) -> bool:
    """stack.py, or any name ending in .stack.py: a Python stack file of the module."""
    return name == STACK_FILE or (name.endswith(STACK_SUFFIX) and len(name) > len(STACK_SUFFIX))


def stack_files(directory: str, source: ModuleSource | None = None) -> list[str]:
    """The Python stack files of a (root) module directory, as paths, sorted by name."""
    try:
        names = sorted((source or FilesystemModuleSource()).list_dir(directory))
    except OSError:
        return []
    return [os.path.normpath(os.path.join(directory, n)) for n in names if not _is_ignored(n) and is_stack_file(n)]


def load_stack_file(path: str, source: ModuleSource | None = None) -> tuple[File | None, Diagnostics]:
    """Run a stack file and decode the blocks it declares as a primary file of its module."""
    from sheath.stack.model import Stack
    from sheath.stack.synth import run_stack, stack_hcl_file

    diags = Diagnostics()
    try:
        src = (source or FilesystemModuleSource()).read(path)
    except OSError as exc:
        diags.add_error("Failed to read file", f"The stack file {path!r} could not be read: {exc.strerror}.")
        return None, diags
    stack, d = run_stack(path, src)
    diags.extend(d)
    # a stack that failed to run is an empty file of the module: its diagnostics still
    # find the file's source for their snippets
    hf, d = stack_hcl_file(stack or Stack(path), src)
    diags.extend(d)
    f, d = decode_file(path, hf.body, False)
    diags.extend(d)
    return f, diags


def parse_file(path: str, source: ModuleSource | None = None) -> tuple[hcl.File | None, Diagnostics]:
    diags = Diagnostics()
    try:
        src = (source or FilesystemModuleSource()).read(path)
    except OSError as exc:
        diags.add_error("Failed to read file", f"The configuration file {path!r} could not be read: {exc.strerror}.")
        return None, diags
    if path.endswith(".json"):
        import importlib

        mod = importlib.import_module("sheath.lang.hcljson")
        fn = getattr(mod, "parse_config", None) or getattr(mod, "parse")
        f, d = fn(src, path)
    else:
        from sheath.lang.hclsyntax.parser import parse_config

        f, d = parse_config(src, path)
    diags.extend(d)
    return f, diags


def load_file(path: str, override: bool, source: ModuleSource | None = None) -> tuple[File | None, Diagnostics]:
    hf, diags = parse_file(path, source)
    if hf is None:
        return None, diags
    f, d = decode_file(path, hf.body, override)
    diags.extend(d)
    return f, diags


def load_module(directory: str, source: ModuleSource | None = None, stacks: bool = True) -> tuple[Module, Diagnostics]:
    """Load one module directory; diagnostics cover syntax, block decoding and merging.

    stacks: also run the directory's Python stack files (True for a root module; the
    loader passes False for called modules, which are HCL only)."""
    primary, override, diags = config_files(directory, source)
    pfiles: list[File] = []
    ofiles: list[File] = []
    for path in primary:
        f, d = load_file(path, False, source)
        diags.extend(d)
        if f is not None:
            pfiles.append(f)
    for path in stack_files(directory, source) if stacks else []:
        f, d = load_stack_file(path, source)
        diags.extend(d)
        if f is not None:
            pfiles.append(f)
    for path in override:
        f, d = load_file(path, True, source)
        diags.extend(d)
        if f is not None:
            ofiles.append(f)
    m, d = new_module(directory, pfiles, ofiles)
    diags.extend(d)
    return m, diags


def check_core_version(m: Module) -> Diagnostics:
    """Errors for required_version constraints this version (1.11.4) does not satisfy."""
    diags = Diagnostics()
    assert TERRAFORM_CORE_VERSION is not None
    for vc in m.core_version_constraints:
        if not vc.required.check(TERRAFORM_CORE_VERSION):
            diags.add_error(
                "Unsupported Terraform Core version",
                f"This configuration does not support Terraform version {TERRAFORM_VERSION}. To proceed, either "
                "choose another supported Terraform version or update this version constraint. Version "
                "constraints are normally set for good reason, so updating the constraint may lead to other "
                "errors or unexpected behavior.",
                vc.decl_range,
            )
    return diags


# --- module trees ------------------------------------------------------------------------


@dataclass(slots=True)
class Config:
    """A node of the module tree: a module, its path, and its children by call name."""

    module: Module
    path: ModuleAddr
    children: dict[str, "Config"] = field(default_factory=dict)
    call: ModuleCall | None = None
    source_addr: str = ""
    version: str = ""

    def descendant(self, path: ModuleAddr) -> "Config | None":
        c: Config | None = self
        for name in path.names:
            if c is None:
                return None
            c = c.children.get(name)
        return c

    def modules_by_path(self) -> dict[str, "Config"]:
        """Every module of the tree keyed by its path string ("" root, "module.a.module.b")."""
        return {str(c.path): c for c in self.all_modules()}

    def all_modules(self) -> list["Config"]:
        out = [self]
        for ch in self.children.values():
            out.extend(ch.all_modules())
        return out


def _read_manifest(root_dir: str, source: ModuleSource) -> dict[str, dict[str, str]]:
    path = os.path.normpath(os.path.join(root_dir, MODULES_MANIFEST))
    try:
        data = json.loads(source.read(path))
    except (OSError, ValueError):
        return {}
    out: dict[str, dict[str, str]] = {}
    for rec in data.get("Modules", []) if isinstance(data, dict) else []:
        if isinstance(rec, dict) and isinstance(rec.get("Key"), str):
            out[rec["Key"]] = {k: str(v) for k, v in rec.items()}
    return out


_MAX_DEPTH = 100


def _child_module_checks(mod: Module, path: ModuleAddr) -> Diagnostics:
    """What only a root module may declare: a backend (ignored, with a warning) and import blocks."""
    diags = Diagnostics()
    if mod.backend is not None:
        diags.add_warning(
            "Backend configuration ignored",
            "Any selected backend applies to the entire configuration, so Terraform expects provider "
            "configurations only in the root module.\n\nThis is a warning rather than an error because it's "
            "sometimes convenient to temporarily call a root module as a child module for testing purposes, but "
            "this backend configuration block will have no effect.",
            mod.backend.decl_range,
        )
    for imp in mod.imports:
        diags.add_error(
            "Invalid import configuration",
            f'An import block was detected in "{path}". Import blocks are only allowed in the root module.',
            imp.decl_range,
        )
    return diags


def _installed(call: ModuleCall, rec: dict[str, str] | None, root_dir: str, source: ModuleSource, diags: Diagnostics) -> bool:
    """Whether the manifest records the call's module in a readable directory ("Module not installed" if not;
    installed from another source, "Module source has changed" as well)."""
    if rec is None:
        detail = 'This module is not yet installed. Run "terraform init" to install all modules required by this configuration.'
    else:
        d = rec.get("Dir", "")
        if d and source.is_dir(os.path.normpath(os.path.join(root_dir, d))):
            if rec.get("Source", "") != call.source_addr_raw:
                # the module installed under this call's key came from elsewhere (another
                # configuration's call of the same name, as import -config may meet)
                diags.add_error(
                    "Module source has changed",
                    'The source address was changed since this module was installed. Run "terraform init" to '
                    "install all modules required by this configuration.",
                    call.source_addr_range or call.decl_range,
                )
            return True
        detail = (
            f"This module's local cache directory {d} could not be read. "
            'Run "terraform init" to install all modules required by this configuration.'
        )
    diags.add_error("Module not installed", detail, call.decl_range)
    return False


def load_module_tree(
    root_dir: str,
    source: ModuleSource | None = None,
    require_installed: bool = False,
    tree_checks: bool = True,
    work_dir: str | None = None,
) -> tuple[Config, Diagnostics]:
    """Load the root module and every module it calls, recursively.

    Local sources (./x, ../x) are read from disk relative to the calling module;
    other sources must be installed (recorded in .terraform/modules/modules.json),
    else the call gets a "Module not installed" error. Everything is read through
    source (the working directory when None). With require_installed, local sources must
    be installed too, as terraform's validate, plan and apply require. tree_checks: the
    checks of the loaded tree as a whole (check_module_tree). work_dir: the working
    directory whose .terraform/modules records the installed modules (root_dir when None;
    terraform import -config reads the configuration elsewhere but the modules from there).
    """
    source = source or FilesystemModuleSource()
    root, diags = load_module(root_dir, source)
    if not diags.has_errors():
        diags.extend(check_core_version(root))
    cfg = Config(root, ModuleAddr())
    if diags.has_errors():
        # like terraform, child modules are only looked at once the root module is sound
        return cfg, diags
    installed_in = root_dir if work_dir is None else work_dir
    manifest = _read_manifest(installed_in, source)
    _load_children(cfg, installed_in, manifest, diags, 0, source, require_installed)
    if tree_checks:
        diags.extend(check_module_tree(cfg))
    return cfg, diags


def check_module_tree(cfg: Config) -> Diagnostics:
    """terraform's checks once the whole tree is built: what only the root module may
    declare, and provider configurations across module calls."""
    diags = Diagnostics()
    for c in cfg.all_modules():
        if not c.path.is_root():
            diags.extend(_child_module_checks(c.module, c.path))
    diags.extend(validate_provider_configs(cfg))
    diags.extend(_import_providers(cfg.module))
    return diags


def _import_providers(mod: Module) -> Diagnostics:
    """An import block naming a provider must be one that generates its resource's configuration."""
    diags = Diagnostics()
    for imp in mod.imports:
        if imp.provider_range is None or imp.to_resource is None or not imp.to_resource.module.is_root():
            continue
        if mod.resource_by_key(str(imp.to_resource.resource.resource)) is None:
            continue
        diags.add_error(
            "Invalid import provider argument",
            "The provider argument can only be specified in import blocks that will generate configuration.\n\n"
            "Use the provider argument in the target resource block to configure the provider for a resource with "
            "explicit provider configuration.",
            imp.provider_range,
        )
    return diags


def _load_children(
    parent: Config,
    root_dir: str,
    manifest: dict[str, dict[str, str]],
    diags: Diagnostics,
    depth: int,
    source: ModuleSource,
    require_installed: bool = False,
) -> None:
    if depth > _MAX_DEPTH:
        diags.add_error(
            "Module call depth limit exceeded",
            "Module calls are nested too deeply; there may be a module that calls itself.",
        )
        return
    for name, call in parent.module.module_calls.items():
        src = call.source_addr
        if src is None:
            continue
        path = parent.path.child(name)
        key = ".".join(path.names)
        if src.is_local() and require_installed and not _installed(call, manifest.get(key), root_dir, source, diags):
            continue
        if src.is_local():
            if key in manifest and manifest[key].get("Dir"):
                child_dir = os.path.normpath(os.path.join(root_dir, manifest[key]["Dir"]))
            else:
                child_dir = os.path.normpath(os.path.join(parent.module.source_dir, src.raw))
            if not source.is_dir(child_dir):
                diags.add_error(
                    "Unreadable module directory",
                    f"The directory {child_dir} does not exist or cannot be read.",
                    call.source_addr_range or call.decl_range,
                )
                continue
        else:
            rec = manifest.get(key)
            if rec is None or not rec.get("Dir"):
                diags.add_error(
                    "Module not installed",
                    'This module is not yet installed. Run "terraform init" to install all modules required by '
                    "this configuration.",
                    call.decl_range,
                )
                continue
            child_dir = os.path.normpath(os.path.join(root_dir, rec["Dir"]))
        mod, d = load_module(child_dir, source, stacks=False)
        diags.extend(d)
        if not d.has_errors():
            diags.extend(check_core_version(mod))
        child = Config(mod, path, call=call, source_addr=src.raw, version=call.version_raw)
        parent.children[name] = child
        _load_children(child, root_dir, manifest, diags, depth + 1, source, require_installed)
