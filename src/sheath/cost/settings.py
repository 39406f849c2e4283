"""The ``cost`` block of ``sheath-policy.hcl``: the usage file the pull-request Markdown's
"Cost" section and the ``max_monthly_cost_increase`` limit read (docs/cost.md)::

    cost {
      usage_file = "infracost-usage.yml"  # relative to the directory of sheath-policy.hcl
    }

Without the block (or the file), usage-based components are listed and not counted.
"""

from __future__ import annotations

import os

from sheath.cost.usage import UsageFile, load_usage_file
from sheath.diag import Diagnostics

SETTINGS_FILE = "sheath-policy.hcl"


def read_cost_usage(root_dir: str = ".") -> tuple[UsageFile | None, Diagnostics]:
    """The usage file named by the cost block of root_dir's sheath-policy.hcl: an empty
    UsageFile when none is named, None (with an error) when it cannot be read."""
    from sheath.config.common import range_str
    from sheath.lang import hcl
    from sheath.lang.eval.context import EvalContext
    from sheath.lang.eval.evaluator import evaluate
    from sheath.lang.hclsyntax.parser import parse_config

    path = os.path.join(root_dir, SETTINGS_FILE)
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError:
        return UsageFile(), Diagnostics()
    f, diags = parse_config(data, path)
    if diags.has_errors():
        return None, diags
    content, _remain, d = f.body.partial_content(hcl.BodySchema((), (hcl.BlockHeaderSchema("cost"),)))
    diags.extend(d)
    usage: UsageFile | None = UsageFile()
    for i, b in enumerate(content.blocks):
        if i > 0:  # a second block would silently replace the first one's usage file
            first = content.blocks[0].def_range
            diags.add_error("Duplicate cost block", f"{SETTINGS_FILE} may have only one cost block. "
                            f"It was previously given at {range_str(first)}.", b.def_range)
            continue
        attrs, d = b.body.just_attributes()
        diags.extend(d)
        for name, a in attrs.items():
            if name != "usage_file":
                diags.add_error("Unsupported argument", f'An argument named "{name}" is not expected in a cost block.', a.name_range)
                continue
            v, d = evaluate(a.expr, EvalContext(None, None))
            diags.extend(d)
            if d.has_errors():
                continue
            if not isinstance(v.v, str) or not v.v:
                diags.add_error("Invalid usage file", "usage_file must be the path of an Infracost-compatible usage file.",
                                a.expr.range)
                continue
            target = v.v if os.path.isabs(v.v) else os.path.join(root_dir, v.v)
            usage, ud = load_usage_file(os.path.normpath(target))
            for x in ud:
                if x.subject is None:
                    x.subject = a.expr.range
            diags.extend(ud)
    return (None if diags.has_errors() else usage), diags
