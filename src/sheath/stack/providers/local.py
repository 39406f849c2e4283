"""hashicorp/local resources and data sources (schemas: sheath.providers.native.local)."""

from __future__ import annotations

from typing import Any

from sheath.stack.blocks import DataSource, Resource


class File(Resource):
    """local_file: a file on the local filesystem."""

    TYPE = "local_file"

    def __init__(self, name: str, /, *, filename: Any, content: Any = None, content_base64: Any = None, sensitive_content: Any = None, source: Any = None, file_permission: Any = None, directory_permission: Any = None, **meta: Any) -> None:
        super().__init__(name, filename=filename, content=content, content_base64=content_base64, sensitive_content=sensitive_content, source=source, file_permission=file_permission, directory_permission=directory_permission, **meta)


class SensitiveFile(Resource):
    """local_sensitive_file: a file whose content is sensitive."""

    TYPE = "local_sensitive_file"

    def __init__(self, name: str, /, *, filename: Any, content: Any = None, content_base64: Any = None, source: Any = None, file_permission: Any = None, directory_permission: Any = None, **meta: Any) -> None:
        super().__init__(name, filename=filename, content=content, content_base64=content_base64, source=source, file_permission=file_permission, directory_permission=directory_permission, **meta)


class data:  # noqa: N801 - the namespace of the provider's data sources, as local.data.File
    """local's data sources."""

    class File(DataSource):
        """data local_file: read a file (content, content_base64)."""

        TYPE = "local_file"

        def __init__(self, name: str, /, *, filename: Any, **meta: Any) -> None:
            super().__init__(name, filename=filename, **meta)
