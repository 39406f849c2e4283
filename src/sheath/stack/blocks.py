"""The declarations a stack file makes: variables, locals, outputs, providers,
resources, data sources and module calls.

Each adds one block to the current stack (sheath.stack.model.current_stack) and
returns what later declarations refer to: a Ref, or an object whose attributes are
references (a Resource, a DataSource, a Module).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from sheath.stack.model import (
    REF_CLOSE,
    REF_OPEN,
    Count,
    Each,
    Ref,
    StackError,
    current_stack,
    expression_of,
    hcl_literal,
)

# --- values -----------------------------------------------------------------------------


def _template(s: str) -> str:
    """A Python string as a JSON-syntax template: literal ${ and %{ escaped, formatted
    references (between the marker characters) kept as interpolations."""
    out: list[str] = []
    rest = s
    while True:
        i = rest.find(REF_OPEN)
        if i < 0:
            out.append(rest.replace("${", "$${").replace("%{", "%%{"))
            break
        j = rest.find(REF_CLOSE, i)
        if j < 0:
            raise StackError("a string holds a damaged reference (its closing marker is missing)")
        out.append(rest[:i].replace("${", "$${").replace("%{", "%%{"))
        out.append(rest[i + 1 : j])
        rest = rest[j + 1 :]
    return "".join(out)


def to_json_value(value: object) -> Any:
    """A Python value as the JSON syntax's value for an argument."""
    if isinstance(value, Referable):
        value = value.ref
    if isinstance(value, Ref):
        return "${" + expression_of(value) + "}"
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, str):
        return _template(value)
    if isinstance(value, Mapping):
        return {_template(str(k)): to_json_value(v) for k, v in value.items()}
    if isinstance(value, (set, frozenset)):
        return [to_json_value(v) for v in sorted(value, key=repr)]
    if isinstance(value, (list, tuple)):
        return [to_json_value(v) for v in value]
    raise StackError(f"a value of type {type(value).__name__} cannot be used in the configuration")


def _traversal(value: object, what: str) -> str:
    """A reference as the bare traversal string depends_on, provider and lifecycle take."""
    if isinstance(value, Referable):
        return expression_of(value.ref)
    if isinstance(value, Ref):
        return expression_of(value)
    if isinstance(value, str):
        return value
    raise StackError(f"{what} takes references (resources, modules, or strings such as 'aws.west'), not {type(value).__name__}")


_TYPE_NAMES: dict[object, str] = {str: "string", int: "number", float: "number", bool: "bool", object: "any"}


def type_expression(t: object) -> str:
    """A Python type (str, int, list[str], dict[str, int]...) or a type expression string."""
    import typing

    if isinstance(t, str):
        return t
    if t in _TYPE_NAMES:
        return _TYPE_NAMES[t]
    origin, args = typing.get_origin(t), typing.get_args(t)
    if origin is list and len(args) == 1:
        return f"list({type_expression(args[0])})"
    if origin in (set, frozenset) and len(args) == 1:
        return f"set({type_expression(args[0])})"
    if origin is dict and len(args) == 2:
        if args[0] is not str:
            raise StackError("map types need str keys (dict[str, ...])")
        return f"map({type_expression(args[1])})"
    if origin is tuple and args:
        return "tuple([" + ", ".join(type_expression(a) for a in args) + "])"
    if t is list:
        return "list(any)"
    if t is dict:
        return "map(any)"
    raise StackError(f"{t!r} is not a type a variable can have; use str, int, float, bool, list[...], dict[str, ...] or a type expression string")


# --- referable objects ------------------------------------------------------------------


class Referable:
    """A declared object: its attributes are references to the object's attributes."""

    __slots__ = ("ref",)

    def __init__(self, ref: Ref) -> None:
        object.__setattr__(self, "ref", ref)

    def __getattr__(self, name: str) -> Ref:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.ref, name)  # type: ignore[no-any-return]

    def __getitem__(self, key: object) -> Ref:
        return self.ref[key]

    def __setattr__(self, name: str, value: object) -> None:
        raise StackError(f"cannot assign to {expression_of(self.ref)}.{name}: pass arguments when declaring it")

    def __str__(self) -> str:
        return str(self.ref)

    def __format__(self, spec: str) -> str:
        return format(self.ref, spec)

    def __bool__(self) -> bool:
        return True  # the object exists; its attributes' values are what is unknown

    def __repr__(self) -> str:
        return f"<{expression_of(self.ref)}>"


