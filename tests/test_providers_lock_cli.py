"""`sheath providers lock` against `terraform providers lock` with a filesystem mirror: the
output, the exit code and the .terraform.lock.hcl written, step by step."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import RunFn

pytestmark = pytest.mark.oracle

LOCK = ".terraform.lock.hcl"

AWS = 'terraform {\n  required_providers {\n    aws = {\n      source  = "hashicorp/aws"\n      version = ">= 5.0"\n    }\n  }\n}\n\nresource "terraform_data" "a" {}\n'
AWS_RANDOM = (
    'terraform {\n  required_providers {\n    aws = {\n      source = "hashicorp/aws"\n    }\n'
    '    random = {\n      source = "hashicorp/random"\n    }\n  }\n}\n'
)


def _lock_with(version: str, hashes: str = '["h1:x"]', constraints: str = "") -> str:
    c = f'  constraints = "{constraints}"\n' if constraints else ""
    return f'provider "registry.terraform.io/hashicorp/aws" {{\n  version = "{version}"\n{c}  hashes = {hashes}\n}}\n'


def _as_terraform(text: str) -> str:
    return text.replace("sheath [global options]", "terraform [global options]")


def _compare(tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn, config: str, steps: list[list[str]], lock: str | None = None) -> None:
    dirs = {"tf": tmp_path / "tf", "sh": tmp_path / "sh"}
    for d in dirs.values():
        d.mkdir()
        (d / "main.tf").write_text(config)
        if lock is not None:
            (d / LOCK).write_text(lock)
    for args in steps:
        tf = run_terraform(["providers", "lock", *args], dirs["tf"])
        sh = run_sheath(["providers", "lock", *args], dirs["sh"])
        assert (sh.returncode, _as_terraform(sh.stdout), _as_terraform(sh.stderr)) == (tf.returncode, tf.stdout, tf.stderr), args
        assert (dirs["sh"] / LOCK).exists() == (dirs["tf"] / LOCK).exists(), args
        if (dirs["tf"] / LOCK).exists():
            assert (dirs["sh"] / LOCK).read_text() == (dirs["tf"] / LOCK).read_text(), args


def test_new_then_validated(tmp_path: Path, aws_mirror: str, run_terraform: RunFn, run_sheath: RunFn) -> None:
    fs = f"-fs-mirror={aws_mirror}"
    _compare(tmp_path, run_terraform, run_sheath, AWS, [[fs], [fs], [fs, "-no-color", "hashicorp/aws"]])


def test_additional_checksums_keep_the_old_ones(tmp_path: Path, aws_mirror: str, run_terraform: RunFn, run_sheath: RunFn) -> None:
    lock = _lock_with("5.100.0", '["h1:x", "zh:abc"]', "~> 5.0")
    _compare(tmp_path, run_terraform, run_sheath, AWS, [[f"-fs-mirror={aws_mirror}", "-no-color"]], lock)


def test_no_lockable_provider_writes_an_empty_lock_file(tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    _compare(tmp_path, run_terraform, run_sheath, 'resource "terraform_data" "a" {}\n', [[], ["-no-color"]])


@pytest.mark.parametrize(
    ("config", "lock", "args"),
    [
        (AWS_RANDOM, None, []),
        (AWS, _lock_with("4.0.0"), []),
        (AWS, _lock_with("5.1.0"), []),
        (AWS, None, ["-platform=darwin_arm64"]),
        (AWS, None, ["-platform=bogus"]),
        (AWS, None, ["-platform=linux_amd64", "-platform=a_b_c"]),
        (AWS, None, ["hashicorp/random"]),
        (AWS, None, ["not/valid/x/y"]),
        (AWS, None, ["-net-mirror=https://127.0.0.1:9/"]),
    ],
    ids=["not-in-mirror", "locked-mismatch", "locked-gone", "platform-unavailable", "bad-platform", "bad-platform-2", "not-required", "bad-address", "both-mirrors"],
)
@pytest.mark.parametrize("color", [True, False], ids=["color", "no-color"])
def test_errors(
    config: str, lock: str | None, args: list[str], color: bool, tmp_path: Path, aws_mirror: str, run_terraform: RunFn, run_sheath: RunFn
) -> None:
    flags = [f"-fs-mirror={aws_mirror}", *([] if color else ["-no-color"])]
    _compare(tmp_path, run_terraform, run_sheath, config, [[*flags, *args]], lock)


@pytest.mark.parametrize("args", [["-h"], ["-bogus"], ["-net-mirror=http://127.0.0.1:9/", "-no-color"], ["-fs-mirror=nowhere", "-no-color"]])
def test_usage_and_flag_errors(args: list[str], tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    _compare(tmp_path, run_terraform, run_sheath, AWS, [args])


def test_network_sources_refused(tmp_path: Path, run_sheath: RunFn) -> None:
    """terraform would ask the origin registry or the network mirror; sheath never does, and says so."""
    (tmp_path / "main.tf").write_text(AWS)
    for args in (["-no-color"], ["-no-color", "-net-mirror=https://127.0.0.1:9/"]):
        r = run_sheath(["providers", "lock", *args], tmp_path)
        assert r.returncode == 1 and "-fs-mirror=DIR" in r.stderr, r.stderr
        assert not (tmp_path / LOCK).exists()


def test_plugin_cache(tmp_path: Path, aws_mirror: str, oracle_env: dict[str, str], run_sheath: RunFn) -> None:
    """-enable-plugin-cache: a package fetched goes into the plugin cache directory; the next
    run takes it from there without fetching it."""
    import subprocess

    from conftest import SHEATH_CMD

    cache = tmp_path / "cache"
    cache.mkdir()
    work = tmp_path / "w"
    work.mkdir()
    (work / "main.tf").write_text(AWS)
    env = dict(oracle_env, TF_PLUGIN_CACHE_DIR=str(cache))

    def lock(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*SHEATH_CMD, "providers", "lock", "-no-color", f"-fs-mirror={aws_mirror}", *args], cwd=work, env=env, capture_output=True, text=True)

    first = lock("-enable-plugin-cache")
    assert first.returncode == 0, first.stderr
    assert "- Fetching hashicorp/aws 5.100.0" in first.stdout
    assert list(cache.glob("registry.terraform.io/hashicorp/aws/5.100.0/*/terraform-provider-aws*"))
    again = lock("-enable-plugin-cache")
    assert again.returncode == 0 and "Fetching" not in again.stdout and "already tracked" in again.stdout
    assert "Fetching" in lock().stdout  # without the flag, the cache is not used


FAKE = 'terraform {\n  required_providers {\n    fake = {\n      source  = "example.com/acme/fake"\n      version = "~> 1.0"\n    }\n  }\n}\n'


def _fake_mirror(root: Path, packed: bool) -> None:
    import zipfile

    for v in ("1.0.0", "1.1.0", "2.0.0"):
        for platform in ("linux_amd64", "darwin_arm64"):
            base = root / "example.com" / "acme" / "fake"
            if packed:
                base.mkdir(parents=True, exist_ok=True)
                with zipfile.ZipFile(base / f"terraform-provider-fake_{v}_{platform}.zip", "w") as z:
                    z.writestr(f"terraform-provider-fake_v{v}", f"fake {v} {platform}\n")
            else:
                d = base / v / platform
                d.mkdir(parents=True)
                (d / f"terraform-provider-fake_v{v}").write_text(f"fake {v} {platform}\n")


@pytest.mark.parametrize("packed", [False, True], ids=["unpacked", "packed"])
def test_several_platforms(packed: bool, tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    """Two platforms of a provider with versions to choose from: the same lock file (terraform
    prints the "Obtained" lines of several platforms in no fixed order: compared as a set)."""
    mirror = tmp_path / "mirror"
    _fake_mirror(mirror, packed)
    args = ["providers", "lock", "-no-color", f"-fs-mirror={mirror}", "-platform=linux_amd64", "-platform=darwin_arm64"]
    out = {}
    for tool, run in (("tf", run_terraform), ("sh", run_sheath)):
        d = tmp_path / tool
        d.mkdir()
        (d / "main.tf").write_text(FAKE)
        r = run(args, d)
        assert r.returncode == 0, r.stderr
        out[tool] = (sorted(r.stdout.splitlines()), r.stderr, (d / LOCK).read_text())
    assert out["sh"] == out["tf"]
    assert 'version     = "1.1.0"' in out["sh"][2] and out["sh"][2].count('"h1:') == 2
