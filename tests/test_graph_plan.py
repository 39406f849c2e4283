"""sheath graph -plan=FILE against terraform graph -plan=FILE: the apply graph of a saved plan.

Each tool plans the same configuration into its own plan file (the formats differ), then
draws it; stdout, stderr and the exit code must be the same bytes."""

from __future__ import annotations

import json
import random
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import RunFn

pytestmark = pytest.mark.oracle

Files = dict[str, str]

CASES: dict[str, Files] = {
    "count_for_each_depends_on": {
        "main.tf": """
variable "v" { default = "x" }
locals { l = "${var.v}-l" }
resource "terraform_data" "a" {
  count = 2
  input = local.l
}
resource "terraform_data" "b" {
  for_each   = toset(["p", "q"])
  input      = terraform_data.a[0].id
  depends_on = [terraform_data.c]
}
resource "terraform_data" "c" {}
output "o" { value = terraform_data.b }
output "unused" { value = "k" }
""",
    },
    "modules": {
        "main.tf": """
variable "v" {
  default = "x"
  validation {
    condition     = length(var.v) > 0
    error_message = "e"
  }
}
module "m" {
  source = "./mod"
  count  = 2
  in     = var.v
}
module "n" {
  source     = "./mod"
  in         = "z"
  depends_on = [terraform_data.top]
}
resource "terraform_data" "top" {}
resource "terraform_data" "after" { input = module.n }
check "c" {
  assert {
    condition     = terraform_data.top.id != ""
    error_message = "x"
  }
}
output "o" { value = module.m[0].out }
""",
        "mod/main.tf": """
variable "in" {}
locals { x = "${var.in}-x" }
resource "terraform_data" "r" { input = local.x }
module "deep" {
  source = "./inner"
  v      = terraform_data.r.output
}
output "out" { value = module.deep.o }
output "plain" { value = "p" }
""",
        "mod/inner/main.tf": """
variable "v" {
  validation {
    condition     = var.v != "bad"
    error_message = "bad"
  }
}
resource "terraform_data" "d" { triggers_replace = [var.v] }
output "o" { value = terraform_data.d.id }
""",
    },
    "providers_and_data": {
        "main.tf": """
variable "names" {
  type    = set(string)
  default = ["a", "b"]
}
variable "unused" { default = 1 }
provider "terraform" { alias = "second" }
locals {
  joined = join(",", [for k, m in module.each : m.out])
}
module "each" {
  source    = "./mod"
  for_each  = var.names
  in        = each.key
  providers = { terraform = terraform.second }
}
resource "terraform_data" "uses_alias" {
  provider = terraform.second
  input    = local.joined
  lifecycle {
    replace_triggered_by = [terraform_data.trigger]
    precondition {
      condition     = var.unused > 0
      error_message = "x"
    }
  }
  provisioner "local-exec" {
    command = "echo ${self.id} ${terraform_data.trigger.id}"
  }
}
resource "terraform_data" "trigger" {}
data "terraform_remote_state" "rs" {
  backend  = "local"
  config   = { path = "other.tfstate" }
  defaults = { x = terraform_data.trigger.id }
}
output "o" {
  value      = local.joined
  depends_on = [terraform_data.uses_alias]
}
output "d" { value = data.terraform_remote_state.rs.outputs }
""",
        "mod/main.tf": """
variable "in" { type = string }
resource "terraform_data" "r" {
  count = 2
  input = "${var.in}-${count.index}"
}
output "out" { value = terraform_data.r[1].output }
""",
        "other.tfstate": '{"version": 4, "terraform_version": "1.11.4", "serial": 1, "lineage": "other", "outputs": {}, "resources": []}\n',
    },
    "check_nested_data": {
        "main.tf": """
variable "k" { default = "1" }
resource "terraform_data" "a" { input = var.k }
resource "terraform_data" "b" { input = terraform_data.a.output }
resource "terraform_data" "c" {}
check "n" {
  data "terraform_remote_state" "s" {
    backend = "local"
    config  = { path = "other.tfstate" }
    defaults = { x = terraform_data.a.output }
  }
  assert {
    condition     = data.terraform_remote_state.s.outputs != null
    error_message = "x"
  }
}
""",
        "other.tfstate": '{"version": 4, "terraform_version": "1.11.4", "serial": 1, "lineage": "other", "outputs": {}, "resources": []}\n',
    },
    "no_resources": {
        "main.tf": 'variable "v" { default = 1 }\nlocals { l = var.v }\noutput "o" { value = local.l }\n',
    },
}


