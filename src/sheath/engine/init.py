"""terraform init: prepare a working directory.

  * the backend: only the local backend exists so far; any other (or a cloud block,
    or a directory terraform initialised against one) is an error;
  * modules: local module sources are recorded in .terraform/modules/modules.json
    (they are used in place, as terraform does); other sources cannot be fetched
    offline and are an error;
  * providers: native providers (built into sheath) resolve without download;
    every other provider is installed from the local sources the CLI
    configuration allows (filesystem mirrors, implied mirror directories,
    the plugin cache); .terraform.lock.hcl records the selections.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Callable, Mapping

from sheath.addrs.provider import Provider
from sheath.config import Config, load_module_tree
from sheath.config.loader import check_module_tree
from sheath.config.module import Module
from sheath.diag import Diagnostic, Diagnostics, Range, Severity
from sheath.engine.init_checks import builtin_provider_requirements, legacy_provider_addresses, legacy_remote_state
from sheath.engine.validate import config_sources
from sheath.providers.registry import default_registry

MODULES_DIR = os.path.join(".terraform", "modules")
MODULES_MANIFEST = "modules.json"


@dataclass
class InitResult:
    module_lines: list[str] = field(default_factory=list)
    has_modules: bool = False
    provider_lines: list[str] = field(default_factory=list)
    lock_message: str = ""
    sources: dict[str, bytes] = field(default_factory=dict)


def configured_backend_supported(module: Module) -> Diagnostics:
    """The default backend check: only the local backend exists so far."""
    diags = Diagnostics()
    if module.cloud_config is not None:
        diags.add_error(
            "Unsupported backend type",
            "This configuration uses HCP Terraform (a \"cloud\" block), which sheath does not support yet.",
            module.cloud_config.decl_range,
        )
    elif module.backend is not None and module.backend.type != "local":
        diags.add_error(
            "Unsupported backend type",
            f'sheath does not support the "{module.backend.type}" backend yet.',
            module.backend.decl_range,
        )
    return diags


def init(
    root_dir: str = ".",
    upgrade: bool = False,
    env: Mapping[str, str] | None = None,
    progress: Callable[[str], None] | None = None,
    backend: Callable[[Module], Diagnostics] | None = configured_backend_supported,
    get: bool = True,
) -> tuple[InitResult, Diagnostics]:
    """backend checks the root module's backend (None: init -backend=false leaves the
    backend alone); get=False (-get=false) installs no module, so modules not installed
    before are errors, as terraform's are."""
    res = InitResult()
    # as terraform, modules are installed before provider configurations are checked across them
    cfg, diags = load_module_tree(root_dir, require_installed=not get, tree_checks=False)
    res.sources = config_sources(cfg, root_dir)
    diags.extend(legacy_remote_state(root_dir))
    if diags.has_errors():
        if not get and any(d.summary == "Module not installed" for d in diags):
            diags = Diagnostics([_init_config_problems(), *diags])
        return res, diags
    if backend is not None:
        bd = backend(cfg.module)
        diags.extend(bd)
        if bd.has_errors():
            return res, diags
    if get:
        res.has_modules = bool(cfg.module.module_calls)
        diags.extend(_install_modules(cfg, root_dir, res))
        if diags.has_errors():
            return res, diags
    diags.extend(check_module_tree(cfg))
    if diags.has_errors():
        return res, diags
    diags.extend(_install_providers(cfg, root_dir, upgrade, env, res, progress))
    return res, diags


CONFIG_PROBLEMS = "Terraform encountered problems during initialisation"


def _init_config_problems() -> Diagnostic:
    return Diagnostic(
        Severity.ERROR,
        f"{CONFIG_PROBLEMS}, including problems\n"
        "with the configuration, described below.\n\n"
        "The Terraform configuration must be valid before initialization so that\n"
        "Terraform can determine which modules and providers need to be installed.",
        "",
    )


# --- modules -------------------------------------------------------------------------------


def _read_manifest(path: str) -> dict[str, dict[str, str]]:
    try:
        with open(path, "rb") as fh:
            doc = json.loads(fh.read())
    except (OSError, ValueError):
        return {}
    return {str(m.get("Key")): m for m in doc.get("Modules", []) if isinstance(m, dict)}


def _install_modules(cfg: Config, root_dir: str, res: InitResult) -> Diagnostics:
    lines, diags = install_modules(cfg, root_dir)
    res.module_lines.extend(lines)
    return diags


@dataclass(frozen=True)
class TestModule:
    """A module a test file's run block calls: installed under key ("test.<file>.<run>"),
    its own calls under key's prefix; source is local, relative to the root module."""

    key: str
    source: str
    config: Config


