"""Differential engine corpus: plan, apply, output, state and destroy, against terraform.

Each directory under tests/corpus/engine/ is one case. A case is either one
configuration (its *.tf files at the top) or a sequence of steps, step1/,
step2/, ... : configurations applied in order over the same state. An optional
case.json says what is not the default:

    {
      "args": ["-var=name=x"],          # extra plan/destroy arguments, every step
      "expect": "ok",                     # single-step case: ok | plan_error | apply_error
      "steps": {"step2": {"args": [...], "expect": "plan_error"}},
      "destroy": "ok",                    # after the last step: ok | error | skip
      "destroy_args": []                  # destroy arguments after "args" (default: the last step's)
    }

Both tools run the SAME command lines, each in its own copy of the case:

    init -input=false -no-color
    plan -out=tfplan -no-color -input=false ARGS
    show -json tfplan
    apply -auto-approve -no-color -input=false tfplan
    output -json
    ... and at the end: destroy -auto-approve -no-color -input=false ARGS

and after every step the results are compared: exit codes; the human plan
line by line (progress lines such as "Refreshing state..." as a multiset,
since their order depends on scheduling); diagnostic summaries; the JSON
plan's resource_changes and output_changes; the apply summary, progress and
outputs; `output -json`; the state files (resources, instances, attributes,
outputs, check results). Terraform-generated ids (uuids) and timings are
normalised. Cross checks: `terraform plan -detailed-exitcode` on the state
sheath wrote, and `sheath plan -detailed-exitcode` on the state terraform
wrote, both report no changes (exit 0).

Differences are collected step by step, most basic first; a case stops at the
first fatal one (an exit code, or resources in the state, which every later
step would inherit). The failure message lists them all, naming the step.

terraform runs for real every time (it takes well under a second a command
on these cases). The harness also checks that terraform itself behaves as
case.json says, so a wrong expectation is reported as a corpus error.

Setting SHEATH_ENGINE_CORPUS_CANDIDATE=terraform runs terraform on both sides:
a self-check that the normalisation absorbs everything nondeterministic.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from conftest import RunFn

CORPUS = Path(__file__).parent / "corpus" / "engine"
CASES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir()) if CORPUS.is_dir() else []

# Files a step keeps from the previous one; everything else is replaced by the step's configuration.
KEEP = {"terraform.tfstate", "terraform.tfstate.backup", ".terraform", ".terraform.lock.hcl"}

UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
DEPOSED_RE = re.compile(r"deposed object [0-9a-f]{8}")
ELAPSED_RE = re.compile(r"(after |\[)\d+(?:m\d+)?s( elapsed\])?")
PROGRESS_RE = re.compile(
    r"^\S.*?: (Refreshing state|Reading|Read complete|Preparing import|Importing|Import complete|"
    r"Creating|Creation complete|Creation errored|Modifying|Modifications complete|Modifications errored|"
    r"Destroying|Destruction complete|Destruction errored|Still [a-z]+|Provisioning with)\b"
    # a provisioner's own output, "ADDR (local-exec): ...": interleaved like the rest
    r"|^\S.*? \([a-z][a-z-]*\): "
)
DIAG_SUMMARY_RE = re.compile(r"^(?:│ )?(Error|Warning): (.*)$")
DIAG_WHERE_RE = re.compile(r"^│?\s+on (\S+) line (\d+)")
FORGET_LIST_RE = re.compile(r"^ - \S")  # the list of forgotten objects: terraform prints it in map order

STEP_TIMEOUT = 120.0


# --- the case specification -------------------------------------------------------------


@dataclass(frozen=True)
class StepSpec:
    name: str
    config: Path
    args: tuple[str, ...]
    expect: str  # ok | plan_error | apply_error


@dataclass(frozen=True)
class CaseSpec:
    name: str
    steps: tuple[StepSpec, ...]
    destroy: str  # ok | error | skip
    destroy_args: tuple[str, ...]


def load_case(name: str) -> CaseSpec:
    root = CORPUS / name
    meta_path = root / "case.json"
    meta: dict[str, Any] = json.loads(meta_path.read_text()) if meta_path.exists() else {}
    args = tuple(meta.get("args", []))
    step_dirs = sorted(
        (p for p in root.iterdir() if p.is_dir() and re.fullmatch(r"step\d+", p.name)),
        key=lambda p: int(p.name[4:]),
    )
    steps_meta: dict[str, dict[str, Any]] = meta.get("steps", {})
    if step_dirs:
        steps = tuple(
            StepSpec(
                name=p.name,
                config=p,
                args=args + tuple(steps_meta.get(p.name, {}).get("args", [])),
                expect=str(steps_meta.get(p.name, {}).get("expect", "ok")),
            )
            for p in step_dirs
        )
    else:
        steps = (StepSpec(name="step1", config=root, args=args, expect=str(meta.get("expect", "ok"))),)
    for s in steps:
        assert s.expect in ("ok", "plan_error", "apply_error"), f"{name}/{s.name}: bad expect {s.expect!r}"
    destroy = str(meta.get("destroy", "ok"))
    assert destroy in ("ok", "error", "skip"), f"{name}: bad destroy {destroy!r}"
    destroy_args = args + tuple(meta["destroy_args"]) if "destroy_args" in meta else steps[-1].args
    return CaseSpec(name=name, steps=steps, destroy=destroy, destroy_args=destroy_args)


# --- running one tool -------------------------------------------------------------------


@dataclass
class Proc:
    """A finished command, or one that timed out / could not start (returncode None)."""

    args: list[str]
    returncode: int | None
    stdout: str
    stderr: str

    def tail(self, n: int = 4) -> str:
        lines = [ln for ln in (self.stderr or self.stdout).splitlines() if ln.strip()]
        return " | ".join(lines[-n:])


@dataclass
class StepResult:
    init: Proc
    plan: Proc | None = None
    show: Proc | None = None
    apply: Proc | None = None
    output: Proc | None = None
    state: str | None = None


@dataclass
class Tool:
    name: str
    run: RunFn

    def __call__(self, args: list[str], cwd: Path) -> Proc:
        try:
            cp = self.run(args, cwd=cwd, timeout=STEP_TIMEOUT)
        except subprocess.TimeoutExpired as exc:
            out = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
            return Proc(args, None, out, f"timed out after {STEP_TIMEOUT:.0f}s")
        return Proc(args, cp.returncode, cp.stdout, cp.stderr)


def sync_config(src: Path, work: Path) -> None:
    """Make work hold src's configuration while keeping the state and the init products."""
    work.mkdir(parents=True, exist_ok=True)
    for p in work.iterdir():
        if p.name in KEEP:
            continue
        if p.is_dir() and not p.is_symlink():
            shutil.rmtree(p)
        else:
            p.unlink()
    for p in src.iterdir():
        if p.name == "case.json" or (p.is_dir() and re.fullmatch(r"step\d+", p.name)):
            continue
        if p.is_dir():
            shutil.copytree(p, work / p.name)
        else:
            shutil.copy2(p, work / p.name)


