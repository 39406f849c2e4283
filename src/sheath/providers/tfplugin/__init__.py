"""Real Terraform provider binaries through the plugin protocol (tfplugin5 and tfplugin6).

The one entry point for the engine::

    provider = start_provider(executable, env=None)   # a GRPCProvider
    ...                                              # the Provider interface
    provider.close()

See docs/plugin-protocol.md.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from sheath.providers.tfplugin.cache import SchemaCache, cache_dir
from sheath.providers.tfplugin.client import GRPCProvider
from sheath.providers.tfplugin.plugin import PluginProcess, PluginStartError, start_plugin


def start_provider(executable: Path, *, env: Mapping[str, str] | None = None, schema_cache: bool = True) -> GRPCProvider:
    """Start a provider binary and return it as a :class:`GRPCProvider`.

    ``env`` is the process environment for the provider (default: sheath's
    own); ``SHEATH_CACHE_DIR`` in it (or in sheath's environment) chooses the
    schema cache directory. Raises :class:`PluginStartError` (with the
    process's output) when the binary cannot be started or fails the handshake.
    """
    e = dict(os.environ if env is None else env)
    process = start_plugin(Path(executable), e)
    cache = SchemaCache(cache_dir(e)) if schema_cache else None
    return GRPCProvider(process, cache)


__all__ = ["GRPCProvider", "PluginProcess", "PluginStartError", "SchemaCache", "start_provider"]
