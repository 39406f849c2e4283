"""OpenTofu's lifecycle { enabled = ... } (OpenTofu 1.11) and lifecycle { destroy = false }
(OpenTofu 1.12) on terraform_data, checked through the state file (terraform 1.11 has no
oracle for either: it rejects both arguments)."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import RunFn

ENABLED = """
variable "on" {
  default = true
}

resource "terraform_data" "a" {
  input = "a"
  lifecycle {
    enabled = var.on
  }
}

resource "terraform_data" "b" {
  input = terraform_data.a == null ? "none" : terraform_data.a.output
}

output "a_out" {
  value = terraform_data.a == null ? "disabled" : terraform_data.a.output
}
"""


def _state(d: Path) -> dict[str, list[dict[str, object]]]:
    doc = json.loads((d / "terraform.tfstate").read_text())
    return {r["name"]: r["instances"] for r in doc["resources"]}


def test_enabled_true_false_and_destroy(tmp_path: Path, run_sheath: RunFn) -> None:
    (tmp_path / "main.tf").write_text(ENABLED)
    r = run_sheath(["apply", "-auto-approve", "-no-color"], tmp_path)
    assert r.returncode == 0, r.stderr
    st = _state(tmp_path)
    assert "index_key" not in st["a"][0]  # one instance, no key
    assert st["b"][0]["attributes"]["input"]["value"] == "a"
    assert 'a_out = "a"' in r.stdout

    r = run_sheath(["plan", "-no-color", "-var", "on=false"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert "  # terraform_data.a will be destroyed\n  # (because enabled is false)\n" in r.stdout
    assert '~ a_out = "a" -> "disabled"' in r.stdout

    r = run_sheath(["apply", "-auto-approve", "-no-color", "-var", "on=false"], tmp_path)
    assert r.returncode == 0, r.stderr
    st = _state(tmp_path)
    assert "a" not in st
    assert st["b"][0]["attributes"]["input"]["value"] == "none"

    r = run_sheath(["apply", "-destroy", "-auto-approve", "-no-color", "-var", "on=false"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert _state(tmp_path) == {}


def test_enabled_errors(tmp_path: Path, run_sheath: RunFn) -> None:
    (tmp_path / "main.tf").write_text(
        """
resource "terraform_data" "a" {
  count = 1
  lifecycle {
    enabled = true
  }
}

resource "terraform_data" "b" {
  lifecycle {
    enabled = "maybe"
  }
}
"""
    )
    r = run_sheath(["validate", "-no-color"], tmp_path)
    assert r.returncode == 1
    assert 'Error: Invalid combination of "count" and "enabled"' in r.stderr
    assert "meta-arguments are mutually-exclusive. Only one may\nbe used" in r.stderr
    (tmp_path / "main.tf").write_text(
        """
resource "terraform_data" "b" {
  lifecycle {
    enabled = "maybe"
  }
}

resource "terraform_data" "c" {
  lifecycle {
    enabled = terraform_data.b.id == ""
  }
}
"""
    )
    r = run_sheath(["validate", "-no-color"], tmp_path)
    assert r.returncode == 1
    assert "Error: Invalid enabled argument" in r.stderr
    assert "a bool is required" in r.stderr
    (tmp_path / "main.tf").write_text(
        """
resource "terraform_data" "b" {
}

resource "terraform_data" "c" {
  lifecycle {
    enabled = terraform_data.b.id == ""
  }
}
"""
    )
    r = run_sheath(["plan", "-no-color"], tmp_path)
    assert r.returncode == 1
    assert "so OpenTofu cannot determine whether an instance" in r.stderr.replace("\n", " ")


DESTROY_FALSE = """
resource "terraform_data" "keep" {
  input = "k"
  lifecycle {
    destroy = false
  }
}

resource "terraform_data" "other" {
  input = "o"
}
"""


def test_destroy_false_forgets_on_destroy_and_removal(tmp_path: Path, run_sheath: RunFn) -> None:
    (tmp_path / "main.tf").write_text(DESTROY_FALSE)
    r = run_sheath(["apply", "-auto-approve", "-no-color"], tmp_path)
    assert r.returncode == 0, r.stderr
    st = _state(tmp_path)
    assert st["keep"][0]["skip_destroy"] is True
    assert "skip_destroy" not in st["other"][0]

    r = run_sheath(["plan", "-destroy", "-no-color"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert (
        " # terraform_data.keep will no longer be managed by Terraform, but will not be destroyed\n"
        " # (because lifecycle.destroy = false is set in the configuration)\n"
    ) in r.stdout
    assert "  # terraform_data.other will be destroyed" in r.stdout

    r = run_sheath(["apply", "-destroy", "-auto-approve", "-no-color"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert _state(tmp_path) == {}

    # the object recorded skip_destroy: removed from the configuration, it is forgotten
    run_sheath(["apply", "-auto-approve", "-no-color"], tmp_path)
    (tmp_path / "main.tf").write_text('resource "terraform_data" "other" {\n  input = "o"\n}\n')
    r = run_sheath(["plan", "-no-color"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert (
        " # (because lifecycle.destroy = false was configured before this resource was removed from the configuration)"
    ) in r.stdout
    r = run_sheath(["apply", "-auto-approve", "-no-color"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert set(_state(tmp_path)) == {"other"}


def test_destroy_false_with_enabled_false_and_replacement(tmp_path: Path, run_sheath: RunFn) -> None:
    cfg = """
variable "on" {
  default = true
}

variable "v" {
  default = "1"
}

