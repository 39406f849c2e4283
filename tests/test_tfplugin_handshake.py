"""go-plugin handshake pieces, stderr routing and the schema cache (no provider binary needed)."""

from __future__ import annotations

import base64
import logging
import os
import stat
import sys
from pathlib import Path

import pytest

from sheath.providers.tfplugin import PluginStartError, start_provider
from sheath.providers.tfplugin.cache import SchemaCache, binary_sha256, cache_dir
from sheath.providers.tfplugin.logs import LOGGER_NAME, OFF, TRACE, StderrPump, log_threshold
from sheath.providers.tfplugin.plugin import (
    MAGIC_COOKIE_KEY,
    MAGIC_COOKIE_VALUE,
    generate_client_cert,
    parse_handshake,
    plugin_env,
)


def test_parse_handshake() -> None:
    der = b"\x30\x82\x01\x02certificate-bytes"
    raw = base64.b64encode(der).decode().rstrip("=")  # go-plugin sends it without padding
    hs = parse_handshake(f"1|5|unix|/run/user/plugin123|grpc|{raw}\n")
    assert (hs.core_version, hs.protocol_version, hs.network, hs.address, hs.protocol) == (1, 5, "unix", "/run/user/plugin123", "grpc")
    assert hs.server_cert_der == der
    hs = parse_handshake("1|6|tcp|127.0.0.1:10001|grpc")
    assert hs.protocol_version == 6 and hs.server_cert_der is None
    assert parse_handshake("1|4|tcp|127.0.0.1:1").protocol == "netrpc"
    for bad in ("hello", "x|5|unix|/a|grpc", ""):
        with pytest.raises(ValueError, match="unrecognized remote plugin message"):
            parse_handshake(bad)


def test_plugin_env() -> None:
    cert = generate_client_cert()
    env = plugin_env({"PATH": "/bin", "SHEATH_LOG": "debug"}, cert)
    assert env[MAGIC_COOKIE_KEY] == MAGIC_COOKIE_VALUE
    assert env["PLUGIN_PROTOCOL_VERSIONS"] == "5,6"
    assert int(env["PLUGIN_MIN_PORT"]) < int(env["PLUGIN_MAX_PORT"])
    assert env["PLUGIN_CLIENT_CERT"].startswith("-----BEGIN CERTIFICATE-----")
    assert env["TF_LOG"] == "debug"  # SHEATH_LOG asks the provider for logs too
    assert "PLUGIN_CLIENT_CERT" not in plugin_env({"PLUGIN_CLIENT_CERT": "stale"}, None)


def test_client_cert_is_a_localhost_ca() -> None:
    from cryptography import x509

    cert = x509.load_pem_x509_certificate(generate_client_cert().cert_pem)
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.DNSName) == ["localhost"]
    assert cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca


def test_log_threshold() -> None:
    assert log_threshold({}) == OFF
    assert log_threshold({"TF_LOG": "off"}) == OFF
    assert log_threshold({"TF_LOG": "TRACE"}) == TRACE
    assert log_threshold({"TF_LOG": "warn"}) == logging.WARNING
    assert log_threshold({"TF_LOG": "trace", "SHEATH_LOG": "error"}) == logging.ERROR
    assert log_threshold({"TF_LOG": "something"}) == TRACE


STDERR_LINES = (
    b"Starting the provider...\n"
    b'{"@level":"debug","@message":"configuring client","@module":"provider","tf_rpc":"Configure"}\n'
    b"2024-01-01T00:00:00.000Z [WARN]  provider: a text warning\n"
    b"panic: runtime error: invalid memory address or nil pointer dereference\n"
    b"\n"
    b"goroutine 42 [running]:\n"
    b"main.crash()\n"
)


def _pump(env: dict[str, str]) -> StderrPump:
    r, w = os.pipe()
    os.write(w, STDERR_LINES)
    os.close(w)
    pump = StderrPump(os.fdopen(r, "rb"), "terraform-provider-test", env)
    pump.join(5)
    return pump


def test_stderr_routed_by_level(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(TRACE, logger=LOGGER_NAME)
    pump = _pump({"SHEATH_LOG": "debug"})
    msgs = [(r.levelno, r.getMessage()) for r in caplog.records if r.name == LOGGER_NAME]
    assert (logging.DEBUG, "terraform-provider-test (provider): configuring client tf_rpc=Configure") in msgs
    assert any(lvl == logging.WARNING and "a text warning" in m for lvl, m in msgs)
    # the panic and its stack are kept for the crash report
    assert pump.plain_output() == (
        "panic: runtime error: invalid memory address or nil pointer dereference\n\ngoroutine 42 [running]:\nmain.crash()"
    )


def test_stderr_silent_by_default(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(TRACE, logger=LOGGER_NAME)
    pump = _pump({})
    assert [r for r in caplog.records if r.name == LOGGER_NAME] == []
    assert "goroutine 42" in pump.plain_output()


def test_not_a_plugin_is_a_clean_error(tmp_path: Path) -> None:
    script = tmp_path / "terraform-provider-fake"
    script.write_text(f"#!{sys.executable}\nimport sys\nprint('this is not a plugin')\nsys.stderr.write('it said why\\n')\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    with pytest.raises(PluginStartError, match="unrecognized remote plugin message") as e:
        start_provider(script, env={"PATH": os.environ.get("PATH", "")})
    assert "it said why" in str(e.value)
    with pytest.raises(PluginStartError, match="failed to start"):
        start_provider(tmp_path / "missing", env={})


def test_plugin_without_cookie_check_exits(tmp_path: Path) -> None:
    script = tmp_path / "terraform-provider-exits"
    script.write_text(f"#!{sys.executable}\nimport sys\nsys.stderr.write('This binary is a plugin.\\n')\nsys.exit(1)\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    with pytest.raises(PluginStartError, match=r"exited before the handshake \(exit status 1\)"):
        start_provider(script, env={})


def test_cache_dir_and_entries(tmp_path: Path) -> None:
    assert cache_dir({"SHEATH_CACHE_DIR": "/x/y"}) == Path("/x/y")
    assert cache_dir({"XDG_CACHE_HOME": "/c", "HOME": "/h"}) == Path("/c/sheath")
    assert cache_dir({"HOME": "/h"}) == Path("/h/.cache/sheath")
    binary = tmp_path / "bin"
    binary.write_bytes(b"abc")
    root = tmp_path / "cache"
    digest = binary_sha256(binary, root)
    assert digest == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert binary_sha256(binary, root) == digest  # served from the memo
    binary.write_bytes(b"abcd")  # a changed binary is hashed afresh
    assert binary_sha256(binary, root) != digest
    cache = SchemaCache(root)
    assert cache.load(digest, 5) is None
    cache.store(digest, 5, b"schema")
    assert cache.load(digest, 5) == b"schema"
    assert cache.load(digest, 6) is None
