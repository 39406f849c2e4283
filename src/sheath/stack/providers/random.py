"""hashicorp/random resources.

Generated from the provider's schema by sheath.stack.bindings; do not edit.
"""

from __future__ import annotations

from sheath.stack.blocks import Resource
from sheath.stack.hints import BoolArg, Dynamic, ListArg, MapArg, NumberArg, StrArg


class Id(Resource):
    """random_id (resource).

    Arguments:
      keepers: Arbitrary map of values that, when changed, will trigger recreation of resource.
    """

    TYPE = "random_id"

    def __init__(self, resource_name: str, /, *, byte_length: NumberArg, keepers: MapArg | None = None, prefix: StrArg | None = None, count: Dynamic = None, for_each: Dynamic = None, depends_on: Dynamic = None, lifecycle: Dynamic = None, provider: Dynamic = None, provisioner: Dynamic = None, connection: Dynamic = None) -> None:
        super().__init__(resource_name, byte_length=byte_length, keepers=keepers, prefix=prefix, count=count, for_each=for_each, depends_on=depends_on, lifecycle=lifecycle, provider=provider, provisioner=provisioner, connection=connection)


class Integer(Resource):
    """random_integer (resource).

    Arguments:
      keepers: Arbitrary map of values that, when changed, will trigger recreation of resource.
    """

    TYPE = "random_integer"

    def __init__(self, resource_name: str, /, *, max: NumberArg, min: NumberArg, keepers: MapArg | None = None, seed: StrArg | None = None, count: Dynamic = None, for_each: Dynamic = None, depends_on: Dynamic = None, lifecycle: Dynamic = None, provider: Dynamic = None, provisioner: Dynamic = None, connection: Dynamic = None) -> None:
        super().__init__(resource_name, max=max, min=min, keepers=keepers, seed=seed, count=count, for_each=for_each, depends_on=depends_on, lifecycle=lifecycle, provider=provider, provisioner=provisioner, connection=connection)


class Password(Resource):
    """random_password (resource).

    Arguments:
      keepers: Arbitrary map of values that, when changed, will trigger recreation of resource.
    """

    TYPE = "random_password"

    def __init__(self, resource_name: str, /, *, length: NumberArg, keepers: MapArg | None = None, lower: BoolArg | None = None, min_lower: NumberArg | None = None, min_numeric: NumberArg | None = None, min_special: NumberArg | None = None, min_upper: NumberArg | None = None, number: BoolArg | None = None, numeric: BoolArg | None = None, override_special: StrArg | None = None, special: BoolArg | None = None, upper: BoolArg | None = None, count: Dynamic = None, for_each: Dynamic = None, depends_on: Dynamic = None, lifecycle: Dynamic = None, provider: Dynamic = None, provisioner: Dynamic = None, connection: Dynamic = None) -> None:
        super().__init__(resource_name, length=length, keepers=keepers, lower=lower, min_lower=min_lower, min_numeric=min_numeric, min_special=min_special, min_upper=min_upper, number=number, numeric=numeric, override_special=override_special, special=special, upper=upper, count=count, for_each=for_each, depends_on=depends_on, lifecycle=lifecycle, provider=provider, provisioner=provisioner, connection=connection)


class Pet(Resource):
    """random_pet (resource).

    Arguments:
      keepers: Arbitrary map of values that, when changed, will trigger recreation of resource.
    """

    TYPE = "random_pet"

    def __init__(self, resource_name: str, /, *, keepers: MapArg | None = None, length: NumberArg | None = None, prefix: StrArg | None = None, separator: StrArg | None = None, count: Dynamic = None, for_each: Dynamic = None, depends_on: Dynamic = None, lifecycle: Dynamic = None, provider: Dynamic = None, provisioner: Dynamic = None, connection: Dynamic = None) -> None:
        super().__init__(resource_name, keepers=keepers, length=length, prefix=prefix, separator=separator, count=count, for_each=for_each, depends_on=depends_on, lifecycle=lifecycle, provider=provider, provisioner=provisioner, connection=connection)


class Shuffle(Resource):
    """random_shuffle (resource).

    Arguments:
      keepers: Arbitrary map of values that, when changed, will trigger recreation of resource.
    """

    TYPE = "random_shuffle"

    def __init__(self, resource_name: str, /, *, input: ListArg, keepers: MapArg | None = None, result_count: NumberArg | None = None, seed: StrArg | None = None, count: Dynamic = None, for_each: Dynamic = None, depends_on: Dynamic = None, lifecycle: Dynamic = None, provider: Dynamic = None, provisioner: Dynamic = None, connection: Dynamic = None) -> None:
        super().__init__(resource_name, input=input, keepers=keepers, result_count=result_count, seed=seed, count=count, for_each=for_each, depends_on=depends_on, lifecycle=lifecycle, provider=provider, provisioner=provisioner, connection=connection)


class String(Resource):
    """random_string (resource).

    Arguments:
      keepers: Arbitrary map of values that, when changed, will trigger recreation of resource.
    """

    TYPE = "random_string"

    def __init__(self, resource_name: str, /, *, length: NumberArg, keepers: MapArg | None = None, lower: BoolArg | None = None, min_lower: NumberArg | None = None, min_numeric: NumberArg | None = None, min_special: NumberArg | None = None, min_upper: NumberArg | None = None, number: BoolArg | None = None, numeric: BoolArg | None = None, override_special: StrArg | None = None, special: BoolArg | None = None, upper: BoolArg | None = None, count: Dynamic = None, for_each: Dynamic = None, depends_on: Dynamic = None, lifecycle: Dynamic = None, provider: Dynamic = None, provisioner: Dynamic = None, connection: Dynamic = None) -> None:
        super().__init__(resource_name, length=length, keepers=keepers, lower=lower, min_lower=min_lower, min_numeric=min_numeric, min_special=min_special, min_upper=min_upper, number=number, numeric=numeric, override_special=override_special, special=special, upper=upper, count=count, for_each=for_each, depends_on=depends_on, lifecycle=lifecycle, provider=provider, provisioner=provisioner, connection=connection)


class Uuid(Resource):
    """random_uuid (resource).

    Arguments:
      keepers: Arbitrary map of values that, when changed, will trigger recreation of resource.
    """

    TYPE = "random_uuid"

    def __init__(self, resource_name: str, /, *, keepers: MapArg | None = None, count: Dynamic = None, for_each: Dynamic = None, depends_on: Dynamic = None, lifecycle: Dynamic = None, provider: Dynamic = None, provisioner: Dynamic = None, connection: Dynamic = None) -> None:
        super().__init__(resource_name, keepers=keepers, count=count, for_each=for_each, depends_on=depends_on, lifecycle=lifecycle, provider=provider, provisioner=provisioner, connection=connection)
