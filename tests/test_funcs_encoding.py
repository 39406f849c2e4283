"""Encoding functions; every expected result was observed from terraform 1.11.4's console."""

from __future__ import annotations

from typing import Any

import pytest

from sheath.lang.funcs import numbers
from sheath.lang.funcs.call import call_function
from sheath.lang.funcs.encoding import functions
from sheath.lang.funcs.function import FunctionContext, FunctionError
from sheath.types.cty import (
    EMPTY_OBJECT_VAL,
    EMPTY_TUPLE_VAL,
    NUMBER,
    STRING,
    TRUE,
    Value,
    list_val,
    null,
    object_val,
    string_val,
    tuple_val,
    unknown,
)

FUNCS = functions(FunctionContext())
S = string_val


def N(x: int | str) -> Value:
    return numbers.from_int(x) if isinstance(x, int) else numbers.from_decimal(x)


def call(name: str, *args: Value) -> Value:
    return call_function(FUNCS[name], list(args), convert=False)


def fails(name: str, *args: Value) -> FunctionError:
    with pytest.raises(FunctionError) as ei:
        call(name, *args)
    return ei.value


def py(v: Value) -> Any:
    """A plain Python view of a value (numbers as their decimal text)."""
    if v.v is None:
        return None
    if v.type == STRING:
        return v.v
    if v.type == NUMBER:
        return "#" + numbers.text(v)
    if v.type.is_primitive():
        return v.v
    if isinstance(v.v, dict):
        return {k: py(e) for k, e in v.v.items()}
    return [py(e) for e in v.v]


# --- base64 -----------------------------------------------------------------


def test_base64() -> None:
    assert call("base64encode", S("héllo")).v == "aMOpbGxv"
    assert call("base64decode", S("aGVsbG8=")).v == "hello"
    assert call("base64decode", S("aGVsbG8=\n")).v == "hello"  # Go ignores CR/LF
    assert call("base64encode", S("")).v == ""


def test_base64decode_errors() -> None:
    e = fails("base64decode", S("aGVsbG8"))
    assert e.message == 'failed to decode base64 data "aGVsbG8"' and e.arg_index is None
    assert fails("base64decode", S("aGVs bG8=")).message == 'failed to decode base64 data "aGVs bG8="'
    assert fails("base64decode", S("/w==")).message == "the result of decoding the provided string is not valid UTF-8"
    e = fails("base64decode", S("!!").mark("sensitive"))
    assert e.message == "failed to decode base64 data (sensitive value)"


def test_base64gzip() -> None:
    assert call("base64gzip", S("hello")).v == "H4sIAAAAAAAA/8pIzcnJBwAAAP//AQAA//+GphA2BQAAAA=="
    assert call("base64gzip", S("")).v == "H4sIAAAAAAAA/wAAAP//AQAA//8AAAAAAAAAAA=="


# --- text encodings -----------------------------------------------------------


@pytest.mark.parametrize(
    "text,enc,want",
    [
        ("héllo", "UTF-16LE", "aADpAGwAbABvAA=="),
        ("é", "UTF-16BE", "AOk="),
        ("é", "utf-16", "/v8A6Q=="),
        ("é", "latin1", "6Q=="),
        ("é", "ISO_8859-1", "6Q=="),
        ("é", "l1", "6Q=="),
        ("日本", "EUC-JP", "xvzL3A=="),
        ("hello", "windows-1252", "aGVsbG8="),
        ("hello", "SHIFT_JIS", "aGVsbG8="),
        ("x", "IBM037", "pw=="),
        ("x", "csUTF8", "eA=="),
        # CJK encodings follow the WHATWG tables, as golang.org/x/text does
        ("～", "Shift_JIS", "gWA="),
        ("①", "Shift_JIS", "h0A="),
        ("①", "EUC-JP", "raE="),
        ("～", "EUC-JP", "ocE="),
        ("日本語ｱ", "EUC-JP", "xvzL3LjsjrE="),
        ("€", "GBK", "gA=="),
        ("€", "Big5", "o+E="),
        ("①", "Big5", "xqE="),
        ("中", "HZ-GB-2312", "fntWUA=="),
        ("^¬[]Ý¨\n\u0085", "IBM1047", "X7Ctvbq7JRU="),
    ],
)
def test_textencodebase64(text: str, enc: str, want: str) -> None:
    assert call("textencodebase64", S(text), S(enc)).v == want


