"""State and plan encryption at rest, configured and laid out as OpenTofu's is (there is
no terraform 1.11 oracle; sheath follows OpenTofu's documentation and format).

Configuration: ``terraform { encryption { ... } }`` and the ``TF_ENCRYPTION`` environment
variable (the body of an encryption block, HCL or JSON), merged as OpenTofu merges them: a
key provider or method of the same type and name takes the later body's arguments over
the earlier's; ``state`` and ``plan`` take the later method and fallback, and are enforced
when either body enforces them. ``remote_state_data_sources`` configures how the
``terraform_remote_state`` data sources decrypt the states they read: ``default``, and
``remote_state_data_source "KEY"`` for one of them (KEY as OpenTofu names it:
``remote_state_key``).
``sheath.states.codec`` turns the configuration into what the state managers and plan
files use:

    key_provider "pbkdf2" "main" { passphrase = var.passphrase }      # or "aws_kms"
    method "aes_gcm" "main"      { keys = key_provider.pbkdf2.main }
    method "unencrypted" "plain" {}                                    # for migrating in and out
    state {
      method = method.aes_gcm.main
      fallback { method = method.unencrypted.plain }                   # read with it too
      enforced = true                                                  # never write plaintext
    }
    plan { method = method.aes_gcm.main }
    remote_state_data_sources {
      default { method = method.aes_gcm.main }                         # every terraform_remote_state
      remote_state_data_source "network" { method = method.aes_gcm.other }   # data.terraform_remote_state.network
    }

An encrypted document is JSON: ``{"serial": N, "lineage": "...", "meta": {"key_provider.
pbkdf2.main": base64(JSON key metadata)}, "encrypted_data": base64(nonce + AES-GCM
ciphertext), "encryption_version": "v0"}`` — serial and lineage stay readable, so locks
and history still see them. pbkdf2: passphrase of 16 characters or more, iterations
200,000 or more (default 600,000), SHA-512 (or sha256), 32-byte salt and key; the salt
travels in the metadata. aws_kms: a data key from KMS ``GenerateDataKey``, its
ciphertext in the metadata.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from sheath.diag import Diagnostics

ENCRYPTION_VERSION = "v0"
MIN_PASSPHRASE = 16
MIN_ITERATIONS = 200_000
DEFAULT_ITERATIONS = 600_000


class EncryptionError(Exception):
    """Encryption or decryption failed; the message says why (never a key)."""


# --- key providers ---------------------------------------------------------------------------


@dataclass
class KeyOutput:
    encryption_key: bytes
    decryption_key: bytes | None
    meta: dict[str, Any]  # stored with the document


@dataclass
class Pbkdf2Provider:
    name: str
    passphrase: str = field(repr=False)
    key_length: int = 32
    iterations: int = DEFAULT_ITERATIONS
    salt_length: int = 32
    hash_function: str = "sha512"
    # keys derived in this process (as OpenTofu derives a provider's key once per run): the
    # encryption key and its metadata, and the decryption keys by their metadata
    _derived: dict[tuple[str, str, int, int], bytes] = field(default_factory=dict, init=False, repr=False, compare=False)
    _encryption: tuple[bytes, dict[str, Any]] | None = field(default=None, init=False, repr=False, compare=False)

    def _derive(self, hash_function: str, salt_b64: str, iterations: int, key_length: int) -> bytes:
        k = (hash_function, salt_b64, iterations, key_length)
        if k not in self._derived:
            self._derived[k] = hashlib.pbkdf2_hmac(
                hash_function, self.passphrase.encode(), base64.b64decode(salt_b64), iterations, key_length
            )
        return self._derived[k]

    def decryption_key(self, meta_in: Mapping[str, Any]) -> bytes | None:
        """The key of a document written with meta_in (no encryption key derived)."""
        if not meta_in.get("salt"):
            return None
        try:
            hash_function = str(meta_in.get("hash_function") or "sha512")
            if hash_function not in ("sha256", "sha512"):
                raise ValueError(f"invalid hash function name {hash_function!r}")
            return self._derive(hash_function, str(meta_in["salt"]), int(meta_in["iterations"]), int(meta_in["key_length"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise EncryptionError(f"invalid pbkdf2 key metadata: {exc}") from None

    def provide(self, meta_in: Mapping[str, Any] | None) -> KeyOutput:
        if self._encryption is None:
            salt = base64.b64encode(os.urandom(self.salt_length)).decode()
            meta = {"salt": salt, "iterations": self.iterations, "hash_function": self.hash_function, "key_length": self.key_length}
            self._encryption = (self._derive(self.hash_function, salt, self.iterations, self.key_length), meta)
        enc, meta = self._encryption
        dec = self.decryption_key(meta_in) if meta_in else None
        return KeyOutput(enc, dec, dict(meta))


@dataclass
class AwsKmsProvider:
    name: str
    kms_key_id: str
    key_spec: str = "AES_256"
    region: str = ""
    access_key: str = ""
    secret_key: str = field(default="", repr=False)
    endpoint: str = ""
    encryption_context: dict[str, str] = field(default_factory=dict)
    _generated: tuple[bytes, dict[str, Any]] | None = field(default=None, init=False, repr=False, compare=False)
    _decrypted: dict[str, bytes] = field(default_factory=dict, init=False, repr=False, compare=False)

    def validate(self) -> list[str]:
        errs = []
        if not self.kms_key_id:
            errs.append("kms_key_id is required")
        if self.key_spec not in ("AES_256", "AES_128"):
            errs.append("key_spec must be AES_256 or AES_128")
        return errs

    def _client(self) -> Any:
        import boto3

        kw: dict[str, Any] = {}
        if self.region:
            kw["region_name"] = self.region
        if self.access_key:
            kw["aws_access_key_id"] = self.access_key
            kw["aws_secret_access_key"] = self.secret_key
        return boto3.client("kms", endpoint_url=self.endpoint or None, **kw)

    def decryption_key(self, meta_in: Mapping[str, Any]) -> bytes | None:
        """The data key of a document written with meta_in (KMS Decrypt, once per key in
        this process)."""
        blob = str(meta_in.get("ciphertext_blob") or "")
        if not blob:
            return None
        if blob not in self._decrypted:
            kw: dict[str, Any] = {"KeyId": self.kms_key_id, "CiphertextBlob": base64.b64decode(blob)}
            if meta_in.get("encryption_context"):
                kw["EncryptionContext"] = meta_in["encryption_context"]
            self._decrypted[blob] = self._call("decrypt", kw)["Plaintext"]
        return self._decrypted[blob]

    def _call(self, operation: str, kw: dict[str, Any]) -> Any:
        try:
            return getattr(self._client(), operation)(**kw)
        except Exception as exc:
            raise EncryptionError(f"the aws_kms key provider failed: {str(exc).splitlines()[0]}") from None

    def provide(self, meta_in: Mapping[str, Any] | None) -> KeyOutput:
        """A data key from KMS GenerateDataKey, once per process (as OpenTofu asks once per
        run), with its ciphertext as the metadata."""
        if self._generated is None:
            kw: dict[str, Any] = {"KeyId": self.kms_key_id, "KeySpec": self.key_spec}
            if self.encryption_context:
                kw["EncryptionContext"] = self.encryption_context
            gen = self._call("generate_data_key", kw)
            meta: dict[str, Any] = {"ciphertext_blob": base64.b64encode(gen["CiphertextBlob"]).decode()}
            if self.encryption_context:
                meta["encryption_context"] = self.encryption_context
            self._generated = (gen["Plaintext"], meta)
        key, meta = self._generated
        return KeyOutput(key, self.decryption_key(meta_in) if meta_in else None, dict(meta))


KeyProvider = Pbkdf2Provider | AwsKmsProvider


# --- methods --------------------------------------------------------------------------------


@dataclass
class Method:
    type: str  # "aes_gcm" | "unencrypted"
    name: str
    keys: KeyProvider | None = None
    aad: bytes = b""

    @property
    def address(self) -> str:
        return f"method.{self.type}.{self.name}"

    @property
    def meta_key(self) -> str:
        assert self.keys is not None
        kind = "pbkdf2" if isinstance(self.keys, Pbkdf2Provider) else "aws_kms"
        return f"key_provider.{kind}.{self.keys.name}"


def _aesgcm(key: bytes) -> Any:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if len(key) not in (16, 24, 32):
        raise EncryptionError(f"AES-GCM requires the key length to be one of: 16, 24, 32, received {len(key)} bytes")
    return AESGCM(key)


@dataclass
class Target:
    """How one kind of document (state, plan) is written and read."""

    method: Method
    fallback: Method | None = None
    enforced: bool = False

    def encrypt(self, plain: bytes, passthrough: Callable[[bytes], dict[str, Any]] | None = None) -> bytes:
        m = self.method
        if m.type == "unencrypted":
            if self.enforced:
                raise EncryptionError("encryption is enforced, and the configured method writes plaintext (unencrypted)")
            return plain
        assert m.keys is not None
        out = m.keys.provide(None)
        nonce = os.urandom(12)
        sealed = nonce + _aesgcm(out.encryption_key).encrypt(nonce, plain, m.aad or None)
        doc: dict[str, Any] = dict(passthrough(plain)) if passthrough else {}
        doc["meta"] = {m.meta_key: base64.b64encode(json.dumps(out.meta, separators=(",", ":")).encode()).decode()}
        doc["encrypted_data"] = base64.b64encode(sealed).decode()
        doc["encryption_version"] = ENCRYPTION_VERSION
        return json.dumps(doc, separators=(",", ":")).encode()

    def decrypt(self, data: bytes) -> tuple[bytes, bool]:
        """(plaintext, was the fallback needed). Plain documents are accepted only when an
        unencrypted method is configured (primary or fallback)."""
        try:
            doc = json.loads(data)
        except ValueError:
            doc = None
        methods = [self.method] + ([self.fallback] if self.fallback else [])
        if not isinstance(doc, dict) or not doc.get("encryption_version"):
            if any(m.type == "unencrypted" for m in methods):
                return data, self.method.type != "unencrypted"
            raise EncryptionError("encountered unencrypted payload without unencrypted method configured")
        if doc.get("encryption_version") != ENCRYPTION_VERSION:
            raise EncryptionError(f"invalid encrypted payload version: {doc.get('encryption_version')} != {ENCRYPTION_VERSION}")
        try:
            sealed = base64.b64decode(str(doc.get("encrypted_data", "")))
        except ValueError:
            raise EncryptionError("the encrypted data is not valid base64") from None
        errors = []
        for i, m in enumerate(methods):
            if m.type == "unencrypted" or m.keys is None:
                continue
            raw_meta = (doc.get("meta") or {}).get(m.meta_key)
            if raw_meta is None:
                errors.append(f"{m.address}: no key metadata for {m.meta_key} in the document")
                continue
            try:
                meta_in = json.loads(base64.b64decode(str(raw_meta)))
                key = m.keys.decryption_key(meta_in)
                if not key or len(sealed) < 12:
                    raise EncryptionError("cannot decrypt data because it is too small (likely data corruption)")
                plain: bytes = _aesgcm(key).decrypt(sealed[:12], sealed[12:], m.aad or None)
                return plain, i > 0
            except EncryptionError as exc:
                errors.append(f"{m.address}: {exc}")
            except Exception:  # InvalidTag: a wrong key or altered data
                errors.append(f"{m.address}: decryption failed (wrong key or altered data)")
        raise EncryptionError("; ".join(errors) or "no method can decrypt this document")


def state_passthrough(plain: bytes) -> dict[str, Any]:
    """The fields an encrypted state keeps in clear: serial and lineage."""
    try:
        d = json.loads(plain)
    except ValueError:
        raise EncryptionError("the state to encrypt is not JSON") from None
    return {"serial": d.get("serial"), "lineage": d.get("lineage", "")}


@dataclass
class EncryptionConfig:
    state: Target | None = None
    plan: Target | None = None
    remote_state_default: Target | None = None
    remote_state: dict[str, Target] = field(default_factory=dict)

    def encrypt_state(self, plain: bytes) -> bytes:
        return self.state.encrypt(plain, state_passthrough) if self.state else plain

    def decrypt_state(self, data: bytes) -> bytes:
        if self.state is None:
            return data
        return self.state.decrypt(data)[0]

    def remote_state_target(self, address: str) -> Target | None:
        """How the terraform_remote_state instance at address (an absolute resource instance
        address) reads its state: its own remote_state_data_source block, else the default;
        None when neither is configured (the state is read as it is stored)."""
        return self.remote_state.get(remote_state_key(address), self.remote_state_default)


def remote_state_key(address: str) -> str:
    """The label of the remote_state_data_source block that configures the
    terraform_remote_state instance at address, formed as OpenTofu forms it: the first
    "data.terraform_remote_state." and a leading "module." are dropped, so
    data.terraform_remote_state.foo[4] is "foo[4]" and
    module.net[1].data.terraform_remote_state.bar is "net[1].bar"."""
    key = address.replace("data.terraform_remote_state.", "", 1)
    return key[len("module."):] if key.startswith("module.") else key


# --- configuration --------------------------------------------------------------------------


def _traversal(expr: Any) -> list[str] | None:
    from sheath.lang.hcl import TraverseAttr, TraverseRoot

    trav = getattr(expr, "traversal", None)
    if trav is None:
        vs = expr.variables() if hasattr(expr, "variables") else []
        if len(vs) != 1:
            return None
        trav = vs[0]
    out = []
    for s in trav.steps:
        if isinstance(s, TraverseRoot) or isinstance(s, TraverseAttr):
            out.append(s.name)
        else:
            return None
    return out


def parse_encryption(bodies: list[Any], variables: Mapping[str, Any] | None = None) -> tuple[EncryptionConfig | None, Diagnostics]:
    """The configuration from encryption block bodies (the files', then TF_ENCRYPTION's),
    merged as OpenTofu merges them: a key provider or method of the same type and name
    takes the later body's arguments over the earlier's; a target takes the later
    method and fallback when set, and is enforced when any body enforces it."""
    from sheath.lang import hcl

    diags = Diagnostics()
    schema = hcl.BodySchema(
        (),
        (
            hcl.BlockHeaderSchema("key_provider", ("type", "name")),
            hcl.BlockHeaderSchema("method", ("type", "name")),
            hcl.BlockHeaderSchema("state"),
            hcl.BlockHeaderSchema("plan"),
            hcl.BlockHeaderSchema("remote_state_data_sources"),
        ),
    )
    blocks: dict[tuple[str, ...], list[Any]] = {}
    for body in bodies:
        content, d = body.content(schema)
        diags.extend(d)
        for b in content.blocks:
            blocks.setdefault((b.type, *b.labels), []).append(b)
    if diags.has_errors():
        return None, diags
    p = _Parser(diags, variables or {})
    cfg = EncryptionConfig()
    for key, bs in blocks.items():
        if key[0] == "key_provider":
            p.key_provider(key[1], key[2], bs)
    for key, bs in blocks.items():
        if key[0] == "method":
            p.method(key[1], key[2], bs)
    if ("state",) in blocks:
        cfg.state = p.target(blocks[("state",)], "state", True)
    if ("plan",) in blocks:
        cfg.plan = p.target(blocks[("plan",)], "plan", True)
    for rb in blocks.get(("remote_state_data_sources",), []):
        content, d = rb.body.content(
            hcl.BodySchema((), (hcl.BlockHeaderSchema("default"), hcl.BlockHeaderSchema("remote_state_data_source", ("address",))))
        )
        diags.extend(d)
        for b in content.blocks:
            t = p.target([b], "remote_state_data_sources", False)
            if t is None:
                continue
            if b.type == "default":
                cfg.remote_state_default = t
            else:
                cfg.remote_state[b.labels[0]] = t
    if diags.has_errors():
        return None, diags
    return cfg, diags


PBKDF2_ARGUMENTS = ("passphrase", "key_length", "iterations", "salt_length", "hash_function")
AWS_KMS_ARGUMENTS = (
    "kms_key_id", "key_spec", "region", "access_key", "secret_key", "endpoints", "encryption_context",
    "skip_credentials_validation", "skip_requesting_account_id", "skip_metadata_api_check",
)


class _Parser:
    """Decodes the merged blocks of one encryption configuration into diags."""

    def __init__(self, diags: Diagnostics, variables: Mapping[str, Any]) -> None:
        from sheath.lang.eval.context import EvalContext
        from sheath.types.cty import object_val

        self.diags = diags
        self.ctx = EvalContext({"var": object_val(dict(variables))}, None)
        self.providers: dict[str, KeyProvider] = {}
        self.methods: dict[str, Method] = {}

    def attributes(self, bs: list[Any]) -> dict[str, Any]:
        """The blocks' attributes, a later block's winning."""
        out: dict[str, Any] = {}
        for b in bs:
            a, d = b.body.just_attributes()
            self.diags.extend(d)
            out.update(a)
        return out

    def value(self, a: Any) -> Any:
        from sheath.lang.eval.evaluator import evaluate
        from sheath.types.json import value_to_json

        v, d = evaluate(a.expr, self.ctx)
        self.diags.extend(d)
        if d.has_errors():
            return None
        if not v.is_known:
            self.diags.add_error(
                "Invalid encryption configuration",
                "The value must be known when sheath starts. The variables the encryption configuration uses take "
                "their values from their defaults, TF_VAR_ environment variables, terraform.tfvars, *.auto.tfvars "
                "and the command line's -var and -var-file options.",
                a.expr.range,
            )
            return None
        return json.loads(value_to_json(v.unmark_deep()[0]))

    def integer(self, a: dict[str, Any], name: str, default: int) -> int:
        if name not in a:
            return default
        v = self.value(a[name])
        if isinstance(v, bool) or not isinstance(v, (int, float)) or int(v) != v:
            if v is not None:
                self.diags.add_error("Invalid key provider configuration", f"{name} must be a whole number.", a[name].expr.range)
            return default
        return int(v)

    def key_provider(self, kind: str, name: str, bs: list[Any]) -> None:
        addr = f"key_provider.{kind}.{name}"
        a = self.attributes(bs)
        where = bs[-1].def_range
        known = PBKDF2_ARGUMENTS if kind == "pbkdf2" else AWS_KMS_ARGUMENTS if kind == "aws_kms" else None
        if known is None:
            self.diags.add_error("Unsupported key provider", f'sheath supports the "pbkdf2" and "aws_kms" key providers, not "{kind}".', where)
            return
        bad = [n for n in a if n not in known]
        for n in bad:
            self.diags.add_error("Unsupported argument", f'sheath\'s {kind} key provider has no argument "{n}".', a[n].name_range)
        if bad:
            return
        if kind == "pbkdf2":
            self.providers[addr] = self.pbkdf2(addr, name, a, where)
            return
        v = {n: self.value(x) for n, x in a.items()}
        eps = v.get("endpoints") or {}
        p = AwsKmsProvider(
            name,
            str(v.get("kms_key_id") or ""),
            str(v.get("key_spec") or "AES_256"),
            str(v.get("region") or ""),
            str(v.get("access_key") or ""),
            str(v.get("secret_key") or ""),
            str(eps.get("kms") or "") if isinstance(eps, dict) else "",
            dict(v.get("encryption_context") or {}),
        )
        for err in p.validate():
            self.diags.add_error("Invalid key provider configuration", f"{addr}: {err}", where)
        self.providers[addr] = p

    def pbkdf2(self, addr: str, name: str, a: dict[str, Any], where: Any) -> Pbkdf2Provider:
        bad = "Invalid key provider configuration"
        passphrase = ""
        if "passphrase" not in a:
            self.diags.add_error(bad, f"{addr}: the passphrase argument is required.", where)
        else:
            v = self.value(a["passphrase"])
            passphrase = v if isinstance(v, str) else ""
            if v is not None and not isinstance(v, str):
                self.diags.add_error(bad, f"{addr}: the passphrase must be a string.", a["passphrase"].expr.range)
            elif isinstance(v, str) and len(v) < MIN_PASSPHRASE:
                self.diags.add_error(
                    bad, f"{addr}: the passphrase is too short (minimum {MIN_PASSPHRASE} characters).", a["passphrase"].expr.range
                )
        iterations = self.integer(a, "iterations", DEFAULT_ITERATIONS)
        if "iterations" in a and iterations < MIN_ITERATIONS:
            self.diags.add_error(
                bad,
                f"{addr}: the number of iterations ({iterations}) is dangerously low; the minimum is {MIN_ITERATIONS}.",
                a["iterations"].expr.range,
            )
        key_length = self.integer(a, "key_length", 32)
        salt_length = self.integer(a, "salt_length", 32)
        if "salt_length" in a and salt_length <= 0:
            self.diags.add_error(bad, f"{addr}: salt_length must be larger than zero.", a["salt_length"].expr.range)
        if "key_length" in a and key_length not in (16, 24, 32):
            self.diags.add_error(
                bad, f"{addr}: key_length must be 16, 24 or 32 (the AES key sizes aes_gcm takes), not {key_length}.", a["key_length"].expr.range
            )
        hash_function = "sha512"
        if "hash_function" in a:
            h = self.value(a["hash_function"])
            if h not in ("sha256", "sha512"):
                if h is not None:
                    self.diags.add_error(
                        bad, f'{addr}: the hash function must be "sha256" or "sha512", not {json.dumps(h)}.', a["hash_function"].expr.range
                    )
            else:
                hash_function = h
        return Pbkdf2Provider(name, passphrase, key_length, iterations, salt_length, hash_function)

    def method(self, kind: str, name: str, bs: list[Any]) -> None:
        at = self.attributes(bs)
        where = bs[-1].def_range
        if kind == "unencrypted":
            for n, x in at.items():
                self.diags.add_error("Unsupported argument", f'The unencrypted method takes no arguments, not "{n}".', x.name_range)
            self.methods[f"method.unencrypted.{name}"] = Method("unencrypted", name)
            return
        if kind != "aes_gcm":
            self.diags.add_error("Unsupported encryption method", f'sheath supports the "aes_gcm" and "unencrypted" methods, not "{kind}".', where)
            return
        for n, x in at.items():
            if n not in ("keys", "aad"):
                self.diags.add_error("Unsupported argument", f'The aes_gcm method has no argument "{n}".', x.name_range)
        if "keys" not in at:
            self.diags.add_error("Invalid encryption method", f"method.aes_gcm.{name} needs keys = key_provider.TYPE.NAME.", where)
            return
        ref = _traversal(at["keys"].expr)
        provider = self.providers.get(".".join(ref[:3])) if ref and len(ref) >= 3 and ref[0] == "key_provider" else None
        if provider is None:
            self.diags.add_error(
                "Reference to undeclared key provider",
                f"method.aes_gcm.{name}: keys must refer to a declared key provider (key_provider.TYPE.NAME)"
                + (f"; there is no {'.'.join(ref[:3])}." if ref and len(ref) >= 3 else "."),
                at["keys"].expr.range,
            )
            return
        aad = self.value(at["aad"]) if "aad" in at else ""
        self.methods[f"method.aes_gcm.{name}"] = Method("aes_gcm", name, provider, str(aad or "").encode())

    def method_ref(self, attr: Any, what: str) -> Method | None:
        ref = _traversal(attr.expr)
        m = self.methods.get(".".join(ref[:3])) if ref and len(ref) >= 3 and ref[0] == "method" else None
        if m is None:
            self.diags.add_error(
                "Reference to undeclared encryption method",
                f"{what}: method must refer to a declared method (method.TYPE.NAME)"
                + (f"; there is no {'.'.join(ref[:3])}." if ref and len(ref) >= 3 else "."),
                attr.expr.range,
            )
        return m

    def target(self, bs: list[Any], what: str, enforceable: bool) -> Target | None:
        from sheath.lang import hcl

        attrs = (hcl.AttributeSchema("method"),) + ((hcl.AttributeSchema("enforced"),) if enforceable else ())
        schema = hcl.BodySchema(attrs, (hcl.BlockHeaderSchema("fallback"),))
        method_attr = None
        fallback_attr = None
        enforced = False
        for b in bs:
            content, d = b.body.content(schema)
            self.diags.extend(d)
            if "method" in content.attributes:
                method_attr = content.attributes["method"]
            for f in content.blocks:
                fa, fd = f.body.content(hcl.BodySchema((hcl.AttributeSchema("method", required=True),), ()))
                self.diags.extend(fd)
                if "method" in fa.attributes:
                    fallback_attr = fa.attributes["method"]
            if "enforced" in content.attributes:
                v = self.value(content.attributes["enforced"])
                if v is not None and not isinstance(v, bool):
                    self.diags.add_error("Invalid encryption configuration", "enforced must be true or false.", content.attributes["enforced"].expr.range)
                enforced = enforced or v is True
        if method_attr is None:
            self.diags.add_error("Missing method", f"The {what} block needs a method (method = method.TYPE.NAME).", bs[-1].def_range)
            return None
        m = self.method_ref(method_attr, what)
        fb = self.method_ref(fallback_attr, f"{what} fallback") if fallback_attr is not None else None
        if m is None:
            return None
        if enforced and m.type == "unencrypted":
            self.diags.add_error(
                "Encryption is enforced",
                f"{what}: enforced = true, and the method {m.address} writes plaintext.",
                method_attr.expr.range,
            )
        return Target(m, fb, enforced)


def environment_body(environ: Mapping[str, str] | None = None) -> tuple[Any | None, Diagnostics]:
    """The TF_ENCRYPTION variable as a body (HCL, or JSON when it starts with "{")."""
    env = os.environ if environ is None else environ
    text = env.get("TF_ENCRYPTION", "")
    if not text.strip():
        return None, Diagnostics()
    if text.lstrip().startswith("{"):
        from sheath.lang.hcljson import parse

        f, diags = parse(text.encode(), "TF_ENCRYPTION")
    else:
        from sheath.lang.hclsyntax.parser import parse_config

        f, diags = parse_config(text.encode(), "TF_ENCRYPTION")
    return (f.body if f is not None and not diags.has_errors() else None), diags
