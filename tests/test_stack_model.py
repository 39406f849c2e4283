"""Python stacks: the model (references, templates, meta-arguments) and the JSON it synthesizes."""

from __future__ import annotations

import textwrap
from typing import Any

import pytest

from sheath.config.loader import load_module
from sheath.config.source import SnapshotModuleSource
from sheath.stack.synth import is_stack_file, json_document, run_stack


def synth(src: str) -> dict[str, Any]:
    stack, diags = run_stack("stack.py", textwrap.dedent(src).encode())
    assert not diags.has_errors(), [str(d) for d in diags]
    assert stack is not None
    return json_document([stack])


def test_references_and_fstrings_become_expressions_and_templates() -> None:
    doc = synth(
        """
        from sheath.stack import variable, output, local_value, resource, expr
        env = variable("env", type=str, default="dev")
        names = variable("names", type=list[str], default=["a"])
        sizes = variable("sizes", type=dict[str, int])
        base = resource("terraform_data", "base", input=f"logs-{env}-${{not-a-ref}}-%{{x}}")
        prefix = local_value("prefix", base.output)
        second = resource("terraform_data", "second", input={"k": base.output, "n": [1, True, None], "raw": expr("length(var.names)")})
        output("o", second.input["k"])
        output("first", base[0].id)
        """
    )
    assert doc["variable"]["env"] == {"type": "string", "default": "dev"}
    assert doc["variable"]["names"] == {"type": "list(string)", "default": ["a"]}
    assert doc["variable"]["sizes"] == {"type": "map(number)"}
    assert doc["resource"]["terraform_data"]["base"] == {"input": "logs-${var.env}-$${not-a-ref}-%%{x}"}
    assert doc["locals"] == {"prefix": "${terraform_data.base.output}"}
    assert doc["resource"]["terraform_data"]["second"]["input"] == {
        "k": "${terraform_data.base.output}",
        "n": [1, True, None],
        "raw": "${length(var.names)}",
    }
    assert doc["output"]["o"] == {"value": '${terraform_data.second.input["k"]}'}
    assert doc["output"]["first"] == {"value": "${terraform_data.base[0].id}"}


def test_meta_arguments() -> None:
    doc = synth(
        """
        from sheath.stack import resource, data, provider, Module
        from sheath.stack.providers import random, terraform, local
        west = provider("aws", alias="west", region="us-west-2")
        a = terraform.Data("a", input="x", lifecycle={"create_before_destroy": True, "ignore_changes": ["input"], "replace_triggered_by": [random.Pet("p", length=2).id]})
        counted = resource("terraform_data", "counted", count=2, input=lambda c: f"n-{c.index}", depends_on=[a])
        each = resource("terraform_data", "each", for_each={"x": 1}, input=lambda e: e.value)
        listed = resource("terraform_data", "listed", for_each=["b", "a"], input=lambda e: e.key)
        doc = data("aws_iam_policy_document", "p", provider=west, statement=[{"actions": ["s3:*"]}])
        m = Module("net", source="./modules/net", cidr="10.0.0.0/16", count=1)
        f = local.File("f", filename="out.txt", content=f"{m[0].id}")
        """
    )
    r = doc["resource"]
    assert doc["provider"] == {"aws": [{"region": "us-west-2", "alias": "west"}]}
    assert r["terraform_data"]["a"]["lifecycle"] == {
        "create_before_destroy": True,
        "ignore_changes": ["input"],
        "replace_triggered_by": ["random_pet.p.id"],
    }
    assert r["terraform_data"]["counted"] == {"count": 2, "input": "n-${count.index}", "depends_on": ["terraform_data.a"]}
    assert r["terraform_data"]["each"] == {"for_each": {"x": 1}, "input": "${each.value}"}
    assert r["terraform_data"]["listed"]["for_each"] == '${toset(["b", "a"])}'
    assert r["random_pet"]["p"] == {"length": 2}
    assert doc["data"]["aws_iam_policy_document"]["p"] == {"provider": "aws.west", "statement": [{"actions": ["s3:*"]}]}
    assert doc["module"]["net"] == {"source": "./modules/net", "cidr": "10.0.0.0/16", "count": 1}
    assert r["local_file"]["f"] == {"filename": "out.txt", "content": "${module.net[0].id}"}


