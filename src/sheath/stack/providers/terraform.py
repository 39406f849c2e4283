"""The builtin terraform provider (terraform.io/builtin/terraform).

Generated from the provider's schema by sheath.stack.bindings; do not edit.
"""

from __future__ import annotations

from typing import Any

from sheath.stack.blocks import DataSource, Resource
from sheath.stack.hints import Dynamic, StrArg


class Data(Resource):
    """terraform_data (resource)."""

    TYPE = "terraform_data"

    def __init__(self, name: str, /, *, input: Any | None = None, triggers_replace: Any | None = None, **meta: Dynamic) -> None:
        super().__init__(name, input=input, triggers_replace=triggers_replace, **meta)


class data:  # noqa: N801 - the data sources, as PROVIDER.data.NAME
    """The provider's data sources."""

    class RemoteState(DataSource):
        """terraform_remote_state (data source).

        Arguments:
          backend: The remote backend to use, e.g. `remote` or `http`.
          config: The configuration of the remote backend.
          defaults: Default values for outputs.
          workspace: The Terraform workspace to use.
        """

        TYPE = "terraform_remote_state"

        def __init__(self, name: str, /, *, backend: StrArg, config: Any | None = None, defaults: Any | None = None, workspace: StrArg | None = None, **meta: Dynamic) -> None:
            super().__init__(name, backend=backend, config=config, defaults=defaults, workspace=workspace, **meta)
