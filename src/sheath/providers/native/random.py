"""A native implementation of the hashicorp/random provider.

Schemas (attribute names, types, flags, defaults, schema versions) follow the
official provider (3.x); every configurable attribute forces replacement, as
there. Results come from the operating system's CSPRNG (or, with ``seed``,
from a seeded generator, so the same seed gives the same result in sheath;
sheath cannot reproduce the Go provider's seeded sequences).
"""

from __future__ import annotations

import base64
import binascii
import random as _random
import re
import secrets
from collections.abc import Iterable, Mapping
from types import MappingProxyType

import bcrypt

from sheath.diag import Diagnostics
from sheath.providers.builtin.terraform import go_uuid
from sheath.providers.interface import (
    ApplyResourceChangeRequest,
    ApplyResourceChangeResponse,
    Path,
    PlanResourceChangeRequest,
    PlanResourceChangeResponse,
    attribute_error,
)
from sheath.providers.native import words as wordlist
from sheath.providers.schema import Attribute, Block, Schema
from sheath.providers.sdk import NativeProvider, ResourceType, attr, with_attrs
from sheath.types import (
    BOOL,
    NUMBER,
    STRING,
    ListType,
    MapType,
    Number,
    Value,
    null,
    string_val,
    unknown,
)
from sheath.types.cty import TRUE
from sheath.types.ops import go_quote, raw_equal

PROVIDER_ADDRESS = "registry.terraform.io/hashicorp/random"

_KEEPERS = Attribute(MapType(STRING), optional=True, description="Arbitrary map of values that, when changed, will trigger recreation of resource.")


def _num(i: int) -> Value:
    return Value(NUMBER, Number.from_int(i))


def _int(v: Value) -> int:
    n = v.v
    assert isinstance(n, Number)
    return n.to_int()


def _str_or_none(v: Value) -> str | None:
    return None if v.is_null or not v.is_known else v.as_str()


def _non_null_entries(m: Value) -> Value:
    if m.is_null or not m.is_known:
        return Value(MapType(STRING), {}) if m.is_null else m
    return Value(m.type, {k: e for k, e in m.attrs().items() if not e.is_null})


class RandomResource(ResourceType):
    """Common plan for random_*: defaults, replacement on any change, results computed at apply."""

    defaults: Mapping[str, Value] = {}
    results: tuple[str, ...] = ()

    def replace_attributes(self) -> Iterable[str]:
        return [n for n, a in self.schema.block.attributes.items() if a.required or a.optional]

    def requires_replace(self, name: str, prior: Value, planned: Value) -> bool:
        """Whether changing attribute name from prior to planned forces a new resource."""
        if name == "keepers":
            # RequiresReplaceIfValuesNotNull: entries whose values are null do not count
            return not raw_equal(_non_null_entries(prior), _non_null_entries(planned))
        return not raw_equal(prior, planned)

    def with_defaults(self, v: Value) -> Value:
        changes = {k: d for k, d in self.defaults.items() if attr(v, k).is_null}
        return with_attrs(v, **changes) if changes else v

    def plan(self, req: PlanResourceChangeRequest) -> PlanResourceChangeResponse:
        resp = PlanResourceChangeResponse(planned_private=req.prior_private)
        proposed = req.proposed_new_state
        if proposed.is_null:
            resp.planned_state = proposed
            return resp
        proposed = self.with_defaults(proposed)
        recompute = req.prior_state.is_null
        if not recompute:
            for name in self.replace_attributes():
                if self.requires_replace(name, attr(req.prior_state, name), attr(proposed, name)):
                    resp.requires_replace.append(Path.attr(name))
            recompute = bool(resp.requires_replace)
        if recompute:
            block = self.schema.block
            proposed = with_attrs(proposed, **{n: unknown(block.attributes[n].implied_type()) for n in self.results})
        resp.planned_state = proposed
        return resp

    def apply(self, req: ApplyResourceChangeRequest) -> ApplyResourceChangeResponse:
        diags = Diagnostics()
        planned = req.planned_state
        if any(not attr(planned, n).is_known for n in self.results):
            new, diags = self.create(planned)
            if new is None:
                return ApplyResourceChangeResponse(diagnostics=diags)
            planned = new
        return ApplyResourceChangeResponse(new_state=planned, diagnostics=diags)

    def create(self, planned: Value) -> tuple[Value | None, Diagnostics]:
        raise NotImplementedError


