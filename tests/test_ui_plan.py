"""sheath ui's plan view over HTTP: a saved plan of the working directory, a fresh plan on
request (POST /api/plan), the changes grouped by action with their diffs, sensitive values
masked, the graph's colours and the policy results."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from ui_fixture import SECRET, serving, write_workdir

from sheath.plans.model import Action, Plan, ResourceInstanceChange
from sheath.plans.planfile import write_plan_file
from sheath.states.statefile import StateFile
from sheath.types.cty import STRING, null, object_val, string_val, unknown

EMPTY_STATE = '{"version":4,"serial":1,"lineage":"5d1f0e8e-0000-4000-8000-000000000001","outputs":{},"resources":[]}\n'

EXTRA_TF = """
resource "terraform_data" "new" {
  input = "fresh"
}

resource "terraform_data" "moved" {
  input = "x"
}

moved {
  from = terraform_data.old
  to   = terraform_data.moved
}

import {
  to = terraform_data.imported
  id = "3b2c7a1e-1111-2222-3333-444455556666"
}

resource "terraform_data" "imported" {}
"""

_PROVIDER = 'provider["terraform.io/builtin/terraform"]'


def _resource(name: str, id_: str, value: str) -> dict[str, Any]:
    attrs = {"id": id_, "input": {"value": value, "type": "string"}, "output": {"value": value, "type": "string"}, "triggers_replace": None}
    return {"mode": "managed", "type": "terraform_data", "name": name, "provider": _PROVIDER,
            "instances": [{"schema_version": 0, "attributes": attrs, "sensitive_attributes": []}]}


def write_plan_workdir(root: Path) -> Path:
    """The ui fixture changed so that a plan has every kind of change: base's input and the
    secret (update, sensitive), after (replace, as requested), new (create), gone (delete),
    old -> moved (move), imported (import)."""
    write_workdir(root)
    (root / "other.tfstate").write_text(EMPTY_STATE)
    main = (root / "main.tf").read_text().replace('input = "x"', 'input = "y"', 1)
    (root / "main.tf").write_text(main + EXTRA_TF)
    state = json.loads((root / "terraform.tfstate").read_text())
    state["resources"] += [
        _resource("gone", "aaaaaaaa-1111-2222-3333-444455556666", "bye"),
        _resource("old", "bbbbbbbb-1111-2222-3333-444455556666", "x"),
    ]
    (root / "terraform.tfstate").write_text(json.dumps(state, indent=2))
    return root


def sheath_plan(root: Path, *args: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "sheath", "plan", "-no-color", "-input=false", *args], cwd=root, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.fixture(scope="module")
def plan_workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_plan_workdir(tmp_path_factory.mktemp("plan"))
    sheath_plan(root, "-out=tfplan", "-replace=terraform_data.after")
    return root


def request(url: str, method: str = "GET", headers: dict[str, str] | None = None) -> tuple[int, Any, str]:
    req = urllib.request.Request(url, method=method, headers=headers or {}, data=b"" if method == "POST" else None)
    try:
        with urllib.request.urlopen(req, timeout=120) as resp:
            body = resp.read().decode()
            return resp.status, json.loads(body), body
    except urllib.error.HTTPError as exc:
        body = exc.read().decode()
        return exc.code, json.loads(body), body


def test_saved_plan_grouped_by_action(plan_workdir: Path) -> None:
    with serving(plan_workdir) as url:
        status, plans, _ = request(url + "/api/plans")
        assert status == 200 and [f["name"] for f in plans["files"]] == ["tfplan"] and plans["fresh"] is None
        status, doc, body = request(url + "/api/plan")
        assert status == 200
        assert SECRET not in body  # the secret's before value and the sensitive output are masked
        assert doc["source"] == {"kind": "file", "name": "tfplan"}
        assert doc["summary"] == {"add": 2, "change": 2, "destroy": 2, "import": 1, "move": 1}
        assert {g["key"]: g["addresses"] for g in doc["groups"]} == {
            "create": ["terraform_data.new"],
            "update": ["terraform_data.base", "module.app.terraform_data.secret"],
            "replace": ["terraform_data.after"],
            "delete": ["terraform_data.gone"],
            "import": ["terraform_data.imported"],
            "move": ["terraform_data.moved"],
        }
        by_addr = {c["address"]: c for c in doc["changes"]}
        after = by_addr["terraform_data.after"]
        assert after["reason"] == "replace_by_request"
        assert after["comment"] == ["terraform_data.after will be replaced, as requested"]
        gone = by_addr["terraform_data.gone"]
        assert gone["comment"][1] == "(because terraform_data.gone is not in configuration)"
        assert '- input  = "bye" -> null' in gone["diff"]
        assert by_addr["terraform_data.moved"]["previous_address"] == "terraform_data.old"
        assert by_addr["terraform_data.imported"]["importing_id"] == "3b2c7a1e-1111-2222-3333-444455556666"
        secret = by_addr["module.app.terraform_data.secret"]
        assert "~ input  = (sensitive value)" in secret["diff"]
        assert doc["outputs"] == [{"name": "secret_out", "action": "update", "sensitive": True}]
        assert doc["actions"]["module.app"] == "update" and doc["actions"]["terraform_data.after"] == "replace"
        assert doc["actions"]["terraform_data.gone"] == "delete" and doc["actions"]["terraform_data.moved"] == "move"
        assert "Plan: 1 to import, 2 to add, 2 to change, 2 to destroy." in doc["text"]
        assert "### Replace (1)" in doc["markdown"]
        assert doc["policy"]["summary"]["failed"] == 0 and doc["policy"]["diagnostics"] == []


def test_plan_file_selection(plan_workdir: Path) -> None:
    with serving(plan_workdir) as url:
        assert request(url + "/api/plan?file=tfplan")[0] == 200
        assert request(url + "/api/plan?file=main.tf")[0] == 404
        assert request(url + "/api/plan?file=../tfplan")[0] == 404
        assert request(url + "/api/plan?fresh=1")[0] == 404


def test_fresh_plan_on_request(tmp_path: Path) -> None:
    root = write_plan_workdir(tmp_path)
    with serving(root) as url:
        assert request(url + "/api/plan")[0] == 404  # no saved plan, none made yet
        # a plan is made only when the page asks: a bare POST (a form of another site) is refused
        assert request(url + "/api/plan", method="POST")[0] == 403
        assert request(url + "/api/plan", method="POST", headers={"X-Sheath-UI": "plan", "Origin": "http://evil.example"})[0] == 403
        assert request(url + "/api/graph", method="POST", headers={"X-Sheath-UI": "plan"})[0] == 405
        status, doc, body = request(url + "/api/plan", method="POST", headers={"X-Sheath-UI": "plan"})
        assert status == 200, doc
        assert SECRET not in body
        assert doc["source"]["kind"] == "fresh"
        assert doc["summary"] == {"add": 1, "change": 3, "destroy": 1, "import": 1, "move": 1}
        assert request(url + "/api/plans")[1]["fresh"] == doc["source"]
        status, progress, _ = request(url + "/api/plan/progress")
        assert status == 200 and progress["running"] is False
        assert "terraform_data.gone: Refreshing state... [id=aaaaaaaa-1111-2222-3333-444455556666]" in progress["lines"]
        assert "terraform_data.imported: Preparing import... [id=3b2c7a1e-1111-2222-3333-444455556666]" in progress["lines"]
        status, again, _ = request(url + "/api/plan?fresh=1")
        assert status == 200 and again["changes"] == doc["changes"]
    assert not (root / "tfplan").exists()


def test_fresh_plan_errors_are_diagnostics(tmp_path: Path) -> None:
    write_workdir(tmp_path)  # its terraform_remote_state reads other.tfstate, which is missing
    with serving(tmp_path) as url:
        status, doc, _ = request(url + "/api/plan", method="POST", headers={"X-Sheath-UI": "plan"})
        assert status == 200 and doc["errored"] is True and doc["changes"] == []
        assert any(d["summary"] == "Unable to find remote state" for d in doc["diagnostics"])


BUCKET_TF = """resource "terraform_data" "x" {}

