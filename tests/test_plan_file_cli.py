"""apply PLANFILE applies exactly the saved plan: the plan's own configuration snapshot
(against terraform), a plan file that was changed in any way is refused, and signed
plan files need their key (sheath's own; terraform has no signing)."""

from __future__ import annotations

import io
import json
import os
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import RunFn
from sheath.cli.main import main

CONFIG = """
variable "v" {
  default = "planned"
}

module "m" {
  source = "./mod"
  value  = "${var.v}-module"
}

resource "terraform_data" "a" {
  input = var.v
}

output "a" {
  value = terraform_data.a.output
}

output "m" {
  value = module.m.out
}
"""

MODULE = """
variable "value" {}

resource "terraform_data" "inner" {
  input = var.value
}

output "out" {
  value = terraform_data.inner.output
}
"""


def _plain(text: str) -> str:
    """Text without colour codes, box drawing and line wrapping."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", text)
    return " ".join(text.replace("│", " ").split())


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    capsys.readouterr()
    rc = main(args)
    out, err = capsys.readouterr()
    return rc, out, err


def _write_config(d: Path) -> None:
    d.mkdir(parents=True, exist_ok=True)
    (d / "mod").mkdir(exist_ok=True)
    (d / "main.tf").write_text(CONFIG)
    (d / "mod" / "main.tf").write_text(MODULE)


def _edit_after_plan(d: Path) -> None:
    """What a reviewer never saw: changed values, a new resource, a changed module."""
    (d / "main.tf").write_text(CONFIG.replace('default = "planned"', 'default = "edited"'))
    (d / "extra.tf").write_text('resource "terraform_data" "unplanned" {\n  input = "x"\n}\n')
    (d / "mod" / "main.tf").write_text(MODULE.replace("input = var.value", 'input = "edited-module"'))


def _break_after_plan(d: Path) -> None:
    """Configuration that no longer loads at all: the plan's snapshot is still whole."""
    (d / "main.tf").write_text("this is { not HCL\n")
    (d / "mod" / "main.tf").unlink()
    (d / "mod").rmdir()


def _state_inputs(d: Path) -> dict[str, object]:
    doc = json.loads((d / "terraform.tfstate").read_text())
    out: dict[str, object] = {}
    for r in doc["resources"]:
        addr = (r["module"] + "." if "module" in r else "") + f"{r['type']}.{r['name']}"
        out[addr] = r["instances"][0]["attributes"]["input"]["value"]
    return out


@pytest.mark.oracle
@pytest.mark.parametrize("change", [_edit_after_plan, _break_after_plan], ids=["edited", "broken"])
def test_apply_uses_the_plans_configuration_not_the_edited_files(
    change: Callable[[Path], None], tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn
) -> None:
    results = {}
    for tool, run in (("terraform", run_terraform), ("sheath", run_sheath)):
        d = tmp_path / tool
        _write_config(d)
        assert run(["init", "-no-color"], d).returncode == 0
        r = run(["plan", "-no-color", "-out=saved.plan"], d)
        assert r.returncode == 0, r.stderr
        change(d)
        r = run(["apply", "-no-color", "saved.plan"], d)
        assert r.returncode == 0, r.stdout + r.stderr
        outputs = json.loads((d / "terraform.tfstate").read_text())["outputs"]
        lines = sorted(re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<id>", r.stdout).splitlines())
        results[tool] = (_state_inputs(d), {k: v["value"] for k, v in outputs.items()}, lines)
    assert results["sheath"] == results["terraform"]
    inputs, outputs, _ = results["sheath"]
    assert inputs == {"terraform_data.a": "planned", "module.m.terraform_data.inner": "planned-module"}
    assert outputs == {"a": "planned", "m": "planned-module"}


@pytest.mark.oracle
def test_json_apply_uses_the_plans_configuration(tmp_path: Path, run_sheath: RunFn) -> None:
    _write_config(tmp_path)
    assert run_sheath(["plan", "-out=saved.plan"], tmp_path).returncode == 0
    _edit_after_plan(tmp_path)
    r = run_sheath(["apply", "-json", "saved.plan"], tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert _state_inputs(tmp_path) == {"terraform_data.a": "planned", "module.m.terraform_data.inner": "planned-module"}


# --- integrity ---------------------------------------------------------------------------------


def _rewrite(path: Path, entry: str, edit: Callable[[bytes], bytes]) -> None:
    """Change one entry of the plan file as an editor would, keeping the rest (and the comment)."""
    data = path.read_bytes()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            dst.writestr(info.filename, edit(content) if info.filename == entry else content)
        dst.comment = src.comment
    path.write_bytes(out.getvalue())


def test_edited_delete_action_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "main.tf").write_text('resource "terraform_data" "a" {\n  input = "one"\n}\n')
    assert main(["apply", "-auto-approve"]) == 0
    (tmp_path / "main.tf").write_text('resource "terraform_data" "a" {\n  input = "two"\n}\n')
    assert main(["plan", "-out=saved.plan"]) == 0
    state_before = (tmp_path / "terraform.tfstate").read_bytes()

    def to_delete(content: bytes) -> bytes:
        doc = json.loads(content)
        assert doc["changes"][0]["action"] == "update"
        doc["changes"][0]["action"] = "delete"
        return json.dumps(doc).encode()

    _rewrite(tmp_path / "saved.plan", "tfplan", to_delete)
    for args in (["apply", "-no-color", "saved.plan"], ["show", "-no-color", "saved.plan"], ["show", "-json", "saved.plan"]):
        rc, _, err = _run(args, capsys)
        assert rc == 1, args
        err = _plain(err)
        assert "Failed to read plan from plan file" in err and "saved.plan" in err
        assert "modified" in err and "Traceback" not in err
    rc, out, _ = _run(["apply", "-json", "saved.plan"], capsys)
    assert rc == 1
    assert any(
        json.loads(line).get("@message") == "Error: Failed to read plan from plan file" for line in out.splitlines()
    )
    assert (tmp_path / "terraform.tfstate").read_bytes() == state_before


def test_edited_configuration_snapshot_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "main.tf").write_text('resource "terraform_data" "a" {\n  input = "one"\n}\n')
    assert main(["plan", "-out=saved.plan"]) == 0
    _rewrite(tmp_path / "saved.plan", "tfconfig/main.tf", lambda c: c.replace(b"one", b"two"))
    capsys.readouterr()
    assert main(["apply", "-no-color", "saved.plan"]) == 1
    err = _plain(capsys.readouterr().err)
    assert "does not match its digest" in err and not (tmp_path / "terraform.tfstate").exists()


