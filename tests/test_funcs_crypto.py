"""Hash and crypto functions; expected results observed from terraform 1.11.4's console."""

from __future__ import annotations

import base64
import re

import bcrypt as _bcrypt
import pytest

from sheath.lang.funcs import numbers
from sheath.lang.funcs.call import call_function
from sheath.lang.funcs.crypto import functions
from sheath.lang.funcs.function import FunctionContext, FunctionError
from sheath.types.cty import Value, string_val

FUNCS = functions(FunctionContext())
S = string_val


def call(name: str, *args: Value) -> Value:
    return call_function(FUNCS[name], list(args), convert=False)


def fails(name: str, *args: Value) -> FunctionError:
    with pytest.raises(FunctionError) as ei:
        call(name, *args)
    return ei.value


@pytest.mark.parametrize(
    "name,arg,want",
    [
        ("md5", "hello", "5d41402abc4b2a76b9719d911017c592"),
        ("sha1", "héllo", "35b5ea45c5e41f78b46a937cc74d41dfea920890"),
        ("sha256", "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        (
            "sha512",
            "a",
            "1f40fc92da241694750979ee6cf582f2d5d7d28e18335de05abc54d0560e0f5302860c652bf08d560252aa5e74210546f369fbbbce8c12cfc7957b2652fe9a75",
        ),
        ("base64sha256", "hello", "LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ="),
        (
            "base64sha512",
            "hello",
            "m3HSJL1i83hdltRq0+o9czGb+8KJDKra4t/3JRlnPKcjI8PZm6XBHXx6zG4UuMXaDEZjR1wuXDre9G9zvN7AQw==",
        ),
    ],
)
def test_hashes(name: str, arg: str, want: str) -> None:
    assert call(name, S(arg)).v == want


