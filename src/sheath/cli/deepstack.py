"""Run a command where deeply nested configuration cannot exhaust the stack.

The parser, the evaluator and the value operations recurse over the syntax
tree, so an expression nested N deep needs stack in proportion to N.
terraform (Go, growable stacks up to 1 GB) accepts ``((((...))))`` tens of
thousands deep; Python's default recursion limit (1,000) and the main
thread's 8 MB C stack stop far earlier. A command therefore runs in a thread
with a large stack (``STACK_BYTES``, reserved address space: pages are only
used as deep recursion touches them) and a recursion limit sized to it, so
deep input is either processed or refused with a diagnostic (RecursionError
is caught where configuration is parsed and evaluated), never a crash.
Threads the command starts (the graph walker's) get the same stack size.
"""

from __future__ import annotations

import ctypes
import os
import sys
import threading
from dataclasses import dataclass, field
from typing import Callable, TypeVar

T = TypeVar("T")

STACK_BYTES = 1 << 30
# Python frames a thread of STACK_BYTES can hold with room to spare (a frame
# that goes through C code takes a few hundred bytes of C stack).
RECURSION_LIMIT = 400_000
# how often the calling thread wakes to run signal handlers while the command runs
POLL_SECONDS = 0.2


@dataclass
class _Outcome:
    value: object = None
    error: BaseException | None = None
    done: threading.Event = field(default_factory=threading.Event)


def _exit_now() -> None:
    """A second Ctrl-C: the command did not stop at the first (it may be blocked
    reading a prompt's answer, which only the main thread's reads give up on)."""
    try:
        sys.stdout.flush()
        sys.stderr.write("\nTwo interrupts received. Exiting immediately.\n")
        sys.stderr.flush()
    finally:
        os._exit(130)


def call_with_deep_stack(fn: Callable[..., T], *args: object) -> T:
    """fn(*args) in a thread with a deep stack; its exception is re-raised here.
    Ctrl-C (KeyboardInterrupt in the calling thread) is passed on to it; a
    second Ctrl-C before it stops ends the process (exit 130)."""
    outcome = _Outcome()

    def target() -> None:
        try:
            outcome.value = fn(*args)
        except BaseException as exc:  # re-raised in the caller
            outcome.error = exc
        finally:
            outcome.done.set()

    old_size = threading.stack_size()
    old_limit = sys.getrecursionlimit()
    try:
        threading.stack_size(STACK_BYTES)
    except (ValueError, RuntimeError):  # a platform without settable stacks: run here
        return fn(*args)
    sys.setrecursionlimit(max(old_limit, RECURSION_LIMIT))
    try:
        worker = threading.Thread(target=target, name="sheath-command")
        started = False
        interrupts = 0
        while True:
            try:
                # the worker starts inside the try: a Ctrl-C while start() waits for it, or
                # just after, is the first interrupt like any other (it escaped this function
                # before, and the process then waited at exit for a worker blocked in a read)
                if not started:
                    started = True
                    worker.start()
                # a timed wait: the main thread runs Python's signal handlers, and a SIGINT the
                # kernel gave the worker (blocked in a read) only trips a flag the main thread
                # checks when it runs; an untimed wait could sleep through both interrupts
                while not outcome.done.wait(POLL_SECONDS):
                    pass
                worker.join()
                break
            except KeyboardInterrupt:
                interrupts += 1
                if interrupts > 1:
                    _exit_now()
                if worker.ident is not None:
                    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(worker.ident), ctypes.py_object(KeyboardInterrupt))
    finally:
        threading.stack_size(old_size)
        sys.setrecursionlimit(old_limit)
    if outcome.error is not None:
        raise outcome.error
    return outcome.value  # type: ignore[return-value]


__all__ = ["call_with_deep_stack", "STACK_BYTES", "RECURSION_LIMIT"]
