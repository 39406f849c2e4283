"""Provider requirements gathered from a module tree (constraints merged across modules,
providers implied by resources) produce the same lock file as terraform init."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from sheath.addrs.provider import Provider
from sheath.cliconfig import load_cli_config
from sheath.config.loader import load_module_tree
from sheath.getproviders import install_providers, requirements_from_config, version_constraints_string

ROOT = """terraform {
  required_providers {
    fake = {
      source  = "example.com/ns/fake"
      version = "~> 1.0"
    }
    zz = {
      source = "example.com/ns/zz"
    }
  }
}

provider "fake" {}

module "m" {
  source = "./m"
}

resource "zz_thing" "x" {}
"""

CHILD = """terraform {
  required_providers {
    fake = {
      source  = "example.com/ns/fake"
      version = ">= 1.0, != 1.1.0"
    }
  }
}
"""


def _mirror(root: Path) -> None:
    for t, vs in (("fake", ("1.0.0", "1.1.0", "1.2.0", "2.0.0")), ("zz", ("0.1.0", "3.1.0"))):
        for v in vs:
            d = root / "example.com/ns" / t / v / "linux_amd64"
            d.mkdir(parents=True)
            (d / f"terraform-provider-{t}_v{v}").write_text(f"{t} {v}")


def test_requirements_merge_across_modules(tmp_path: Path) -> None:
    (tmp_path / "m").mkdir()
    (tmp_path / "main.tf").write_text(ROOT)
    (tmp_path / "m" / "main.tf").write_text(CHILD)
    tree, diags = load_module_tree(str(tmp_path))
    assert not diags.has_errors(), list(diags)
    reqs = requirements_from_config(tree)
    assert {str(p): version_constraints_string(c) for p, c in reqs.items()} == {
        "example.com/ns/fake": ">= 1.0.0, ~> 1.0, != 1.1.0",
        "example.com/ns/zz": "",
    }
    assert Provider("terraform", "builtin", "terraform.io") not in reqs


def test_lock_matches_terraform_for_module_tree(tmp_path: Path, terraform_bin: str) -> None:
    mirror = tmp_path / "mirror"
    _mirror(mirror)
    cli = tmp_path / "cli.tfrc"
    cli.write_text(f'provider_installation {{\n  filesystem_mirror {{\n    path = "{mirror}"\n  }}\n}}\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith("TF_")}
    env.update(TF_CLI_CONFIG_FILE=str(cli), CHECKPOINT_DISABLE="1", HOME=str(tmp_path))
    dirs = []
    for name in ("tf", "sh"):
        w = tmp_path / name
        (w / "m").mkdir(parents=True)
        (w / "main.tf").write_text(ROOT)
        (w / "m" / "main.tf").write_text(CHILD)
        dirs.append(w)
    p = subprocess.run([terraform_bin, "init", "-backend=false", "-no-color"], cwd=dirs[0], env=env, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    cfg, _ = load_cli_config(env, cwd=str(dirs[1]))
    tree, _ = load_module_tree(str(dirs[1]))
    res, diags = install_providers(requirements_from_config(tree), None, cfg, str(dirs[1]), env=env)
    assert not diags.has_errors(), list(diags)
    assert (dirs[1] / ".terraform.lock.hcl").read_bytes() == (dirs[0] / ".terraform.lock.hcl").read_bytes()
    assert sorted(res.lines) == sorted(ln for ln in p.stdout.splitlines() if ln.startswith("- ") and " in " not in ln)
