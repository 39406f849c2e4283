"""Base64 and IANA character-set helpers for the encoding functions.

``b64decode_go`` decodes like Go's ``base64.StdEncoding`` (CR/LF ignored,
padding required), reporting the byte offset of the first invalid symbol the
way Go's ``CorruptInputError`` does. ``lookup_encoding`` maps an IANA name or
alias (case-insensitive, as golang.org/x/text's ianaindex) to its canonical
IANA name and a Python codec.
"""

from __future__ import annotations

_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_B64_MAP = {ord(c): i for i, c in enumerate(_B64)}


class Base64Error(ValueError):
    def __init__(self, offset: int) -> None:
        super().__init__(f"illegal base64 data at input byte {offset}")
        self.offset = offset


def b64decode_go(src: bytes) -> bytes:
    """Go's base64.StdEncoding.DecodeString (raises Base64Error with the offset)."""
    out = bytearray()
    si = 0
    n = len(src)
    while True:
        vals: list[int] = []
        end = False
        while len(vals) < 4:
            if si == n:
                if not vals:
                    return bytes(out)
                raise Base64Error(si - len(vals))
            c = src[si]
            si += 1
            d = _B64_MAP.get(c)
            if d is not None:
                vals.append(d)
                continue
            if c in (10, 13):
                continue
            if c != 61:  # '='
                raise Base64Error(si - 1)
            j = len(vals)
            if j < 2:
                raise Base64Error(si - 1)
            if j == 2:
                while si < n and src[si] in (10, 13):
                    si += 1
                if si == n:
                    raise Base64Error(n)
                if src[si] != 61:
                    raise Base64Error(si - 1)
                si += 1
            while si < n and src[si] in (10, 13):
                si += 1
            if si < n:
                raise Base64Error(si)
            end = True
            break
        j = len(vals)
        acc = 0
        for k in range(4):
            acc = (acc << 6) | (vals[k] if k < j else 0)
        chunk = acc.to_bytes(3, "big")
        out += chunk[: j - 1] if j < 4 else chunk
        if end:
            return bytes(out)


