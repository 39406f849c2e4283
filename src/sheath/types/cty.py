"""The cty-compatible type system and value model: types and values.

This module holds only the data structures and constructors; conversion,
operations, formatting and codecs live in sibling modules.

Value representation (``Value.v``):
  * unknown (any type): the ``UNKNOWN`` sentinel
  * null (any type): ``None``
  * string: ``str`` (NFC-normalised, as cty does)
  * number: ``sheath.types.number.Number`` (Go math/big.Float semantics)
  * bool: ``bool``
  * list / tuple: ``tuple[Value, ...]``
  * set: ``tuple[Value, ...]`` in cty's canonical set order (see ops.set_sort)
  * map / object: ``dict[str, Value]`` (insertion order: sorted by key)
Marks (e.g. ``"sensitive"``) are a frozenset on each value; they apply to that
value (containers may hold marked elements: "deep" marks).
"""

from __future__ import annotations

from typing import Any, Final, Mapping, Sequence


class Type:
    """Base of all cty types. Types are immutable and compared by value."""

    __slots__ = ()

    def is_primitive(self) -> bool:
        return False

    def is_collection(self) -> bool:
        return False

    def is_list(self) -> bool:
        return False

    def is_set(self) -> bool:
        return False

    def is_map(self) -> bool:
        return False

    def is_object(self) -> bool:
        return False

    def is_tuple(self) -> bool:
        return False

    def is_dynamic(self) -> bool:
        return False

    def friendly_name(self) -> str:
        """The name terraform shows in error messages ("list of string")."""
        raise NotImplementedError

    def type_expr(self) -> str:
        """Type constraint syntax ("list(string)", "object({a=number})")."""
        raise NotImplementedError

    def has_dynamic_types(self) -> bool:
        return False

    def __repr__(self) -> str:
        return self.type_expr()


class PrimitiveType(Type):
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def is_primitive(self) -> bool:
        return True

    def friendly_name(self) -> str:
        return self.name

    def type_expr(self) -> str:
        return self.name

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PrimitiveType) and other.name == self.name

    def __hash__(self) -> int:
        return hash(("p", self.name))


class DynamicPseudoType(Type):
    """``any``: a placeholder type, only ever the type of unknown or null values."""

    __slots__ = ()

    def is_dynamic(self) -> bool:
        return True

    def has_dynamic_types(self) -> bool:
        return True

    def friendly_name(self) -> str:
        return "dynamic"

    def type_expr(self) -> str:
        return "any"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DynamicPseudoType)

    def __hash__(self) -> int:
        return hash("dynamic")


STRING: Final = PrimitiveType("string")
NUMBER: Final = PrimitiveType("number")
BOOL: Final = PrimitiveType("bool")
DYNAMIC: Final = DynamicPseudoType()


class CollectionType(Type):
    __slots__ = ("element",)
    kind = ""

    def __init__(self, element: Type) -> None:
        self.element = element

    def is_collection(self) -> bool:
        return True

    def has_dynamic_types(self) -> bool:
        return self.element.has_dynamic_types()

    def friendly_name(self) -> str:
        if self.element.is_dynamic():
            return self.kind
        return f"{self.kind} of {self.element.friendly_name()}"

    def type_expr(self) -> str:
        return f"{self.kind}({self.element.type_expr()})"

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.element == self.element

    def __hash__(self) -> int:
        return hash((self.kind, self.element))


class ListType(CollectionType):
    __slots__ = ()
    kind = "list"

    def is_list(self) -> bool:
        return True


class SetType(CollectionType):
    __slots__ = ()
    kind = "set"

    def is_set(self) -> bool:
        return True


class MapType(CollectionType):
    __slots__ = ()
    kind = "map"

    def is_map(self) -> bool:
        return True


class ObjectType(Type):
    """An object type; ``optional`` names attributes declared with optional()."""

    __slots__ = ("attrs", "optional", "_hash")

    def __init__(self, attrs: Mapping[str, Type], optional: frozenset[str] = frozenset()) -> None:
        self.attrs: dict[str, Type] = dict(sorted(attrs.items()))
        self.optional = frozenset(optional)
        self._hash: int | None = None

    def is_object(self) -> bool:
        return True

    def has_dynamic_types(self) -> bool:
        return any(t.has_dynamic_types() for t in self.attrs.values())

    def friendly_name(self) -> str:
        return "object"

    def type_expr(self) -> str:
        parts = []
        for k, t in self.attrs.items():
            te = t.type_expr()
            if k in self.optional:
                te = f"optional({te})"
            parts.append(f"{k}={te}")
        return "object({" + ",".join(parts) + "})"

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, ObjectType)
            and other.attrs == self.attrs
            and other.optional == self.optional
        )

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(("o", tuple(self.attrs.items()), self.optional))
        return self._hash


class TupleType(Type):
    __slots__ = ("elements", "_hash")

    def __init__(self, elements: Sequence[Type]) -> None:
        self.elements: tuple[Type, ...] = tuple(elements)
        self._hash: int | None = None

    def is_tuple(self) -> bool:
        return True

    def has_dynamic_types(self) -> bool:
        return any(t.has_dynamic_types() for t in self.elements)

    def friendly_name(self) -> str:
        return "tuple"

    def type_expr(self) -> str:
        return "tuple([" + ",".join(t.type_expr() for t in self.elements) + "])"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TupleType) and other.elements == self.elements

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(("t", self.elements))
        return self._hash


EMPTY_OBJECT: Final = ObjectType({})
EMPTY_TUPLE: Final = TupleType(())


