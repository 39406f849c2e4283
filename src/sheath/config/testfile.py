"""Test files (*.tftest.hcl): loaded and checked as terraform validate checks them.

terraform validate reads the root module's test files (and those of the test directory,
"tests" unless -test-directory says otherwise) with the configuration, so their problems
are configuration errors: duplicate or invalid run block names, override blocks without a
target, targets of the wrong kind, and two override blocks with one target in one scope.
Running them is sheath.testing's (sheath test); this module is the static decoding validate uses.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from sheath.addrs.parse import parse_module_instance_prefix, parse_resource_under_module, steps_from_traversal
from sheath.addrs.resource import ResourceMode
from sheath.addrs.parse import steps_range
from sheath.addrs.referenceable import Check, InputVariable, OutputValue, parse_ref_steps
from sheath.addrs.resource import Resource, ResourceInstance
from sheath.config.common import (
    BAD_IDENTIFIER_DETAIL,
    decode_check_rule,
    decode_depends_on,
    decode_provider_config_ref,
    range_str,
    valid_identifier,
)
from sheath.config.exprs import abs_traversal_for_expr, decode_bool, decode_string, expr_as_keyword, expr_map
from sheath.config.module_call import parse_module_source, provider_map_key
from sheath.config.terraform_block import decode_version_constraint
from sheath.config.loader import Config, parse_file
from sheath.diag import Diagnostics, Range
from sheath.lang import hcl

TEST_FILE_SUFFIX = ".tftest.hcl"
DEFAULT_TEST_DIRECTORY = "tests"

TEST_FILE_SCHEMA = hcl.BodySchema(
    blocks=(
        hcl.BlockHeaderSchema("run", ("name",)),
        hcl.BlockHeaderSchema("provider", ("name",)),
        hcl.BlockHeaderSchema("mock_provider", ("name",)),
        hcl.BlockHeaderSchema("variables"),
        hcl.BlockHeaderSchema("override_resource"),
        hcl.BlockHeaderSchema("override_data"),
        hcl.BlockHeaderSchema("override_module"),
    )
)

# terraform's testRunBlockSchema, testRunOptionsBlockSchema and testRunModuleBlockSchema
RUN_SCHEMA = hcl.BodySchema(
    attributes=(
        hcl.AttributeSchema("command"),
        hcl.AttributeSchema("providers"),
        hcl.AttributeSchema("expect_failures"),
        hcl.AttributeSchema("state_key"),
    ),
    blocks=(
        hcl.BlockHeaderSchema("plan_options"),
        hcl.BlockHeaderSchema("assert"),
        hcl.BlockHeaderSchema("variables"),
        hcl.BlockHeaderSchema("module"),
        hcl.BlockHeaderSchema("override_resource"),
        hcl.BlockHeaderSchema("override_data"),
        hcl.BlockHeaderSchema("override_module"),
    ),
)
PLAN_OPTIONS_SCHEMA = hcl.BodySchema(
    attributes=(
        hcl.AttributeSchema("mode"),
        hcl.AttributeSchema("refresh"),
        hcl.AttributeSchema("replace"),
        hcl.AttributeSchema("target"),
    )
)
RUN_MODULE_SCHEMA = hcl.BodySchema(attributes=(hcl.AttributeSchema("source"), hcl.AttributeSchema("version")))
_ALIAS = hcl.BodySchema(attributes=(hcl.AttributeSchema("alias"),))

_OVERRIDES = (
    hcl.BlockHeaderSchema("override_resource"),
    hcl.BlockHeaderSchema("override_data"),
    hcl.BlockHeaderSchema("override_module"),
)

_TARGET = hcl.BodySchema(attributes=(hcl.AttributeSchema("target"),))

_KIND_NOUN = {"override_resource": "resources", "override_data": "data sources", "override_module": "modules"}


@dataclass
class OverrideTarget:
    """What an override block targets: a module path and, for resources, the resource key in it."""

    address: str
    module: tuple[str, ...]
    resource: str | None
    range: Range
    run: str | None = None
    """The run block the override is in (None: the file's, or a mock provider's)."""


@dataclass
class RunModule:
    """A run block's valid module block: the source (local or registry) and its range."""

    run: str
    source: str
    local: bool
    range: Range