def _positions(n: int, count: int) -> list[int]:
    """count bit positions spread evenly over n bytes, first and last bit included."""
    return sorted({(i * (n * 8 - 1)) // (count - 1) for i in range(count)})


def test_bit_flips_and_truncations_are_diagnostics(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    _write_config(tmp_path)
    assert main(["plan", "-out=saved.plan"]) == 0
    data = (tmp_path / "saved.plan").read_bytes()
    bad = tmp_path / "bad.plan"
    cases: list[bytes] = []
    for bit in _positions(len(data), 200):
        flipped = bytearray(data)
        flipped[bit // 8] ^= 1 << (bit % 8)
        cases.append(bytes(flipped))
    cases += [data[:n] for n in sorted({*range(0, len(data), max(1, len(data) // 100)), len(data) - 1, len(data) - 22})]
    commands = (["apply", "-no-color", "bad.plan"], ["show", "-no-color", "bad.plan"], ["show", "-json", "bad.plan"])
    capsys.readouterr()
    for i, case in enumerate(cases):
        bad.write_bytes(case)
        for args in commands if i % 4 == 0 else commands[:1]:
            rc = main(args)
            out, err = capsys.readouterr()
            assert rc == 1, (i, args, out)
            assert "Error: " in _plain(err), (i, args, err)
            assert "Traceback" not in err + out and "internal error" not in err, (i, args, err)
    assert not (tmp_path / "terraform.tfstate").exists()


@pytest.mark.oracle
def test_damaged_plan_file_in_a_process_is_a_diagnostic(
    tmp_path: Path, run_sheath: RunFn, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "main.tf").write_text('resource "terraform_data" "a" {}\n')
    assert main(["plan", "-out=saved.plan"]) == 0
    data = (tmp_path / "saved.plan").read_bytes()
    for n, damaged in enumerate([data[: len(data) // 2], data[:-1] + bytes([data[-1] ^ 1])]):
        (tmp_path / f"d{n}.plan").write_bytes(damaged)
        r = run_sheath(["apply", f"d{n}.plan"], tmp_path)
        assert r.returncode == 1 and "Error" in r.stderr and "Traceback" not in r.stderr, r.stderr


# --- signing -----------------------------------------------------------------------------------


@pytest.fixture
def signing_dir(tmp_path: Path) -> Path:
    (tmp_path / "main.tf").write_text('resource "terraform_data" "a" {\n  input = "signed"\n}\n')
    (tmp_path / "ci.key").write_bytes(os.urandom(32))
    (tmp_path / "other.key").write_bytes(os.urandom(32))
    return tmp_path


def test_signed_plan_applies_with_its_key(
    signing_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(signing_dir)
    monkeypatch.delenv("SHEATH_PLAN_SIGNING_KEY_FILE", raising=False)
    assert _run(["plan", "-out=signed.plan", "-plan-signing-key=ci.key"], capsys)[0] == 0
    rc, out, _ = _run(["show", "-no-color", "-plan-signing-key=ci.key", "signed.plan"], capsys)
    assert rc == 0 and "terraform_data.a will be created" in out
    rc, out, err = _run(["apply", "-no-color", "-plan-signing-key=ci.key", "signed.plan"], capsys)
    assert rc == 0, err
    assert "Apply complete! Resources: 1 added" in out


def test_signing_key_from_the_environment(
    signing_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(signing_dir)
    monkeypatch.setenv("SHEATH_PLAN_SIGNING_KEY_FILE", "ci.key")
    assert _run(["plan", "-out=signed.plan"], capsys)[0] == 0
    rc, _, err = _run(["apply", "-no-color", "-plan-signing-key=other.key", "signed.plan"], capsys)
    assert rc == 1 and "Plan file signature does not match" in err  # the flag wins over the environment
    rc, _, err = _run(["apply", "-json", "signed.plan"], capsys)
    assert rc == 0, err
    assert json.loads((signing_dir / "terraform.tfstate").read_text())["resources"][0]["name"] == "a"


@pytest.mark.parametrize(
    "plan_key,apply_key,summary",
    [
        ("ci.key", "other.key", "Plan file signature does not match"),
        (None, "ci.key", "Plan file is not signed"),
        ("ci.key", None, "Plan file is signed"),
    ],
    ids=["wrong-key", "unsigned-with-key", "signed-without-key"],
)
def test_signature_mismatches_are_refused(
    plan_key: str | None,
    apply_key: str | None,
    summary: str,
    signing_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(signing_dir)
    monkeypatch.delenv("SHEATH_PLAN_SIGNING_KEY_FILE", raising=False)

    def key_flag(k: str | None) -> list[str]:
        return [] if k is None else [f"-plan-signing-key={k}"]

    assert _run(["plan", "-out=p.plan", *key_flag(plan_key)], capsys)[0] == 0
    for args in (
        ["apply", "-no-color", *key_flag(apply_key), "p.plan"],
        ["show", "-no-color", *key_flag(apply_key), "p.plan"],
        ["show", "-json", *key_flag(apply_key), "p.plan"],
    ):
        rc, _, err = _run(args, capsys)
        assert rc == 1 and f"Error: {summary}" in _plain(err), (args, err)
    if apply_key is not None:
        monkeypatch.setenv("SHEATH_PLAN_SIGNING_KEY_FILE", apply_key)
        rc, _, err = _run(["apply", "-no-color", "p.plan"], capsys)
        assert rc == 1 and f"Error: {summary}" in err
    assert not (signing_dir / "terraform.tfstate").exists()


@pytest.mark.parametrize(
    "args,summary",
    [
        (["plan", "-plan-signing-key=ci.key"], "Invalid plan signing key"),
        (["plan", "-json", "-plan-signing-key=ci.key"], "Invalid plan signing key"),
        (["plan", "-out=p.plan", "-plan-signing-key=missing.key"], "Failed to read plan signing key"),
        (["plan", "-out=p.plan", "-plan-signing-key=empty.key"], "Invalid plan signing key"),
        (["apply", "-auto-approve", "-plan-signing-key=ci.key"], "Invalid plan signing key"),
        (["show", "-plan-signing-key=ci.key"], "Invalid plan signing key"),
        (["destroy", "-auto-approve", "-plan-signing-key=ci.key"], "Failed to parse command-line flags"),
    ],
    ids=["plan-without-out", "plan-json-without-out", "missing-key", "empty-key", "apply-without-plan", "show-state", "destroy"],
)
def test_signing_key_flag_that_would_do_nothing_is_an_error(
    args: list[str], summary: str, signing_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(signing_dir)
    (signing_dir / "empty.key").write_bytes(b"")
    rc, out, err = _run(["-chdir=.", *args[:1], "-no-color", *args[1:]], capsys)
    assert rc == 1
    assert summary in _plain(err + out)
    assert not (signing_dir / "p.plan").exists() and not (signing_dir / "terraform.tfstate").exists()


def test_a_new_plan_file_is_private(tmp_path: Path) -> None:
    """A plan file holds the prior state, secrets included: a new one is 0600 (terraform
    makes it 0644), and an existing one keeps its mode."""
    import stat
    import subprocess
    import sys

    (tmp_path / "main.tf").write_text('resource "terraform_data" "a" {}\n')
    run = lambda *a: subprocess.run([sys.executable, "-m", "sheath", *a], cwd=tmp_path, capture_output=True, text=True)  # noqa: E731
    assert run("init").returncode == 0
    assert run("plan", "-out=p.plan").returncode == 0
    assert stat.S_IMODE((tmp_path / "p.plan").stat().st_mode) == 0o600
    (tmp_path / "p.plan").chmod(0o640)
    assert run("plan", "-out=p.plan").returncode == 0
    assert stat.S_IMODE((tmp_path / "p.plan").stat().st_mode) == 0o640
