"""The typed classes of sheath.stack.providers are generated from the providers' schemas and
up to date: every resource and data source type has a class, its keyword parameters are the
schema's settable arguments, and the required ones have no default."""

from __future__ import annotations

import inspect
from pathlib import Path
from types import ModuleType

import pytest

import sheath.stack.providers as providers_pkg
from sheath.providers.builtin import terraform as builtin_terraform
from sheath.providers.interface import ProviderSchema
from sheath.providers.native import local as native_local
from sheath.providers.native import random as native_random
from sheath.stack.bindings import DATA_META, RESOURCE_META, builtin_bindings, class_name, type_hint
from sheath.stack.blocks import DataSource, Resource
from sheath.stack.providers import local, random, terraform
from sheath.types.cty import BOOL, NUMBER, STRING, ListType, MapType


def classes(module: ModuleType, base: type) -> dict[str, type]:
    ns = module.data.__dict__ if base is DataSource and hasattr(module, "data") else module.__dict__
    return {c.TYPE: c for c in ns.values() if isinstance(c, type) and issubclass(c, base) and c is not base and c.TYPE}


CASES = [
    (random, native_random.new_provider().get_provider_schema()),
    (local, native_local.new_provider().get_provider_schema()),
    (terraform, builtin_terraform.new_provider().get_provider_schema()),
]


@pytest.mark.parametrize(("module", "schema"), CASES, ids=["random", "local", "terraform"])
def test_bindings_match_schemas(module: ModuleType, schema: ProviderSchema) -> None:
    for base, types in ((Resource, schema.resource_types), (DataSource, schema.data_sources)):
        bound = classes(module, base)
        assert sorted(bound) == sorted(types), f"{module.__name__}: {base.__name__} classes"
        for type_name, cls in bound.items():
            block = types[type_name].block
            settable = {n for n, a in block.attributes.items() if a.required or a.optional} | set(block.block_types)
            params = inspect.signature(cls.__init__).parameters
            keywords = {n: p for n, p in params.items() if p.kind is inspect.Parameter.KEYWORD_ONLY}
            meta = RESOURCE_META if base is Resource else DATA_META
            assert set(keywords) == settable | set(meta), type_name
            for n, a in block.attributes.items():
                if a.required:
                    assert keywords[n].default is inspect.Parameter.empty, f"{type_name}.{n} is required"


def test_generated_modules_are_up_to_date() -> None:
    here = Path(providers_pkg.__file__).parent
    for file_name, text in builtin_bindings().items():
        assert (here / file_name).read_text() == text, f"regenerate: python -m sheath.stack.bindings {here}"


def test_names_and_hints() -> None:
    assert class_name("random", "random_pet") == "Pet"
    assert class_name("local", "local_sensitive_file") == "SensitiveFile"
    assert class_name("aws", "aws_s3_bucket") == "S3Bucket"
    assert [type_hint(t) for t in (STRING, NUMBER, BOOL, ListType(STRING), MapType(STRING))] == [
        "StrArg",
        "NumberArg",
        "BoolArg",
        "ListArg",
        "MapArg",
    ]
    assert random.Pet.__doc__ is not None and "keepers: Arbitrary map of values" in random.Pet.__doc__
