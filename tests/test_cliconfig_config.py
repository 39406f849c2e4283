"""The CLI configuration: file selection, provider_installation decoding (including
HCL 1's quoted dev_overrides keys), plugin cache settings and implied mirror dirs."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from sheath.addrs.provider import Provider
from sheath.cliconfig import cli_config_file_path, implied_local_mirror_dirs, load_cli_config, parse_cli_config, provider_source
from sheath.cliconfig.config import implied_local_mirror_candidates
from sheath.getproviders import DirectSource, FilesystemMirrorSource, parse_provider_pattern

FULL = b"""
disable_checkpoint = true
plugin_cache_dir   = "/var/cache/tf"
credentials "app.terraform.io" {
  token = "x"
}
provider_installation {
  dev_overrides {
    "hashicorp/aws" = "/src/aws"
    "example.com/ns/thing" = "/src/thing"
  }
  filesystem_mirror {
    path    = "/srv/mirror"
    include = ["example.com/*/*", "hashicorp/aws"]
  }
  network_mirror {
    url = "https://mirror.example.com/"
  }
  direct {
    exclude = ["example.com/*/*"]
  }
}
"""


def test_parse_full_config() -> None:
    cfg, diags = parse_cli_config(FULL, "cli.tfrc")
    assert not diags.has_errors(), list(diags)
    assert cfg.plugin_cache_dir == "/var/cache/tf"
    assert len(cfg.provider_installation) == 1
    pi = cfg.provider_installation[0]
    assert pi.dev_overrides == {Provider("aws"): "/src/aws", Provider("thing", "ns", "example.com"): "/src/thing"}
    assert [(m.kind, m.location, m.include, m.exclude) for m in pi.methods] == [
        ("filesystem_mirror", "/srv/mirror", ["example.com/*/*", "hashicorp/aws"], []),
        ("network_mirror", "https://mirror.example.com/", [], []),
        ("direct", "", [], ["example.com/*/*"]),
    ]


def test_parse_json_config() -> None:
    src = b"""{
  "plugin_cache_dir": "/c",
  "provider_installation": {
    "dev_overrides": {"hashicorp/aws": "/src/aws"},
    "filesystem_mirror": [{"path": "/m", "include": ["hashicorp/*"]}],
    "direct": {"exclude": ["hashicorp/*"]}
  }
}"""
    cfg, diags = parse_cli_config(src, "cli.tfrc.json")
    assert not diags.has_errors(), list(diags)
    assert cfg.plugin_cache_dir == "/c"
    pi = cfg.provider_installation[0]
    assert pi.dev_overrides == {Provider("aws"): "/src/aws"}
    assert sorted((m.kind, m.location, tuple(m.include), tuple(m.exclude)) for m in pi.methods) == [
        ("direct", "", (), ("hashicorp/*",)),
        ("filesystem_mirror", "/m", ("hashicorp/*",), ()),
    ]


def test_bad_method_argument_is_an_error() -> None:
    _, diags = parse_cli_config(b'provider_installation {\n  filesystem_mirror {\n    url = "x"\n  }\n}\n', "c")
    assert diags.has_errors()


def test_provider_source_from_explicit_methods(tmp_path: Path) -> None:
    cfg, _ = parse_cli_config(FULL, "cli.tfrc")
    src, diags = provider_source(cfg, str(tmp_path))
    assert not diags.has_errors()
    aws, thing, other = Provider("aws"), Provider("thing", "ns", "example.com"), Provider("random")
    locs = src.locations_for(aws)
    assert isinstance(locs[0], FilesystemMirrorSource) and locs[0].base_dir == "/srv/mirror"
    assert isinstance(locs[-1], DirectSource)
    assert [type(s).__name__ for s in src.locations_for(thing)] == ["FilesystemMirrorSource", "DirectSource"]
    assert [type(s).__name__ for s in src.locations_for(other)] == ["DirectSource", "DirectSource"]


def test_relative_mirror_path_is_relative_to_working_dir(tmp_path: Path) -> None:
    cfg, _ = parse_cli_config(b'provider_installation {\n  filesystem_mirror {\n    path = "m"\n  }\n}\n', "c")
    src, _ = provider_source(cfg, str(tmp_path))
    loc = src.all_locations()[0]
    assert isinstance(loc, FilesystemMirrorSource)
    assert loc.base_dir == str(tmp_path / "m") and loc.for_display() == "m"


@pytest.mark.parametrize(
    ("pattern", "ok"),
    [
        ("hashicorp/*", "registry.terraform.io/hashicorp/*"),
        ("*/*", "registry.terraform.io/*/*"),
        ("example.com/*/*", "example.com/*/*"),
        ("Example.COM/NS/Name", "example.com/ns/name"),
        ("*/aws", None),
        ("a/b/c/d", None),
        ("aws", None),
    ],
)
def test_patterns(pattern: str, ok: str | None) -> None:
    p, msg = parse_provider_pattern(pattern)
    assert (str(p) if p is not None else None) == ok
    if ok is None:
        assert msg


def test_file_selection(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    env = {"HOME": str(home)}
    assert cli_config_file_path(env) == (str(home / ".terraformrc"), False)
    env["TF_CLI_CONFIG_FILE"] = str(tmp_path / "x.tfrc")
    assert cli_config_file_path(env) == (str(tmp_path / "x.tfrc"), True)
    # ~/.terraformrc is used when TF_CLI_CONFIG_FILE is not set
    (home / ".terraformrc").write_text('plugin_cache_dir = "/a"\n')
    cfg, diags = load_cli_config({"HOME": str(home)}, cwd=str(tmp_path))
    assert cfg.plugin_cache_dir == "/a" and cfg.files == [str(home / ".terraformrc")]
    # TF_CLI_CONFIG_FILE replaces it; a missing explicit file is a warning
    cfg, diags = load_cli_config(env, cwd=str(tmp_path))
    assert cfg.plugin_cache_dir == "" and not diags.has_errors() and diags.warnings()
    # *.tfrc files in ~/.terraform.d are not CLI configuration (terraform ignores them)
    (home / ".terraform.d").mkdir()
    (home / ".terraform.d" / "x.tfrc").write_text('plugin_cache_dir = "/b"\n')
    cfg, _ = load_cli_config({"HOME": str(home)}, cwd=str(tmp_path))
    assert cfg.plugin_cache_dir == "/a"


def test_plugin_cache_env_overrides(tmp_path: Path) -> None:
    f = tmp_path / "c.tfrc"
    f.write_text(f'plugin_cache_dir = "{tmp_path}"\n')
    cfg, diags = load_cli_config({"HOME": str(tmp_path), "TF_CLI_CONFIG_FILE": str(f)}, cwd=str(tmp_path))
    assert cfg.plugin_cache_dir == str(tmp_path) and not diags
    missing = tmp_path / "nocache"
    cfg, diags = load_cli_config(
        {"HOME": str(tmp_path), "TF_CLI_CONFIG_FILE": str(f), "TF_PLUGIN_CACHE_DIR": str(missing)}, cwd=str(tmp_path)
    )
    assert cfg.plugin_cache_dir == str(missing)
    # terraform's words; it carries on and creates the directory when installing
    assert [d.summary for d in diags] == [
        f"The specified plugin cache dir {missing} cannot be opened: stat {missing}: no such file or directory"
    ]
    assert not diags.has_errors()


def test_implied_mirror_candidates_order(tmp_path: Path) -> None:
    env = {"HOME": "/h", "XDG_DATA_HOME": "/xdh", "XDG_DATA_DIRS": "/d1:/d2/"}
    assert implied_local_mirror_candidates("/w", env) == [
        "/w/terraform.d/plugins",
        "/h/.terraform.d/plugins",
        "/xdh/terraform/plugins",
        "/d1/terraform/plugins",
        "/d2/terraform/plugins",
    ]
    assert implied_local_mirror_candidates("/w", {"HOME": "/h"})[2:] == [
        "/h/.local/share/terraform/plugins",
        "/usr/local/share/terraform/plugins",
        "/usr/share/terraform/plugins",
    ]
    (tmp_path / "xdg" / "terraform" / "plugins").mkdir(parents=True)
    env = {"HOME": str(tmp_path / "nohome"), "XDG_DATA_HOME": str(tmp_path / "xdg"), "XDG_DATA_DIRS": str(tmp_path / "none")}
    assert implied_local_mirror_dirs(str(tmp_path), env) == [str(tmp_path / "xdg" / "terraform" / "plugins")]


def test_implied_source_excludes_found_providers_from_direct(tmp_path: Path) -> None:
    plugins = tmp_path / "w" / "terraform.d" / "plugins"
    (plugins / "example.com/ns/fake/1.0.0/linux_amd64").mkdir(parents=True)
    env = {"HOME": str(tmp_path / "h"), "XDG_DATA_HOME": str(tmp_path / "x"), "XDG_DATA_DIRS": str(tmp_path / "y")}
    cfg, _ = load_cli_config(env, cwd=str(tmp_path / "w"))
    assert cfg.implied_mirror_dirs == [str(plugins)]
    src, _ = provider_source(cfg, str(tmp_path / "w"))
    fake = Provider("fake", "ns", "example.com")
    assert [type(s).__name__ for s in src.locations_for(fake)] == ["FilesystemMirrorSource"]
    assert [type(s).__name__ for s in src.locations_for(Provider("aws"))] == ["FilesystemMirrorSource", "DirectSource"]


def test_xdg_data_home_mirror_matches_terraform(tmp_path: Path, terraform_bin: str) -> None:
    """terraform finds providers in $XDG_DATA_HOME/terraform/plugins; so does sheath."""
    from sheath.config.loader import load_module_tree
    from sheath.getproviders import install_providers, requirements_from_config

    xdg = tmp_path / "xdg"
    d = xdg / "terraform/plugins/example.com/ns/fake/1.0.0/linux_amd64"
    d.mkdir(parents=True)
    (d / "terraform-provider-fake_v1.0.0").write_text("x")
    cfg_text = 'terraform {\n  required_providers {\n    fake = {\n      source = "example.com/ns/fake"\n    }\n  }\n}\n'
    empty = tmp_path / "empty.tfrc"
    empty.write_text("")
    env = {k: v for k, v in os.environ.items() if not k.startswith("TF_") and not k.startswith("XDG_")}
    env.update(
        HOME=str(tmp_path / "home"), XDG_DATA_HOME=str(xdg), XDG_DATA_DIRS=str(tmp_path / "none"),
        TF_CLI_CONFIG_FILE=str(empty), CHECKPOINT_DISABLE="1",
    )
    outs = []
    for name in ("tf", "sh"):
        w = tmp_path / name
        w.mkdir()
        (w / "main.tf").write_text(cfg_text)
        outs.append(w)
    p = subprocess.run([terraform_bin, "init", "-backend=false", "-no-color"], cwd=outs[0], env=env, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    cfg, _ = load_cli_config(env, cwd=str(outs[1]))
    tree, _ = load_module_tree(str(outs[1]))
    res, diags = install_providers(requirements_from_config(tree), None, cfg, str(outs[1]))
    assert not diags.has_errors(), list(diags)
    assert (outs[1] / ".terraform.lock.hcl").read_bytes() == (outs[0] / ".terraform.lock.hcl").read_bytes()
    rel = ".terraform/providers/example.com/ns/fake/1.0.0/linux_amd64"
    assert os.readlink(outs[1] / rel) == os.readlink(outs[0] / rel)
