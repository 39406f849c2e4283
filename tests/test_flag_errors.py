"""A flag a command does not define is reported as terraform 1.11 reports it, byte for byte
(with and without colour): the "Failed to parse command-line flags" diagnostic and, except
for init, the help hint naming the command. show takes no -var, -var-file or
-test-directory (sheath used to accept them and do nothing)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.oracle


CASES = [(c, "-foo") for c in ("validate", "init", "show", "test")] + [("show", f) for f in ("-var=x=1", "-var-file=x", "-test-directory=x")]


@pytest.mark.parametrize(("command", "flag"), CASES)
@pytest.mark.parametrize("color", [True, False])
def test_undefined_flag_is_reported_as_terraform_reports_it(
    command: str, color: bool, flag: str, tmp_path: Path, run_terraform: Any, run_sheath: Any
) -> None:
    args = [command, *([] if color else ["-no-color"]), flag]
    tf, sh = run_terraform(args, tmp_path), run_sheath(args, tmp_path)
    assert (sh.returncode, sh.stdout) == (tf.returncode, tf.stdout) == (1, "")
    assert sh.stderr == tf.stderr.replace("terraform ", "sheath ")