def test_textencodebase64_errors() -> None:
    for name in ("foo", "ascii", "cp1252", "UTF-7", "UTF-32", "UTF16"):
        e = fails("textencodebase64", S("x"), S(name))
        assert e.arg_index == 1
        assert e.message == f'"{name}" is not a supported IANA encoding name or alias in this Terraform version'
    for text, enc, canon in [
        ("¥", "Shift_JIS", "Shift_JIS"),
        ("−", "Shift_JIS", "Shift_JIS"),
        ("\u0080", "Shift_JIS", "Shift_JIS"),
        ("¥", "EUC-JP", "Extended_UNIX_Code_Packed_Format_for_Japanese"),
        ("é", "ISO-8859-6-E", "ISO_8859-6-E"),
    ]:
        e = fails("textencodebase64", S(text), S(enc))
        assert e.message == f"the given string contains characters that cannot be represented in {canon}"
    e = fails("textencodebase64", S("€"), S("ISO-8859-1"))
    assert e.arg_index == 0
    assert e.message == "the given string contains characters that cannot be represented in ISO_8859-1:1987"


def test_textdecodebase64() -> None:
    assert call("textdecodebase64", S("aADpAGwAbABvAA=="), S("UTF-16LE")).v == "héllo"
    assert call("textdecodebase64", S("gA=="), S("Shift_JIS")).v == "\u0080"
    assert call("textdecodebase64", S("h0A="), S("Shift_JIS")).v == "①"
    assert call("textdecodebase64", S("ocE="), S("EUC-JP")).v == "～"
    assert call("textdecodebase64", S("YYBi1tA="), S("GBK")).v == "a€b中"
    assert call("textdecodebase64", S("xqE="), S("Big5")).v == "①"
    assert call("textdecodebase64", S("//5hAA=="), S("UTF-16")).v == "a"
    e = fails("textdecodebase64", S("!!"), S("UTF-16LE"))
    assert (e.arg_index, e.message) == (0, "the given value is has an invalid base64 symbol at offset 0")
    assert fails("textdecodebase64", S("aGVsbG8"), S("UTF-8")).message.endswith("at offset 4")
    assert fails("textdecodebase64", S("aGVsbG8=x"), S("UTF-8")).message.endswith("at offset 8")
    e = fails("textdecodebase64", S("/w=="), S("US-ASCII"))
    assert e.message == "the given string contains symbols that are not defined for US-ASCII"
    assert fails("textdecodebase64", S("/w=="), S("UTF-8")).message.endswith("not defined for UTF-8")
    assert fails("textdecodebase64", S("aGVsbG8="), S("nope")).arg_index == 1


# --- urlencode ----------------------------------------------------------------


def test_urlencode() -> None:
    assert call("urlencode", S("a b/c?d=é&~_.-+")).v == "a+b%2Fc%3Fd%3D%C3%A9%26~_.-%2B"
    assert call("urlencode", S("")).v == ""


# --- csvdecode ----------------------------------------------------------------


def test_csvdecode() -> None:
    v = call("csvdecode", S("a,b\n1,2\n3,4"))
    assert v.type.is_list()
    assert py(v) == [{"a": "1", "b": "2"}, {"a": "3", "b": "4"}]
    assert py(call("csvdecode", S("a,b\r\n1,2\r\n"))) == [{"a": "1", "b": "2"}]
    assert py(call("csvdecode", S("a,b\n\n1,2\n"))) == [{"a": "1", "b": "2"}]  # blank lines skipped
    assert py(call("csvdecode", S('a,"b\nc"\n"x""y",2\n'))) == [{"a": 'x"y', "b\nc": "2"}]
    assert py(call("csvdecode", S("  a,b\n1,2"))) == [{"  a": "1", "b": "2"}]
    assert py(call("csvdecode", S("a;b\n1;2"))) == [{"a;b": "1;2"}]
    empty = call("csvdecode", S("a,b"))
    assert empty.v == () and empty.type.type_expr() == "list(object({a=string,b=string}))"


