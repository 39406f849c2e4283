"""The configuration reference graph: nodes, edges, cycles, and `terraform graph` DOT output."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest
from conftest import RunFn

from sheath.config.loader import load_module_tree
from sheath.graph.references import ConfigGraph, build_config_graph

Files = dict[str, str]

BUILTIN = 'provider["terraform.io/builtin/terraform"]'


def write(root: Path, files: Files) -> Path:
    for name, text in files.items():
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return root


def build(root: Path, files: Files) -> tuple[ConfigGraph, list[str]]:
    write(root, files)
    cfg, diags = load_module_tree(str(root))
    assert not diags.has_errors(), [d.summary for d in diags]
    g, cdiags = build_config_graph(cfg)
    return g, [d.summary for d in cdiags]


def edges(g: ConfigGraph, skip_providers: bool = True) -> set[tuple[str, str]]:
    return {
        (str(a), str(b))
        for a, b in g.graph.edges()
        if not (skip_providers and b.kind == "provider")
    }


# --- nodes and edges ------------------------------------------------------------------------


def test_root_module_objects(tmp_path: Path) -> None:
    g, cycles = build(
        tmp_path,
        {
            "main.tf": """
variable "v" {
  default = 1
  validation {
    condition     = var.v > 0
    error_message = "positive"
  }
}
locals {
  l  = var.v
  l2 = [for x in [local.l] : x + var.v]
}
resource "terraform_data" "a" {
  count = var.v
  input = count.index
}
resource "terraform_data" "b" {
  input      = terraform_data.a[0].id
  depends_on = [data.terraform_remote_state.s]
  lifecycle {
    replace_triggered_by = [terraform_data.a]
    precondition {
      condition     = local.l2 != null
      error_message = "x ${path.module}"
    }
  }
}
data "terraform_remote_state" "s" {
  backend = "local"
  config  = { path = "${path.root}/${terraform.workspace}" }
}
output "o" {
  value      = terraform_data.b.output
  depends_on = [local.l]
}
check "c" {
  assert {
    condition     = terraform_data.b.id != ""
    error_message = "no"
  }
}
"""
        },
    )
    assert cycles == []
    assert sorted(str(n) for n in g.graph) == sorted(
        [
            "var.v",
            "local.l",
            "local.l2",
            "terraform_data.a",
            "terraform_data.b",
            "data.terraform_remote_state.s",
            "output.o",
            "check.c",
            BUILTIN,
        ]
    )
    assert edges(g) == {
        ("local.l", "var.v"),
        ("local.l2", "local.l"),
        ("local.l2", "var.v"),
        ("terraform_data.a", "var.v"),
        ("terraform_data.b", "terraform_data.a"),
        ("terraform_data.b", "data.terraform_remote_state.s"),
        ("terraform_data.b", "local.l2"),
        ("output.o", "terraform_data.b"),
        ("output.o", "local.l"),
        ("check.c", "terraform_data.b"),
    }
    for r in ("terraform_data.a", "terraform_data.b", "data.terraform_remote_state.s"):
        assert (r, BUILTIN) in edges(g, skip_providers=False)


def test_self_references_and_shadowed_names_are_not_edges(tmp_path: Path) -> None:
    g, cycles = build(
        tmp_path,
        {
            "main.tf": """
locals {
  items = ["a"]
}
resource "terraform_data" "r" {
  input = terraform_data.r.id
  provisioner "local-exec" {
    command = self.id
  }
}
resource "terraform_data" "d" {
  input = { for local in local.items : local => local }
}
"""
        },
    )
    assert cycles == []
    assert edges(g) == {("terraform_data.d", "local.items")}


MODULE_BOUNDARIES: Files = {
    "main.tf": """
resource "terraform_data" "z" {}
resource "terraform_data" "a" {}
module "m" {
  source     = "./mod"
  count      = 1
  in         = terraform_data.a.id
  depends_on = [terraform_data.z]
}
resource "terraform_data" "uses_out" {
  input = module.m[0].out
}
resource "terraform_data" "uses_all" {
  input = module.m
}
""",
    "mod/main.tf": """
variable "in" {}
variable "unused" { default = 2 }
resource "terraform_data" "inner" { input = var.in }
output "out" { value = terraform_data.inner.id }
output "pass" { value = var.in }
module "sub" {
  source = "./sub"
  x      = var.in
}
""",
    "mod/sub/main.tf": """
