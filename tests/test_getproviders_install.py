"""Differential tests of provider installation against terraform init.

Each scenario runs `terraform init -backend=false` in one temp directory and
sheath's install_providers in a copy, with the same CLI configuration, and
compares the lock files byte for byte, the layout under .terraform/providers,
the progress lines and the error messages. The real AWS provider comes from the
filesystem mirror found on this machine (discovered, never hard-coded, never
modified); small fake providers (terraform init never runs them) cover
multiple versions, packed archives and include/exclude.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from sheath.cliconfig import load_cli_config
from sheath.config.loader import load_module_tree
from sheath.diag import Diagnostics
from sheath.getproviders import InstallResult, install_providers, requirements_from_config
from conftest import AWS_VERSION

AWS_CONFIG = """terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "%s"
    }
  }
}
"""


def _write_fake_mirror(root: Path) -> Path:
    """example.com/ns/fake 1.0.0, 1.2.0, 2.0.0 unpacked; example.com/ns/zz 3.1.0 packed."""
    for v in ("1.0.0", "1.2.0", "2.0.0"):
        d = root / "example.com" / "ns" / "fake" / v / "linux_amd64"
        d.mkdir(parents=True)
        exe = d / f"terraform-provider-fake_v{v}"
        exe.write_text(f"fake provider {v}\n")
        exe.chmod(0o755)
    z = root / "example.com" / "ns" / "zz"
    z.mkdir(parents=True)
    with zipfile.ZipFile(z / "terraform-provider-zz_3.1.0_linux_amd64.zip", "w") as zf:
        info = zipfile.ZipInfo("terraform-provider-zz_v3.1.0")
        info.external_attr = 0o755 << 16
        zf.writestr(info, "zz provider\n")
        zf.writestr("docs/README.txt", "readme\n")
    return root


class Env:
    """Two working directories with the same config and an isolated environment."""

    def __init__(self, base: Path, config: str, cli_config: str | None, home: Path | None = None) -> None:
        self.base = base
        self.tf = base / "tf"
        self.sh = base / "sh"
        for d in (self.tf, self.sh):
            d.mkdir()
            (d / "main.tf").write_text(config)
        self.home = home or (base / "home")
        self.home.mkdir(exist_ok=True)
        self.cli = base / "cli.tfrc"
        self.cli.write_text(cli_config or "")
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("TF_") and k not in ("XDG_DATA_HOME", "XDG_DATA_DIRS")}
        self.env.update(
            HOME=str(self.home),
            TF_CLI_CONFIG_FILE=str(self.cli),
            CHECKPOINT_DISABLE="1",
            TF_IN_AUTOMATION="1",
            XDG_DATA_HOME=str(base / "xdg-data"),
            XDG_DATA_DIRS=str(base / "xdg-dirs"),
        )

    def terraform(self, terraform_bin: str, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [terraform_bin, "init", "-backend=false", "-no-color", "-input=false", *args],
            cwd=self.tf,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    def sheath(self, upgrade: bool = False) -> tuple[InstallResult, Diagnostics]:
        cfg, diags = load_cli_config(self.env, cwd=str(self.sh))
        assert not diags.has_errors(), list(diags)
        tree, d = load_module_tree(str(self.sh))
        assert not d.has_errors(), list(d)
        res, d2 = install_providers(requirements_from_config(tree), None, cfg, str(self.sh), upgrade=upgrade, env=self.env)
        return res, d2


def _tf_lines(out: str) -> list[str]:
    return [ln for ln in out.splitlines() if ln.startswith("- ")]


def _norm(text: str) -> str:
    """Undo terraform's 78-column wrapping of diagnostic text."""
    return re.sub(r"\s+", " ", text).strip()


def _layout(root: Path) -> dict[str, str]:
    """Everything under .terraform/providers: symlinks by target, files by content."""
    out: dict[str, str] = {}
    base = root / ".terraform" / "providers"
    for dirpath, dirnames, filenames in os.walk(base):
        for n in dirnames + filenames:
            p = Path(dirpath) / n
            rel = str(p.relative_to(base))
            if p.is_symlink():
                out[rel] = "-> " + os.readlink(p)
            elif p.is_file():
                out[rel] = f"file {oct(p.stat().st_mode & 0o777)} {p.read_bytes()!r}"
            else:
                out[rel] = "dir"
    return out


def _lock(d: Path) -> bytes:
    return (d / ".terraform.lock.hcl").read_bytes()


# --- the real AWS provider ------------------------------------------------------------------