def source_not_available(key: str, source: str, rng: Range) -> Diagnostic:
    """The error for a module source sheath cannot install (only local ones so far)."""
    return Diagnostic(
        Severity.ERROR,
        "Module source not available offline",
        f'Module "{key}" has source "{source}", which sheath cannot download: only local '
        'module sources ("./..." or "../...") are supported so far.',
        rng,
    )


def _local_calls(
    node: Config, node_dir: str, prefix: tuple[str, ...], diags: Diagnostics
) -> list[tuple[str, str, str]]:
    """(key, source, directory) of every module node calls, recursively; a source that is
    not local is an error."""
    found: list[tuple[str, str, str]] = []
    stack: list[tuple[Config, str]] = [(node, node_dir)]
    while stack:
        node, node_dir = stack.pop()
        for name in sorted(node.module.module_calls):
            call = node.module.module_calls[name]
            key = ".".join((*prefix, *node.path.names, name))
            src = call.source_addr_raw
            if call.source_addr is None or call.source_addr.kind != "local":
                diags.append(source_not_available(key, src, call.source_addr_range or call.decl_range))
                continue
            child_dir = os.path.normpath(os.path.join(node_dir, src))
            found.append((key, src, child_dir))
            child = node.children.get(name)
            if child is not None:
                stack.append((child, child_dir))
    return sorted(found)


def install_modules(
    cfg: Config, root_dir: str, update: bool = False, test_modules: tuple[TestModule, ...] = ()
) -> tuple[list[str], Diagnostics]:
    """Record the module tree (and the modules test files call) in .terraform/modules/modules.json;
    the "- key in dir" lines of the modules installed now (every module with update, as
    terraform's get -update reinstalls them)."""
    diags = Diagnostics()
    manifest_path = os.path.join(root_dir, MODULES_DIR, MODULES_MANIFEST)
    previous = _read_manifest(manifest_path)
    records: list[dict[str, str]] = [{"Key": "", "Source": "", "Dir": "."}]
    found = _local_calls(cfg, ".", (), diags)
    for tm in test_modules:
        tm_dir = os.path.normpath(tm.source)
        found.append((tm.key, tm.source, tm_dir))
        found.extend(_local_calls(tm.config, tm_dir, (tm.key,), diags))
    if diags.has_errors():
        return [], diags
    lines: list[str] = []
    # as terraform's installer, entries of modules no longer called stay in the manifest
    now = {key: {"Key": key, "Source": src, "Dir": d} for key, src, d in found}
    kept = {key: rec for key, rec in previous.items() if key and key not in now}
    records += [rec for _, rec in sorted({**kept, **now}.items())]
    for key, src, d in found:
        prev = previous.get(key)
        if update or prev is None or prev.get("Source") != src or prev.get("Dir") != d:
            lines.append(f"- {key} in {d}")
    if found or previous:
        os.makedirs(os.path.dirname(manifest_path), exist_ok=True)
        data = json.dumps({"Modules": records}, separators=(",", ":"))
        tmp = manifest_path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(data)
        os.replace(tmp, manifest_path)
    return lines, diags


# --- providers -----------------------------------------------------------------------------


def _uses_builtin(cfg: Config) -> bool:
    for node in cfg.all_modules():
        for r in node.module.all_resources():
            if r.provider is not None and r.provider.is_builtin():
                return True
    return False


def _install_providers(
    cfg: Config,
    root_dir: str,
    upgrade: bool,
    env: Mapping[str, str] | None,
    res: InitResult,
    progress: Callable[[str], None] | None,
) -> Diagnostics:
    from sheath.cliconfig.config import load_cli_config
    from sheath.getproviders import install_providers, requirements_from_config

    diags = builtin_provider_requirements(cfg)
    diags.extend(legacy_provider_addresses(root_dir))
    if diags.has_errors():
        return diags
    say = progress or (lambda _line: None)
    if _uses_builtin(cfg):
        line = "- terraform.io/builtin/terraform is built in to Terraform"
        res.provider_lines.append(line)
        say(line)
    requirements = requirements_from_config(cfg)
    registry = default_registry()
    native: dict[Provider, str] = {}
    for p in requirements:
        info = registry.lookup(p)
        if info is not None:
            native[p] = info.version
    cli_config, d = load_cli_config(env, root_dir)
    diags.extend(d)
    if diags.has_errors():
        return diags
    result, d = install_providers(
        requirements, None, cli_config, root_dir, upgrade, progress=progress, native=native, env=env
    )
    diags.extend(d)
    res.provider_lines.extend(result.lines)
    res.lock_message = result.lock_message()
    return diags