@dataclass
class TestFile:
    filename: str
    runs: list[str] = field(default_factory=list)
    overrides: list[OverrideTarget] = field(default_factory=list)
    modules: list[RunModule] = field(default_factory=list)
    expect_failures: list[hcl.Traversal] = field(default_factory=list)


def _target_exists(cfg: Config, o: OverrideTarget) -> bool:
    c: Config | None = cfg
    for name in o.module:
        c = c.children.get(name) if c is not None else None
    return c is not None and (o.resource is None or c.module.resource_by_key(o.resource) is not None)


def missing_override_targets(
    files: list[TestFile], cfg: Config, run_configs: Mapping[tuple[str, str], Config | None] | None = None
) -> Diagnostics:
    """Override targets the configuration under test does not declare (a warning, as terraform's).

    run_configs: the configuration each run block with a module block tests, by (file name,
    run name); None for one that could not be loaded, whose run's overrides are not checked.
    A run's overrides are checked against the configuration it tests (terraform's
    TestRun.Validate); the file's against the root module's and every run's module's
    (TestFile.canTarget)."""
    diags = Diagnostics()
    run_configs = run_configs or {}
    for tf in files:
        tested = {rm.run: run_configs.get((tf.filename, rm.run)) for rm in tf.modules}
        for o in tf.overrides:
            if o.run is None:
                ok = _target_exists(cfg, o) or any(c is not None and _target_exists(c, o) for c in tested.values())
            elif o.run in tested:
                c = tested[o.run]
                ok = c is None or _target_exists(c, o)
            else:
                ok = _target_exists(cfg, o)
            if ok:
                continue
            diags.add_warning(
                "Invalid override target",
                f"The override target {o.address} does not exist within the configuration under test. This could "
                "indicate a typo in the target address or an unnecessary override.",
                o.range,
            )
    return diags


def test_file_paths(root_dir: str, test_dir: str = DEFAULT_TEST_DIRECTORY) -> list[str]:
    """The test files of a root module, as paths relative to root_dir (root first, then test_dir)."""
    out: list[str] = []
    for d in ("", test_dir):
        try:
            names = sorted(os.listdir(os.path.join(root_dir, d) if d else root_dir))
        except OSError:
            continue
        out += [os.path.join(d, n) if d else n for n in names if n.endswith(TEST_FILE_SUFFIX)]
    return out


def load_test_files(root_dir: str, test_dir: str = DEFAULT_TEST_DIRECTORY) -> tuple[list[TestFile], Diagnostics]:
    diags = Diagnostics()
    files: list[TestFile] = []
    # terraform's dirFiles reads the test directory first, then the module's own directory
    paths = test_file_paths(root_dir, test_dir)
    in_test_dir = [p for p in paths if os.path.dirname(p)]
    for rel in in_test_dir + [p for p in paths if p not in in_test_dir]:
        path = rel if root_dir in ("", ".") else os.path.join(root_dir, rel)
        hf, d = parse_file(path)
        diags.extend(d)
        if hf is None:  # as terraform's LoadTestFile, a file with syntax errors is decoded as far as it parsed
            continue
        tf, d = decode_test_file(rel, hf.body)
        diags.extend(d)
        files.append(tf)
    return files, diags


def test_file_syntax_problems(root_dir: str, test_dir: str = DEFAULT_TEST_DIRECTORY) -> Diagnostics:
    """The test files' syntax errors alone (what parsing them reports, before decoding)."""
    diags = Diagnostics()
    for rel in test_file_paths(root_dir, test_dir):
        diags.extend(parse_file(rel if root_dir in ("", ".") else os.path.join(root_dir, rel))[1])
    return diags


