"""What the engine tells its caller while it works (terraform's terraform.Hook).

The CLI implements this to print progress lines; tests and library users can
pass ``NoHooks``. Hooks are called from walker threads.
"""

from __future__ import annotations

from typing import Protocol

from sheath.plans.model import Action


class Hooks(Protocol):
    def pre_refresh(self, addr: str, id_: str) -> None: ...

    def post_refresh(self, addr: str, id_: str) -> None:
        """A refresh read the object; id_ is the refreshed object's ("" when it is gone)."""
        ...

    def ephemeral_start(self, addr: str, op: str) -> None:
        """op is "open" or "close" (terraform's "Opening..." / "Closing...")."""
        ...

    def ephemeral_done(self, addr: str, op: str, failed: bool) -> None: ...

    def pre_apply(self, addr: str, action: Action, id_: str) -> None: ...

    def post_apply(self, addr: str, action: Action, id_: str, failed: bool) -> None: ...

    def pre_import(self, addr: str, id_: str) -> None: ...

    def post_import(self, addr: str, failed: bool) -> None: ...

    def pre_apply_import(self, addr: str, id_: str) -> None: ...

    def post_apply_import(self, addr: str, id_: str) -> None: ...

    def pre_provision_step(self, addr: str, type_name: str) -> None:
        """A provisioner starts on the object at addr ("Provisioning with 'local-exec'...")."""
        ...

    def provision_output(self, addr: str, type_name: str, msg: str) -> None:
        """Text a provisioner shows; msg may hold several lines."""
        ...

    def post_provision_step(self, addr: str, type_name: str, failed: bool) -> None: ...


class NoHooks:
    def pre_refresh(self, addr: str, id_: str) -> None:
        pass

    def post_refresh(self, addr: str, id_: str) -> None:
        pass

    def ephemeral_start(self, addr: str, op: str) -> None:
        pass

    def ephemeral_done(self, addr: str, op: str, failed: bool) -> None:
        pass

    def pre_apply(self, addr: str, action: Action, id_: str) -> None:
        pass

    def post_apply(self, addr: str, action: Action, id_: str, failed: bool) -> None:
        pass

    def pre_import(self, addr: str, id_: str) -> None:
        pass

    def post_import(self, addr: str, failed: bool) -> None:
        pass

    def pre_apply_import(self, addr: str, id_: str) -> None:
        pass

    def post_apply_import(self, addr: str, id_: str) -> None:
        pass

    def pre_provision_step(self, addr: str, type_name: str) -> None:
        pass

    def provision_output(self, addr: str, type_name: str, msg: str) -> None:
        pass

    def post_provision_step(self, addr: str, type_name: str, failed: bool) -> None:
        pass