def run_step(tool: Tool, step: StepSpec, work: Path) -> StepResult:
    sync_config(step.config, work)
    res = StepResult(init=tool(["init", "-input=false", "-no-color"], work))
    if res.init.returncode != 0:
        return res
    res.plan = tool(["plan", "-out=tfplan", "-no-color", "-input=false", *step.args], work)
    if res.plan.returncode == 0:
        res.show = tool(["show", "-json", "tfplan"], work)
        res.apply = tool(["apply", "-auto-approve", "-no-color", "-input=false", "tfplan"], work)
        res.output = tool(["output", "-json"], work)
    st = work / "terraform.tfstate"
    res.state = st.read_text() if st.exists() else None
    return res


# --- normalisation ---------------------------------------------------------------------


def norm_text(s: str) -> str:
    s = UUID_RE.sub("<uuid>", s)
    s = DEPOSED_RE.sub("deposed object <key>", s)
    return ELAPSED_RE.sub(lambda m: f"{m.group(1)}N{'s elapsed]' if m.group(2) else 's'}", s)


def norm_json(v: Any) -> Any:
    if isinstance(v, str):
        return norm_text(v)
    if isinstance(v, list):
        return [norm_json(x) for x in v]
    if isinstance(v, dict):
        return {norm_text(k): norm_json(x) for k, x in v.items()}
    return v