_META = ("count", "for_each", "depends_on", "lifecycle", "provider", "provisioner", "connection")


def _resource_body(kind: str, args: Mapping[str, object]) -> dict[str, Any]:
    count = args.get("count")
    for_each = args.get("for_each")
    if count is not None and for_each is not None:
        raise StackError(f"{kind} cannot have both count and for_each")
    if for_each is not None:
        context: object = Each()
    elif count is not None:
        context = Count()
    else:
        context = None
    body: dict[str, Any] = {}
    for name, value in args.items():
        if value is None:
            continue
        if name == "for_each":
            if isinstance(value, (list, tuple, set, frozenset)):
                body[name] = "${toset(" + hcl_literal(list(value) if not isinstance(value, (set, frozenset)) else value) + ")}"
            else:
                body[name] = to_json_value(value)
            continue
        if name == "depends_on":
            items = value if isinstance(value, (list, tuple)) else [value]
            body[name] = [_traversal(v, "depends_on") for v in items]
            continue
        if name == "provider":
            body[name] = _traversal(value, "provider")
            continue
        if name == "lifecycle":
            body[name] = _lifecycle(value)
            continue
        if callable(value) and not isinstance(value, (Referable, Ref)):
            if context is None:
                raise StackError(f"argument {name} of {kind} is a function, which only count or for_each resources can use (it is called with each or count)")
            value = value(context)
        body[name] = to_json_value(value)
    return body


def _lifecycle(value: object) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise StackError("lifecycle takes a dict, e.g. lifecycle={'create_before_destroy': True}")
    out: dict[str, Any] = {}
    for k, v in value.items():
        if k in ("ignore_changes", "replace_triggered_by"):
            if v == "all" and k == "ignore_changes":
                out[k] = "all"
            else:
                out[k] = [_traversal(x, k) for x in (v if isinstance(v, (list, tuple)) else [v])]
        else:
            out[k] = to_json_value(v)
    return out


class Resource(Referable):
    """A managed resource. Subclasses set TYPE; resource(type, name, ...) works for any type."""

    __slots__ = ()
    TYPE: ClassVar[str] = ""

    def __init__(self, name: str, /, **args: Any) -> None:
        rtype = type(self).TYPE or str(args.pop("_type", ""))
        if not rtype:
            raise StackError("Resource needs a type: use resource(type, name, ...) or a typed class")
        super().__init__(Ref(f"{rtype}.{name}"))
        current_stack().add("resource", (rtype, name), _resource_body(f"resource {rtype}.{name}", args))


class DataSource(Referable):
    """A data source. Subclasses set TYPE; data(type, name, ...) works for any type."""

    __slots__ = ()
    TYPE: ClassVar[str] = ""

    def __init__(self, name: str, /, **args: Any) -> None:
        dtype = type(self).TYPE or str(args.pop("_type", ""))
        if not dtype:
            raise StackError("DataSource needs a type: use data(type, name, ...) or a typed class")
        super().__init__(Ref(f"data.{dtype}.{name}"))
        current_stack().add("data", (dtype, name), _resource_body(f"data {dtype}.{name}", args))


def resource(type_name: str, name: str, /, **args: Any) -> Resource:
    """A resource of any provider: resource("terraform_data", "a", input="x")."""
    return Resource(name, _type=type_name, **args)


def data(type_name: str, name: str, /, **args: Any) -> DataSource:
    """A data source of any provider: data("aws_iam_policy_document", "p", statement=[...])."""
    return DataSource(name, _type=type_name, **args)


