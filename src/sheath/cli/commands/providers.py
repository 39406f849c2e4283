"""sheath providers: the tree of provider requirements of the configuration, and those of the state."""

from __future__ import annotations

import os

from sheath.cli.flags import FlagSpec
from sheath.cli.state_help import USAGE
from sheath.cli.stateio import (
    Ui,
    diagnostic_sources,
    help_requested,
    parse_command_flags,
    read_backend_state,
    state_load_error,
    strip_no_color,
)
from sheath.diag import Diagnostics
from sheath.getproviders.requirements import ModuleRequirements, requirements_by_module
from sheath.getproviders.types import version_constraints_string
from sheath.states.jsonstate import provider_source

_FLAGS = [FlagSpec("test-directory", "string", "tests")]

# providers <subcommand>: the module under sheath.cli.commands that runs it
SUBCOMMANDS = {"schema": "providers_schema", "lock": "providers_lock", "mirror": "providers_mirror", "python": "providers_python"}


def tree_lines(node: ModuleRequirements) -> list[tuple[str, ModuleRequirements | None]]:
    """The tree's entries under node: provider lines first, then module branches."""
    items: list[tuple[str, ModuleRequirements | None]] = []
    for p in sorted(node.requirements, key=str):
        cs = version_constraints_string(node.requirements[p])
        items.append((f"provider[{p}]" + (f" {cs}" if cs else ""), None))
    for name in sorted(node.children):
        items.append((f"module.{name}", node.children[name]))
    return items


def render_tree(root: ModuleRequirements) -> str:
    """treeprint's layout: "." then ├── / └── branches indented by │ or spaces."""
    out = [".\n"]

    def walk(node: ModuleRequirements, prefix: str) -> None:
        items = tree_lines(node)
        for i, (text, child) in enumerate(items):
            last = i == len(items) - 1
            out.append(f"{prefix}{'└── ' if last else '├── '}{text}\n")
            if child is not None:
                walk(child, prefix + ("    " if last else "│\u00a0\u00a0 "))

    walk(root, "")
    return "".join(out)


def run(args: list[str]) -> int:
    if args and args[0] in SUBCOMMANDS:
        import importlib

        rc: int = importlib.import_module(f"sheath.cli.commands.{SUBCOMMANDS[args[0]]}").run(args[1:])
        return rc
    args, color = strip_no_color(args)
    ui = Ui(color)
    if help_requested(args):
        ui.out.write(USAGE["providers"])
        return 0
    fl = parse_command_flags(args, _FLAGS, ui, "")
    if fl is None:
        return 1
    if fl.args:
        ui.error("Too many command line arguments. Did you mean to use -chdir?")
        return 1
    from sheath.config.loader import config_files, load_module_tree, stack_files

    primary, override, _ = config_files(".")
    if not primary and not override and not stack_files("."):
        d = Diagnostics()
        d.add_error(
            "No configuration files",
            f"The directory {os.path.abspath('.')} contains no Terraform configuration files.",
        )
        ui.diagnostics(d)
        return 1
    config, diags = load_module_tree(".")
    if diags.has_errors() or config is None:
        ui.diagnostics(diags, diagnostic_sources(diags))
        return 1
    from sheath.cli.backend import local_backend, remote_backend
    from sheath.cli.stateio import RemoteStateSource, StateSource

    selected, bd = remote_backend(config.module)
    source: StateSource | None = RemoteStateSource(selected) if selected is not None else None
    if source is None and not bd.has_errors():
        source, bd = local_backend(config.module)
    if source is None:
        ui.diagnostics(bd, diagnostic_sources(bd))
        return 1
    from sheath.engine.providers import required_plugins

    pd = required_plugins()
    if pd.has_errors():
        ui.diagnostics(pd)
        return 1
    sf, sdiags, _ = read_backend_state(source)
    if sdiags.has_errors():
        ui.error(f"Failed to load state: {state_load_error(sdiags)}")
        return 1
    reqs = requirements_by_module(config)
    ui.output("\nProviders required by configuration:")
    ui.output(render_tree(reqs))
    if sf is not None:
        state_providers = sorted(
            {provider_source(r.provider) for r in sf.state.resources.values()}
        )
        if state_providers:
            ui.output("Providers required by state:\n")
            for p in state_providers:
                ui.output(f"    provider[{p}]\n")
    ui.diagnostics(diags, diagnostic_sources(diags))
    return 0