def test_aws_from_filesystem_mirror_matches_terraform(tmp_path: Path, terraform_bin: str, aws_mirror: str) -> None:
    cli = f'provider_installation {{\n  filesystem_mirror {{\n    path = "{aws_mirror}"\n  }}\n}}\n'
    e = Env(tmp_path, AWS_CONFIG % "~> 5.0", cli)
    tf = e.terraform(terraform_bin)
    assert tf.returncode == 0, tf.stderr
    res, diags = e.sheath()
    assert not diags.has_errors(), list(diags)
    assert _lock(e.sh) == _lock(e.tf)
    assert b'"h1:' in _lock(e.sh)
    assert res.lines == _tf_lines(tf.stdout)
    assert res.lines[-1] == f"- Installed hashicorp/aws v{AWS_VERSION} (unauthenticated)"
    assert _layout(e.sh) == _layout(e.tf)
    link = e.sh / ".terraform/providers/registry.terraform.io/hashicorp/aws" / AWS_VERSION / "linux_amd64"
    assert link.is_symlink()
    assert res.lock_message().splitlines()[0] in tf.stdout
    # the warning about locally computed checksums, as terraform words it
    w = [d for d in diags if d.summary == "Incomplete lock file information for providers"]
    assert len(w) == 1 and _norm(w[0].detail) in _norm(tf.stdout)
    exe = res.installed[next(iter(res.installed))].executable_path()
    assert exe is not None and os.path.basename(exe).startswith("terraform-provider-aws_")

    # second run: the lock file is honoured and the installed package reused
    tf2 = e.terraform(terraform_bin)
    assert tf2.returncode == 0, tf2.stderr
    before = _lock(e.sh)
    res2, diags2 = e.sheath()
    assert not diags2.has_errors(), list(diags2)
    assert res2.lines == _tf_lines(tf2.stdout) == [
        "- Reusing previous version of hashicorp/aws from the dependency lock file",
        f"- Using previously-installed hashicorp/aws v{AWS_VERSION}",
    ]
    assert not res2.lock_written and _lock(e.sh) == before == _lock(e.tf)


def test_aws_hash_mismatch_is_an_error(tmp_path: Path, terraform_bin: str, aws_mirror: str) -> None:
    cli = f'provider_installation {{\n  filesystem_mirror {{\n    path = "{aws_mirror}"\n  }}\n}}\n'
    e = Env(tmp_path, AWS_CONFIG % "~> 5.0", cli)
    bad = (
        '# This file is maintained automatically by "terraform init".\n'
        "# Manual edits may be lost in future updates.\n\n"
        'provider "registry.terraform.io/hashicorp/aws" {\n'
        f'  version     = "{AWS_VERSION}"\n'
        '  constraints = "~> 5.0"\n'
        "  hashes = [\n"
        '    "h1:AAAAJWE4ORX8Fm+dpVpICzMZJat4AX0VRCAy/xkcOc0=",\n'
        "  ]\n"
        "}\n"
    )
    for d in (e.tf, e.sh):
        (d / ".terraform.lock.hcl").write_text(bad)
    tf = e.terraform(terraform_bin)
    assert tf.returncode == 1
    res, diags = e.sheath()
    assert diags.has_errors()
    err = diags.errors()[0]
    assert err.summary == "Failed to install provider"
    assert err.summary in tf.stderr
    assert _norm(err.detail) == _norm(tf.stderr.split("Error: Failed to install provider", 1)[1])
    assert res.lines == _tf_lines(tf.stdout)
    # the lock file is left alone on failure, by both tools
    assert _lock(e.sh) == _lock(e.tf) == bad.encode()


def test_aws_no_matching_version(tmp_path: Path, terraform_bin: str, aws_mirror: str) -> None:
    cli = f'provider_installation {{\n  filesystem_mirror {{\n    path = "{aws_mirror}"\n  }}\n}}\n'
    e = Env(tmp_path, AWS_CONFIG % "~> 4.0", cli)
    tf = e.terraform(terraform_bin)
    assert tf.returncode == 1
    res, diags = e.sheath()
    assert diags.has_errors()
    err = diags.errors()[0]
    assert err.summary == "Failed to query available provider packages" and err.summary in tf.stderr
    tf_detail = _norm(tf.stderr.split(err.summary, 1)[1])
    assert _norm(err.detail).startswith(tf_detail)
    # sheath also says where it looked and what it found
    assert aws_mirror in err.detail and AWS_VERSION in err.detail
    assert res.lines == _tf_lines(tf.stdout) == ['- Finding hashicorp/aws versions matching "~> 4.0"...']
    assert not (e.sh / ".terraform.lock.hcl").exists() and not (e.tf / ".terraform.lock.hcl").exists()


