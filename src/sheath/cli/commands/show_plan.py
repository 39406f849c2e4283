"""sheath show PATH: a saved plan file (sheath's format) or a state file, as terraform shows them."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from sheath.cli.plansigning import FLAG as SIGNING_FLAG
from sheath.cli.stateio import Ui
from sheath.cli.views.review import allowed_data_loss_text, plan_markdown
from sheath.diag import Diagnostic, Diagnostics, error
from sheath.plans.model import Plan
from sheath.plans.planfile import find_trailer, read_plan_file
from sheath.states.codec import is_encrypted_document
from sheath.states import gojson
from sheath.states.statefile import StateFile, read_state_file

ShowState = Callable[[StateFile | None, bool, Ui], int]


def _os_error(path: str, exc: OSError) -> str:
    reason = (exc.strerror or str(exc)).lower()
    return f"open {path}: {reason}"


def not_a_plan_file() -> Diagnostic:
    return error(
        "Invalid plan signing key",
        f"The -{SIGNING_FLAG} option verifies a saved plan file; give the plan file to show.",
    )


def read_plan_or_state(
    path: str,
    as_json: bool,
    ui: Ui,
    show_state: ShowState,
    signing_key: bytes | None = None,
    key_flag_given: bool = False,
) -> int:
    """Show the plan file or state file at path. A plan file must be intact, and signed
    with signing_key when there is one (see sheath.plans.planfile.verify_plan_file)."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except IsADirectoryError:
        msg = f"read {path}: is a directory"
        return _unreadable(
            ui,
            f"Error reading {path} as a statefile: Failed to read state file: The state file could not be read: {msg}",
            f"couldn't load the provided path as either a local plan file ({msg}) or a saved cloud plan ({msg})",
        )
    except OSError as exc:
        msg = _os_error(path, exc)
        return _unreadable(
            ui,
            f"Error loading statefile: {msg}",
            f"couldn't load the provided path as either a local plan file ({msg}) or a saved cloud plan ({msg})",
        )
    # an encrypted plan file is an encrypted document without a state's serial and lineage
    encrypted_plan = is_encrypted_document(data) and b'"lineage"' not in data
    if data[:2] == b"PK" or encrypted_plan:
        pf, pdiags = read_plan_file(data, path, signing_key)
        if pf is not None:
            return _show_plan(pf.plan, pf.config_files, as_json, ui)
        if encrypted_plan or find_trailer(data) is not None:  # a sheath plan file, damaged, tampered with or signed
            ui.view_diagnostics(pdiags)
            return 1
        plan_err = pdiags[0].detail if pdiags else "unreadable plan file"
        if _is_terraform_plan(data):
            plan_err = (
                f"{path} is a plan file saved by terraform; sheath reads the plan files it saves itself "
                "(sheath plan -out=FILE)"
            )
            return _unreadable(
                ui,
                f"Error loading statefile: {path} is a plan file, not a state file",
                plan_err,
            )
    else:
        stripped = data.lstrip(b" \t\r\n")
        first = stripped[:1].decode("latin-1")
        cloud = (
            f"invalid character '{first}' looking for beginning of value"
            if first
            else "unexpected end of JSON input"
        )
        plan_err = f"couldn't load the provided path as either a local plan file (zip: not a valid zip file) or a saved cloud plan ({cloud})"
    if is_encrypted_document(data):  # an encrypted state file: decrypted as the working directory's state is
        from sheath.states.codec import encryption_error, working_state_codec
        from sheath.states.encryption import EncryptionError

        codec, cd = working_state_codec()
        if codec is None:
            ui.view_diagnostics(cd)
            return 1
        try:
            data, _ = codec.decode(data)
        except EncryptionError as exc:
            ui.view_diagnostics(encryption_error(path, exc))
            return 1
    sf, sdiags = read_state_file(data, path)
    if sf is not None and key_flag_given:
        ui.view_diagnostics(Diagnostics([not_a_plan_file()]))
        return 1
    if sf is None:
        state_err = "Error loading statefile: " + (
            sdiags[0].detail if sdiags else "unreadable"
        )
        return _unreadable(ui, state_err, plan_err)
    return show_state(sf, as_json, ui)


def _is_terraform_plan(data: bytes) -> bool:
    """A zip with terraform's binary (protocol buffers) tfplan entry rather than sheath's JSON one."""
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            if "tfplan" not in z.namelist():
                return False
            head = z.read("tfplan")[:1]
    except (zipfile.BadZipFile, KeyError, OSError):
        return False
    return head not in (b"{", b"")


def _unreadable(ui: Ui, state_err: str, plan_err: str) -> int:
    d = Diagnostics()
    d.add_error(
        "Failed to read the given file as a state or plan file",
        f"State read error: {state_err}\n\nPlan read error: {plan_err}",
    )
    ui.view_diagnostics(d)
    return 1


def _show_plan(
    plan: Plan, config_files: dict[str, bytes], as_json: bool, ui: Ui
) -> int:
    from sheath.engine.planjson import plan_json, schema_lookup
    from sheath.engine.schemas import NativeSchemas
    from sheath.plans.render import render_plan

    if as_json:
        doc = plan_json(plan, config_files)
        if plan.allow_data_loss_addrs:  # sheath's own key, only in a plan made with -allow-data-loss
            doc[ALLOW_DATA_LOSS_KEY] = list(plan.allow_data_loss_addrs)
        ui.out.write(gojson.marshal(doc) + "\n")
        return 0
    find = schema_lookup(plan, NativeSchemas())

    def lookup(mode: str, type_: str) -> Any:
        s = find(mode, type_)
        return None if s is None else s.block

    ui.out.write(
        render_plan(
            plan,
            color=ui.color,
            schemas=lookup,
            in_automation=bool(os.environ.get("TF_IN_AUTOMATION")),
        )
    )
    ui.out.write(allowed_data_loss_text(plan, ui.color))
    return 0


ALLOW_DATA_LOSS_KEY = "sheath_allow_data_loss"


def show_plan_markdown(path: str, ui: Ui, signing_key: bytes | None = None) -> int:
    """A saved plan as pull-request Markdown: counts, changes by action, drift, the
    policy results of the working directory's policies, the human plan (sensitive values
    redacted as there)."""
    from sheath.policy.plancheck import CheckContext, policy_check

    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        d = Diagnostics()
        d.add_error("Failed to read plan", f"Could not read {path}: {exc.strerror}")
        ui.view_diagnostics(d)
        return 1
    pf, diags = read_plan_file(data, path, signing_key)
    if pf is None:
        ui.view_diagnostics(diags)
        return 1
    check = policy_check()(pf.plan, CheckContext())
    ui.out.write(plan_markdown(pf.plan, pf.config_files, check.report))
    if check.diagnostics.has_errors() and check.report is None:
        ui.view_diagnostics(check.diagnostics)
        return 1
    return 0
