"""Remote module sources (git::, http archives, X-Terraform-Get) installed by sheath init and get,
against terraform 1.11.4 on the same configuration: output, modules.json and the installed trees.
Repositories are made in tmp dirs; the HTTP server listens on 127.0.0.1 only."""

from __future__ import annotations

import functools
import http.server
import io
import os
import shutil
import ssl
import subprocess
import tarfile
import threading
import zipfile
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import RunFn, need

pytestmark = pytest.mark.oracle

MODULES = Path(".terraform") / "modules"


def _git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t", "GIT_CONFIG_GLOBAL": os.devnull}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A bare repository: tag v1.0.0 and branch main (v1), then a second commit on main (v2)."""
    work = tmp_path / "work"
    (work / "sub").mkdir(parents=True)
    (work / "other").mkdir()
    (work / "main.tf").write_text('output "v" {\n  value = "one"\n}\n')
    (work / "sub" / "main.tf").write_text('module "inner" {\n  source = "../other"\n}\n\noutput "s" {\n  value = 1\n}\n')
    (work / "other" / "main.tf").write_text('output "o" {\n  value = 2\n}\n')
    (work / "escape").mkdir()
    (work / "escape" / "main.tf").write_text('module "up" {\n  source = "../../outside"\n}\n')
    _git(work, "init", "-q", "-b", "main")
    _git(work, "add", ".")
    _git(work, "commit", "-qm", "one")
    _git(work, "tag", "v1.0.0")
    (work / "main.tf").write_text('output "v" {\n  value = "two"\n}\n')
    _git(work, "commit", "-qam", "two")
    bare = tmp_path / "repo.git"
    _git(tmp_path, "clone", "-q", "--bare", str(work), str(bare))
    return bare


def _tree(d: Path) -> dict[str, str]:
    """The installed files (a .git directory's contents are git's business: only its presence counts)."""
    out: dict[str, str] = {}
    if not d.exists():
        return out
    for p in sorted(d.rglob("*")):
        rel = p.relative_to(d).as_posix()
        if "/.git/" in f"/{rel}":
            continue
        out[rel] = "dir" if p.is_dir() else p.read_text(errors="replace")
    return out


def _compare(tmp_path: Path, run_terraform: RunFn, run_sheath: RunFn, config: str, steps: list[list[str]]) -> None:
    dirs = {"tf": tmp_path / "tf", "sh": tmp_path / "sh"}
    tmp_path.mkdir(exist_ok=True)
    for d in dirs.values():
        d.mkdir()
        (d / "main.tf").write_text(config)
    for args in steps:
        tf = run_terraform([*args, "-no-color"], dirs["tf"])
        sh = run_sheath([*args, "-no-color"], dirs["sh"])
        if (sh.returncode, sh.stdout, sh.stderr) != (tf.returncode, tf.stdout, tf.stderr):
            print("TF", tf.stdout, tf.stderr, "SH", sh.stdout, sh.stderr)  # shown on failure
        assert (sh.returncode, sh.stdout, sh.stderr) == (tf.returncode, tf.stdout, tf.stderr), args
        assert _tree(dirs["sh"] / MODULES) == _tree(dirs["tf"] / MODULES), args


