"""hashicorp/local resources and data sources.

Generated from the provider's schema by sheath.stack.bindings; do not edit.
"""

from __future__ import annotations

from sheath.stack.blocks import DataSource, Resource
from sheath.stack.hints import Dynamic, StrArg


class File(Resource):
    """local_file (resource)."""

    TYPE = "local_file"

    def __init__(self, name: str, /, *, filename: StrArg, content: StrArg | None = None, content_base64: StrArg | None = None, directory_permission: StrArg | None = None, file_permission: StrArg | None = None, sensitive_content: StrArg | None = None, source: StrArg | None = None, **meta: Dynamic) -> None:
        super().__init__(name, filename=filename, content=content, content_base64=content_base64, directory_permission=directory_permission, file_permission=file_permission, sensitive_content=sensitive_content, source=source, **meta)


class SensitiveFile(Resource):
    """local_sensitive_file (resource)."""

    TYPE = "local_sensitive_file"

    def __init__(self, name: str, /, *, filename: StrArg, content: StrArg | None = None, content_base64: StrArg | None = None, directory_permission: StrArg | None = None, file_permission: StrArg | None = None, source: StrArg | None = None, **meta: Dynamic) -> None:
        super().__init__(name, filename=filename, content=content, content_base64=content_base64, directory_permission=directory_permission, file_permission=file_permission, source=source, **meta)


class data:  # noqa: N801 - the data sources, as PROVIDER.data.NAME
    """The provider's data sources."""

    class File(DataSource):
        """local_file (data source)."""

        TYPE = "local_file"

        def __init__(self, name: str, /, *, filename: StrArg, **meta: Dynamic) -> None:
            super().__init__(name, filename=filename, **meta)

    class SensitiveFile(DataSource):
        """local_sensitive_file (data source)."""

        TYPE = "local_sensitive_file"

        def __init__(self, name: str, /, *, filename: StrArg, **meta: Dynamic) -> None:
            super().__init__(name, filename=filename, **meta)
