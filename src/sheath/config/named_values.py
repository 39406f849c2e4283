"""variable, locals and output blocks."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from sheath.config.common import (
    BAD_IDENTIFIER_DETAIL,
    CheckRule,
    decode_check_rule,
    decode_depends_on,
    quoted_string,
    valid_identifier,
)
from sheath.config.exprs import const_value, convert_value, decode_bool, decode_string
from sheath.config.typeexpr import Defaults, apply_defaults, legacy_quoted_type, parse_type_constraint
from sheath.diag import Diagnostics, Range
from sheath.lang import hcl
from sheath.lang.hcl import Expression, Traversal
from sheath.types.cty import DYNAMIC, Type, Value

RESERVED_VARIABLE_NAMES = frozenset(
    ["count", "depends_on", "for_each", "lifecycle", "providers", "source", "version", "locals"]
)


class VariableParsingMode(enum.Enum):
    """How raw strings from -var / TF_VAR_ are read: as literal strings or as HCL expressions."""

    LITERAL = "literal"
    HCL = "hcl"


@dataclass(slots=True)
class Variable:
    name: str
    decl_range: Range
    description: str = ""
    default: Value | None = None
    """None when there is no default (the variable is required)."""
    type: Type = DYNAMIC
    """The constraint type with optional attributes marked (terraform's ConstraintType)."""
    type_defaults: Defaults | None = None
    parsing_mode: VariableParsingMode = VariableParsingMode.LITERAL
    validations: list[CheckRule] = field(default_factory=list)
    sensitive: bool = False
    ephemeral: bool = False
    nullable: bool = True
    description_set: bool = False
    type_set: bool = False
    sensitive_set: bool = False
    nullable_set: bool = False
    ephemeral_set: bool = False
    default_range: Range | None = None
    type_range: Range | None = None
    deprecated: str = ""
    """OpenTofu's deprecated = "message": callers giving this variable a value are warned."""

    @property
    def required(self) -> bool:
        return self.default is None


@dataclass(slots=True)
class Local:
    name: str
    expr: Expression
    decl_range: Range

    def self_references(self, module: str = "") -> Diagnostics:
        """terraform's check before a local is evaluated: its expression must not refer
        to the local itself (one error per reference, at the reference); module is the
        module (instance) address the message names it in, "" for the root module."""
        from sheath.addrs import LocalValue, parse_ref
        from sheath.diag import error

        diags = Diagnostics()
        for t in self.expr.variables():
            ref, _ = parse_ref(t)
            if ref is not None and ref.subject == LocalValue(self.name):
                addr = f"{module}.local.{self.name}" if module else f"local.{self.name}"
                detail = f"Local value {addr} cannot use its own result as part of its expression."
                diags.append(error("Self-referencing local value", detail, ref.source_range, self.expr.range))
        return diags


@dataclass(slots=True)
class Output:
    name: str
    decl_range: Range
    expr: Expression | None = None
    description: str = ""
    depends_on: list[Traversal] = field(default_factory=list)
    sensitive: bool = False
    ephemeral: bool = False
    preconditions: list[CheckRule] = field(default_factory=list)
    description_set: bool = False
    sensitive_set: bool = False
    ephemeral_set: bool = False
    deprecated: str = ""
    """OpenTofu's deprecated = "message": module callers referring to this output are warned."""


VARIABLE_SCHEMA = hcl.BodySchema(
    attributes=(
        hcl.AttributeSchema("description"),
        hcl.AttributeSchema("default"),
        hcl.AttributeSchema("type"),
        hcl.AttributeSchema("sensitive"),
        hcl.AttributeSchema("nullable"),
        hcl.AttributeSchema("ephemeral"),
        hcl.AttributeSchema("deprecated"),
    ),
    blocks=(hcl.BlockHeaderSchema("validation"),),
)

OUTPUT_SCHEMA = hcl.BodySchema(
    attributes=(
        hcl.AttributeSchema("description"),
        hcl.AttributeSchema("value", required=True),
        hcl.AttributeSchema("depends_on"),
        hcl.AttributeSchema("sensitive"),
        hcl.AttributeSchema("ephemeral"),
        hcl.AttributeSchema("deprecated"),
    ),
    blocks=(hcl.BlockHeaderSchema("precondition"), hcl.BlockHeaderSchema("postcondition")),
)

OUTPUT_SCHEMA_OVERRIDE = hcl.BodySchema(
    attributes=tuple(hcl.AttributeSchema(a.name) for a in OUTPUT_SCHEMA.attributes),
    blocks=OUTPUT_SCHEMA.blocks,
)


def decode_variable_type(expr: Expression) -> tuple[Type, Defaults | None, VariableParsingMode, Diagnostics]:
    diags = Diagnostics()
    s = quoted_string(expr)
    if s is not None:
        legacy = legacy_quoted_type(s)
        if legacy is None:
            diags.add_error(
                "Invalid legacy variable type hint",
                'To provide a full type expression, remove the surrounding quotes and give the type expression '
                "directly.",
                expr.range,
            )
            return DYNAMIC, None, VariableParsingMode.HCL, diags
        extra = ""
        if s == "list":
            extra = " and write list(string) instead to explicitly indicate that the list elements are strings"
        elif s == "map":
            extra = " and write map(string) instead to explicitly indicate that the map elements are strings"
        diags.add_error(
            "Invalid quoted type constraints",
            "Terraform 0.11 and earlier required type constraints to be given in quotes, but that form is now "
            f'deprecated and will be removed in a future version of Terraform. Remove the quotes around "{s}"{extra}.',
            expr.range,
        )
        return DYNAMIC, None, VariableParsingMode.HCL, diags
    t, defaults, d = parse_type_constraint(expr)
    diags.extend(d)
    if d.has_errors():
        return DYNAMIC, None, VariableParsingMode.HCL, diags  # as terraform's decodeVariableType
    mode = VariableParsingMode.LITERAL if t.is_primitive() else VariableParsingMode.HCL
    return t, defaults, mode, diags


def decode_variable_block(block: hcl.Block, override: bool) -> tuple[Variable | None, Diagnostics]:
    diags = Diagnostics()
    name = block.labels[0]
    v = Variable(name, block.def_range)
    lr = block.label_ranges[0] if block.label_ranges else block.def_range
    if not valid_identifier(name):
        diags.add_error("Invalid variable name", BAD_IDENTIFIER_DETAIL, lr)
    if name in RESERVED_VARIABLE_NAMES:
        diags.add_error(
            "Invalid variable name",
            f'The variable name "{name}" is reserved due to its special meaning inside module blocks.',
            lr,
        )
    content, d = block.body.content(VARIABLE_SCHEMA)
    diags.extend(d)
    a = content.attributes
    if "description" in a:
        s, d = decode_string(a["description"].expr)
        diags.extend(d)
        v.description = s or ""
        v.description_set = True
    if "type" in a:
        t, defaults, mode, d = decode_variable_type(a["type"].expr)
        diags.extend(d)
        v.type, v.type_defaults, v.parsing_mode = t, defaults, mode
        v.type_set = True
        v.type_range = a["type"].expr.range
    if "sensitive" in a:
        b, d = decode_bool(a["sensitive"].expr)
        diags.extend(d)
        v.sensitive = bool(b)
        v.sensitive_set = True
    if "ephemeral" in a:
        b, d = decode_bool(a["ephemeral"].expr)
        diags.extend(d)
        v.ephemeral = bool(b)
        v.ephemeral_set = True
    if "deprecated" in a:
        v.deprecated, d = decode_deprecated(a["deprecated"].expr, "variable", lr)
        diags.extend(d)
    if "nullable" in a:
        b, d = decode_bool(a["nullable"].expr)
        diags.extend(d)
        if b is not None:
            v.nullable = b
            v.nullable_set = True
    if "default" in a:
        expr = a["default"].expr
        val, d = const_value(expr)
        diags.extend(d)
        v.default_range = expr.range
        if not d.has_errors():
            v.default = val
            if not override:
                check_variable_default(v, diags, "")
    for vb in content.blocks:
        if vb.type != "validation":
            continue
        rule, d = decode_check_rule(vb)
        diags.extend(d)
        if rule is None:
            continue
        if not _refers_to_variable(rule.condition, name):
            diags.add_error(
                "Invalid variable validation condition",
                f'The condition for variable "{name}" must refer to var.{name} in order to test incoming values.',
                rule.condition.range,
            )
        v.validations.append(rule)
    return v, diags


def check_variable_default(v: Variable, diags: Diagnostics, detail_prefix: str, subject: Range | None = None) -> None:
    """Convert the default to the type constraint (with optional defaults applied) in place."""
    if v.default is None:
        return
    val = v.default
    rng = subject or v.default_range or v.decl_range
    if v.type != DYNAMIC or v.type_defaults is not None:
        if v.type_defaults is not None:
            val = apply_defaults(val, v.type, v.type_defaults)
        conv, msg = convert_value(val, v.type)
        if conv is None:
            if detail_prefix:
                detail = f"{detail_prefix}{msg}."
            else:
                detail = f"This default value is not compatible with the variable's type constraint: {msg}."
            diags.add_error("Invalid default value for variable", detail, rng)
            v.default = None
            return
        val = conv
    if not v.nullable and val.is_null:
        diags.add_error("Invalid default value for variable", "A null default value is not valid when nullable=false.", rng)
    v.default = val


def decode_deprecated(expr: Expression, what: str, subject: Range) -> tuple[str, Diagnostics]:
    """OpenTofu's deprecated argument: a string that must not be blank (OpenTofu 1.10
    reports a blank variable message at the variable's name, an output's at its value)."""
    s, diags = decode_string(expr)
    if diags.has_errors() or s is None:
        return "", diags
    if not s.strip():
        noun = "value" if what == "variable" else "attribute"
        diags.add_error(
            f"Invalid `deprecated` {noun}",
            'The "deprecated" argument must not be empty, and should provide instructions on how to migrate '
            f"away from usage of this deprecated {what}.",
            subject,
        )
        return "", diags
    return s, diags


def _refers_to_variable(expr: Expression, name: str) -> bool:
    for t in expr.variables():
        steps = t.steps
        if len(steps) >= 2 and t.root_name == "var" and isinstance(steps[1], hcl.TraverseAttr) and steps[1].name == name:
            return True
    return False


def decode_locals_block(block: hcl.Block) -> tuple[list[Local], Diagnostics]:
    attrs, diags = block.body.just_attributes()
    out: list[Local] = []
    for name, attr in attrs.items():
        if not valid_identifier(name):
            diags.add_error("Invalid local value name", BAD_IDENTIFIER_DETAIL, attr.name_range)
        out.append(Local(name, attr.expr, attr.range))
    return out, diags


def decode_output_block(block: hcl.Block, override: bool) -> tuple[Output | None, Diagnostics]:
    diags = Diagnostics()
    name = block.labels[0]
    o = Output(name, block.def_range)
    if not valid_identifier(name):
        diags.add_error("Invalid output name", BAD_IDENTIFIER_DETAIL, block.label_ranges[0] if block.label_ranges else block.def_range)
    content, d = block.body.content(OUTPUT_SCHEMA_OVERRIDE if override else OUTPUT_SCHEMA)
    diags.extend(d)
    a = content.attributes
    if "description" in a:
        s, d = decode_string(a["description"].expr)
        diags.extend(d)
        o.description = s or ""
        o.description_set = True
    if "value" in a:
        o.expr = a["value"].expr
    if "sensitive" in a:
        b, d = decode_bool(a["sensitive"].expr)
        diags.extend(d)
        o.sensitive = bool(b)
        o.sensitive_set = True
    if "ephemeral" in a:
        b, d = decode_bool(a["ephemeral"].expr)
        diags.extend(d)
        o.ephemeral = bool(b)
        o.ephemeral_set = True
    if "deprecated" in a:
        o.deprecated, d = decode_deprecated(a["deprecated"].expr, "output value", a["deprecated"].expr.range)
        diags.extend(d)
    if "depends_on" in a:
        deps, d = decode_depends_on(a["depends_on"])
        diags.extend(d)
        o.depends_on = deps
    for b2 in content.blocks:
        if b2.type == "precondition":
            rule, d = decode_check_rule(b2)
            diags.extend(d)
            if rule is not None:
                o.preconditions.append(rule)
        elif b2.type == "postcondition":
            diags.add_error(
                "Postconditions are not allowed",
                "Output values can only have preconditions, not postconditions.",
                b2.type_range,
            )
    return o, diags