def write(root: Path, files: Files) -> None:
    for name, text in files.items():
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)


def ok(r: subprocess.CompletedProcess[str]) -> None:
    assert r.returncode == 0, r.stdout + r.stderr


class Pair:
    """The same configuration in a directory per tool; each command runs in both."""

    def __init__(self, tmp_path: Path, files: Files, run_terraform: RunFn, run_sheath: RunFn) -> None:
        self.tf, self.sh = tmp_path / "tf", tmp_path / "sh"
        self.run_terraform, self.run_sheath = run_terraform, run_sheath
        for d in (self.tf, self.sh):
            d.mkdir()
            write(d, files)

    def both(self, *args: str) -> None:
        ok(self.run_terraform(list(args), self.tf))
        ok(self.run_sheath(list(args), self.sh))

    def init_and_plan(self, *plan_args: str) -> None:
        if any(p.is_dir() for p in self.tf.iterdir()):  # module directories: install them
            self.both("init", "-input=false", "-no-color")
        self.both("plan", "-input=false", "-no-color", "-out=p.tfplan", *plan_args)

    def same(self, *args: str, cwd: str = "") -> str:
        tf = self.run_terraform(list(args), self.tf / cwd)
        sh = self.run_sheath(list(args), self.sh / cwd)
        assert (sh.returncode, sh.stderr) == (tf.returncode, tf.stderr)
        assert sh.stdout == tf.stdout
        return tf.stdout


