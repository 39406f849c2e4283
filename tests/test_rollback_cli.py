"""sheath rollback with plan's and apply's flags (issue 12, item 2): -target limits it,
-out saves the plan (apply FILE then records the rollback), -detailed-exitcode, -json,
-var over the version's recorded variables; flags that cannot work are refused."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

import pytest

V1 = 'variable "tag" {\n  default = "one"\n}\n\nresource "terraform_data" "a" {\n  input = var.tag\n}\n'
V2 = V1.replace('default = "one"', 'default = "two"') + '\nresource "terraform_data" "b" {\n  input = "new"\n}\n'

Run = Callable[..., Any]


def _state_inputs(path: str) -> list[tuple[str, Any]]:
    doc = json.loads((Path(path) / "terraform.tfstate").read_text())
    return sorted((r["name"], r["instances"][0]["attributes"]["input"]["value"]) for r in doc["resources"])


@pytest.fixture
def two_versions(tmp_path: Path, run_sheath: Run) -> Path:
    """Version 1 (a = "one"), then version 2 (a = "two", b added)."""
    (tmp_path / "main.tf").write_text(V1)
    for args in (["init"], ["apply", "-auto-approve"]):
        assert run_sheath(args, tmp_path).returncode == 0
    (tmp_path / "main.tf").write_text(V2)
    assert run_sheath(["apply", "-auto-approve"], tmp_path).returncode == 0
    return tmp_path


def _history(d: Path, run: Run) -> list[dict[str, Any]]:
    r = run(["history", "-json"], d)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)  # type: ignore[no-any-return]


def test_target_limits_the_rollback(two_versions: Path, run_sheath: Run) -> None:
    r = run_sheath(["rollback", "-to-version=1", "-target=terraform_data.b", "-auto-approve", "-no-color"], two_versions)
    assert r.returncode == 0, r.stderr
    assert "Rollback complete! Resources: 0 added, 0 changed, 1 destroyed." in r.stdout
    assert "terraform_data.a will be updated" not in r.stdout
    assert _state_inputs(str(two_versions)) == [("a", "two")]  # a is left as version 2 made it
    last = _history(two_versions, run_sheath)[-1]
    assert last["operation"] == "rollback" and last["origin"] == "version 1"


def test_out_saves_the_plan_and_apply_records_the_rollback(two_versions: Path, run_sheath: Run) -> None:
    r = run_sheath(["rollback", "-to-version=1", "-out=back.tfplan", "-detailed-exitcode", "-no-color"], two_versions)
    assert r.returncode == 2, r.stderr  # changes present
    assert "Rolling back to version 1." in r.stdout and "terraform_data.b will be destroyed" in r.stdout
    assert (two_versions / "back.tfplan").is_file()
    assert _state_inputs(str(two_versions)) == [("a", "two"), ("b", "new")]  # only planned
    assert len(_history(two_versions, run_sheath)) == 2
    (two_versions / "main.tf").write_text(V2 + 'resource "terraform_data" "c" {}\n')  # the plan file holds its configuration
    r = run_sheath(["apply", "-no-color", "back.tfplan"], two_versions)
    assert r.returncode == 0, r.stderr
    assert _state_inputs(str(two_versions)) == [("a", "one")]
    last = _history(two_versions, run_sheath)[-1]
    assert (last["version"], last["operation"], last["origin"]) == (3, "rollback", "version 1")
    r = run_sheath(["rollback", "-to-version=1", "-out=again.tfplan", "-detailed-exitcode", "-no-color"], two_versions)
    assert r.returncode == 0, r.stdout + r.stderr  # no changes


def test_json_lines_end_with_the_apply_summary(two_versions: Path, run_sheath: Run) -> None:
    r = run_sheath(["rollback", "-to-version=1", "-json", "-auto-approve"], two_versions)
    assert r.returncode == 0, r.stdout
    msgs = [json.loads(line) for line in r.stdout.splitlines()]
    types = [m["type"] for m in msgs]
    assert types[0] == "version" and types[-2:] == ["change_summary", "outputs"]
    summary = msgs[-2]["changes"]
    assert (summary["operation"], summary["change"], summary["remove"]) == ("apply", 1, 1)
    planned = [m["change"]["resource"]["addr"] for m in msgs if m["type"] == "planned_change"]
    assert sorted(planned) == ["terraform_data.a", "terraform_data.b"]
    r = run_sheath(["rollback", "-to-version=1", "-json"], two_versions)  # cannot ask for approval
    assert r.returncode == 1
    last = json.loads(r.stdout.splitlines()[-1])
    assert last["type"] == "diagnostic" and last["diagnostic"]["summary"] == "Plan file or auto-approve required"


def test_var_overrides_the_recorded_variables(tmp_path: Path, run_sheath: Run) -> None:
    (tmp_path / "main.tf").write_text(V1)
    for args in (["init"], ["apply", "-auto-approve", "-var=tag=given"]):
        assert run_sheath(args, tmp_path).returncode == 0
    (tmp_path / "main.tf").write_text(V2)
    assert run_sheath(["apply", "-auto-approve"], tmp_path).returncode == 0
    r = run_sheath(["rollback", "-to-version=1", "-out=p", "-no-color"], tmp_path)
    assert r.returncode == 0 and '~ input  = "two" -> "given"' in r.stdout  # version 1's value, not the default
    (tmp_path / "over.tfvars").write_text('tag = "from-file"\n')
    r = run_sheath(["rollback", "-to-version=1", "-var-file=over.tfvars", "-out=p", "-no-color"], tmp_path)
    assert r.returncode == 0 and '~ input  = "two" -> "from-file"' in r.stdout
    r = run_sheath(["rollback", "-to-version=1", "-var", "tag=flag", "-auto-approve", "-no-color"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert _state_inputs(str(tmp_path)) == [("a", "flag")]


def test_a_sensitive_variable_must_be_given_again(tmp_path: Path, run_sheath: Run) -> None:
    conf = 'variable "secret" {\n  sensitive = true\n}\n\nresource "terraform_data" "a" {\n  input = nonsensitive(var.secret)\n}\n'
    (tmp_path / "main.tf").write_text(conf)
    for args in (["init"], ["apply", "-auto-approve", "-var=secret=s1"]):
        assert run_sheath(args, tmp_path).returncode == 0
    assert run_sheath(["apply", "-auto-approve", "-var=secret=s2"], tmp_path).returncode == 0
    r = run_sheath(["rollback", "-to-version=1", "-auto-approve", "-no-color"], tmp_path)
    assert r.returncode == 1 and "Sensitive variable needed" in r.stderr and "-var 'secret=...'" in r.stderr
    r = run_sheath(["rollback", "-to-version=1", "-auto-approve", "-no-color", "-var=secret=s1"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert _state_inputs(str(tmp_path)) == [("a", "s1")]


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["-destroy"], "Unsupported option -destroy"),
        (["-refresh-only"], "Unsupported option -refresh-only"),
        (["-state=other.tfstate"], "Unsupported option -state"),
        (["-detailed-exitcode"], "Invalid option -detailed-exitcode without -out"),
        (["-markdown=plan.md"], "Invalid option -markdown without -out"),
        (["-out=p", "-auto-approve"], "Invalid option -auto-approve with -out"),
        (["-out=p", "-on-failure=stop"], "Invalid option -on-failure with -out"),
        (["-on-failure=later"], "Invalid -on-failure value"),
        (["-target=not an address"], "Invalid target"),
        (["-generate-config-out=g.tf"], "flag provided but not defined: -generate-config-out"),
        (["-plan-signing-key=k"], "Invalid plan signing key"),
        ([], "Invalid rollback target"),
    ],
)
def test_flags_that_cannot_work_are_refused(tmp_path: Path, run_sheath: Run, flags: list[str], message: str) -> None:
    (tmp_path / "main.tf").write_text(V1)
    target = [] if not flags else ["-to-version=1"]
    r = run_sheath(["rollback", *target, *flags, "-no-color"], tmp_path)
    assert r.returncode == 1 and message in r.stderr, r.stderr
    assert not (tmp_path / "terraform.tfstate").exists()


def test_plan_and_apply_flags_are_accepted(two_versions: Path, run_sheath: Run) -> None:
    r = run_sheath(
        ["rollback", "-to-version=1", "-replace=terraform_data.a", "-lock=false", "-lock-timeout=1s", "-parallelism=2",
         "-refresh=false", "-compact-warnings", "-input=false", "-policies=false", "-out=p", "-no-color"],
        two_versions,
    )
    assert r.returncode == 0, r.stderr
    assert "terraform_data.a will be replaced, as requested" in r.stdout and "Refreshing state" not in r.stdout
    r = run_sheath(["rollback", "-to-version=1", "-json", "-out=p", "-detailed-exitcode"], two_versions)
    assert r.returncode == 2, r.stdout
    msgs = [json.loads(line) for line in r.stdout.splitlines()]
    assert [m for m in msgs if m["type"] == "change_summary"][0]["changes"]["operation"] == "plan"
    r = run_sheath(["apply", "-json", "p"], two_versions)  # apply -json of a saved rollback plan records it too
    assert r.returncode == 0, r.stdout
    assert json.loads(r.stdout.splitlines()[-2])["changes"]["operation"] == "apply"
    last = _history(two_versions, run_sheath)[-1]
    assert (last["operation"], last["origin"]) == ("rollback", "version 1")
    r = run_sheath(["rollback", "-to-version=1", "-policies=no-such-dir", "-auto-approve", "-no-color"], two_versions)
    assert r.returncode == 1 and "Invalid -policies option" in r.stderr
    r = run_sheath(["rollback", "-to-version=1", "-auto-approve", "-on-failure=stop", "-no-color"], two_versions)
    assert r.returncode == 0, r.stderr
    assert _state_inputs(str(two_versions)) == [("a", "one")]


def test_to_git_ref_with_out_then_apply(tmp_path: Path, run_sheath: Run) -> None:
    import subprocess

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    git("init", "-q")
    git("config", "user.email", "t@example.invalid")
    git("config", "user.name", "t")
    (tmp_path / ".gitignore").write_text(".terraform*\n*.tfstate*\n.sheath/\np\n")
    (tmp_path / "main.tf").write_text(V1)
    git("add", ".")
    git("commit", "-q", "-m", "one")
    git("tag", "v1")
    for args in (["init"], ["apply", "-auto-approve"]):
        assert run_sheath(args, tmp_path).returncode == 0
    (tmp_path / "main.tf").write_text(V2)
    git("commit", "-q", "-am", "two")
    assert run_sheath(["apply", "-auto-approve"], tmp_path).returncode == 0
    r = run_sheath(["rollback", "-to-git-ref=v1", "-out=p", "-detailed-exitcode", "-no-color"], tmp_path)
    assert r.returncode == 2, r.stderr
    assert r.stdout.startswith("Rolling back to git v1 (")
    assert run_sheath(["apply", "p"], tmp_path).returncode == 0
    assert _state_inputs(str(tmp_path)) == [("a", "one")]
    last = _history(tmp_path, run_sheath)[-1]
    assert last["operation"] == "rollback" and last["origin"].startswith("git v1 (")
    assert (tmp_path / "main.tf").read_text() == V2