@pytest.mark.parametrize(
    "src,msg",
    [
        ("", "missing header line"),
        ("a,a\n1,2", 'duplicate column name "a"'),
        (",\n1,2", 'duplicate column name ""'),
        ("a,b\n1,2,3", "CSV parse error on line 2: wrong number of fields"),
        ("a,b\n1", "CSV parse error on line 2: wrong number of fields"),
        ("a,b\n1,2\n3", "CSV parse error on line 3: wrong number of fields"),
        ('a,b\n"1,2', 'CSV parse error on line 2: extraneous or missing " in quoted-field'),
        ('a, b\n1,x"y', 'CSV parse error on line 2: bare " in non-quoted-field'),
        ('a\n"x"y\n', 'CSV parse error on line 2: extraneous or missing " in quoted-field'),
    ],
)
def test_csvdecode_errors(src: str, msg: str) -> None:
    e = fails("csvdecode", S(src))
    assert (e.message, e.arg_index) == (msg, None)


# --- JSON -----------------------------------------------------------------------


def test_json() -> None:
    assert call("jsonencode", object_val({"a": S("<"), "b": null()})).v == '{"a":"\\u003c","b":null}'
    assert call("jsonencode", null()).v == "null"
    assert not call("jsonencode", tuple_val([unknown(STRING)])).is_known
    v = call("jsondecode", S('{"a":[1,"x",null,true]}'))
    assert py(v) == {"a": ["#1", "x", None, True]}
    assert fails("jsondecode", S("{")).message == "unexpected EOF"


# --- yamldecode -------------------------------------------------------------------


@pytest.mark.parametrize(
    "src,want",
    [
        ("yes", True),
        ("a: yes\nb: on\nc: 0x10\nd: .inf\ne: 1_000\nf: 0b101\ng: 010\nh: 2001-12-14\ni: ~\nj: 0o17\n",
         {"a": True, "b": True, "c": "#16", "d": "#+Inf", "e": "1_000", "f": "0b101", "g": "#10",
          "h": "2001-12-14T00:00:00Z", "i": None, "j": "#15"}),
        ("!!binary aGVsbG8=", "aGVsbG8="),
        ("!!int 1_000", "#1000"),
        ("!!int 0b11", "#3"),
        ("!!int -0x10", "#-16"),
        ("!!bool yes", True),
        ("!!bool 1", "#1"),
        ("!!str 12", "12"),
        ("!!float 12", "#12"),
        ("!!float inf", "#+Inf"),
        ("!!int -Inf", "#-Inf"),
        ("!!timestamp 2001-01-01", "2001-01-01T00:00:00Z"),
        ("!!str", ""),
        ("!!bool", None),
        ("0xFFFFFFFFFFFFFFFF", "#18446744073709551615"),
        ("-0x10", "-0x10"),
        ("0X10", "0X10"),
        ("017", "#17"),
        ("1.5e+3", "#1500"),
        ("-.5", "#-0.5"),
        ("1.", "#1"),
        ("-0", "#-0"),
        ("1.2.3", "1.2.3"),
        ("-inf", "-inf"),
        ("2001-12-14t21:59:43.10-05:00", "2001-12-14T21:59:43-05:00"),
        ("2001-12-14 21:59:43.10", "2001-12-14T21:59:43Z"),
        ("2001-1-2", "2001-01-02T00:00:00Z"),
        ("2001-12-14 21:59:43.10 -5", "2001-12-14 21:59:43.10 -5"),
        ('"yes"', "yes"),
        ("'1'", "1"),
        ("'a' #c", "a"),
        ("&a 1", "#1"),
        ("---\n", None),
        ("x\n...\n", "x"),
        ('"a\\x41\\u00e9"', "aAé"),
        ("{}", {}),
        ("[]", []),
        ("a: |\n  yes", {"a": "true"}),  # literal scalars resolve, then convert to string
        ("a: |\n  x\n  y\nb: >\n  p\n  q\n\n  r\n", {"a": "x\ny\n", "b": "p q\nr\n"}),
        ('"yes": 1\n\'1.50\': 2\n!!str on: 3', {"1.50": "#2", "on": "#3", "yes": "#1"}),
        ("a: 1\na: 2", {"a": "#2"}),
        ("base: &b {x: 1}\nd:\n  <<: *b\n  y: 2", {"base": {"x": "#1"}, "d": {"true": "#2", "x": "#1"}}),
        ("b: &b {x: 1, k: 1}\nd:\n  x: 2\n  <<: *b\n  z: 3", {"b": {"k": "#1", "x": "#1"}, "d": {"k": "#1", "x": "#1", "z": "#3"}}),
        ('d:\n  "<<": {q: 1}', {"d": {"q": "#1"}}),
        ("<<: {q: 1}\nq: 2", {"q": "#2"}),
        ("a: &x [1, 2]\nb: *x", {"a": ["#1", "#2"], "b": ["#1", "#2"]}),
        ("? a\n: 1", {"a": "#1"}),
    ],
)
def test_yamldecode(src: str, want: Any) -> None:
    assert py(call("yamldecode", S(src))) == want