class _Unknown:
    __slots__ = ()

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Final = _Unknown()

SENSITIVE: Final = "sensitive"
EPHEMERAL: Final = "ephemeral"

_NO_MARKS: frozenset[Any] = frozenset()


class Value:
    """A cty value: a type, a raw payload (see module doc) and marks."""

    __slots__ = ("type", "v", "marks")

    def __init__(self, type_: Type, v: Any, marks: frozenset[Any] = _NO_MARKS) -> None:
        self.type = type_
        self.v = v
        self.marks = marks

    # --- state ---------------------------------------------------------
    @property
    def is_null(self) -> bool:
        return self.v is None

    @property
    def is_known(self) -> bool:
        return self.v is not UNKNOWN

    def is_wholly_known(self) -> bool:
        """Known, and every nested element is known too."""
        if self.v is UNKNOWN:
            return False
        v = self.v
        if isinstance(v, tuple):
            return all(e.is_wholly_known() for e in v)
        if isinstance(v, dict):
            return all(e.is_wholly_known() for e in v.values())
        return True

    @property
    def is_marked(self) -> bool:
        return bool(self.marks)

    def has_mark(self, mark: Any) -> bool:
        return mark in self.marks

    @property
    def is_sensitive(self) -> bool:
        return SENSITIVE in self.marks

    def mark(self, *marks: Any) -> "Value":
        return Value(self.type, self.v, self.marks | frozenset(marks))

    def with_marks(self, marks: frozenset[Any]) -> "Value":
        if not marks:
            return self
        return Value(self.type, self.v, self.marks | marks)

    def unmark(self) -> tuple["Value", frozenset[Any]]:
        """This value without its own (shallow) marks, and those marks."""
        if not self.marks:
            return self, _NO_MARKS
        return Value(self.type, self.v), self.marks

    def unmark_deep(self) -> tuple["Value", frozenset[Any]]:
        """This value with all nested marks removed, and the union of them."""
        marks = set(self.marks)
        v = self.v
        if isinstance(v, tuple):
            elems = []
            for e in v:
                ue, m = e.unmark_deep()
                marks |= m
                elems.append(ue)
            return Value(self.type, tuple(elems)), frozenset(marks)
        if isinstance(v, dict):
            d = {}
            for k, e in v.items():
                ue, m = e.unmark_deep()
                marks |= m
                d[k] = ue
            return Value(self.type, d), frozenset(marks)
        return Value(self.type, v), frozenset(marks)

    def contains_marked(self) -> bool:
        if self.marks:
            return True
        v = self.v
        if isinstance(v, tuple):
            return any(e.contains_marked() for e in v)
        if isinstance(v, dict):
            return any(e.contains_marked() for e in v.values())
        return False

    # --- accessors (caller must check known/non-null first) -------------
    def as_str(self) -> str:
        return self.v  # type: ignore[no-any-return]

    def as_bool(self) -> bool:
        return self.v  # type: ignore[no-any-return]

    def elements(self) -> tuple["Value", ...]:
        """Elements of a list, set or tuple."""
        return self.v  # type: ignore[no-any-return]

    def attrs(self) -> dict[str, "Value"]:
        """Attributes of an object, or elements of a map."""
        return self.v  # type: ignore[no-any-return]

    def length(self) -> int:
        return len(self.v)

    def __repr__(self) -> str:
        if self.v is UNKNOWN:
            body = "unknown"
        elif self.v is None:
            body = "null"
        else:
            body = repr(self.v)
        m = f" marks={set(self.marks)}" if self.marks else ""
        return f"Value({self.type!r}, {body}{m})"

    # Values deliberately do not define __eq__/__hash__ by content: use
    # ops.equals (cty semantics, may return unknown) or ops.raw_equal.


# --- constructors -----------------------------------------------------------


def unknown(t: Type = DYNAMIC) -> Value:
    return Value(t, UNKNOWN)


def null(t: Type = DYNAMIC) -> Value:
    return Value(t, None)


def string_val(s: str) -> Value:
    if s.isascii():  # ASCII is always in NFC: skip the normalisation
        return Value(STRING, s)
    import unicodedata

    return Value(STRING, unicodedata.normalize("NFC", s))


def bool_val(b: bool) -> Value:
    return TRUE if b else FALSE


TRUE: Final = Value(BOOL, True)
FALSE: Final = Value(BOOL, False)


def list_val(elems: Sequence[Value], element_type: Type | None = None) -> Value:
    """A known list. element_type is required when elems is empty."""
    if element_type is None:
        if not elems:
            raise ValueError("list_val of no elements needs element_type")
        element_type = elems[0].type
    return Value(ListType(element_type), tuple(elems))


def tuple_val(elems: Sequence[Value]) -> Value:
    return Value(TupleType([e.type for e in elems]), tuple(elems))


def object_val(attrs: Mapping[str, Value]) -> Value:
    d = dict(sorted(attrs.items()))
    return Value(ObjectType({k: v.type for k, v in d.items()}), d)


def map_val(elems: Mapping[str, Value], element_type: Type | None = None) -> Value:
    if element_type is None:
        if not elems:
            raise ValueError("map_val of no elements needs element_type")
        element_type = next(iter(elems.values())).type
    return Value(MapType(element_type), dict(sorted(elems.items())))


EMPTY_OBJECT_VAL: Final = Value(EMPTY_OBJECT, {})
EMPTY_TUPLE_VAL: Final = Value(EMPTY_TUPLE, ())