# canonical IANA name -> (python codec, aliases)
_ENCODINGS: dict[str, tuple[str, tuple[str, ...]]] = {
    "US-ASCII": (
        "ascii",
        ("iso-ir-6", "ANSI_X3.4-1968", "ANSI_X3.4-1986", "ISO_646.irv:1991", "ISO646-US", "us", "IBM367", "cp367", "csASCII"),
    ),
    "ISO_8859-1:1987": ("latin-1", ("iso-ir-100", "ISO_8859-1", "ISO-8859-1", "latin1", "l1", "IBM819", "CP819", "csISOLatin1")),
    "ISO_8859-2:1987": ("iso8859_2", ("iso-ir-101", "ISO_8859-2", "ISO-8859-2", "latin2", "l2", "csISOLatin2")),
    "ISO_8859-3:1988": ("iso8859_3", ("iso-ir-109", "ISO_8859-3", "ISO-8859-3", "latin3", "l3", "csISOLatin3")),
    "ISO_8859-4:1988": ("iso8859_4", ("iso-ir-110", "ISO_8859-4", "ISO-8859-4", "latin4", "l4", "csISOLatin4")),
    "ISO_8859-5:1988": ("iso8859_5", ("iso-ir-144", "ISO_8859-5", "ISO-8859-5", "cyrillic", "csISOLatinCyrillic")),
    "ISO_8859-6:1987": (
        "iso8859_6",
        ("iso-ir-127", "ISO_8859-6", "ISO-8859-6", "ECMA-114", "ASMO-708", "arabic", "csISOLatinArabic"),
    ),
    "ISO_8859-7:1987": (
        "iso8859_7",
        ("iso-ir-126", "ISO_8859-7", "ISO-8859-7", "ELOT_928", "ECMA-118", "greek", "greek8", "csISOLatinGreek"),
    ),
    "ISO_8859-8:1988": ("iso8859_8", ("iso-ir-138", "ISO_8859-8", "ISO-8859-8", "hebrew", "csISOLatinHebrew")),
    "ISO_8859-9:1989": ("iso8859_9", ("iso-ir-148", "ISO_8859-9", "ISO-8859-9", "latin5", "l5", "csISOLatin5")),
    "ISO_8859-6-E": ("iso8859_6", ("csISO88596E", "ISO-8859-6-E")),
    "ISO_8859-6-I": ("iso8859_6", ("csISO88596I", "ISO-8859-6-I")),
    "ISO_8859-8-E": ("iso8859_8", ("csISO88598E", "ISO-8859-8-E")),
    "ISO_8859-8-I": ("iso8859_8", ("csISO88598I", "ISO-8859-8-I")),
    "ISO-8859-10": ("iso8859_10", ("iso-ir-157", "l6", "ISO_8859-10:1992", "csISOLatin6", "latin6")),
    "ISO-8859-13": ("iso8859_13", ("csISO885913",)),
    "ISO-8859-14": (
        "iso8859_14",
        ("iso-ir-199", "ISO_8859-14:1998", "ISO_8859-14", "latin8", "iso-celtic", "l8", "csISO885914"),
    ),
    "ISO-8859-15": ("iso8859_15", ("ISO_8859-15", "Latin-9", "csISO885915")),
    "ISO-8859-16": ("iso8859_16", ("iso-ir-226", "ISO_8859-16:2001", "ISO_8859-16", "latin10", "l10", "csISO885916")),
    "Shift_JIS": ("x-whatwg-shift_jis", ("MS_Kanji", "csShiftJIS")),
    "Extended_UNIX_Code_Packed_Format_for_Japanese": ("x-whatwg-euc-jp", ("EUC-JP", "csEUCPkdFmtJapanese")),
    "ISO-2022-JP": ("iso2022_jp", ("csISO2022JP",)),
    "EUC-KR": ("euc_kr", ("csEUCKR",)),
    "GBK": ("x-whatwg-gbk", ("CP936", "MS936", "windows-936", "csGBK")),
    "GB18030": ("gb18030", ("csGB18030",)),
    "HZ-GB-2312": ("hz", ()),
    "Big5": ("x-whatwg-big5", ("csBig5",)),
    "KOI8-R": ("koi8_r", ("csKOI8R",)),
    "KOI8-U": ("koi8_u", ("csKOI8U",)),
    "macintosh": ("mac_roman", ("mac", "csMacintosh")),
    "IBM037": ("cp037", ("cp037", "ebcdic-cp-us", "ebcdic-cp-ca", "ebcdic-cp-wt", "ebcdic-cp-nl", "csIBM037")),
    "IBM1047": ("x-ibm1047", ("IBM-1047", "csIBM1047")),
    "IBM437": ("cp437", ("cp437", "437", "csPC8CodePage437")),
    "IBM850": ("cp850", ("cp850", "850", "csPC850Multilingual")),
    "IBM852": ("cp852", ("cp852", "852", "csPCp852")),
    "IBM855": ("cp855", ("cp855", "855", "csIBM855")),
    "IBM00858": ("cp858", ("CCSID00858", "CP00858", "PC-Multilingual-850+euro", "csIBM00858")),
    "IBM860": ("cp860", ("cp860", "860", "csIBM860")),
    "IBM862": ("cp862", ("cp862", "862", "csPC862LatinHebrew")),
    "IBM863": ("cp863", ("cp863", "863", "csIBM863")),
    "IBM865": ("cp865", ("cp865", "865", "csIBM865")),
    "IBM866": ("cp866", ("cp866", "866", "csIBM866")),
    "IBM01140": ("cp1140", ("CCSID01140", "CP01140", "ebcdic-us-37+euro", "csIBM01140")),
    "UTF-8": ("utf-8", ("csUTF8",)),
    "UTF-16BE": ("utf-16-be", ("csUTF16BE",)),
    "UTF-16LE": ("utf-16-le", ("csUTF16LE",)),
    "UTF-16": ("utf-16", ("csUTF16",)),
    "windows-874": ("cp874", ("cswindows874",)),
    "windows-1250": ("cp1250", ("cswindows1250",)),
    "windows-1251": ("cp1251", ("cswindows1251",)),
    "windows-1252": ("cp1252", ("cswindows1252",)),
    "windows-1253": ("cp1253", ("cswindows1253",)),
    "windows-1254": ("cp1254", ("cswindows1254",)),
    "windows-1255": ("cp1255", ("cswindows1255",)),
    "windows-1256": ("cp1256", ("cswindows1256",)),
    "windows-1257": ("cp1257", ("cswindows1257",)),
    "windows-1258": ("cp1258", ("cswindows1258",)),
}

