"""The proposed new state handed to a provider's plan (terraform's objchange.ProposedNew).

The proposed new state is the configuration, except that computed attributes
the configuration leaves null keep their prior values, recursively through
nested blocks and nested attribute objects. Providers then decide what is
unknown, defaulted or replaced.
"""

from __future__ import annotations

from collections.abc import Callable

from sheath.providers.schema import Attribute, Block, NestedBlock, Nesting, Object
from sheath.providers.set_correlation import valid_prior_from_config
from sheath.types import Value, null, object_val, set_val
from sheath.types.cty import ListType, MapType


def proposed_new(block: Block, prior: Value, config: Value) -> Value:
    """objchange.ProposedNew(schema, prior, config)."""
    if config.is_null and prior.is_null:
        return prior
    if prior.is_null:
        prior = all_attributes_null(block)
    return _block(block, prior, config)


def all_attributes_null(block: Block) -> Value:
    """The value of an empty block body: every attribute null, nested blocks empty."""
    return block.empty_value()


def _block(block: Block, prior: Value, config: Value) -> Value:
    if config.is_null or not config.is_known:
        return config
    if not prior.is_known:
        prior = all_attributes_null(block)
    p = prior.attrs() if not prior.is_null else {}
    c = config.attrs()
    out: dict[str, Value] = {}
    for name, a in block.attributes.items():
        cv = c.get(name)
        pv = p.get(name)
        if cv is None or pv is None:
            t = a.implied_type()
            cv = null(t) if cv is None else cv
            pv = null(t) if pv is None else pv
        out[name] = _attribute(a, pv, cv)
    for name, nb in block.block_types.items():
        cv = c.get(name)
        pv = p.get(name)
        out[name] = _nested_block(nb, nb.empty_value() if pv is None else pv, nb.empty_value() if cv is None else cv)
    return object_val(out)


def _attribute(a: Attribute, prior: Value, config: Value) -> Value:
    if a.computed and config.is_null:
        # an optional+computed attribute whose prior value was set from configuration
        # (it holds non-computed nested attributes) becomes null with the configuration
        if a.optional and a.nested_type is not None and _has_non_computed(a.nested_type, prior):
            return config
        return prior
    if a.nested_type is not None:
        return _nested_object(a.nested_type, prior, config)
    return config


def _has_non_computed(obj: Object, prior: Value) -> bool:
    if prior.is_null or not prior.is_known:
        return False
    return any(not x.computed for x in obj.attributes.values())


def _object_attrs(obj: Object, prior: Value, config: Value) -> Value:
    if config.is_null or not config.is_known:
        return config
    p = prior.attrs() if prior.is_known and not prior.is_null else {}
    out = {}
    for name, a in obj.attributes.items():
        t = a.implied_type()
        out[name] = _attribute(a, p.get(name, null(t)), config.attrs().get(name, null(t)))
    return object_val(out)


def _nested_object(obj: Object, prior: Value, config: Value) -> Value:
    if config.is_null or not config.is_known:
        return config
    if obj.nesting in (Nesting.SINGLE, Nesting.GROUP):
        return _object_attrs(obj, prior, config)
    return _collection(obj.nesting, prior, config, lambda pv, cv: _object_attrs(obj, pv, cv), obj)


def _nested_block(nb: NestedBlock, prior: Value, config: Value) -> Value:
    if nb.nesting in (Nesting.SINGLE, Nesting.GROUP):
        if config.is_null:
            return config
        return _block(nb.block, prior, config)
    if config.is_null or not config.is_known:
        return config
    return _collection(nb.nesting, prior, config, lambda pv, cv: _block(nb.block, pv, cv), nb.block)


def _collection(
    nesting: Nesting, prior: Value, config: Value, each: Callable[[Value, Value], Value], schema: Block | Object
) -> Value:
    prior_known = prior.is_known and not prior.is_null
    if nesting is Nesting.LIST:
        pe = prior.elements() if prior_known else ()
        elems = [each(pe[i] if i < len(pe) else null(e.type), e) for i, e in enumerate(config.elements())]
        if isinstance(config.type, ListType):
            et = config.type.element if not elems else elems[0].type
            return Value(ListType(et), tuple(elems))
        return Value(config.type, tuple(elems))
    if nesting is Nesting.MAP:
        pm = prior.attrs() if prior_known else {}
        m = {k: each(pm.get(k, null(e.type)), e) for k, e in config.attrs().items()}
        if isinstance(config.type, MapType):
            et = config.type.element if not m else next(iter(m.values())).type
            return Value(MapType(et), m)
        return object_val(m)
    # sets: each configured element takes the first unused prior element it could have
    # become (computed values the configuration leaves null); the others start from null
    candidates = list(prior.elements()) if prior_known else []
    used = [False] * len(candidates)
    out = []
    for e in config.elements():
        match = null(e.type)
        for i, p in enumerate(candidates):
            if not used[i] and valid_prior_from_config(schema, p, e):
                match, used[i] = p, True
                break
        out.append(each(match, e))
    if not out:
        return config
    return set_val(out)


__all__ = ["all_attributes_null", "proposed_new"]
