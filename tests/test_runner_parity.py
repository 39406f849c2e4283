"""What the one operation runner fixed in the human view, against terraform: refresh of
an empty state warns (the JSON view already did), and apply -destroy ends with "Apply
complete!" (only the destroy command says "Destroy complete!")."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

OUTPUT_ONLY = 'output "x" {\n  value = 1\n}\n'
ONE = 'resource "terraform_data" "a" {\n  input = "x"\n}\n'


def _norm(text: str) -> str:
    return re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<id>", text)


def _both(tmp_path: Path, config: str, run_terraform: Any, run_sheath: Any, *commands: list[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, run in (("terraform", run_terraform), ("sheath", run_sheath)):
        d = tmp_path / name
        d.mkdir()
        (d / "main.tf").write_text(config)
        assert run(["init", "-no-color"], d).returncode == 0
        texts = []
        for args in commands:
            r = run(args, d)
            assert r.returncode == 0, (name, args, r.stderr)
            texts.append(_norm(r.stdout) + r.stderr)
        out[name] = texts
    return out


def test_refresh_of_an_empty_state_warns(tmp_path: Path, run_terraform: Any, run_sheath: Any) -> None:
    got = _both(tmp_path, OUTPUT_ONLY, run_terraform, run_sheath, ["refresh", "-no-color"], ["refresh"])
    assert got["sheath"] == got["terraform"]
    assert "Warning: Empty or non-existent state" in got["sheath"][0]


def test_apply_destroy_says_apply_complete(tmp_path: Path, run_terraform: Any, run_sheath: Any) -> None:
    got = _both(
        tmp_path,
        ONE,
        run_terraform,
        run_sheath,
        ["apply", "-auto-approve", "-no-color"],
        ["apply", "-destroy", "-auto-approve", "-no-color"],
        ["apply", "-auto-approve", "-no-color"],
        ["destroy", "-auto-approve", "-no-color"],
    )
    assert got["sheath"][1:] == got["terraform"][1:]
    assert "Apply complete! Resources: 0 added, 0 changed, 1 destroyed." in got["sheath"][1]
    assert "Destroy complete! Resources: 1 destroyed." in got["sheath"][3]


def test_serials_of_successive_applies_follow_terraform(tmp_path: Path, run_terraform: Any, run_sheath: Any) -> None:
    """The first apply writes serial 1 (sheath's journal starts without writing an empty state
    first), an apply that changes something steps it, a no-op keeps it, as terraform does."""
    import json

    serials: dict[str, list[int]] = {}
    changed = ONE.replace('"x"', '"y"')
    for name, run in (("terraform", run_terraform), ("sheath", run_sheath)):
        d = tmp_path / name
        d.mkdir()
        (d / "main.tf").write_text(OUTPUT_ONLY)
        assert run(["init", "-no-color"], d).returncode == 0
        got = []
        for config in (OUTPUT_ONLY, ONE, ONE, changed):
            (d / "main.tf").write_text(config)
            r = run(["apply", "-auto-approve", "-no-color"], d)
            assert r.returncode == 0, (name, r.stderr)
            got.append(json.loads((d / "terraform.tfstate").read_text())["serial"])
        serials[name] = got
    # terraform also writes the state after each object it changes (its serial steps by
    # those writes too); sheath journals those changes instead, so only the first serial
    # and the no-op keeping it are the same number
    for got in serials.values():
        assert got[0] == 1 and got[0] < got[1] == got[2] < got[3]
