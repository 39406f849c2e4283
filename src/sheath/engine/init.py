"""terraform init: prepare a working directory.

  * the backend: only the local backend exists so far; any other (or a cloud block,
    or a directory terraform initialised against one) is an error;
  * modules: local module sources are recorded in .terraform/modules/modules.json
    (they are used in place, as terraform does); git::, s3::, http(s):// and registry
    sources are downloaded into .terraform/modules/<key> (sheath.getters); others are an error;
  * providers: native providers (built into sheath) resolve without download;
    every other provider is installed from the local sources the CLI
    configuration allows (filesystem mirrors, implied mirror directories,
    the plugin cache); .terraform.lock.hcl records the selections.
"""

from __future__ import annotations

import json
import os
import posixpath
import shutil
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Mapping

from sheath.addrs.provider import Provider
from sheath.config import Config, load_module_tree
from sheath.addrs import Module as ModuleAddr
from sheath.config.loader import check_module_tree, config_files, load_module, parse_file
from sheath.config.module_call import ModuleCall
from sheath.config.module import Module
from sheath.config.testfile import load_test_files, test_file_sources, test_file_syntax_problems
from sheath.diag import Diagnostic, Diagnostics, Range, Severity
from sheath.engine.init_checks import builtin_provider_requirements, legacy_provider_addresses, legacy_remote_state
from sheath.engine.validate import config_sources
from sheath.providers.registry import ProviderRegistry, default_registry

if TYPE_CHECKING:
    from sheath.getters.registry import RegistryClient

MODULES_DIR = os.path.join(".terraform", "modules")
MODULES_MANIFEST = "modules.json"


@dataclass
class InitResult:
    module_lines: list[str] = field(default_factory=list)
    has_modules: bool = False
    modules_failed: bool = False
    provider_lines: list[str] = field(default_factory=list)
    lock_message: str = ""
    sources: dict[str, bytes] = field(default_factory=dict)
    repeated_warnings: list[Diagnostic] = field(default_factory=list)
    """The warnings terraform's init reports again because it loads the configuration (and the
    test files) more than once: its view counts them ("and N more similar warnings"); each is
    among the diagnostics once."""


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
    module_progress: Callable[[str], None] | None = None,
    test_dir: str = "tests",
    registry: ProviderRegistry | None = None,
) -> tuple[InitResult, Diagnostics]:
    """backend checks the root module's backend (None: init -backend=false leaves the
    backend alone); get=False (-get=false) installs no module, so modules not installed
    before are errors, as terraform's are; module_progress receives the module installer's
    output lines as they happen (res.module_lines has them too); the modules the run blocks of
    the test files (in the root module and test_dir) call are installed too, as terraform's;
    registry: the providers sheath serves itself (the shipped ones when None)."""
    res = InitResult()
    # as terraform, modules are installed before provider configurations are checked across them
    cfg, diags = load_module_tree(root_dir, require_installed=not get, tree_checks=False)
    if get:
        # remote modules not installed yet are what init is about to install
        diags = Diagnostics(d for d in diags if d.summary != "Module not installed")
    res.sources = config_sources(cfg, root_dir)
    tree_warnings = [d for d in diags if d.severity is Severity.WARNING]
    if _root_module_failed(diags, root_dir):
        res.sources.update(test_file_sources(root_dir, test_dir))
        tests = load_test_files(root_dir, test_dir)[1]
        tests_decoding = Diagnostics(d for d in tests if d not in test_file_syntax_problems(root_dir, test_dir))
        early = Diagnostics([*diags, *tests])
        return res, _early_config_problems(
            cfg, early, tests_decoding, root_dir, res, backend, get, env, upgrade, module_progress
        )
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
    res.sources.update(test_file_sources(root_dir, test_dir))
    if get:
        from sheath.engine.getmodules import test_modules

        tms, td = test_modules(root_dir, test_dir)
        res.has_modules = bool(cfg.module.module_calls) or bool(tms)
        if not res.has_modules and td.has_errors():
            # as terraform's: with nothing to install, the test files' errors are configuration problems
            return res, Diagnostics([*diags, _init_config_problems(), *td])
        # terraform's module installer reads the test files again: their errors follow the
        # installation, except syntax errors, which its parser reported once already (they are
        # configuration problems, after the installation)
        syntax = test_file_syntax_problems(root_dir, test_dir)
        diags.extend(_install_modules(cfg, root_dir, res, env, upgrade, module_progress, tms))
        installer = Diagnostics(d for d in td if d not in syntax)
        diags.extend(installer)
        res.modules_failed = res.modules_failed or installer.has_errors()
        if diags.has_errors():
            return res, diags
        if syntax.has_errors():
            return res, Diagnostics([*diags, _init_config_problems(), *syntax])
        # terraform loads the test files before and after installing modules too: their
        # warnings come once from each load (the view consolidates them)
        res.repeated_warnings.extend(_test_file_warnings(root_dir, test_dir) * (2 if res.has_modules else 1))
        if installs_remote(cfg):
            cfg, d = load_module_tree(root_dir, tree_checks=False)
            res.sources = {**config_sources(cfg, root_dir), **test_file_sources(root_dir, test_dir)}
            diags.extend(d)
            if diags.has_errors():
                return res, diags
    else:
        _, td = load_test_files(root_dir, test_dir)
        if td.has_errors():
            return res, Diagnostics([*diags, _init_config_problems(), *td])
        diags.extend(td)
        res.repeated_warnings.extend(_test_file_warnings(root_dir, test_dir))
    # terraform loads the root module alone first, and the module installer loads the tree
    # again: the configuration's warnings come once from each load (the view consolidates them)
    res.repeated_warnings.extend(d for d in tree_warnings if _in_root_module(d, root_dir))
    if get and res.has_modules and not installs_remote(cfg):
        res.repeated_warnings.extend(tree_warnings)
    diags.extend(check_module_tree(cfg))
    if diags.has_errors():
        return res, diags
    diags.extend(_install_providers(cfg, root_dir, upgrade, env, res, progress, registry or default_registry()))
    if not diags.has_errors():
        diags.extend(_stack_bindings(cfg, root_dir))
    return res, diags