@pytest.mark.parametrize(
    "ns,name,want",
    [
        ("dns", "example.com", "cfbff0d1-9375-5685-968c-48ce8b15ae17"),
        ("url", "https://x", "48d34be5-10a3-5c30-96ef-9cf9a60110f2"),
        ("oid", "1.2.3", "42d5e23b-3a02-5135-85c6-52d1102f1f00"),
        ("x500", "cn=x", "a951fb6d-5aab-5a72-8e2e-9aa8df8d1f8f"),
        ("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "example.com", "cfbff0d1-9375-5685-968c-48ce8b15ae17"),
        ("6BA7B810-9DAD-11D1-80B4-00C04FD430C8", "example.com", "cfbff0d1-9375-5685-968c-48ce8b15ae17"),
        ("{6ba7b810-9dad-11d1-80b4-00c04fd430c8}", "a", "4f3f2898-69e3-5a0d-820a-c4e87987dbce"),
        ("{6ba7b810-9dad-11d1-80b4-00c04fd430c8x", "a", "4f3f2898-69e3-5a0d-820a-c4e87987dbce"),
        ("urn:uuid:6ba7b810-9dad-11d1-80b4-00c04fd430c8", "a", "4f3f2898-69e3-5a0d-820a-c4e87987dbce"),
        ("6ba7b8109dad11d180b400c04fd430c8", "a", "4f3f2898-69e3-5a0d-820a-c4e87987dbce"),
    ],
)
def test_uuidv5(ns: str, name: str, want: str) -> None:
    assert call("uuidv5", S(ns), S(name)).v == want


@pytest.mark.parametrize(
    "ns,detail",
    [
        ("nope", "invalid UUID length: 4"),
        ("DNS", "invalid UUID length: 3"),
        ("6ba7b810-9dad-11d1-80b4-00c04fd430cg", "invalid UUID format"),
        ("6ba7b810x9dad-11d1-80b4-00c04fd430c8", "invalid UUID format"),
        ("urx:uuid:6ba7b810-9dad-11d1-80b4-00c04fd430c8", 'invalid urn prefix: "urx:uuid:"'),
    ],
)
def test_uuidv5_errors(ns: str, detail: str) -> None:
    e = fails("uuidv5", S(ns), S("a"))
    assert e.message == f"uuidv5() doesn't support namespace {ns} ({detail})"
    assert e.arg_index is None


def test_uuid_shape_and_randomness() -> None:
    a, b = call("uuid").v, call("uuid").v
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", a)
    assert a != b


def test_impure_functions_unknown_when_pure_only() -> None:
    pure = functions(FunctionContext(pure_only=True))
    assert not call_function(pure["uuid"], []).is_known
    assert not call_function(pure["bcrypt"], [S("x")]).is_known


def test_bcrypt_verifies() -> None:
    h = call("bcrypt", S("secret"), numbers.from_int(4)).v
    assert h.startswith("$2a$04$") and len(h) == 60
    assert _bcrypt.checkpw(b"secret", h.encode())
    assert not _bcrypt.checkpw(b"other", h.encode())
    # a cost below the minimum falls back to Go's default cost (10)
    assert call("bcrypt", S("x"), numbers.from_int(3)).v.startswith("$2a$10$")
    # and terraform's own hash verifies here too
    assert _bcrypt.checkpw(b"x", b"$2a$10$FJSiVY3pmuKaQKVgWXnGxu1mbUfi8uVGHdLclhn6/kmPaw/8uryim")


def test_bcrypt_errors() -> None:
    assert fails("bcrypt", S("x"), numbers.from_int(32)).message == (
        "error occured generating password crypto/bcrypt: cost 32 is outside allowed range (4,31)"
    )
    assert fails("bcrypt", S("x"), numbers.from_decimal("4.5")).message == (
        "value must be a whole number, between -9223372036854775808 and 9223372036854775807"
    )
    assert (
        fails("bcrypt", S("x"), numbers.from_int(4), numbers.from_int(5)).message
        == "bcrypt() takes no more than two arguments"
    )
    assert fails("bcrypt", S("a" * 73)).message == (
        "error occured generating password bcrypt: password length exceeds 72 bytes"
    )


# --- rsadecrypt -------------------------------------------------------------------


@pytest.fixture(scope="module")
def rsa_key() -> tuple[str, str, str]:
    """(PKCS#1 PEM, PKCS#8 PEM, base64 ciphertext of "hello")."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    pkcs1 = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
    ).decode()
    pkcs8 = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    ct = base64.b64encode(key.public_key().encrypt(b"hello", padding.PKCS1v15())).decode()
    return pkcs1, pkcs8, ct


def test_rsadecrypt(rsa_key: tuple[str, str, str]) -> None:
    pkcs1, pkcs8, ct = rsa_key
    assert call("rsadecrypt", S(ct), S(pkcs1)).v == "hello"
    assert call("rsadecrypt", S(ct), S(pkcs8)).v == "hello"


def test_rsadecrypt_errors(rsa_key: tuple[str, str, str]) -> None:
    pkcs1, _, ct = rsa_key
    e = fails("rsadecrypt", S("abc"), S(pkcs1))
    assert (e.arg_index, e.message) == (0, 'failed to decode input "abc": cipher text must be base64-encoded')
    e = fails("rsadecrypt", S("aGVsbG8="), S(pkcs1))
    assert (e.arg_index, e.message) == (None, "failed to decrypt: crypto/rsa: decryption error")
    e = fails("rsadecrypt", S(ct), S("garbage"))
    assert (e.arg_index, e.message) == (1, "invalid private key: ssh: no key found")


def test_rsadecrypt_key_forms(rsa_key: tuple[str, str, str]) -> None:
    _, _, ct = rsa_key
    e = fails("rsadecrypt", S(ct), S("-----BEGIN FOO-----\nAAAA\n-----END FOO-----\n"))
    assert (e.arg_index, e.message) == (1, 'invalid private key: ssh: unsupported key type "FOO"')
    e = fails("rsadecrypt", S(ct), S("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n"))
    assert e.message == 'invalid private key: ssh: unsupported key type "ENCRYPTED PRIVATE KEY"'
    legacy = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----\n"
    assert fails("rsadecrypt", S(ct), S(legacy)).message == (
        "invalid private key: ssh: this private key is passphrase protected"
    )