@pytest.mark.parametrize(
    ("use", "what"),
    [
        ("if b.output:\n    pass", "a truth test"),
        ("len(b.output)", "len()"),
        ("for x in b.output:\n    pass", "iteration"),
        ("b.output == 'x'", "a comparison"),
        ("int(b.count)", "a conversion to int"),
    ],
)
def test_control_flow_on_a_reference_is_a_clear_error(use: str, what: str) -> None:
    src = f"from sheath.stack import resource\nb = resource('terraform_data', 'b')\n{use}\n".encode()
    stack, diags = run_stack("stack.py", src)
    assert stack is None
    [d] = list(diags)
    assert d.summary == "Value not known while the stack is built"
    assert "terraform_data.b." in d.detail and "only known after apply" in d.detail and what in d.detail
    assert "instead" in d.detail
    assert d.subject is not None and d.subject.filename == "stack.py" and d.subject.start.line == 3


def test_python_errors_are_diagnostics_at_the_stack_line() -> None:
    stack, diags = run_stack("x.stack.py", b"from sheath.stack import resource\n\nresource('terraform_data', 'a', count=1, for_each={})\n")
    [d] = list(diags)
    assert d.summary == "Invalid stack declaration" and "both count and for_each" in d.detail
    assert d.subject is not None and (d.subject.filename, d.subject.start.line) == ("x.stack.py", 3)
    _, diags = run_stack("stack.py", b"x = 1\ny = undefined_name\n")
    [d] = list(diags)
    assert d.summary == "Error running Python stack" and "NameError" in d.detail and d.subject is not None and d.subject.start.line == 2
    _, diags = run_stack("stack.py", b"def (:\n")
    assert next(iter(diags)).summary == "Python syntax error in stack"
    _, diags = run_stack("stack.py", b"from sheath.stack import variable\nvariable('a')\nvariable('a')\n")
    assert "declared twice (first at line 2)" in next(iter(diags)).detail


def test_stack_file_names() -> None:
    assert is_stack_file("stack.py") and is_stack_file("net.stack.py")
    assert not is_stack_file(".stack.py") and not is_stack_file("main.py") and not is_stack_file("stack.pyc")


def test_loader_reads_stack_blocks_at_python_lines_next_to_hcl() -> None:
    files = {
        "main.tf": b'resource "terraform_data" "hcl" {\n  input = terraform_data.py.output\n}\n',
        "stack.py": b"from sheath.stack import resource, output\n\npy = resource('terraform_data', 'py', input='x')\noutput('o', py.output)\n",
        "extra.stack.py": b"from sheath.stack import variable\nvariable('v', default=1)\n",
        "helper.py": b"raise RuntimeError('not a stack file')\n",
    }
    mod, diags = load_module(".", SnapshotModuleSource.of(files))
    assert not diags.has_errors(), [str(d) for d in diags]
    assert sorted(mod.managed_resources) == ["terraform_data.hcl", "terraform_data.py"]
    r = mod.managed_resources["terraform_data.py"]
    assert (r.decl_range.filename, r.decl_range.start.line) == ("stack.py", 3)
    assert mod.outputs["o"].decl_range.start.line == 4
    assert mod.variables["v"].decl_range.filename == "extra.stack.py"
    assert mod.files == ["main.tf", "extra.stack.py", "stack.py"]


def test_called_modules_do_not_run_stack_files() -> None:
    files = {"stack.py": b"from sheath.stack import variable\nvariable('v')\n"}
    mod, _ = load_module(".", SnapshotModuleSource.of(files), stacks=False)
    assert not mod.variables


def test_moved_import_and_check_blocks() -> None:
    doc = synth(
        """
        from sheath.stack import check, expr, imported, moved, resource
        new = resource("terraform_data", "new")
        moved("terraform_data.old", new)
        imported(resource("terraform_data", "adopted"), "some-id")
        check("sane", (expr("1 < 2"), "arithmetic is broken"), (new.id, f"no id for {new.id}"))
        """
    )
    assert doc["moved"] == [{"from": "terraform_data.old", "to": "terraform_data.new"}]
    assert doc["import"] == [{"to": "terraform_data.adopted", "id": "some-id"}]
    assert doc["check"] == {
        "sane": {
            "assert": [
                {"condition": "${1 < 2}", "error_message": "arithmetic is broken"},
                {"condition": "${terraform_data.new.id}", "error_message": "no id for ${terraform_data.new.id}"},
            ]
        }
    }
    files = {"stack.py": textwrap.dedent(
        """
        from sheath.stack import check, expr, imported, moved, resource
        new = resource("terraform_data", "new")
        moved("terraform_data.old", new)
        imported(resource("terraform_data", "adopted"), "some-id")
        check("sane", (expr("terraform_data.new.id != null"), "no id"))
        """
    ).encode()}
    mod, diags = load_module(".", SnapshotModuleSource.of(files))
    assert not diags.has_errors(), [str(d) for d in diags]
    assert len(mod.moved) == 1 and len(mod.imports) == 1 and list(mod.checks) == ["sane"]
    assert mod.moved[0].decl_range.start.line == 4
