"""Reading the CLI configuration and turning provider_installation into a provider source."""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from typing import Mapping

from sheath.addrs.provider import Provider, parse_provider_source
from sheath.config.exprs import decode_bool, decode_string, expr_as_keyword, expr_list, expr_map
from sheath.diag import Diagnostics, Range, error
from sheath.getproviders.sources import (
    DirectSource,
    FilesystemMirrorSource,
    MultiSource,
    MultiSourceSelector,
    ProviderPattern,
    SourceError,
    parse_provider_pattern,
)
from sheath.lang import hcl
from sheath.lang.hclsyntax.parser import parse_config

# terraform's CLI config is HCL 1, which allows quoted argument names (used by
# dev_overrides: "hashicorp/aws" = "/path"); the native HCL 2 parser does not, so
# such names are swapped for same-width placeholders before parsing.
_QUOTED_NAME_RE = re.compile(rb'^([ \t]*)"((?:[^"\\\n]|\\.)*)"([ \t]*=)', re.M)

_ROOT_SCHEMA = hcl.BodySchema(
    attributes=(
        hcl.AttributeSchema("plugin_cache_dir"),
        hcl.AttributeSchema("plugin_cache_may_break_dependency_lock_file"),
    ),
    blocks=(hcl.BlockHeaderSchema("provider_installation"), hcl.BlockHeaderSchema("host", ("name",))),
)
_HOST_SCHEMA = hcl.BodySchema(attributes=(hcl.AttributeSchema("services"),))
_INSTALL_SCHEMA = hcl.BodySchema(
    blocks=(
        hcl.BlockHeaderSchema("filesystem_mirror"),
        hcl.BlockHeaderSchema("network_mirror"),
        hcl.BlockHeaderSchema("direct"),
        hcl.BlockHeaderSchema("dev_overrides"),
    )
)
_FS_SCHEMA = hcl.BodySchema(
    attributes=(hcl.AttributeSchema("path", required=True), hcl.AttributeSchema("include"), hcl.AttributeSchema("exclude"))
)
_NET_SCHEMA = hcl.BodySchema(
    attributes=(hcl.AttributeSchema("url", required=True), hcl.AttributeSchema("include"), hcl.AttributeSchema("exclude"))
)
_DIRECT_SCHEMA = hcl.BodySchema(attributes=(hcl.AttributeSchema("include"), hcl.AttributeSchema("exclude")))


@dataclass(slots=True)
class InstallationMethod:
    """One method of a provider_installation block."""

    kind: str
    """"filesystem_mirror", "network_mirror" or "direct"."""
    location: str = ""
    """The mirror path (or URL for network_mirror); empty for direct."""
    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    decl_range: Range | None = None


@dataclass(slots=True)
class ProviderInstallation:
    methods: list[InstallationMethod] = field(default_factory=list)
    dev_overrides: dict[Provider, str] = field(default_factory=dict)
    decl_range: Range | None = None


@dataclass(slots=True)
class CLIConfig:
    plugin_cache_dir: str = ""
    plugin_cache_may_break_dependency_lock_file: bool = False
    provider_installation: list[ProviderInstallation] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    """The files that were read, in order."""
    implied_mirror_dirs: list[str] = field(default_factory=list)
    """The implied local mirror directories that exist (used when there is no provider_installation)."""
    hosts: dict[str, dict[str, str]] = field(default_factory=dict)
    """host blocks: the services of a host, used instead of its service discovery document."""

    @property
    def dev_overrides(self) -> dict[Provider, str]:
        out: dict[Provider, str] = {}
        for pi in self.provider_installation:
            out.update(pi.dev_overrides)
        return out


def _home(env: Mapping[str, str]) -> str:
    return env.get("HOME") or os.path.expanduser("~")


def cli_config_file_path(env: Mapping[str, str] | None = None) -> tuple[str, bool]:
    """The main CLI configuration file and whether it was chosen explicitly
    (TF_CLI_CONFIG_FILE, or the legacy TERRAFORM_CONFIG)."""
    e = os.environ if env is None else env
    for var in ("TF_CLI_CONFIG_FILE", "TERRAFORM_CONFIG"):
        v = e.get(var, "")
        if v:
            return v, True
    return os.path.join(_home(e), ".terraformrc"), False


def config_dir(env: Mapping[str, str] | None = None) -> str:
    """terraform's per-user configuration directory (~/.terraform.d)."""
    e = os.environ if env is None else env
    return os.path.join(_home(e), ".terraform.d")


def implied_local_mirror_candidates(cwd: str, env: Mapping[str, str] | None = None) -> list[str]:
    """Every directory terraform searches implicitly for providers, in its order:
    terraform.d/plugins in the working directory, ~/.terraform.d/plugins, then the XDG
    data directories (or, on macOS, the Application Support directories)."""
    e = os.environ if env is None else env
    home = _home(e)
    dirs = [os.path.join(cwd, "terraform.d", "plugins"), os.path.join(home, ".terraform.d", "plugins")]
    if sys.platform == "darwin":
        dirs.append(os.path.join(home, "Library", "Application Support", "io.terraform", "plugins"))
        dirs.append("/Library/Application Support/io.terraform/plugins")
    else:
        data_home = e.get("XDG_DATA_HOME") or os.path.join(home, ".local", "share")
        dirs.append(os.path.join(data_home, "terraform", "plugins"))
        data_dirs = e.get("XDG_DATA_DIRS") or "/usr/local/share/:/usr/share/"
        for d in data_dirs.split(":"):
            if d:
                dirs.append(os.path.join(d, "terraform", "plugins"))
    return dirs


