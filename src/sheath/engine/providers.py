"""The provider instances of one run: started once per provider configuration, reused.

Native and builtin providers come from the registry; any other provider is the
plugin executable ``sheath init`` installed under .terraform/providers (as the
lock file pins it), started through the plugin protocol client.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

from sheath.addrs.provider import Provider as ProviderAddr
from sheath.diag import Diagnostics
from sheath.providers.builtin.terraform import BuiltinTerraformProvider
from sheath.providers.interface import FunctionDecl, Provider, ProviderSchema
from sheath.providers.registry import ProviderRegistry, default_registry
from sheath.providers.schema import Schema

if TYPE_CHECKING:
    from sheath.config import Config


class ProviderUnavailable(Exception):
    pass


class ProviderStartFailed(Exception):
    """A provider plugin could not be started (its message says why)."""

    def __init__(self, addr: str, message: str) -> None:
        super().__init__(message)
        self.addr = addr
        self.message = message


def _installed_executable(root_dir: str, addr: ProviderAddr) -> str | None:
    """The plugin executable of addr installed by init (the locked version)."""
    from sheath.depsfile.locks import load_locks_from_file
    from sheath.getproviders.providercache import ProviderCacheDir
    from sheath.getproviders.types import current_platform

    locks, _ = load_locks_from_file(os.path.join(root_dir, ".terraform.lock.hcl"))
    lock = locks.provider(addr)
    cache = ProviderCacheDir(os.path.join(root_dir, ".terraform", "providers"), current_platform())
    if lock is not None:
        cp = cache.provider_version(addr, lock.version)
        return cp.executable_path() if cp is not None else None
    base = os.path.join(root_dir, ".terraform", "providers", addr.hostname, addr.namespace, addr.type)
    try:
        versions = sorted(os.listdir(base))
    except OSError:
        return None
    for v in reversed(versions):
        d = os.path.join(base, v, str(current_platform()))
        if os.path.isdir(d):
            for n in sorted(os.listdir(d)):
                if n.startswith(f"terraform-provider-{addr.type}"):
                    return os.path.join(d, n)
    return None


@dataclass
class ProviderFactory:
    """Makes provider instances for provider source addresses."""

    root_dir: str = "."
    registry: ProviderRegistry = field(default_factory=default_registry)
    var_args: Sequence[tuple[str, str]] = ()  # -var/-var-file, for terraform_remote_state's encryption
    inputs: Mapping[str, Any] = field(default_factory=dict)  # a calling program's InputValues, for the same

    def new(self, addr: ProviderAddr) -> Provider:
        p = self.registry.new(addr)
        if isinstance(p, BuiltinTerraformProvider):
            p.use_variable_arguments(self.var_args, self.inputs)
        if p is not None:
            return p
        exe = _installed_executable(self.root_dir, addr)
        if exe is None:
            raise ProviderUnavailable(str(addr))
        try:
            from sheath.providers import tfplugin
        except ImportError as exc:  # pragma: no cover - the plugin client ships with sheath
            raise ProviderUnavailable(str(addr)) from exc
        import pathlib

        try:
            started: Provider = tfplugin.start_provider(pathlib.Path(exe))
        except tfplugin.PluginStartError as exc:
            raise ProviderStartFailed(str(addr), str(exc)) from exc
        except OSError as exc:
            raise ProviderStartFailed(str(addr), f"{exe}: {exc.strerror}") from exc
        return started


class ProviderSchemas:
    """Provider schemas, fetched once per provider type and run."""

    def __init__(self, factory: ProviderFactory) -> None:
        self.factory = factory
        self._schemas: dict[str, ProviderSchema] = {}
        self._lock = threading.Lock()
        self._spare: dict[str, Provider] = {}
        self._function_instances: dict[str, Provider] = {}

    def get(self, addr: ProviderAddr) -> ProviderSchema:
        key = str(addr)
        s = self._schemas.get(key)
        if s is not None:
            return s
        with self._lock:
            s = self._schemas.get(key)
            if s is None:
                p = self.factory.new(addr)
                s = p.get_provider_schema()
                self._schemas[key] = s
                self._spare[key] = p
        return s

    def peek_instance(self, addr: ProviderAddr) -> Provider | None:
        """The instance that read the schema, left where it is (validation uses it unconfigured)."""
        with self._lock:
            return self._spare.get(str(addr))

    def loaded_schema(self, addr: ProviderAddr) -> ProviderSchema | None:
        """The provider's schema if it was read already (never starts a provider)."""
        return self._schemas.get(str(addr))

    def loaded(self) -> list[ProviderSchema]:
        return list(self._schemas.values())

    def take_instance(self, addr: ProviderAddr) -> Provider:
        """A provider instance (the one used to read the schema, if still unclaimed)."""
        with self._lock:
            p = self._spare.pop(str(addr), None)
        return p if p is not None else self.factory.new(addr)

    def resource_schema(self, addr: ProviderAddr, mode: str, type_name: str) -> Schema | None:
        ps = self.get(addr)
        if mode == "data":
            return ps.data_sources.get(type_name)
        return ps.resource_types.get(type_name)

    def function_decls(self, addr: ProviderAddr) -> Mapping[str, FunctionDecl] | None:
        """The functions the provider's schema declares (None: the provider is not available;
        its resources report that)."""
        try:
            return self.get(addr).functions
        except (ProviderUnavailable, ProviderStartFailed):
            return None

    def function_instance(self, addr: ProviderAddr) -> Provider:
        """The instance provider functions are called on: one of its own, never configured
        (terraform's functionProvider), started when first called and closed with the others."""
        key = str(addr)
        with self._lock:
            p = self._function_instances.get(key)
            if p is None:
                p = self._function_instances[key] = self.factory.new(addr)
            return p

    def close(self) -> None:
        with self._lock:
            spare = list(self._spare.values()) + list(self._function_instances.values())
            self._spare.clear()
            self._function_instances.clear()
        for p in spare:
            try:
                p.close()
            except Exception:  # noqa: BLE001 - closing is best effort
                pass