_INDEX: dict[str, str] = {}
for _name, (_codec, _aliases) in _ENCODINGS.items():
    _INDEX[_name.lower()] = _name
    for _a in _aliases:
        _INDEX[_a.lower()] = _name


def lookup_encoding(name: str) -> tuple[str, str] | None:
    """(canonical IANA name, python codec) for an IANA name or alias, or None."""
    canon = _INDEX.get(name.lower())
    if canon is None:
        return None
    return canon, _ENCODINGS[canon][0]


# x/text implements the CJK encodings as the WHATWG Encoding Standard does;
# these adapters get Python's codecs closer to that.
_SJIS_PUA = frozenset(range(0xE000, 0xF900))


def _sjis_encode(s: str) -> bytes:
    for i, ch in enumerate(s):
        if ch in "\u2212\u0080":  # unmappable in x/text (cp932 maps them)
            raise UnicodeEncodeError("shift_jis", s, i, i + 1, "unmappable")
    return s.encode("cp932")


def _sjis_decode(b: bytes) -> str:
    out = b.decode("cp932")
    if any(ord(c) in _SJIS_PUA for c in out):
        raise UnicodeDecodeError("shift_jis", b, 0, len(b), "undefined")
    return out


def _sjis_to_jis(s1: int, s2: int) -> tuple[int, int]:
    j1 = (s1 - (0x70 if s1 <= 0x9F else 0xB0)) * 2 - 1
    if s2 >= 0x9F:
        return j1 + 1, s2 - 0x7E
    return j1, s2 - 0x1F - (1 if s2 >= 0x80 else 0)


def _jis_to_sjis(j1: int, j2: int) -> bytes:
    s1 = ((j1 + 1) >> 1) + (0x70 if j1 <= 0x5E else 0xB0)
    if j1 & 1:
        s2 = j2 + 0x1F + (1 if j2 >= 0x60 else 0)
    else:
        s2 = j2 + 0x7E
    return bytes((s1, s2))


def _eucjp_encode(s: str) -> bytes:
    out = bytearray()
    for i, ch in enumerate(s):
        o = ord(ch)
        if o < 0x80:
            out.append(o)
        elif 0xFF61 <= o <= 0xFF9F:
            out += bytes((0x8E, o - 0xFF61 + 0xA1))
        else:
            if o == 0x2212:
                ch = "\uff0d"
            try:
                sj = ch.encode("cp932")
            except UnicodeEncodeError:
                raise UnicodeEncodeError("euc-jp", s, i, i + 1, "unmappable") from None
            if len(sj) != 2:
                raise UnicodeEncodeError("euc-jp", s, i, i + 1, "unmappable")
            j1, j2 = _sjis_to_jis(sj[0], sj[1])
            if not (0x21 <= j1 <= 0x7E and 0x21 <= j2 <= 0x7E):
                raise UnicodeEncodeError("euc-jp", s, i, i + 1, "unmappable")
            out += bytes((j1 + 0x80, j2 + 0x80))
    return bytes(out)


def _eucjp_decode(b: bytes) -> str:
    out: list[str] = []
    i, n = 0, len(b)
    while i < n:
        c = b[i]
        if c < 0x80:
            out.append(chr(c))
            i += 1
        elif c == 0x8E and i + 1 < n and 0xA1 <= b[i + 1] <= 0xDF:
            out.append(chr(0xFF61 + b[i + 1] - 0xA1))
            i += 2
        elif c == 0x8F and i + 2 < n:
            out.append(b[i : i + 3].decode("euc_jp"))
            i += 3
        elif 0xA1 <= c <= 0xFE and i + 1 < n and 0xA1 <= b[i + 1] <= 0xFE:
            out.append(_sjis_decode(_jis_to_sjis(c - 0x80, b[i + 1] - 0x80)))
            i += 2
        else:
            raise UnicodeDecodeError("euc-jp", b, i, i + 1, "undefined")
    return "".join(out)


