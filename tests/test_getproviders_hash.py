"""Package hashes: h1 (dirhash Hash1) for directories and archives, zh for archives."""

from __future__ import annotations

import base64
import hashlib
import zipfile
from pathlib import Path

from sheath.getproviders import PackageLocalArchive, PackageLocalDir, hash_dir_h1, hash_zip_h1, hash_zip_zh, package_matches_any_hash
from sheath.getproviders.hash import valid_hash_string


def _manual_h1(files: dict[str, bytes]) -> str:
    lines = sorted(f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in files.items())
    return "h1:" + base64.b64encode(hashlib.sha256("".join(lines).encode()).digest()).decode()


FILES = {"terraform-provider-x_v1.0.0": b"\x7fELF fake", "LICENSE.txt": b"license\n", "docs/a.md": b"# a\n"}


def _make(tmp: Path) -> tuple[Path, Path]:
    d = tmp / "pkg"
    for name, data in FILES.items():
        p = d / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    z = tmp / "terraform-provider-x_1.0.0_linux_amd64.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("docs/", "")
        for name, data in FILES.items():
            zf.writestr(name, data)
    return d, z


def test_h1_directory_and_archive_agree(tmp_path: Path) -> None:
    d, z = _make(tmp_path)
    want = _manual_h1(FILES)
    assert hash_dir_h1(str(d)) == want
    assert hash_zip_h1(str(z)) == want  # the hash an archive has once extracted


def test_zh_is_archive_sha256(tmp_path: Path) -> None:
    _, z = _make(tmp_path)
    assert hash_zip_zh(str(z)) == "zh:" + hashlib.sha256(z.read_bytes()).hexdigest()


def test_matches_any_hash_respects_scheme(tmp_path: Path) -> None:
    d, z = _make(tmp_path)
    h1 = _manual_h1(FILES)
    zh = hash_zip_zh(str(z))
    assert package_matches_any_hash(PackageLocalDir(str(d)), ["h1:nope", h1])
    assert not package_matches_any_hash(PackageLocalDir(str(d)), [zh])  # zh never applies to a directory
    assert package_matches_any_hash(PackageLocalArchive(str(z)), [zh])
    assert package_matches_any_hash(PackageLocalArchive(str(z)), [h1])
    assert not package_matches_any_hash(PackageLocalArchive(str(z)), ["zh:00", "h1:x"])


def test_symlinked_files_are_followed(tmp_path: Path) -> None:
    d, _ = _make(tmp_path)
    linked = tmp_path / "linked"
    linked.mkdir()
    for p in d.iterdir():
        (linked / p.name).symlink_to(p)
    assert hash_dir_h1(str(linked)) == _manual_h1(FILES)


def test_hash_string_syntax() -> None:
    assert valid_hash_string("h1:abc")
    assert valid_hash_string("zh:0f")
    assert not valid_hash_string("abc")
    assert not valid_hash_string(":abc")
    assert not valid_hash_string("h1:")
