"""What the engine tells its caller while it works (terraform's terraform.Hook).

The CLI implements this to print progress lines; tests and library users can
pass ``NoHooks``. Hooks are called from walker threads.

Every hook names the object by its typed address (terraform's HookResourceIdentity);
the views turn it into text. ``deposed`` is terraform's DeposedKey: "" for the
current object (addrs.NotDeposed), else the deposed object's key. As in terraform,
the engine reports the end of an apply with no deposed key even when it destroyed a
deposed object.
"""

from __future__ import annotations

from typing import Protocol

from sheath.addrs.resource import AbsResourceInstance
from sheath.plans.model import Action

NOT_DEPOSED = ""


def deposed_display(addr: AbsResourceInstance, deposed: str) -> str:
    """An object's address as terraform's UI hook prints it: a deposed object's with its key."""
    return f"{addr} (deposed object {deposed})" if deposed else str(addr)


class Hooks(Protocol):
    def pre_refresh(self, addr: AbsResourceInstance, deposed: str, id_: str) -> None: ...

    def post_refresh(self, addr: AbsResourceInstance, deposed: str, id_: str) -> None:
        """A refresh read the object; id_ is the refreshed object's ("" when it is gone)."""
        ...

    def ephemeral_start(self, addr: AbsResourceInstance, op: str) -> None:
        """op is "open" or "close" (terraform's "Opening..." / "Closing...")."""
        ...

    def ephemeral_done(self, addr: AbsResourceInstance, op: str, failed: bool) -> None: ...

    def pre_apply(self, addr: AbsResourceInstance, deposed: str, action: Action, id_: str) -> None: ...

    def post_apply(self, addr: AbsResourceInstance, deposed: str, action: Action, id_: str, failed: bool) -> None: ...

    def pre_import(self, addr: AbsResourceInstance, id_: str) -> None: ...

    def post_import(self, addr: AbsResourceInstance, failed: bool) -> None: ...

    def pre_apply_import(self, addr: AbsResourceInstance, id_: str) -> None: ...

    def post_apply_import(self, addr: AbsResourceInstance, id_: str) -> None: ...

    def pre_provision_step(self, addr: AbsResourceInstance, type_name: str) -> None:
        """A provisioner starts on the object at addr ("Provisioning with 'local-exec'...")."""
        ...

    def provision_output(self, addr: AbsResourceInstance, type_name: str, msg: str) -> None:
        """Text a provisioner shows; msg may hold several lines."""
        ...

    def post_provision_step(self, addr: AbsResourceInstance, type_name: str, failed: bool) -> None: ...


class NoHooks:
    def pre_refresh(self, addr: AbsResourceInstance, deposed: str, id_: str) -> None:
        pass

    def post_refresh(self, addr: AbsResourceInstance, deposed: str, id_: str) -> None:
        pass

    def ephemeral_start(self, addr: AbsResourceInstance, op: str) -> None:
        pass

    def ephemeral_done(self, addr: AbsResourceInstance, op: str, failed: bool) -> None:
        pass

    def pre_apply(self, addr: AbsResourceInstance, deposed: str, action: Action, id_: str) -> None:
        pass

    def post_apply(self, addr: AbsResourceInstance, deposed: str, action: Action, id_: str, failed: bool) -> None:
        pass

    def pre_import(self, addr: AbsResourceInstance, id_: str) -> None:
        pass

    def post_import(self, addr: AbsResourceInstance, failed: bool) -> None:
        pass

    def pre_apply_import(self, addr: AbsResourceInstance, id_: str) -> None:
        pass

    def post_apply_import(self, addr: AbsResourceInstance, id_: str) -> None:
        pass

    def pre_provision_step(self, addr: AbsResourceInstance, type_name: str) -> None:
        pass

    def provision_output(self, addr: AbsResourceInstance, type_name: str, msg: str) -> None:
        pass

    def post_provision_step(self, addr: AbsResourceInstance, type_name: str, failed: bool) -> None:
        pass
