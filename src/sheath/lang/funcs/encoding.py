"""Encoding functions: base64, gzip, CSV, JSON, text encodings, URL, YAML."""

from __future__ import annotations

from sheath.goquote import go_quote

import base64
from typing import Sequence

from sheath.lang.funcs import csvreader, goflate, textenc, yamlcodec
from sheath.lang.funcs.function import Function, FunctionContext, FunctionError
from sheath.lang.funcs.support import func, param
from sheath.types.cty import (
    DYNAMIC,
    STRING,
    ListType,
    ObjectType,
    Type,
    Value,
    string_val,
    unknown,
)

_SAFE_URL = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~")


def _redact(v: Value, marks: frozenset[object]) -> str:
    if "sensitive" in marks:
        return "(sensitive value)"
    return go_quote(v.as_str())


# --- base64 ------------------------------------------------------------------


def _base64decode(args: Sequence[Value], _rt: Type) -> Value:
    v, marks = args[0].unmark_deep()
    s = v.as_str()
    try:
        raw = textenc.b64decode_go(s.encode())
    except textenc.Base64Error:
        raise FunctionError(f"failed to decode base64 data {_redact(v, marks)}") from None
    try:
        out = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise FunctionError("the result of decoding the provided string is not valid UTF-8") from None
    return string_val(out).with_marks(marks)


def _base64encode(args: Sequence[Value], _rt: Type) -> Value:
    return string_val(base64.b64encode(args[0].as_str().encode()).decode())


def go_gzip(data: bytes) -> bytes:
    """gzip exactly as terraform's base64gzip writes it (Go compress/gzip, level 6)."""
    return goflate.gzip_compress(data)


def _base64gzip(args: Sequence[Value], _rt: Type) -> Value:
    return string_val(base64.b64encode(go_gzip(args[0].as_str().encode())).decode())


def _textencodebase64(args: Sequence[Value], _rt: Type) -> Value:
    s, enc_name = args[0].as_str(), args[1].as_str()
    enc = textenc.lookup_encoding(enc_name)
    if enc is None:
        raise FunctionError(
            f"{go_quote(enc_name)} is not a supported IANA encoding name or alias in this Terraform version",
            arg_index=1,
        )
    canon, codec = enc
    try:
        raw = textenc.encode_text(s, codec)
    except UnicodeEncodeError:
        raise FunctionError(
            f"the given string contains characters that cannot be represented in {canon}", arg_index=0
        ) from None
    return string_val(base64.b64encode(raw).decode())


def _textdecodebase64(args: Sequence[Value], _rt: Type) -> Value:
    src, enc_name = args[0].as_str(), args[1].as_str()
    enc = textenc.lookup_encoding(enc_name)
    if enc is None:
        raise FunctionError(
            f"{go_quote(enc_name)} is not a supported IANA encoding name or alias in this Terraform version",
            arg_index=1,
        )
    canon, codec = enc
    try:
        raw = textenc.b64decode_go(src.encode())
    except textenc.Base64Error as e:
        raise FunctionError(f"the given value is has an invalid base64 symbol at offset {e.offset}", arg_index=0) from None
    out = textenc.decode_text(raw, codec)
    if out is None:
        raise FunctionError(f"the given string contains symbols that are not defined for {canon}", arg_index=0)
    return string_val(out)


# --- urlencode ---------------------------------------------------------------


def query_escape(s: str) -> str:
    """Go's url.QueryEscape."""
    out: list[str] = []
    for b in s.encode():
        if b in _SAFE_URL:
            out.append(chr(b))
        elif b == 0x20:
            out.append("+")
        else:
            out.append(f"%{b:02X}")
    return "".join(out)


def _urlencode(args: Sequence[Value], _rt: Type) -> Value:
    return string_val(query_escape(args[0].as_str()))


# --- csvdecode ---------------------------------------------------------------


def _csv_header(src: str) -> tuple[csvreader.Reader, list[str]]:
    r = csvreader.Reader(src)
    try:
        header = r.read()
    except csvreader.CSVError as e:
        raise FunctionError(str(e)) from None
    if header is None:
        raise FunctionError("missing header line")
    seen: set[str] = set()
    for name in header:
        if name in seen:
            raise FunctionError(f"duplicate column name {go_quote(name)}")
        seen.add(name)
    return r, header


