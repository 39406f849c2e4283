"""sheath test: run the configuration's .tftest.hcl files as terraform test does."""

from __future__ import annotations

import sys

from sheath.cli.flags import FlagError, FlagSpec, parse_flags, report_flag_error
from sheath.diag import Diagnostics, error
from sheath.diag.render import render_diagnostic

USAGE = """Usage: sheath [global options] test [options]

  Executes automated integration tests against the current Terraform
  configuration.

  Terraform will search for .tftest.hcl files within the current configuration
  and testing directories. Terraform will then execute the testing run blocks
  within any testing files in order, and verify conditional checks and
  assertions against the created infrastructure.

  This command creates real infrastructure and will attempt to clean up the
  testing infrastructure on completion. Monitor the output carefully to ensure
  this cleanup process is successful.

Options:

  -filter=testfile      If specified, Terraform will only execute the test files
                        specified by this flag. You can use this option multiple
                        times to execute more than one test file.

  -json                 If specified, machine readable output will be printed in
                        JSON format

  -junit-xml=path       Saves a test report in JUnit XML format to the specified
                        file.

  -no-color             If specified, output won't contain any color.

  -test-directory=path  Set the Terraform test directory, defaults to "tests".

  -var 'foo=bar'        Set a value for one of the input variables in the root
                        module of the configuration. Use this option more than
                        once to set more than one variable.

  -var-file=filename    Load variable values from the given file, in addition
                        to the default files terraform.tfvars and *.auto.tfvars.
                        Use this option more than once to include more than one
                        variables file.

  -verbose              Print the plan or state for each test run block as it
                        executes.

  Not supported by sheath yet (refused): -cloud-run.
"""

_FLAGS = [
    FlagSpec("filter", "list"),
    FlagSpec("no-color"),
    FlagSpec("test-directory", "string", "tests"),
    FlagSpec("var", "list"),
    FlagSpec("var-file", "list"),
    FlagSpec("verbose"),
    FlagSpec("json"),
    FlagSpec("junit-xml", "string"),
    FlagSpec("cloud-run", "string"),
    FlagSpec("help"),
    FlagSpec("h"),
]


def _flag_error(message: str, color: bool) -> int:
    return report_flag_error("test", message, color)


def run(args: list[str]) -> int:
    color = "-no-color" not in args
    try:
        fl = parse_flags(args, _FLAGS)
    except FlagError as exc:
        return _flag_error(str(exc), color)
    if fl.get_bool("help") or fl.get_bool("h"):
        sys.stdout.write(USAGE)
        return 0
    if fl.args:
        return _flag_error(f"Too many command line arguments. Did you mean to use -chdir?", color)
    as_json = fl.get_bool("json")
    for name, given in (("cloud-run", fl.get_str("cloud-run")),):
        if given:
            d = error(
                f"Unsupported option -{name}",
                f"sheath test does not implement the -{name} option yet; run without it.",
            )
            sys.stderr.write(render_diagnostic(d, {}, color))
            return 1
    from sheath.testing.runner import Status, TestOptions
    from sheath.testing.suite import check_variables, load_suite, run_suite, suite_status, unsupported_blocks
    from sheath.cli.views.test_json import JSONTestView
    from sheath.cli.views.test_human import HumanTestView

    view: HumanTestView | JSONTestView = (
        JSONTestView(sys.stdout, verbose=fl.get_bool("verbose")) if as_json else HumanTestView(sys.stdout, sys.stderr, color, verbose=fl.get_bool("verbose"))
    )
    suite, diags = load_suite(fl.get_str("test-directory") or "tests", fl.get_list("filter"))
    if not diags.has_errors():
        diags.extend(unsupported_blocks(suite))
    var_args = [(k, v) for k, v in fl.ordered if k in ("var", "var-file")]
    if not diags.has_errors():
        diags.extend(check_variables(var_args))
    if isinstance(view, JSONTestView):
        view.ui.version()
    if isinstance(view, HumanTestView):
        view.diagnostics(Diagnostics(diags), loading=True)
    else:
        view.diagnostics(Diagnostics(diags))
    if diags.has_errors():
        return 1
    if isinstance(view, JSONTestView):
        view.abstract(suite)
    results = run_suite(suite, TestOptions(var_args=var_args, verbose=fl.get_bool("verbose")), view)
    view.summary(results)
    junit_path = fl.get_str("junit-xml")
    if junit_path:
        from sheath.cli.views.test_junit import junit_xml

        try:
            with open(junit_path, "w", encoding="utf-8") as f:
                f.write(junit_xml(results))
        except OSError as exc:
            d = error("Failed to write JUnit XML report", f"Could not write {junit_path}: {exc.strerror}.")
            sys.stderr.write(render_diagnostic(d, {}, color))
            return 1
    return 0 if suite_status(results) == Status.PASS else 1
