"""terraform providers mirror's output: packages in the packed filesystem-mirror layout
(HOSTNAME/NAMESPACE/TYPE/terraform-provider-TYPE_VERSION_OS_ARCH.zip) and the JSON index
files a network mirror serves (index.json, VERSION.json)."""

from __future__ import annotations

import os
import shutil
import tempfile
import zipfile

from sheath.getproviders.hash import package_hash_h1
from sheath.getproviders.sources import FilesystemMirrorSource, SourceError
from sheath.getproviders.types import PackageLocalArchive, PackageMeta


def package_path(out_dir: str, meta: PackageMeta) -> str:
    p = meta.provider
    name = f"terraform-provider-{p.type}_{meta.version}_{meta.target_platform}.zip"
    return os.path.join(out_dir, p.hostname, p.namespace, p.type, name)


def mirror_package(meta: PackageMeta, out_dir: str) -> str:
    """Put meta's package into out_dir as an archive (copied, or zipped from an unpacked
    directory, its files' modes kept); the archive's path."""
    target = package_path(out_dir, meta)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    fd, staging = tempfile.mkstemp(prefix=".staging-", suffix=".zip", dir=os.path.dirname(target))
    os.close(fd)
    try:
        if isinstance(meta.location, PackageLocalArchive):
            shutil.copyfile(meta.location.path, staging)
        else:
            root = meta.location.path
            with zipfile.ZipFile(staging, "w", zipfile.ZIP_DEFLATED) as z:
                for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
                    dirnames.sort()
                    for name in sorted(filenames):
                        full = os.path.join(dirpath, name)
                        z.write(full, os.path.relpath(full, root))
        os.chmod(staging, 0o644)
        os.replace(staging, target)
    except BaseException:
        if os.path.exists(staging):
            os.unlink(staging)
        raise
    return target


def write_mirror_indexes(out_dir: str) -> str:
    """index.json and VERSION.json for every provider in out_dir; an error message, or ""."""
    from sheath.states.gojson import dumps

    try:
        found = FilesystemMirrorSource(out_dir).all_packages()
    except SourceError as e:
        return str(e)
    for provider, metas in found.items():
        base = os.path.join(out_dir, provider.hostname, provider.namespace, provider.type)
        by_version: dict[str, dict[str, PackageLocalArchive]] = {}
        for m in metas:
            if isinstance(m.location, PackageLocalArchive):
                by_version.setdefault(str(m.version), {})[str(m.target_platform)] = m.location
        index: dict[str, dict[str, dict[str, str]]] = {"versions": {v: {} for v in sorted(by_version)}}
        try:
            with open(os.path.join(base, "index.json"), "w", encoding="utf-8") as fh:
                fh.write(dumps(index))
            for v, by_platform in by_version.items():
                doc = {
                    "archives": {
                        platform: {"hashes": [package_hash_h1(loc)], "url": os.path.basename(loc.path)}
                        for platform, loc in sorted(by_platform.items())
                    }
                }
                with open(os.path.join(base, f"{v}.json"), "w", encoding="utf-8") as fh:
                    fh.write(dumps(doc))
        except OSError as e:
            return f"failed to write index files in {base}: {e}"
    return ""
