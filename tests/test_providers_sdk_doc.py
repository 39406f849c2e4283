"""The example in docs/providers-sdk.md runs and does what the page says."""

from __future__ import annotations

import re
from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "providers-sdk.md"


def test_sdk_doc_example_runs() -> None:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(), re.DOTALL)
    assert len(blocks) == 2
    ns: dict[str, object] = {}
    for b in blocks:
        exec(compile(b, str(DOC), "exec"), ns)  # noqa: S102 - the documented example
    from sheath.providers.interface import Provider

    p = ns["new_provider"]()  # type: ignore[operator]
    assert isinstance(p, Provider)
