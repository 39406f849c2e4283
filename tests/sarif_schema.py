"""The official SARIF 2.1.0 JSON schema, for validating sheath's SARIF output.

The schema comes from the npm registry, inside Microsoft's @microsoft/jest-sarif package
(the same schema file the SARIF SDKs validate with); it is fetched once with `npm pack`
into a cache directory and never committed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from conftest import need

PACKAGE = "@microsoft/jest-sarif@1.0.0-beta.0"
MEMBER = "package/lib/schemas/sarif-2.1.0-rtm.5.json"


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "sheath-tests"


def sarif_schema() -> dict[str, Any]:
    target = _cache_dir() / "sarif-2.1.0-rtm.5.json"
    if not target.is_file():
        npm = shutil.which("npm")
        need(npm is not None, "npm (to fetch the SARIF 2.1.0 schema from the npm registry)")
        assert npm is not None
        with tempfile.TemporaryDirectory() as tmp:
            r = subprocess.run([npm, "pack", PACKAGE, "--silent"], cwd=tmp, capture_output=True, text=True, timeout=120)
            need(r.returncode == 0, f"the SARIF schema package {PACKAGE} from the npm registry ({r.stderr.strip()[:200]})")
            tgz = next(Path(tmp).glob("*.tgz"))
            with tarfile.open(tgz) as tf:
                fh = tf.extractfile(MEMBER)
                assert fh is not None
                data = fh.read()
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    doc: dict[str, Any] = json.loads(target.read_bytes())
    return doc


def validate_sarif(doc: dict[str, Any]) -> None:
    import jsonschema

    schema = sarif_schema()
    jsonschema.validators.validator_for(schema)(schema).validate(doc)