def split_progress(text: str) -> tuple[list[str], list[str]]:
    """(the lines in order without progress lines, the progress lines sorted)."""
    body: list[str] = []
    progress: list[str] = []
    run: list[str] = []
    for line in norm_text(text).splitlines():
        if PROGRESS_RE.match(line):
            progress.append(line)
        elif FORGET_LIST_RE.match(line):
            run.append(line)
        else:
            body.extend(sorted(run))
            run = []
            body.append(line)
    body.extend(sorted(run))
    return body, sorted(progress)


def diagnostics(text: str) -> list[str]:
    """Each diagnostic as 'Severity: summary (file:line)', sorted (evaluation order is parallel)."""
    out: list[str] = []
    current: str | None = None
    for line in norm_text(text).splitlines():
        m = DIAG_SUMMARY_RE.match(line)
        if m:
            if current is not None:
                out.append(current)
            summary = m.group(2).strip()
            if summary.startswith("Cycle: "):  # terraform starts the cycle at a random node
                summary = "Cycle: " + ", ".join(sorted(summary[len("Cycle: ") :].split(", ")))
            current = f"{m.group(1)}: {summary}"
            continue
        w = DIAG_WHERE_RE.match(line)
        if w and current is not None:
            current += f" ({w.group(1)}:{w.group(2)})"
            out.append(current)
            current = None
    if current is not None:
        out.append(current)
    return sorted(out)


def first_line_diff(what: str, a: list[str], b: list[str]) -> str | None:
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            ctx = a[max(0, i - 2) : i]
            return f"{what} line {i + 1}: terraform {x!r} / sheath {y!r}" + (f" (after {ctx!r})" if ctx else "")
    if len(a) != len(b):
        i = min(len(a), len(b))
        extra = a[i : i + 3] if len(a) > len(b) else b[i : i + 3]
        who = "terraform" if len(a) > len(b) else "sheath"
        return f"{what}: {who} has {abs(len(a) - len(b))} more line(s) from line {i + 1}: {extra!r}"
    return None


def first_value_diff(path: str, a: Any, b: Any) -> str | None:
    """The first place where two JSON-like values differ, as 'path: terraform X / sheath Y'."""
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b), key=str):
            if k not in b:
                return f"{path}.{k}: terraform {_short(a[k])} / sheath (missing)"
            if k not in a:
                return f"{path}.{k}: terraform (missing) / sheath {_short(b[k])}"
            d = first_value_diff(f"{path}.{k}", a[k], b[k])
            if d:
                return d
        return None
    if isinstance(a, list) and isinstance(b, list):
        for i, (x, y) in enumerate(zip(a, b)):
            d = first_value_diff(f"{path}[{i}]", x, y)
            if d:
                return d
        if len(a) != len(b):
            return f"{path}: terraform has {len(a)} items / sheath {len(b)}: terraform {_short(a)} / sheath {_short(b)}"
        return None
    if a != b or type(a) is not type(b):
        return f"{path}: terraform {_short(a)} / sheath {_short(b)}"
    return None


def _short(v: Any, limit: int = 300) -> str:
    s = json.dumps(v, sort_keys=True)
    return s if len(s) <= limit else s[:limit] + "..."


def parse_json(p: Proc | None) -> Any:
    if p is None or p.returncode != 0:
        return None
    try:
        return json.loads(p.stdout)
    except ValueError:
        return None


# --- the projections compared ----------------------------------------------------------