@pytest.mark.parametrize(
    "src,msg",
    [
        ("--- 1\n--- 2", "on line 1, column 1: unexpected extra content after value"),
        ("x: 1\n---\ny", "on line 1, column 1: unexpected extra content after value"),
        ("", "on line 1, column 1: missing start of document"),
        ("# c\n", "on line 1, column 1: missing start of document"),
        (".nan", "floating point NaN is not supported"),
        ("!!foo 12", 'unsupported tag "tag:yaml.org,2002:foo"'),
        ("a: 1\nb: !!foo x", 'on line 1, column 4: unsupported tag "tag:yaml.org,2002:foo"'),
        ("- ! 12", 'unsupported tag "!"'),
        ("!!int +", 'cannot parse "+" as tag:yaml.org,2002:int'),
        ("0x1FFFFFFFFFFFFFFFF", 'cannot parse "0x1FFFFFFFFFFFFFFFF" as tag:yaml.org,2002:int'),
        ("0o7777777777777777777777777", 'cannot parse "0o7777777777777777777777777" as tag:yaml.org,2002:int'),
        ("a: 1\n\nb:\n   - !!int zz", 'on line 3, column 6: cannot parse "zz" as tag:yaml.org,2002:int'),
        ("!!timestamp x", 'cannot parse "x" as tag:yaml.org,2002:timestamp'),
        ("!!binary x", 'cannot parse "x" as tag:yaml.org,2002:binary: not valid base64'),
        ("!!float x", 'cannot parse "x" as tag:yaml.org,2002:float'),
        ("*a", 'reference to undefined anchor "a"'),
        ("a:\n  - 1\n  - *q", 'on line 2, column 5: reference to undefined anchor "q"'),
        ("a: 1\nb: &x [1, *x]", 'on line 1, column 11: cannot refer to anchor "x" from inside its own definition'),
        ("1: a\ntrue: b\n~: c", "on line 2, column 1: mapping key cannot be null"),
        ("a:\n  - 1\n  - b: 2\n    ~: 3", "on line 3, column 5: mapping key cannot be null"),
        ("[a, [b]]: 1", "only strings are allowed as mapping keys"),
        ("? [a]\n: 1", "only strings are allowed as mapping keys"),
        ("b: &b {x: 1}\nc: &c {x: 2}\nd:\n  <<: [*b, *c]", "on line 3, column 3: cannot merge tuple into mapping"),
        ("d:\n  <<: 5", "on line 1, column 3: cannot merge number into mapping"),
        ("d:\n  <<: ~", "on line 1, column 3: cannot merge dynamic into mapping"),
        ("a: b: c", "mapping values are not allowed in this context"),
        ("a: 1\n b: 2", "on line 2, column 1: mapping values are not allowed in this context"),
        ("a:\n\tb", "on line 2, column 1: found character that cannot start any token"),
        ("a: [1, 2", "on line 1, column 1: did not find expected ',' or ']'"),
        ('a: "abc', "found unexpected end of stream"),
        ("x: 1\n- 2", "on line 1, column 1: did not find expected key"),
        ("%YAML 1.2\n---\nx", "found incompatible YAML document"),
        ("a: !!map [1]", "can't interpret sequence as tag:yaml.org,2002:map"),
        ("a: !!seq {}", "can't interpret mapping as tag:yaml.org,2002:seq"),
    ],
)
def test_yamldecode_errors(src: str, msg: str) -> None:
    e = fails("yamldecode", S(src))
    assert (e.message, e.arg_index) == (msg, None)


# --- yamlencode -------------------------------------------------------------------


def obj(**kw: Value) -> Value:
    return object_val(kw)