def _in_root_module(d: Diagnostic, root_dir: str) -> bool:
    if d.subject is None:
        return False
    return os.path.normpath(os.path.dirname(d.subject.filename) or ".") == os.path.normpath(root_dir)


def _test_file_warnings(root_dir: str, test_dir: str) -> list[Diagnostic]:
    return [d for d in load_test_files(root_dir, test_dir)[1] if d.severity is Severity.WARNING]


def _stack_bindings(cfg: Config, root_dir: str) -> Diagnostics:
    """Python stacks: the typed bindings of the plugin providers (nothing without a stack file)."""
    from sheath.getproviders import requirements_from_config
    from sheath.stack.plugin_bindings import init_bindings

    return init_bindings(root_dir, requirements_from_config(cfg))


def _root_module_failed(diags: Diagnostics, root_dir: str) -> bool:
    """Whether loading the root module alone failed (not the modules it calls: a module not
    installed, with -get=false, is the installer's problem, reported as such)."""
    return diags.has_errors() and load_module(root_dir, stacks=False)[1].has_errors()


def _early_config_problems(
    cfg: Config,
    early: Diagnostics,
    tests_decoding: Diagnostics,
    root_dir: str,
    res: InitResult,
    backend: Callable[[Module], Diagnostics] | None,
    get: bool,
    env: Mapping[str, str] | None,
    upgrade: bool,
    module_progress: Callable[[str], None] | None,
) -> Diagnostics:
    """terraform's init when the root module alone does not load: the backend is still
    initialised and the modules installed before the errors are shown. Without a backend
    block its backend step loads the root module again, and so does the module installer;
    their parser has the files already, so only the block decoding's diagnostics come again
    (the installer's include the test files', tests_decoding)."""
    primary, override, _ = config_files(root_dir)
    syntax = Diagnostics()
    for path in [*primary, *override]:
        syntax.extend(parse_file(path)[1])
    decoding = Diagnostics(d for d in early if d not in syntax and _in_root_module(d, root_dir))
    again = Diagnostics()
    if backend is not None:
        if cfg.module.backend is not None or cfg.module.cloud_config is not None:
            again = backend(cfg.module)
        elif decoding.has_errors():
            again = decoding
    if get and cfg.module.module_calls:
        res.has_modules = True
        installer = _install_modules(cfg, root_dir, res, env, upgrade, module_progress)
        installer.extend(decoding)
        installer.extend(tests_decoding)
        if installer.has_errors():
            # the installer's errors end init at once, shown alone
            res.modules_failed = True
            return installer
    return Diagnostics([*early, *again, _init_config_problems()])


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


