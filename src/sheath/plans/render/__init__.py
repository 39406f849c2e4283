"""terraform's human plan output (command/jsonformat), from a Plan.

``render_plan(plan, color=False)`` returns exactly what ``terraform show
PLANFILE`` (``color=True``) or ``terraform show -no-color PLANFILE`` prints
for the same plan. Values are rendered by their shape, as terraform renders
attributes of dynamic type (terraform_data's input/output, outputs): objects
as ``{ key = value }`` blocks, sequences as ``[ ..., ]`` lists, maps with
quoted keys. The diff is computed first (a tree of ``Diff`` nodes, each
with an action and a renderer), then rendered.

  format       Colorize, word_wrap, horizontal_rule (terraform's command/format)
  computed     Diff and RenderOpts (jsonformat/computed)
  util         action symbols, indentation, suffixes, quoting (renderers/util.go)
  structured   what the differ asks of a value: null, equal, kind, JSON shape, actions
  differ       compute_diff: the diff of a value, by its kind
  primitives   primitive and sensitive values, multi-line strings as heredocs
  jsonstring   strings of JSON as jsonencode(...) of their diff
  objects      objects, maps and nested attribute objects
  sequences    lists, sets and the collections of nested attribute objects
  attributes   a block attribute's diff by its schema (nested attribute types)
  blocks       a resource body and its nested blocks (block_diff), replace paths
  blockrender  renderers.Block: a block's attributes and nested blocks
  header       the comment lines above a resource change: action and reason
  resource     render_resource_change, render_state_object, render_state_value
  outputs      render_outputs: "Changes to Outputs"
  drift        "Objects have changed outside of Terraform"
  plan         render_plan: the legend, the changes, the summary and footer texts
"""

from sheath.plans.render.differ import compute_diff
from sheath.plans.render.format import WIDTH, Colorize, horizontal_rule, word_wrap
from sheath.plans.render.outputs import render_outputs
from sheath.plans.render.plan import render_plan
from sheath.plans.render.resource import (
    SchemaLookup,
    render_resource_change,
    render_state_object,
    render_state_value,
)
from sheath.plans.render.structured import json_shape
from sheath.plans.render.util import attribute_name

__all__ = [
    "WIDTH",
    "Colorize",
    "SchemaLookup",
    "attribute_name",
    "compute_diff",
    "horizontal_rule",
    "json_shape",
    "render_outputs",
    "render_plan",
    "render_resource_change",
    "render_state_object",
    "render_state_value",
    "word_wrap",
]