@pytest.mark.parametrize(
    "value,want",
    [
        (null(), "null\n...\n"),
        (N(1), "1\n...\n"),
        (TRUE, "true\n...\n"),
        (N("-0"), "-0\n...\n"),
        (N("1e-7"), "0.0000001\n...\n"),
        (S("x"), '"x"\n'),
        (S("a\nb"), "|-\n  a\n  b\n"),
        (S("\n"), "|2+\n\n"),
        (EMPTY_TUPLE_VAL, "[]\n"),
        (EMPTY_OBJECT_VAL, "{}\n"),
        (
            obj(a=N(1), b=S("1"), c=tuple_val([S("x"), S("y\nz")]), d=S("yes"), e=S("")),
            '"a": 1\n"b": "1"\n"c":\n- "x"\n- |-\n  y\n  z\n"d": "yes"\n"e": ""\n',
        ),
        (
            object_val({"a b": TRUE, "c": null(), "d": N("1.5"), "e": EMPTY_TUPLE_VAL, "f": EMPTY_OBJECT_VAL,
                        "g": tuple_val([tuple_val([N(1), N(2)]), obj(x=N(1))]), "h": S("a: b"), "i": S("-x"),
                        "j": S(" lead"), "k": S("tab\there"), "l": S("line\n"), "m": S("é\x01"),
                        "n": N("1e20"), "o": N("-0.5"), "p": N("123456789012345678901234567890")}),
            '"a b": true\n"c": null\n"d": 1.5\n"e": []\n"f": {}\n"g":\n- - 1\n  - 2\n- "x": 1\n"h": "a: b"\n'
            '"i": "-x"\n"j": " lead"\n"k": "tab\\there"\n"l": |\n  line\n"m": "é\\x01"\n'
            '"n": 100000000000000000000\n"o": -0.5\n"p": 123456789012345678901234567890\n',
        ),
        (
            tuple_val([obj(a=N(1), b=tuple_val([N(1), obj(c=S("x\ny"))])), tuple_val([EMPTY_TUPLE_VAL]),
                       EMPTY_OBJECT_VAL]),
            '- "a": 1\n  "b":\n  - 1\n  - "c": |-\n      x\n      y\n- - []\n- {}\n',
        ),
        (
            tuple_val([S(" x\ny"), S("x \ny"), S("x\n y"), S("\n"), S("a\r\nb"), S("x\ty\nz")]),
            '- |2-\n   x\n  y\n- "x \\ny"\n- |-\n  x\n   y\n- |2+\n\n- "a\\r\\nb"\n- "x\\ty\\nz"\n',
        ),
        (obj(a=S("x\ny\n\n")), '"a": |+\n  x\n  y\n\n'),
        (
            S("\u001f\u007f\u0085\u00a0\u2028\ufeff\U0001F600\\\""),
            '"\\x1F\\x7F\\N\xa0\\L\\uFEFF\\U0001F600\\\\\\""\n',
        ),
        (
            S(" ".join(["word"] * 30)),
            '"word word word word word word word word word word word word word word word word word\n'
            '  word word word word word word word word word word word word word"\n',
        ),
        (object_val({"a\nb": N(1), "": N(2), "x y": S("z")}), '"": 2\n? |-\n  a\n  b\n: 1\n"x y": "z"\n'),
        (obj(a=obj(b=obj(c=tuple_val([N(1)])))), '"a":\n  "b":\n    "c":\n    - 1\n'),
        (list_val([S("a")]), '- "a"\n'),
        # a leading BOM makes go-yaml escape every character of the string
        (S("\ufeffb  "), '"\\uFEFF\\x62\\x20\\x20"\n'),
        (S("\ufeff\xa0-\\é"), '"\\uFEFF\\_\\x2D\\\\\\xE9"\n'),
        (S("a\ufeff b\xa0"), '"a\\uFEFF b\xa0"\n'),
    ],
)
def test_yamlencode(value: Value, want: str) -> None:
    assert call("yamlencode", value).v == want


def test_yamlencode_unknown_and_round_trip() -> None:
    assert not call("yamlencode", tuple_val([unknown(STRING)])).is_known
    src = call("yamlencode", obj(a=tuple_val([S("yes"), N("1.5"), S("x\ny")]), b=null())).v
    assert py(call("yamldecode", S(src))) == {"a": ["yes", "#1.5", "x\ny"], "b": None}