def _install_modules(
    cfg: Config,
    root_dir: str,
    res: InitResult,
    env: Mapping[str, str] | None,
    upgrade: bool,
    progress: Callable[[str], None] | None,
    tms: tuple[TestModule, ...] = (),
) -> Diagnostics:
    lines, diags = install_modules(cfg, root_dir, update=upgrade, test_modules=tms, env=env, progress=progress)
    res.module_lines.extend(lines)
    res.modules_failed = diags.has_errors()
    return diags


@dataclass(frozen=True)
class TestModule:
    """A module a test file's run block calls: installed under key ("test.<file>.<run>"),
    its own calls under key's prefix; source is local, relative to the root module."""

    key: str
    source: str
    config: Config


def source_not_available(key: str, source: str, rng: Range) -> Diagnostic:
    """The error for a module source sheath cannot install."""
    return Diagnostic(
        Severity.ERROR,
        "Module source not available offline",
        f'Module "{key}" has source "{source}", which sheath cannot download: only local '
        'module sources ("./..." or "../..."), git::, s3::, http(s):// and registry sources are supported so far.',
        rng,
    )


@dataclass
class _Walk:
    """What installing the module tree collects: manifest entries, output lines, packages fetched."""

    root_dir: str
    previous: dict[str, dict[str, str]]
    update: bool
    diags: Diagnostics
    entries: dict[str, dict[str, str]] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)
    fetched: dict[str, str] = field(default_factory=dict)  # package address -> install directory
    downloads: int = 0  # remote installations attempted
    env: Mapping[str, str] | None = None
    registry: RegistryClient | None = None
    progress: Callable[[str], None] | None = None

    def registry_client(self) -> RegistryClient:
        """The registry client of this run, with the CLI configuration's host blocks."""
        if self.registry is None:
            from sheath.cliconfig.config import load_cli_config
            from sheath.getters.registry import RegistryClient

            cli, _ = load_cli_config(self.env, self.root_dir)
            self.registry = RegistryClient(cli.hosts)
        return self.registry

    def emit(self, line: str) -> None:
        """An output line, also passed to the progress callback as it happens (downloads take time)."""
        self.lines.append(line)
        if self.progress is not None:
            self.progress(line)

    def changed(self, key: str, src: str, d: str) -> bool:
        prev = self.previous.get(key)
        return self.update or prev is None or prev.get("Source") != src or prev.get("Dir") != d


def _child(node: Config | None, name: str, walk: _Walk, child_dir: str) -> Config | None:
    """The called module: already loaded in the tree, or read from where it was installed."""
    if node is not None and name in node.children:
        return node.children[name]
    path = os.path.normpath(os.path.join(walk.root_dir, child_dir))
    if not os.path.isdir(path):
        return None
    mod, d = load_module(path, stacks=False)
    if d.has_errors():
        return None  # reported when the installed tree is loaded
    return Config(mod, ModuleAddr(), source_addr="")


def _dot_files(_dir: str, names: list[str]) -> list[str]:
    """What terraform leaves out copying a package it downloaded before: dot files (.git)."""
    return [n for n in names if n.startswith(".")]


def _fetch(call: ModuleCall, key: str, src: str, walk: _Walk) -> str | None:
    """Download the package of a remote call (src: its source, normalised) into
    .terraform/modules/<key>; the module's directory."""
    from sheath.getters import fetch_package, split_package_subdir

    addr = split_package_subdir(src)
    inst = posixpath.join(MODULES_DIR.replace(os.sep, "/"), key)
    d = posixpath.normpath(posixpath.join(inst, addr.subdir)) if addr.subdir else inst
    if not walk.changed(key, src, d) and os.path.isdir(os.path.join(walk.root_dir, d)):
        return d
    walk.emit(f"Downloading {addr.package} for {key}...")
    ok = _download(call, walk, addr.package, inst, lambda: (fetch_package(addr.package, inst, walk.root_dir), addr.package))
    return _subdir(walk, d, addr.subdir) if ok else None


def _subdir(walk: _Walk, d: str, subdir: str) -> str | None:
    if not os.path.isdir(os.path.join(walk.root_dir, d)):
        walk.diags.add_error("Failed to expand subdir globs", f'subdir "{subdir}" not found')
        return None
    return d