resource "aws_s3_bucket" "logs" {
  bucket = "logs"
}
"""


def test_policy_results_name_their_source_line(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(BUCKET_TF)
    after = object_val({"bucket": string_val("logs"), "id": unknown(STRING), "arn": unknown(STRING), "tags": null()})
    change = ResourceInstanceChange(
        address="aws_s3_bucket.logs",
        mode="managed",
        type="aws_s3_bucket",
        name="logs",
        action=Action.CREATE,
        before=null(),
        after=after,
        provider_name="registry.terraform.io/hashicorp/aws",
        provider_config_addr='provider["registry.terraform.io/hashicorp/aws"]',
    )
    plan = Plan(changes=[change], prior_state=StateFile(lineage="5d1f0e8e-0000-4000-8000-000000000002"))
    (tmp_path / "bucket.tfplan").write_bytes(write_plan_file(plan))
    with serving(tmp_path) as url:
        status, doc, _ = request(url + "/api/plan?file=bucket.tfplan")
        assert status == 200, doc
        findings = doc["policy"]["findings"]
        assert findings and doc["policy"]["summary"]["failed"] == len([f for f in findings if not f["skipped"]])
        assert {(f["address"], f["file"], f["line"]) for f in findings} == {("aws_s3_bucket.logs", "main.tf", 3)}
        assert all(f["rule_id"] and f["title"] and f["enforcement_level"] in ("advisory", "mandatory") for f in findings)


def _terraform_groups(plan_json: dict[str, Any]) -> dict[str, list[str]]:
    """terraform's own JSON plan grouped as the PR Markdown groups it."""
    kinds = {("create",): "create", ("update",): "update", ("delete", "create"): "replace",
             ("create", "delete"): "replace", ("delete",): "delete", ("read",): "read", ("forget",): "forget"}
    out: dict[str, list[str]] = {}
    for rc in plan_json["resource_changes"]:
        change = rc["change"]
        keys = [k for k in [kinds.get(tuple(change["actions"]))] if k]
        if change.get("importing"):
            keys.append("import")
        if rc.get("previous_address") and rc["previous_address"] != rc["address"]:
            keys.append("move")
        for k in keys:
            out.setdefault(k, []).append(rc["address"])
    return {k: sorted(v) for k, v in out.items()}