class Module(Referable):
    """A module call: Module("network", source="./modules/network", cidr="10.0.0.0/16")."""

    __slots__ = ()

    def __init__(self, name: str, /, *, source: str, version: str | None = None, **inputs: Any) -> None:
        super().__init__(Ref(f"module.{name}"))
        body: dict[str, Any] = {"source": source}
        if version is not None:
            body["version"] = version
        providers = inputs.pop("providers", None)
        if providers is not None:
            if not isinstance(providers, Mapping):
                raise StackError("providers takes a dict of provider configuration names, e.g. {'aws': 'aws.west'}")
            body["providers"] = {k: "${" + _traversal(v, "providers") + "}" for k, v in providers.items()}
        body.update(_resource_body(f"module {name}", inputs))
        current_stack().add("module", (name,), body)


def variable(
    name: str,
    /,
    *,
    type: object = None,  # noqa: A002 - terraform's argument name
    default: object = None,
    description: str | None = None,
    sensitive: bool = False,
    nullable: bool | None = None,
) -> Ref:
    """An input variable; returns var.<name>."""
    body: dict[str, Any] = {}
    if type is not None:
        body["type"] = type_expression(type)
    if default is not None:
        body["default"] = to_json_value(default)
    if description is not None:
        body["description"] = description
    if sensitive:
        body["sensitive"] = True
    if nullable is not None:
        body["nullable"] = nullable
    current_stack().add("variable", (name,), body)
    return Ref(f"var.{name}")


def local_value(name: str, value: object, /) -> Ref:
    """A local value; returns local.<name>."""
    current_stack().add("locals", (name,), {name: to_json_value(value)})
    return Ref(f"local.{name}")


def output(
    name: str,
    value: object,
    /,
    *,
    sensitive: bool = False,
    description: str | None = None,
    depends_on: Iterable[object] = (),
) -> None:
    """An output value."""
    body: dict[str, Any] = {"value": to_json_value(value)}
    if sensitive:
        body["sensitive"] = True
    if description is not None:
        body["description"] = description
    deps = [_traversal(d, "depends_on") for d in depends_on]
    if deps:
        body["depends_on"] = deps
    current_stack().add("output", (name,), body)


def provider(name: str, /, *, alias: str | None = None, **args: Any) -> str:
    """A provider configuration; returns the name resources pass as provider=."""
    body = {k: to_json_value(v) for k, v in args.items() if v is not None}
    if alias is not None:
        body["alias"] = alias
    current_stack().add("provider", (name,), body)
    return f"{name}.{alias}" if alias else name


def required_providers(**providers: Mapping[str, str] | str) -> None:
    """terraform { required_providers { ... } }: required_providers(random={"source": "hashicorp/random"})."""
    req = {k: ({"source": v} if isinstance(v, str) else dict(v)) for k, v in providers.items()}
    current_stack().add("terraform", (), {"required_providers": req})


def moved(from_: object, to: object, /) -> None:
    """A moved block: moved("terraform_data.old", new) (addresses as strings or objects)."""
    current_stack().add("moved", (), {"from": _traversal(from_, "moved"), "to": _traversal(to, "moved")})


def imported(to: object, id: object, /, *, provider: object = None) -> None:  # noqa: A002 - terraform's argument
    """An import block: imported(bucket, "my-bucket-name") adopts an existing object as bucket."""
    body: dict[str, Any] = {"to": _traversal(to, "import"), "id": to_json_value(id)}
    if provider is not None:
        body["provider"] = _traversal(provider, "provider")
    current_stack().add("import", (), body)


def check(name: str, /, *asserts: tuple[object, str]) -> None:
    """A check block: check("health", (expr("data.x.ok"), "not healthy"), ...)."""
    if not asserts:
        raise StackError(f"check {name} needs at least one (condition, error_message) assertion")
    body = {"assert": [{"condition": to_json_value(c), "error_message": to_json_value(m)} for c, m in asserts]}
    current_stack().add("check", (name,), body)