CHANGE_KEYS = ("actions", "before", "after", "after_unknown", "before_sensitive", "after_sensitive", "importing")
RC_KEYS = ("address", "previous_address", "module_address", "mode", "type", "name", "index", "deposed", "provider_name", "action_reason")


def plan_view(plan: Any) -> dict[str, Any]:
    rcs = []
    for rc in plan.get("resource_changes", []):
        item = {k: rc.get(k) for k in RC_KEYS}
        ch = rc.get("change", {})
        item["change"] = {k: ch.get(k) for k in CHANGE_KEYS}
        rcs.append(item)
    rcs.sort(key=lambda r: (str(r["address"]), str(r["deposed"])))
    outs = {
        name: {k: oc.get(k) for k in ("actions", "before", "after", "after_unknown", "before_sensitive", "after_sensitive")}
        for name, oc in plan.get("output_changes", {}).items()
    }
    checks = sorted(
        (
            {
                "address": c.get("address", {}).get("to_display"),
                "status": c.get("status"),
                "instances": sorted(
                    (
                        (i.get("address", {}).get("to_display"), i.get("status"), tuple(p.get("message", "") for p in i.get("problems", [])))
                        for i in c.get("instances", [])
                    ),
                    key=str,
                ),
            }
            for c in plan.get("checks", [])
        ),
        key=lambda c: str(c["address"]),
    )
    pv = plan.get("planned_values", {})
    planned: dict[str, Any] = {f"output.{k}": v for k, v in pv.get("outputs", {}).items()}
    modules = [pv.get("root_module", {})]
    while modules:
        m = modules.pop()
        for r in m.get("resources", []):
            planned[r.get("address")] = {k: r.get(k) for k in ("mode", "type", "index", "provider_name", "schema_version", "values", "sensitive_values")}
        modules += m.get("child_modules", [])
    view = {
        "resource_changes": rcs,
        "output_changes": outs,
        "planned_values": planned,
        "checks": checks,
        # terraform's order is its map's: as a set
        "relevant_attributes": sorted(json.dumps(r, sort_keys=True) for r in plan.get("relevant_attributes", [])),
        "flags": {k: plan.get(k) for k in ("format_version", "applyable", "complete", "errored")},
    }
    return norm_json(view)