def test_file_sources(root_dir: str, test_dir: str = DEFAULT_TEST_DIRECTORY) -> dict[str, bytes]:
    """The test files' bytes by their path relative to root_dir, for diagnostics' snippets."""
    out: dict[str, bytes] = {}
    for rel in test_file_paths(root_dir, test_dir):
        try:
            with open(os.path.join(root_dir, rel), "rb") as fh:
                out[rel] = fh.read()
        except OSError:
            continue
    return out


def expect_failures_problems(files: list[TestFile]) -> Diagnostics:
    """terraform validate's run.Validate: each expect_failures entry must name a checkable
    object (input variable, output value, check block, resource or data source); whether it
    exists is not checked."""
    diags = Diagnostics()
    for tf in files:
        diags.extend(expect_failures_references(tf.expect_failures))
    return diags


def expect_failures_references(traversals: list[hcl.Traversal]) -> Diagnostics:
    """One run block's expect_failures entries that name no checkable object."""
    diags = Diagnostics()
    for t in traversals:
        subject, rng, d = _testing_scope_ref(t)
        diags.extend(d)
        if subject is None or d.has_errors():
            continue
        diags.add_error(
            "Invalid `expect_failures` reference",
            f"You cannot expect failures from {subject}. You can only expect failures from checkable objects "
            "such as input variables, output values, check blocks, managed resources and data sources.",
            rng,
        )
    return diags


def _testing_scope_ref(t: hcl.Traversal) -> tuple[str | None, Range | None, Diagnostics]:
    """terraform's ParseRefFromTestingScope for expect_failures: the subject's text when it
    is not checkable (None when it is, or when the reference is invalid) and its range."""
    steps = steps_from_traversal(t)
    diags = Diagnostics()
    root = str(steps[0].value) if steps and steps[0].kind == "name" else ""
    if root in ("output", "check", "run"):
        if len(steps) < 2:
            diags.add_error(
                "Invalid reference",
                f'The "{root}" object cannot be accessed directly. Instead, access one of its attributes.',
                steps[0].range,
            )
            return None, None, diags
        if steps[1].kind != "name":
            diags.add_error("Invalid reference", f'The "{root}" object does not support this operation.', steps[1].range)
            return None, None, diags
        if root == "run":
            return f"run.{steps[1].value}", steps_range(steps[:2]), diags
        return None, None, diags
    ref, diags = parse_ref_steps(steps)
    if ref is None or diags.has_errors():
        return None, None, diags
    if isinstance(ref.subject, (InputVariable, OutputValue, Check, Resource, ResourceInstance)):
        return None, None, diags
    return str(ref.subject), ref.source_range, diags


def decode_test_file(filename: str, body: hcl.Body) -> tuple[TestFile, Diagnostics]:
    """terraform's loadTestFile: the file's blocks against its schema, in order; a second
    file-level variables block, a second provider or mock_provider block for one
    configuration and a second run block of one name are errors at the later block."""
    content, diags = body.content(TEST_FILE_SCHEMA)
    tf = TestFile(filename)
    runs: dict[str, hcl.Block] = {}
    variables: Range | None = None
    providers: dict[str, Range] = {}  # name or name.alias -> the first block's name label
    file_overrides = _OverrideScope(tf.overrides)
    for b in content.blocks:
        if b.type == "run":
            modules, failures = list(tf.modules), len(tf.expect_failures)
            diags.extend(_decode_run(b, tf))
            name = b.labels[0]
            first = runs.get(name)
            if first is not None:
                # terraform drops the second run of a name: nothing of it is installed or checked
                tf.modules, tf.expect_failures = modules, tf.expect_failures[:failures]
                diags.add_error(
                    'Duplicate "run" block names',
                    f"This test file already has a run named {name} block defined at {range_str(first.def_range)}.",
                    b.def_range,
                )
                continue
            runs[name] = b
            tf.runs.append(name)
        elif b.type == "variables":
            if variables is not None:
                diags.add_error(
                    'Multiple "variables" blocks',
                    f"This test file already has a variables block defined at {range_str(variables)}.",
                    b.def_range,
                )
                continue
            variables = b.def_range
            _, d = b.body.just_attributes()
            diags.extend(d)
        elif b.type in ("provider", "mock_provider"):
            if b.type == "mock_provider":
                diags.extend(_nested_overrides(b, tf.overrides))
            key = _provider_key(b)
            if key is None:
                continue
            previous = providers.get(key)
            if previous is not None:
                diags.add_error(
                    "Duplicate provider block",
                    f"A provider for {key} is already defined at {range_str(previous)}.",
                    b.def_range,
                )
                continue
            providers[key] = b.label_ranges[0] if b.label_ranges else b.def_range
        elif b.type in _KIND_NOUN:
            diags.extend(file_overrides.add(b))
    return tf, diags


