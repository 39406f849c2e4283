"""The stand-in for a provider's bindings not generated yet (before `sheath init`).

`from sheath.stack.providers import aws` gives an UntypedProvider when no module of that name
exists: its attributes are Resource classes named as the generated ones (aws.S3Bucket is
aws_s3_bucket; aws.data.Iam... are data sources), taking any keyword argument. Running the
stack so works before the bindings exist (init reads the stack to find its providers); the
configuration still checks every argument against the provider's schema. A type checker
never sees this module: it only sees generated bindings.
"""

from __future__ import annotations

import re
from types import ModuleType, SimpleNamespace

from sheath.stack.blocks import DataSource, Resource

_WORD = re.compile(r"(?<!^)(?=[A-Z])")


def type_name(provider: str, class_name: str) -> str:
    """S3Bucket of aws -> aws_s3_bucket (the inverse of sheath.stack.bindings.class_name)."""
    return f"{provider}_{_WORD.sub('_', class_name).lower()}"


class UntypedData(SimpleNamespace):
    """PROVIDER.data: a DataSource class for each attribute asked for."""

    def __init__(self, provider: str) -> None:
        super().__init__()
        self.__dict__["provider_name"] = provider

    def __getattr__(self, name: str) -> type[DataSource]:
        if name.startswith("_") or not name[:1].isupper():
            raise AttributeError(name)
        cls = type(name, (DataSource,), {"__slots__": (), "TYPE": type_name(self.__dict__["provider_name"], name)})
        setattr(self, name, cls)
        return cls


class UntypedProvider(ModuleType):
    """A provider's classes made on demand from their names."""

    def __init__(self, provider: str) -> None:
        super().__init__(f"sheath.stack.providers.{provider}", f"Untyped bindings of the {provider} provider.")
        self.provider_name = provider
        self.data = UntypedData(provider)

    def __getattr__(self, name: str) -> type[Resource]:
        if name.startswith("_") or not name[:1].isupper():
            raise AttributeError(name)
        cls = type(name, (Resource,), {"__slots__": (), "TYPE": type_name(self.provider_name, name)})
        setattr(self, name, cls)
        return cls
