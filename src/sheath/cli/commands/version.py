"""sheath version [-json]"""

from __future__ import annotations

import sys

import orjson

from sheath import TERRAFORM_VERSION, __version__

# The terraform version sheath is compatible with (written into state files).
TERRAFORM_COMPAT_VERSION = TERRAFORM_VERSION


def run(args: list[str]) -> int:
    if "-json" in args:
        doc = {
            "terraform_version": TERRAFORM_COMPAT_VERSION,
            "sheath_version": __version__,
            "platform": "linux_amd64",
            "provider_selections": {},
            "terraform_outdated": False,
        }
        sys.stdout.write(orjson.dumps(doc, option=orjson.OPT_INDENT_2).decode() + "\n")
        return 0
    sys.stdout.write(f"sheath v{__version__} (compatible with Terraform v{TERRAFORM_COMPAT_VERSION})\non linux_amd64\n")
    return 0