def test_implied_home_mirror_directory(tmp_path: Path, terraform_bin: str, aws_mirror: str) -> None:
    home = tmp_path / "home"
    target = home / ".terraform.d/plugins/registry.terraform.io/hashicorp/aws" / AWS_VERSION
    target.mkdir(parents=True)
    src = Path(aws_mirror) / "registry.terraform.io/hashicorp/aws" / AWS_VERSION
    for t in src.iterdir():
        (target / t.name).symlink_to(t)
    e = Env(tmp_path, AWS_CONFIG % ">= 5.0", None, home=home)
    tf = e.terraform(terraform_bin)
    assert tf.returncode == 0, tf.stderr
    res, diags = e.sheath()
    assert not diags.has_errors(), list(diags)
    assert _lock(e.sh) == _lock(e.tf)
    assert res.lines == _tf_lines(tf.stdout)
    assert _layout(e.sh) == _layout(e.tf)


def test_plugin_cache_dir(tmp_path: Path, terraform_bin: str, aws_mirror: str) -> None:
    cli = f'provider_installation {{\n  filesystem_mirror {{\n    path = "{aws_mirror}"\n  }}\n}}\n'
    e = Env(tmp_path, AWS_CONFIG % "~> 5.0", cli)
    tf_cache, sh_cache = tmp_path / "cache-tf", tmp_path / "cache-sh"
    tf_cache.mkdir()
    sh_cache.mkdir()
    e.env["TF_PLUGIN_CACHE_DIR"] = str(tf_cache)
    tf = e.terraform(terraform_bin)
    assert tf.returncode == 0, tf.stderr
    e.env["TF_PLUGIN_CACHE_DIR"] = str(sh_cache)
    res, diags = e.sheath()
    assert not diags.has_errors(), list(diags)
    assert _lock(e.sh) == _lock(e.tf)
    assert res.lines == _tf_lines(tf.stdout)
    rel = Path("registry.terraform.io/hashicorp/aws") / AWS_VERSION / "linux_amd64"
    # .terraform links to the cache; the cache links to the mirror
    assert os.readlink(e.tf / ".terraform/providers" / rel) == str(tf_cache / rel)
    assert os.readlink(e.sh / ".terraform/providers" / rel) == str(sh_cache / rel)
    assert os.readlink(sh_cache / rel) == os.readlink(tf_cache / rel)

    # a second working directory with the lock file takes the package from the cache
    (tmp_path / "second").mkdir()
    e2 = Env(tmp_path / "second", AWS_CONFIG % "~> 5.0", cli)
    shutil.copy(e.tf / ".terraform.lock.hcl", e2.tf / ".terraform.lock.hcl")
    shutil.copy(e.sh / ".terraform.lock.hcl", e2.sh / ".terraform.lock.hcl")
    e2.env["TF_PLUGIN_CACHE_DIR"] = str(tf_cache)
    tf2 = e2.terraform(terraform_bin)
    assert tf2.returncode == 0, tf2.stderr
    e2.env["TF_PLUGIN_CACHE_DIR"] = str(sh_cache)
    res2, diags2 = e2.sheath()
    assert not diags2.has_errors(), list(diags2)
    assert res2.lines == _tf_lines(tf2.stdout)
    assert f"- Using hashicorp/aws v{AWS_VERSION} from the shared cache directory" in res2.lines
    assert _lock(e2.sh) == _lock(e2.tf)


# --- fake providers: versions, packed archives, include/exclude -------------------------------


FAKE_CONFIG = """terraform {
  required_providers {
    fake = {
      source  = "example.com/ns/fake"
      version = "%s"
    }
    zz = {
      source = "example.com/ns/zz"
    }
  }
}
"""


@pytest.mark.parametrize("constraint", [">= 1.0, < 2.0", "~> 1", "1.0", "!=2.0,>=1.0", "<3,>0.1", ">= 1.0, >= 1.0, < 3"])
def test_fake_versions_and_archives_match_terraform(tmp_path: Path, terraform_bin: str, constraint: str) -> None:
    mirror = _write_fake_mirror(tmp_path / "mirror")
    cli = f'provider_installation {{\n  filesystem_mirror {{\n    path = "{mirror}"\n  }}\n}}\n'
    e = Env(tmp_path, FAKE_CONFIG % constraint, cli)
    tf = e.terraform(terraform_bin)
    assert tf.returncode == 0, tf.stderr
    res, diags = e.sheath()
    assert not diags.has_errors(), list(diags)
    assert _lock(e.sh) == _lock(e.tf)
    assert sorted(res.lines) == sorted(_tf_lines(tf.stdout))
    assert _layout(e.sh) == _layout(e.tf)


