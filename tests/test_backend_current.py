"""Which backend a command uses: the recorded one, or terraform's "Backend initialization
required" errors (compared with terraform's own output), and the current workspace."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sheath.backend.config import decode_backend
from sheath.backend.current import current_workspace, select_backend, set_current_workspace, valid_workspace_name
from sheath.backend.local import LocalBackend
from sheath.config import load_module_tree
from sheath.diag.render import render_diagnostic


def _block(d: Path) -> Any:
    cfg, diags = load_module_tree(str(d))
    assert not diags.has_errors()
    return cfg.module.backend


def _init_record(d: Path) -> None:
    b = _block(d)
    bc, _ = decode_backend(b.type, [b.config])
    assert bc is not None
    (d / ".terraform").mkdir(exist_ok=True)
    (d / ".terraform" / "terraform.tfstate").write_bytes(bc.record())


LOCAL_A = 'terraform {\n  backend "local" {\n    path = "a.tfstate"\n  }\n}\n'
LOCAL_B = 'terraform {\n  backend "local" {\n    path = "b.tfstate"\n  }\n}\n'


@pytest.mark.oracle
@pytest.mark.parametrize("case", ["never_initialised", "changed", "unset"])
def test_init_required_as_terraform_says_it(case: str, tmp_path: Path, run_terraform: Any) -> None:
    d = tmp_path / "w"
    d.mkdir()
    (d / "main.tf").write_text(LOCAL_A)
    if case != "never_initialised":
        assert run_terraform(["init", "-input=false"], d).returncode == 0
        (d / "main.tf").write_text(LOCAL_B if case == "changed" else "\n")
    r = run_terraform(["plan", "-no-color", "-input=false"], d)
    assert r.returncode == 1
    sel, diags = select_backend(str(d), _block(d))
    assert sel is None
    text = "".join(render_diagnostic(x, {}, False) for x in diags)
    assert text.strip() == r.stderr.strip()


def test_recorded_backend_is_used(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(LOCAL_A)
    _init_record(tmp_path)
    sel, diags = select_backend(str(tmp_path), _block(tmp_path))
    assert sel is not None, diags
    assert isinstance(sel.backend, LocalBackend) and sel.backend.path == "a.tfstate"
    assert sel.workspace == "default"


def test_no_block_no_record_is_the_implied_local_backend(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text("\n")
    sel, diags = select_backend(str(tmp_path), _block(tmp_path))
    assert sel is not None and not diags.has_errors()
    assert isinstance(sel.backend, LocalBackend) and sel.backend.path == "terraform.tfstate" and sel.config is None


def test_current_workspace(tmp_path: Path) -> None:
    assert current_workspace(str(tmp_path), {}) == "default"
    set_current_workspace(str(tmp_path), "dev")
    assert (tmp_path / ".terraform" / "environment").read_text() == "dev"
    assert current_workspace(str(tmp_path), {}) == "dev"
    assert current_workspace(str(tmp_path), {"TF_WORKSPACE": "qa"}) == "qa"
    assert valid_workspace_name("dev-1.x_~") and not valid_workspace_name("bad name") and not valid_workspace_name("a/b")