variable "x" {}
output "y" { value = var.x }
""",
}


def test_modules_across_boundaries(tmp_path: Path) -> None:
    g, cycles = build(tmp_path, MODULE_BOUNDARIES)

    assert cycles == []
    e = edges(g)
    assert {
        ("module.m", "terraform_data.z"),
        ("module.m.var.in", "terraform_data.a"),
        ("module.m.var.in", "module.m"),
        ("module.m.var.unused", "module.m"),
        ("module.m.terraform_data.inner", "module.m.var.in"),
        ("module.m.terraform_data.inner", "module.m"),
        ("module.m.output.out", "module.m.terraform_data.inner"),
        ("module.m.output.pass", "module.m.var.in"),
        ("module.m.module.sub", "module.m"),
        ("module.m.module.sub.var.x", "module.m.var.in"),
        ("module.m.module.sub.var.x", "module.m.module.sub"),
        ("module.m.module.sub.output.y", "module.m.module.sub.var.x"),
        ("terraform_data.uses_out", "module.m.output.out"),
        ("terraform_data.uses_all", "module.m.output.out"),
        ("terraform_data.uses_all", "module.m.output.pass"),
    } <= e
    assert ("terraform_data.uses_out", "module.m.output.pass") not in e
    # the child's resources use the root's (implicit) builtin provider configuration
    assert ("module.m.terraform_data.inner", BUILTIN) in edges(g, skip_providers=False)
    rg = g.resource_graph()
    assert sorted((str(a), str(b)) for a, b in rg.edges()) == [
        ("module.m.terraform_data.inner", "terraform_data.a"),
        ("module.m.terraform_data.inner", "terraform_data.z"),
        ("terraform_data.uses_all", "module.m.terraform_data.inner"),
        ("terraform_data.uses_out", "module.m.terraform_data.inner"),
    ]


def test_provider_configurations(tmp_path: Path) -> None:
    g, cycles = build(
        tmp_path,
        {
            "main.tf": """
terraform {
  required_providers {
    mycloud = { source = "example.com/acme/cloud" }
  }
}
variable "region" {}
provider "aws" {
  region = var.region
}
provider "aws" {
  alias  = "west"
  region = "us-west-2"
}
resource "aws_s3_bucket" "b" {}
resource "aws_s3_bucket" "w" {
  provider = aws.west
}
resource "mycloud_thing" "t" {}
module "child" {
  source = "./child"
  providers = {
    aws.other = aws.west
  }
}
module "implicit" {
  source = "./implicit"
}
""",
            "child/main.tf": """
terraform {
  required_providers {
    aws = {
      source                = "hashicorp/aws"
      configuration_aliases = [aws.other]
    }
  }
}
resource "aws_s3_bucket" "c" {
  provider = aws.other
}
""",
            "implicit/main.tf": """
resource "aws_s3_bucket" "i" {}
provider "random" {}
resource "random_pet" "p" {}
""",
        },
    )
    assert cycles == []
    aws = 'provider["registry.terraform.io/hashicorp/aws"]'
    e = edges(g, skip_providers=False)
    assert (aws, "var.region") in e
    assert ("aws_s3_bucket.b", aws) in e
    assert ("aws_s3_bucket.w", aws + ".west") in e
    assert ("mycloud_thing.t", 'provider["example.com/acme/cloud"]') in e
    assert ("module.child.aws_s3_bucket.c", aws + ".west") in e
    assert ("module.implicit.aws_s3_bucket.i", aws) in e
    assert ("module.implicit.random_pet.p", 'module.implicit.provider["registry.terraform.io/hashicorp/random"]') in e


# --- cycles ---------------------------------------------------------------------------------


def test_cycle_diagnostics_name_every_node(tmp_path: Path) -> None:
    _, cycles = build(
        tmp_path,
        {
            "main.tf": """
locals {
  a = local.b
  b = local.c
  c = local.a
  d = local.e
  e = local.d
}
output "o" { value = local.a }
resource "terraform_data" "x" { input = terraform_data.y.id }
resource "terraform_data" "y" { input = terraform_data.x.id }
"""
        },
    )
    assert cycles == [
        "Cycle: local.c (expand), local.b (expand), local.a (expand)",
        "Cycle: local.e (expand), local.d (expand)",
        "Cycle: terraform_data.y, terraform_data.x",
    ]


def test_cycle_through_module(tmp_path: Path) -> None:
    _, cycles = build(
        tmp_path,
        {
            "main.tf": """
