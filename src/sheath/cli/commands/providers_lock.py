"""sheath providers lock [-platform=os_arch]... [-fs-mirror=dir] [-enable-plugin-cache] [providers...]:
record in .terraform.lock.hcl the checksums of the configuration's providers for each platform,
from a filesystem mirror. The origin registry and network mirrors are never contacted
(-net-mirror, and no -fs-mirror, are errors)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from sheath.addrs.provider import Provider
from sheath.cli.flags import FlagError, FlagSpec, parse_flags
from sheath.cli.stateio import Ui, diagnostic_sources, help_requested, strip_no_color
from sheath.diag import Diagnostics
from sheath.getproviders.types import Platform, Requirements

if TYPE_CHECKING:
    from sheath.depsfile.locks import Locks

USAGE = (
    '\n'
    'Usage: sheath [global options] providers lock [options] [providers...]\n'
    '\n'
    '  Normally the dependency lock file (.terraform.lock.hcl) is updated\n'
    '  automatically by "terraform init", but the information available to the\n'
    "  normal provider installer can be constrained when you're installing providers\n"
    '  from filesystem or network mirrors, and so the generated lock file can end\n'
    '  up incomplete.\n'
    '\n'
    '  The "providers lock" subcommand addresses that by updating the lock file\n'
    '  based on the official packages available in the origin registry, ignoring\n'
    '  the currently-configured installation strategy.\n'
    '\n'
    '  After this command succeeds, the lock file will contain suitable checksums\n'
    '  to allow installation of the providers needed by the current configuration\n'
    '  on all of the selected platforms.\n'
    '\n'
    '  By default this command updates the lock file for every provider declared\n'
    '  in the configuration. You can override that behavior by providing one or\n'
    '  more provider source addresses on the command line.\n'
    '\n'
    'Options:\n'
    '\n'
    '  -fs-mirror=dir         Consult the given filesystem mirror directory instead\n'
    '                         of the origin registry for each of the given providers.\n'
    '\n'
    '                         This would be necessary to generate lock file entries for\n'
    '                         a provider that is available only via a mirror, and not\n'
    '                         published in an upstream registry. In this case, the set\n'
    '                         of valid checksums will be limited only to what Terraform\n'
    '                         can learn from the data in the mirror directory.\n'
    '\n'
    '  -net-mirror=url        Consult the given network mirror (given as a base URL)\n'
    '                         instead of the origin registry for each of the given\n'
    '                         providers.\n'
    '\n'
    '                         This would be necessary to generate lock file entries for\n'
    '                         a provider that is available only via a mirror, and not\n'
    '                         published in an upstream registry. In this case, the set\n'
    '                         of valid checksums will be limited only to what Terraform\n'
    '                         can learn from the data in the mirror indices.\n'
    '\n'
    '  -platform=os_arch      Choose a target platform to request package checksums\n'
    '                         for.\n'
    '\n'
    '                         By default Terraform will request package checksums\n'
    '                         suitable only for the platform where you run this\n'
    '                         command. Use this option multiple times to include\n'
    '                         checksums for multiple target systems.\n'
    '\n'
    '                         Target names consist of an operating system and a CPU\n'
    '                         architecture. For example, "linux_amd64" selects the\n'
    '                         Linux operating system running on an AMD64 or x86_64\n'
    '                         CPU. Each provider is available only for a limited\n'
    '                         set of target platforms.\n'
    '\n'
    '  -enable-plugin-cache   Enable the usage of the globally configured plugin cache.\n'
    '                         This will speed up the locking process, but the providers\n'
    '                         wont be loaded from an authoritative source.\n'
)

_FLAGS = [
    FlagSpec("platform", "list"),
    FlagSpec("fs-mirror", "string", ""),
    FlagSpec("net-mirror", "string", ""),
    FlagSpec("enable-plugin-cache"),
]

NO_NETWORK = (
    "sheath never contacts a provider registry or a network mirror: give -fs-mirror=DIR to "
    "lock the providers from a filesystem mirror."
)


def parse_platforms(values: list[str], diags: Diagnostics) -> list[Platform]:
    """-platform values (the current platform when none), as terraform's ParsePlatform reads them."""
    from sheath.getproviders.types import current_platform

    if not values:
        return [current_platform()]
    out: list[Platform] = []
    for s in values:
        parts = s.split("_")
        why = ""
        if len(parts) != 2:
            why = "must be two words separated by an underscore"
        elif any(c in parts[0] for c in " \t\n\r"):
            why = "OS portion must not contain whitespace"
        elif any(c in parts[1] for c in " \t\n\r"):
            why = "architecture portion must not contain whitespace"
        if why:
            diags.add_error(
                "Invalid target platform",
                f"The string {s!r} given in the -platform option is not a valid target platform: {why}.".replace("'", '"'),
            )
            continue
        out.append(Platform(parts[0], parts[1]))
    return out


