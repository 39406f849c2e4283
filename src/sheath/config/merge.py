"""Override files: merging *_override.tf declarations into the primary ones, as terraform does.

Top-level declarations are matched by name (variables, locals, outputs, module
calls, provider configurations by name+alias, resources by mode+type+name) and
merged argument by argument. Inside a block body an argument in the override
replaces the original's; each nested block type present in the override
replaces all blocks of that type in the original (a dynamic block counts as the
block type it generates); block types the override leaves out are kept.
"""

from __future__ import annotations

from dataclasses import dataclass

from sheath.diag import Diagnostics, Range
from sheath.lang import hcl


def _without_required(schema: hcl.BodySchema) -> hcl.BodySchema:
    if not any(a.required for a in schema.attributes):
        return schema
    return hcl.BodySchema(tuple(hcl.AttributeSchema(a.name) for a in schema.attributes), schema.blocks)


def _effective_type(b: hcl.Block) -> str:
    if b.type == "dynamic" and b.labels:
        return b.labels[0]
    return b.type


@dataclass(slots=True)
class MergedBody:
    """A body that is base with override merged on top (implements hcl.Body)."""

    base: hcl.Body
    override: hcl.Body

    def _prepare(self, schema: hcl.BodySchema, partial: bool) -> tuple[hcl.BodyContent, hcl.Body | None, Diagnostics]:
        diags = Diagnostics()
        s = _without_required(schema)
        base_c, base_rest, d = self.base.partial_content(s)
        diags.extend(d)
        if partial:
            over_c, over_rest, d = self.override.partial_content(s)
            rest: hcl.Body | None = MergedBody(base_rest, over_rest)
        else:
            over_c, d = self.override.content(s)
            rest = None
        diags.extend(d)
        attrs = dict(base_c.attributes)
        attrs.update(over_c.attributes)
        over_types = {_effective_type(b) for b in over_c.blocks}
        blocks = [b for b in base_c.blocks if _effective_type(b) not in over_types]
        blocks.extend(over_c.blocks)
        content = hcl.BodyContent(attrs, blocks, base_c.missing_item_range)
        for a in schema.attributes:
            if a.required and a.name not in attrs:
                diags.add_error(
                    "Missing required argument",
                    f'The argument "{a.name}" is required, but no definition was found.',
                    self.base.missing_item_range(),
                )
        return content, rest, diags

    def content(self, schema: hcl.BodySchema) -> tuple[hcl.BodyContent, Diagnostics]:
        c, _, d = self._prepare(schema, False)
        return c, d

    def partial_content(self, schema: hcl.BodySchema) -> tuple[hcl.BodyContent, hcl.Body, Diagnostics]:
        c, rest, d = self._prepare(schema, True)
        assert rest is not None
        return c, rest, d

    def just_attributes(self) -> tuple[dict[str, hcl.Attribute], Diagnostics]:
        a, diags = self.base.just_attributes()
        o, d = self.override.just_attributes()
        diags.extend(d)
        out = dict(a)
        out.update(o)
        return out, diags

    def missing_item_range(self) -> Range:
        return self.base.missing_item_range()


def merge_bodies(base: hcl.Body, override: hcl.Body) -> hcl.Body:
    return MergedBody(base, override)


@dataclass(slots=True)
class MergedBodies:
    """hcl.MergeBodies: the content of several bodies together (an argument set in two of
    them is a "Duplicate argument"); how an escaping block "_" joins its block's body."""

    bodies: tuple[hcl.Body, ...]

    def _merged(self, schema: hcl.BodySchema, partial: bool) -> tuple[hcl.BodyContent, hcl.Body | None, Diagnostics]:
        diags = Diagnostics()
        s = _without_required(schema)
        attrs: dict[str, hcl.Attribute] = {}
        blocks: list[hcl.Block] = []
        rests: list[hcl.Body] = []
        for body in self.bodies:
            if partial:
                c, rest, d = body.partial_content(s)
                rests.append(rest)
            else:
                c, d = body.content(s)
            diags.extend(d)
            for name, attr in c.attributes.items():
                first = attrs.get(name)
                if first is not None:
                    diags.add_error(
                        "Duplicate argument",
                        f'Argument "{name}" was already set at {_range_string(first.name_range)}',
                        attr.name_range,
                    )
                    continue
                attrs[name] = attr
            blocks.extend(c.blocks)
        for a in schema.attributes:
            if a.required and a.name not in attrs:
                diags.add_error("Missing required argument", f'The argument "{a.name}" is required, but was not set.')
        content = hcl.BodyContent(attrs, blocks, self.missing_item_range())
        return content, (MergedBodies(tuple(rests)) if partial else None), diags

    def content(self, schema: hcl.BodySchema) -> tuple[hcl.BodyContent, Diagnostics]:
        c, _, d = self._merged(schema, False)
        return c, d

    def partial_content(self, schema: hcl.BodySchema) -> tuple[hcl.BodyContent, hcl.Body, Diagnostics]:
        c, rest, d = self._merged(schema, True)
        assert rest is not None
        return c, rest, d

    def just_attributes(self) -> tuple[dict[str, hcl.Attribute], Diagnostics]:
        diags = Diagnostics()
        out: dict[str, hcl.Attribute] = {}
        for body in self.bodies:
            a, d = body.just_attributes()
            diags.extend(d)
            for name, attr in a.items():
                first = out.get(name)
                if first is not None:
                    diags.add_error(
                        "Duplicate argument",
                        f'Argument "{name}" was already set at {_range_string(first.name_range)}',
                        attr.name_range,
                    )
                    continue
                out[name] = attr
        return out, diags

    def missing_item_range(self) -> Range:
        return self.bodies[0].missing_item_range()