module "m" {
  source = "./mod"
  count  = length(terraform_data.r.output)
}
resource "terraform_data" "r" {
  input = module.m[0].out
}
""",
            "mod/main.tf": 'output "out" { value = 1 }\n',
        },
    )
    assert cycles == ["Cycle: module.m.output.out (expand), terraform_data.r, module.m (expand)"]


def test_module_argument_may_use_unrelated_output_of_same_module(tmp_path: Path) -> None:
    _, cycles = build(
        tmp_path,
        {
            "main.tf": """
module "m" {
  source = "./mod"
  a      = 1
  b      = module.m.from_a
}
""",
            "mod/main.tf": """
variable "a" {}
variable "b" {}
output "from_a" { value = var.a }
output "from_b" { value = var.b }
""",
        },
    )
    assert cycles == []


def test_large_configuration(tmp_path: Path) -> None:
    chains = []
    for c in range(300):
        for d in range(10):
            dep = f"\n  input = terraform_data.c{c}_{d - 1}.id" if d else ""
            chains.append(f'resource "terraform_data" "c{c}_{d}" {{{dep}\n}}\n')
    g, cycles = build(tmp_path, {"main.tf": "".join(chains)})
    assert cycles == []
    assert len(g.graph) == 3001
    rg = g.resource_graph()
    assert len(rg) == 3000 and rg.edge_count() == 2700


# --- conformance with terraform graph / terraform validate ------------------------------------

DOT_CASES: dict[str, Files] = {
    "module_boundaries": MODULE_BOUNDARIES,
    "chain_reduced": {
        "main.tf": """
resource "terraform_data" "a" {}
resource "terraform_data" "b" { input = terraform_data.a.id }
resource "terraform_data" "c" {
  depends_on = [terraform_data.b]
  input      = terraform_data.a.id
}
resource "terraform_data" "d" {}
variable "v" { default = 1 }
locals { x = var.v }
output "o" { value = terraform_data.c.output }
"""
    },
    "no_resources": {"main.tf": "locals { a = 1 }\n"},
    "import_blocks": {
        "main.tf": """
resource "terraform_data" "y" {}
resource "terraform_data" "x" {}
locals { ids = { a = terraform_data.y.id } }
resource "terraform_data" "e" { for_each = local.ids }
import {
  to = terraform_data.x
  id = terraform_data.y.id
}
import {
  for_each = local.ids
  to       = terraform_data.e[each.key]
  id       = each.value
}
"""
    },
    "check_block_and_conditions": {
        "main.tf": """
resource "terraform_data" "a" {}
resource "terraform_data" "z" {}
check "c" {
  data "terraform_remote_state" "cs" {
    backend = "local"
    config  = { path = terraform_data.a.id }
  }
  assert {
    condition     = terraform_data.z.id != ""
    error_message = "x"
  }
}
resource "terraform_data" "b" {
  input = terraform_data.a.id
  lifecycle {
    postcondition {
      condition     = self.output != null && terraform_data.z.id != ""
      error_message = "y"
    }
  }
}
"""
    },
    "modules_data_locals": {
        "main.tf": """
resource "terraform_data" "z" { count = 2 }
resource "terraform_data" "b" { input = terraform_data.z[0].id }
resource "terraform_data" "a" { input = [terraform_data.b.id, data.terraform_remote_state.s.outputs] }
data "terraform_remote_state" "s" {
  backend    = "local"
  config     = { path = "x" }
  depends_on = [terraform_data.z]
}
module "m" {
  source = "./mod"
  in     = terraform_data.a.id
}
resource "terraform_data" "after" { input = module.m.out }
resource "terraform_data" "Upper" { input = local.l }
locals { l = terraform_data.b.id }
""",
        "mod/main.tf": """
variable "in" {}
resource "terraform_data" "inner" { input = var.in }
resource "terraform_data" "inner2" { input = terraform_data.inner.id }
output "out" { value = terraform_data.inner2.id }
""",
    },
    "nested_modules_edge_order": {
        "main.tf": """
resource "terraform_data" "z" {}
resource "terraform_data" "r" { input = [module.m.out, terraform_data.z.id, module.b.o] }
module "m" { source = "./mod" }
module "b" { source = "./mod" }
""",
        "mod/main.tf": """