def _download(
    call: ModuleCall, walk: _Walk, package: str, inst: str, fetch: Callable[[], tuple[str | None, str]], end: str = ""
) -> bool:
    """Fetch a package into inst (relative to the root directory), or copy it from where this run
    fetched it before, as terraform does; a failure is terraform's "Failed to download module"
    (fetch gives the error and the address it names; end: what terraform's message ends with)."""
    walk.downloads += 1
    target = os.path.join(walk.root_dir, inst)
    shutil.rmtree(target, ignore_errors=True)
    if package in walk.fetched:
        shutil.copytree(os.path.join(walk.root_dir, walk.fetched[package]), target, symlinks=True, ignore=_dot_files)
        return True
    os.makedirs(os.path.dirname(target), exist_ok=True)
    err, shown = fetch()
    if err is not None:
        rng = call.decl_range
        walk.diags.add_error(
            "Failed to download module",
            f'Could not download module "{call.name}" ({rng.filename}:{rng.start.line}) source code from '
            f'"{shown}": {err}{end}',
            rng,
        )
        return False
    walk.fetched[package] = inst
    return True


def _fetch_registry(call: ModuleCall, key: str, walk: _Walk) -> tuple[str, str, str] | None:
    """Install a registry module: the newest version its constraint allows, downloaded from
    where the registry's download endpoint says. The module's directory, version and source
    as terraform records it (with the registry's host)."""
    from sheath.getters import fetch_address
    from sheath.getters.registry import RegistryError, newest, newest_release, parse_registry_source

    src = call.source_addr_raw
    parsed = parse_registry_source(src)
    rng = call.decl_range
    where = f"{rng.filename}:{rng.start.line}"
    if parsed is None:
        walk.diags.append(source_not_available(key, src, call.source_addr_range or rng))
        return None
    mod, subdir = parsed
    src = mod.source(subdir)
    inst = posixpath.join(MODULES_DIR.replace(os.sep, "/"), key)
    d = posixpath.normpath(posixpath.join(inst, subdir)) if subdir else inst
    prev = walk.previous.get(key)
    if (
        not walk.update
        and prev is not None
        and prev.get("Source") == src
        and prev.get("Version")
        and (call.version is None or call.version.check(prev["Version"]))
        and os.path.isdir(os.path.join(walk.root_dir, prev.get("Dir", "")))
    ):
        return prev["Dir"], prev["Version"], src
    client = walk.registry_client()
    walk.downloads += 1  # terraform writes the manifest once it asked a registry, even in vain
    try:
        versions = client.versions(mod)
    except RegistryError as exc:
        if exc.kind == "not_found":
            walk.diags.add_error(
                "Module not found",
                f'Module "{call.name}" (from {where}) cannot be found in the module registry at {mod.host}.',
                rng,
            )
        else:
            walk.diags.add_error(
                "Error accessing remote module registry",
                f'Failed to retrieve available versions for module "{call.name}" ({where}) from {mod.host}: '
                f"{exc.message}.",
                rng,
            )
        return None
    version = newest(versions, call.version)
    if version is None:
        latest = newest_release(versions)
        walk.diags.add_error(
            "Unresolvable module version constraint",
            f'There is no available version of module "{mod}" ({where}) which matches the given version '
            "constraint." + (f" The newest available version is {latest}." if latest is not None else ""),
            rng,
        )
        return None
    walk.emit(f"Downloading {mod} {version} for {key}...")
    package = f"{mod} {version}"

    def fetch() -> tuple[str | None, str]:
        try:
            address = client.download_address(mod, version)
        except RegistryError as exc:
            return exc.message, str(mod)
        err = fetch_address(address, inst, walk.root_dir)
        return (None if err is None else err.message), address

    if not _download(call, walk, package, inst, fetch, end="."):
        return None
    got = _subdir(walk, d, subdir)
    return None if got is None else (got, str(version), src)


@dataclass(frozen=True)
class _Package:
    """The downloaded package a module belongs to: its address and where it was installed."""

    address: str
    root: str