def _range_string(r: Range) -> str:
    if r.start.line == r.end.line:
        return f"{r.filename}:{r.start.line},{r.start.column}-{r.end.column}"
    return f"{r.filename}:{r.start.line},{r.start.column}-{r.end.line},{r.end.column}"


# --- merging a whole override file into a module ---------------------------------------

from typing import TYPE_CHECKING  # noqa: E402

if TYPE_CHECKING:
    from sheath.config.module import Module
    from sheath.config.parser import File
    from sheath.config.resource import Resource


def merge_file(m: "Module", f: "File") -> Diagnostics:
    from sheath.config.named_values import check_variable_default

    diags = Diagnostics()
    if f.core_version_constraints:
        m.core_version_constraints = list(f.core_version_constraints)
    if f.active_experiments:
        m.active_experiments = list(f.active_experiments)
    if f.backends:
        m.backend = f.backends[-1]
        m.cloud_config = None
    m.encryptions.extend(f.encryptions)
    if f.cloud_configs:
        m.cloud_config = f.cloud_configs[-1]
        m.backend = None
    for rp in f.required_providers:
        if m.provider_requirements is None:
            m.provider_requirements = rp
            continue
        for name, req in rp.required_providers.items():
            m.provider_requirements.required_providers[name] = req
    for pm in f.provider_metas:
        m.provider_metas[pm.provider] = pm

    for p in f.provider_configs:
        key = p.module_key()
        base = m.provider_configs.get(key)
        if base is None:
            if not p.alias:
                # a default configuration may be implied, so an override may introduce it
                m.provider_configs[key] = p
                continue
            diags.add_error(
                "Missing base provider configuration for override",
                f'There is no {p.name} provider configuration with the alias "{p.alias}". An override file can '
                "only override an aliased provider configuration that was already defined in a primary "
                "configuration file.",
                p.decl_range,
            )
            continue
        if p.version is not None:
            base.version = p.version
            base.version_range = p.version_range
        base.config = merge_bodies(base.config, p.config)

    for v in f.variables:
        bv = m.variables.get(v.name)
        if bv is None:
            diags.add_error(
                "Missing base variable declaration to override",
                f'There is no variable named "{v.name}". An override file can only override a variable that was '
                "already declared in a primary configuration file.",
                v.decl_range,
            )
            continue
        if v.description_set:
            bv.description, bv.description_set = v.description, True
        type_changed = False
        if v.type_set:
            bv.type, bv.type_defaults, bv.parsing_mode, bv.type_set = v.type, v.type_defaults, v.parsing_mode, True
            bv.type_range = v.type_range
            type_changed = True
        if v.default_range is not None:
            bv.default, bv.default_range = v.default, v.default_range
            type_changed = True
        if v.sensitive_set:
            bv.sensitive, bv.sensitive_set = v.sensitive, True
        if v.ephemeral_set:
            bv.ephemeral, bv.ephemeral_set = v.ephemeral, True
        if v.deprecated:
            bv.deprecated = v.deprecated
        if v.nullable_set:
            bv.nullable, bv.nullable_set = v.nullable, True
        if v.validations:
            bv.validations = list(v.validations)
        if type_changed and bv.default is not None:
            prefix = "" if v.default_range is not None else (
                "Overriding this variable's type constraint has made its default value invalid: "
            )
            check_variable_default(bv, diags, prefix, v.decl_range if prefix else None)

    for loc in f.locals:
        bl = m.locals.get(loc.name)
        if bl is None:
            diags.add_error(
                "Missing base local value definition to override",
                f'There is no local value named "{loc.name}". An override file can only override a local value that '
                "was already defined in a primary configuration file.",
                loc.decl_range,
            )
            continue
        bl.expr = loc.expr

    for o in f.outputs:
        bo = m.outputs.get(o.name)
        if bo is None:
            diags.add_error(
                "Missing base output definition to override",
                f'There is no output named "{o.name}". An override file can only override an output that was '
                "already defined in a primary configuration file.",
                o.decl_range,
            )
            continue
        if o.expr is not None:
            bo.expr = o.expr
        if o.description_set:
            bo.description, bo.description_set = o.description, True
        if o.sensitive_set:
            bo.sensitive, bo.sensitive_set = o.sensitive, True
        if o.ephemeral_set:
            bo.ephemeral, bo.ephemeral_set = o.ephemeral, True
        if o.deprecated:
            bo.deprecated = o.deprecated
        if o.depends_on:
            bo.depends_on = list(o.depends_on)
        if o.preconditions:
            bo.preconditions = list(o.preconditions)

    for mc in f.module_calls:
        bm = m.module_calls.get(mc.name)
        if bm is None:
            diags.add_error(
                "Missing module call to override",
                f'There is no module call named "{mc.name}". An override file can only override a module call that '
                "was defined in a primary configuration file.",
                mc.decl_range,
            )
            continue
        if mc.source_set:
            bm.source_addr_raw, bm.source_addr, bm.source_addr_range = mc.source_addr_raw, mc.source_addr, mc.source_addr_range
            bm.source_set = True
        if mc.version_range is not None:
            bm.version, bm.version_raw, bm.version_range = mc.version, mc.version_raw, mc.version_range
        if mc.count is not None:
            bm.count, bm.for_each = mc.count, None
        if mc.for_each is not None:
            bm.for_each, bm.count = mc.for_each, None
        if mc.providers:
            bm.providers = list(mc.providers)
        if mc.depends_on:
            bm.depends_on = list(mc.depends_on)
        bm.config = merge_bodies(bm.config, mc.config)

    for r in f.managed_resources:
        _merge_resource(m.managed_resources, r, "resource", "resource block", diags)
    for r in f.data_resources:
        _merge_resource(m.data_resources, r, "data resource", "data block", diags)
    for r in f.ephemeral_resources:
        _merge_resource(m.ephemeral_resources, r, "ephemeral resource", "ephemeral block", diags)

    for mv in f.moved:
        diags.add_error(
            "Cannot override 'moved' blocks",
            "Records of moved objects can appear only in normal files, not in override files.",
            mv.decl_range,
        )
    m.removed.extend(f.removed)
    for im in f.imports:
        diags.add_error(
            "Cannot override 'import' blocks",
            "Import blocks can appear only in normal files, not in override files.",
            im.decl_range,
        )
    return diags