# --- random_id -------------------------------------------------------------------------


class RandomId(RandomResource):
    schema = Schema(
        Block(
            {
                "b64_std": Attribute(STRING, computed=True),
                "b64_url": Attribute(STRING, computed=True),
                "byte_length": Attribute(NUMBER, required=True),
                "dec": Attribute(STRING, computed=True),
                "hex": Attribute(STRING, computed=True),
                "id": Attribute(STRING, computed=True),
                "keepers": _KEEPERS,
                "prefix": Attribute(STRING, optional=True),
            }
        )
    )
    results = ("b64_std", "b64_url", "dec", "hex", "id")

    def validate(self, config: Value) -> Diagnostics:
        diags = Diagnostics()
        bl = attr(config, "byte_length")
        if bl.is_known and not bl.is_null and _int(bl) < 1:
            diags.append(attribute_error("Invalid Attribute Value", f"Attribute byte_length value must be at least 1, got: {_int(bl)}", Path.attr("byte_length")))
        return diags

    @staticmethod
    def encode(b: bytes, prefix: str) -> dict[str, Value]:
        url = base64.urlsafe_b64encode(b).rstrip(b"=").decode()
        return {
            "id": string_val(url),
            "b64_url": string_val(prefix + url),
            "b64_std": string_val(prefix + base64.b64encode(b).decode()),
            "hex": string_val(prefix + b.hex()),
            "dec": string_val(prefix + str(int.from_bytes(b, "big"))),
        }

    def create(self, planned: Value) -> tuple[Value | None, Diagnostics]:
        n = _int(attr(planned, "byte_length"))
        prefix = _str_or_none(attr(planned, "prefix")) or ""
        return with_attrs(planned, **self.encode(secrets.token_bytes(n), prefix)), Diagnostics()

    def import_state(self, id: str) -> tuple[Value | None, Diagnostics]:
        diags = Diagnostics()
        prefix: str | None = None
        b64 = id
        if "," in id:
            prefix, b64 = id.rsplit(",", 1)
        try:
            if "=" in b64:  # unpadded URL alphabet only (Go's base64.RawURLEncoding)
                raise ValueError(f"illegal base64 data at input byte {b64.index('=')}")
            b = base64.b64decode(b64 + "=" * (-len(b64) % 4), altchars=b"-_", validate=True)
        except (ValueError, binascii.Error) as exc:
            diags.add_error("Import Random ID Error", f"While attempting to import a random id there was a decoding error.\n\nOriginal Error: {exc}")
            return None, diags
        v = self.schema.block.empty_value()
        v = with_attrs(
            v,
            byte_length=_num(len(b)),
            keepers=Value(MapType(STRING), {}),  # imported keepers are an empty (known) map
            prefix=null(STRING) if not prefix else string_val(prefix),
            **self.encode(b, prefix or ""),
        )
        return v, diags


# --- random_integer -----------------------------------------------------------------------


class RandomInteger(RandomResource):
    schema = Schema(
        Block(
            {
                "id": Attribute(STRING, computed=True),
                "keepers": _KEEPERS,
                "max": Attribute(NUMBER, required=True),
                "min": Attribute(NUMBER, required=True),
                "result": Attribute(NUMBER, computed=True),
                "seed": Attribute(STRING, optional=True),
            }
        )
    )
    results: tuple[str, ...] = ("id", "result")

    def create(self, planned: Value) -> tuple[Value | None, Diagnostics]:
        lo, hi = _int(attr(planned, "min")), _int(attr(planned, "max"))
        diags = Diagnostics()
        if hi < lo:
            diags.add_error("Create Random Integer Error", "The minimum (min) value needs to be smaller than or equal to maximum (max) value.")
            return None, diags
        seed = _str_or_none(attr(planned, "seed")) or None  # an empty seed is no seed (and null in state)
        rng = _random.Random(seed) if seed is not None else _random.SystemRandom()
        n = rng.randint(lo, hi)
        return with_attrs(planned, result=_num(n), id=string_val(str(n)), seed=null(STRING) if seed is None else string_val(seed)), diags

    def import_state(self, id: str) -> tuple[Value | None, Diagnostics]:
        diags = Diagnostics()
        parts = id.split(",")
        if len(parts) not in (3, 4):
            diags.add_error(
                "Import Random Integer Error",
                "Invalid import usage: expecting {result},{min},{max} or {result},{min},{max},{seed}",
            )
            return None, diags
        nums: list[int] = []
        for what, text in (("value", parts[0]), ("min value", parts[1]), ("max value", parts[2])):
            try:
                nums.append(int(text, 10))
            except ValueError:
                diags.add_error(
                    "Import Random Integer Error",
                    f"The {what} supplied could not be parsed as an integer.\n\n"
                    f'Original Error: strconv.ParseInt: parsing {go_quote(text)}: invalid syntax',
                )
                return None, diags
        v = with_attrs(
            self.schema.block.empty_value(),
            id=string_val(parts[0]),
            keepers=Value(MapType(STRING), {}),  # imported keepers are an empty (known) map
            result=_num(nums[0]),
            min=_num(nums[1]),
            max=_num(nums[2]),
            seed=string_val(parts[3]) if len(parts) == 4 else null(STRING),
        )
        return v, diags