def selected_requirements(reqs: Requirements, args: list[str], diags: Diagnostics) -> Requirements:
    """The requirements of the providers named on the command line (all when none)."""
    from sheath.addrs.provider import parse_provider_source

    if not args:
        return reqs
    named: set[Provider] = set()
    for raw in args:
        p, d = parse_provider_source(raw)
        diags.extend(d)
        if p is None or d.has_errors():
            continue
        named.add(p)
        if p not in reqs:
            diags.add_error("Invalid provider argument", f"The provider {p} is not required by the current configuration.")
    return {p: cs for p, cs in reqs.items() if p in named}


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
    fs_mirror = fl.get_str("fs-mirror") or ""
    net_mirror = fl.get_str("net-mirror") or ""
    if fs_mirror and net_mirror:
        diags.add_error(
            "Invalid installation method options",
            "The -fs-mirror and -net-mirror command line options are mutually-exclusive.",
        )
        ui.diagnostics(diags)
        return 1
    platforms = parse_platforms(fl.get_list("platform"), diags)
    if net_mirror:
        u = urlparse(net_mirror)
        if u.scheme != "https" or not u.netloc:
            diags.add_error(
                "Invalid network mirror URL", "The -net-mirror option requires a valid https: URL as the mirror base URL."
            )
        else:
            diags.add_error("Network mirrors are not supported", "The -net-mirror option is not supported: " + NO_NETWORK)
        ui.diagnostics(diags)
        return 1
    from sheath.config.loader import load_module_tree
    from sheath.depsfile.locks import LOCK_FILE_NAME, load_locks_from_file
    from sheath.getproviders.requirements import requirements_from_config

    config, cd = load_module_tree(".")
    diags.extend(cd)
    reqs = selected_requirements(requirements_from_config(config), fl.args, diags) if not cd.has_errors() else {}
    old, ld = load_locks_from_file(LOCK_FILE_NAME)
    diags.extend(ld)
    if diags.has_errors():
        ui.diagnostics(diags, diagnostic_sources(diags))
        return 1
    if reqs and not fs_mirror:
        diags.add_error("Provider registry not available", NO_NETWORK)
        ui.diagnostics(diags)
        return 1
    return lock(ui, reqs, old, fs_mirror, platforms, fl.get_bool("enable-plugin-cache"), diags)


def lock(
    ui: Ui, reqs: Requirements, old: "Locks", fs_mirror: str, platforms: list[Platform], plugin_cache: bool, diags: Diagnostics
) -> int:
    """Fetch each platform's packages, merge the checksums into the lock file, and say what changed."""
    from sheath.depsfile.locks import LOCK_FILE_NAME, Locks, save_locks_to_file
    from sheath.getproviders.lock import PlatformResult, lock_for_platform
    from sheath.getproviders.providercache import ProviderCacheDir
    from sheath.getproviders.sources import FilesystemMirrorSource

    source = FilesystemMirrorSource(fs_mirror)
    cache_dir = ""
    if plugin_cache:
        from sheath.cliconfig.config import load_cli_config

        cli, _ = load_cli_config()
        cache_dir = cli.plugin_cache_dir
    results: dict[Platform, PlatformResult] = {}
    for platform in platforms:

        def fetching(p: Provider, v: object, platform: Platform = platform) -> None:
            ui.output(f"- Fetching {p.for_display()} {v} for {platform}...")

        def retrieved(p: Provider, v: object, platform: Platform = platform) -> None:
            ui.output(f"- Retrieved {p.for_display()} {v} for {platform} (unauthenticated)")

        cache = ProviderCacheDir(cache_dir, platform) if cache_dir else None
        res = lock_for_platform(reqs, old, source, platform, cache=cache, fetching=fetching, retrieved=retrieved)
        if res.errors:
            diags.add_error(
                "Could not retrieve providers for locking",
                f"Terraform failed to fetch the requested providers for {platform} in order to calculate "
                f"their checksums: {res.error_text()}.",
            )
            ui.diagnostics(diags)
            return 1
        results[platform] = res
    new = Locks(dict(old.providers))
    changed = False
    for p in sorted(reqs, key=str):
        prev = old.provider(p)
        version = prev.version if prev is not None else None
        constraints = prev.constraints if prev is not None else ()
        hashes = list(prev.hashes) if prev is not None else []
        for platform, res in results.items():
            got = res.locks.provider(p)
            if got is None:
                continue
            version, constraints = got.version, got.constraints
            hashes += got.hashes
            what = f"- Obtained {p.for_display()} checksums for {platform}; "
            if prev is None:
                ui.output(what + "This was a new provider and the checksums for this platform are now tracked in the lock file")
                changed = True
            elif prev.contains_all(got):
                ui.output(what + "All checksums for this platform were already tracked in the lock file")
            else:
                ui.output(what + "Additional checksums for this platform are now tracked in the lock file")
                changed = True
        if version is not None:
            new.set_provider(p, version, constraints, hashes)
    try:
        save_locks_to_file(new, LOCK_FILE_NAME)
    except OSError as e:
        diags.add_error("Failed to update dependency lock file", f"Error writing {os.path.abspath(LOCK_FILE_NAME)}: {e}")
    ui.diagnostics(diags)
    if diags.has_errors():
        return 1
    bold, green, reset = ("\x1b[1m", "\x1b[32m", "\x1b[0m") if ui.color else ("", "", "")
    if changed:
        ui.output(f"\n{bold}{green}Success!{reset} {bold}Terraform has updated the lock file.{reset}{reset}")
        ui.output(
            "\nReview the changes in .terraform.lock.hcl and then commit to your\n"
            "version control system to retain the new checksums.\n"
        )
    else:
        ui.output(f"\n{bold}{green}Success!{reset} {bold}Terraform has validated the lock file and found no need for changes.{reset}{reset}")
    return 0
