"""`sheath providers mirror`: what terraform checks before it downloads (usage, flags, platforms,
the lock file) compared with terraform; the mirror itself, which terraform fills from the origin
registry and sheath from the CLI configuration's filesystem mirrors, checked by terraform init
installing from it with the same checksums as from the source mirror."""

from __future__ import annotations

import json
import os
import subprocess
import zipfile
from pathlib import Path

import pytest

from conftest import SHEATH_CMD, RunFn

pytestmark = pytest.mark.oracle

CONFIG = 'terraform {\n  required_providers {\n    fake = {\n      source  = "example.com/acme/fake"\n      version = ">= 1.0"\n    }\n  }\n}\n\nresource "terraform_data" "a" {}\n'


def _as_terraform(text: str) -> str:
    return text.replace("sheath [global options]", "terraform [global options]")


@pytest.mark.parametrize(
    ("args", "lock"),
    [
        (["-h"], None),
        (["-bogus"], None),
        ([], None),
        (["a", "b"], None),
        (["-platform=x", "out"], None),
        (["out"], '\nprovider "example.com/acme/fake" {\n  version = "0.5.0"\n  hashes = ["h1:x"]\n}\n'),
        (["out"], '\nprovider "registry.terraform.io/hashicorp/random" {\n  version = "3.0.0"\n  hashes = ["h1:x"]\n}\n'),
    ],
    ids=["help", "bad-flag", "no-dir", "two-dirs", "bad-platform", "lock-mismatch", "lock-missing"],
)
@pytest.mark.parametrize("color", [True, False], ids=["color", "no-color"])
def test_checks_before_download(args: list[str], lock: str | None, color: bool, tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    full = ["providers", "mirror", *([] if color else ["-no-color"]), *args]
    out = {}
    for tool, run in (("tf", run_terraform), ("sh", run_sheath)):
        d = tmp_path / tool
        d.mkdir()
        (d / "main.tf").write_text(CONFIG)
        if lock is not None:
            (d / ".terraform.lock.hcl").write_text(lock)
        r = run(full, d)
        out[tool] = (r.returncode, _as_terraform(r.stdout), _as_terraform(r.stderr))
        assert not (d / "out").exists()
    assert out["sh"] == out["tf"]


def _fake_mirror(root: Path, versions: list[str], platforms: list[str]) -> None:
    for v in versions:
        for p in platforms:
            d = root / "example.com" / "acme" / "fake" / v / p
            d.mkdir(parents=True)
            exe = d / f"terraform-provider-fake_v{v}"
            exe.write_text(f"#!/bin/sh\necho fake {v} {p}\n")
            exe.chmod(0o755)
            (d / "README.txt").write_text("notes\n")


def _cli_config(path: Path, mirror: Path) -> Path:
    path.write_text(f"provider_installation {{\n  filesystem_mirror {{\n    path = {json.dumps(str(mirror))}\n  }}\n}}\n")
    return path


def test_mirror_is_a_mirror_terraform_installs_from(tmp_path: Path, terraform_bin: str, oracle_env: dict[str, str]) -> None:
    source = tmp_path / "source"
    _fake_mirror(source, ["1.0.0", "1.2.0"], ["linux_amd64", "darwin_arm64"])
    work = tmp_path / "work"
    work.mkdir()
    (work / "main.tf").write_text(CONFIG)
    env = dict(oracle_env, TF_CLI_CONFIG_FILE=str(_cli_config(tmp_path / "rc-source", source)))
    r = subprocess.run(
        [*SHEATH_CMD, "providers", "mirror", "-no-color", "-platform=linux_amd64", "-platform=darwin_arm64", "out"],
        cwd=work, env=env, capture_output=True, text=True,
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout == (
        "- Mirroring example.com/acme/fake...\n"
        "  - Selected v1.2.0 to meet constraints >= 1.0.0\n"
        "  - Downloading package for linux_amd64...\n"
        "  - Downloading package for darwin_arm64...\n"
        "- Skipping terraform.io/builtin/terraform because it is built in to Terraform CLI\n"
    )
    base = work / "out" / "example.com" / "acme" / "fake"
    assert sorted(os.listdir(base)) == [
        "1.2.0.json",
        "index.json",
        "terraform-provider-fake_1.2.0_darwin_arm64.zip",
        "terraform-provider-fake_1.2.0_linux_amd64.zip",
    ]
    assert (base / "index.json").read_text() == '{\n  "versions": {\n    "1.2.0": {}\n  }\n}'
    with zipfile.ZipFile(base / "terraform-provider-fake_1.2.0_linux_amd64.zip") as z:
        assert sorted(z.namelist()) == ["README.txt", "terraform-provider-fake_v1.2.0"]
        assert (z.getinfo("terraform-provider-fake_v1.2.0").external_attr >> 16) & 0o777 == 0o755

    # terraform init from the source mirror and from the produced one: the same lock file
    locks = {}
    for name, mirror in (("source", source), ("produced", work / "out")):
        d = tmp_path / f"init-{name}"
        d.mkdir()
        (d / "main.tf").write_text(CONFIG)
        e = dict(oracle_env, TF_CLI_CONFIG_FILE=str(_cli_config(tmp_path / f"rc-{name}", mirror)))
        init = subprocess.run([terraform_bin, "init", "-no-color"], cwd=d, env=e, capture_output=True, text=True)
        assert init.returncode == 0, init.stderr
        locks[name] = (d / ".terraform.lock.hcl").read_text()
    assert locks["produced"] == locks["source"]
    h1 = json.loads((base / "1.2.0.json").read_text())["archives"]["linux_amd64"]["hashes"][0]
    assert h1 in locks["source"]

    # with a lock file, its version is mirrored
    (work / ".terraform.lock.hcl").write_text(locks["source"].replace("1.2.0", "1.0.0"))
    r = subprocess.run([*SHEATH_CMD, "providers", "mirror", "-no-color", "out"], cwd=work, env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "  - Selected v1.0.0 to match dependency lock file\n" in r.stdout
    assert json.loads((base / "index.json").read_text()) == {"versions": {"1.0.0": {}, "1.2.0": {}}}
    r = subprocess.run([*SHEATH_CMD, "providers", "mirror", "-no-color", "-lock-file=false", "-platform=windows_386", "out"], cwd=work, env=env, capture_output=True, text=True)
    assert r.returncode == 1 and "  - Selected v1.2.0 to meet constraints >= 1.0.0\n" in r.stdout
    assert "Provider release not available" in r.stderr


def test_packed_source_archives_are_copied(tmp_path: Path, oracle_env: dict[str, str]) -> None:
    base = tmp_path / "source" / "example.com" / "acme" / "fake"
    base.mkdir(parents=True)
    archive = base / "terraform-provider-fake_1.0.0_linux_amd64.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("terraform-provider-fake_v1.0.0", "fake\n")
    work = tmp_path / "work"
    work.mkdir()
    (work / "main.tf").write_text(CONFIG)
    env = dict(oracle_env, TF_CLI_CONFIG_FILE=str(_cli_config(tmp_path / "rc", tmp_path / "source")))
    r = subprocess.run([*SHEATH_CMD, "providers", "mirror", "-platform=linux_amd64", "out"], cwd=work, env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    copied = work / "out" / "example.com" / "acme" / "fake" / archive.name
    assert copied.read_bytes() == archive.read_bytes()
    doc = json.loads((copied.parent / "1.0.0.json").read_text())
    assert doc["archives"]["linux_amd64"]["url"] == archive.name and doc["archives"]["linux_amd64"]["hashes"][0].startswith("h1:")
