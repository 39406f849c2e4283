"""Provider-defined functions in a module's scope.

terraform (internal/terraform/eval_context_builtin.go, evaluationExternalFunctions)
adds to a module's function table, for every provider named in that module's
``required_providers`` block, the functions that provider's schema declares
(GetProviderSchema's ``functions``), as ``provider::LOCAL_NAME::FUNCTION``. A provider
only implied by a resource, or declared in another module, contributes nothing here.

Each function is built from its declaration (internal/providers/functions.go,
FunctionDecl.BuildFunction): positional parameters and an optional variadic one with
the declared types, a static return type, and an implementation that answers
unknown when an argument is not wholly known (unless the parameter accepts unknowns)
and otherwise asks a provider instance through CallFunction. That instance is never
configured: validate, which configures no provider, calls functions the same way.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Protocol, Sequence

from sheath.addrs.provider import Provider as ProviderAddr
from sheath.addrs.module import Module as ModulePath
from sheath.config import Config
from sheath.config.module import Module
from sheath.lang.eval.templates import make_template_renderer
from sheath.lang.funcs.function import Function, FunctionError, Parameter, static_return
from sheath.lang.funcs.registry import BuiltinFunctions
from sheath.providers.interface import CallFunctionRequest, FunctionDecl, FunctionParameter, Provider
from sheath.types.cty import Type, Value, unknown

# the declarations a provider's schema holds (None: no schema, so no functions)
DeclsFor = Callable[[ProviderAddr], "Mapping[str, FunctionDecl] | None"]
# the (unconfigured) provider instance that answers CallFunction
InstanceFor = Callable[[ProviderAddr], Provider]

PROVIDER_NAMESPACE = "provider::"


def _parameter(p: FunctionParameter) -> Parameter:
    return Parameter(
        p.name,
        p.type,
        allow_null=p.allow_null_value,
        allow_unknown=True,  # the implementation answers unknown itself, as terraform's does
        allow_dynamic_type=p.type.is_dynamic(),
    )


def _wholly_known(v: Value) -> bool:
    return v.is_wholly_known()


def provider_function(
    addr: ProviderAddr, local_name: str, name: str, decl: FunctionDecl, instance: Callable[[], Provider]
) -> Function:
    """terraform's FunctionDecl.BuildFunction: a function of the table that calls the provider."""
    params = tuple(_parameter(p) for p in decl.parameters)
    var_param = _parameter(decl.variadic_parameter) if decl.variadic_parameter is not None else None
    declared = (*decl.parameters,)
    variadic = decl.variadic_parameter
    ret: Type = decl.return_type

    def impl(args: Sequence[Value], ret_type: Type) -> Value:
        for i, arg in enumerate(args):
            p = declared[i] if i < len(declared) else variadic
            if p is not None and not p.allow_unknown_values and not _wholly_known(arg):
                return unknown(ret_type)
            if p is not None and not p.allow_null_value and arg.is_null:
                raise FunctionError(f"argument {p.name!r} cannot be null")
        try:
            provider = instance()
        except Exception as exc:  # noqa: BLE001 - a provider that cannot start is this call's error
            raise FunctionError(f"failed to launch provider plugin: {exc}") from exc
        resp = provider.call_function(CallFunctionRequest(name, list(args)))
        if resp.error:
            raise FunctionError(resp.error, resp.argument_index)
        if resp.result is None:
            raise FunctionError("provider returned no result and no errors")
        return resp.result

    return Function(
        f"{PROVIDER_NAMESPACE}{local_name}::{name}",
        params,
        static_return(ret),
        impl,
        var_param=var_param,
        description=decl.summary or decl.description,
    )