resource "terraform_data" "keep" {
  triggers_replace = var.v
  lifecycle {
    enabled = var.on
    destroy = false
  }
  provisioner "local-exec" {
    when    = destroy
    command = "echo destroyed >> destroyed.txt"
  }
}
"""
    (tmp_path / "main.tf").write_text(cfg)
    assert run_sheath(["apply", "-auto-approve", "-no-color"], tmp_path).returncode == 0
    first = _state(tmp_path)["keep"][0]["attributes"]["id"]  # type: ignore[index]

    # a replacement forgets the old object and creates a new one (OpenTofu's ForgetThenCreate)
    r = run_sheath(["plan", "-no-color", "-var", "v=2", "-out", "p.tfplan"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert ("./+ forget and then create replacement\n") in r.stdout
    assert (
        "  # terraform_data.keep must be replaced - older instance will not be destroyed (lifecycle.destroy = false)\n"
        '  ./+ resource "terraform_data" "keep" {\n'
    ) in r.stdout
    assert "Plan: 1 to add, 0 to change, 0 to destroy." in r.stdout
    shown = json.loads(run_sheath(["show", "-json", "p.tfplan"], tmp_path).stdout)
    (rc,) = shown["resource_changes"]
    assert rc["change"]["actions"] == ["forget", "create"]
    assert rc["action_reason"] == "replace_because_cannot_update"

    r = run_sheath(["plan", "-no-color", "-replace", "terraform_data.keep"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert "  # terraform_data.keep will be replaced, as requested - older instance will not be destroyed" in r.stdout

    r = run_sheath(["apply", "-auto-approve", "-no-color", "p.tfplan"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert "Resources: 1 added, 0 changed, 0 destroyed." in r.stdout
    assert not (tmp_path / "destroyed.txt").exists()  # the old object was never destroyed
    (inst,) = _state(tmp_path)["keep"]
    assert inst["attributes"]["id"] != first  # type: ignore[index]
    assert inst["skip_destroy"] is True

    # tainted: replaced the same way
    assert run_sheath(["taint", "terraform_data.keep"], tmp_path).returncode == 0
    r = run_sheath(["apply", "-auto-approve", "-no-color", "-var", "v=2"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert "  # terraform_data.keep is tainted, so it must be replaced - older instance will not be destroyed" in r.stdout
    assert not (tmp_path / "destroyed.txt").exists()

    r = run_sheath(["apply", "-auto-approve", "-no-color", "-var", "on=false", "-var", "v=2"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert _state(tmp_path) == {}
    assert not (tmp_path / "destroyed.txt").exists()


def test_destroy_must_be_a_boolean_constant(tmp_path: Path, run_sheath: RunFn) -> None:
    (tmp_path / "main.tf").write_text(
        """
variable "d" {
  default = false
}

resource "terraform_data" "a" {
  lifecycle {
    destroy = var.d
  }
}
"""
    )
    r = run_sheath(["validate", "-no-color"], tmp_path)
    assert r.returncode == 1
    assert "Error: Invalid lifecycle destroy expression" in r.stderr or "Variables not allowed" in r.stderr


def test_destroy_false_added_later_is_recorded_by_a_no_change_apply(tmp_path: Path, run_sheath: RunFn) -> None:
    (tmp_path / "main.tf").write_text('resource "terraform_data" "k" {\n  input = "x"\n}\n')
    assert run_sheath(["apply", "-auto-approve", "-no-color"], tmp_path).returncode == 0
    assert "skip_destroy" not in _state(tmp_path)["k"][0]
    (tmp_path / "main.tf").write_text(
        'resource "terraform_data" "k" {\n  input = "x"\n  lifecycle {\n    destroy = false\n  }\n}\n'
    )
    r = run_sheath(["apply", "-auto-approve", "-no-color"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert "Resources: 0 added, 0 changed, 0 destroyed." in r.stdout
    assert _state(tmp_path)["k"][0]["skip_destroy"] is True


def test_module_enabled(tmp_path: Path, run_sheath: RunFn) -> None:
    (tmp_path / "child").mkdir()
    (tmp_path / "child" / "main.tf").write_text(
        'resource "terraform_data" "x" {\n  input = "c"\n}\n\noutput "x" {\n  value = terraform_data.x.output\n}\n'
    )
    (tmp_path / "main.tf").write_text(
        """
variable "on" {
  default = true
}

module "c" {
  source = "./child"
  lifecycle {
    enabled = var.on
  }
}

output "o" {
  value = module.c == null ? "off" : module.c.x
}
"""
    )
    assert run_sheath(["init", "-no-color"], tmp_path).returncode == 0
    r = run_sheath(["apply", "-auto-approve", "-no-color"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert 'o = "c"' in r.stdout
    doc = json.loads((tmp_path / "terraform.tfstate").read_text())
    assert [(x["module"], x["instances"][0].get("index_key")) for x in doc["resources"]] == [("module.c", None)]
    r = run_sheath(["apply", "-auto-approve", "-no-color", "-var", "on=false"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert 'o = "off"' in r.stdout
    assert _state(tmp_path) == {}
    (tmp_path / "main.tf").write_text(
        'module "c" {\n  source = "./child"\n  count  = 1\n  lifecycle {\n    enabled = true\n  }\n}\n'
    )
    r = run_sheath(["validate", "-no-color"], tmp_path)
    assert r.returncode == 1
    assert 'Error: Invalid combination of "count" and "enabled"' in r.stderr
    assert "number of module instances to be\ncreated." in r.stderr
