"""A concurrent graph walker (terraform's dag.Walker, with its failure semantics).

walk(graph, visit) calls visit(node) on a pool of at most ``parallelism``
threads. A node starts only after every node it depends on finished
successfully. When visit raises, every node depending on the failed one
(transitively) is skipped — never visited — and reported with the failed
ancestor as its cause; independent branches carry on. ``reverse=True`` walks
dependents first (destroy order). Setting the ``stop`` event starts no new
node; visits in flight finish and the rest are reported as cancelled.

The coordinator keeps a remaining-dependency counter per node and a heap of
ready nodes ordered by name, so a walk costs O((V + E) log V) and, with
parallelism=1, visits nodes in a deterministic order.
"""

from __future__ import annotations

import enum
import heapq
import queue
import threading
from collections.abc import Callable, Hashable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Generic, TypeVar

from sheath.graph.dag import CycleError, Graph

N = TypeVar("N", bound=Hashable)


class Status(enum.Enum):
    OK = "ok"
    FAILED = "failed"
    SKIPPED = "skipped"
    """Not visited because a node it depends on failed (see NodeResult.cause)."""
    CANCELLED = "cancelled"
    """Not visited because the walk was stopped before it could start."""


@dataclass(slots=True)
class NodeResult(Generic[N]):
    status: Status
    value: object = None
    """What visit returned (OK only)."""
    error: BaseException | None = None
    """What visit raised (FAILED only)."""
    cause: N | None = None
    """The failed node that made this one skip (SKIPPED only)."""


@dataclass(slots=True)
class WalkResult(Generic[N]):
    results: dict[N, NodeResult[N]]
    order: list[N]
    """Nodes in the order their visits started."""

    def __getitem__(self, n: N) -> NodeResult[N]:
        return self.results[n]

    def ok(self) -> bool:
        return all(r.status is Status.OK for r in self.results.values())

    def with_status(self, status: Status) -> list[N]:
        return sorted((n for n, r in self.results.items() if r.status is status), key=str)

    def errors(self) -> list[tuple[N, BaseException]]:
        """Every failed node with its error, sorted by node name."""
        out: list[tuple[N, BaseException]] = []
        for n in self.with_status(Status.FAILED):
            e = self.results[n].error
            assert e is not None
            out.append((n, e))
        return out


def walk(
    graph: Graph[N],
    visit: Callable[[N], object],
    parallelism: int = 10,
    reverse: bool = False,
    stop: threading.Event | None = None,
) -> WalkResult[N]:
    """Visit every node of an acyclic graph in dependency order (see module docstring).

    Raises CycleError (before visiting anything) when the graph has a cycle.
    """
    if parallelism < 1:
        raise ValueError("parallelism must be at least 1")
    graph.validate()
    deps = graph._rdeps if reverse else graph._deps  # what must finish before a node
    rdeps = graph._deps if reverse else graph._rdeps  # who waits for a node
    names: dict[N, str] = {n: str(n) for n in deps}
    pending: dict[N, int] = {n: len(d) for n, d in deps.items()}
    ready: list[tuple[str, int, N]] = []
    seq = 0
    for n, c in pending.items():
        if c == 0:
            ready.append((names[n], seq, n))
            seq += 1
    heapq.heapify(ready)
    results: dict[N, NodeResult[N]] = {}
    order: list[N] = []
    done: queue.SimpleQueue[tuple[N, object, BaseException | None]] = queue.SimpleQueue()
    in_flight = 0

    def run(n: N) -> None:
        try:
            v = visit(n)
        except BaseException as e:  # noqa: BLE001 - a failed visit is a result; never leave the walk waiting
            done.put((n, None, e))
        else:
            done.put((n, v, None))

    def skip_dependents(failed: N) -> None:
        stack = list(rdeps[failed])
        while stack:
            m = stack.pop()
            if m in results:
                continue
            results[m] = NodeResult(Status.SKIPPED, cause=failed)
            stack.extend(rdeps[m])

    with ThreadPoolExecutor(max_workers=parallelism, thread_name_prefix="sheath-walk") as pool:
        while True:
            while ready and in_flight < parallelism and not (stop is not None and stop.is_set()):
                _, _, n = heapq.heappop(ready)
                if n in results:  # skipped meanwhile
                    continue
                order.append(n)
                in_flight += 1
                pool.submit(run, n)
            if in_flight == 0:
                break
            n, value, err = done.get()
            in_flight -= 1
            if err is not None:
                results[n] = NodeResult(Status.FAILED, error=err)
                skip_dependents(n)
                continue
            results[n] = NodeResult(Status.OK, value=value)
            for m in rdeps[n]:
                pending[m] -= 1
                if pending[m] == 0 and m not in results:
                    seq += 1
                    heapq.heappush(ready, (names[m], seq, m))
    for n in deps:
        if n not in results:
            results[n] = NodeResult(Status.CANCELLED)
    return WalkResult(results, order)


__all__ = ["CycleError", "NodeResult", "Status", "WalkResult", "walk"]