@pytest.mark.parametrize("case", sorted(CASES))
def test_graph_of_a_saved_plan(case: str, tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    pair = Pair(tmp_path, CASES[case], run_terraform, run_sheath)
    pair.init_and_plan()
    out = pair.same("graph", "-plan=p.tfplan")
    assert out.startswith("digraph {\n")
    # -type=apply is what -plan implies; -draw-cycles has nothing to draw in a plan's graph
    assert pair.same("graph", "-plan=p.tfplan", "-type=apply") == out
    assert pair.same("graph", "-plan=p.tfplan", "-draw-cycles", "-no-color") == out


def test_graph_of_an_update_and_of_a_plan_without_changes(tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    files = CASES["count_for_each_depends_on"]
    pair = Pair(tmp_path, files, run_terraform, run_sheath)
    pair.both("apply", "-auto-approve", "-input=false", "-no-color")
    pair.both("plan", "-input=false", "-no-color", "-out=same.tfplan")
    nothing = pair.same("graph", "-plan=same.tfplan")
    assert "terraform_data.a[0]" not in nothing  # no changes: only the expansion nodes
    pair.both("plan", "-input=false", "-no-color", "-var=v=changed", "-out=update.tfplan")
    assert '"[root] terraform_data.a[1]"' in pair.same("graph", "-plan=update.tfplan")
    # once applied, the plan is stale
    pair.both("apply", "-auto-approve", "-input=false", "-no-color", "-var=v=changed")
    pair.same("graph", "-plan=update.tfplan")
    pair.same("graph", "-no-color", "-plan=update.tfplan")


@pytest.mark.parametrize(
    "args",
    [
        ["-plan=missing.tfplan"],
        ["-no-color", "-plan=missing.tfplan"],
        ["-plan=main.tf"],  # not a plan file
        ["-plan=empty.tfplan"],
        ["-plan=p.tfplan", "-type=bogus"],
        ["-plan=p.tfplan", "-type=validate"],
        ["-plan=missing.tfplan", "-type=bogus"],
    ],
    ids=["missing", "missing-plain", "not-a-plan", "empty-file", "bad-type", "validate-type", "missing-and-bad-type"],
)
def test_graph_plan_errors(args: list[str], tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    pair = Pair(tmp_path, {**CASES["count_for_each_depends_on"], "empty.tfplan": ""}, run_terraform, run_sheath)
    pair.init_and_plan()
    pair.same("graph", *args)


def test_graph_plan_from_another_state(tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    """A plan made from another working directory's state does not match this one's."""
    pair = Pair(tmp_path, CASES["count_for_each_depends_on"], run_terraform, run_sheath)
    pair.both("apply", "-auto-approve", "-input=false", "-no-color")
    pair.both("plan", "-input=false", "-no-color", "-var=v=changed", "-out=p.tfplan")
    for d in (pair.tf, pair.sh):
        (d / "elsewhere").mkdir()
    pair.same("graph", "-plan=../p.tfplan", cwd="elsewhere")


def test_graph_plan_a_directory_draws_the_configuration(tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    pair = Pair(tmp_path, {**CASES["count_for_each_depends_on"], "sub/README": "x\n"}, run_terraform, run_sheath)
    out = pair.same("graph", "-plan=sub")
    assert out.startswith("digraph G {\n")


def test_graph_plan_refusals(tmp_path: Path, run_sheath: RunFn) -> None:
    """What sheath does not draw says so: the graphs of a configuration with an ephemeral
    resource (terraform adds nodes sheath does not draw yet; terraform has no ephemeral
    resource here to compare with)."""
    write(tmp_path, {"main.tf": CHAIN.replace("CBD", "false")})
    write(tmp_path, {"eph.tf": 'ephemeral "random_password" "p" {\n  length = 8\n}\n'})
    ok(run_sheath(["init", "-input=false", "-no-color"], tmp_path))
    for graph_type in ("plan", "plan-refresh-only", "plan-destroy", "apply"):
        r = run_sheath(["graph", "-no-color", f"-type={graph_type}"], tmp_path)
        assert r.returncode == 1 and r.stdout == ""
        assert "ephemeral resource" in r.stderr


def test_graph_plan_of_a_terraform_plan_file(tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    """terraform's plan files are not sheath's: refused, not misread."""
    write(tmp_path, CASES["no_resources"])
    ok(run_terraform(["plan", "-input=false", "-no-color", "-out=tf.tfplan"], tmp_path))
    shutil.rmtree(tmp_path / ".terraform", ignore_errors=True)
    r = run_sheath(["graph", "-no-color", "-plan=tf.tfplan"], tmp_path)
    assert r.returncode == 1 and r.stdout == ""


def random_config(seed: int) -> Files:
    """An acyclic configuration of terraform_data resources (some counted or keyed), locals,
    variables (some validated), outputs and two calls of one module (one counted or keyed),
    with references, depends_on and module arguments chosen by a seeded generator."""
    rnd = random.Random(seed)
    n = 12
    kinds = [rnd.choice("rrrcfl") for _ in range(n)]  # resource, counted, for_each, local

    def ref(j: int) -> str:
        k = kinds[j]
        if k == "l":
            return f"local.l{j}"
        if k == "c":
            return rnd.choice([f"terraform_data.r{j}[0].id", f"terraform_data.r{j}", f"length(terraform_data.r{j})"])
        if k == "f":
            return rnd.choice([f'terraform_data.r{j}["a"].id', f"terraform_data.r{j}"])
        return f"terraform_data.r{j}.id"

    mod = ['variable "v0" {}', 'variable "v1" {\n  default = 1\n  validation {\n    condition     = var.v1 != null\n    error_message = "v1"\n  }\n}']
    for k in range(3):
        refs = [f"var.v{rnd.randrange(2)}" for _ in range(rnd.randrange(2))]
        refs += [f"terraform_data.mr{j}.id" for j in rnd.sample(range(k), min(k, rnd.randrange(3)))]
        mod.append(f'resource "terraform_data" "mr{k}" {{\n  input = [{", ".join(refs)}]\n}}')
    mod.append('locals {\n  ml = [var.v0]\n}')
    for k in range(2):
        choice = rnd.choice(["var.v0", "local.ml", f"terraform_data.mr{rnd.randrange(3)}.id", '"const"'])
        mod.append(f'output "o{k}" {{\n  value = {choice}\n}}')
    root = ['variable "in" {\n  default = "x"\n  validation {\n    condition     = length(var.in) > 0\n    error_message = "in"\n  }\n}']
    root.append('variable "plain" {\n  default = 2\n}')
    half = n // 2
    for call in ("m", "k"):
        refs = [ref(j) for j in rnd.sample(range(half), rnd.randrange(3))]
        lines = [f'module "{call}" {{', '  source = "./mod"', f"  v0     = [{', '.join(refs)}]"]
        if call == "k":
            lines.append(rnd.choice(["  count = 2", '  for_each = toset(["a", "b"])', ""]))
        deps = [f"terraform_data.r{j}" for j in range(half) if kinds[j] == "r" and rnd.random() < 0.2]
        if deps:
            lines.append(f"  depends_on = [{', '.join(deps)}]")
        root.append("\n".join(lines) + "\n}")
    for i in range(n):
        refs = [ref(j) for j in rnd.sample(range(i), min(i, rnd.randrange(3)))]
        if rnd.random() < 0.3:
            refs.append(rnd.choice(["var.in", "var.plain"]))
        if i >= half and rnd.random() < 0.4:
            refs.append(rnd.choice(["module.m.o0", "module.m.o1", "module.m", "module.k"]))
        if kinds[i] == "l":
            root.append(f"locals {{\n  l{i} = [{', '.join(refs)}]\n}}")
            continue
        deps = [f"terraform_data.r{j}" for j in range(i) if kinds[j] != "l" and rnd.random() < 0.1]
        extra = f"\n  depends_on = [{', '.join(deps)}]" if deps else ""
        rep = {"c": "\n  count = 2", "f": '\n  for_each = toset(["a", "b"])', "r": ""}[kinds[i]]
        root.append(f'resource "terraform_data" "r{i}" {{{rep}\n  input = [{", ".join(refs)}]{extra}\n}}')
    for k in range(2):
        root.append(f'output "out{k}" {{\n  value = {ref(rnd.randrange(n))}\n}}')
    return {"main.tf": "\n".join(root) + "\n", "mod/main.tf": "\n".join(mod) + "\n"}


@pytest.mark.parametrize("seed", range(6))
def test_graph_of_a_saved_plan_random(seed: int, tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    """Random configurations: first planned from nothing, then applied and planned with
    another value for var.plain: updates and no-ops mixed."""
    pair = Pair(tmp_path, random_config(seed), run_terraform, run_sheath)
    pair.init_and_plan()
    pair.same("graph", "-plan=p.tfplan")
    pair.both("apply", "-auto-approve", "-input=false", "-no-color")
    pair.both("plan", "-input=false", "-no-color", "-var=plain=3", "-out=again.tfplan")
    pair.same("graph", "-plan=again.tfplan")


@pytest.mark.parametrize("case", sorted(CASES))
def test_apply_graph_without_a_plan(case: str, tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    """-type=apply without -plan: the apply graph of a plan with no changes, before and after an apply."""
    pair = Pair(tmp_path, CASES[case], run_terraform, run_sheath)
    if any(p.is_dir() for p in pair.tf.iterdir()):
        pair.both("init", "-input=false", "-no-color")
    out = pair.same("graph", "-type=apply")
    assert pair.same("graph", "-type=apply", "-draw-cycles") == out
    pair.both("apply", "-auto-approve", "-input=false", "-no-color")
    assert pair.same("graph", "-type=apply") == out


def test_apply_graph_of_an_empty_directory(tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    pair = Pair(tmp_path, {}, run_terraform, run_sheath)
    pair.same("graph", "-type=apply")


def test_draw_cycles_of_a_cyclic_configuration_is_refused(tmp_path: Path, run_sheath: RunFn) -> None:
    write(tmp_path, {"main.tf": 'resource "terraform_data" "x" { input = terraform_data.y.id }\nresource "terraform_data" "y" { input = terraform_data.x.id }\n'})
    r = run_sheath(["graph", "-no-color", "-type=apply", "-draw-cycles"], tmp_path)
    assert r.returncode == 1 and r.stdout == "" and "Error: Unsupported option -draw-cycles" in r.stderr


DEPOSED_KEY = re.compile(r"\(destroy deposed [0-9a-f]{8}\)")


def masked(text: str) -> str:
    """A graph with its deposed keys (random, in terraform as in sheath) replaced."""
    return DEPOSED_KEY.sub("(destroy deposed KEY)", text)


CHAIN = """
variable "k" { default = "1" }
resource "terraform_data" "a" { triggers_replace = [var.k] }
resource "terraform_data" "b" {
  input = terraform_data.a.id
  lifecycle { create_before_destroy = CBD }
}
resource "terraform_data" "c" { input = terraform_data.b.id }
resource "terraform_data" "d" { triggers_replace = terraform_data.c.id }
resource "terraform_data" "e" {
  count = 2
  input = terraform_data.d.output
}
output "o" { value = terraform_data.c.id }
"""

MODULES = {
    "main.tf": """
variable "n" { default = 2 }
variable "k" { default = "1" }
module "m" {
  source = "./mod"
  count  = var.n
  k      = var.k
}
resource "terraform_data" "top" { input = module.m[0].out }
resource "terraform_data" "gone" { input = terraform_data.top.id }
output "o" { value = terraform_data.top.id }
""",
    "mod/main.tf": """
variable "k" {}
resource "terraform_data" "x" { triggers_replace = [var.k] }
resource "terraform_data" "y" {
  input = terraform_data.x.id
  lifecycle { create_before_destroy = true }
}
resource "terraform_data" "z" { input = terraform_data.y.id }
output "out" { value = terraform_data.z.id }
check "mc" {
  assert {
    condition     = terraform_data.z.id != ""
    error_message = "z"
  }
}
""",
}

# (configuration applied first, what changes before the plan, the plan's arguments)
CHANGES: dict[str, tuple[Files, Files, list[str]]] = {
    "delete": (
        {"main.tf": CHAIN.replace("CBD", "false")},
        {"main.tf": CHAIN.replace("CBD", "false").split('resource "terraform_data" "d"')[0] + 'output "o" { value = terraform_data.c.id }\n'},
        [],
    ),
    "delete_middle_and_count": (
        {"main.tf": CHAIN.replace("CBD", "true")},
        {"main.tf": CHAIN.replace("CBD", "true").replace("count = 2", "count = 1").replace(
            'resource "terraform_data" "c" { input = terraform_data.b.id }', "").replace("terraform_data.c.id", "terraform_data.b.id")},
        [],
    ),
    "delete_with_output": (
        {"main.tf": CHAIN.replace("CBD", "false") + 'output "p" { value = terraform_data.e }\n'},
        {"main.tf": CHAIN.replace("CBD", "false").split('resource "terraform_data" "d"')[0]},
        [],
    ),
    "forget": (
        {"main.tf": CHAIN.replace("CBD", "true")},
        {"main.tf": CHAIN.replace("CBD", "true").split('resource "terraform_data" "d"')[0]
         + 'output "o" { value = terraform_data.c.id }\nremoved {\n  from = terraform_data.d\n  lifecycle {\n    destroy = false\n  }\n}\n'},
        ["-var=k=2"],
    ),
    "replace": ({"main.tf": CHAIN.replace("CBD", "false")}, {}, ["-var=k=2"]),
    "replace_cbd": ({"main.tf": CHAIN.replace("CBD", "true")}, {}, ["-var=k=2"]),
    "replace_requested": ({"main.tf": CHAIN.replace("CBD", "false")}, {}, ["-replace=terraform_data.c", "-replace=terraform_data.e[1]"]),
    "replace_requested_cbd": ({"main.tf": CHAIN.replace("CBD", "true")}, {}, ["-replace=terraform_data.a"]),
    "destroy": ({"main.tf": CHAIN.replace("CBD", "true")}, {}, ["-destroy"]),
    "destroy_target": ({"main.tf": CHAIN.replace("CBD", "false")}, {}, ["-destroy", "-target=terraform_data.c"]),
    "target": ({"main.tf": CHAIN.replace("CBD", "false")}, {}, ["-var=k=2", "-target=terraform_data.c"]),
    "target_instance": ({"main.tf": CHAIN.replace("CBD", "true")}, {}, ["-var=k=2", "-target=terraform_data.e[0]"]),
    "modules_replace": (MODULES, {}, ["-var=k=2"]),
    "modules_shrink": (MODULES, {"main.tf": MODULES["main.tf"].replace(
        'resource "terraform_data" "gone" { input = terraform_data.top.id }', "")}, ["-var=n=1"]),
    "modules_destroy": (MODULES, {}, ["-destroy"]),
    "modules_removed": (MODULES, {"main.tf": 'resource "terraform_data" "top" {}\noutput "o" { value = terraform_data.top.id }\n'}, []),
    "modules_destroy_target": (MODULES, {}, ["-destroy", "-target=module.m[1]"]),
    "modules_target": (MODULES, {}, ["-var=k=3", "-target=module.m[0]"]),
    "modules_target_resource": (MODULES, {}, ["-var=k=3", "-target=module.m.terraform_data.y"]),
}


@pytest.mark.parametrize("case", sorted(CHANGES))
def test_graph_of_a_plan_that_deletes_or_replaces(case: str, tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    first, after, plan_args = CHANGES[case]
    pair = Pair(tmp_path, first, run_terraform, run_sheath)
    if any(p.is_dir() for p in pair.tf.iterdir()):
        pair.both("init", "-input=false", "-no-color")
    pair.both("apply", "-auto-approve", "-input=false", "-no-color")
    for d in (pair.tf, pair.sh):
        write(d, after)
    pair.both("plan", "-input=false", "-no-color", "-out=p.tfplan", *plan_args)
    tf = pair.run_terraform(["graph", "-plan=p.tfplan"], pair.tf)
    sh = pair.run_sheath(["graph", "-plan=p.tfplan"], pair.sh)
    assert (sh.returncode, sh.stderr) == (tf.returncode, tf.stderr)
    assert masked(sh.stdout) == masked(tf.stdout)


# seeds 2 and 3 run with -m slow: each walks five plans and every -type (the file is the
# longest of the default run)
@pytest.mark.parametrize(
    "seed", [0, 1, pytest.param(2, marks=pytest.mark.slow), pytest.param(3, marks=pytest.mark.slow), pytest.param(6, marks=pytest.mark.slow)]
)
def test_graph_of_a_random_plan_that_deletes_or_replaces(seed: int, tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    """Random configurations, applied, then planned with replacements (-replace of random
    resources, create_before_destroy on some), a targeted replacement, a destroy and a
    targeted destroy; then with their counted and keyed resources and module calls shrunk
    (deletions), and the operation graphs of that."""
    random_deletions(seed, Pair(tmp_path, random_config(seed), run_terraform, run_sheath), terraform_state=False)


@pytest.mark.parametrize("seed", [10, pytest.param(12, marks=pytest.mark.slow)])
def test_graph_of_a_random_plan_from_terraforms_state(seed: int, tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    """As above, sheath planning from the state terraform's apply wrote: terraform records
    create_before_destroy only on the instances a create_before_destroy dependent refers to
    (these seeds have such keyed and counted instances), which the destroy edges follow."""
    random_deletions(seed, Pair(tmp_path, random_config(seed), run_terraform, run_sheath), terraform_state=True)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [10, 11, 12])
def test_graph_of_a_random_plan_from_sheaths_state_with_a_cycle(seed: int, tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    """The same seeds from sheath's own state: its apply records create_before_destroy per
    instance as terraform's does, so its state leads to the same plans and to terraform's cycle."""
    random_deletions(seed, Pair(tmp_path, random_config(seed), run_terraform, run_sheath), terraform_state=False, cycle=True)


def random_deletions(seed: int, pair: Pair, terraform_state: bool, cycle: bool | None = None) -> None:
    """cycle: whether terraform finds a cycle in the replacements with deletions (by default,
    when planning from terraform's state)."""
    cycle = terraform_state if cycle is None else cycle
    rnd = random.Random(1000 + seed)
    files = random_config(seed)
    names = sorted(set(re.findall(r'resource "terraform_data" "(r\d+)" \{\n(?!  count|  for_each)', files["main.tf"])))
    for name in rnd.sample(names, min(2, len(names))):
        files["main.tf"] = files["main.tf"].replace(
            f'resource "terraform_data" "{name}" {{\n', f'resource "terraform_data" "{name}" {{\n  lifecycle {{\n    create_before_destroy = true\n  }}\n'
        )
    for d in (pair.tf, pair.sh):
        write(d, files)
    pair.both("init", "-input=false", "-no-color")
    pair.both("apply", "-auto-approve", "-input=false", "-no-color")
    if terraform_state:
        shutil.copy(pair.tf / "terraform.tfstate", pair.sh / "terraform.tfstate")
    replaced = [f"-replace=terraform_data.{n}" for n in rnd.sample(names, min(3, len(names)))]
    replaced.append(f"-replace=module.m.terraform_data.mr{rnd.randrange(3)}")
    target = f"-target=terraform_data.{rnd.choice(names)}"
    for i, args in enumerate([replaced, [*replaced[:1], target], ["-destroy"], ["-destroy", target]]):
        pair.both("plan", "-input=false", "-no-color", f"-out={i}.tfplan", *args)
        tf = pair.run_terraform(["graph", f"-plan={i}.tfplan"], pair.tf)
        sh = pair.run_sheath(["graph", f"-plan={i}.tfplan"], pair.sh)
        assert (sh.returncode, sh.stderr) == (tf.returncode, tf.stderr), args
        assert masked(sh.stdout) == masked(tf.stdout), args
    # deletions: every counted or keyed resource and module call loses its second instance
    shrunk = {k: v.replace("count = 2", "count = 1").replace('toset(["a", "b"])', 'toset(["a"])') for k, v in files.items()}
    for d in (pair.tf, pair.sh):
        write(d, shrunk)
    if cycle:
        # terraform finds a cycle in these seeds' replacements with deletions and plans nothing;
        # sheath plans them but draws no graph with a cycle
        tf = pair.run_terraform(["plan", "-input=false", "-no-color", "-out=c.tfplan", *replaced[:2]], pair.tf)
        assert tf.returncode == 1 and "Error: Cycle: " in tf.stderr
        ok(pair.run_sheath(["plan", "-input=false", "-no-color", "-out=c.tfplan", *replaced[:2]], pair.sh))
        sh = pair.run_sheath(["graph", "-no-color", "-plan=c.tfplan"], pair.sh)
        assert sh.returncode == 1 and sh.stdout == "" and "Error: Cycle in the graph" in sh.stderr
    for i, args in enumerate([[]] if cycle else [[], replaced[:2]]):
        pair.both("plan", "-input=false", "-no-color", f"-out=s{i}.tfplan", *args)
        tf = pair.run_terraform(["graph", f"-plan=s{i}.tfplan"], pair.tf)
        sh = pair.run_sheath(["graph", f"-plan=s{i}.tfplan"], pair.sh)
        assert (sh.returncode, sh.stderr) == (tf.returncode, tf.stderr), args
        assert masked(sh.stdout) == masked(tf.stdout), args
    for graph_type in ("plan", "plan-refresh-only", "plan-destroy"):
        pair.same("graph", f"-type={graph_type}")


GRAPH_TYPES = ("plan", "plan-refresh-only", "plan-destroy")


@pytest.mark.parametrize("case", sorted(CASES))
def test_operation_graphs(case: str, tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    """-type=plan, plan-refresh-only and plan-destroy, before and after an apply, and of a saved plan."""
    pair = Pair(tmp_path, CASES[case], run_terraform, run_sheath)
    if any(p.is_dir() for p in pair.tf.iterdir()):
        pair.both("init", "-input=false", "-no-color")
    for graph_type in GRAPH_TYPES:
        assert pair.same("graph", f"-type={graph_type}").startswith("digraph {\n")
    pair.both("apply", "-auto-approve", "-input=false", "-no-color")
    pair.both("plan", "-input=false", "-no-color", "-out=p.tfplan")
    pair.same("graph", "-plan=p.tfplan")  # no changes: instances with conditions are still nodes
    for graph_type in GRAPH_TYPES:
        out = pair.same("graph", f"-type={graph_type}")
        assert pair.same("graph", f"-type={graph_type}", "-draw-cycles") == out
        assert pair.same("graph", f"-type={graph_type}", "-plan=p.tfplan") == out


@pytest.mark.parametrize("case", sorted(c for c in CHANGES if "-destroy" not in CHANGES[c][2]))
def test_operation_graphs_of_changed_configurations(case: str, tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    """The operation graphs of a state with objects the configuration no longer declares
    (orphans) and of one whose objects record create_before_destroy and dependencies."""
    first, after, _ = CHANGES[case]
    pair = Pair(tmp_path, first, run_terraform, run_sheath)
    if any(p.is_dir() for p in pair.tf.iterdir()):
        pair.both("init", "-input=false", "-no-color")
    pair.both("apply", "-auto-approve", "-input=false", "-no-color")
    for d in (pair.tf, pair.sh):
        write(d, after)
    for graph_type in (*GRAPH_TYPES, "apply"):
        pair.same("graph", f"-type={graph_type}")


def add_deposed(state_file: Path, address: str, key: str) -> None:
    """A deposed copy of an instance's object, as a create_before_destroy replacement that
    failed half-way leaves it."""
    doc = json.loads(state_file.read_text())
    for r in doc["resources"]:
        if f"{r['type']}.{r['name']}" == address and "module" not in r:
            r["instances"].append({**r["instances"][0], "deposed": key})
    doc["serial"] += 1
    state_file.write_text(json.dumps(doc, indent=2) + "\n")


def test_graphs_with_deposed_objects(tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    pair = Pair(tmp_path, {"main.tf": CHAIN.replace("CBD", "true")}, run_terraform, run_sheath)
    pair.both("apply", "-auto-approve", "-input=false", "-no-color")
    for d in (pair.tf, pair.sh):
        add_deposed(d / "terraform.tfstate", "terraform_data.b", "00000001")
        add_deposed(d / "terraform.tfstate", "terraform_data.c", "00000002")
    for graph_type in GRAPH_TYPES:
        assert "deposed 00000001" in pair.same("graph", f"-type={graph_type}")
    for args in ([], ["-var=k=2"], ["-destroy"]):
        pair.both("plan", "-input=false", "-no-color", "-out=p.tfplan", *args)
        tf = pair.run_terraform(["graph", "-plan=p.tfplan"], pair.tf)
        sh = pair.run_sheath(["graph", "-plan=p.tfplan"], pair.sh)
        assert (sh.returncode, sh.stderr) == (tf.returncode, tf.stderr), args
        assert masked(sh.stdout) == masked(tf.stdout), args
