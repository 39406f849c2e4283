"""Differential helpers for the state-reading and state-editing commands.

``build_applied`` writes a configuration that uses only what terraform runs
offline (terraform_data, terraform_remote_state), applies it with terraform,
and returns the directory. ``compare`` runs one command with terraform and
with sheath on two copies of a directory and returns both results (stdout,
stderr, exit code, and every state file afterwards) for the test to compare.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

RunFn = Callable[..., subprocess.CompletedProcess[str]]

MAIN_TF = """
resource "terraform_data" "a" {
  input = "hello"
}
resource "terraform_data" "c" {
  count = 3
  input = { n = count.index, tags = ["x", "y"], m = { k = "v" } }
}
resource "terraform_data" "f" {
  for_each         = toset(["k1", "k2", "a b"])
  input            = each.key
  triggers_replace = [each.key]
}
resource "terraform_data" "keys" {
  for_each = toset(["a\\"b", "x\\ny", "$${x}", "%%{y}", "é", "tab\\t", "back\\\\slash", "<&>"])
  input    = each.key
}
variable "secret" {
  default   = "s3cr3t"
  sensitive = true
}
resource "terraform_data" "s" {
  input = { user = "u", pass = var.secret, list = [1, var.secret] }
}
resource "terraform_data" "dep" {
  input      = terraform_data.a.output
  depends_on = [module.m]
}
module "m" {
  source = "./mod"
  x      = "one"
}
module "each" {
  source   = "./mod"
  for_each = { one = "1", two = "2" }
  x        = each.value
}
output "a" { value = terraform_data.a.output }
output "num" { value = 42.5 }
output "obj" { value = { a = 1, b = [true, null], c = "str" } }
output "map" { value = tomap({ "k-1" = "v", k2 = "w" }) }
output "lst" { value = tolist(["p", "q"]) }
output "sec" {
  value     = var.secret
  sensitive = true
}
output "multi" { value = "line1\\nline2\\n" }
output "empty" { value = "" }
output "nul" { value = null }
output "big" { value = 123456789012345678 }
output "esc" { value = "<&>\\t\\"q\\"" }
"""

MOD_TF = """
variable "x" {}
resource "terraform_data" "r" { input = var.x }
module "inner" {
  source = "./inner"
}
output "o" { value = terraform_data.r.output }
"""

INNER_TF = """
resource "terraform_data" "deep" {
  count = 2
  input = 1.5
}
data "terraform_remote_state" "rs" {
  backend  = "local"
  config   = { path = "${path.root}/rs/terraform.tfstate" }
  defaults = { z = 1 }
}
"""

RS_TF = """
output "z" { value = { q = "w" } }
output "n" { value = [1, 2] }
"""


def build_applied(root: Path, run_terraform: RunFn) -> Path:
    (root / "mod" / "inner").mkdir(parents=True)
    (root / "rs").mkdir()
    (root / "main.tf").write_text(MAIN_TF)
    (root / "mod" / "main.tf").write_text(MOD_TF)
    (root / "mod" / "inner" / "main.tf").write_text(INNER_TF)
    (root / "rs" / "main.tf").write_text(RS_TF)
    for d in (root / "rs", root):
        r = run_terraform(["init", "-no-color"], d)
        assert r.returncode == 0, r.stderr
        r = run_terraform(["apply", "-auto-approve", "-no-color"], d)
        assert r.returncode == 0, r.stdout + r.stderr
    return root


@dataclass
class Result:
    stdout: str
    stderr: str
    code: int
    files: dict[str, str]


_TS_BACKUP = re.compile(r"^(.*)\.\d{9,}\.backup$")


def state_files(d: Path) -> dict[str, str]:
    """Every state-like file in d (tfstate and backups), timestamped backup names normalised."""
    out: dict[str, str] = {}
    for p in sorted(d.rglob("*")):
        if not p.is_file() or ".terraform" in p.parts or p.suffix == ".tf":
            continue
        name = str(p.relative_to(d))
        if not (".tfstate" in name or name.endswith(".backup")):
            continue
        m = _TS_BACKUP.match(name)
        if m:
            name = m.group(1) + ".TIMESTAMP.backup"
        out[name] = p.read_text()
    return out


def run_one(run: RunFn, args: list[str], d: Path, stdin: str | None) -> Result:
    r = run(args, d, stdin=stdin)
    def norm(s: str) -> str:
        return s.replace("Usage: terraform [global options]", "Usage: sheath [global options]")

    return Result(norm(r.stdout), norm(r.stderr), r.returncode, state_files(d))


def compare(
    base: Path,
    work: Path,
    args: list[str],
    run_terraform: RunFn,
    run_sheath: RunFn,
    setup: Callable[[Path], None] | None = None,
    stdin: str | None = None,
) -> tuple[Result, Result]:
    tf_dir, sh_dir = work / "tf", work / "sh"
    for d in (tf_dir, sh_dir):
        shutil.copytree(base, d, symlinks=True)
        if setup is not None:
            setup(d)
    want = run_one(run_terraform, args, tf_dir, stdin)
    got = run_one(run_sheath, args, sh_dir, stdin)
    return want, got


def assert_same(want: Result, got: Result) -> None:
    assert got.stdout == want.stdout
    assert got.stderr == want.stderr
    assert got.code == want.code
    assert got.files.keys() == want.files.keys()
    for k in want.files:
        assert got.files[k] == want.files[k], k


# --- setups applied identically to both copies before a command runs ---


def _edit_state(d: Path, edit: Callable[[dict], None], name: str = "terraform.tfstate") -> None:
    import json

    p = d / name
    doc = json.loads(p.read_text())
    edit(doc)
    p.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")


def _resource(doc: dict, module: str, type_: str, name: str) -> dict:
    for r in doc["resources"]:
        if r.get("module", "") == module and r["type"] == type_ and r["name"] == name:
            return r
    raise KeyError(name)


def taint_a(d: Path) -> None:
    _edit_state(d, lambda doc: _resource(doc, "", "terraform_data", "a")["instances"][0].__setitem__("status", "tainted"))


def depose_a(d: Path) -> None:
    """terraform_data.a gets a deposed object next to its current one; c[1] keeps only a deposed one."""
    import copy

    def edit(doc: dict) -> None:
        a = _resource(doc, "", "terraform_data", "a")
        dep = copy.deepcopy(a["instances"][0])
        dep["deposed"] = "0badf00d"
        a["instances"].append(dep)
        c = _resource(doc, "", "terraform_data", "c")
        for inst in c["instances"]:
            if inst.get("index_key") == 1:
                inst["deposed"] = "cafe0001"

    _edit_state(d, edit)


def corrupt_state(d: Path) -> None:
    p = d / "terraform.tfstate"
    p.write_text(p.read_text()[:100])


def remove_state(d: Path) -> None:
    (d / "terraform.tfstate").unlink()


def empty_resources(d: Path) -> None:
    _edit_state(d, lambda doc: doc.__setitem__("resources", []))


def only_resources(d: Path) -> None:
    _edit_state(d, lambda doc: doc.__setitem__("outputs", {}))


def copy_state_to(name: str) -> Callable[[Path], None]:
    def setup(d: Path) -> None:
        shutil.copy(d / "terraform.tfstate", d / name)

    return setup


def older_serial_copy(d: Path) -> None:
    """pushme.tfstate: the same lineage as the state, with a lower serial and one resource fewer."""
    shutil.copy(d / "terraform.tfstate", d / "pushme.tfstate")

    def edit(doc: dict) -> None:
        doc["serial"] = 1
        doc["resources"] = [r for r in doc["resources"] if r["name"] != "a"]

    _edit_state(d, edit, "pushme.tfstate")


def newer_serial_copy(d: Path) -> None:
    shutil.copy(d / "terraform.tfstate", d / "pushme.tfstate")

    def edit(doc: dict) -> None:
        doc["serial"] = doc["serial"] + 5
        doc["resources"] = [r for r in doc["resources"] if r["name"] != "a"]

    _edit_state(d, edit, "pushme.tfstate")


def chain(*setups: Callable[[Path], None]) -> Callable[[Path], None]:
    def setup(d: Path) -> None:
        for s in setups:
            s(d)

    return setup


VALUES_TF = r'''
resource "terraform_data" "j" {
  input = jsonencode({ a = 1, b = [1, 2], c = { d = "e" } })
}
resource "terraform_data" "ml" {
  input = "line1\nline2\n\nline4"
}
resource "terraform_data" "misc" {
  input = {
    empty_list       = []
    empty_map        = {}
    nul              = null
    neg              = -3
    big              = 1e21
    small            = 0.000001
    t                = true
    quoted           = "a\"b\\c\t"
    "key with space" = 1
    unicode          = "héllo ✓"
    nested           = [[1, 2], [], [{ x = null }]]
    empty_string     = ""
  }
}
resource "terraform_data" "arr" {
  input = jsonencode([1, "two"])
}
resource "terraform_data" "notjson" {
  input = "{not json"
}
resource "terraform_data" "empty" {
  input = ""
}
output "j" { value = terraform_data.j.output }
output "ml" { value = terraform_data.ml.output }
output "misc" { value = terraform_data.misc.output }
output "tup" { value = [1, "a", null, {}] }
output "set" { value = toset(["b", "a"]) }
output "empty_strings" { value = { a = "", b = tomap({ x = "" }), c = [""] } }
output "e" { value = "" }
'''


def build_values(root: Path, run_terraform: RunFn) -> Path:
    """An applied configuration whose values exercise the renderers (JSON strings, heredocs, escapes, nulls)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "main.tf").write_text(VALUES_TF)
    r = run_terraform(["init", "-no-color"], root)
    assert r.returncode == 0, r.stderr
    r = run_terraform(["apply", "-auto-approve", "-no-color"], root)
    assert r.returncode == 0, r.stdout + r.stderr
    return root


def only_module_resources(d: Path) -> None:
    _edit_state(d, lambda doc: doc.__setitem__("resources", [r for r in doc["resources"] if r.get("module")]))


def only_data_resources(d: Path) -> None:
    _edit_state(d, lambda doc: doc.__setitem__("resources", [r for r in doc["resources"] if r["mode"] == "data"]))


def empty_state(d: Path) -> None:
    def edit(doc: dict) -> None:
        doc["resources"] = []
        doc["outputs"] = {}

    _edit_state(d, edit)