resource "terraform_data" "x" {}
data "terraform_remote_state" "s" {
  backend = "local"
  config  = { path = "x" }
}
output "out" { value = terraform_data.x.id }
output "o" { value = module.sub.o }
module "sub" { source = "./sub" }
""",
        "mod/sub/main.tf": """
resource "terraform_data" "deep" {}
output "o" { value = terraform_data.deep.id }
""",
    },
    "module_meta_arguments": {
        "main.tf": """
resource "terraform_data" "z" {}
resource "terraform_data" "a" { count = 2 }
module "m" {
  source     = "./mod"
  depends_on = [terraform_data.z]
  in         = terraform_data.a[0].id
  count      = length(terraform_data.a)
}
module "n" {
  source   = "./mod"
  for_each = toset(["x"])
  in       = "const"
}
resource "terraform_data" "b" { input = module.m[0].passthru }
resource "terraform_data" "c" {
  for_each = module.n
  input    = each.value.out
  lifecycle {
    replace_triggered_by = [terraform_data.z]
  }
}
resource "terraform_data" "d" {
  provisioner "local-exec" {
    command = terraform_data.z.id
  }
}
""",
        "mod/main.tf": """
variable "in" {}
resource "terraform_data" "inner" { input = var.in }
output "out" { value = terraform_data.inner.id }
output "passthru" { value = var.in }
""",
    },
}


@pytest.mark.parametrize("case", sorted(DOT_CASES))
def test_dot_matches_terraform_graph(case: str, tmp_path: Path, run_terraform: RunFn) -> None:
    files = DOT_CASES[case]
    write(tmp_path, files)
    if any("/" in name for name in files):
        init = run_terraform(["init", "-no-color", "-input=false"], tmp_path)
        assert init.returncode == 0, init.stderr
    tf = run_terraform(["graph"], tmp_path)
    assert tf.returncode == 0, tf.stderr
    cfg, diags = load_module_tree(str(tmp_path))
    assert not diags.has_errors()
    g, cdiags = build_config_graph(cfg)
    assert not cdiags
    assert g.dot() == tf.stdout


CYCLE_CASES: dict[str, Files] = {
    "locals_and_resources": {
        "main.tf": """
locals {
  a = local.b
  b = local.a
}
resource "terraform_data" "x" { input = terraform_data.y.id }
resource "terraform_data" "y" { input = terraform_data.x.id }
"""
    },
    "three_locals_and_a_pair": {
        "main.tf": """
locals {
  a = local.b
  b = local.c
  c = local.a
  d = local.e
  e = local.d
}
output "o" { value = local.a }
"""
    },
    "module_variable_output": {
        "main.tf": """
module "m" {
  source = "./mod"
  in     = module.m.out
}
resource "terraform_data" "q" { input = local.w }
locals { w = terraform_data.q.output }
""",
        "mod/main.tf": 'variable "in" {}\noutput "out" { value = var.in }\n',
    },
    "module_expansion_and_data": {
        "main.tf": """
