"""The data of the ``/api/`` endpoints: the configuration's graph and the state, as JSON-ready dicts.

Everything here only reads the working directory: the module tree, and the state its backend
points at. Sensitive values (the paths a state object records in ``sensitive_attributes``,
and sensitive outputs) are replaced by ``SENSITIVE`` before anything leaves this module.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any

from sheath.config import load_module_tree
from sheath.config.loader import Config
from sheath.diag import Diagnostics
from sheath.graph.references import MODULE_CALL, RESOURCE, ConfigGraph, ConfigNode, build_config_graph
from sheath.states.state import InstanceObject, Resource, State, format_instance_key
from sheath.ui.source import BackendState

SENSITIVE = "(sensitive value)"

_MODULE_KEY = re.compile(r'\[(?:"(?:[^"\\]|\\.)*"|[0-9]+)\]')


def config_address(instance_module: str) -> str:
    """The module path of a state resource without its instance keys: module.a["k"].module.b -> module.a.module.b."""
    return _MODULE_KEY.sub("", instance_module)


def _relpath(root_dir: str, filename: str) -> str:
    if not os.path.isabs(filename):
        return filename
    try:
        return os.path.relpath(filename, root_dir)
    except ValueError:
        return filename


@dataclass(slots=True)
class GraphNode:
    address: str
    kind: str  # "resource" | "data" | "ephemeral" | "module"
    type: str
    name: str
    module: str  # the enclosing module's address, "" for the root module
    file: str
    line: int
    instances: int = 0  # how many instances the state has of it (modules: of their resources)

    def json(self) -> dict[str, Any]:
        return {
            "address": self.address,
            "kind": self.kind,
            "type": self.type,
            "name": self.name,
            "module": self.module,
            "file": self.file,
            "line": self.line,
            "instances": self.instances,
        }


@dataclass(slots=True)
class Workdir:
    """One reading of a working directory: its configuration, its graph and its state."""

    root_dir: str
    config: Config | None
    graph: ConfigGraph | None
    state: State | None
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    nodes: dict[str, GraphNode] = field(default_factory=dict)
    edges: list[tuple[str, str]] = field(default_factory=list)  # (dependent, dependency)
    state_path: str | None = None  # the local state file; None when the backend is remote
    backend: BackendState | None = None  # where the state was read, and its history


def read_workdir(root_dir: str) -> Workdir:
    """Load the module tree, its resource graph and the state of its backend (local, pg or
    s3: read as the CLI's read-only commands read it, under no lock)."""
    from sheath.ui.source import read_backend

    cfg, diags = load_module_tree(root_dir)
    out = Workdir(root_dir, None, None, None, Diagnostics())
    out.diagnostics.extend(diags)
    if cfg is None or diags.has_errors():
        return out
    out.config = cfg
    cg, gd = build_config_graph(cfg)
    out.diagnostics.extend(gd)
    if not gd.has_errors():
        out.graph = cg
    backend = read_backend(root_dir, cfg.module)
    out.backend = backend
    out.state_path = backend.state_path
    out.diagnostics.extend(backend.diagnostics)
    if backend.state is not None:
        out.state = backend.state.state
    _index(out, cfg)
    return out


def _kind_of(local: str) -> tuple[str, str, str]:
    """(kind, type, name) of a resource's address inside its module."""
    parts = local.split(".")
    if parts[0] in ("data", "ephemeral") and len(parts) == 3:
        return parts[0], parts[1], parts[2]
    return "resource", parts[0], parts[-1]


def _index(wd: Workdir, cfg: Config) -> None:
    for c in cfg.all_modules():
        mod = str(c.path) if c.path.names else ""
        prefix = mod + "." if mod else ""
        m = c.module
        for local, r in list(m.managed_resources.items()) + list(m.data_resources.items()):
            kind, type_, name = _kind_of(local)
            start = r.decl_range.start
            wd.nodes[prefix + local] = GraphNode(
                prefix + local, kind, type_, name, mod, _relpath(wd.root_dir, r.decl_range.filename), start.line
            )
        for name, child in c.children.items():
            call = child.call
            file, line = ("", 0) if call is None else (_relpath(wd.root_dir, call.decl_range.filename), call.decl_range.start.line)
            wd.nodes[prefix + "module." + name] = GraphNode(prefix + "module." + name, "module", "module", name, mod, file, line)
    if wd.graph is not None:
        g = wd.graph.graph.project(lambda n: n.kind in (RESOURCE, MODULE_CALL))
        g.transitive_reduction()
        for a, b in g.edges():
            if a.name in wd.nodes and b.name in wd.nodes and not _contains(a, b):
                wd.edges.append((a.name, b.name))
    if wd.state is not None:
        for res in wd.state.resources.values():
            addr = _config_resource_address(res)
            node = wd.nodes.get(addr)
            if node is not None:
                node.instances += len(res.instances)
            mod = config_address(res.module)
            while mod:
                mnode = wd.nodes.get(mod)
                if mnode is not None:
                    mnode.instances += len(res.instances)
                mod = mod.rsplit(".module.", 1)[0] if ".module." in mod else ""


def _contains(a: ConfigNode, b: ConfigNode) -> bool:
    """Whether one of a and b is a module call that contains the other (an edge the nesting already shows)."""
    return (a.kind == MODULE_CALL and b.name.startswith(a.name + ".")) or (
        b.kind == MODULE_CALL and a.name.startswith(b.name + ".")
    )


def _config_resource_address(res: Resource) -> str:
    local = ("data." if res.mode == "data" else "") + f"{res.type}.{res.name}"
    mod = config_address(res.module)
    return f"{mod}.{local}" if mod else local


# ------------------------------------------------------------------ masking


def _path_steps(raw: Any) -> list[str | int] | None:
    """A sensitive_attributes path (a list of get_attr / index steps) as keys, or None if malformed."""
    if not isinstance(raw, list):
        return None
    steps: list[str | int] = []
    for step in raw:
        if not isinstance(step, dict):
            return None
        value = step.get("value")
        if step.get("type") == "index" and isinstance(value, dict):
            value = value.get("value")
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            return None
        steps.append(int(value) if isinstance(value, float) else value)
    return steps


def _mask(value: Any, steps: list[str | int]) -> Any:
    if not steps:
        return SENSITIVE
    head, rest = steps[0], steps[1:]
    if isinstance(value, dict) and isinstance(head, str) and head in value:
        return {**value, head: _mask(value[head], rest)}
    if isinstance(value, list) and isinstance(head, int) and 0 <= head < len(value):
        return [_mask(v, rest) if i == head else v for i, v in enumerate(value)]
    return value


def masked_attributes(obj: InstanceObject) -> tuple[dict[str, Any], list[list[str | int]]]:
    """The object's attributes with every sensitive path replaced by SENSITIVE, and those paths."""
    attrs: Any = dict(obj.attributes or {})
    paths: list[list[str | int]] = []
    for raw in obj.sensitive_attributes:
        steps = _path_steps(raw)
        if steps is None or not steps:
            # a path sheath cannot follow: hide the whole top-level attribute it starts at, or everything
            first = raw[0].get("value") if isinstance(raw, list) and raw and isinstance(raw[0], dict) else None
            if isinstance(first, str) and first in attrs:
                attrs = _mask(attrs, [first])
                paths.append([first])
                continue
            return {k: SENSITIVE for k in attrs}, [[k] for k in attrs]
        attrs = _mask(attrs, steps)
        paths.append(steps)
    return attrs, paths


# ------------------------------------------------------------------ the endpoints' documents


def diagnostics_json(diags: Diagnostics) -> list[dict[str, Any]]:
    out = []
    for d in diags:
        item: dict[str, Any] = {"severity": d.severity.name.lower(), "summary": d.summary, "detail": d.detail}
        rng = getattr(d, "subject", None)
        if rng is not None:
            item["range"] = {"filename": rng.filename, "line": rng.start.line, "column": rng.start.column}
        out.append(item)
    return out


def graph_document(wd: Workdir) -> dict[str, Any]:
    return {
        "nodes": [n.json() for n in sorted(wd.nodes.values(), key=lambda n: n.address)],
        "edges": [{"from": a, "to": b} for a, b in sorted(wd.edges)],
        "diagnostics": diagnostics_json(wd.diagnostics),
    }


def _instance_documents(res: Resource) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for key, inst in res.instances.items():
        addr = res.address + format_instance_key(key)
        objects: list[tuple[str, InstanceObject]] = [("", inst.current)] if inst.current is not None else []
        objects += sorted(inst.deposed.items())
        for deposed, obj in objects:
            attrs, paths = masked_attributes(obj)
            doc: dict[str, Any] = {
                "address": addr,
                "attributes": attrs,
                "sensitive_paths": paths,
                "dependencies": list(obj.dependencies),
            }
            if obj.status == "tainted":
                doc["tainted"] = True
            if deposed:
                doc["deposed_key"] = deposed
            out.append(doc)
    return out


def state_document(wd: Workdir) -> dict[str, Any]:
    st = wd.state
    resources: list[dict[str, Any]] = []
    outputs: dict[str, Any] = {}
    if st is not None:
        for res in sorted(st.resources.values(), key=lambda r: r.address):
            resources.append(
                {
                    "address": res.address,
                    "config_address": _config_resource_address(res),
                    "mode": res.mode,
                    "type": res.type,
                    "name": res.name,
                    "module": res.module,
                    "provider": res.provider,
                    "instances": _instance_documents(res),
                }
            )
        for name, ov in sorted(st.outputs.items()):
            outputs[name] = {"value": SENSITIVE if ov.sensitive else ov.value, "sensitive": ov.sensitive}
    return {
        "exists": st is not None,
        "resources": resources,
        "outputs": outputs,
        "diagnostics": diagnostics_json(wd.diagnostics),
    }


def resource_document(wd: Workdir, address: str) -> dict[str, Any] | None:
    """A resource or module by its configuration address, or a resource instance by its
    instance address: where it is declared, what it depends on and what depends on it, and
    its instances in state (attributes masked). None when neither knows the address."""
    found: list[Resource] = []
    exact_instance = False
    if wd.state is not None:
        for res in wd.state.resources.values():
            if _config_resource_address(res) == address or res.address == address:
                found.append(res)
            elif address.startswith(res.address + "[") or any(
                res.address + format_instance_key(k) == address for k in res.instances
            ):
                found.append(res)
                exact_instance = True
    node = wd.nodes.get(address)
    if node is None and found:
        node = wd.nodes.get(_config_resource_address(found[0]))
    if node is None and not found:
        return None
    instances = [i for r in found for i in _instance_documents(r)]
    if exact_instance:
        instances = [i for i in instances if i["address"] == address] or instances
    doc: dict[str, Any] = {"address": address}
    if node is not None:
        doc.update(node.json())
        doc["address"] = address
        doc["instance_count"] = doc.pop("instances")
        doc["config_address"] = node.address
        inside = {node.address} | ({n for n in wd.nodes if n.startswith(node.address + ".")} if node.kind == "module" else set())
        doc["dependencies"] = sorted({b for a, b in wd.edges if a in inside and b not in inside})
        doc["dependents"] = sorted({a for a, b in wd.edges if b in inside and a not in inside})
        doc["children"] = sorted(n.address for n in wd.nodes.values() if n.module == node.address)
    else:
        doc.update({"config_address": None, "dependencies": [], "dependents": [], "children": []})
    doc["instances"] = instances
    return doc


def source_document(wd: Workdir, file: str) -> dict[str, Any] | None:
    """A configuration file's lines, by its name relative to the working directory: only
    a .tf or .tf.json file inside the working directory (modules installed by init
    included); None for anything else."""
    if not file.endswith((".tf", ".tf.json")) or os.path.isabs(file):
        return None
    root = os.path.realpath(wd.root_dir)
    path = os.path.realpath(os.path.join(root, file))
    if os.path.commonpath([root, path]) != root or not os.path.isfile(path):
        return None
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            return {"file": file, "lines": fh.read().splitlines()}
    except OSError:
        return None


# ------------------------------------------------------------------ reading once per change

_WATCHED_SUFFIXES = (".tf", ".tf.json", ".tfstate", ".hcl", ".json", ".py", "environment")
_SKIPPED_DIRS = frozenset([".git", "node_modules", ".sheath", "__pycache__"])


def _fingerprint(root_dir: str, extra_dirs: frozenset[str]) -> tuple[tuple[str, int, int], ...]:
    """(path, mtime, size) of every file a reading of root_dir can depend on: configuration,
    state, lock, module manifest, environment, stack files, under root_dir and extra_dirs."""
    out: list[tuple[str, int, int]] = []
    for top in sorted({root_dir, *extra_dirs}):
        for dirpath, dirnames, filenames in os.walk(top):
            skip = _SKIPPED_DIRS | ({"providers"} if os.path.basename(dirpath) == ".terraform" else set())
            dirnames[:] = [d for d in dirnames if d not in skip]
            for name in filenames:
                if name.endswith(_WATCHED_SUFFIXES):
                    path = os.path.join(dirpath, name)
                    try:
                        st = os.stat(path)
                    except OSError:
                        continue
                    out.append((path, st.st_mtime_ns, st.st_size))
    out.sort()
    return tuple(out)


class WorkdirCache:
    """The last reading of a working directory, read again only when one of its files changed
    (added, removed, modified), so that a page's many requests share one reading. A state in
    a remote backend (pg, s3) is read again on every request."""

    def __init__(self, root_dir: str) -> None:
        import threading

        self.root_dir = root_dir
        self._lock = threading.Lock()
        self._key: tuple[tuple[str, int, int], ...] | None = None
        self._value: Workdir | None = None
        self._extra: frozenset[str] = frozenset()

    def get(self) -> Workdir:
        with self._lock:
            key = _fingerprint(self.root_dir, self._extra)
            remote = self._value is not None and self._value.backend is not None and self._value.backend.remote is not None
            if self._value is None or key != self._key or remote:
                self._value = read_workdir(self.root_dir)
                root = os.path.abspath(self.root_dir)
                files = [os.path.join(self.root_dir, n.file) for n in self._value.nodes.values() if n.file]
                files += [self._value.state_path] if self._value.state_path else []
                dirs = {os.path.dirname(os.path.abspath(f)) for f in files}
                self._extra = frozenset(d for d in dirs if os.path.commonpath([root, d]) != root)
                self._key = _fingerprint(self.root_dir, self._extra)
            return self._value
