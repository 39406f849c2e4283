"""Where a working directory's generated provider bindings are, and putting them on
sheath.stack.providers' search path while one of its stacks runs."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator

PYTHON_DIR = os.path.join(".terraform", "sheath", "python")
"""The working directory's generated modules, as sheath/stack/providers/NAME.py under it."""
PACKAGE = "sheath.stack.providers"
PACKAGE_PATH = os.path.join("sheath", "stack", "providers")


@contextlib.contextmanager
def stack_import_path(stack_dir: str) -> Iterator[None]:
    """While a stack of stack_dir runs, its working directory's generated modules are part of
    sheath.stack.providers; afterwards they are forgotten (another directory may hold
    other versions)."""
    import sheath.stack.providers as package

    extra = os.path.abspath(os.path.join(stack_dir, PYTHON_DIR, PACKAGE_PATH))
    if not os.path.isdir(extra):
        yield
        return
    package.__path__.append(extra)
    try:
        yield
    finally:
        with contextlib.suppress(ValueError):
            package.__path__.remove(extra)
        for name, module in list(sys.modules.items()):
            if name.startswith(PACKAGE + ".") and (getattr(module, "__file__", None) or "").startswith(extra + os.sep):
                del sys.modules[name]
                package.__dict__.pop(name.rsplit(".", 1)[1], None)