@pytest.mark.oracle
def test_groups_and_comments_match_terraform(run_terraform: Any, tmp_path: Path) -> None:
    """The same working directory planned by terraform 1.11.4: the plan view's groups are
    those of terraform's JSON plan, and each change's comment lines those terraform prints."""
    tf_dir = write_plan_workdir(tmp_path / "tf")
    assert run_terraform(["init", "-no-color"], tf_dir).returncode == 0
    p = run_terraform(["plan", "-no-color", "-out=tf.plan", "-replace=terraform_data.after"], tf_dir)
    assert p.returncode == 0, p.stdout + p.stderr
    shown = run_terraform(["show", "-json", "tf.plan"], tf_dir)
    text = run_terraform(["show", "-no-color", "tf.plan"], tf_dir).stdout
    expected = _terraform_groups(json.loads(shown.stdout))

    work = write_plan_workdir(tmp_path / "sheath")
    sheath_plan(work, "-out=tfplan", "-replace=terraform_data.after")
    with serving(work) as url:
        doc = request(url + "/api/plan")[1]
    assert {g["key"]: sorted(g["addresses"]) for g in doc["groups"]} == expected
    for change in doc["changes"]:
        for line in change["comment"]:
            assert "  # " + line in text or " # " + line in text, line


def test_signed_plan_needs_the_key_sheath_show_needs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "main.tf").write_text('resource "terraform_data" "x" {}\n')
    key = tmp_path / "plan.key"
    key.write_bytes(b"k3y\n")
    change = ResourceInstanceChange(
        address="terraform_data.x", mode="managed", type="terraform_data", name="x", action=Action.CREATE,
        before=null(), after=object_val({"id": unknown(STRING), "input": null(), "output": null(), "triggers_replace": null()}),
    )
    plan = Plan(changes=[change], prior_state=StateFile(lineage="5d1f0e8e-0000-4000-8000-000000000004"))
    (tmp_path / "signed.tfplan").write_bytes(write_plan_file(plan, signing_key=b"k3y\n"))
    with serving(tmp_path) as url:
        monkeypatch.delenv("SHEATH_PLAN_SIGNING_KEY_FILE", raising=False)
        doc = request(url + "/api/plan")[1]
        assert doc["errored"] is True and [d["summary"] for d in doc["diagnostics"]] == ["Plan file is signed"]
        monkeypatch.setenv("SHEATH_PLAN_SIGNING_KEY_FILE", str(key))
        doc = request(url + "/api/plan")[1]
        assert doc["diagnostics"] == [] and doc["summary"]["add"] == 1
