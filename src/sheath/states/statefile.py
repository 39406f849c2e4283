"""terraform's state file format version 4: read and write, byte-compatible.

write_state_file produces the same bytes terraform writes for the same state
(field order, omitted fields, sorting, Go's JSON escaping, trailing newline),
so the two tools can hand a state file back and forth.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from sheath import TERRAFORM_VERSION
from sheath.diag import Diagnostics
from sheath.states import gojson
from sheath.states.state import (
    InstanceObject,
    OutputValue,
    Resource,
    ResourceInstance,
    State,
    instance_key_sort_key,
    provider_instance_string,
    split_provider_instance,
)

STATE_VERSION = 4


@dataclass(slots=True)
class StateFile:
    """A state plus the metadata of the file it lives in."""

    state: State = field(default_factory=State)
    serial: int = 0
    lineage: str = ""
    terraform_version: str = TERRAFORM_VERSION

    @staticmethod
    def new(terraform_version: str = TERRAFORM_VERSION) -> "StateFile":
        return StateFile(State(), 0, new_lineage(), terraform_version)


def new_lineage() -> str:
    return str(uuid.uuid4())


class StateFileError(Exception):
    """The bytes are not a state file sheath can read; the message says why."""


def read_state_file(data: bytes, filename: str = "terraform.tfstate") -> tuple[StateFile | None, Diagnostics]:
    """Parse a state file. Problems are diagnostics; the file is never modified here."""
    diags = Diagnostics()
    try:
        return _read(data), diags
    except StateFileError as exc:
        diags.add_error("Failed to load state", f"{filename}: {exc}")
    except (ValueError, UnicodeDecodeError) as exc:
        diags.add_error(
            "Failed to load state",
            f"{filename} is not a valid state file: the JSON is malformed or truncated ({exc}).",
        )
    return None, diags


def _need(obj: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    v = obj.get(key)
    if not isinstance(v, kind) or isinstance(v, bool) and kind is int:
        raise StateFileError(f'{where}: "{key}" is missing or has the wrong type')
    return v


def _read(data: bytes) -> StateFile:
    if not data.strip():
        raise StateFileError("the state file is empty")
    if data.startswith(b"\xef\xbb\xbf"):
        raise StateFileError("the state file starts with a byte-order mark, which terraform does not read")
    doc = gojson.loads(data)
    if not isinstance(doc, dict):
        raise StateFileError("the state file does not contain a JSON object")
    version = doc.get("version")
    if version != STATE_VERSION:
        raise StateFileError(
            f"unsupported state format version {version!r}: sheath reads version {STATE_VERSION} "
            "(written by terraform 0.12 and later)"
        )
    serial = _need(doc, "serial", int, "state")
    if not 0 <= serial < 2**64:
        raise StateFileError(f'"serial" must be a whole number from 0 to 2^64-1, not {serial}')
    for field_name in ("lineage", "terraform_version"):
        if doc.get(field_name) is not None and not isinstance(doc[field_name], str):
            raise StateFileError(f'"{field_name}" must be a string')
    sf = StateFile(State(), serial, str(doc.get("lineage") or ""), str(doc.get("terraform_version") or ""))
    outputs = doc.get("outputs") or {}
    if not isinstance(outputs, dict):
        raise StateFileError('"outputs" must be an object')
    for name, o in outputs.items():
        if not isinstance(o, dict):
            raise StateFileError(f'output "{name}" must be an object')
        sf.state.outputs[name] = OutputValue(o.get("value"), o.get("type"), bool(o.get("sensitive", False)))
    resources = doc.get("resources") or []
    if not isinstance(resources, list):
        raise StateFileError('"resources" must be an array')
    for i, r in enumerate(resources):
        if not isinstance(r, dict):
            raise StateFileError(f"resource {i} must be an object")
        where = f"resource {i}"
        mode = _need(r, "mode", str, where)
        if mode not in ("managed", "data"):
            raise StateFileError(f'{where}: invalid mode "{mode}"')
        res = Resource(
            module=str(r.get("module") or ""),
            mode=mode,
            type=_need(r, "type", str, where),
            name=_need(r, "name", str, where),
            provider=_resource_provider(r, where),
            each=str(r.get("each") or ""),
        )
        # a resource listed twice is one resource (terraform merges its instances)
        res = sf.state.resource(res.module, res.mode, res.type, res.name) or res
        for j, inst in enumerate(_need(r, "instances", list, where)):
            if not isinstance(inst, dict):
                raise StateFileError(f"{where} instance {j} must be an object")
            key = inst.get("index_key")
            if key is not None and (isinstance(key, bool) or not isinstance(key, (int, str))):
                raise StateFileError(f"{where} instance {j}: invalid index_key")
            obj = InstanceObject(
                attributes=inst.get("attributes"),
                schema_version=int(inst.get("schema_version") or 0),
                status=str(inst.get("status") or ""),
                sensitive_attributes=list(inst.get("sensitive_attributes") or []),
                private=inst.get("private"),
                dependencies=list(inst.get("dependencies") or []),
                create_before_destroy=bool(inst.get("create_before_destroy", False)),
                attributes_flat=inst.get("attributes_flat"),
                skip_destroy=bool(inst.get("skip_destroy", False)),
                provider_key=_instance_provider_key(inst, res.provider, f"{where} instance {j}"),
            )
            ri = res.instances.get(key)
            if ri is None:
                ri = res.instances[key] = ResourceInstance(key)
            deposed = inst.get("deposed")
            if (str(deposed) in ri.deposed) if deposed else ri.current is not None:
                raise StateFileError(f"{where} instance {j}: the instance is recorded more than once")
            if deposed:
                ri.deposed[str(deposed)] = obj
            else:
                ri.current = obj
        sf.state.set_resource(res)
    sf.state.check_results = doc.get("check_results")
    return sf


def _resource_provider(r: dict[str, Any], where: str) -> str:
    """The resource's provider configuration; OpenTofu leaves it out when the instances name
    instances of a provider configuration with for_each (then they all name the same one)."""
    if "provider" in r or not isinstance(r.get("instances"), list):
        return str(_need(r, "provider", str, where))
    bases = set()
    for inst in r["instances"]:
        p = inst.get("provider") if isinstance(inst, dict) else None
        if not isinstance(p, str) or not p:
            raise StateFileError(f'{where}: "provider" is missing on the resource and its instances')
        bases.add(split_provider_instance(p)[0])
    if len(bases) != 1:
        raise StateFileError(f"{where}: the instances name different provider configurations")
    return bases.pop()


def _instance_provider_key(inst: dict[str, Any], config_addr: str, where: str) -> str | None:
    p = inst.get("provider")
    if p is None or p == "":
        return None
    if not isinstance(p, str):
        raise StateFileError(f'{where}: "provider" must be a string')
    base, key = split_provider_instance(p)
    if base != config_addr:
        raise StateFileError(f"{where}: provider {p} is not an instance of the resource's provider {config_addr}")
    return key


def _object_json(key: Any, obj: InstanceObject, deposed: str | None, provider: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    if key is not None:
        out["index_key"] = key
    if obj.status:
        out["status"] = obj.status
    if deposed:
        out["deposed"] = deposed
    if provider:  # OpenTofu's provider instance of this object (provider for_each)
        out["provider"] = provider
    out["schema_version"] = obj.schema_version
    if obj.attributes_flat is not None:
        out["attributes_flat"] = obj.attributes_flat
    if obj.attributes is not None:
        out["attributes"] = obj.attributes
    out["sensitive_attributes"] = obj.sensitive_attributes
    if obj.private:
        out["private"] = obj.private
    if obj.dependencies:
        out["dependencies"] = obj.dependencies
    if obj.create_before_destroy:
        out["create_before_destroy"] = True
    if obj.skip_destroy:  # OpenTofu's field (lifecycle.destroy = false)
        out["skip_destroy"] = True
    return out


def state_file_document(sf: StateFile) -> dict[str, Any]:
    """The state file as a JSON-ready document in terraform's field order."""
    outputs: dict[str, Any] = {}
    for name in sorted(sf.state.outputs):
        o = sf.state.outputs[name]
        od: dict[str, Any] = {"value": o.value, "type": o.type}
        if o.sensitive:
            od["sensitive"] = True
        outputs[name] = od
    resources: list[dict[str, Any]] = []
    for k in sorted(sf.state.resources):
        r = sf.state.resources[k]
        rd: dict[str, Any] = {}
        if r.module:
            rd["module"] = r.module
        rd["mode"] = r.mode
        rd["type"] = r.type
        rd["name"] = r.name
        if r.each:
            rd["each"] = r.each
        # OpenTofu's provider for_each: when any object was made by an instance of a provider
        # configuration, every instance names its provider instance and the resource none
        keyed = any(
            o.provider_key is not None
            for ri in r.instances.values()
            for o in ([ri.current] if ri.current is not None else []) + list(ri.deposed.values())
        )
        if not keyed:
            rd["provider"] = r.provider
        instances: list[dict[str, Any]] = []
        for ik in sorted(r.instances, key=instance_key_sort_key):
            ri = r.instances[ik]
            if ri.current is not None:
                p = provider_instance_string(r.provider, ri.current.provider_key) if keyed else ""
                instances.append(_object_json(ik, ri.current, None, p))
            for dk in sorted(ri.deposed):
                p = provider_instance_string(r.provider, ri.deposed[dk].provider_key) if keyed else ""
                instances.append(_object_json(ik, ri.deposed[dk], dk, p))
        rd["instances"] = instances
        resources.append(rd)
    return {
        "version": STATE_VERSION,
        "terraform_version": sf.terraform_version,
        "serial": sf.serial,
        "lineage": sf.lineage,
        "outputs": outputs,
        "resources": resources,
        "check_results": sf.state.check_results,
    }


def write_state_file(sf: StateFile) -> bytes:
    """The bytes of the state file, as terraform writes them."""
    return (_dumps_sorted_maps(state_file_document(sf)) + "\n").encode("utf-8")


def _dumps_sorted_maps(doc: dict[str, Any]) -> str:
    # Struct fields keep their order. attributes, output values and types are raw
    # JSON in terraform (ctyjson output, already in canonical order) and are kept
    # as they are; attributes_flat is a Go map, so its keys are sorted.
    for r in doc["resources"]:
        for inst in r["instances"]:
            if "attributes_flat" in inst:
                inst["attributes_flat"] = dict(sorted(inst["attributes_flat"].items()))
    return gojson.dumps(doc)