def _install_calls(
    node: Config, node_dir: str, prefix: tuple[str, ...], walk: _Walk, package: _Package | None
) -> None:
    """Install every module node calls, depth first in name order, as terraform's installer walks them.
    package: the package node was downloaded in (its local calls are resolved inside it)."""
    from sheath.getters import is_fetchable, split_package_subdir
    from sheath.getters.detect import normalize_source

    for name in sorted(node.module.module_calls):
        call = node.module.module_calls[name]
        key = ".".join((*prefix, name))
        src = call.source_addr_raw
        kind = call.source_addr.kind if call.source_addr is not None else ""
        if kind == "local":
            d = posixpath.normpath(posixpath.join(node_dir, src))
            if package is not None and d != package.root and not d.startswith(package.root + "/"):
                _escapes_package(key, src, package, walk)
                continue
            if walk.changed(key, src, d):
                walk.emit(f"- {key} in {d}")
            walk.entries[key] = {"Key": key, "Source": src, "Dir": d}
            child = _child(None if package is not None else node, name, walk, d)
            if child is not None:
                _install_calls(child, d, (*prefix, name), walk, package)
            continue
        before = len(walk.lines)
        version = ""
        inst = posixpath.join(MODULES_DIR.replace(os.sep, "/"), key)
        if kind == "registry":
            got = _fetch_registry(call, key, walk)
            if got is None:
                continue
            d2, version, src = got
            shown = src.split("//", 1)[0]
        elif kind == "remote" and is_fetchable(split_package_subdir(normalize_source(src)).package):
            src = normalize_source(src)  # as terraform records it: github.com/o/r is git::https://github.com/o/r.git
            fetched = _fetch(call, key, src, walk)
            if fetched is None:
                continue
            d2, shown = fetched, split_package_subdir(src).package
        else:
            walk.diags.append(source_not_available(key, src, call.source_addr_range or call.decl_range))
            continue
        if len(walk.lines) > before:
            walk.emit(f"- {key} in {d2}")
        walk.entries[key] = {"Key": key, "Source": src, **({"Version": version} if version else {}), "Dir": d2}
        child = _child(None, name, walk, d2)
        if child is not None:
            _install_calls(child, d2, (*prefix, name), walk, _Package(shown, inst))


def _escapes_package(key: str, src: str, package: _Package, walk: _Walk) -> None:
    """terraform's error for a local source that leaves the package its caller was downloaded in
    (the module is recorded without a directory, as terraform records it)."""
    walk.emit(f"- {key} in ")  # (init's output drops the trailing space, get's keeps it)
    walk.entries[key] = {"Key": key, "Source": src, "Dir": ""}
    addr = ".".join(f"module.{part}" for part in key.split("."))
    walk.diags.add_error(
        "Local module path escapes module package",
        f"The given source directory for {addr} would be outside of its containing package "
        f'"{package.address}". Local source addresses starting with "../" must stay within the same '
        "package that the calling module belongs to.",
    )


def install_modules(
    cfg: Config,
    root_dir: str,
    update: bool = False,
    test_modules: tuple[TestModule, ...] = (),
    env: Mapping[str, str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> tuple[list[str], Diagnostics]:
    """Install the module tree (and the modules test files call) and record it in
    .terraform/modules/modules.json: local modules are used in place, remote ones are
    downloaded into .terraform/modules/<key>. The lines are terraform's: "Downloading
    <package> for <key>..." and "- key in dir" for the modules installed now (every
    module with update, as terraform's get -update reinstalls them)."""
    diags = Diagnostics()
    manifest_path = os.path.join(root_dir, MODULES_DIR, MODULES_MANIFEST)
    previous = _read_manifest(manifest_path)
    walk = _Walk(root_dir, previous, update, diags, env=env, progress=progress)
    _install_calls(cfg, ".", (), walk, None)
    for tm in test_modules:
        tm_dir = posixpath.normpath(tm.source)
        if walk.changed(tm.key, tm.source, tm_dir):
            walk.emit(f"- {tm.key} in {tm_dir}")
        walk.entries[tm.key] = {"Key": tm.key, "Source": tm.source, "Dir": tm_dir}
        _install_calls(tm.config, tm_dir, (tm.key,), walk, None)
    if diags.has_errors() and not walk.downloads and not walk.entries:
        return walk.lines, diags
    # as terraform's installer, entries of modules no longer called stay in the manifest
    kept = {key: rec for key, rec in previous.items() if key and key not in walk.entries}
    records: list[dict[str, str]] = [{"Key": "", "Source": "", "Dir": "."}]
    records += [rec for _, rec in sorted({**kept, **walk.entries}.items())]
    if walk.entries or previous or walk.downloads:
        os.makedirs(os.path.dirname(manifest_path), exist_ok=True)
        data = json.dumps({"Modules": records}, separators=(",", ":"), ensure_ascii=False)
        # as Go's encoding/json writes them
        data = data.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
        tmp = manifest_path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(data)
        os.replace(tmp, manifest_path)
    return walk.lines, diags


def installs_remote(cfg: Config) -> bool:
    """Whether a module call of the tree's loaded modules is not local (init then reloads the tree)."""
    return any(
        c.source_addr is not None and not c.source_addr.is_local()
        for node in cfg.all_modules()
        for c in node.module.module_calls.values()
    )


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
    registry: ProviderRegistry,
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
