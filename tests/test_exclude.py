"""OpenTofu's -exclude, -target-file and -exclude-file on plan, apply, destroy and refresh.

terraform 1.11 has none of them, so there is no oracle: the expectations follow OpenTofu's
documented rules (an excluded object and everything that depends on it are left out; a
destroy keeps the excluded objects and what they depend on; targets and excludes exclude
each other; a file lists one address a line, '#' comments and blank lines ignored).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import RunFn

CHAIN = """
resource "terraform_data" "a" {
  input = "a"
}

resource "terraform_data" "b" {
  input = terraform_data.a.output
}

resource "terraform_data" "c" {
  input = terraform_data.b.output
}

resource "terraform_data" "x" {
  input = "x"
}

output "c" {
  value = terraform_data.c.output
}

output "x" {
  value = terraform_data.x.output
}
"""

WARNING = "Warning: Resource targeting is in effect"
APPLY_WARNING = "Warning: Applied changes may be incomplete"


def _ok(run_sheath: RunFn, d: Path, *args: str) -> str:
    r = run_sheath([args[0], "-no-color", *args[1:]] if args[0] != "state" else list(args), d)
    assert r.returncode == 0, r.stdout + r.stderr
    return r.stdout


def _fail(run_sheath: RunFn, d: Path, *args: str) -> str:
    r = run_sheath([args[0], "-no-color", *args[1:]], d)
    assert r.returncode == 1, r.stdout + r.stderr
    return r.stderr


def _planned(stdout: str) -> list[str]:
    lines = [line.strip() for line in stdout.splitlines()]
    return sorted(line[2:].split(" ")[0] for line in lines if line.startswith("# ") and (" will be " in line or " must be " in line))


def _state(d: Path) -> dict[str, object]:
    doc: dict[str, object] = json.loads((d / "terraform.tfstate").read_text())
    return doc


def _addresses(d: Path) -> list[str]:
    out = []
    for r in _state(d)["resources"]:  # type: ignore[attr-defined]
        base = f"{r['type']}.{r['name']}"
        if r.get("module"):
            base = f"{r['module']}.{base}"
        for i in r["instances"]:
            key = i.get("index_key")
            out.append(base if key is None else f"{base}[{json.dumps(key)}]")
    return sorted(out)


@pytest.fixture
def chain(tmp_path: Path) -> Path:
    (tmp_path / "main.tf").write_text(CHAIN)
    return tmp_path


def test_plan_leaves_out_the_excluded_and_its_dependents(run_sheath: RunFn, chain: Path) -> None:
    out = _ok(run_sheath, chain, "plan", "-exclude=terraform_data.b")
    assert _planned(out) == ["terraform_data.a", "terraform_data.x"]
    assert "Plan: 2 to add, 0 to change, 0 to destroy." in out
    # an output is planned only when every resource it depends on is
    assert "Changes to Outputs:\n  + x = (known after apply)\n\n" in out
    assert WARNING in out and "-exclude option" in out


def test_apply_writes_only_what_was_planned(run_sheath: RunFn, chain: Path) -> None:
    out = _ok(run_sheath, chain, "apply", "-auto-approve", "-exclude=terraform_data.b")
    assert "Apply complete! Resources: 2 added, 0 changed, 0 destroyed." in out
    assert WARNING in out and APPLY_WARNING in out
    assert _addresses(chain) == ["terraform_data.a", "terraform_data.x"]
    assert sorted(_state(chain)["outputs"]) == ["x"]  # type: ignore[arg-type]
    # the rest comes with a plain apply
    out = _ok(run_sheath, chain, "plan")
    assert _planned(out) == ["terraform_data.b", "terraform_data.c"]


def test_repeated_excludes(run_sheath: RunFn, chain: Path) -> None:
    out = _ok(run_sheath, chain, "plan", "-exclude=terraform_data.c", "-exclude=terraform_data.x")
    assert _planned(out) == ["terraform_data.a", "terraform_data.b"]
    assert "Changes to Outputs" not in out


def test_destroy_keeps_the_excluded_and_what_it_depends_on(run_sheath: RunFn, chain: Path) -> None:
    _ok(run_sheath, chain, "apply", "-auto-approve")
    out = _ok(run_sheath, chain, "plan", "-destroy", "-exclude=terraform_data.b")
    assert _planned(out) == ["terraform_data.c", "terraform_data.x"]
    assert "Plan: 0 to add, 0 to change, 2 to destroy." in out and WARNING in out
    out = _ok(run_sheath, chain, "destroy", "-auto-approve", "-exclude=terraform_data.b")
    assert "Destroy complete! Resources: 2 destroyed." in out and APPLY_WARNING in out
    assert _addresses(chain) == ["terraform_data.a", "terraform_data.b"]
    # a targeted or excluded destroy leaves the outputs in state as they are
    assert sorted(_state(chain)["outputs"]) == ["c", "x"]  # type: ignore[arg-type]


def test_apply_destroy_exclude(run_sheath: RunFn, chain: Path) -> None:
    _ok(run_sheath, chain, "apply", "-auto-approve")
    out = _ok(run_sheath, chain, "apply", "-destroy", "-auto-approve", "-exclude=terraform_data.x")
    assert "Resources: 0 added, 0 changed, 3 destroyed." in out
    assert _addresses(chain) == ["terraform_data.x"]


def test_an_excluded_instance_keeps_its_siblings(run_sheath: RunFn, tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'resource "terraform_data" "a" {\n  count = 3\n  input = count.index\n}\n'
        'resource "terraform_data" "b" {\n  input = terraform_data.a[0].output\n}\n'
        'resource "terraform_data" "x" {}\n'
    )
    out = _ok(run_sheath, tmp_path, "apply", "-auto-approve", "-exclude=terraform_data.a[1]")
    # as in OpenTofu, what depends on the resource is left out whichever instance it uses
    assert _addresses(tmp_path) == ["terraform_data.a[0]", "terraform_data.a[2]", "terraform_data.x"]
    assert "Resources: 3 added" in out
    _ok(run_sheath, tmp_path, "apply", "-auto-approve")
    out = _ok(run_sheath, tmp_path, "destroy", "-auto-approve", "-exclude=terraform_data.a[1]")
    assert _addresses(tmp_path) == ["terraform_data.a[1]"]


def test_exclude_a_module(run_sheath: RunFn, tmp_path: Path) -> None:
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "main.tf").write_text(
        'resource "terraform_data" "in" {}\noutput "id" {\n  value = terraform_data.in.id\n}\n'
    )
    (tmp_path / "main.tf").write_text(
        'module "m" {\n  source = "./m"\n}\n'
        'resource "terraform_data" "uses" {\n  input = module.m.id\n}\n'
        'resource "terraform_data" "free" {}\n'
    )
    _ok(run_sheath, tmp_path, "init")
    out = _ok(run_sheath, tmp_path, "plan", "-exclude=module.m")
    assert _planned(out) == ["terraform_data.free"]
    _ok(run_sheath, tmp_path, "apply", "-auto-approve")
    _ok(run_sheath, tmp_path, "destroy", "-auto-approve", "-exclude=terraform_data.uses")
    assert _addresses(tmp_path) == ["module.m.terraform_data.in", "terraform_data.uses"]


def test_orphans_are_destroyed_unless_excluded(run_sheath: RunFn, chain: Path) -> None:
    _ok(run_sheath, chain, "apply", "-auto-approve")
    (chain / "main.tf").write_text(CHAIN.replace('resource "terraform_data" "x" {\n  input = "x"\n}\n', "").replace(
        'output "x" {\n  value = terraform_data.x.output\n}\n', ""
    ))
    out = _ok(run_sheath, chain, "plan", "-exclude=terraform_data.x")
    assert "No changes." in out
    out = _ok(run_sheath, chain, "plan", "-exclude=terraform_data.c")
    assert _planned(out) == ["terraform_data.x"] and "1 to destroy" in out


def test_exclude_file_and_target_file(run_sheath: RunFn, chain: Path) -> None:
    (chain / "exclude.txt").write_text("# what must wait\n\n   \nterraform_data.c\n  terraform_data.x  \n")
    out = _ok(run_sheath, chain, "plan", "-exclude-file=exclude.txt")
    assert _planned(out) == ["terraform_data.a", "terraform_data.b"] and WARNING in out
    # the file's addresses and the option's add up
    out = _ok(run_sheath, chain, "plan", "-exclude-file=exclude.txt", "-exclude=terraform_data.b")
    assert _planned(out) == ["terraform_data.a"]
    (chain / "target.txt").write_text("#c\nterraform_data.b\n")
    out = _ok(run_sheath, chain, "plan", "-target-file=target.txt")
    assert _planned(out) == ["terraform_data.a", "terraform_data.b"]
    assert "-target option" in out  # -target-file is -target: terraform's warning
    out = _ok(run_sheath, chain, "apply", "-auto-approve", "-target-file=target.txt", "-target=terraform_data.x")
    assert _addresses(chain) == ["terraform_data.a", "terraform_data.b", "terraform_data.x"]
    (chain / "empty.txt").write_text("# nothing\n")
    out = _ok(run_sheath, chain, "plan", "-exclude-file=empty.txt")
    assert _planned(out) == ["terraform_data.c"] and WARNING not in out


def test_refresh_takes_the_options(run_sheath: RunFn, chain: Path) -> None:
    _ok(run_sheath, chain, "apply", "-auto-approve")
    out = _ok(run_sheath, chain, "refresh", "-exclude=terraform_data.a")
    assert WARNING in out
    (chain / "t.txt").write_text("terraform_data.x\n")
    out = _ok(run_sheath, chain, "plan", "-refresh-only", "-target-file=t.txt")
    assert "terraform_data.x: Refreshing state" in out and "terraform_data.a: Refreshing" not in out


def test_saved_plan_applies_only_what_was_planned(run_sheath: RunFn, chain: Path) -> None:
    _ok(run_sheath, chain, "plan", "-exclude=terraform_data.c", "-out=tfplan")
    assert not (chain / "terraform.tfstate").exists()
    shown = _ok(run_sheath, chain, "show", "tfplan")
    assert _planned(shown) == ["terraform_data.a", "terraform_data.b", "terraform_data.x"]
    out = _ok(run_sheath, chain, "apply", "tfplan")
    assert "Resources: 3 added" in out and APPLY_WARNING in out
    assert _addresses(chain) == ["terraform_data.a", "terraform_data.b", "terraform_data.x"]
    assert sorted(_state(chain)["outputs"]) == ["x"]  # type: ignore[arg-type]


def test_targets_and_excludes_exclude_each_other(run_sheath: RunFn, chain: Path) -> None:
    (chain / "f.txt").write_text("terraform_data.a\n")
    for args in (
        ["-target=terraform_data.a", "-exclude=terraform_data.b"],
        ["-target-file=f.txt", "-exclude=terraform_data.b"],
        ["-target=terraform_data.a", "-exclude-file=f.txt"],
    ):
        err = _fail(run_sheath, chain, "plan", *args)
        assert err.startswith("\nError: Invalid combination of arguments\n\n"), err
        assert "sheath plan -help" in err
    err = _fail(run_sheath, chain, "destroy", "-target=terraform_data.a", "-exclude=terraform_data.b")
    assert "Invalid combination of arguments" in err


def test_invalid_addresses(run_sheath: RunFn, chain: Path) -> None:
    err = _fail(run_sheath, chain, "plan", "-exclude=terraform_data.")
    assert 'Error: Invalid exclude "terraform_data."' in err
    err = _fail(run_sheath, chain, "apply", "-exclude=foo")
    assert 'Error: Invalid exclude "foo"' in err
    (chain / "bad.txt").write_text("# fine\nterraform_data.a\nfoo.\n")
    err = _fail(run_sheath, chain, "plan", "-exclude-file=bad.txt")
    assert "Error: Attribute name required" in err and "on bad.txt line 3:" in err and "   3: foo." in err
    err = _fail(run_sheath, chain, "plan", "-target-file=missing.txt")
    assert "Error: Failed to read address file" in err and "missing.txt" in err
    assert not (chain / "terraform.tfstate").exists()


def test_a_saved_plan_takes_no_new_addresses(run_sheath: RunFn, chain: Path) -> None:
    _ok(run_sheath, chain, "plan", "-out=tfplan")
    err = _fail(run_sheath, chain, "apply", "-exclude=terraform_data.a", "tfplan")
    assert "Error: Invalid option for a saved plan" in err
    assert not (chain / "terraform.tfstate").exists()


def test_address_file_lines(tmp_path: Path) -> None:
    from sheath.engine.exclusion import read_address_file

    f = tmp_path / "t.txt"
    f.write_text("  # comment\n\nmodule.net\r\naws_iam_role.all[\"base\"]\n\t\nmodule.x[0].a.b\n")
    found, diags = read_address_file(str(f))
    assert not diags and found == ["module.net", 'aws_iam_role.all["base"]', "module.x[0].a.b"]
    f.write_text("ok.one\nmodu(le.boop\n")
    found, diags = read_address_file(str(f))
    assert found == ["ok.one"]
    assert [d.summary for d in diags] == ["Invalid character"]
    subject = diags[0].subject
    assert subject is not None and (subject.start.line, subject.start.column) == (2, 5)
