"""Module addresses: static module paths and module instance paths."""

from __future__ import annotations

from dataclasses import dataclass

from sheath.addrs.instance_key import InstanceKey, key_str


@dataclass(frozen=True, slots=True)
class Module:
    """A static module path (no instance keys): () is the root module."""

    names: tuple[str, ...] = ()

    def is_root(self) -> bool:
        return not self.names

    def child(self, name: str) -> "Module":
        return Module(self.names + (name,))

    def parent(self) -> "Module":
        return Module(self.names[:-1])

    def call_name(self) -> str:
        return self.names[-1] if self.names else ""

    def __str__(self) -> str:
        return ".".join(f"module.{n}" for n in self.names)

    def __len__(self) -> int:
        return len(self.names)

    def unkeyed_instance(self) -> "ModuleInstance":
        return ModuleInstance(tuple(ModuleInstanceStep(n, None) for n in self.names))

    def key(self) -> str:
        """The string used to key module maps (like terraform's Module.String())."""
        return str(self)


ROOT_MODULE = Module()


@dataclass(frozen=True, slots=True)
class ModuleInstanceStep:
    name: str
    key: InstanceKey = None

    def __str__(self) -> str:
        return f"module.{self.name}{key_str(self.key)}"


@dataclass(frozen=True, slots=True)
class ModuleInstance:
    """A module instance path like module.a["x"].module.b[0]; () is the root."""

    steps: tuple[ModuleInstanceStep, ...] = ()

    def is_root(self) -> bool:
        return not self.steps

    def module(self) -> Module:
        return Module(tuple(s.name for s in self.steps))

    def child(self, name: str, key: InstanceKey = None) -> "ModuleInstance":
        return ModuleInstance(self.steps + (ModuleInstanceStep(name, key),))

    def parent(self) -> "ModuleInstance":
        return ModuleInstance(self.steps[:-1])

    def __str__(self) -> str:
        return ".".join(str(s) for s in self.steps)

    def __len__(self) -> int:
        return len(self.steps)


ROOT_MODULE_INSTANCE = ModuleInstance()


@dataclass(frozen=True, slots=True)
class ModuleCall:
    """A module block in the current module: module.<name>."""

    name: str

    def __str__(self) -> str:
        return f"module.{self.name}"


@dataclass(frozen=True, slots=True)
class ModuleCallInstance:
    call: ModuleCall
    key: InstanceKey = None

    def __str__(self) -> str:
        return f"module.{self.call.name}{key_str(self.key)}"


@dataclass(frozen=True, slots=True)
class ModuleCallInstanceOutput:
    """module.<name>[key].<output>"""

    call: ModuleCallInstance
    name: str

    def __str__(self) -> str:
        return f"{self.call}.{self.name}"
