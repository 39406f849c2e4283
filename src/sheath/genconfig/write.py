"""Writing generated configuration to the ``-generate-config-out`` file, with
terraform's checks, diagnostics and closing note."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO

from sheath import diag
from sheath.diag import Diagnostics
from sheath.goquote import go_quote

FILE_HEADER = "# __generated__ by Terraform\n# Please review these resources and move them into your main configuration files.\n"


@dataclass(frozen=True, slots=True)
class GeneratedChange:
    """One planned change's generated configuration (empty when it has none)."""

    addr: str
    import_id: str
    generated_config: str


def validate_target_file(path: str) -> Diagnostics:
    """The target must not exist: generated configuration only goes into a new file."""
    try:
        os.stat(path)
    except FileNotFoundError:
        return Diagnostics()
    except OSError:
        pass
    return Diagnostics(
        [
            diag.error(
                "Target generated file already exists",
                "Terraform can only write generated config into a new file. Either choose a different target "
                "location or move all existing configuration out of the target file, delete it and try again.",
            )
        ]
    )


def invalid_mode() -> diag.Diagnostic:
    """-generate-config-out with a destroy or refresh-only plan."""
    return diag.error(
        "Invalid generate-config-out flag",
        "Config can only be generated during a normal plan operation, and not during a refresh-only or destroy plan.",
    )


def _create(path: str) -> tuple[IO[str] | None, Diagnostics]:
    try:
        return open(path, "w", encoding="utf-8", newline=""), Diagnostics()
    except PermissionError:
        return None, Diagnostics(
            [
                diag.error(
                    "Failed to create target generated file",
                    f"Terraform did not have permission to create the generated file ({path}) in the target directory. "
                    "Please modify permissions over the target directory, and try again.",
                )
            ]
        )
    except OSError as exc:
        reason = f"open {path}: {(exc.strerror or str(exc)).lower()}"
        return None, Diagnostics(
            [
                diag.error(
                    "Failed to create target generated file",
                    f"Terraform could not create the generated file ({path}) in the target directory: {reason}. "
                    "Depending on the error message, this may be a bug in Terraform itself. If so, please report it!",
                )
            ]
        )


def write_generated_config(changes: Iterable[GeneratedChange], path: str) -> tuple[bool, Diagnostics]:
    """Write every change's generated configuration to path (created on the first one;
    no file when there is none). Returns whether configuration was written, and
    terraform's diagnostics (an experimental-feature warning when it was)."""
    diags = validate_target_file(path)
    if diags.has_errors():
        return False, diags
    fh: IO[str] | None = None
    wrote = False
    try:
        for c in changes:
            if not c.generated_config:
                continue
            if fh is None:
                fh, cd = _create(path)
                if fh is None:
                    diags.extend(cd)
                    return False, diags
                fh.write(FILE_HEADER)
            header = "\n# __generated__ by Terraform"
            if c.import_id:
                header += f" from {go_quote(c.import_id)}"
            try:
                fh.write(f"{header}\n{c.generated_config}\n")
            except OSError as exc:
                diags.append(
                    diag.warning(
                        "Failed to save generated config",
                        f"Terraform encountered an error while writing generated config: {exc}. The config for "
                        f"{c.addr} must be created manually before applying. Depending on the error message, this "
                        "may be a bug in Terraform itself. If so, please report it!",
                    )
                )
            wrote = True
    finally:
        if fh is not None:
            fh.close()
    if wrote:
        diags.append(
            diag.warning(
                "Config generation is experimental",
                "Generating configuration during import is currently experimental, and the generated configuration "
                "format may change in future versions.",
            )
        )
    return wrote, diags


def next_step_note(path: str, width: int = 78) -> str:
    """The human plan's note, after the horizontal rule and before the -out note, when
    configuration was written (terraform's planHeaderGenConfig, word-wrapped)."""
    from sheath.plans.render import word_wrap

    text = (
        f"Terraform has generated configuration and written it to {path}. Please review the configuration and edit "
        "it as necessary before adding it to version control."
    )
    return word_wrap("\n" + text, width) + "\n"


__all__ = ["FILE_HEADER", "GeneratedChange", "invalid_mode", "next_step_note", "validate_target_file", "write_generated_config"]