def section_diffs(prefix: str, a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    """The first difference of each section (in a's order), so that one section's
    difference does not hide another's."""
    out = []
    for k in a:
        d = first_value_diff(f"{prefix}.{k}", a[k], b.get(k))
        if d:
            out.append(d)
    return out


def state_view(text: str) -> dict[str, Any]:
    s = json.loads(text)
    resources = []
    for r in s.get("resources", []):
        insts = []
        for i in r.get("instances", []):
            insts.append(
                {
                    "index_key": i.get("index_key"),
                    "status": i.get("status"),
                    "deposed": "<key>" if i.get("deposed") else None,
                    "schema_version": i.get("schema_version"),
                    "attributes": i.get("attributes"),
                    # a set of paths, written in map order by terraform
                    "sensitive_attributes": sorted(i.get("sensitive_attributes") or [], key=lambda a: json.dumps(a, sort_keys=True)),
                    "dependencies": sorted(i.get("dependencies", [])),
                    "create_before_destroy": i.get("create_before_destroy", False),
                }
            )
        insts.sort(key=lambda x: json.dumps(x["index_key"]))
        resources.append({k: r.get(k) for k in ("module", "mode", "type", "name", "provider", "each")} | {"instances": insts})
    resources.sort(key=lambda r: (str(r["module"]), str(r["mode"]), str(r["type"]), str(r["name"])))
    checks = sorted(
        (
            {
                "object_kind": c.get("object_kind"),
                "config_addr": c.get("config_addr"),
                "status": c.get("status"),
                "objects": sorted(((o.get("object_addr"), o.get("status")) for o in (c.get("objects") or [])), key=str),
            }
            for c in (s.get("check_results") or [])
        ),
        key=lambda c: str(c["config_addr"]),
    )
    return norm_json({"resources": resources, "outputs": s.get("outputs", {}), "check_results": checks, "version": s.get("version")})


# --- comparing one step ----------------------------------------------------------------


def rc_diff(what: str, a: Proc | None, b: Proc | None) -> str | None:
    ra = None if a is None else a.returncode
    rb = None if b is None else b.returncode
    if ra == rb:
        return None
    tail = f"; sheath said: {b.tail()}" if b is not None else ""
    return f"{what} exit code: terraform {ra} / sheath {rb}{tail}"


def compare_output(what: str, a: Proc, b: Proc, diffs: list[str]) -> None:
    """Human output: non-progress lines in order, progress lines as a multiset, diagnostics sorted."""
    body_a, prog_a = split_progress(a.stdout)
    body_b, prog_b = split_progress(b.stdout)
    d = first_line_diff(f"{what} stdout", body_a, body_b)
    if d:
        diffs.append(d)
    if prog_a != prog_b:
        only_a = sorted(set(prog_a) - set(prog_b))
        only_b = sorted(set(prog_b) - set(prog_a))
        diffs.append(f"{what} progress lines: only terraform {only_a[:4]!r} / only sheath {only_b[:4]!r}")
    da, db = diagnostics(a.stderr), diagnostics(b.stderr)
    if da != db:
        diffs.append(f"{what} diagnostics (stderr): terraform {da!r} / sheath {db!r}")


def compare_step(tf: StepResult, sh: StepResult) -> list[str]:
    diffs: list[str] = []
    if sh.init.returncode != 0:
        return [f"init exit code: terraform {tf.init.returncode} / sheath {sh.init.returncode}; sheath said: {sh.init.tail()}"]
    assert tf.plan is not None and sh.plan is not None
    d = rc_diff("plan", tf.plan, sh.plan)
    if d:
        diffs.append(d)
        return diffs
    compare_output("plan", tf.plan, sh.plan, diffs)
    if tf.plan.returncode != 0:
        return diffs
    d = rc_diff("show -json tfplan", tf.show, sh.show)
    if d:
        diffs.append(d)
    else:
        pa, pb = parse_json(tf.show), parse_json(sh.show)
        if pb is None:
            diffs.append("show -json tfplan: sheath's output is not JSON")
        else:
            diffs += section_diffs("plan json", plan_view(pa), plan_view(pb))
    d = rc_diff("apply", tf.apply, sh.apply)
    if d:
        diffs.append(d)
        return diffs
    assert tf.apply is not None and sh.apply is not None
    compare_output("apply", tf.apply, sh.apply, diffs)
    d = rc_diff("output -json", tf.output, sh.output)
    if d:
        diffs.append(d)
    else:
        d = first_value_diff("output -json", norm_json(parse_json(tf.output)), norm_json(parse_json(sh.output)))
        if d:
            diffs.append(d)
    if tf.state is not None:
        if sh.state is None:
            diffs.append("state: sheath wrote no terraform.tfstate")
        else:
            try:
                vb = state_view(sh.state)
            except ValueError as exc:
                diffs.append(f"state: sheath's terraform.tfstate is not JSON: {exc}")
            else:
                diffs += section_diffs("state", state_view(tf.state), vb)
    return diffs


def steady_plan(checker: Tool, step: StepSpec, state: str, work: Path, initialized: Path) -> Proc:
    """checker's `plan -detailed-exitcode` over the given state, in a scratch copy of the step
    holding what checker's own `init` made in the directory initialized."""
    sync_config(step.config, work)
    (work / "terraform.tfstate").write_text(state)
    if (initialized / ".terraform").is_dir():
        shutil.copytree(initialized / ".terraform", work / ".terraform")
    if (initialized / ".terraform.lock.hcl").exists():
        shutil.copy2(initialized / ".terraform.lock.hcl", work / ".terraform.lock.hcl")
    return checker(["plan", "-detailed-exitcode", "-no-color", "-input=false", *step.args], work)


def plan_changes(p: Proc) -> list[str]:
    body, _ = split_progress(p.stdout)
    return [ln.strip() for ln in body if ln.strip().startswith("#") or ln.startswith("Plan:") or ln.startswith("Changes to Outputs")]


def cross_check(checker: Tool, writer: str, p: Proc, baseline: Proc) -> str | None:
    """A plan over the state the other tool wrote must be what terraform plans over its own
    state: no changes (exit 0), except where terraform itself always plans something (exit 2
    with the same changes, e.g. a check block's nested data source)."""
    if p.returncode == baseline.returncode and (p.returncode != 2 or plan_changes(p) == plan_changes(baseline)):
        return None
    return (
        f"cross check: {checker.name} plan -detailed-exitcode on the state {writer} wrote exits {p.returncode} "
        f"(terraform on its own state: {baseline.returncode}): {plan_changes(p)[:6]!r} {diagnostics(p.stderr)!r}"
        f"{' ' + p.tail() if p.returncode not in (0, 2) else ''}"
    )


def check_expectation(case: str, step: StepSpec, tf: StepResult) -> None:
    """terraform must behave as case.json says; otherwise the corpus itself is wrong."""
    where = f"corpus error in {case}/{step.name}"
    assert tf.init.returncode == 0, f"{where}: terraform init failed: {tf.init.stderr}"
    assert tf.plan is not None
    if step.expect == "plan_error":
        assert tf.plan.returncode == 1, f"{where}: expected terraform plan to fail, it exited {tf.plan.returncode}"
        assert diagnostics(tf.plan.stderr), f"{where}: no diagnostic parsed from terraform's stderr: {tf.plan.stderr}"
        return
    assert tf.plan.returncode == 0, f"{where}: terraform plan failed: {tf.plan.stderr}"
    assert tf.show is not None and tf.show.returncode == 0, f"{where}: terraform show -json failed"
    assert tf.apply is not None
    want = 1 if step.expect == "apply_error" else 0
    assert tf.apply.returncode == want, f"{where}: terraform apply exited {tf.apply.returncode}, want {want}: {tf.apply.stderr}"
    if want:
        assert diagnostics(tf.apply.stderr), f"{where}: no diagnostic parsed from terraform's stderr: {tf.apply.stderr}"


# --- the test --------------------------------------------------------------------------


@pytest.fixture(scope="session")
def candidate(run_sheath: RunFn, run_terraform: RunFn) -> Tool:
    if os.environ.get("SHEATH_ENGINE_CORPUS_CANDIDATE") == "terraform":
        return Tool("sheath", run_terraform)
    return Tool("sheath", run_sheath)


def test_corpus_size() -> None:
    assert len(CASES) >= 20
    multi = [c for c in CASES if any((CORPUS / c / f"step{i}").is_dir() for i in (1, 2))]
    assert len(multi) >= 6


def is_fatal(diff: str) -> bool:
    """A difference after which the later steps would only repeat it: an exit code, or
    resources in the state (every later plan starts from them)."""
    return " exit code: " in diff or diff.startswith(("state.resources", "state: "))


def report(case: str, found: list[tuple[str, str]]) -> str:
    lines = [f"{case}: {len(found)} difference(s); first at {found[0][0]}:"]
    lines += [f"  - [{where}] {d}" for where, d in found]
    return "\n".join(lines)


@pytest.mark.oracle
@pytest.mark.parametrize("case", CASES)
def test_engine_case(case: str, tmp_path: Path, run_terraform: RunFn, candidate: Tool) -> None:
    """Every step, then destroy; differences are collected up to the first fatal one."""
    spec = load_case(case)
    terraform = Tool("terraform", run_terraform)
    tf_dir, sh_dir = tmp_path / "terraform", tmp_path / "sheath"
    found: list[tuple[str, str]] = []
    for step in spec.steps:
        tf = run_step(terraform, step, tf_dir)
        check_expectation(case, step, tf)
        sh = run_step(candidate, step, sh_dir)
        diffs = compare_step(tf, sh)
        fatal = any(is_fatal(d) for d in diffs)
        applied = tf.apply is not None and tf.apply.returncode == 0 and sh.apply is not None and sh.apply.returncode == 0
        if not fatal and applied and tf.state is not None and sh.state is not None:
            baseline = steady_plan(terraform, step, tf.state, tmp_path / f"steady-{step.name}", tf_dir)
            assert baseline.returncode in (0, 2), f"corpus error in {case}/{step.name}: terraform plan after apply: {baseline.stderr}"
            for checker, writer, state, own in ((terraform, "sheath", sh.state, tf_dir), (candidate, "terraform", tf.state, sh_dir)):
                p = steady_plan(checker, step, state, tmp_path / f"xcheck-{step.name}-{checker.name}", own)
                d = cross_check(checker, writer, p, baseline)
                if d:
                    diffs.append(d)
        found += [(step.name, d) for d in diffs]
        if fatal:
            pytest.fail(report(case, found), pytrace=False)
    if spec.destroy != "skip":
        found += [("destroy", d) for d in compare_destroy(case, spec, terraform, candidate, tf_dir, sh_dir)]
    if found:
        pytest.fail(report(case, found), pytrace=False)


def compare_destroy(case: str, spec: CaseSpec, terraform: Tool, candidate: Tool, tf_dir: Path, sh_dir: Path) -> list[str]:
    args = ["destroy", "-auto-approve", "-no-color", "-input=false", *spec.destroy_args]
    tfd, shd = terraform(args, tf_dir), candidate(args, sh_dir)
    want = 0 if spec.destroy == "ok" else 1
    assert tfd.returncode == want, f"corpus error in {case}: terraform destroy exited {tfd.returncode}, want {want}: {tfd.stderr}"
    assert not want or diagnostics(tfd.stderr), f"corpus error in {case}: no diagnostic parsed from: {tfd.stderr}"
    diffs: list[str] = []
    d = rc_diff("destroy", tfd, shd)
    if d:
        return [d]
    compare_output("destroy", tfd, shd, diffs)
    tf_state, sh_state = tf_dir / "terraform.tfstate", sh_dir / "terraform.tfstate"
    if tf_state.exists():
        if not sh_state.exists():
            diffs.append("destroy: sheath left no terraform.tfstate")
        else:
            try:
                diffs += section_diffs("state after destroy", state_view(tf_state.read_text()), state_view(sh_state.read_text()))
            except ValueError as exc:
                diffs.append(f"state after destroy: sheath's terraform.tfstate is not JSON: {exc}")
    return diffs


# --- the harness's own checks (no terraform needed) ------------------------------------


def test_normalisation_hides_ids_deposed_keys_and_timings() -> None:
    line = 'terraform_data.x (deposed object 0a1b2c3d): Destruction complete after 12s [id=3f2a9c1e-0b4d-4e5f-8a6b-7c8d9e0f1a2b]'
    assert norm_text(line) == "terraform_data.x (deposed object <key>): Destruction complete after Ns [id=<uuid>]"
    assert norm_text("terraform_data.x: Still creating... [1m10s elapsed]") == "terraform_data.x: Still creating... [Ns elapsed]"
    assert norm_json({"3f2a9c1e-0b4d-4e5f-8a6b-7c8d9e0f1a2b": ["3f2a9c1e-0b4d-4e5f-8a6b-7c8d9e0f1a2b", 1]}) == {"<uuid>": ["<uuid>", 1]}


def test_progress_lines_and_forget_lists_are_unordered() -> None:
    a = "b: Refreshing state... [id=1]\na: Refreshing state... [id=2]\n\nthe following objects:\n - x[1]\n - x[0]\n\nPlan: 0 to add"
    b = "a: Refreshing state... [id=2]\nb: Refreshing state... [id=1]\n\nthe following objects:\n - x[0]\n - x[1]\n\nPlan: 0 to add"
    assert split_progress(a) == split_progress(b)
    body, progress = split_progress(a)
    assert body == ["", "the following objects:", " - x[0]", " - x[1]", "", "Plan: 0 to add"]
    assert len(progress) == 2


def test_diagnostics_plain_and_boxed() -> None:
    plain = "\nError: Resource precondition failed\n\n  on main.tf line 13, in resource \"terraform_data\" \"s\":\n  13: x\n"
    boxed = "╷\n│ Error: Resource precondition failed\n│\n│   on main.tf line 13, in resource \"terraform_data\" \"s\":\n╵\n"
    assert diagnostics(plain) == diagnostics(boxed) == ["Error: Resource precondition failed (main.tf:13)"]
    assert diagnostics("Error: Cycle: c, a, b\n") == diagnostics("Error: Cycle: a, b, c\n") == ["Error: Cycle: a, b, c"]
    assert diagnostics("Warning: w\n\nError: e\n") == ["Error: e", "Warning: w"]


def test_value_diff_names_the_first_difference() -> None:
    assert first_value_diff("x", {"a": [1, {"b": 2}]}, {"a": [1, {"b": 2}]}) is None
    assert first_value_diff("x", {"a": [1, {"b": 2}]}, {"a": [1, {"b": 3}]}) == "x.a[1].b: terraform 2 / sheath 3"
    assert first_value_diff("x", {"a": 1}, {}) == "x.a: terraform 1 / sheath (missing)"
    assert first_value_diff("x", 1, True) is not None
    assert first_line_diff("plan", ["a", "b"], ["a", "c"]) == "plan line 2: terraform 'b' / sheath 'c' (after ['a'])"
    assert first_line_diff("plan", ["a"], ["a", "c"]) == "plan: sheath has 1 more line(s) from line 2: ['c']"


def _proc(rc: int, out: str = "", err: str = "") -> Proc:
    return Proc([], rc, out, err)


def test_compare_step_reports_plan_and_state_differences() -> None:
    state = {"version": 4, "resources": [{"mode": "managed", "type": "terraform_data", "name": "x", "instances": [{"attributes": {"id": "1", "input": "a"}}]}]}
    plan = {"format_version": "1.2", "resource_changes": [{"address": "terraform_data.x", "change": {"actions": ["create"]}}]}
    apply_out = "terraform_data.x: Creating...\n\nApply complete! Resources: 1 added, 0 changed, 0 destroyed.\n"

    def result(plan_out: str, actions: list[str], state_input: str) -> StepResult:
        p = json.loads(json.dumps(plan))
        p["resource_changes"][0]["change"]["actions"] = actions
        s = json.loads(json.dumps(state))
        s["resources"][0]["instances"][0]["attributes"]["input"] = state_input
        return StepResult(
            init=_proc(0), plan=_proc(0, plan_out), show=_proc(0, json.dumps(p)), apply=_proc(0, apply_out), output=_proc(0, "{}"), state=json.dumps(s)
        )

    tf = result("Plan: 1 to add, 0 to change, 0 to destroy.\n", ["create"], "a")
    assert compare_step(tf, result("Plan: 1 to add, 0 to change, 0 to destroy.\n", ["create"], "a")) == []
    diffs = compare_step(tf, result("Plan: 2 to add, 0 to change, 0 to destroy.\n", ["update"], "b"))
    assert diffs == [
        "plan stdout line 1: terraform 'Plan: 1 to add, 0 to change, 0 to destroy.' / sheath 'Plan: 2 to add, 0 to change, 0 to destroy.'",
        'plan json.resource_changes[0].change.actions[0]: terraform "create" / sheath "update"',
        'state.resources[0].instances[0].attributes.input: terraform "a" / sheath "b"',
    ]
    failing = StepResult(init=_proc(0), plan=_proc(1, "", "Error: boom\n"))
    assert compare_step(tf, failing) == ["plan exit code: terraform 0 / sheath 1; sheath said: Error: boom"]
