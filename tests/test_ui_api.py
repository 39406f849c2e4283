"""sheath ui's JSON API, requested over HTTP from the server bound to 127.0.0.1."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from ui_fixture import SECRET, serving, write_workdir

from sheath.ui.model import SENSITIVE
from sheath.ui.server import check_listen, is_loopback, make_server


def get(url: str, headers: dict[str, str] | None = None, method: str = "GET") -> tuple[int, Any]:
    req = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


@pytest.fixture
def base_url(tmp_path: Path) -> Any:
    with serving(write_workdir(tmp_path)) as url:
        yield url


def test_graph_nodes_and_edges(base_url: str) -> None:
    status, doc = get(base_url + "/api/graph")
    assert status == 200
    nodes = {n["address"]: n for n in doc["nodes"]}
    assert set(nodes) == {
        "terraform_data.base",
        "terraform_data.after",
        "module.app",
        "module.app.terraform_data.secret",
        "data.terraform_remote_state.other",
    }
    secret = nodes["module.app.terraform_data.secret"]
    assert (secret["kind"], secret["type"], secret["module"], secret["file"], secret["line"]) == (
        "resource",
        "terraform_data",
        "module.app",
        os.path.join("mod", "main.tf"),
        5,
    )
    assert (nodes["module.app"]["kind"], nodes["module.app"]["file"], nodes["module.app"]["line"]) == ("module", "main.tf", 5)
    assert nodes["data.terraform_remote_state.other"]["kind"] == "data"
    assert nodes["terraform_data.base"]["instances"] == 1
    edges = {(e["from"], e["to"]) for e in doc["edges"]}
    assert ("module.app.terraform_data.secret", "terraform_data.base") in edges
    assert ("terraform_data.after", "module.app.terraform_data.secret") in edges
    assert not any(a == "terraform_data.base" for a, _ in edges)
    assert doc["diagnostics"] == []


def test_state_masks_sensitive_values(base_url: str) -> None:
    status, doc = get(base_url + "/api/state")
    assert status == 200
    assert SECRET not in json.dumps(doc)
    by_addr = {r["address"]: r for r in doc["resources"]}
    inst = by_addr["module.app.terraform_data.secret"]["instances"][0]
    assert inst["attributes"]["input"] == SENSITIVE
    assert inst["sensitive_paths"] == [["input"]]
    assert inst["attributes"]["id"] == "328d914e-7245-d921-ee82-b3b63d2496e8"
    assert doc["outputs"]["secret_out"] == {"value": SENSITIVE, "sensitive": True}


def test_resource_details(base_url: str) -> None:
    status, doc = get(base_url + "/api/resource?address=module.app.terraform_data.secret")
    assert status == 200
    assert SECRET not in json.dumps(doc)
    assert doc["file"] == os.path.join("mod", "main.tf") and doc["line"] == 5
    assert doc["dependencies"] == ["terraform_data.base"]
    assert doc["dependents"] == ["terraform_data.after"]
    assert [i["attributes"]["input"] for i in doc["instances"]] == [SENSITIVE]
    status, mod = get(base_url + "/api/resource?address=module.app")
    assert status == 200
    assert mod["children"] == ["module.app.terraform_data.secret"]
    assert mod["dependencies"] == ["terraform_data.base"] and mod["dependents"] == ["terraform_data.after"]
    status, missing = get(base_url + "/api/resource?address=terraform_data.nope")
    assert status == 404
    assert get(base_url + "/api/resource")[0] == 400


def test_reads_the_working_directory_again_when_it_changes(tmp_path: Path) -> None:
    write_workdir(tmp_path)
    with serving(tmp_path) as url:
        assert len(get(url + "/api/state")[1]["resources"]) == 3
        state = json.loads((tmp_path / "terraform.tfstate").read_text())
        state["resources"] = state["resources"][:1]
        state["serial"] += 1
        (tmp_path / "terraform.tfstate").write_text(json.dumps(state))
        assert [r["address"] for r in get(url + "/api/state")[1]["resources"]] == ["terraform_data.after"]
        with open(tmp_path / "main.tf", "a") as fh:
            fh.write('\nresource "terraform_data" "late" {}\n')
        assert "terraform_data.late" in {n["address"] for n in get(url + "/api/graph")[1]["nodes"]}


def test_local_backend_path_outside_the_working_directory(tmp_path: Path) -> None:
    work = write_workdir(tmp_path / "work")
    (tmp_path / "elsewhere").mkdir()
    state_file = tmp_path / "elsewhere" / "x.tfstate"
    (work / "terraform.tfstate").rename(state_file)
    (work / "backend.tf").write_text('terraform {\n  backend "local" {\n    path = "../elsewhere/x.tfstate"\n  }\n}\n')
    with serving(work) as url:
        assert len(get(url + "/api/state")[1]["resources"]) == 3
        state = json.loads(state_file.read_text())
        state["resources"] = state["resources"][1:2]
        state["serial"] += 1
        state_file.write_text(json.dumps(state))
        assert [r["address"] for r in get(url + "/api/state")[1]["resources"]] == ["terraform_data.base"]


def test_read_only_and_loopback_host_only(base_url: str) -> None:
    assert get(base_url + "/api/graph", method="POST")[0] == 405
    # a page whose host name resolves to 127.0.0.1 (DNS rebinding) is refused
    assert get(base_url + "/api/state", headers={"Host": "evil.example:80"})[0] == 403
    assert get(base_url + "/api/state", headers={"Host": "localhost"})[0] == 200
    with urllib.request.urlopen(base_url + "/", timeout=30) as resp:
        assert resp.headers["Content-Type"].startswith("text/html")
        assert b"/static/ui.js" in resp.read()
    with urllib.request.urlopen(base_url + "/static/ui.js", timeout=30) as resp:
        assert resp.headers["Content-Type"].startswith(("text/javascript", "application/javascript"))


def test_refuses_non_loopback_listen_without_flag(tmp_path: Path) -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.0.2.1")
    bad = check_listen("0.0.0.0", explicit=False)
    assert bad is not None and "non-loopback" in bad.summary
    assert check_listen("0.0.0.0", explicit=True) is None
    srv, err = make_server(str(tmp_path), "0.0.0.0", 0)
    assert srv is None and err is not None


def _sheath(*args: str, cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "sheath", *args], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def test_cli_serves_and_rejects_bad_flags(tmp_path: Path) -> None:
    write_workdir(tmp_path)
    bad = subprocess.run([sys.executable, "-m", "sheath", "ui", "-port=70000"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert bad.returncode == 1 and "Invalid -port" in bad.stderr
    proc = _sheath("ui", "-port=0", cwd=tmp_path)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert "read-only at http://127.0.0.1:" in line, line + (proc.stderr.read() if proc.poll() is not None and proc.stderr else "")
        url = line.split(" at ", 1)[1].split(" ", 1)[0].rstrip("/")
        status, doc = get(url + "/api/graph")
        assert status == 200 and len(doc["nodes"]) == 5
    finally:
        proc.terminate()
        proc.wait(timeout=30)



def test_configuration_errors_are_diagnostics(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('resource "terraform_data" "a" {\n  input = \n}\n')
    with serving(tmp_path) as url:
        status, doc = get(url + "/api/graph")
        assert status == 200 and doc["nodes"] == []
        errors = [d for d in doc["diagnostics"] if d["severity"] == "error"]
        assert errors and errors[0]["range"]["filename"].endswith("main.tf") and errors[0]["range"]["line"] == 2
        status, state = get(url + "/api/state")
        assert status == 200 and state["exists"] is False and state["resources"] == []
