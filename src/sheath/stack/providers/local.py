"""hashicorp/local resources and data sources.

Generated from the provider's schema by sheath.stack.bindings; do not edit.
"""

from __future__ import annotations

from sheath.stack.blocks import DataSource, Resource
from sheath.stack.hints import Dynamic, StrArg


class File(Resource):
    """local_file (resource)."""

    TYPE = "local_file"

    def __init__(self, resource_name: str, /, *, filename: StrArg, content: StrArg | None = None, content_base64: StrArg | None = None, directory_permission: StrArg | None = None, file_permission: StrArg | None = None, sensitive_content: StrArg | None = None, source: StrArg | None = None, count: Dynamic = None, for_each: Dynamic = None, depends_on: Dynamic = None, lifecycle: Dynamic = None, provider: Dynamic = None, provisioner: Dynamic = None, connection: Dynamic = None) -> None:
        super().__init__(resource_name, filename=filename, content=content, content_base64=content_base64, directory_permission=directory_permission, file_permission=file_permission, sensitive_content=sensitive_content, source=source, count=count, for_each=for_each, depends_on=depends_on, lifecycle=lifecycle, provider=provider, provisioner=provisioner, connection=connection)


class SensitiveFile(Resource):
    """local_sensitive_file (resource)."""

    TYPE = "local_sensitive_file"

    def __init__(self, resource_name: str, /, *, filename: StrArg, content: StrArg | None = None, content_base64: StrArg | None = None, directory_permission: StrArg | None = None, file_permission: StrArg | None = None, source: StrArg | None = None, count: Dynamic = None, for_each: Dynamic = None, depends_on: Dynamic = None, lifecycle: Dynamic = None, provider: Dynamic = None, provisioner: Dynamic = None, connection: Dynamic = None) -> None:
        super().__init__(resource_name, filename=filename, content=content, content_base64=content_base64, directory_permission=directory_permission, file_permission=file_permission, source=source, count=count, for_each=for_each, depends_on=depends_on, lifecycle=lifecycle, provider=provider, provisioner=provisioner, connection=connection)


class data:  # noqa: N801 - the data sources, as PROVIDER.data.NAME
    """The provider's data sources."""

    class File(DataSource):
        """local_file (data source)."""

        TYPE = "local_file"

        def __init__(self, resource_name: str, /, *, filename: StrArg, count: Dynamic = None, for_each: Dynamic = None, depends_on: Dynamic = None, lifecycle: Dynamic = None, provider: Dynamic = None) -> None:
            super().__init__(resource_name, filename=filename, count=count, for_each=for_each, depends_on=depends_on, lifecycle=lifecycle, provider=provider)

    class SensitiveFile(DataSource):
        """local_sensitive_file (data source)."""

        TYPE = "local_sensitive_file"

        def __init__(self, resource_name: str, /, *, filename: StrArg, count: Dynamic = None, for_each: Dynamic = None, depends_on: Dynamic = None, lifecycle: Dynamic = None, provider: Dynamic = None) -> None:
            super().__init__(resource_name, filename=filename, count=count, for_each=for_each, depends_on=depends_on, lifecycle=lifecycle, provider=provider)
