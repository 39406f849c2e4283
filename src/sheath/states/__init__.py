"""State: what sheath knows exists, in terraform's state format version 4.

  state      the in-memory model (State, Resource, ResourceInstance, InstanceObject, OutputValue)
  statefile  reading and writing terraform's JSON state format v4, byte-compatible
  journal    an append-only, fsynced log of completed changes between full writes
  statemgr   state managers (filesystem: atomic replace, backup, lock)
"""

from sheath.states.state import InstanceObject, OutputValue, Resource, ResourceInstance, State
from sheath.states.statefile import StateFile, read_state_file, write_state_file

__all__ = [
    "InstanceObject",
    "OutputValue",
    "Resource",
    "ResourceInstance",
    "State",
    "StateFile",
    "read_state_file",
    "write_state_file",
]
