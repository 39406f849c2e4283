"""The module-source seam: the loader reads the working directory or a snapshot alike."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from sheath.config.loader import Config, load_module_tree
from sheath.config.source import FilesystemModuleSource, RecordingModuleSource, SnapshotModuleSource

ROOT = """
module "net" {
  source = "./modules/net"
}
module "shared" {
  source = "../shared"
}
module "empty" {
  source = "./modules/empty"
}
resource "terraform_data" "a" {
  input = "root"
}
"""

NET = """
module "sub" {
  source = "./sub"
}
output "id" { value = "net" }
"""


def _tree(tmp_path: Path) -> Path:
    root = tmp_path / "root"
    (root / "modules" / "net" / "sub").mkdir(parents=True)
    (root / "modules" / "empty").mkdir(parents=True)
    (tmp_path / "shared").mkdir()
    (root / "main.tf").write_text(ROOT)
    (root / "override.tf").write_text('resource "terraform_data" "a" {\n  input = "overridden"\n}\n')
    (root / "notes.txt").write_text("not configuration")
    (root / ".hidden.tf").write_text("this is not HCL {")
    (root / "modules" / "net" / "main.tf").write_text(NET)
    (root / "modules" / "net" / "sub" / "s.tf.json").write_text('{"output": {"x": {"value": 1}}}')
    (tmp_path / "shared" / "main.tf").write_text('variable "v" {\n  default = 1\n}\n')
    return root


def _shape(cfg: Config) -> list[tuple[str, list[str], list[str]]]:
    return [(str(c.path), list(c.module.files), sorted(c.module.managed_resources)) for c in cfg.all_modules()]


@pytest.fixture
def in_root(tmp_path: Path) -> Iterator[Path]:
    root = _tree(tmp_path)
    old = os.getcwd()
    os.chdir(root)
    try:
        yield root
    finally:
        os.chdir(old)


def test_snapshot_loads_the_same_tree_as_the_working_directory(in_root: Path) -> None:
    recorder = RecordingModuleSource(FilesystemModuleSource())
    from_disk, diags = load_module_tree(".", recorder)
    assert not diags.has_errors(), diags
    snapshot = recorder.snapshot()
    assert sorted(snapshot) == [
        "../shared/main.tf",
        "main.tf",
        "modules/empty/",
        "modules/net/main.tf",
        "modules/net/sub/s.tf.json",
        "override.tf",
    ]
    from_snapshot, sd = load_module_tree(".", SnapshotModuleSource.of(snapshot))
    assert not sd.has_errors(), sd
    assert _shape(from_snapshot) == _shape(from_disk)
    a = from_snapshot.module.managed_resources["terraform_data.a"]
    assert a.decl_range.filename == "main.tf"


def test_snapshot_ignores_later_edits_of_the_working_directory(in_root: Path) -> None:
    recorder = RecordingModuleSource(FilesystemModuleSource())
    load_module_tree(".", recorder)
    snapshot = recorder.snapshot()
    (in_root / "main.tf").write_text('resource "terraform_data" "b" {}\n')
    (in_root / "extra.tf").write_text('resource "terraform_data" "c" {}\n')
    cfg, diags = load_module_tree(".", SnapshotModuleSource.of(snapshot))
    assert not diags.has_errors(), diags
    assert sorted(cfg.module.managed_resources) == ["terraform_data.a"]
    assert set(cfg.children) == {"net", "shared", "empty"}


def test_snapshot_source_reads_lists_and_knows_directories() -> None:
    src = SnapshotModuleSource.of({"main.tf": b"x", "modules/a/b.tf": b"y", "./modules/c/": b""})
    assert src.read("./main.tf") == b"x"
    assert src.list_dir(".") == ["main.tf"]
    assert src.list_dir("modules/a") == ["b.tf"]
    assert src.list_dir("modules/c") == []
    assert src.is_dir("modules") and src.is_dir("modules/c") and not src.is_dir("modules/x")
    with pytest.raises(FileNotFoundError):
        src.read("other.tf")
    with pytest.raises(FileNotFoundError):
        src.list_dir("modules/x")


def test_missing_module_in_snapshot_is_a_diagnostic() -> None:
    src = SnapshotModuleSource.of({"main.tf": b'module "m" {\n  source = "./m"\n}\n'})
    _, diags = load_module_tree(".", src)
    assert [d.summary for d in diags] == ["Unreadable module directory"]


def test_installed_modules_come_from_the_snapshot_manifest() -> None:
    manifest = b'{"Modules": [{"Key": "", "Source": "", "Dir": "."}, {"Key": "r", "Source": "registry.terraform.io/x/y/z", "Version": "1.0.0", "Dir": ".terraform/modules/r"}]}'
    src = SnapshotModuleSource.of(
        {
            "main.tf": b'module "r" {\n  source  = "x/y/z"\n  version = "1.0.0"\n}\n',
            ".terraform/modules/modules.json": manifest,
            ".terraform/modules/r/main.tf": b'output "o" { value = 1 }\n',
        }
    )
    cfg, diags = load_module_tree(".", src)
    assert not diags.has_errors(), diags
    assert list(cfg.children["r"].module.outputs) == ["o"]