def implied_local_mirror_dirs(cwd: str, env: Mapping[str, str] | None = None) -> list[str]:
    """The implied mirror directories that exist."""
    out: list[str] = []
    for d in implied_local_mirror_candidates(cwd, env):
        if os.path.isdir(d) and d not in out:
            out.append(d)
    return out


def _rewrite_quoted_names(src: bytes) -> tuple[bytes, dict[str, str]]:
    names: dict[str, str] = {}

    def repl(m: re.Match[bytes]) -> bytes:
        quoted = m.group(2)
        width = len(quoted) + 2
        ident = f"_q{len(names)}"
        ident = ident + "_" * max(0, width - len(ident))
        names[ident] = quoted.decode("utf-8", "replace").replace('\\"', '"').replace("\\\\", "\\")
        return m.group(1) + ident.encode() + m.group(3)

    return _QUOTED_NAME_RE.sub(repl, src), names


def _host_services(block: hcl.Block, quoted: dict[str, str], diags: Diagnostics) -> dict[str, str]:
    """A host block's services map: service id ("modules.v1") to its URL."""
    content, d = block.body.content(_HOST_SCHEMA)
    diags.extend(d)
    attr = content.attributes.get("services")
    if attr is None:
        return {}
    pairs, d = expr_map(attr.expr)
    diags.extend(d)
    out: dict[str, str] = {}
    for k, v in pairs:
        name = expr_as_keyword(k)
        if name is None:
            key, d = decode_string(k)
            diags.extend(d)
        else:
            key = quoted.get(name, name)
        value, d = decode_string(v)
        diags.extend(d)
        if key is not None and value is not None:
            out[key] = value
    return out


def _string_list(attr: hcl.Attribute | None, diags: Diagnostics) -> list[str]:
    if attr is None:
        return []
    exprs, d = expr_list(attr.expr)
    diags.extend(d)
    out: list[str] = []
    for x in exprs:
        s, d2 = decode_string(x)
        diags.extend(d2)
        if s is not None:
            out.append(s)
    return out


def _string(attr: hcl.Attribute | None, diags: Diagnostics) -> str:
    if attr is None:
        return ""
    s, d = decode_string(attr.expr)
    diags.extend(d)
    return s or ""


def parse_cli_config(src: bytes, filename: str) -> tuple[CLIConfig, Diagnostics]:
    """Decode one CLI configuration file (JSON syntax when the name ends in .json).
    Unknown settings (credentials, host, disable_checkpoint, ...) are ignored here."""
    diags = Diagnostics()
    cfg = CLIConfig(files=[filename])
    quoted: dict[str, str] = {}
    if filename.endswith(".json"):
        from sheath.lang import hcljson

        f, d = hcljson.parse(src, filename)
    else:
        text, quoted = _rewrite_quoted_names(src)
        f, d = parse_config(text, filename)
    diags.extend(d)
    if d.has_errors():
        return cfg, diags
    content, _, d = f.body.partial_content(_ROOT_SCHEMA)
    diags.extend(d)
    if "plugin_cache_dir" in content.attributes:
        cfg.plugin_cache_dir = _string(content.attributes["plugin_cache_dir"], diags)
    if "plugin_cache_may_break_dependency_lock_file" in content.attributes:
        b, d = decode_bool(content.attributes["plugin_cache_may_break_dependency_lock_file"].expr)
        diags.extend(d)
        cfg.plugin_cache_may_break_dependency_lock_file = bool(b)
    for block in content.blocks:
        if block.type == "host":
            cfg.hosts[block.labels[0].lower()] = _host_services(block, quoted, diags)
            continue
        pi = ProviderInstallation(decl_range=block.def_range)
        inner, d = block.body.content(_INSTALL_SCHEMA)
        diags.extend(d)
        for mb in inner.blocks:
            if mb.type == "dev_overrides":
                attrs, d = mb.body.just_attributes()
                diags.extend(d)
                for name, attr in attrs.items():
                    key = quoted.get(name, name)
                    addr, d = parse_provider_source(key, attr.name_range)
                    if d.has_errors() or addr is None:
                        diags.append(
                            error(
                                "Invalid provider installation dev overrides",
                                f"The entry {key!r} in {filename} is not a valid provider source string.",
                                attr.name_range,
                            )
                        )
                        continue
                    path = _string(attr, diags)
                    pi.dev_overrides[addr] = path
                continue
            schema = {"filesystem_mirror": _FS_SCHEMA, "network_mirror": _NET_SCHEMA, "direct": _DIRECT_SCHEMA}[mb.type]
            mc, d = mb.body.content(schema)
            diags.extend(d)
            m = InstallationMethod(mb.type, decl_range=mb.def_range)
            if mb.type == "filesystem_mirror":
                m.location = _string(mc.attributes.get("path"), diags)
            elif mb.type == "network_mirror":
                m.location = _string(mc.attributes.get("url"), diags)
            m.include = _string_list(mc.attributes.get("include"), diags)
            m.exclude = _string_list(mc.attributes.get("exclude"), diags)
            pi.methods.append(m)
        cfg.provider_installation.append(pi)
    return cfg, diags


