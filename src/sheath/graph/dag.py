"""A directed acyclic graph of hashable nodes (terraform's internal/dag).

Edge direction: ``add_edge(a, b)`` means **a depends on b** — b must be
visited before a. In DOT output the arrow points from the dependent to its
dependency (``"a" -> "b"``), as in ``terraform graph``.

Vocabulary (terraform's):
  dependencies(n)   the nodes n points at directly (what n needs first)
  dependents(n)     the nodes pointing at n directly (what needs n)
  ancestors(n)      every node n depends on, transitively
  descendants(n)    every node that depends on n, transitively

Nodes are ordered by ``str(node)`` wherever an order is observable
(topological order, cycle reports, DOT output), so results are stable.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Hashable, Iterable, Iterator
from typing import Generic, TypeVar
from sheath.goquote import go_quote

N = TypeVar("N", bound=Hashable)


class CycleError(Exception):
    """The graph has at least one cycle; ``cycles`` lists every one of them."""

    def __init__(self, cycles: list[list[object]]) -> None:
        self.cycles = cycles
        super().__init__("; ".join("Cycle: " + ", ".join(str(n) for n in c) for c in cycles))


class Graph(Generic[N]):
    """A directed graph; ``validate``/``cycles`` tell whether it is acyclic."""

    __slots__ = ("_deps", "_rdeps")

    def __init__(self) -> None:
        # node -> the nodes it depends on / the nodes that depend on it (insertion-ordered dicts as sets)
        self._deps: dict[N, dict[N, None]] = {}
        self._rdeps: dict[N, dict[N, None]] = {}

    # --- building -------------------------------------------------------------------------
    def add_node(self, n: N) -> N:
        if n not in self._deps:
            self._deps[n] = {}
            self._rdeps[n] = {}
        return n

    def add_edge(self, from_: N, to: N) -> None:
        """Record that ``from_`` depends on ``to`` (adds both nodes if missing)."""
        self.add_node(from_)
        self.add_node(to)
        self._deps[from_][to] = None
        self._rdeps[to][from_] = None

    def remove_edge(self, from_: N, to: N) -> None:
        self._deps.get(from_, {}).pop(to, None)
        self._rdeps.get(to, {}).pop(from_, None)

    def remove_node(self, n: N) -> None:
        for d in self._deps.pop(n, {}):
            self._rdeps[d].pop(n, None)
        for d in self._rdeps.pop(n, {}):
            self._deps[d].pop(n, None)

    def copy(self) -> Graph[N]:
        g: Graph[N] = Graph()
        g._deps = {n: dict(d) for n, d in self._deps.items()}
        g._rdeps = {n: dict(d) for n, d in self._rdeps.items()}
        return g

    def reversed(self) -> Graph[N]:
        """The same graph with every edge flipped (dependents become dependencies)."""
        g: Graph[N] = Graph()
        g._deps = {n: dict(d) for n, d in self._rdeps.items()}
        g._rdeps = {n: dict(d) for n, d in self._deps.items()}
        return g

    # --- queries --------------------------------------------------------------------------
    def __contains__(self, n: object) -> bool:
        return n in self._deps

    def __len__(self) -> int:
        return len(self._deps)

    def __iter__(self) -> Iterator[N]:
        return iter(self._deps)

    def nodes(self) -> list[N]:
        return list(self._deps)

    def edges(self) -> list[tuple[N, N]]:
        """Every (dependent, dependency) pair."""
        return [(a, b) for a, ds in self._deps.items() for b in ds]

    def edge_count(self) -> int:
        return sum(len(d) for d in self._deps.values())

    def has_edge(self, from_: N, to: N) -> bool:
        return to in self._deps.get(from_, {})

    def dependencies(self, n: N) -> list[N]:
        return list(self._deps[n])

    def dependents(self, n: N) -> list[N]:
        return list(self._rdeps[n])

    def _reach(self, start: N, adj: dict[N, dict[N, None]]) -> set[N]:
        seen: set[N] = set()
        stack = list(adj[start])
        while stack:
            x = stack.pop()
            if x in seen:
                continue
            seen.add(x)
            stack.extend(adj[x])
        return seen

    def ancestors(self, n: N) -> set[N]:
        """Everything ``n`` depends on, transitively (excluding n unless it is on a cycle)."""
        return self._reach(n, self._deps)

    def descendants(self, n: N) -> set[N]:
        """Everything that depends on ``n``, transitively (excluding n unless it is on a cycle)."""
        return self._reach(n, self._rdeps)

    def roots(self) -> list[N]:
        """Nodes nothing depends on (terraform's graph roots), sorted by name."""
        return sorted((n for n, r in self._rdeps.items() if not r), key=str)

    def leaves(self) -> list[N]:
        """Nodes that depend on nothing, sorted by name."""
        return sorted((n for n, d in self._deps.items() if not d), key=str)

    # --- cycles -----------------------------------------------------------------------------
    def strongly_connected_components(self) -> list[list[N]]:
        """Tarjan's algorithm, iteratively. Components come out dependencies-first.

        The search starts from the graph's roots (nodes nothing depends on) in name
        order, then from any node not reached yet, in name order, and follows edges in
        name order; each component lists its nodes in the order they leave Tarjan's
        stack. Starting from the roots enters a cycle the way terraform usually does,
        so cycle reports list nodes in the order terraform usually prints them.
        """
        index: dict[N, int] = {}
        low: dict[N, int] = {}
        on_stack: set[N] = set()
        stack: list[N] = []
        out: list[list[N]] = []
        counter = 0
        sorted_deps: dict[N, list[N]] = {}

        def succ(v: N) -> list[N]:
            s = sorted_deps.get(v)
            if s is None:
                s = sorted(self._deps[v], key=str)
                sorted_deps[v] = s
            return s

        starts = self.roots() + sorted((n for n, r in self._rdeps.items() if r), key=str)
        for root in starts:
            if root in index:
                continue
            index[root] = low[root] = counter
            counter += 1
            stack.append(root)
            on_stack.add(root)
            work: list[tuple[N, Iterator[N]]] = [(root, iter(succ(root)))]
            while work:
                v, it = work[-1]
                advanced = False
                for w in it:
                    if w not in index:
                        index[w] = low[w] = counter
                        counter += 1
                        stack.append(w)
                        on_stack.add(w)
                        work.append((w, iter(succ(w))))
                        advanced = True
                        break
                    if w in on_stack and index[w] < low[v]:
                        low[v] = index[w]
                if advanced:
                    continue
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[v])
                if low[v] == index[v]:
                    comp: list[N] = []
                    while True:
                        w = stack.pop()
                        on_stack.discard(w)
                        comp.append(w)
                        if w == v:
                            break
                    out.append(comp)
        return out

    def cycles(self) -> list[list[N]]:
        """Every strongly connected component with more than one node, plus self-loops."""
        return [c for c in self.strongly_connected_components() if len(c) > 1 or self.has_edge(c[0], c[0])]

    def validate(self) -> None:
        """Raise CycleError naming every cycle, if there is any."""
        cs = self.cycles()
        if cs:
            raise CycleError([list(c) for c in cs])

    # --- orders and reductions --------------------------------------------------------------
    def topological_order(self) -> list[N]:
        """Dependencies before dependents; ties broken by node name. Raises CycleError."""
        pending = {n: len(d) for n, d in self._deps.items()}
        heap = [(str(n), i, n) for i, n in enumerate(self._deps) if not self._deps[n]]
        heapq.heapify(heap)
        seq = len(pending)
        out: list[N] = []
        while heap:
            _, _, n = heapq.heappop(heap)
            out.append(n)
            for m in self._rdeps[n]:
                pending[m] -= 1
                if pending[m] == 0:
                    seq += 1
                    heapq.heappush(heap, (str(m), seq, m))
        if len(out) != len(self._deps):
            self.validate()
            raise CycleError([])  # pragma: no cover - validate always raises here
        return out

    def transitive_reduction(self, bitset_limit: int = 30000) -> None:
        """Remove every edge a->c implied by a longer path a->...->c (in place).

        Requires an acyclic graph (raises CycleError otherwise). Graphs of up to
        ``bitset_limit`` nodes use reachability bitsets built in topological order
        (O(V * E / wordsize), memory O(V^2) bits); larger ones a depth-first search per
        node with two or more dependencies (O(V * E) worst case, like terraform's).
        """
        if len(self._deps) <= bitset_limit:
            self._reduce_bitsets()
        else:
            self.validate()
            self._reduce_dfs()

    def _reduce_bitsets(self) -> None:
        order = self.topological_order()
        bit = {n: 1 << i for i, n in enumerate(order)}
        reach: dict[N, int] = {}
        for u in order:
            direct = self._deps[u]
            acc = 0
            for v in direct:
                acc |= reach[v]
            # acc: everything reachable through a dependency; a direct edge to something in
            # acc is implied by a longer path
            if len(direct) > 1:
                for v in [v for v in direct if acc & bit[v]]:
                    self.remove_edge(u, v)
            for v in direct:
                acc |= bit[v]
            reach[u] = acc

    def _reduce_dfs(self) -> None:
        for u in list(self._deps):
            direct = self._deps[u]
            if len(direct) < 2:
                continue
            seen: set[N] = set()
            stack: list[N] = []
            for v in direct:
                stack.extend(self._deps[v])
            redundant: list[N] = []
            while stack:
                w = stack.pop()
                if w in seen:
                    continue
                seen.add(w)
                if w in direct:
                    redundant.append(w)
                stack.extend(self._deps[w])
            for w in redundant:
                self.remove_edge(u, w)

    def project(self, keep: Callable[[N], bool]) -> Graph[N]:
        """The graph restricted to nodes where ``keep`` is true, with a->b whenever b is
        reachable from a through nodes that are not kept. Requires an acyclic graph."""
        below: dict[N, frozenset[N]] = {}
        g: Graph[N] = Graph()
        empty: frozenset[N] = frozenset()
        for n in self.topological_order():
            acc: set[N] = set()
            for d in self._deps[n]:
                if keep(d):
                    acc.add(d)
                else:
                    acc |= below[d]
            below[n] = frozenset(acc) if acc else empty
            if keep(n):
                g.add_node(n)
        for n in g._deps:
            for d in below[n]:
                g.add_edge(n, d)
        return g

    # --- output ---------------------------------------------------------------------------
    def dot(self, label: Callable[[N], str] = str) -> str:
        """DOT text in the layout ``terraform graph`` uses (nodes and edges sorted by name)."""
        lines = ["digraph G {", '  rankdir = "RL";', '  node [shape = rect, fontname = "sans-serif"];']
        order = sorted(self._deps, key=str)
        for n in order:
            lines.append(f"  {go_quote(str(n))} [label={go_quote(label(n))}];")
        for n in order:
            for d in sorted(self._deps[n], key=str):
                lines.append(f"  {go_quote(str(n))} -> {go_quote(str(d))};")
        lines.append("}")
        return "\n".join(lines) + "\n"


def from_edges(edges: Iterable[tuple[N, N]], nodes: Iterable[N] = ()) -> Graph[N]:
    g: Graph[N] = Graph()
    for n in nodes:
        g.add_node(n)
    for a, b in edges:
        g.add_edge(a, b)
    return g