# --- random_string / random_password ---------------------------------------------------------

SPECIAL = "!@#$%&*()-_=+[]{}<>:?"
LOWER = "abcdefghijklmnopqrstuvwxyz"
UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
NUMERIC = "0123456789"


def _string_attrs(sensitive: bool) -> dict[str, Attribute]:
    return {
        "id": Attribute(STRING, computed=True),
        "keepers": _KEEPERS,
        "length": Attribute(NUMBER, required=True),
        "lower": Attribute(BOOL, optional=True, computed=True),
        "min_lower": Attribute(NUMBER, optional=True, computed=True),
        "min_numeric": Attribute(NUMBER, optional=True, computed=True),
        "min_special": Attribute(NUMBER, optional=True, computed=True),
        "min_upper": Attribute(NUMBER, optional=True, computed=True),
        "number": Attribute(BOOL, optional=True, computed=True, deprecated=True),
        "numeric": Attribute(BOOL, optional=True, computed=True),
        "override_special": Attribute(STRING, optional=True),
        "result": Attribute(STRING, computed=True, sensitive=sensitive),
        "special": Attribute(BOOL, optional=True, computed=True),
        "upper": Attribute(BOOL, optional=True, computed=True),
    }


_STRING_DEFAULTS: dict[str, Value] = {
    "lower": TRUE,
    "upper": TRUE,
    "special": TRUE,
    "min_lower": _num(0),
    "min_numeric": _num(0),
    "min_special": _num(0),
    "min_upper": _num(0),
}


def generate_string(
    length: int,
    upper: bool,
    min_upper: int,
    lower: bool,
    min_lower: int,
    numeric: bool,
    min_numeric: int,
    special: bool,
    min_special: int,
    override_special: str | None,
) -> str:
    """A random string: the minimum counts from each class first, the rest from all enabled classes, shuffled."""
    specials = override_special if override_special else SPECIAL
    rng = secrets.SystemRandom()
    chars = ""
    out: list[str] = []
    for enabled, cls, minimum in ((upper, UPPER, min_upper), (lower, LOWER, min_lower), (numeric, NUMERIC, min_numeric), (special, specials, min_special)):
        if enabled:
            chars += cls
            out.extend(rng.choice(cls) for _ in range(minimum))
    if chars:
        out.extend(rng.choice(chars) for _ in range(max(0, length - len(out))))
    rng.shuffle(out)
    return "".join(out)


