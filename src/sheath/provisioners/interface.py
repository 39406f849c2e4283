"""The provisioner interface (terraform's provisioners.Interface).

A provisioner receives its configuration and the connection configuration as
plain values (marks removed: the engine decides what may be shown) and an
output sink for the lines it wants the user to see. It answers with
diagnostics that have no source range yet: the engine points them at the
provisioner block (terraform's "whole containing body" diagnostics).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from sheath.diag import Diagnostics
from sheath.providers.schema import Block
from sheath.types.cty import Value


class UIOutput(Protocol):
    """Where a provisioner sends the text it shows the user; one call may hold several lines."""

    def output(self, msg: str) -> None: ...


@dataclass(frozen=True, slots=True)
class ProvisionRequest:
    config: Value
    """The provisioner block's arguments, an object of its schema's type, unmarked."""
    connection: Value
    """The merged connection block (an object of the connection superset schema), or null."""
    ui: UIOutput


class Provisioner(Protocol):
    def schema(self) -> Block: ...

    def validate(self, config: Value) -> Diagnostics:
        """Checks of the arguments beyond their types (config may hold unknown values)."""
        ...

    def provision(self, req: ProvisionRequest) -> Diagnostics: ...


__all__ = ["ProvisionRequest", "Provisioner", "UIOutput"]
