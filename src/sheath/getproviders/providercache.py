"""A provider cache directory: .terraform/providers in a working directory, or the
shared plugin cache (TF_PLUGIN_CACHE_DIR). Layout HOSTNAME/NAMESPACE/TYPE/VERSION/OS_ARCH/.

Like terraform, an unpacked package from a filesystem mirror (or from the shared cache)
is installed as a symlink to its directory (absolute path, not resolved), falling back to
a copy where symlinks are impossible; a packed .zip package is extracted."""

from __future__ import annotations

import os
import shutil
import stat
import zipfile
from dataclasses import dataclass

from sheath.addrs.provider import Provider
from sheath.config.versions import Version
from sheath.getproviders.types import PackageLocalArchive, PackageLocalDir, PackageLocation, Platform

PROVIDERS_DIR = os.path.join(".terraform", "providers")


@dataclass(frozen=True, slots=True)
class CachedProvider:
    provider: Provider
    version: Version
    platform: Platform
    package_dir: str

    def executable_path(self) -> str | None:
        """The provider plugin executable: terraform-provider-TYPE* in the package directory."""
        prefix = f"terraform-provider-{self.provider.type}"
        try:
            names = sorted(os.listdir(self.package_dir))
        except OSError:
            return None
        for n in names:
            p = os.path.join(self.package_dir, n)
            if n.startswith(prefix) and os.path.isfile(p):
                return p
        return None


@dataclass(frozen=True, slots=True)
class ProviderCacheDir:
    base_dir: str
    platform: Platform

    def package_dir(self, provider: Provider, version: Version) -> str:
        return os.path.join(self.base_dir, provider.hostname, provider.namespace, provider.type, str(version), str(self.platform))

    def provider_version(self, provider: Provider, version: Version) -> CachedProvider | None:
        d = self.package_dir(provider, version)
        if os.path.isdir(d):
            return CachedProvider(provider, version, self.platform, d)
        return None

    def install(self, provider: Provider, version: Version, location: PackageLocation) -> CachedProvider:
        target = self.package_dir(provider, version)
        remove_package_dir(target)
        os.makedirs(os.path.dirname(target), mode=0o755, exist_ok=True)
        if isinstance(location, PackageLocalArchive):
            extract_zip(location.path, target)
        else:
            link_or_copy(location.path, target)
        return CachedProvider(provider, version, self.platform, target)

    def link_from(self, other: CachedProvider) -> CachedProvider:
        """Install a package already present in another cache directory (the shared cache)."""
        return self.install(other.provider, other.version, PackageLocalDir(other.package_dir))


def remove_package_dir(path: str) -> None:
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    if stat.S_ISDIR(st.st_mode):
        shutil.rmtree(path)
    else:
        os.unlink(path)


def link_or_copy(src: str, target: str) -> None:
    src_abs = os.path.abspath(src)
    try:
        os.symlink(src_abs, target)
    except OSError:
        shutil.copytree(src_abs, target, symlinks=False)


def extract_zip(archive: str, target: str) -> None:
    os.makedirs(target, mode=0o755, exist_ok=True)
    root = os.path.realpath(target)
    with zipfile.ZipFile(archive) as z:
        for info in z.infolist():
            dest = os.path.realpath(os.path.join(target, info.filename))
            if dest != root and not dest.startswith(root + os.sep):
                raise OSError(f"archive member {info.filename!r} would be extracted outside {target}")
            if info.is_dir():
                os.makedirs(dest, mode=0o755, exist_ok=True)
                continue
            os.makedirs(os.path.dirname(dest), mode=0o755, exist_ok=True)
            with z.open(info) as fin, open(dest, "wb") as fout:
                shutil.copyfileobj(fin, fout, 1 << 20)
            mode = (info.external_attr >> 16) & 0o777
            os.chmod(dest, mode or 0o644)
