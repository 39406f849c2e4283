"""The comment lines above a resource instance's change (terraform's
jsonformat/plan.go resourceChangeComment): what will happen to it and why
(the action reason), and whether it moved or is being imported."""

from __future__ import annotations

import json

from sheath.plans.model import Action, ActionReason, ResourceInstanceChange


def _index_text(i: int | str | None) -> str:
    if isinstance(i, str):
        return json.dumps(i, ensure_ascii=False)
    return str(i)


def resource_comment(c: ResourceInstanceChange, drift: bool = False) -> str:
    addr = c.address
    if c.deposed:
        addr = f"{addr} (deposed object {c.deposed})"
    act = c.action
    r = c.action_reason
    out: list[str] = []
    printed_moved = printed_imported = False
    if act == Action.CREATE:
        out.append(f"[bold]  # {addr}[reset] will be created")
    elif act == Action.READ:
        out.append(f"[bold]  # {addr}[reset] will be read during apply")
        if r == ActionReason.READ_BECAUSE_CONFIG_UNKNOWN:
            out.append("\n  # (config refers to values not yet known)")
        elif r == ActionReason.READ_BECAUSE_DEPENDENCY_PENDING:
            out.append("\n  # (depends on a resource or a module with changes pending)")
        elif r == ActionReason.READ_BECAUSE_CHECK_NESTED:
            out.append("\n  # (config will be reloaded to verify a check block)")
    elif act == Action.UPDATE:
        out.append(f"[bold]  # {addr}[reset] " + ("has changed" if drift else "will be updated in-place"))
    elif act.is_replace or act == Action.FORGET_THEN_CREATE:
        forget = act == Action.FORGET_THEN_CREATE  # OpenTofu's wording (lifecycle.destroy = false)
        if r == ActionReason.REPLACE_BECAUSE_TAINTED:
            so = "so it must be" if forget else "so must be"
            out.append(f"[bold]  # {addr}[reset] is tainted, {so} [bold][red]replaced[reset]")
        elif r == ActionReason.REPLACE_BY_REQUEST:
            out.append(f"[bold]  # {addr}[reset] will be [bold][red]replaced[reset], as requested")
        elif r == ActionReason.REPLACE_BY_TRIGGERS:
            out.append(
                f"[bold]  # {addr}[reset] will be [bold][red]replaced[reset] due to changes in replace_triggered_by"
            )
        else:
            out.append(f"[bold]  # {addr}[reset] must be [bold][red]replaced[reset]")
        if forget:
            out.append(
                " - [yellow]older instance will [bold]not[reset][yellow] be destroyed [reset]([bold]lifecycle.destroy = false[reset])"
            )
    elif act == Action.DELETE:
        if drift:
            out.append(f"[bold]  # {addr}[reset] has been deleted")
        else:
            out.append(f"[bold]  # {addr}[reset] will be [bold][red]destroyed[reset]")
        if r == ActionReason.DELETE_BECAUSE_NO_RESOURCE_CONFIG:
            out.append(f"\n  # (because {c.type}.{c.name} is not in configuration)")
        elif r == ActionReason.DELETE_BECAUSE_NO_MOVE_TARGET:
            out.append(f"\n  # (because {c.prev_run_address} was moved to {c.address}, which is not in configuration)")
        elif r == ActionReason.DELETE_BECAUSE_NO_MODULE:
            out.append(f"\n  # (because {c.module_address} is not in configuration)")
        elif r == ActionReason.DELETE_BECAUSE_WRONG_REPETITION:
            if c.index is None:
                out.append("\n  # (because resource uses count or for_each)")
            elif isinstance(c.index, int):
                out.append("\n  # (because resource does not use count)")
            else:
                out.append("\n  # (because resource does not use for_each)")
        elif r == ActionReason.DELETE_BECAUSE_COUNT_INDEX:
            out.append(f"\n  # (because index [{_index_text(c.index)}] is out of range for count)")
        elif r == ActionReason.DELETE_BECAUSE_EACH_KEY:
            out.append(f"\n  # (because key [{_index_text(c.index)}] is not in for_each map)")
        elif r == ActionReason.DELETE_BECAUSE_ENABLED_FALSE:  # OpenTofu's wording
            out.append("\n  # (because enabled is false)")
        if c.deposed:
            out.append("\n  # (left over from a partially-failed replacement of this instance)")
    elif act == Action.FORGET:
        if c.deposed:
            out.append(f"[bold] # {addr}[reset] will be removed from Terraform state, but [bold][red]will not be destroyed[reset]")
            out.append("\n[bold] # (left over from a partially-failed replacement of this instance)")
        else:
            out.append(
                f"[bold] # {addr}[reset] will no longer be managed by Terraform, but [bold][red]will not be destroyed[reset]"
            )
        if r == ActionReason.FORGOT_BECAUSE_LIFECYCLE_DESTROY_IN_CONFIG:  # OpenTofu's wording
            out.append("\n # (because lifecycle.destroy = false is set in the configuration)")
        elif r == ActionReason.FORGOT_BECAUSE_LIFECYCLE_DESTROY_IN_STATE:
            out.append(
                "\n # (because lifecycle.destroy = false was configured before this resource was removed from the "
                "configuration)"
            )
        else:
            out.append("\n # (destroy = false is set in the configuration)")
    elif act == Action.NO_OP and c.moved:
        out.append(f"[bold]  # {c.prev_run_address}[reset] has moved to [bold]{addr}[reset]")
        printed_moved = True
    elif act == Action.NO_OP and c.importing is not None:
        out.append(f"[bold]  # {addr}[reset] will be imported")
        if c.generated_config:
            out.append("\n  #[reset] (config will be generated)")
        printed_imported = True
    else:
        out.append(f"{addr} has an action the plan renderer doesn't support (this is a bug)")
    out.append("\n")
    if c.moved and not printed_moved:
        out.append(f"  # [reset](moved from {c.prev_run_address})\n")
    if c.importing is not None and not printed_imported:
        if c.importing.id:
            out.append(f'  # [reset](imported from "{c.importing.id}")\n')
        else:
            out.append("  # [reset](will be imported first)\n")
    if c.importing is not None and act.is_replace:
        out.append("  # [reset][yellow]Warning: this will destroy the imported resource[reset]\n")
    return "".join(out)