def _merge_resource(into: dict[str, "Resource"], r: "Resource", noun: str, block_noun: str, diags: Diagnostics) -> None:
    base = into.get(r.module_key())
    if base is None:
        diags.add_error(
            f"Missing {noun} to override",
            f'There is no {r.type} {noun} named "{r.name}". An override file can only override a {block_noun} '
            "defined in a primary configuration file.",
            r.decl_range,
        )
        return
    if r.count is not None:
        base.count, base.for_each = r.count, None
    if r.for_each is not None:
        base.for_each, base.count = r.for_each, None
    if r.provider_config_ref is not None:
        base.provider_config_ref = r.provider_config_ref
    if r.depends_on:
        base.depends_on = list(r.depends_on)
    if r.preconditions:
        base.preconditions = list(r.preconditions)
    if r.postconditions:
        base.postconditions = list(r.postconditions)
    if r.triggers_replacement:
        base.triggers_replacement = list(r.triggers_replacement)
    base.config = merge_bodies(base.config, r.config)
    if base.managed is not None and r.managed is not None:
        bm, om = base.managed, r.managed
        if om.connection is not None:
            bm.connection = om.connection
        if om.provisioners:
            bm.provisioners = list(om.provisioners)
        if om.create_before_destroy_set:
            bm.create_before_destroy, bm.create_before_destroy_set = om.create_before_destroy, True
        if om.prevent_destroy_set:
            bm.prevent_destroy, bm.prevent_destroy_set = om.prevent_destroy, True
        if om.ignore_changes or om.ignore_all_changes:
            bm.ignore_changes, bm.ignore_all_changes = list(om.ignore_changes), om.ignore_all_changes


def apply_escaping_blocks(
    body: hcl.Body, blocks: list[hcl.Block], interpreted_as: str, block_word: str, diags: Diagnostics
) -> tuple[hcl.Body, list[hcl.Block]]:
    """terraform 1.11's escaping block: the content of the one "_" block among blocks joins
    body (its arguments are the type's own, never meta-arguments); the other blocks are returned."""
    first: hcl.Block | None = None
    rest: list[hcl.Block] = []
    for b in blocks:
        if b.type != "_":
            rest.append(b)
            continue
        if first is not None:
            diags.add_error(
                "Duplicate escaping block",
                'The special block type "_" can be used to force particular arguments to be interpreted as '
                f"{interpreted_as} rather than as meta-arguments, but each {block_word} block can have only one "
                f"such block. The first escaping block was at {_range_string(first.def_range)}.",
                b.def_range,
            )
            continue
        first = b
        body = MergedBodies((body, b.body))
    return body, rest