_MEMO_MIN_SIZE = 1 << 20  # smaller files are hashed each time: cheaper than the memo


def _plugin_file_hasher(env: Mapping[str, str] | None) -> Callable[[str], str]:
    """SHA-256 of package files, remembering those of large binaries (see tfplugin.cache,
    imported only when a large binary is hashed: the plugin client is costly to import)."""
    from sheath.getproviders.hash import sha256_file

    def file_sha256(path: str) -> str:
        try:
            large = os.path.getsize(path) >= _MEMO_MIN_SIZE
        except OSError:
            large = False
        if large:
            from sheath.providers.tfplugin.cache import binary_sha256, cache_dir

            return binary_sha256(Path(path), cache_dir(env))
        return sha256_file(path)

    return file_sha256


def installed_plugin_problems(
    root_dir: str = ".", env: Mapping[str, str] | None = None, registry: ProviderRegistry | None = None
) -> dict[ProviderAddr, str]:
    """What is wrong with the plugins init installed, against the lock file (terraform checks
    this in every command that opens a backend, and validate): a package missing from
    .terraform/providers, or one whose checksum the lock does not record. Providers sheath
    implements itself are not installed there and are not looked up."""
    from sheath.depsfile.locks import load_locks_from_file
    from sheath.getproviders.verify import installed_provider_problems

    locks, _ = load_locks_from_file(os.path.join(root_dir, ".terraform.lock.hcl"))
    if not locks.providers:
        return {}
    served = registry or default_registry()
    native = {p for p in locks.providers if served.lookup(p) is not None}
    _, problems = installed_provider_problems(
        locks, root_dir, skip=native, env=env, file_sha256=_plugin_file_hasher(env)
    )
    return problems


def required_plugins(
    root_dir: str = ".", env: Mapping[str, str] | None = None, registry: ProviderRegistry | None = None
) -> Diagnostics:
    """installed_plugin_problems as terraform's "Required plugins are not installed"."""
    from sheath.getproviders.verify import required_plugins_diagnostics

    e = os.environ if env is None else env
    return required_plugins_diagnostics(installed_plugin_problems(root_dir, env, registry), bool(e.get("TF_IN_AUTOMATION")))


def lock_consistency(cfg: Config, root_dir: str = ".") -> Diagnostics:
    """terraform's "Inconsistent dependency lock file": a provider the configuration needs
    that the lock file does not select, or selects at a version the constraints exclude."""
    from sheath.depsfile.locks import load_locks_from_file
    from sheath.getproviders.requirements import requirements_from_config
    from sheath.getproviders.verify import check_lock_consistency

    locks, _ = load_locks_from_file(os.path.join(root_dir, ".terraform.lock.hcl"))
    return check_lock_consistency(requirements_from_config(cfg), locks)


def provider_start_diags(addr: str, message: str) -> Diagnostics:
    d = Diagnostics()
    d.add_error(
        "Failed to load plugin schemas",
        f"Error while loading schemas for plugin components: Failed to obtain provider schema: Could not load the "
        f"schema for provider {addr}: failed to instantiate provider \"{addr}\" to obtain schema: {message}.",
    )
    return d


def provider_diags_for_missing(addr: str) -> Diagnostics:
    d = Diagnostics()
    d.add_error(
        "Missing required provider",
        f"This configuration requires provider {addr}, but that provider isn't available. "
        "You may be able to install it automatically by running:\n  terraform init",
    )
    return d
