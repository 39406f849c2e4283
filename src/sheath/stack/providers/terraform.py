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

    def __init__(self, resource_name: str, /, *, input: Any | None = None, triggers_replace: Any | None = None, count: Dynamic = None, for_each: Dynamic = None, depends_on: Dynamic = None, lifecycle: Dynamic = None, provider: Dynamic = None, provisioner: Dynamic = None, connection: Dynamic = None) -> None:
        super().__init__(resource_name, input=input, triggers_replace=triggers_replace, count=count, for_each=for_each, depends_on=depends_on, lifecycle=lifecycle, provider=provider, provisioner=provisioner, connection=connection)


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

        def __init__(self, resource_name: str, /, *, backend: StrArg, config: Any | None = None, defaults: Any | None = None, workspace: StrArg | None = None, count: Dynamic = None, for_each: Dynamic = None, depends_on: Dynamic = None, lifecycle: Dynamic = None, provider: Dynamic = None) -> None:
            super().__init__(resource_name, backend=backend, config=config, defaults=defaults, workspace=workspace, count=count, for_each=for_each, depends_on=depends_on, lifecycle=lifecycle, provider=provider)
