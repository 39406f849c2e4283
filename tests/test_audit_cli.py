"""The audit trail of a local state records every command that changes it: apply and
destroy (with their plan's hash), import, state mv, state rm, taint and untaint; a
hash-chained log that audit verify checks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

CONFIG = 'resource "terraform_data" "a" {\n  input = "x"\n}\n\nresource "terraform_data" "b" {}\n'


def test_state_changing_commands_are_audited(tmp_path: Path, run_sheath: Any) -> None:
    (tmp_path / "main.tf").write_text(CONFIG)
    steps = [
        ["init"],
        ["apply", "-auto-approve"],
        ["state", "mv", "terraform_data.b", "terraform_data.c"],
        ["taint", "terraform_data.a"],
        ["untaint", "terraform_data.a"],
        ["state", "rm", "terraform_data.c"],
        ["destroy", "-auto-approve"],
    ]
    for args in steps:
        r = run_sheath(args, tmp_path)
        assert r.returncode == 0, (args, r.stderr)
    r = run_sheath(["audit", "log", "-json"], tmp_path)
    assert r.returncode == 0, r.stderr
    text = r.stdout.strip()
    records = json.loads(text) if text.startswith("[") else [json.loads(line) for line in text.splitlines()]
    assert [(rec["operation"], rec["result"]) for rec in records] == [
        ("apply", "success"),
        ("state mv", "success"),
        ("taint", "success"),
        ("untaint", "success"),
        ("state rm", "success"),
        ("destroy", "success"),
    ]
    assert len(records[0]["plan_hash"]) == 64 and records[0]["details"]["changes"] == {"add": 2, "change": 0, "destroy": 0}
    r = run_sheath(["audit", "verify"], tmp_path)
    assert r.returncode == 0 and "6 records" in r.stdout
