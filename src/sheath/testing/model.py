"""The file/run model of terraform test: what a .tftest.hcl file asks for.

A test file holds file-level ``variables``, ``provider`` blocks and ``run`` blocks; each run
plans or applies (``command``) the module under test (the root module, or ``module {
source }``), with ``variables`` of its own, ``assert`` conditions checked against the
result, ``expect_failures`` (checkable objects whose failure the run expects) and
``plan_options``. Static problems (duplicate run names, override targets) are
``sheath.config.testfile``'s; this module decodes what running needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sheath.config.common import abs_traversal, shim_traversal_in_string
from sheath.config.exprs import abs_traversal_for_expr, expr_as_keyword, expr_list
from sheath.config.testfile import PLAN_OPTIONS_SCHEMA, RUN_MODULE_SCHEMA, RUN_SCHEMA, TEST_FILE_SCHEMA
from sheath.diag import Diagnostics, Range
from sheath.lang import hcl
from sheath.testing.addresses import traversal_address
from sheath.testing.mocks import DataOverride, MockProviderBlock, decode_mock_provider, decode_override_data

_ASSERT_SCHEMA = hcl.BodySchema(
    attributes=(hcl.AttributeSchema("condition", required=True), hcl.AttributeSchema("error_message", required=True))
)

APPLY = "apply"
PLAN = "plan"


@dataclass
class Assertion:
    condition: hcl.Expression
    error_message: hcl.Expression


@dataclass
class ExpectedFailure:
    """A checkable object a run expects to fail: its address as written ("var.n",
    "terraform_data.y", "output.o", "check.c") and where it is written."""

    address: str
    range: Range


@dataclass
class PlanOptionsBlock:
    mode: str = "normal"  # "normal" | "refresh-only"
    refresh: hcl.Expression | None = None
    replace: list[str] = field(default_factory=list)
    target: list[str] = field(default_factory=list)


@dataclass
class RunBlock:
    name: str
    range: Range
    command: str = APPLY
    variables: dict[str, hcl.Attribute] = field(default_factory=dict)
    assertions: list[Assertion] = field(default_factory=list)
    expect_failures: list[ExpectedFailure] = field(default_factory=list)
    expect_failures_range: Range | None = None
    expect_failures_traversals: list[hcl.Traversal] = field(default_factory=list)
    module_source: str = ""  # "" for the module under test
    module_range: Range | None = None
    plan_options: PlanOptionsBlock = field(default_factory=PlanOptionsBlock)
    data_overrides: list[DataOverride] = field(default_factory=list)


@dataclass
class TestFileSpec:
    """One test file: its path relative to the root module, variables and runs."""

    path: str
    variables: dict[str, hcl.Attribute] = field(default_factory=dict)
    runs: list[RunBlock] = field(default_factory=list)
    mock_providers: list[MockProviderBlock] = field(default_factory=list)
    data_overrides: list[DataOverride] = field(default_factory=list)
    # blocks decoded statically but not run yet (provider, override_*): their kinds and ranges
    unsupported: list[tuple[str, Range]] = field(default_factory=list)


def decode_test_spec(path: str, body: hcl.Body) -> tuple[TestFileSpec, Diagnostics]:
    content, diags = body.content(TEST_FILE_SCHEMA)
    spec = TestFileSpec(path)
    for b in content.blocks:
        if b.type == "variables":
            attrs, d = b.body.just_attributes()
            diags.extend(d)
            spec.variables.update(attrs)
        elif b.type == "run":
            run, d = _decode_run(b)
            diags.extend(d)
            spec.runs.append(run)
        elif b.type == "mock_provider":
            mp, d = decode_mock_provider(b)
            diags.extend(d)
            if mp is not None:
                spec.mock_providers.append(mp)
        elif b.type == "override_data":
            o, d = decode_override_data(b)
            diags.extend(d)
            if o is not None:
                spec.data_overrides.append(o)
        elif b.type in ("override_resource", "override_module", "provider"):
            spec.unsupported.append((b.type, b.def_range))
    return spec, diags


def _decode_run(b: hcl.Block) -> tuple[RunBlock, Diagnostics]:
    content, diags = b.body.content(RUN_SCHEMA)
    run = RunBlock(b.labels[0], b.def_range)
    cmd = content.attributes.get("command")
    if cmd is not None:
        kw = expr_as_keyword(cmd.expr)
        if kw not in (APPLY, PLAN):
            diags.add_error(
                "Invalid \"command\" keyword",
                'The "command" argument requires one of the following keywords without quotes: apply or plan.',
                cmd.expr.range,
            )
        else:
            run.command = kw
    ef = content.attributes.get("expect_failures")
    if ef is not None:
        run.expect_failures_range = ef.range
        exprs, d = expr_list(ef.expr)
        diags.extend(d)
        for e in exprs:
            # a quoted reference is still one (deprecated), as terraform's DecodeDependsOn reads it
            d = Diagnostics()
            t = abs_traversal(shim_traversal_in_string(e, False, d), d)
            diags.extend(d)
            if t is not None and not d.has_errors():
                run.expect_failures.append(ExpectedFailure(traversal_address(t), e.range))
                run.expect_failures_traversals.append(t)
    for name in ("providers", "state_key"):
        a = content.attributes.get(name)
        if a is not None:
            diags.add_error(
                "Unsupported argument",
                f'sheath test does not support the "{name}" argument of run blocks yet.',
                a.name_range,
            )
    for blk in content.blocks:
        if blk.type == "variables":
            attrs, d = blk.body.just_attributes()
            diags.extend(d)
            run.variables.update(attrs)
        elif blk.type == "assert":
            ac, d = blk.body.content(_ASSERT_SCHEMA)
            diags.extend(d)
            cond = ac.attributes.get("condition")
            if cond is not None and not cond.expr.variables():
                diags.add_error(
                    "Invalid assert expression",
                    "The condition expression must refer to at least one object from elsewhere in the configuration, "
                    "or else its result would not be checking anything.",
                    cond.expr.range,
                )
            elif cond is not None and "error_message" in ac.attributes:
                run.assertions.append(Assertion(cond.expr, ac.attributes["error_message"].expr))
        elif blk.type == "module":
            run.module_range = blk.def_range
            mc, d = blk.body.content(RUN_MODULE_SCHEMA)
            diags.extend(d)
            src = mc.attributes.get("source")
            if src is not None:
                from sheath.config.exprs import decode_string

                s, d = decode_string(src.expr)
                diags.extend(d)
                if s is not None and not (s.startswith("./") or s.startswith("../")):
                    diags.add_error(
                        "Unsupported module source",
                        "sheath test runs only local modules (a source starting with ./ or ../).",
                        src.expr.range,
                    )
                elif s is not None:
                    run.module_source = s
            if "version" in mc.attributes:
                diags.add_error("Unsupported argument", "sheath test runs only local modules, which have no version.", mc.attributes["version"].name_range)
        elif blk.type == "override_data":
            o, d = decode_override_data(blk)
            diags.extend(d)
            if o is not None:
                run.data_overrides.append(o)
        elif blk.type == "plan_options":
            po, d = _decode_plan_options(blk)
            diags.extend(d)
            run.plan_options = po
        else:
            diags.add_error(
                "Unsupported block type",
                f"sheath test does not support {blk.type} blocks yet.",
                blk.def_range,
            )
    return run, diags


def _decode_plan_options(b: hcl.Block) -> tuple[PlanOptionsBlock, Diagnostics]:
    content, diags = b.body.content(PLAN_OPTIONS_SCHEMA)
    po = PlanOptionsBlock()
    mode = content.attributes.get("mode")
    if mode is not None:
        kw = expr_as_keyword(mode.expr)
        if kw not in ("normal", "refresh-only"):
            diags.add_error(
                'Invalid "mode" keyword',
                'The "mode" argument requires one of the following keywords without quotes: normal or refresh-only',
                mode.expr.range,
            )
        else:
            po.mode = kw
    refresh = content.attributes.get("refresh")
    if refresh is not None:
        po.refresh = refresh.expr
    for name in ("replace", "target"):
        a = content.attributes.get(name)
        if a is None:
            continue
        exprs, d = expr_list(a.expr)
        diags.extend(d)
        for e in exprs:
            t, d = abs_traversal_for_expr(e)
            diags.extend(d)
            if t is not None and not d.has_errors():
                (po.replace if name == "replace" else po.target).append(traversal_address(t))
    return po, diags
