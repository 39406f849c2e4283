"""The builtin terraform provider (terraform.io/builtin/terraform)."""

from __future__ import annotations

from typing import Any

from sheath.stack.blocks import DataSource, Resource


class Data(Resource):
    """terraform_data: a value (input, output) in the resource lifecycle."""

    TYPE = "terraform_data"

    def __init__(self, name: str, /, *, input: Any = None, triggers_replace: Any = None, **meta: Any) -> None:  # noqa: A002
        super().__init__(name, input=input, triggers_replace=triggers_replace, **meta)


class data:  # noqa: N801 - as terraform.data.RemoteState
    """The builtin provider's data sources."""

    class RemoteState(DataSource):
        """data terraform_remote_state: another configuration's outputs."""

        TYPE = "terraform_remote_state"

        def __init__(self, name: str, /, *, backend: Any, config: Any = None, workspace: Any = None, defaults: Any = None, **meta: Any) -> None:
            super().__init__(name, backend=backend, config=config, workspace=workspace, defaults=defaults, **meta)