def _csv_type(header: list[str]) -> Type:
    return ListType(ObjectType({n: STRING for n in header}))


def _csvdecode_type(args: Sequence[Value]) -> Type:
    a = args[0]
    if not a.is_known:
        return DYNAMIC
    return _csv_type(_csv_header(a.as_str())[1])


def _csvdecode(args: Sequence[Value], rt: Type) -> Value:
    r, header = _csv_header(args[0].as_str())
    rows: list[Value] = []
    obj_type = ObjectType({n: STRING for n in header})
    while True:
        try:
            rec = r.read()
        except csvreader.CSVError as e:
            raise FunctionError(str(e)) from None
        if rec is None:
            break
        attrs = {n: string_val(f) for n, f in zip(header, rec)}
        rows.append(Value(obj_type, dict(sorted(attrs.items()))))
    return Value(ListType(obj_type), tuple(rows))


# --- JSON --------------------------------------------------------------------


def _json_error(e: Exception) -> FunctionError:
    return FunctionError(getattr(e, "message", None) or str(e))


def _jsondecode_type(args: Sequence[Value]) -> Type:
    a = args[0]
    if not a.is_known:
        return DYNAMIC
    from sheath.types import json as ctyjson

    try:
        return ctyjson.implied_type(a.as_str())
    except ctyjson.JSONError as e:
        raise _json_error(e) from None


def _jsondecode(args: Sequence[Value], rt: Type) -> Value:
    from sheath.types import json as ctyjson

    try:
        return ctyjson.value_from_json(args[0].as_str(), rt)
    except ctyjson.JSONError as e:
        raise _json_error(e) from None


def _jsonencode(args: Sequence[Value], _rt: Type) -> Value:
    v = args[0]
    if not v.is_wholly_known():
        return unknown(STRING)
    if v.v is None:
        return string_val("null")
    from sheath.types import json as ctyjson

    try:
        return string_val(ctyjson.value_to_json(v).decode("utf-8"))
    except ctyjson.JSONError as e:
        raise _json_error(e) from None


# --- YAML --------------------------------------------------------------------


def _yaml_error(e: yamlcodec.YAMLError) -> FunctionError:
    return FunctionError(str(e))


def _yamldecode_type(args: Sequence[Value]) -> Type:
    a = args[0]
    if not a.is_known:
        return DYNAMIC
    try:
        return yamlcodec.decode(a.as_str()).type
    except yamlcodec.YAMLError as e:
        raise _yaml_error(e) from None


def _yamldecode(args: Sequence[Value], rt: Type) -> Value:
    try:
        return yamlcodec.decode(args[0].as_str())
    except yamlcodec.YAMLError as e:
        raise _yaml_error(e) from None


def _yamlencode(args: Sequence[Value], _rt: Type) -> Value:
    v = args[0]
    if not v.is_wholly_known():
        return unknown(STRING)
    return string_val(yamlcodec.encode(v))


def functions(ctx: FunctionContext) -> dict[str, Function]:
    s = STRING
    return {
        "base64decode": func("base64decode", [param("str", s, allow_marked=True)], s, _base64decode),
        "base64encode": func("base64encode", [param("str", s)], s, _base64encode),
        "base64gzip": func("base64gzip", [param("str", s)], s, _base64gzip),
        "csvdecode": func("csvdecode", [param("str", s)], _csvdecode_type, _csvdecode),
        "jsondecode": func("jsondecode", [param("str", s)], _jsondecode_type, _jsondecode),
        "jsonencode": func(
            "jsonencode",
            [param("val", DYNAMIC, allow_null=True, allow_dynamic_type=True)],
            s,
            _jsonencode,
        ),
        "textdecodebase64": func(
            "textdecodebase64", [param("source", s), param("encoding", s)], s, _textdecodebase64
        ),
        "textencodebase64": func(
            "textencodebase64", [param("string", s), param("encoding", s)], s, _textencodebase64
        ),
        "urlencode": func("urlencode", [param("str", s)], s, _urlencode),
        "yamldecode": func("yamldecode", [param("src", s)], _yamldecode_type, _yamldecode),
        "yamlencode": func(
            "yamlencode",
            [param("value", DYNAMIC, allow_null=True, allow_dynamic_type=True)],
            s,
            _yamlencode,
        ),
    }