@dataclass
class ModuleFunctions(Mapping[str, Function]):
    """One module's function table: the built-in functions, then ``provider::NAME::F`` for
    each provider its required_providers block names, read from the schema when first
    asked for (a module that calls no provider function starts no provider for it)."""

    builtin: Mapping[str, Function]
    required: Mapping[str, ProviderAddr]  # local name -> provider
    decls_for: DeclsFor
    instance_for: InstanceFor
    _tables: dict[str, dict[str, Function]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _provider_table(self, local_name: str) -> dict[str, Function]:
        t = self._tables.get(local_name)
        if t is not None:
            return t
        with self._lock:
            t = self._tables.get(local_name)
            if t is None:
                t = {}
                addr = self.required.get(local_name)
                decls = self.decls_for(addr) if addr is not None else None
                if addr is not None and decls:
                    for fname, decl in decls.items():
                        t[fname] = provider_function(addr, local_name, fname, decl, _bind(self.instance_for, addr))
                self._tables[local_name] = t
        return t

    def _split(self, name: str) -> tuple[str, str] | None:
        if not name.startswith(PROVIDER_NAMESPACE):
            return None
        rest = name[len(PROVIDER_NAMESPACE) :]
        local, sep, fname = rest.partition("::")
        if not sep or "::" in fname or local not in self.required:
            return None
        return local, fname

    def __getitem__(self, name: str) -> Function:
        parts = self._split(name)
        if parts is None:
            return self.builtin[name]
        return self._provider_table(parts[0])[parts[1]]

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        parts = self._split(name)
        if parts is None:
            return name in self.builtin
        return parts[1] in self._provider_table(parts[0])

    def __iter__(self) -> Iterator[str]:
        yield from self.builtin
        for local in sorted(self.required):
            for fname in sorted(self._provider_table(local)):
                yield f"{PROVIDER_NAMESPACE}{local}::{fname}"

    def __len__(self) -> int:
        return sum(1 for _ in self)


def _bind(instance_for: InstanceFor, addr: ProviderAddr) -> Callable[[], Provider]:
    return lambda: instance_for(addr)


def required_providers(module: Module) -> dict[str, ProviderAddr]:
    """Local name -> provider of the module's required_providers entries (terraform's
    Module.ProviderRequirements.RequiredProviders; implied providers are not there)."""
    reqs = module.provider_requirements
    if reqs is None:
        return {}
    return {name: req.type for name, req in reqs.required_providers.items() if req.type is not None}


def module_functions(
    builtin: Mapping[str, Function], module: Module, decls_for: DeclsFor, instance_for: InstanceFor
) -> Mapping[str, Function]:
    """The function table of a module: builtin alone when it requires no provider.

    Templates see the table of the module that renders them (terraform's templatefile and
    templatestring get the scope's whole table, provider functions included, less the
    template functions themselves), so a module with provider functions gets its own
    templatefile and templatestring, rendering with this table."""
    required = required_providers(module)
    if not required:
        return builtin
    if not isinstance(builtin, BuiltinFunctions):
        return ModuleFunctions(builtin, required, decls_for, instance_for)
    renderer = make_template_renderer()
    table = ModuleFunctions(builtin.with_render_template(renderer), required, decls_for, instance_for)
    renderer.functions = table
    return table


class SchemaSource(Protocol):
    """Where a run's provider schemas and function-calling instances come from
    (engine.providers.ProviderSchemas)."""

    def function_decls(self, addr: ProviderAddr) -> Mapping[str, FunctionDecl] | None: ...

    def function_instance(self, addr: ProviderAddr) -> Provider: ...


class FunctionScopes:
    """The function table of each module of a configuration, built once per module (every
    instance of a module shares its module's table, as its required_providers are static)."""

    def __init__(self, builtin: Mapping[str, Function], config: Config, source: SchemaSource) -> None:
        self.builtin = builtin
        self.config = config
        self.source = source
        self._tables: dict[tuple[str, ...], Mapping[str, Function]] = {}
        self._lock = threading.Lock()

    def for_module(self, path: tuple[str, ...]) -> Mapping[str, Function]:
        t = self._tables.get(path)
        if t is None:
            with self._lock:
                t = self._tables.get(path)
                if t is None:
                    c = self.config.descendant(ModulePath(path))
                    t = self.builtin if c is None else module_functions(
                        self.builtin, c.module, self.source.function_decls, self.source.function_instance
                    )
                    self._tables[path] = t
        return t


__all__ = ["FunctionScopes", "ModuleFunctions", "SchemaSource", "module_functions", "provider_function", "required_providers"]
