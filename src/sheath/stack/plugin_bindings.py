"""Typed bindings of plugin providers (hashicorp/aws...) for Python stacks.

A stack imports every provider's bindings the same way: `from sheath.stack.providers import
aws`. The module of a plugin provider is generated from the schema the installed plugin
sends (sheath.stack.bindings.render_bindings) and written as `sheath/stack/providers/TYPE.py`
under a directory of Python modules:

* `sheath providers python -out=DIR` writes them under DIR, for a type checker
  (`MYPYPATH=DIR mypy stack.py`);
* `sheath init`, when the root module holds a stack file, writes them under the working
  directory's `.terraform/sheath/python`, from a cache in `.terraform/sheath/bindings` keyed
  by provider address, version and platform (a module is generated once per version);
* running a stack (sheath.stack.importpath.stack_import_path) puts that directory on the package's search path for
  the time the stack runs.

A provider with no generated module (before init) imports as an untyped stand-in
(sheath.stack.untyped), so init can read the stack that imports it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass

from sheath.addrs.provider import Provider
from sheath.diag import Diagnostics
from sheath.stack.importpath import PACKAGE_PATH, PYTHON_DIR
from sheath.stack.synth import is_stack_file

CACHE_DIR = os.path.join(".terraform", "sheath", "bindings")


def module_name(addr: Provider) -> str:
    """The bindings module of a provider: its type, as a Python name (hashicorp/aws -> aws)."""
    return addr.type.replace("-", "_")


def module_path(out_dir: str, addr: Provider) -> str:
    return os.path.join(out_dir, PACKAGE_PATH, module_name(addr) + ".py")


@dataclass(frozen=True)
class Generated:
    """One provider's bindings module."""

    addr: Provider
    text: str


def builtin_module(addr: Provider) -> str | None:
    """The text of a provider's module shipped with sheath (random, local, terraform)."""
    from sheath.providers.registry import default_registry
    from sheath.stack.bindings import builtin_bindings

    if not addr.is_builtin() and default_registry().lookup(addr) is None:
        return None
    return builtin_bindings().get(module_name(addr) + ".py")


def cache_file(root_dir: str, addr: Provider, version: str, platform: str) -> str:
    return os.path.join(root_dir, CACHE_DIR, addr.hostname, addr.namespace, addr.type, version, platform, module_name(addr) + ".py")


def render_provider(addr: Provider, root_dir: str) -> tuple[str | None, Diagnostics]:
    """A provider's bindings from the schema its installed plugin (or sheath) sends."""
    from sheath.engine.providers import (
        ProviderFactory,
        ProviderStartFailed,
        ProviderUnavailable,
        provider_diags_for_missing,
        provider_start_diags,
    )
    from sheath.stack.bindings import render_bindings

    try:
        p = ProviderFactory(root_dir).new(addr)
    except ProviderUnavailable:
        return None, provider_diags_for_missing(str(addr))
    except ProviderStartFailed as exc:
        return None, provider_start_diags(exc.addr, exc.message)
    try:
        schema = p.get_provider_schema()
    finally:
        p.close()
    if schema.diagnostics.has_errors():
        return None, schema.diagnostics
    return render_bindings(module_name(addr), schema, f"{addr.for_display()} resources and data sources."), Diagnostics()


def locked_version(root_dir: str, addr: Provider) -> str | None:
    from sheath.depsfile.locks import load_locks_from_file

    locks, _ = load_locks_from_file(os.path.join(root_dir, ".terraform.lock.hcl"))
    lock = locks.provider(addr)
    return str(lock.version) if lock is not None else None


def provider_bindings(addr: Provider, root_dir: str) -> tuple[Generated | None, Diagnostics]:
    """One provider's module: sheath's own, the cached one of its locked version and this
    platform, or a new one rendered from the plugin's schema (then cached)."""
    from sheath.getproviders.types import current_platform

    text = builtin_module(addr)
    if text is not None:
        return Generated(addr, text), Diagnostics()
    version = locked_version(root_dir, addr)
    path = cache_file(root_dir, addr, version, str(current_platform())) if version is not None else None
    if path is not None and os.path.isfile(path):
        with open(path, encoding="utf-8") as fh:
            return Generated(addr, fh.read()), Diagnostics()
    text, diags = render_provider(addr, root_dir)
    if text is None:
        return None, diags
    if path is not None:
        try:
            write_text(path, text)
        except OSError as exc:
            diags.add_warning("Provider bindings not cached", f"The Python bindings of {addr.for_display()} could not be cached in {path}: {exc.strerror}.")
    return Generated(addr, text), diags


def write_text(path: str, text: str) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)


def write_modules(out_dir: str, generated: Iterable[Generated]) -> list[str]:
    """Write each module as out_dir/sheath/stack/providers/NAME.py; the paths written."""
    paths: list[str] = []
    for g in generated:
        path = module_path(out_dir, g.addr)
        write_text(path, g.text)
        paths.append(path)
    return paths


def has_stack_file(root_dir: str) -> bool:
    try:
        return any(is_stack_file(n) for n in os.listdir(root_dir))
    except OSError:
        return False


def init_bindings(root_dir: str, providers: Iterable[Provider]) -> Diagnostics:
    """init's step: the plugin providers' modules in .terraform/sheath/python, when the root
    module holds a stack file (nothing else is read otherwise)."""
    diags = Diagnostics()
    if not has_stack_file(root_dir):
        return diags
    generated: list[Generated] = []
    for addr in sorted(providers, key=str):
        if builtin_module(addr) is not None or addr.is_builtin():
            continue  # shipped in the sheath.stack.providers package
        g, d = provider_bindings(addr, root_dir)
        diags.extend(d)
        if g is not None:
            generated.append(g)
    for g in generated:
        path = module_path(os.path.join(root_dir, PYTHON_DIR), g.addr)
        try:
            install_module(path, g.text)
        except OSError as exc:
            diags.add_error("Failed to write provider bindings", f"The Python bindings of {g.addr.for_display()} could not be written to {path}: {exc.strerror}.")
    return diags


def install_module(path: str, text: str) -> None:
    """Write a module the stacks of the working directory import, with its bytecode (AWS's
    takes about 2 s to compile, 0.2 s to load compiled), unless it is there already. The
    bytecode is checked against the source's hash, not its time: a rewrite invalidates it."""
    import importlib.util
    import py_compile

    try:
        with open(path, encoding="utf-8") as fh:
            same = fh.read() == text
    except OSError:
        same = False
    if not same:
        write_text(path, text)
    if not same or not os.path.isfile(importlib.util.cache_from_source(path)):
        py_compile.compile(path, doraise=True, invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH)
