"""cty-compatible types and values.

Modules:
  cty      Type classes and the Value class, basic constructors
  number   Number: arbitrary-precision numbers with Go math/big.Float semantics
  convert  conversion and type unification with cty's results
  ops      equality, arithmetic, comparison, set ordering, marks helpers
  typeexpr parse type constraint expressions (string, list(...), optional(...))
  format   terraform console's rendering of values
  json     cty JSON codec (values and types)
"""

from sheath.types.cty import (
    BOOL,
    DYNAMIC,
    EMPTY_OBJECT,
    EMPTY_OBJECT_VAL,
    EMPTY_TUPLE,
    EMPTY_TUPLE_VAL,
    EPHEMERAL,
    FALSE,
    NUMBER,
    SENSITIVE,
    STRING,
    TRUE,
    UNKNOWN,
    CollectionType,
    DynamicPseudoType,
    ListType,
    MapType,
    ObjectType,
    PrimitiveType,
    SetType,
    TupleType,
    Type,
    Value,
    bool_val,
    list_val,
    map_val,
    null,
    object_val,
    string_val,
    tuple_val,
    unknown,
)
from sheath.types.number import Number, NumberNaNError, number_val
from sheath.types.convert import ConversionError, can_convert, convert, unify
from sheath.types.ops import OpError, equals, set_val, value_key
from sheath.types.format import format_value

__all__ = [
    "BOOL",
    "DYNAMIC",
    "EMPTY_OBJECT",
    "EMPTY_OBJECT_VAL",
    "EMPTY_TUPLE",
    "EMPTY_TUPLE_VAL",
    "EPHEMERAL",
    "FALSE",
    "NUMBER",
    "SENSITIVE",
    "STRING",
    "TRUE",
    "UNKNOWN",
    "CollectionType",
    "DynamicPseudoType",
    "ListType",
    "MapType",
    "ObjectType",
    "PrimitiveType",
    "SetType",
    "TupleType",
    "Type",
    "Value",
    "bool_val",
    "list_val",
    "map_val",
    "null",
    "object_val",
    "string_val",
    "tuple_val",
    "unknown",
    "Number",
    "NumberNaNError",
    "number_val",
    "ConversionError",
    "can_convert",
    "convert",
    "unify",
    "OpError",
    "equals",
    "set_val",
    "value_key",
    "format_value",
]