def _provider_key(block: hcl.Block) -> str | None:
    """A provider or mock_provider block's configuration: its name, with ".alias" when it
    has one (terraform's moduleUniqueKey); None for a name that is not normalised, which
    terraform decodes into no provider at all."""
    name = block.labels[0]
    if name != name.lower():
        return None
    content, _, _ = block.body.partial_content(_ALIAS)
    attr = content.attributes.get("alias")
    alias = decode_string(attr.expr)[0] if attr is not None else None
    return f"{name}.{alias}" if alias else name


def _decode_run(block: hcl.Block, tf: TestFile) -> Diagnostics:
    """terraform's decodeTestRunBlock: the run block against its schema, its name, its
    nested blocks in order (one plan_options, variables and module block each), then its
    command, providers, expect_failures and state_key."""
    targets = tf.overrides
    content, diags = block.body.content(RUN_SCHEMA)
    if not valid_identifier(block.labels[0]):
        diags.add_error("Invalid run block name", BAD_IDENTIFIER_DETAIL, block.label_ranges[0] if block.label_ranges else block.def_range)
    options: Range | None = None
    variables: Range | None = None
    module: Range | None = None
    overrides = _OverrideScope(targets, run=block.labels[0])
    for b in content.blocks:
        if b.type == "assert":
            _, d = decode_check_rule(b)
            diags.extend(d)
        elif b.type == "plan_options":
            if options is not None:
                diags.add_error(
                    'Multiple "plan_options" blocks',
                    f"This run block already has a plan_options block defined at {range_str(options)}.",
                    b.def_range,
                )
                continue
            d = _decode_plan_options(b)
            diags.extend(d)
            if not d.has_errors():
                options = b.def_range
        elif b.type == "variables":
            if variables is not None:
                diags.add_error(
                    'Multiple "variables" blocks',
                    f"This run block already has a variables block defined at {range_str(variables)}.",
                    b.def_range,
                )
                continue
            variables = b.def_range
            _, d = b.body.just_attributes()
            diags.extend(d)
        elif b.type == "module":
            if module is not None:
                # terraform decodes the later block all the same (and keeps it when valid)
                diags.add_error(
                    'Multiple "module" blocks',
                    f"This run block already has a module block defined at {range_str(module)}.",
                    b.def_range,
                )
            rm, d = _decode_run_module(b, block.labels[0])
            diags.extend(d)
            if rm is not None and not d.has_errors():
                module = b.def_range
                tf.modules = [m for m in tf.modules if m.run != rm.run or m.range.filename != rm.range.filename] + [rm]
        elif b.type in _KIND_NOUN:
            diags.extend(overrides.add(b))
    diags.extend(_run_command(content))
    attr = content.attributes.get("providers")
    if attr is not None:
        diags.extend(_decode_passed_providers(attr))
    attr = content.attributes.get("expect_failures")
    if attr is not None:
        failures, d = decode_depends_on(attr)
        diags.extend(d)
        tf.expect_failures.extend(failures)
    attr = content.attributes.get("state_key")
    if attr is not None:
        diags.extend(decode_string(attr.expr)[1])
    return diags