def _gbk_encode(s: str) -> bytes:
    return b"".join(b"\x80" if ch == "\u20ac" else ch.encode("gbk") for ch in s) if "\u20ac" in s else s.encode("gbk")


def _gbk_decode(b: bytes) -> str:
    if b"\x80" not in b:
        return b.decode("gbk")
    out: list[str] = []
    i = 0
    while i < len(b):
        if b[i] == 0x80:
            out.append("\u20ac")
            i += 1
            continue
        j = i + (2 if b[i] > 0x80 else 1)
        out.append(b[i:j].decode("gbk"))
        i = j
    return "".join(out)


def _big5_encode(s: str) -> bytes:
    out = bytearray()
    for i, ch in enumerate(s):
        if ch == "\u20ac":
            out += b"\xa3\xe1"
            continue
        b = ch.encode("big5hkscs")
        if len(b) == 2 and b[0] < 0xA1:  # HKSCS-only pointers are decode-only
            raise UnicodeEncodeError("big5", s, i, i + 1, "unmappable")
        out += b
    return bytes(out)


def _big5_decode(b: bytes) -> str:
    out: list[str] = []
    i = 0
    while i < len(b):
        j = i + (2 if b[i] >= 0x81 else 1)
        chunk = b[i:j]
        out.append("\u20ac" if chunk == b"\xa3\xe1" else chunk.decode("big5hkscs"))
        i = j
    return "".join(out)


# IBM-1047 is IBM-037 with six code points moved (the brackets, caret, not sign,
# Y-acute and diaeresis)
_IBM1047_SWAP = {0x5F: "^", 0xB0: "\u00ac", 0xAD: "[", 0xBD: "]", 0xBA: "\u00dd", 0xBB: "\u00a8"}
_IBM1047_DEC = list(bytes(range(256)).decode("cp037"))
for _b, _c in _IBM1047_SWAP.items():
    _IBM1047_DEC[_b] = _c
_IBM1047_ENC = {c: b for b, c in enumerate(_IBM1047_DEC)}


def _ibm1047_encode(s: str) -> bytes:
    out = bytearray()
    for i, ch in enumerate(s):
        b = _IBM1047_ENC.get(ch)
        if b is None:
            raise UnicodeEncodeError("ibm1047", s, i, i + 1, "unmappable")
        out.append(b)
    return bytes(out)


def _ibm1047_decode(b: bytes) -> str:
    return "".join(_IBM1047_DEC[x] for x in b)


_CUSTOM_ENCODE = {"x-whatwg-shift_jis": _sjis_encode, "x-whatwg-euc-jp": _eucjp_encode, "x-whatwg-gbk": _gbk_encode, "x-whatwg-big5": _big5_encode, "x-ibm1047": _ibm1047_encode}
_CUSTOM_DECODE = {"x-whatwg-shift_jis": _sjis_decode, "x-whatwg-euc-jp": _eucjp_decode, "x-whatwg-gbk": _gbk_decode, "x-whatwg-big5": _big5_decode, "x-ibm1047": _ibm1047_decode}


def encode_text(s: str, codec: str) -> bytes:
    """Encode s; UnicodeEncodeError when a character has no representation."""
    if codec == "utf-16":
        return b"\xfe\xff" + s.encode("utf-16-be")  # x/text writes a big-endian BOM
    custom = _CUSTOM_ENCODE.get(codec)
    if custom is not None:
        return custom(s)
    out = s.encode(codec)
    if codec == "hz" and out.endswith(b"~}"):
        out = out[:-2]  # x/text's HZ encoder stays in GB mode at the end
    return out


def decode_text(b: bytes, codec: str) -> str | None:
    """Decode b; None when it holds undefined symbols."""
    try:
        if codec == "utf-16":
            if b[:2] == b"\xff\xfe":
                return b[2:].decode("utf-16-le")
            if b[:2] == b"\xfe\xff":
                b = b[2:]
            out = b.decode("utf-16-be")
        elif codec in _CUSTOM_DECODE:
            out = _CUSTOM_DECODE[codec](b)
        else:
            out = b.decode(codec)
    except UnicodeDecodeError:
        return None
    if "\ufffd" in out:
        return None
    return out
