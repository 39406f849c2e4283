"""sheath providers schema -json: the schemas of every provider the configuration and the
state use, in terraform's JSON format."""

from __future__ import annotations

import os

from sheath.addrs.provider import Provider
from sheath.cli.jsonflag import json_only_command
from sheath.cli.stateio import Ui, diagnostic_sources, read_state, state_load_error
from sheath.config.loader import Config
from sheath.diag import Diagnostics
from sheath.states.codec import PLAIN, StateCodec
from sheath.providers.jsonprovider import JSONDoc

USAGE = """
Usage: sheath [global options] providers schema -json

  Prints out a json representation of the schemas for all providers used 
  in the current configuration.
"""


def config_providers(config: Config) -> set[Provider]:
    """terraform's Config.ProviderTypes: every provider the configuration requires or
    implies, builtin ones included."""
    from sheath.getproviders.requirements import requirements_from_config

    out = set(requirements_from_config(config))
    for node in config.all_modules():
        for r in node.module.all_resources():
            if r.provider is not None:
                out.add(r.provider)
    return out


def state_providers(state_path: str, codec: StateCodec = PLAIN) -> tuple[set[Provider], Diagnostics]:
    from sheath.addrs.provider import parse_provider_source
    from sheath.states.jsonstate import provider_source

    sf, diags, _ = read_state(state_path, codec)
    if diags.has_errors():
        d = Diagnostics()
        d.add_error("Failed to load state", state_load_error(diags))
        return set(), d
    out: set[Provider] = set()
    if sf is not None:
        for r in sf.state.resources.values():
            p, _ = parse_provider_source(provider_source(r.provider))
            if p is not None:
                out.add(p)
    return out, Diagnostics()


def provider_entry(addr: Provider, root_dir: str) -> tuple[JSONDoc | None, Diagnostics]:
    """One provider's entry: sheath's own providers from their schemas, a plugin from
    the schema message it sends."""
    from sheath.engine.providers import (
        ProviderFactory,
        ProviderStartFailed,
        ProviderUnavailable,
        provider_diags_for_missing,
        provider_start_diags,
    )
    from sheath.providers.jsonprovider import provider_json

    factory = ProviderFactory(root_dir)
    try:
        p = factory.new(addr)
    except ProviderUnavailable:
        return None, provider_diags_for_missing(str(addr))
    except ProviderStartFailed as exc:
        return None, provider_start_diags(exc.addr, exc.message)
    try:
        message = getattr(p, "provider_schema_message", None)
        if message is not None:
            from sheath.providers.tfplugin.jsonschema import provider_schema_json

            resp, diags = message()
            if resp is None or diags.has_errors():
                return None, diags
            return provider_schema_json(resp), diags
        ps = p.get_provider_schema()
        if ps.diagnostics.has_errors():
            return None, ps.diagnostics
        return provider_json(ps, builtin=addr.is_builtin()), ps.diagnostics
    finally:
        close = getattr(p, "close", None)
        if close is not None:
            close()


def run(args: list[str]) -> int:
    color, rc = json_only_command(args, USAGE, "providers schema")
    if rc is not None:
        return rc
    ui = Ui(color)
    from sheath.config.loader import load_module_tree

    config, diags = load_module_tree(".")
    if diags.has_errors() or config is None:
        ui.diagnostics(diags, diagnostic_sources(diags))
        return 1
    from sheath.cli.backend import local_backend
    from sheath.engine.providers import lock_consistency, required_plugins

    lb, bd = local_backend(config.module)
    if lb is None:
        ui.diagnostics(bd, diagnostic_sources(bd))
        return 1
    for cd in (required_plugins(), lock_consistency(config, ".")):
        if cd.has_errors():
            ui.diagnostics(cd)
            return 1
    providers = config_providers(config)
    from_state, sd = state_providers(lb.state_path(), lb.codec)
    if sd.has_errors():
        ui.diagnostics(sd)
        return 1
    providers |= from_state
    entries: dict[str, JSONDoc] = {}
    all_diags = Diagnostics()
    for addr in sorted(providers, key=str):
        entry, pd = provider_entry(addr, os.getcwd())
        all_diags.extend(pd)
        if entry is None:
            ui.diagnostics(all_diags)
            return 1
        entries[str(addr)] = entry
    from sheath.providers.jsonprovider import providers_document

    ui.output(providers_document(entries))
    return 0