def _decode_passed_providers(attr: hcl.Attribute) -> Diagnostics:
    """A run block's providers map (terraform's decodePassedProviderConfigs): each key and
    value a provider configuration reference, each key once."""
    pairs, diags = expr_map(attr.expr)
    seen: dict[str, Range] = {}
    for kexpr, vexpr in pairs:
        key, d1 = decode_provider_config_ref(provider_map_key(kexpr), "providers")
        value, d2 = decode_provider_config_ref(vexpr, "providers")
        diags.extend(d1)
        diags.extend(d2)
        if key is None or value is None or d1.has_errors() or d2.has_errors():
            continue
        previous = seen.get(str(key))
        if previous is not None:
            diags.add_error(
                "Duplicate provider address",
                f"A provider configuration was already passed to {key} at {range_str(previous)}. Each child "
                "provider configuration can be assigned only once.",
                vexpr.range,
            )
            continue
        seen[str(key)] = Range(kexpr.range.filename, kexpr.range.start, vexpr.range.end)
    return diags


def _decode_plan_options(block: hcl.Block) -> Diagnostics:
    """A run block's plan_options (terraform's decodeTestRunOptionsBlock)."""
    oc, diags = block.body.content(PLAN_OPTIONS_SCHEMA)
    mode = oc.attributes.get("mode")
    keyword = expr_as_keyword(mode.expr) if mode is not None else "normal"
    if mode is not None and keyword not in ("normal", "refresh-only"):
        diags.add_error(
            'Invalid "mode" keyword',
            'The "mode" argument requires one of the following keywords without quotes: normal or refresh-only',
            mode.expr.range,
        )
    refresh = oc.attributes.get("refresh")
    refresh_value: bool | None = True
    if refresh is not None:
        refresh_value, d = decode_bool(refresh.expr)
        diags.extend(d)
    for name in ("replace", "target"):
        attr = oc.attributes.get(name)
        if attr is not None:
            diags.extend(decode_depends_on(attr)[1])
    if refresh is not None and refresh_value is False and keyword == "refresh-only":
        diags.add_error(
            "Incompatible plan options",
            'The "refresh" option cannot be set to false when running a test in "refresh-only" mode.',
            refresh.range,
        )
    return diags


def _decode_run_module(block: hcl.Block, run: str) -> tuple[RunModule | None, Diagnostics]:
    """A run block's module block (terraform's decodeTestRunModuleBlock): a source is
    required, local or from a registry; version makes it a registry address."""
    content, diags = block.body.content(RUN_MODULE_SCHEMA)
    version = content.attributes.get("version")
    if version is not None:
        _, _, d = decode_version_constraint(version)
        diags.extend(d)
    attr = content.attributes.get("source")
    if attr is None:
        diags.add_error(
            'Missing "source" attribute for module block',
            "You must specify a source attribute when executing alternate modules during test executions.",
            block.def_range,
        )
        return None, diags
    source, d = decode_string(attr.expr)
    diags.extend(d)
    if source is None:
        return None, diags
    parsed, detail = parse_module_source(source)
    if parsed is None:
        if detail.startswith("Terraform cannot detect"):
            diags.add_error(
                "Invalid module source address",
                f'Terraform failed to determine your intended installation method for remote module package "{source}".'
                f'\n\nIf you intended this as a path relative to the current module, use "./{source}" instead. The '
                '"./" prefix indicates that the address is a relative filesystem path.',
                attr.range,
            )
        else:
            diags.add_error("Invalid module source address", f"Failed to parse module source address: {detail}.", attr.range)
        return None, diags
    if version is not None and parsed.kind != "registry":
        what = f'can\'t use local directory "{source}" as a module registry address' if parsed.is_local() else "invalid registry address"
        diags.add_error(
            "Invalid registry module source address",
            f"Failed to parse module registry address: {what}.\n\nTerraform assumed that you intended a module "
            'registry source address because you also set the argument "version", which applies only to registry '
            "modules.",
            attr.range,
        )
        return None, diags
    if parsed.kind == "remote":
        diags.add_error(
            "Invalid module source address",
            "Only local or registry module sources are currently supported from within test run blocks.",
            attr.range,
        )
        return None, diags
    return RunModule(run, source, parsed.is_local(), attr.expr.range), diags