def test_upgrade_and_locked_version(tmp_path: Path, terraform_bin: str) -> None:
    mirror = _write_fake_mirror(tmp_path / "mirror")
    cli = f'provider_installation {{\n  filesystem_mirror {{\n    path = "{mirror}"\n  }}\n}}\n'
    e = Env(tmp_path, FAKE_CONFIG % "~> 1.0", cli)
    old_lock = (
        '# This file is maintained automatically by "terraform init".\n'
        "# Manual edits may be lost in future updates.\n\n"
        'provider "example.com/ns/fake" {\n  version = "1.0.0"\n}\n\n'
        'provider "example.com/ns/gone" {\n  version = "9.9.9"\n}\n'
    )
    for d in (e.tf, e.sh):
        (d / ".terraform.lock.hcl").write_text(old_lock)
    # the locked version wins over the newest one
    tf = e.terraform(terraform_bin)
    assert tf.returncode == 0, tf.stderr
    res, diags = e.sheath()
    assert not diags.has_errors(), list(diags)
    assert _lock(e.sh) == _lock(e.tf)
    assert b'version     = "1.0.0"' in _lock(e.sh) and b"gone" not in _lock(e.sh)
    assert res.lock_message().splitlines()[0] in tf.stdout
    assert sorted(res.lines) == sorted(_tf_lines(tf.stdout))
    # -upgrade selects the newest matching version
    tf = e.terraform(terraform_bin, "-upgrade")
    assert tf.returncode == 0, tf.stderr
    res, diags = e.sheath(upgrade=True)
    assert not diags.has_errors(), list(diags)
    assert _lock(e.sh) == _lock(e.tf)
    assert b'version     = "1.2.0"' in _lock(e.sh)
    assert sorted(res.lines) == sorted(_tf_lines(tf.stdout))
    assert _layout(e.sh) == _layout(e.tf)
    # a locked version outside the constraints needs -upgrade
    for d in (e.tf, e.sh):
        (d / "main.tf").write_text(FAKE_CONFIG % "~> 2.0")
    tf = e.terraform(terraform_bin)
    assert tf.returncode == 1
    res, diags = e.sheath()
    errs = diags.errors()
    assert len(errs) == 1 and errs[0].summary == "Failed to query available provider packages"
    assert _norm(errs[0].detail) == _norm(tf.stderr.split(errs[0].summary, 1)[1])


def test_include_exclude_match_terraform(tmp_path: Path, terraform_bin: str) -> None:
    a = _write_fake_mirror(tmp_path / "a")
    b = tmp_path / "b"
    d = b / "example.com/ns/fake/1.1.0/linux_amd64"
    d.mkdir(parents=True)
    (d / "terraform-provider-fake_v1.1.0").write_text("from b\n")
    # mirror a may not serve fake: only b's 1.1.0 is visible for it
    cli = (
        "provider_installation {\n"
        f'  filesystem_mirror {{\n    path    = "{a}"\n    exclude = ["example.com/ns/fake"]\n  }}\n'
        f'  filesystem_mirror {{\n    path    = "{b}"\n    include = ["example.com/*/*"]\n  }}\n'
        "}\n"
    )
    e = Env(tmp_path, FAKE_CONFIG % "~> 1.0", cli)
    tf = e.terraform(terraform_bin)
    assert tf.returncode == 0, tf.stderr
    res, diags = e.sheath()
    assert not diags.has_errors(), list(diags)
    assert _lock(e.sh) == _lock(e.tf)
    assert b'"1.1.0"' in _lock(e.sh)
    assert _layout(e.sh) == _layout(e.tf)


def test_not_found_lists_locations(tmp_path: Path, terraform_bin: str) -> None:
    mirror = _write_fake_mirror(tmp_path / "mirror")
    cli = f'provider_installation {{\n  filesystem_mirror {{\n    path = "{mirror}"\n  }}\n}}\n'
    cfg = 'terraform {\n  required_providers {\n    nope = {\n      source = "example.com/ns/nope"\n    }\n  }\n}\n'
    e = Env(tmp_path, cfg, cli)
    tf = e.terraform(terraform_bin)
    assert tf.returncode == 1
    _, diags = e.sheath()
    errs = diags.errors()
    assert len(errs) == 1
    assert _norm(errs[0].detail) == _norm(tf.stderr.split(errs[0].summary, 1)[1])
    assert f"  - {mirror}" in errs[0].detail