class RandomString(RandomResource):
    schema = Schema(Block(_string_attrs(False)), version=2)
    defaults = _STRING_DEFAULTS
    results: tuple[str, ...] = ("id", "result")

    def with_defaults(self, v: Value) -> Value:
        v = super().with_defaults(v)
        number, numeric = attr(v, "number"), attr(v, "numeric")
        # number (deprecated) and numeric mirror each other; both default to true
        if numeric.is_null and number.is_null:
            return with_attrs(v, number=TRUE, numeric=TRUE)
        if numeric.is_null:
            return with_attrs(v, numeric=number)
        if number.is_null:
            return with_attrs(v, number=numeric)
        return v

    def validate(self, config: Value) -> Diagnostics:
        diags = Diagnostics()
        length = attr(config, "length")
        if not length.is_known or length.is_null:
            return diags
        n = _int(length)
        if n < 1:
            diags.append(attribute_error("Invalid Attribute Value", f"Attribute length value must be at least 1, got: {n}", Path.attr("length")))
            return diags
        total = 0
        for k in ("min_upper", "min_lower", "min_numeric", "min_special"):
            m = attr(config, k)
            if not m.is_known:
                return diags
            if not m.is_null:
                total += _int(m)
        if n < total:
            diags.append(
                attribute_error(
                    "Invalid Attribute Value",
                    f"Attribute length value must be at least sum of min_upper + min_lower + min_numeric + min_special, got: {n}",
                    Path.attr("length"),
                )
            )
        nu, nc = attr(config, "number"), attr(config, "numeric")
        if nu.is_known and nc.is_known and not nu.is_null and not nc.is_null and nu.as_bool() != nc.as_bool():
            diags.append(attribute_error("Number numeric attribute mismatch", "Number and numeric are both configured with different values", Path.attr("numeric")))
        return diags

    def requires_replace(self, name: str, prior: Value, planned: Value) -> bool:
        if name == "override_special" and planned.is_null and prior.is_known and prior.v == "":
            return False  # RequiresReplaceUnlessEmptyStringToNull
        return super().requires_replace(name, prior, planned)

    def upgrade(self, version: int, raw_json: bytes) -> tuple[Value | None, Diagnostics]:
        v, diags = super().upgrade(version, raw_json)
        if v is None or version >= self.schema.version:
            return v, diags
        # states imported by old provider versions can hold nulls: fill them as the provider does
        v = super().with_defaults(v)
        if attr(v, "length").is_null and not attr(v, "result").is_null:
            v = with_attrs(v, length=_num(len(attr(v, "result").as_str().encode())))
        # older schema versions had only "number"; "numeric" mirrors it
        if attr(v, "numeric").is_null:
            v = with_attrs(v, numeric=attr(v, "number") if not attr(v, "number").is_null else TRUE)
        if attr(v, "number").is_null:
            v = with_attrs(v, number=attr(v, "numeric"))
        return self.upgrade_more(v), diags

    def upgrade_more(self, v: Value) -> Value:
        return v

    def _generate(self, v: Value) -> str:
        return generate_string(
            _int(attr(v, "length")),
            attr(v, "upper").as_bool(),
            _int(attr(v, "min_upper")),
            attr(v, "lower").as_bool(),
            _int(attr(v, "min_lower")),
            attr(v, "numeric").as_bool(),
            _int(attr(v, "min_numeric")),
            attr(v, "special").as_bool(),
            _int(attr(v, "min_special")),
            _str_or_none(attr(v, "override_special")),
        )

    def create(self, planned: Value) -> tuple[Value | None, Diagnostics]:
        s = string_val(self._generate(planned))
        return with_attrs(planned, id=s, result=s), Diagnostics()

    def _imported(self, result: str) -> Value:
        v = self.with_defaults(self.schema.block.empty_value())
        return with_attrs(v, length=_num(len(result.encode())), result=string_val(result))

    def import_state(self, id: str) -> tuple[Value | None, Diagnostics]:
        return with_attrs(self._imported(id), id=string_val(id)), Diagnostics()


def bcrypt_hash(password: str) -> str:
    # bcrypt uses at most 72 bytes of the password, as the Go provider truncates
    return bcrypt.hashpw(password.encode()[:72], bcrypt.gensalt(10)).decode()


class RandomPassword(RandomString):
    schema = Schema(
        Block({**_string_attrs(True), "bcrypt_hash": Attribute(STRING, computed=True, sensitive=True)}),
        version=3,
    )
    results: tuple[str, ...] = ("bcrypt_hash", "id", "result")

    def upgrade_more(self, v: Value) -> Value:
        # schema version 3 fixed bcrypt hashes that did not match the result: recompute those
        result, h = attr(v, "result"), attr(v, "bcrypt_hash")
        if result.is_null:
            return v
        try:
            ok = not h.is_null and bcrypt.checkpw(result.as_str().encode()[:72], h.as_str().encode())
        except ValueError:  # not a bcrypt hash at all
            ok = False
        if not ok:
            v = with_attrs(v, bcrypt_hash=string_val(bcrypt_hash(result.as_str())))
        return v

    def create(self, planned: Value) -> tuple[Value | None, Diagnostics]:
        s = self._generate(planned)
        return with_attrs(planned, id=string_val("none"), result=string_val(s), bcrypt_hash=string_val(bcrypt_hash(s))), Diagnostics()

    def import_state(self, id: str) -> tuple[Value | None, Diagnostics]:
        v = self._imported(id)
        return with_attrs(v, id=string_val("none"), bcrypt_hash=string_val(bcrypt_hash(id))), Diagnostics()