def _run_command(content: hcl.BodyContent) -> Diagnostics:
    """A run block's command: the keyword apply or plan (terraform's decodeTestRunBlock)."""
    diags = Diagnostics()
    attr = content.attributes.get("command")
    if attr is not None and expr_as_keyword(attr.expr) not in ("apply", "plan"):
        diags.add_error(
            'Invalid "command" keyword',
            'The "command" argument requires one of the following keywords without quotes: apply or plan.',
            attr.expr.range,
        )
    return diags


def _nested_overrides(block: hcl.Block, targets: list[OverrideTarget]) -> Diagnostics:
    content, _, diags = block.body.partial_content(hcl.BodySchema(blocks=_OVERRIDES))
    scope = _OverrideScope(targets)
    for b in content.blocks:
        diags.extend(scope.add(b))
    return diags


@dataclass
class _OverrideScope:
    """The override blocks of one file, run block or mock provider: one per target."""

    targets: list[OverrideTarget]
    seen: dict[str, hcl.Block] = field(default_factory=dict)
    run: str | None = None

    def add(self, b: hcl.Block) -> Diagnostics:
        content, _, diags = b.body.partial_content(_TARGET)
        attr = content.attributes.get("target")
        if attr is None:
            diags.add_error("Missing target attribute", f"{b.type} blocks must specify a target address.", b.def_range)
            return diags
        t, d = abs_traversal_for_expr(attr.expr)
        diags.extend(d)
        if t is None or d.has_errors():
            return diags
        parsed, kind, d = _parse_target(t, attr.range)
        diags.extend(d)
        if parsed is None or d.has_errors():
            return diags
        target = parsed.address
        if kind != b.type:
            diags.add_error(
                "Invalid override target",
                f"You can only target {_KIND_NOUN[b.type]} from {b.type} blocks, not {target}.",
                attr.range,
            )
            return diags
        first = self.seen.get(target)
        if first is not None:
            diags.add_error(
                f"Duplicate {b.type} block",
                f"An {b.type} block targeting {target} has already been defined at {range_str(first.def_range)}.",
                b.def_range,
            )
            return diags
        self.seen[target] = b
        parsed.run = self.run
        self.targets.append(parsed)
        return diags


def _parse_target(t: hcl.Traversal, rng: Range) -> tuple[OverrideTarget | None, str, Diagnostics]:
    """A target address (terraform's ParseTarget) and the override block kind it suits."""
    from sheath.addrs.resource import ResourceInstance

    steps = steps_from_traversal(t)
    mi, rest, diags = parse_module_instance_prefix(steps)
    if diags.has_errors():
        return None, "", diags
    path = tuple(s.name for s in mi.steps)
    if not rest:
        return OverrideTarget(str(mi), path, None, rng), "override_module", diags
    res, key, has_key, d = parse_resource_under_module(rest)
    diags.extend(d)
    if res is None or d.has_errors():
        return None, "", diags
    addr = str(ResourceInstance(res, key)) if has_key else str(res)
    if not mi.is_root():
        addr = f"{mi}.{addr}"
    kind = "override_data" if res.mode is ResourceMode.DATA else "override_resource"
    return OverrideTarget(addr, path, str(res), rng), kind, diags