def test_direct_is_never_contacted(tmp_path: Path) -> None:
    """Only `direct` could satisfy the requirement: a clear error naming every place
    searched, and no network access (there is none)."""
    mirror = _write_fake_mirror(tmp_path / "mirror")
    cli = (
        "provider_installation {\n"
        f'  filesystem_mirror {{\n    path    = "{mirror}"\n    include = ["example.com/*/*"]\n  }}\n'
        '  direct {\n    exclude = ["example.com/*/*"]\n  }\n'
        "}\n"
    )
    e = Env(tmp_path, AWS_CONFIG % "~> 5.0", cli)
    res, diags = e.sheath()
    errs = diags.errors()
    assert len(errs) == 1
    assert "provider registry.terraform.io/hashicorp/aws was not found in any of the search locations" in errs[0].detail
    assert "direct installation; not contacted" in errs[0].detail
    assert "never contacts a provider registry" in errs[0].detail
    assert str(mirror) not in errs[0].detail  # the mirror's include pattern excludes hashicorp/aws
    assert res.lines == ['- Finding hashicorp/aws versions matching "~> 5.0"...']


def test_implied_cwd_mirror_and_direct(tmp_path: Path, terraform_bin: str) -> None:
    """terraform.d/plugins in the working directory is an implied mirror; providers not
    in it would come from the registry, which sheath reports rather than contacts."""
    e = Env(tmp_path, FAKE_CONFIG % "~> 1.0", None)
    for d in (e.tf, e.sh):
        _write_fake_mirror(d / "terraform.d" / "plugins")
    tf = e.terraform(terraform_bin)
    assert tf.returncode == 0, tf.stderr
    res, diags = e.sheath()
    assert not diags.has_errors(), list(diags)
    assert _lock(e.sh) == _lock(e.tf)
    assert sorted(res.lines) == sorted(_tf_lines(tf.stdout))
    # a provider absent from the implied mirrors would need the registry
    (e.sh / "main.tf").write_text(AWS_CONFIG % "~> 5.0")
    _, diags = e.sheath()
    assert diags.has_errors()
    detail = diags.errors()[0].detail
    assert "not contacted" in detail and "terraform.d/plugins" in detail


def test_dev_overrides_warn_but_install_like_terraform(tmp_path: Path, terraform_bin: str) -> None:
    mirror = _write_fake_mirror(tmp_path / "mirror")
    cli = (
        "provider_installation {\n"
        f'  dev_overrides {{\n    "example.com/ns/zz" = "{tmp_path}/devzz"\n  }}\n'
        f'  filesystem_mirror {{\n    path = "{mirror}"\n  }}\n'
        "}\n"
    )
    e = Env(tmp_path, FAKE_CONFIG % "~> 1.0", cli)
    tf = e.terraform(terraform_bin)
    assert tf.returncode == 0, tf.stderr
    res, diags = e.sheath()
    assert not diags.has_errors(), list(diags)
    w = [d for d in diags.warnings() if d.summary == "Provider development overrides are in effect"]
    assert len(w) == 1 and _norm(w[0].detail) in _norm(tf.stdout)
    assert _lock(e.sh) == _lock(e.tf)
    assert sorted(res.lines) == sorted(_tf_lines(tf.stdout))
    assert res.dev_overrides and str(next(iter(res.dev_overrides))) == "example.com/ns/zz"


def _tf_error(stderr: str, summary: str) -> str:
    return _norm(stderr.split(f"Error: {summary}", 1)[1])


def test_locked_version_no_longer_available(tmp_path: Path, terraform_bin: str) -> None:
    mirror = _write_fake_mirror(tmp_path / "mirror")
    cli = f'provider_installation {{\n  filesystem_mirror {{\n    path = "{mirror}"\n  }}\n}}\n'
    e = Env(tmp_path, FAKE_CONFIG % "~> 1.0", cli)
    for d in (e.tf, e.sh):
        (d / ".terraform.lock.hcl").write_text('provider "example.com/ns/fake" {\n  version = "1.1.0"\n}\n')
    tf = e.terraform(terraform_bin)
    assert tf.returncode == 1
    res, diags = e.sheath()
    errs = diags.errors()
    assert len(errs) == 1 and errs[0].summary == "Failed to query available provider packages"
    assert _norm(errs[0].detail) == _tf_error(tf.stderr, errs[0].summary)
    assert "previously-selected version 1.1.0 is no longer available" in errs[0].detail
    assert sorted(res.lines) == sorted(_tf_lines(tf.stdout))