def test_git_refs_subdirs_and_depth(tmp_path: Path, repo: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    head = _git(repo, "rev-parse", "HEAD").strip()
    first = _git(repo, "rev-parse", "v1.0.0").strip()
    url = f"file://{repo}"
    config = (
        f'module "tag" {{\n  source = "git::{url}?ref=v1.0.0"\n}}\n\n'
        f'module "branch" {{\n  source = "git::{url}//sub?ref=main"\n}}\n\n'
        f'module "commit" {{\n  source = "git::{url}?ref={first}"\n}}\n\n'
        f'module "short" {{\n  source = "git::{url}?ref={first[:7]}"\n}}\n\n'
        f'module "shallow" {{\n  source = "git::{url}//sub?depth=1&ref=main"\n}}\n\n'
        f'module "default" {{\n  source = "git::{url}"\n}}\n\n'
        f'module "same" {{\n  source = "git::{url}"\n}}\n\n'
        f'module "local" {{\n  source = "./m"\n}}\n'
    )
    assert head != first

    def step_setup(d: Path) -> None:
        (d / "m").mkdir()
        (d / "m" / "main.tf").write_text(f'module "deep" {{\n  source = "git::{url}//other"\n}}\n')

    dirs = [tmp_path / "tf", tmp_path / "sh"]
    for d in dirs:
        d.mkdir()
        step_setup(d)
        (d / "main.tf").write_text(config)
    for args in (["init"], ["init"], ["get", "-update"], ["init", "-upgrade"], ["validate"], ["output"]):
        tf = run_terraform([*args, "-no-color"], dirs[0])
        sh = run_sheath([*args, "-no-color"], dirs[1])
        if (sh.returncode, sh.stdout, sh.stderr) != (tf.returncode, tf.stdout, tf.stderr):
            print("TF", tf.stdout, tf.stderr, "SH", sh.stdout, sh.stderr)  # shown on failure
        assert (sh.returncode, sh.stdout, sh.stderr) == (tf.returncode, tf.stdout, tf.stderr), args
        assert _tree(dirs[1] / MODULES) == _tree(dirs[0] / MODULES), args
        assert (dirs[1] / MODULES / "modules.json").read_text() == (dirs[0] / MODULES / "modules.json").read_text()
    assert (dirs[1] / MODULES / "tag" / ".git").is_dir()
    assert 'value = "one"' in (dirs[1] / MODULES / "tag" / "main.tf").read_text()
    assert 'value = "two"' in (dirs[1] / MODULES / "default" / "main.tf").read_text()


def test_get_installs_remote_modules(tmp_path: Path, repo: Path, http_server: str, run_terraform: RunFn, run_sheath: RunFn) -> None:
    config = (
        f'module "g" {{\n  source = "git::file://{repo}//sub?ref=v1.0.0"\n}}\n\n'
        f'module "h" {{\n  source = "{http_server}/pkg/mod.zip"\n}}\n'
    )
    _compare(tmp_path, run_terraform, run_sheath, config, [["get"], ["get"], ["init"], ["get", "-update"]])


@pytest.mark.parametrize(
    "source",
    [
        "git::file://{repo}?ref=nope",
        "git::file://{missing}",
        "git::file://{repo}?depth=1&ref={commit}",
        "git::file://{repo}//nothere",
        "git::file://{repo}//escape",
    ],
)
def test_git_failures(source: str, tmp_path: Path, repo: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    commit = _git(repo, "rev-parse", "v1.0.0").strip()
    src = source.format(repo=repo, missing=tmp_path / "missing.git", commit=commit)
    config = f'module "ok" {{\n  source = "git::file://{repo}"\n}}\n\nmodule "bad" {{\n  source = "{src}"\n}}\n'
    _compare(tmp_path, run_terraform, run_sheath, config, [["init"], ["get"]])


def _archives() -> dict[str, bytes]:
    files = {"main.tf": 'output "a" {\n  value = "archive"\n}\n', "sub/main.tf": 'output "s" {\n  value = 3\n}\n'}
    z = io.BytesIO()
    with zipfile.ZipFile(z, "w") as zf:
        for name, text in files.items():
            zf.writestr(name, text)
    t = io.BytesIO()
    with tarfile.open(fileobj=t, mode="w:gz") as tf:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(data), 0o644
            tf.addfile(info, io.BytesIO(data))
    return {"/pkg/mod.zip": z.getvalue(), "/pkg/mod.tar.gz": t.getvalue(), "/blob": t.getvalue()}


@pytest.fixture
def http_server(repo: Path) -> Iterator[str]:
    """Archives, X-Terraform-Get answers (an archive, a git:: repository, a subdirectory, a meta tag,
    relative addresses terraform refuses) and 404s."""
    archives = _archives()
    get = {"/get-git": f"git::file://{repo}?ref=v1.0.0", "/get-relative": "./pkg/mod.zip", "/get-rooted": "/pkg/mod.zip"}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the http.server interface)
            path = self.path.split("?", 1)[0]
            if path in archives:
                self.send_response(200)
                self.send_header("Content-Length", str(len(archives[path])))
                self.end_headers()
                self.wfile.write(archives[path])
            elif path in get and "terraform-get=1" in self.path:
                self.send_response(204)
                self.send_header("X-Terraform-Get", get[path])
                self.end_headers()
            elif path == "/meta":
                body = f'<html><head><meta name="terraform-get" content="{get["/get-archive"]}"></head></html>'.encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            else:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    get.update({"/get-archive": f"{base}/pkg/mod.tar.gz", "/get-sub": f"{base}/pkg/mod.zip//sub"})
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_http_archives_and_x_terraform_get(tmp_path: Path, http_server: str, run_terraform: RunFn, run_sheath: RunFn) -> None:
    u = http_server
    config = (
        f'module "zip" {{\n  source = "{u}/pkg/mod.zip"\n}}\n\n'
        f'module "tgz" {{\n  source = "{u}/pkg/mod.tar.gz//sub"\n}}\n\n'
        f'module "forced" {{\n  source = "{u}/blob?archive=tar.gz"\n}}\n\n'
        f'module "redirect" {{\n  source = "{u}/get-archive"\n}}\n\n'
        f'module "git" {{\n  source = "{u}/get-git"\n}}\n\n'
        f'module "redirect_sub" {{\n  source = "{u}/get-sub"\n}}\n\n'
        f'module "meta" {{\n  source = "{u}/meta"\n}}\n'
    )
    _compare(tmp_path, run_terraform, run_sheath, config, [["init"], ["init"], ["get", "-update"], ["validate"]])


@pytest.mark.parametrize("path", ["/missing.zip", "/missing", "/get-relative", "/get-rooted"])
def test_http_failures(path: str, tmp_path: Path, http_server: str, run_terraform: RunFn, run_sheath: RunFn) -> None:
    config = f'module "bad" {{\n  source = "{http_server}{path}"\n}}\n'
    _compare(tmp_path, run_terraform, run_sheath, config, [["init"]])


@pytest.fixture
def registry(tmp_path: Path) -> Iterator[str]:
    """A module registry (modules.v1) on 127.0.0.1: ns/vpc/aws has 1.0.0, 1.2.0 and 2.0.0-beta;
    ns/rel/aws answers its downloads with a relative X-Terraform-Get, ns/gone/aws with an archive
    that is not there; other modules are 404."""
    archive = _archives()["/pkg/mod.tar.gz"]

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            path = self.path.split("?", 1)[0]
            base = f"http://127.0.0.1:{self.server.server_address[1]}"
            known = path.startswith(("/v1/modules/ns/vpc/aws/", "/v1/modules/ns/rel/aws/", "/v1/modules/ns/gone/aws/"))
            if known and path.endswith("/versions"):
                versions = [{"version": v} for v in ("1.0.0", "1.2.0", "2.0.0-beta")]
                body = json.dumps({"modules": [{"versions": versions}]}).encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            elif known and path.endswith("/download"):
                self.send_response(204)
                if "/ns/rel/" in path:
                    self.send_header("X-Terraform-Get", "../../../../../../archive.tar.gz")
                else:
                    self.send_header("X-Terraform-Get", f"{base}/{'gone' if '/ns/gone/' in path else 'archive'}.tar.gz")
                self.end_headers()
            elif path == "/archive.tar.gz":
                self.send_response(200)
                self.send_header("Content-Length", str(len(archive)))
                self.end_headers()
                self.wfile.write(archive)
            else:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1/modules/"
    finally:
        server.shutdown()
        server.server_close()


def _registry_runs(
    tmp_path: Path, registry: str, terraform_bin: str, oracle_env: dict[str, str], config: str, steps: list[list[str]]
) -> None:
    """Both tools with a CLI configuration whose host blocks point registry.example.com and the public
    registry's host at the local registry (terraform's service discovery itself would need https with a trusted certificate)."""
    rc = tmp_path / "hosts.tfrc"
    rc.write_text(
        "".join(
            f'host "{host}" {{\n  services = {{\n    "modules.v1" = "{registry}"\n  }}\n}}\n'
            for host in ("registry.example.com", "registry.terraform.io")
        )
    )
    _runs_with_env(tmp_path, {**oracle_env, "TF_CLI_CONFIG_FILE": str(rc)}, terraform_bin, config, steps)


def _runs_with_env(tmp_path: Path, env: dict[str, str], terraform_bin: str, config: str, steps: list[list[str]]) -> None:
    dirs = [tmp_path / "tf", tmp_path / "sh"]
    for d in dirs:
        d.mkdir()
        (d / "main.tf").write_text(config)
    for args in steps:
        tf = subprocess.run([terraform_bin, *args, "-no-color"], cwd=dirs[0], env=env, capture_output=True, text=True)
        sh = subprocess.run([sys.executable, "-m", "sheath", *args, "-no-color"], cwd=dirs[1], env=env, capture_output=True, text=True)
        if (sh.returncode, sh.stdout, sh.stderr) != (tf.returncode, tf.stdout, tf.stderr):
            print("TF", tf.stdout, tf.stderr, "SH", sh.stdout, sh.stderr)  # shown on failure
        assert (sh.returncode, sh.stdout, sh.stderr) == (tf.returncode, tf.stdout, tf.stderr), args
        assert _tree(dirs[1] / MODULES) == _tree(dirs[0] / MODULES), args


def test_registry_modules(tmp_path: Path, registry: str, terraform_bin: str, oracle_env: dict[str, str]) -> None:
    config = (
        'module "a" {\n  source  = "registry.example.com/ns/vpc/aws"\n  version = "~> 1.0"\n}\n\n'
        'module "b" {\n  source = "registry.example.com/ns/vpc/aws//sub"\n}\n\n'
        'module "c" {\n  source  = "registry.example.com/ns/vpc/aws"\n  version = "2.0.0-beta"\n}\n\n'
        'module "d" {\n  source  = "registry.example.com/ns/vpc/aws"\n  version = "1.0.0"\n}\n\n'
        'module "e" {\n  source  = "registry.example.com/ns/rel/aws"\n}\n\n'
        'module "f" {\n  source  = "ns/vpc/aws//sub"\n  version = "1.0.0"\n}\n'
    )
    _registry_runs(tmp_path, registry, terraform_bin, oracle_env, config, [["init"], ["init"], ["get", "-update"], ["validate"]])


def test_registry_failures(tmp_path: Path, registry: str, terraform_bin: str, oracle_env: dict[str, str]) -> None:
    config = (
        'module "a" {\n  source  = "registry.example.com/ns/vpc/aws"\n  version = "~> 3.0"\n}\n\n'
        'module "b" {\n  source = "registry.example.com/ns/nothere/aws"\n}\n\n'
        'module "c" {\n  source = "registry.example.com/ns/vpc/aws"\n}\n'
    )
    _registry_runs(tmp_path, registry, terraform_bin, oracle_env, config, [["init"]])


def test_registry_download_failure(tmp_path: Path, registry: str, terraform_bin: str, oracle_env: dict[str, str]) -> None:
    """The download endpoint names an archive that is not there."""
    config = 'module "g" {\n  source  = "registry.example.com/ns/gone/aws"\n  version = "1.0.0"\n}\n'
    _registry_runs(tmp_path, registry, terraform_bin, oracle_env, config, [["init"], ["get"]])


def test_s3_sources(tmp_path: Path, moto_server: str, run_terraform: RunFn, run_sheath: RunFn) -> None:
    """An object prefix, a subdirectory of it, an archive object and a prefix with no objects,
    from a bucket of the moto server (its endpoint named in the address, as go-getter takes it)."""
    import boto3

    bucket = f"mods-{tmp_path.name.lower().replace('_', '-')}"[:60]
    s3 = boto3.client("s3", endpoint_url=moto_server, aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1")
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="vpc/main.tf", Body=b'output "s3" {\n  value = 1\n}\n')
    s3.put_object(Bucket=bucket, Key="vpc/sub/main.tf", Body=b'output "sub" {\n  value = 2\n}\n')
    s3.put_object(Bucket=bucket, Key="pkg/mod.zip", Body=_archives()["/pkg/mod.zip"])
    creds = "aws_access_key_id=test&aws_access_key_secret=test"
    base = f"s3::{moto_server}/{bucket}"
    config = (
        f'module "dir" {{\n  source = "{base}/vpc?{creds}"\n}}\n\n'
        f'module "sub" {{\n  source = "{base}/vpc//sub?{creds}"\n}}\n\n'
        f'module "zip" {{\n  source = "{base}/pkg/mod.zip?{creds}"\n}}\n'
    )
    _compare(tmp_path / "ok", run_terraform, run_sheath, config, [["init"], ["init"], ["get", "-update"], ["validate"]])
    missing = f'module "missing" {{\n  source = "{base}/nothere?{creds}"\n}}\n'
    _compare(tmp_path / "missing", run_terraform, run_sheath, missing, [["init"]])


def test_git_over_http(tmp_path: Path, repo: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    """git::http:// sources: the repository served by git's dumb HTTP protocol on 127.0.0.1."""
    _git(repo, "update-server-info")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    handler = functools.partial(Quiet, directory=str(repo.parent))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/{repo.name}"
        config = (
            f'module "tag" {{\n  source = "git::{url}//sub?ref=v1.0.0"\n}}\n\n'
            f'module "head" {{\n  source = "git::{url}"\n}}\n\n'
            f'module "gone" {{\n  source = "git::{url}.missing?ref=v1.0.0"\n}}\n'
        )
        _compare(tmp_path / "run", run_terraform, run_sheath, config, [["init"], ["get"]])
    finally:
        server.shutdown()
        server.server_close()


def _https_registry(tmp_path: Path, content_type: str) -> tuple[http.server.ThreadingHTTPServer, Path]:
    """A registry served over https on 127.0.0.1 with a self-signed certificate (returned, for
    SSL_CERT_FILE): its discovery document (with content_type), one module ns/vpc/aws 1.0.0
    whose download is an https archive of the same server."""
    need(shutil.which("openssl") is not None, "openssl")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "2",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )
    archive = _archives()["/pkg/mod.tar.gz"]

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            path = self.path.split("?", 1)[0]
            base = f"https://127.0.0.1:{self.server.server_address[1]}"
            body, ctype = b"", "application/json"
            if path == "/.well-known/terraform.json":
                body, ctype = json.dumps({"modules.v1": "/v1/modules/"}).encode(), content_type
            elif path == "/v1/modules/ns/vpc/aws/versions":
                body = json.dumps({"modules": [{"versions": [{"version": "1.0.0"}]}]}).encode()
            elif path == "/v1/modules/ns/vpc/aws/1.0.0/download":
                self.send_response(204)
                self.send_header("X-Terraform-Get", f"{base}/mod.tar.gz")
                self.end_headers()
                return
            elif path == "/mod.tar.gz":
                body, ctype = archive, "application/octet-stream"
            else:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            if ctype:
                self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(str(cert), str(key))
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, cert


@pytest.mark.parametrize("content_type", ["application/json", "", "text/html; charset=utf-8"])
def test_registry_service_discovery(
    content_type: str, tmp_path: Path, terraform_bin: str, oracle_env: dict[str, str]
) -> None:
    """A registry host found through https://<host>/.well-known/terraform.json, as terraform finds it
    (the host is 127.0.0.1:<port>; both tools trust the test's certificate through SSL_CERT_FILE)."""
    server, cert = _https_registry(tmp_path, content_type)
    try:
        host = f"127.0.0.1:{server.server_address[1]}"
        env = {**oracle_env, "SSL_CERT_FILE": str(cert)}
        dirs = [tmp_path / "tf", tmp_path / "sh"]
        for d in dirs:
            d.mkdir()
            (d / "main.tf").write_text(f'module "r" {{\n  source  = "{host}/ns/vpc/aws"\n  version = "1.0.0"\n}}\n')
        for args in (["init"], ["init"], ["validate"]):
            tf = subprocess.run([terraform_bin, *args, "-no-color"], cwd=dirs[0], env=env, capture_output=True, text=True)
            sh = subprocess.run([sys.executable, "-m", "sheath", *args, "-no-color"], cwd=dirs[1], env=env, capture_output=True, text=True)
            if (sh.returncode, sh.stdout, sh.stderr) != (tf.returncode, tf.stdout, tf.stderr):
                print("TF", tf.stdout, tf.stderr, "SH", sh.stdout, sh.stderr)  # shown on failure
            assert (sh.returncode, sh.stdout, sh.stderr) == (tf.returncode, tf.stdout, tf.stderr), args
            assert _tree(dirs[1] / MODULES) == _tree(dirs[0] / MODULES), args
    finally:
        server.shutdown()
        server.server_close()


def test_github_and_ssh_shorthands(tmp_path: Path, repo: Path, terraform_bin: str, oracle_env: dict[str, str]) -> None:
    """github.com/... and git@host:... become terraform's git::https:// and git::ssh:// addresses (in the
    output and the manifest); git's url.<base>.insteadOf sends both to the local repository, and
    proxies on a closed local port stop anything that would leave the machine."""
    env = {**oracle_env, "GIT_CONFIG_COUNT": "2", "GIT_SSH_COMMAND": "false"}
    for i, remote in enumerate(("https://github.com/sheath-test/repo.git", "ssh://git@github.com/sheath-test/repo.git")):
        env[f"GIT_CONFIG_KEY_{i}"] = f"url.file://{repo}.insteadOf"
        env[f"GIT_CONFIG_VALUE_{i}"] = remote
    for var in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        env[var] = "http://127.0.0.1:9"
    config = (
        'module "gh" {\n  source = "github.com/sheath-test/repo//sub?ref=v1.0.0"\n}\n\n'
        'module "ssh" {\n  source = "git@github.com:sheath-test/repo.git?ref=main"\n}\n\n'
        'module "plain" {\n  source = "github.com/sheath-test/repo"\n}\n'
    )
    _runs_with_env(tmp_path, env, terraform_bin, config, [["init"], ["init"], ["validate"]])


def test_run_blocks_take_local_and_registry_sources_only(tmp_path: Path, repo: Path, run_terraform: RunFn, run_sheath: RunFn) -> None:
    """terraform refuses a git source in a test file's run block; sheath says the same."""
    dirs = [tmp_path / "tf", tmp_path / "sh"]
    for d in dirs:
        (d / "tests").mkdir(parents=True)
        (d / "main.tf").write_text("")
        (d / "tests" / "a.tftest.hcl").write_text(f'run "r" {{\n  module {{\n    source = "git::file://{repo}//sub"\n  }}\n}}\n')
    tf = run_terraform(["get", "-no-color"], dirs[0])
    sh = run_sheath(["get", "-no-color"], dirs[1])
    assert (sh.returncode, sh.stdout, sh.stderr) == (tf.returncode, tf.stdout, tf.stderr)