module "m" {
  source = "./mod"
  count  = length(terraform_data.r.output)
}
resource "terraform_data" "r" { input = module.m[0].out }
data "terraform_remote_state" "s" {
  backend = "local"
  config  = { path = terraform_data.t.id }
}
resource "terraform_data" "t" { input = data.terraform_remote_state.s.outputs }
""",
        "mod/main.tf": 'output "out" { value = 1 }\n',
    },
}

_CYCLE_RE = re.compile(r"^Error: (Cycle: .*)$", re.MULTILINE)


def _cycle_sets(summaries: list[str]) -> set[frozenset[str]]:
    return {frozenset(s.removeprefix("Cycle: ").split(", ")) for s in summaries}


@pytest.mark.parametrize("case", sorted(CYCLE_CASES))
def test_cycles_match_terraform_validate(case: str, tmp_path: Path, run_terraform: RunFn) -> None:
    files = CYCLE_CASES[case]
    write(tmp_path, files)
    if any("/" in name for name in files):
        init = run_terraform(["init", "-no-color", "-input=false"], tmp_path)
        assert init.returncode == 0, init.stderr
    tf = run_terraform(["validate", "-no-color"], tmp_path)
    assert tf.returncode == 1
    expected = _cycle_sets(_CYCLE_RE.findall(tf.stderr))
    assert expected
    cfg, diags = load_module_tree(str(tmp_path))
    assert not diags.has_errors()
    _, cdiags = build_config_graph(cfg)
    # terraform's order within a cycle depends on its map iteration; the nodes named must agree
    assert _cycle_sets([d.summary for d in cdiags]) == expected
    assert all(d.is_error for d in cdiags)




def _random_config(seed: int) -> Files:
    """An acyclic configuration of terraform_data resources, locals and one module, with
    references, depends_on and module arguments chosen by a seeded generator."""
    rnd = random.Random(seed)
    n = 14
    half = n // 2
    kinds = ["r" if rnd.random() < 0.6 else "l" for _ in range(n)]

    def ref(j: int) -> str:
        return f"terraform_data.r{j}.id" if kinds[j] == "r" else f"local.l{j}"

    # the module: variables v0..v2, inner resources, outputs o0..o2
    mod = ['variable "v0" {}', 'variable "v1" {}', 'variable "v2" {}']
    for k in range(4):
        refs = [f"var.v{rnd.randrange(3)}" for _ in range(rnd.randrange(2))]
        refs += [f"terraform_data.mr{j}.id" for j in rnd.sample(range(k), min(k, rnd.randrange(3)))]
        mod.append(f'resource "terraform_data" "mr{k}" {{\n  input = [{", ".join(refs)}]\n}}')
    for k in range(3):
        choice = rnd.choice([f"var.v{rnd.randrange(3)}", f"terraform_data.mr{rnd.randrange(4)}.id", '"const"'])
        mod.append(f'output "o{k}" {{\n  value = {choice}\n}}')
    root: list[str] = []
    args = []
    for k in range(3):
        refs = [ref(j) for j in rnd.sample(range(half), rnd.randrange(3))]
        args.append(f"  v{k} = [{', '.join(refs)}]")
    dep = [f"terraform_data.r{j}" for j in range(half) if kinds[j] == "r" and rnd.random() < 0.2]
    dep_line = f"\n  depends_on = [{', '.join(dep)}]" if dep else ""
    root.append('module "m" {\n  source = "./mod"\n' + "\n".join(args) + dep_line + "\n}")
    for i in range(n):
        refs = [ref(j) for j in rnd.sample(range(i), min(i, rnd.randrange(4)))]
        if i >= half and rnd.random() < 0.5:
            refs.append(f"module.m.o{rnd.randrange(3)}")
        if kinds[i] == "l":
            root.append(f"locals {{\n  l{i} = [{', '.join(refs)}]\n}}")
            continue
        deps = [f"terraform_data.r{j}" for j in range(i) if kinds[j] == "r" and rnd.random() < 0.1]
        extra = f"\n  depends_on = [{', '.join(deps)}]" if deps else ""
        root.append(f'resource "terraform_data" "r{i}" {{\n  input = [{", ".join(refs)}]{extra}\n}}')
    return {"main.tf": "\n".join(root) + "\n", "mod/main.tf": "\n".join(mod) + "\n"}


@pytest.mark.parametrize("seed", range(8))
def test_dot_matches_terraform_graph_random(seed: int, tmp_path: Path, run_terraform: RunFn) -> None:
    write(tmp_path, _random_config(seed))
    init = run_terraform(["init", "-no-color", "-input=false"], tmp_path)
    assert init.returncode == 0, init.stderr
    tf = run_terraform(["graph"], tmp_path)
    assert tf.returncode == 0, tf.stderr
    cfg, diags = load_module_tree(str(tmp_path))
    assert not diags.has_errors()
    g, cdiags = build_config_graph(cfg)
    assert not cdiags
    assert g.dot() == tf.stdout


def _random_cyclic_config(seed: int) -> Files:
    """Resources and locals referring to each other at random, cycles likely."""
    rnd = random.Random(1000 + seed)
    n = 9
    kinds = ["r" if rnd.random() < 0.5 else "l" for _ in range(n)]

    def ref(j: int) -> str:
        return f"terraform_data.r{j}.id" if kinds[j] == "r" else f"local.l{j}"

    out = []
    for i in range(n):
        refs = [ref(j) for j in rnd.sample([j for j in range(n) if j != i], rnd.randrange(3))]
        if kinds[i] == "l":
            out.append(f"locals {{\n  l{i} = [{', '.join(refs)}]\n}}")
        else:
            out.append(f'resource "terraform_data" "r{i}" {{\n  input = [{", ".join(refs)}]\n}}')
    out.append(f'output "o" {{\n  value = [{", ".join(ref(j) for j in range(n))}]\n}}')
    return {"main.tf": "\n".join(out) + "\n"}


@pytest.mark.parametrize("seed", range(8))
def test_cycles_match_terraform_validate_random(seed: int, tmp_path: Path, run_terraform: RunFn) -> None:
    write(tmp_path, _random_cyclic_config(seed))
    tf = run_terraform(["validate", "-no-color"], tmp_path)
    expected = _cycle_sets(_CYCLE_RE.findall(tf.stderr))
    cfg, diags = load_module_tree(str(tmp_path))
    assert not diags.has_errors()
    _, cdiags = build_config_graph(cfg)
    assert _cycle_sets([d.summary for d in cdiags]) == expected
    assert (tf.returncode == 0) == (not expected)


STATE_DEPS_CONFIG: Files = {
    "main.tf": """
