"""Hash and crypto functions: md5/sha*, base64sha*, bcrypt, uuid, uuidv5, rsadecrypt."""

from __future__ import annotations

import base64
import hashlib
import os
import re
import uuid as _uuid
from typing import Callable, Sequence

from sheath.lang.funcs import textenc
from sheath.lang.funcs.function import Function, FunctionContext, FunctionError, ImplFn
from sheath.lang.funcs.support import func, param
from sheath.goquote import go_quote
from sheath.types.cty import NUMBER, STRING, Type, Value, string_val, unknown

_NAMESPACES = {
    "dns": _uuid.NAMESPACE_DNS,
    "url": _uuid.NAMESPACE_URL,
    "oid": _uuid.NAMESPACE_OID,
    "x500": _uuid.NAMESPACE_X500,
}


def hex_hash(algo: str) -> Callable[[bytes], str]:
    def h(b: bytes) -> str:
        return hashlib.new(algo, b).hexdigest()

    return h


def b64_hash(algo: str) -> Callable[[bytes], str]:
    def h(b: bytes) -> str:
        return base64.b64encode(hashlib.new(algo, b).digest()).decode()

    return h


HASHES: dict[str, Callable[[bytes], str]] = {
    "md5": hex_hash("md5"),
    "sha1": hex_hash("sha1"),
    "sha256": hex_hash("sha256"),
    "sha512": hex_hash("sha512"),
    "base64sha256": b64_hash("sha256"),
    "base64sha512": b64_hash("sha512"),
}


def _hash_fn(name: str) -> Function:
    h = HASHES[name]

    def impl(args: Sequence[Value], _rt: Type) -> Value:
        return string_val(h(args[0].as_str().encode()))

    return func(name, [param("str", STRING)], STRING, impl)


# --- uuid ----------------------------------------------------------------------


def go_uuid() -> str:
    """hashicorp/go-uuid's GenerateUUID: 16 random bytes, no version bits."""
    b = os.urandom(16).hex()
    return f"{b[0:8]}-{b[8:12]}-{b[12:16]}-{b[16:20]}-{b[20:32]}"


def _uuid_impl(_args: Sequence[Value], _rt: Type) -> Value:
    return string_val(go_uuid())


def _parse_namespace(s: str) -> _uuid.UUID:
    """google/uuid's Parse: 36, 38 ({...}), 45 (urn:uuid:...) or 32 hex chars."""
    n = len(s)
    if n == 36 + 9:
        if s[:9].lower() != "urn:uuid:":
            raise ValueError(f"invalid urn prefix: {go_quote(s[:9])}")
        s = s[9:]
    elif n == 36 + 2:
        s = s[1:-1]
    elif n == 32:
        try:
            return _uuid.UUID(hex=s)
        except ValueError:
            raise ValueError("invalid UUID format") from None
    elif n != 36:
        raise ValueError(f"invalid UUID length: {n}")
    if s[8] != "-" or s[13] != "-" or s[18] != "-" or s[23] != "-":
        raise ValueError("invalid UUID format")
    h = s.replace("-", "")
    if len(h) != 32 or any(c not in "0123456789abcdefABCDEF" for c in h):
        raise ValueError("invalid UUID format")
    return _uuid.UUID(hex=h)


def _uuidv5(args: Sequence[Value], _rt: Type) -> Value:
    ns_s, name = args[0].as_str(), args[1].as_str()
    ns = _NAMESPACES.get(ns_s)
    if ns is None:
        try:
            ns = _parse_namespace(ns_s)
        except ValueError as e:
            raise FunctionError(f"uuidv5() doesn't support namespace {ns_s} ({e})") from None
    return string_val(str(_uuid.uuid5(ns, name)))


# --- bcrypt --------------------------------------------------------------------


def _bcrypt(args: Sequence[Value], _rt: Type) -> Value:
    import bcrypt as _bc

    cost = 10
    if len(args) > 1:
        if len(args) > 2:
            raise FunctionError("bcrypt() takes no more than two arguments")
        n = args[1].v
        if n.is_inf() or not n.is_integer() or not -(1 << 63) <= n.to_int() < (1 << 63):
            raise FunctionError("value must be a whole number, between -9223372036854775808 and 9223372036854775807")
        cost = n.to_int()
    if cost < 4:
        cost = 10  # Go's bcrypt uses its default cost below the minimum
    if cost > 31:
        raise FunctionError(
            f"error occured generating password crypto/bcrypt: cost {cost} is outside allowed range (4,31)"
        )
    pw = args[0].as_str().encode()
    if len(pw) > 72:
        raise FunctionError("error occured generating password bcrypt: password length exceeds 72 bytes")
    out = _bc.hashpw(pw, _bc.gensalt(cost, prefix=b"2a"))
    return string_val(out.decode())


