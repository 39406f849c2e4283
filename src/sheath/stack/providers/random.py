"""hashicorp/random resources (schemas: sheath.providers.native.random)."""

from __future__ import annotations

from typing import Any

from sheath.stack.blocks import Resource


class Pet(Resource):
    """random_pet: a random pet name (id)."""

    TYPE = "random_pet"

    def __init__(self, name: str, /, *, length: Any = None, prefix: Any = None, separator: Any = None, keepers: Any = None, **meta: Any) -> None:
        super().__init__(name, length=length, prefix=prefix, separator=separator, keepers=keepers, **meta)


class Id(Resource):
    """random_id: random bytes (b64_std, b64_url, dec, hex, id)."""

    TYPE = "random_id"

    def __init__(self, name: str, /, *, byte_length: Any, prefix: Any = None, keepers: Any = None, **meta: Any) -> None:
        super().__init__(name, byte_length=byte_length, prefix=prefix, keepers=keepers, **meta)


class Integer(Resource):
    """random_integer: a number in [min, max] (result)."""

    TYPE = "random_integer"

    def __init__(self, name: str, /, *, min: Any, max: Any, seed: Any = None, keepers: Any = None, **meta: Any) -> None:  # noqa: A002
        super().__init__(name, min=min, max=max, seed=seed, keepers=keepers, **meta)


class String(Resource):
    """random_string: a random string (result)."""

    TYPE = "random_string"

    def __init__(self, name: str, /, *, length: Any, special: Any = None, upper: Any = None, lower: Any = None, numeric: Any = None, override_special: Any = None, keepers: Any = None, **meta: Any) -> None:
        super().__init__(name, length=length, special=special, upper=upper, lower=lower, numeric=numeric, override_special=override_special, keepers=keepers, **meta)


class Password(Resource):
    """random_password: a random string whose result is sensitive."""

    TYPE = "random_password"

    def __init__(self, name: str, /, *, length: Any, special: Any = None, upper: Any = None, lower: Any = None, numeric: Any = None, override_special: Any = None, keepers: Any = None, **meta: Any) -> None:
        super().__init__(name, length=length, special=special, upper=upper, lower=lower, numeric=numeric, override_special=override_special, keepers=keepers, **meta)


class Shuffle(Resource):
    """random_shuffle: a permutation of input (result)."""

    TYPE = "random_shuffle"

    def __init__(self, name: str, /, *, input: Any, result_count: Any = None, seed: Any = None, keepers: Any = None, **meta: Any) -> None:  # noqa: A002
        super().__init__(name, input=input, result_count=result_count, seed=seed, keepers=keepers, **meta)


class Uuid(Resource):
    """random_uuid: a random UUID (result)."""

    TYPE = "random_uuid"

    def __init__(self, name: str, /, *, keepers: Any = None, **meta: Any) -> None:
        super().__init__(name, keepers=keepers, **meta)