resource "terraform_data" "a" {}
resource "terraform_data" "b" { input = terraform_data.a.id }
locals { l = terraform_data.b.id }
resource "terraform_data" "c" { input = local.l }
module "m" {
  source = "./mod"
  in     = terraform_data.c.id
}
resource "terraform_data" "d" { input = module.m.out }
data "terraform_remote_state" "s" {
  backend  = "local"
  config   = { path = "other.tfstate" }
  defaults = { x = terraform_data.a.id }
}
resource "terraform_data" "e" { input = data.terraform_remote_state.s.outputs }
""",
    "mod/main.tf": """
variable "in" {}
resource "terraform_data" "i" { input = var.in }
output "out" { value = terraform_data.i.id }
""",
    "other.tfstate": '{"version": 4, "terraform_version": "1.11.4", "serial": 1, '
    '"lineage": "00000000-0000-0000-0000-000000000000", "outputs": {}, "resources": [], "check_results": null}\n',
}


def test_state_dependencies_match_terraform_apply(tmp_path: Path, run_terraform: RunFn) -> None:
    write(tmp_path, STATE_DEPS_CONFIG)
    init = run_terraform(["init", "-no-color", "-input=false"], tmp_path)
    assert init.returncode == 0, init.stderr
    applied = run_terraform(["apply", "-auto-approve", "-no-color", "-input=false"], tmp_path)
    assert applied.returncode == 0, applied.stderr
    state = json.loads((tmp_path / "terraform.tfstate").read_text())
    expected = {}
    for r in state["resources"]:
        if r["mode"] != "managed":
            continue
        prefix = r["module"] + "." if r.get("module") else ""
        expected[f"{prefix}{r['type']}.{r['name']}"] = r["instances"][0].get("dependencies", [])
    cfg, diags = load_module_tree(str(tmp_path))
    assert not diags.has_errors()
    g, _ = build_config_graph(cfg)
    deps = g.state_dependencies()
    got = {str(n): d for n, d in deps.items() if not n.local.startswith("data.")}
    assert got == expected
    assert got["terraform_data.e"] == ["data.terraform_remote_state.s", "terraform_data.a"]


def test_node_lookup(tmp_path: Path) -> None:
    g, _ = build(tmp_path, {"main.tf": 'variable "v" {}\nlocals { l = var.v }\n'})
    n = g.node("local.l")
    assert n is not None and n.kind == "local" and n.local == "local.l" and n.module.names == ()
    assert n.cycle_name() == "local.l (expand)"
    v = g.node("var.v")
    assert v is not None and v.cycle_name() == "var.v (validation)"  # only its validation rules can refer onward
    assert g.node("local.nope") is None
    assert g.graph.dependencies(n) == [v]


def test_provider_inheritance_through_two_levels(tmp_path: Path) -> None:
    g, cycles = build(
        tmp_path,
        {
            "main.tf": """
provider "aws" {}
module "a" { source = "./a" }
module "legacy" { source = "./legacy" }
""",
            "a/main.tf": """
module "b" {
  source    = "../b"
  providers = { aws = aws }
}
""",
            "b/main.tf": 'resource "aws_s3_bucket" "x" {}\n',
            "legacy/main.tf": """
provider "aws" {
  region = "eu-west-1"
}
module "b" { source = "../b" }
""",
        },
    )
    assert cycles == []
    aws = 'provider["registry.terraform.io/hashicorp/aws"]'
    e = edges(g, skip_providers=False)
    assert ("module.a.module.b.aws_s3_bucket.x", aws) in e
    assert ("module.legacy.module.b.aws_s3_bucket.x", "module.legacy." + aws) in e
    # provider configurations inside a module belong to that module's expansion
    assert ("module.legacy." + aws, "module.legacy") in e