# --- random_pet -----------------------------------------------------------------------------


class RandomPet(RandomResource):
    schema = Schema(
        Block(
            {
                "id": Attribute(STRING, computed=True),
                "keepers": _KEEPERS,
                "length": Attribute(NUMBER, optional=True, computed=True),
                "prefix": Attribute(STRING, optional=True),
                "separator": Attribute(STRING, optional=True, computed=True),
            }
        )
    )
    defaults = MappingProxyType({"length": _num(2), "separator": string_val("-")})
    results = ("id",)

    def create(self, planned: Value) -> tuple[Value | None, Diagnostics]:
        n = _int(attr(planned, "length"))
        sep = attr(planned, "separator").as_str()
        rng = secrets.SystemRandom()
        words: list[str] = []
        if n >= 1:
            words = [rng.choice(wordlist.ADVERBS) for _ in range(max(0, n - 2))]
            if n >= 2:
                words.append(rng.choice(wordlist.ADJECTIVES))
            words.append(rng.choice(wordlist.NAMES))
        prefix = _str_or_none(attr(planned, "prefix"))
        if prefix:
            words.insert(0, prefix)
        # an empty prefix is no prefix, and null in state
        return with_attrs(planned, id=string_val(sep.join(words)), prefix=string_val(prefix) if prefix else null(STRING)), Diagnostics()


# --- random_shuffle ----------------------------------------------------------------------------


class RandomShuffle(RandomResource):
    schema = Schema(
        Block(
            {
                "id": Attribute(STRING, computed=True),
                "input": Attribute(ListType(STRING), required=True),
                "keepers": _KEEPERS,
                "result": Attribute(ListType(STRING), computed=True),
                "result_count": Attribute(NUMBER, optional=True),
                "seed": Attribute(STRING, optional=True),
            }
        )
    )
    results: tuple[str, ...] = ("id", "result")

    def create(self, planned: Value) -> tuple[Value | None, Diagnostics]:
        items = list(attr(planned, "input").elements())
        rc = attr(planned, "result_count")
        count = 0 if rc.is_null else _int(rc)
        count = count or len(items)  # 0 (or unset) means as many as the input has
        seed = _str_or_none(attr(planned, "seed"))
        rng = _random.Random(seed) if seed is not None else _random.SystemRandom()
        out: list[Value] = []
        if items:
            while len(out) < count:
                batch = items[:]
                rng.shuffle(batch)
                out.extend(batch[: count - len(out)])
        return with_attrs(planned, id=string_val("-"), result=Value(ListType(STRING), tuple(out))), Diagnostics()


# --- random_uuid ------------------------------------------------------------------------------

_UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


class RandomUuid(RandomResource):
    schema = Schema(
        Block(
            {
                "id": Attribute(STRING, computed=True),
                "keepers": _KEEPERS,
                "result": Attribute(STRING, computed=True),
            }
        )
    )
    results: tuple[str, ...] = ("id", "result")

    def create(self, planned: Value) -> tuple[Value | None, Diagnostics]:
        u = string_val(go_uuid())
        return with_attrs(planned, id=u, result=u), Diagnostics()

    def import_state(self, id: str) -> tuple[Value | None, Diagnostics]:
        diags = Diagnostics()
        if not _UUID_RE.match(id):
            diags.add_error("Import Random UUID Error", f"While attempting to import a random UUID there was a parsing error.\n\nOriginal Error: uuid string is wrong length: {id!r}")
            return None, diags
        u = string_val(id)
        return with_attrs(self.schema.block.empty_value(), id=u, result=u), diags


def new_provider() -> NativeProvider:
    return NativeProvider(
        resources={
            "random_id": RandomId(),
            "random_integer": RandomInteger(),
            "random_password": RandomPassword(),
            "random_pet": RandomPet(),
            "random_shuffle": RandomShuffle(),
            "random_string": RandomString(),
            "random_uuid": RandomUuid(),
        }
    )


__all__ = ["PROVIDER_ADDRESS", "bcrypt_hash", "generate_string", "new_provider"]