def test_no_package_for_this_platform(tmp_path: Path, terraform_bin: str) -> None:
    mirror = tmp_path / "mirror"
    d = mirror / "example.com/ns/fake/1.0.0/darwin_arm64"
    d.mkdir(parents=True)
    (d / "terraform-provider-fake").write_text("x")
    cli = f'provider_installation {{\n  filesystem_mirror {{\n    path = "{mirror}"\n  }}\n}}\n'
    cfg = 'terraform {\n  required_providers {\n    fake = {\n      source = "example.com/ns/fake"\n    }\n  }\n}\n'
    e = Env(tmp_path, cfg, cli)
    tf = e.terraform(terraform_bin)
    assert tf.returncode == 1
    res, diags = e.sheath()
    errs = diags.errors()
    assert len(errs) == 1 and errs[0].summary == "Incompatible provider version"
    assert _norm(errs[0].detail) == _tf_error(tf.stderr, errs[0].summary)
    assert res.lines == _tf_lines(tf.stdout)


def test_tf_data_dir(tmp_path: Path, terraform_bin: str) -> None:
    mirror = _write_fake_mirror(tmp_path / "mirror")
    cli = f'provider_installation {{\n  filesystem_mirror {{\n    path = "{mirror}"\n  }}\n}}\n'
    e = Env(tmp_path, FAKE_CONFIG % "~> 1.0", cli)
    e.env["TF_DATA_DIR"] = "dd"
    tf = e.terraform(terraform_bin)
    assert tf.returncode == 0, tf.stderr
    _, diags = e.sheath()
    assert not diags.has_errors(), list(diags)
    assert not (e.sh / ".terraform").exists() and not (e.tf / ".terraform").exists()
    for d in (e.tf, e.sh):
        (d / ".terraform").mkdir()
        (d / "dd" / "providers").rename(d / ".terraform" / "providers")
    assert _layout(e.sh) == _layout(e.tf)
    assert _lock(e.sh) == _lock(e.tf)


def test_archive_verified_by_zh_from_existing_lock(tmp_path: Path, terraform_bin: str) -> None:
    """A lock written elsewhere (e.g. from the registry) may carry only zh: hashes of the
    archives; a packed package in a mirror is verified against them and gains its h1."""
    from sheath.getproviders import hash_zip_zh

    mirror = _write_fake_mirror(tmp_path / "mirror")
    archive = mirror / "example.com/ns/zz/terraform-provider-zz_3.1.0_linux_amd64.zip"
    zh = hash_zip_zh(str(archive))
    cli = f'provider_installation {{\n  filesystem_mirror {{\n    path = "{mirror}"\n  }}\n}}\n'
    cfg = 'terraform {\n  required_providers {\n    zz = {\n      source = "example.com/ns/zz"\n    }\n  }\n}\n'
    e = Env(tmp_path, cfg, cli)
    lock = f'provider "example.com/ns/zz" {{\n  version = "3.1.0"\n  hashes = [\n    "{zh}",\n  ]\n}}\n'
    for d in (e.tf, e.sh):
        (d / ".terraform.lock.hcl").write_text(lock)
    tf = e.terraform(terraform_bin)
    assert tf.returncode == 0, tf.stderr
    res, diags = e.sheath()
    assert not diags.has_errors(), list(diags)
    assert _lock(e.sh) == _lock(e.tf)
    assert zh.encode() in _lock(e.sh) and b'"h1:' in _lock(e.sh)
    assert res.lines == _tf_lines(tf.stdout)
    assert _layout(e.sh) == _layout(e.tf)
    # a wrong zh is a mismatch for both tools
    bad = lock.replace(zh, "zh:" + "0" * 64)
    for d in (e.tf, e.sh):
        (d / ".terraform.lock.hcl").write_text(bad)
        shutil.rmtree(d / ".terraform")
    tf = e.terraform(terraform_bin)
    assert tf.returncode == 1
    _, diags = e.sheath()
    errs = diags.errors()
    assert len(errs) == 1 and _norm(errs[0].detail) == _norm(tf.stderr.split("Error: Failed to install provider", 1)[1])
