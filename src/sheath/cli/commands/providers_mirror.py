"""sheath providers mirror [-platform=os_arch]... [-lock-file=false] TARGET_DIR: copy the packages of
the configuration's providers into TARGET_DIR in the packed filesystem-mirror layout, with the JSON
index files of a network mirror. terraform downloads them from their origin registries; sheath takes
them from the installation sources of the CLI configuration (filesystem mirrors), never the network."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sheath.addrs.provider import Provider
from sheath.cli.commands.providers_lock import parse_platforms
from sheath.cli.flags import FlagError, FlagSpec, parse_flags
from sheath.cli.stateio import Ui, diagnostic_sources, help_requested, strip_no_color
from sheath.config.versions import Version
from sheath.diag import Diagnostics
from sheath.getproviders.sources import MultiSource, SourceError
from sheath.getproviders.types import Platform, Requirements

if TYPE_CHECKING:
    from sheath.depsfile.locks import Locks

USAGE = (
    '\n'
    'Usage: sheath [global options] providers mirror [options] <target-dir>\n'
    '\n'
    '  Populates a local directory with copies of the provider plugins needed for\n'
    '  the current configuration, so that the directory can be used either directly\n'
    '  as a filesystem mirror or as the basis for a network mirror and thus obtain\n'
    '  those providers without access to their origin registries in future.\n'
    '\n'
    '  The mirror directory will contain JSON index files that can be published\n'
    '  along with the mirrored packages on a static HTTP file server to produce\n'
    '  a network mirror. Those index files will be ignored if the directory is\n'
    '  used instead as a local filesystem mirror.\n'
    '\n'
    'Options:\n'
    '\n'
    '  -platform=os_arch  Choose which target platform to build a mirror for.\n'
    '                     By default Terraform will obtain plugin packages\n'
    '                     suitable for the platform where you run this command.\n'
    '                     Use this flag multiple times to include packages for\n'
    '                     multiple target systems.\n'
    '\n'
    '                     Target names consist of an operating system and a CPU\n'
    '                     architecture. For example, "linux_amd64" selects the\n'
    '                     Linux operating system running on an AMD64 or x86_64\n'
    '                     CPU. Each provider is available only for a limited\n'
    '                     set of target platforms.\n'
    '\n'
    '  -lock-file=false  Ignore the provider lock file when fetching providers.\n'
    '                    By default the mirror command will use the version info\n'
    '                    in the lock file if the configuration directory has been\n'
    '                    previously initialized.\n'
)

_FLAGS = [FlagSpec("platform", "list"), FlagSpec("lock-file", default=True)]


def available_versions(source: MultiSource, p: Provider) -> tuple[list[Version], str]:
    """The versions the installation sources offer (network ones are never asked)."""
    from sheath.getproviders.sources import RegistryNotContacted

    out: dict[str, Version] = {}
    for src in source.locations_for(p):
        try:
            for v in src.available_versions(p):
                out.setdefault(str(v), v)
        except RegistryNotContacted:
            continue
        except SourceError as e:
            return [], str(e)
    return list(out.values()), ""


def run(args: list[str]) -> int:
    args, color = strip_no_color(args)
    ui = Ui(color)
    if help_requested(args):
        ui.out.write(USAGE + "\n")
        return 0
    try:
        fl = parse_flags(args, _FLAGS)
    except FlagError as exc:
        ui.error(USAGE)
        ui.error(f"Error parsing command-line flags: {exc}\n")
        return 1
    diags = Diagnostics()
    if len(fl.args) != 1:
        diags.add_error(
            "No output directory specified",
            "The providers mirror command requires an output directory as a command-line argument.",
        )
        ui.diagnostics(diags)
        return 1
    out_dir = fl.args[0]
    platforms = parse_platforms(fl.get_list("platform"), diags)
    from sheath.cli.commands.providers_schema import config_providers
    from sheath.config.loader import load_module_tree
    from sheath.depsfile.locks import LOCK_FILE_NAME, load_locks_from_file
    from sheath.getproviders.requirements import requirements_from_config
    from sheath.getproviders.verify import lock_consistency_problems

    config, cd = load_module_tree(".")
    diags.extend(cd)
    reqs: Requirements = {}
    if not cd.has_errors():
        reqs = requirements_from_config(config)
        reqs.update({p: () for p in config_providers(config) if p.is_builtin()})
    locks, ld = load_locks_from_file(LOCK_FILE_NAME)
    diags.extend(ld)
    use_lock = fl.get_bool("lock-file") and not locks.empty()
    if use_lock and not diags.has_errors():
        problems = lock_consistency_problems(reqs, locks)
        if problems:
            diags.add_error(
                "Inconsistent dependency lock file",
                "To update the locked dependency selections to match a changed configuration, run:\n"
                f"  terraform init -upgrade\n got:[{' '.join(problems)}]",
            )
    if diags.has_errors():
        ui.diagnostics(diags, diagnostic_sources(diags))
        return 1
    from sheath.cliconfig.config import load_cli_config, provider_source

    cli, cd = load_cli_config()
    source, sd = provider_source(cli, ".")
    diags.extend(sd)
    if sd.has_errors():
        ui.diagnostics(diags)
        return 1
    for p in sorted(reqs, key=str):
        mirror_provider(ui, p, reqs, locks if use_lock else None, source, platforms, out_dir, diags)
    from sheath.getproviders.mirror import write_mirror_indexes

    err = write_mirror_indexes(out_dir)
    if err:
        diags.add_error(
            "Failed to update indexes",
            f"Could not scan the output directory to get package metadata for the JSON indexes: {err}.",
        )
    ui.diagnostics(diags)
    return 1 if diags.has_errors() else 0


def mirror_provider(
    ui: Ui,
    p: Provider,
    reqs: Requirements,
    locks: "Locks | None",
    source: MultiSource,
    platforms: list[Platform],
    out_dir: str,
    diags: Diagnostics,
) -> None:
    """One provider: the version to mirror (the locked one, else the newest allowed), then
    its package for each platform."""
    from sheath.getproviders.mirror import mirror_package
    from sheath.getproviders.types import newest_matching, version_constraints_string

    disp = p.for_display()
    if p.is_builtin():
        ui.output(f"- Skipping {disp} because it is built in to Terraform CLI")
        return
    cs_str = version_constraints_string(reqs[p])
    ui.output(f"- Mirroring {disp}...")
    versions, err = available_versions(source, p)
    if err:
        diags.add_error("Provider not available", f"Failed to find {p} in the provider installation sources: {err}.")
        return
    best = newest_matching(versions, reqs[p])
    if best is None:
        diags.add_error("No versions available", f"No available versions of {disp} match the constraint {cs_str}.")
        return
    locked = locks.provider(p) if locks is not None else None
    if locked is not None:
        best = locked.version
        ui.output(f"  - Selected v{best} to match dependency lock file")
    elif cs_str:
        ui.output(f"  - Selected v{best} to meet constraints {cs_str}")
    else:
        ui.output(f"  - Selected v{best} with no constraints")
    for platform in platforms:
        ui.output(f"  - Downloading package for {platform}...")
        meta = None
        for src in source.locations_for(p):
            try:
                meta = src.package_meta(p, best, platform)
            except SourceError:
                continue
            if meta is not None:
                break
        if meta is None:
            diags.add_error(
                "Provider release not available",
                f"Failed to download {p} v{best} for {platform}: provider {p} {best} is not available for {platform}.",
            )
            continue
        try:
            mirror_package(meta, out_dir)
        except OSError as e:
            diags.add_error("Cannot download provider release", f"Failed to write {p} v{best} for {platform}: {e}.")
