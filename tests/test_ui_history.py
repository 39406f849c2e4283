"""sheath ui's history view over HTTP: the state versions the local backend kept, the
applied versions, and the diff between two of each (sensitive values masked).

The secret goes into triggers_replace, which the state records as sensitive; terraform_data
copies input (not triggers_replace) to its unmarked output, which terraform and sheath
show in clear."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from ui_fixture import serving

from sheath import Workspace

SECRET = "hush-9f3a7c"

MAIN_V1 = """variable "secret" {
  type      = string
  sensitive = true
}

resource "terraform_data" "a" {
  input = "one"
}

resource "terraform_data" "s" {
  triggers_replace = var.secret
}

output "o" {
  value = terraform_data.a.output
}
"""

MAIN_V2 = MAIN_V1.replace('input = "one"', 'input = "two"') + '\nresource "terraform_data" "b" {\n  input = "new"\n}\n'


def write_history_workdir(root: Path) -> Path:
    """Two applies through the library API: version 1 (a, s), version 2 (a changed, b added)."""
    (root / "main.tf").write_text(MAIN_V1)
    Workspace(root, variables={"secret": SECRET}, plan_checks=[]).apply()
    (root / "main.tf").write_text(MAIN_V2)
    Workspace(root, variables={"secret": SECRET}, plan_checks=[]).apply()
    return root


@pytest.fixture(scope="module")
def history_workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_history_workdir(tmp_path_factory.mktemp("history"))


def get(url: str) -> tuple[int, Any, str]:
    try:
        with urllib.request.urlopen(url, timeout=60) as resp:
            body = resp.read().decode()
            return resp.status, json.loads(body), body
    except urllib.error.HTTPError as exc:
        body = exc.read().decode()
        return exc.code, json.loads(body), body


def test_versions_listed(history_workdir: Path) -> None:
    with serving(history_workdir) as url:
        status, doc, body = get(url + "/api/history")
        assert status == 200 and SECRET not in body
        applied = doc["applied"]
        assert [(v["version"], v["operation"], v["outcome"]) for v in applied] == [(1, "apply", "success"), (2, "apply", "success")]
        assert applied[1]["summary"] == "+1 ~1 -0"
        assert applied[0]["rollback"] == "sheath rollback -to-version=1"
        states = doc["states"]
        assert states and all(s["available"] for s in states)
        assert [s["serial"] for s in states] == sorted(s["serial"] for s in states)
        assert {a["state_version"] for a in applied} <= {s["version"] for s in states}
        assert applied[1]["state_version"] == states[-1]["version"]


def test_diff_of_applied_versions(history_workdir: Path) -> None:
    with serving(history_workdir) as url:
        status, doc, body = get(url + "/api/history/diff?kind=applied&from=1&to=2")
        assert status == 200, doc
        assert SECRET not in body
        assert '-  input = "one"' in doc["configuration"] and '+  input = "two"' in doc["configuration"]
        by_addr = {r["address"]: r for r in doc["resources"]}
        assert set(by_addr) == {"terraform_data.a", "terraform_data.b"}
        assert by_addr["terraform_data.a"]["action"] == "update"
        assert '~ input  = "one" -> "two"' in by_addr["terraform_data.a"]["diff"]
        assert by_addr["terraform_data.b"]["action"] == "create"
        assert doc["outputs"] == [{"name": "o", "action": "update"}]
        # the plan version 2 applied, as history show prints it
        assert [(p["version"], p["operation"], p["summary"]) for p in doc["plans"]] == [(2, "apply", "+1 ~1 -0")]
        assert '  ~ terraform_data.a (update)\n      input: "one" -> "two"' in doc["plans"][0]["plan"]
        assert "  + terraform_data.b (create)" in doc["plans"][0]["plan"]
        assert get(url + "/api/history/diff?kind=applied&from=1&to=1")[1]["plans"] == []


def test_diff_of_state_versions_masks_sensitive_values(history_workdir: Path) -> None:
    with serving(history_workdir) as url:
        states = get(url + "/api/history")[1]["states"]
        first, last = states[0]["version"], states[-1]["version"]
        status, doc, body = get(url + f"/api/history/diff?kind=state&from={last}&to={first}")
        assert status == 200, doc
        assert SECRET not in body
        assert doc["configuration"] is None
        actions = {r["address"]: r["action"] for r in doc["resources"]}
        assert actions.get("terraform_data.b") == "delete"
        # an empty first version against the last: the secret's object appears, masked
        status, doc, body = get(url + f"/api/history/diff?kind=state&from={first}&to={last}")
        assert SECRET not in body
        for r in doc["resources"]:
            if r["address"] == "terraform_data.s":
                assert "(sensitive value)" in r["diff"]
        assert get(url + "/api/history/diff?kind=state&from=999&to=1")[0] == 404
        assert get(url + "/api/history/diff?from=x&to=1")[0] == 400
        assert get(url + "/api/history/diff?kind=applied&from=1&to=7")[0] == 404


def test_source_of_configuration_files_only(history_workdir: Path) -> None:
    with serving(history_workdir) as url:
        status, doc, _ = get(url + "/api/source?file=main.tf")
        assert status == 200 and doc["lines"][5] == 'resource "terraform_data" "a" {'
        assert get(url + "/api/source?file=terraform.tfstate")[0] == 404
        assert get(url + "/api/source?file=../main.tf")[0] == 404
