"""sheath import -config=PATH against terraform import: the configuration comes from PATH;
the state, the installed modules (.terraform/modules), the variables files and path.cwd stay
the working directory's. Same files to both tools; stdout, stderr, exit code and state compared."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import RunFn

pytestmark = pytest.mark.oracle

Files = dict[str, str]

# the configuration under -config=sub: path.module and path.root are "sub", path.cwd the
# working directory; the module "m" is read from where the working directory's manifest says
# (mod/, not sub/mod/), and terraform.tfvars from the working directory
SUB_CONFIG: Files = {
    "sub/main.tf": """
variable "v" {
  validation {
    condition     = var.v == "from-cwd"
    error_message = "v is ${var.v}"
  }
}
module "m" {
  source = "./mod"
  in     = "${path.module}|${path.root}|${path.cwd}"
}
resource "terraform_data" "x" {
  input = "${path.module}|${var.v}"
}
""",
    "sub/mod/main.tf": 'variable "in" {}\nresource "terraform_data" "wrong_copy" {}\n',
    "mod/main.tf": """
variable "in" {
  validation {
    condition     = var.in == "sub|sub|${path.cwd}"
    error_message = "in is ${var.in}"
  }
}
resource "terraform_data" "inner" {}
""",
    "main.tf": 'resource "terraform_data" "only_here" {}\n',
    "terraform.tfvars": 'v = "from-cwd"\n',
    "sub/terraform.tfvars": 'v = "from-config-dir"\n',
    ".terraform/modules/modules.json": json.dumps(
        {"Modules": [{"Key": "", "Source": "", "Dir": "."}, {"Key": "m", "Source": "./mod", "Dir": "mod"}]}
    ),
    "empty/README": "no configuration here\n",
}


def write(root: Path, files: Files) -> None:
    for name, text in files.items():
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)


def state_of(root: Path) -> dict[str, object] | None:
    p = root / "terraform.tfstate"
    if not p.exists():
        return None
    st = json.loads(p.read_text())
    st.pop("lineage", None)
    return dict(st)


def differential(tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn, args: list[str], files: Files = SUB_CONFIG) -> str:
    tf_dir, sh_dir = tmp_path / "tf", tmp_path / "sh"
    for d in (tf_dir, sh_dir):
        write(d, files)
    tf = run_terraform(args, tf_dir)
    sh = run_sheath(args, sh_dir)
    assert (sh.returncode, sh.stdout, sh.stderr) == (tf.returncode, tf.stdout, tf.stderr)
    assert state_of(sh_dir) == state_of(tf_dir)
    return tf.stdout


@pytest.mark.parametrize("color", [True, False])
def test_import_reads_the_configuration_from_config_dir(color: bool, tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    args = ["import", "-input=false", *([] if color else ["-no-color"]), "-config=sub", "terraform_data.x", "some-id"]
    out = differential(tmp_path, run_terraform, run_sheath, args)
    assert "Import successful!" in out


def test_import_into_a_module_of_config_dir(tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    # the module's resources are the installed copy's (mod/), not sub/mod/'s
    args = ["import", "-input=false", "-no-color", "-config=sub", "module.m.terraform_data.inner", "abc"]
    assert "Import successful!" in differential(tmp_path, run_terraform, run_sheath, args)
    args = ["import", "-input=false", "-no-color", "-config=sub", "module.m.terraform_data.wrong_copy", "abc"]
    differential(tmp_path / "again", run_terraform, run_sheath, args)


@pytest.mark.parametrize(
    "args",
    [
        ["-config=empty", "terraform_data.x", "id"],  # no .tf files
        ["-config=missing", "terraform_data.x", "id"],  # no such directory
        ["-config=sub", "terraform_data.only_here", "id"],  # the working directory's resource
        ["-config=sub", "module.zz.terraform_data.x", "id"],  # a module -config does not call
        ["-config=sub", "data.terraform_data.x", "id"],
        ["-no-color", "-config=sub", "terraform_data.only_here", "id"],
        ["-no-color", "-config=empty", "terraform_data.x", "id"],
    ],
    ids=["no-files", "missing-dir", "missing-resource", "missing-module", "data-resource", "missing-resource-plain", "no-files-plain"],
)
def test_import_config_errors(args: list[str], tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    differential(tmp_path, run_terraform, run_sheath, ["import", "-input=false", *args])


def test_import_config_module_not_installed(tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    files = {k: v for k, v in SUB_CONFIG.items() if not k.startswith(".terraform/")}
    differential(tmp_path, run_terraform, run_sheath, ["import", "-input=false", "-config=sub", "terraform_data.x", "id"], files)


def test_import_without_config_in_an_empty_directory(tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    # terraform names the working directory by its absolute path: run both in the same place
    for color in ([], ["-no-color"]):
        tf = run_terraform(["import", "-input=false", *color, "terraform_data.x", "id"], tmp_path)
        sh = run_sheath(["import", "-input=false", *color, "terraform_data.x", "id"], tmp_path)
        assert (sh.returncode, sh.stdout, sh.stderr) == (tf.returncode, tf.stdout, tf.stderr)
    assert "No Terraform configuration files" in tf.stderr


def test_import_config_module_installed_from_another_source(tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    """The working directory installed "m" from another source than -config's call names."""
    manifest = {"Modules": [{"Key": "", "Source": "", "Dir": "."}, {"Key": "m", "Source": "./elsewhere", "Dir": "mod"}]}
    files = {**SUB_CONFIG, ".terraform/modules/modules.json": json.dumps(manifest)}
    differential(tmp_path, run_terraform, run_sheath, ["import", "-input=false", "-config=sub", "terraform_data.x", "id"], files)
