"""Which prior element of a set a configured element may have become (terraform's
objchange.validPriorFromConfig).

Set elements have no identity, so the proposed new state pairs each configured element
with the first unused prior element that could have been derived from it: equal, or
differing only where the schema lets the provider fill in a value (a computed attribute
the configuration leaves null). The prior value is walked; a nested set must be equal as
a whole.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from sheath.providers.schema import Attribute, Block, Nesting, Object
from sheath.types import Value, unknown
from sheath.types.cty import SetType
from sheath.types.ops import raw_equal


def valid_prior_from_config(schema: Block | Object, prior: Value, config: Value) -> bool:
    """Whether prior (one set element) could have come from config (another)."""
    if _same(prior, config):
        return True
    if isinstance(schema, Block):
        return _block(schema, prior, config)
    return _attributes(schema.attributes, prior, config)


def _same(a: Value, b: Value) -> bool:
    return raw_equal(a.unmark_deep()[0], b.unmark_deep()[0])


def _child(config: Value, name: str) -> Value | None:
    """path.Apply for one attribute step: None where cty would fail (a null object)."""
    if config.is_null:
        return None
    if not config.is_known:
        return unknown()
    return config.attrs().get(name)


def _block(block: Block, prior: Value, config: Value) -> bool:
    if not _attributes(block.attributes, prior, config):
        return False
    if prior.is_null or not prior.is_known:
        return True
    pa = prior.attrs()
    for name, nb in block.block_types.items():
        pv, cv = pa.get(name), _child(config, name)
        if pv is None:
            continue
        if cv is None:
            return False
        if _same(pv, cv):
            continue
        if isinstance(cv.type, SetType):
            return False
        if nb.nesting in (Nesting.SINGLE, Nesting.GROUP):
            ok = _block(nb.block, pv, cv)
        else:
            ok = _elements(pv, cv, _each_block(nb.block))
        if not ok:
            return False
    return True


def _each_block(block: Block) -> Callable[[Value, Value], bool]:
    return lambda p, c: _same(p, c) or _block(block, p, c)


def _attributes(attrs: Mapping[str, Attribute], prior: Value, config: Value) -> bool:
    if prior.is_null or not prior.is_known:
        return True  # nothing under it to walk
    pa = prior.attrs()
    for name, a in attrs.items():
        pv = pa.get(name)
        if pv is None:
            continue
        cv = _child(config, name)
        if cv is None:
            return False
        if not _attribute(a, pv, cv):
            return False
    return True


def _attribute(a: Attribute, prior: Value, config: Value) -> bool:
    if _same(prior, config):
        return True
    if isinstance(config.type, SetType):
        return False
    nt = a.nested_type
    if nt is None:
        # a leaf may differ only when the provider computes it and the configuration is silent
        return a.computed and config.is_null
    if nt.nesting in (Nesting.SINGLE, Nesting.GROUP):
        return _attributes(nt.attributes, prior, config)
    return _elements(prior, config, lambda p, c: _same(p, c) or _attributes(nt.attributes, p, c))


def _elements(prior: Value, config: Value, each: Callable[[Value, Value], bool]) -> bool:
    """The elements of a list or map: each prior element against config's at its index or key."""
    if prior.is_null or not prior.is_known:
        return True
    if config.is_null:
        return False
    if not config.is_known:
        return True
    pv, cv = prior.v, config.v
    if isinstance(pv, dict) and isinstance(cv, dict):
        return all(k in cv and each(p, cv[k]) for k, p in pv.items())
    pe, ce = prior.elements(), config.elements()
    return all(i < len(ce) and each(p, ce[i]) for i, p in enumerate(pe))


__all__ = ["valid_prior_from_config"]