# --- rsadecrypt ----------------------------------------------------------------


def _rsadecrypt(args: Sequence[Value], _rt: Type) -> Value:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa

    ct_s, key_s = args[0].as_str(), args[1].as_str()
    try:
        ct = textenc.b64decode_go(ct_s.encode())
    except textenc.Base64Error:
        raise FunctionError(
            f"failed to decode input {go_quote(ct_s)}: cipher text must be base64-encoded", arg_index=0
        ) from None
    key: object
    block = _pem_decode(key_s)
    if block is None:
        raise FunctionError("invalid private key: ssh: no key found", arg_index=1)
    btype, headers, der = block
    if "ENCRYPTED" in headers.get("Proc-Type", ""):
        raise FunctionError("invalid private key: ssh: this private key is passphrase protected", arg_index=1)
    try:
        if btype == "OPENSSH PRIVATE KEY":
            key = serialization.load_ssh_private_key(key_s.encode(), password=None)
        elif btype in ("RSA PRIVATE KEY", "PRIVATE KEY", "EC PRIVATE KEY", "DSA PRIVATE KEY"):
            key = serialization.load_der_private_key(der, password=None)
        else:
            raise FunctionError(f"invalid private key: ssh: unsupported key type {go_quote(btype)}", arg_index=1)
    except FunctionError:
        raise
    except Exception as e:  # noqa: BLE001 - any parse failure is the user's key
        msg = str(e) or "failed to parse private key"
        raise FunctionError(f"invalid private key: {msg}", arg_index=1) from None
    if not isinstance(key, rsa.RSAPrivateKey):
        if isinstance(key, ed25519.Ed25519PrivateKey):
            raw = key.private_bytes(
                serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
            ) + key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
            shown = " ".join(f"%!t(uint8={b})" for b in raw)
            raise FunctionError(f"invalid private key type [{shown}]", arg_index=1)
        raise FunctionError("invalid private key type", arg_index=1)
    try:
        out = key.decrypt(ct, padding.PKCS1v15())
    except ValueError:
        raise FunctionError("failed to decrypt: crypto/rsa: decryption error") from None
    try:
        return string_val(out.decode("utf-8"))
    except UnicodeDecodeError:
        return string_val(out.decode("utf-8", errors="replace"))


_PEM_BEGIN = re.compile(r"-----BEGIN ([^\n]*?)-----[ \t]*\r?\n")


def _pem_decode(text: str) -> tuple[str, dict[str, str], bytes] | None:
    """encoding/pem's Decode of the first block: (type, headers, body bytes)."""
    pos = 0
    while True:
        m = _PEM_BEGIN.search(text, pos)
        if m is None:
            return None
        btype = m.group(1)
        end_marker = f"-----END {btype}-----"
        end = text.find(end_marker, m.end())
        if end < 0:
            pos = m.end()
            continue
        body = text[m.end() : end]
        headers: dict[str, str] = {}
        lines = body.splitlines()
        if lines and ":" in lines[0]:
            while lines and ":" in lines[0]:
                k, _, v = lines.pop(0).partition(":")
                headers[k.strip()] = v.strip()
            if lines and not lines[0].strip():
                lines.pop(0)
        try:
            der = base64.b64decode("".join(ln.strip() for ln in lines), validate=True)
        except ValueError:
            pos = m.end()
            continue
        return btype, headers, der


def functions(ctx: FunctionContext) -> dict[str, Function]:
    table = {name: _hash_fn(name) for name in HASHES}
    table["uuidv5"] = func(
        "uuidv5", [param("namespace", STRING), param("name", STRING)], STRING, _uuidv5
    )
    table["rsadecrypt"] = func(
        "rsadecrypt", [param("ciphertext", STRING), param("privatekey", STRING)], STRING, _rsadecrypt
    )
    # impure: under pure_only (terraform's validate walk) their results are unknown
    table["uuid"] = func("uuid", [], STRING, impure(ctx, _uuid_impl))
    table["bcrypt"] = func(
        "bcrypt", [param("str", STRING)], STRING, impure(ctx, _bcrypt), var_param=param("cost", NUMBER)
    )
    return table


def impure(ctx: FunctionContext, impl: ImplFn) -> ImplFn:
    """impl, or (when ctx.pure_only) an implementation returning unknown."""
    if not ctx.pure_only:
        return impl

    def unknown_result(_args: Sequence[Value], rt: Type) -> Value:
        return unknown(rt)

    return unknown_result