def _read_one(path: str, diags: Diagnostics) -> CLIConfig | None:
    try:
        with open(path, "rb") as fh:
            src = fh.read()
    except OSError as e:
        diags.add_warning("Unable to open CLI configuration file", f"The CLI configuration file at {path!r} does not exist." if isinstance(e, FileNotFoundError) else f"Error reading {path}: {e}")
        return None
    cfg, d = parse_cli_config(src, path)
    diags.extend(d)
    return cfg


def load_cli_config(env: Mapping[str, str] | None = None, cwd: str | None = None) -> tuple[CLIConfig, Diagnostics]:
    """Load the CLI configuration as terraform does: the file named by TF_CLI_CONFIG_FILE,
    else ~/.terraformrc (absent is fine); TF_PLUGIN_CACHE_DIR overrides plugin_cache_dir.
    Also records which implied local mirror directories exist.

    Like terraform, problems that do not prevent working (a plugin cache directory that
    does not exist yet, a missing explicitly named file) are reported as warnings: terraform
    prints them under "There are some problems with the CLI configuration" and carries on."""
    e = dict(os.environ if env is None else env)
    wd = cwd if cwd is not None else os.getcwd()
    diags = Diagnostics()
    result = CLIConfig()
    paths: list[str] = []
    main, explicit = cli_config_file_path(e)
    if explicit or os.path.exists(main):
        paths.append(main)
    for p in paths:
        c = _read_one(p, diags)
        if c is None:
            continue
        result.files.append(p)
        if c.plugin_cache_dir:
            result.plugin_cache_dir = c.plugin_cache_dir
        if c.plugin_cache_may_break_dependency_lock_file:
            result.plugin_cache_may_break_dependency_lock_file = True
        result.provider_installation.extend(c.provider_installation)
        result.hosts.update(c.hosts)
    if len(result.provider_installation) > 1:
        diags.add_error(
            "Multiple provider_installation blocks",
            "No more than one provider_installation block may be specified in the CLI configuration.",
            result.provider_installation[1].decl_range,
        )
    env_cache = e.get("TF_PLUGIN_CACHE_DIR", "")
    if env_cache:
        result.plugin_cache_dir = env_cache
    if result.plugin_cache_dir and not os.path.isdir(result.plugin_cache_dir):
        cd = result.plugin_cache_dir
        diags.add_warning(
            f"The specified plugin cache dir {cd} cannot be opened: stat {cd}: no such file or directory"
        )
    if e.get("TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE", ""):
        result.plugin_cache_may_break_dependency_lock_file = True
    result.implied_mirror_dirs = implied_local_mirror_dirs(wd, e)
    return result, diags


def _patterns(strs: list[str], rng: Range | None, diags: Diagnostics) -> tuple[ProviderPattern, ...]:
    out: list[ProviderPattern] = []
    for s in strs:
        p, msg = parse_provider_pattern(s)
        if p is None:
            diags.add_error("Invalid provider installation method", msg, rng)
        else:
            out.append(p)
    return tuple(out)


def provider_source(cfg: CLIConfig, cwd: str) -> tuple[MultiSource, Diagnostics]:
    """The provider source described by the CLI configuration: the explicit
    provider_installation methods in order, or else the implied local mirror directories
    followed by direct installation for every provider not found in them."""
    diags = Diagnostics()
    selectors: list[MultiSourceSelector] = []
    if cfg.provider_installation:
        for m in cfg.provider_installation[0].methods:
            inc = _patterns(m.include, m.decl_range, diags)
            exc = _patterns(m.exclude, m.decl_range, diags)
            if m.kind == "filesystem_mirror":
                path = m.location if os.path.isabs(m.location) else os.path.join(cwd, m.location)
                selectors.append(MultiSourceSelector(FilesystemMirrorSource(path, display=m.location), inc, exc))
            elif m.kind == "direct":
                selectors.append(MultiSourceSelector(DirectSource(), inc, exc))
            else:  # network_mirror: a remote service, never contacted
                selectors.append(MultiSourceSelector(DirectSource(m.location), inc, exc))
        return MultiSource(selectors), diags
    found: list[ProviderPattern] = []
    for d in cfg.implied_mirror_dirs:
        src = FilesystemMirrorSource(d)
        try:
            providers = src.all_packages()
        except SourceError:
            continue
        if not providers:
            continue
        selectors.append(MultiSourceSelector(src))
        for p in providers:
            pat = ProviderPattern(p.hostname, p.namespace, p.type)
            if pat not in found:
                found.append(pat)
    selectors.append(MultiSourceSelector(DirectSource(), (), tuple(found)))
    return MultiSource(selectors), diags
