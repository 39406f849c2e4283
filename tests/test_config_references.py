"""Static reference checks and module trees."""

from __future__ import annotations

from pathlib import Path

from config_helpers import write

from sheath.config import load_module_tree
from sheath.config.references import check_references
from sheath.diag import Diagnostics


def check(tmp: Path, files: dict[str, str] | str) -> Diagnostics:
    if isinstance(files, str):
        files = {"main.tf": files}
    write(tmp, files)
    cfg, diags = load_module_tree(str(tmp))
    assert not diags.has_errors(), diags
    return check_references(cfg)


def test_valid_references(tmp_path: Path) -> None:
    d = check(
        tmp_path,
        {
            "main.tf": """
variable "v" {}
locals {
  a = var.v
  b = [for x in local.c : x if x != local.a]
  c = [path.module, path.root, path.cwd, terraform.workspace]
}
resource "terraform_data" "r" {
  count = 2
  input = "${count.index}-${local.a}"
  provisioner "local-exec" {
    command = self.id
  }
}
resource "terraform_data" "e" {
  for_each = toset(["a"])
  input    = [each.key, each.value, terraform_data.r[0].id, data.terraform_remote_state.s.outputs]
  dynamic "thing" {
    for_each = [1]
    iterator = it
    content {
      v = it.value
    }
  }
  dynamic "other" {
    for_each = [1]
    content {
      v = other.key
    }
  }
}
data "terraform_remote_state" "s" {
  backend = "local"
}
module "m" {
  source = "./m"
  count  = 1
  in     = count.index
}
output "o" {
  value = module.m[0].out
}
""",
            "m/main.tf": 'variable "in" {}\noutput "out" {\n  value = var.in\n}\n',
        },
    )
    assert not d, [(x.summary, x.detail) for x in d]


def test_undeclared(tmp_path: Path) -> None:
    d = check(
        tmp_path,
        """
variable "abc" {}
locals {
  xyz = 1
  a = var.abd
  b = local.xyy
  c = terraform_data.nope.id
  e = data.x.y
  f = module.nope.out
  g = var.zzzzzz
}
""",
    )
    got = {(x.summary, x.detail) for x in d}
    assert got == {
        ("Reference to undeclared input variable", 'An input variable with the name "abd" has not been declared. Did you mean "abc"?'),
        ("Reference to undeclared local value", 'A local value with the name "xyy" has not been declared. Did you mean "xyz"?'),
        ("Reference to undeclared resource", 'A managed resource "terraform_data" "nope" has not been declared in the root module.'),
        ("Reference to undeclared resource", 'A data resource "x" "y" has not been declared in the root module.'),
        ("Reference to undeclared module", 'No module call named "nope" is declared in the root module.'),
        (
            "Reference to undeclared input variable",
            'An input variable with the name "zzzzzz" has not been declared. This variable can be declared with a variable "zzzzzz" {} block.',
        ),
    }
    res = next(x for x in d if "terraform_data" in x.detail)
    assert res.subject is not None and (res.subject.start.column, res.subject.end.column) == (7, 26)


def test_contexts(tmp_path: Path) -> None:
    d = check(
        tmp_path,
        """
locals {
  a = count.index
  b = each.key
  c = self.id
  d = path.nope
  e = terraform.nope
}
resource "terraform_data" "r" {
  count = 1
  input = each.value
  lifecycle {
    precondition {
      condition     = self.id != ""
      error_message = "x"
    }
  }
}
""",
    )
    assert sorted(x.summary for x in d) == sorted(
        [
            'Reference to "count" in non-counted context',
            'Reference to "each" in context without for_each',
            'Invalid "self" reference',
            'Invalid "path" attribute',
            'Invalid "terraform" attribute',
            "each.value cannot be used in this context",
            'Invalid "self" reference',
        ]
    )


def test_module_outputs_and_child_modules(tmp_path: Path) -> None:
    d = check(
        tmp_path,
        {
            "main.tf": 'module "c" {\n  source = "./c"\n}\noutput "o" {\n  value = module.c.nope\n}\n',
            "c/main.tf": 'output "yes" {\n  value = var.missing\n}\n',
        },
    )
    assert sorted(x.summary for x in d) == ["Reference to undeclared input variable", "Reference to undeclared output value"]
    child = next(x for x in d if x.summary.endswith("input variable"))
    assert child.subject is not None and child.subject.filename.endswith("c/main.tf")


def test_module_tree(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": 'module "a" {\n  source = "./a"\n}\nmodule "reg" {\n  source = "hashicorp/consul/aws"\n}\nmodule "gone" {\n  source = "./gone"\n}\n',
            "a/main.tf": 'module "b" {\n  source = "../b"\n}\n',
            "b/main.tf": 'variable "x" {\n  default = 1\n}\n',
        },
    )
    cfg, d = load_module_tree(str(tmp_path))
    assert sorted(x.summary for x in d) == ["Module not installed", "Unreadable module directory"]
    b = cfg.descendant(cfg.path.child("a").child("b"))
    assert b is not None and "x" in b.module.variables and str(b.path) == "module.a.module.b"
    assert [str(c.path) for c in cfg.all_modules()] == ["", "module.a", "module.a.module.b"]
    assert set(cfg.modules_by_path()) == {"", "module.a", "module.a.module.b"}


def test_installed_remote_module(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": 'module "reg" {\n  source = "hashicorp/consul/aws"\n  version = "1.0.0"\n}\n',
            ".terraform/modules/reg/main.tf": 'output "o" {\n  value = 1\n}\n',
            ".terraform/modules/modules.json": '{"Modules":[{"Key":"","Source":"","Dir":"."},{"Key":"reg","Source":"registry.terraform.io/hashicorp/consul/aws","Version":"1.0.0","Dir":".terraform/modules/reg"}]}',
        },
    )
    cfg, d = load_module_tree(str(tmp_path))
    assert not d
    assert "o" in cfg.children["reg"].module.outputs and cfg.children["reg"].version == "1.0.0"
