"""The generic DAG: edges, reachability, reduction, topological order, cycles, DOT."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sheath.graph.dag import CycleError, Graph, from_edges, go_quote


def test_edge_direction_and_neighbours() -> None:
    g: Graph[str] = Graph()
    g.add_edge("b", "a")  # b depends on a
    g.add_edge("c", "b")
    g.add_node("lonely")
    assert g.dependencies("b") == ["a"]
    assert g.dependents("b") == ["c"]
    assert g.ancestors("c") == {"a", "b"}
    assert g.descendants("a") == {"b", "c"}
    assert g.ancestors("a") == set()
    assert g.roots() == ["c", "lonely"]
    assert g.leaves() == ["a", "lonely"]
    assert g.has_edge("b", "a") and not g.has_edge("a", "b")
    assert len(g) == 4 and g.edge_count() == 2
    assert "lonely" in g and "nope" not in g


def test_remove_node_and_edge() -> None:
    g = from_edges([("b", "a"), ("c", "b"), ("c", "a")])
    g.remove_node("b")
    assert sorted(g.nodes()) == ["a", "c"]
    assert g.edges() == [("c", "a")]
    assert g.dependents("a") == ["c"]
    g.remove_edge("c", "a")
    assert g.edge_count() == 0 and g.dependents("a") == []


def test_reversed_and_copy_are_independent() -> None:
    g = from_edges([("b", "a")])
    r = g.reversed()
    assert r.has_edge("a", "b") and not r.has_edge("b", "a")
    c = g.copy()
    c.add_edge("x", "b")
    assert "x" not in g


def test_topological_order_stable_by_name() -> None:
    g = from_edges([("z", "m"), ("a", "m"), ("m", "c"), ("m", "b")], nodes=["q"])
    assert g.topological_order() == ["b", "c", "m", "a", "q", "z"]


@pytest.mark.parametrize("limit", [0, 30000])
def test_transitive_reduction(limit: int) -> None:
    g = from_edges([("c", "b"), ("b", "a"), ("c", "a"), ("d", "c"), ("d", "a"), ("d", "b"), ("e", "a")])
    g.transitive_reduction(bitset_limit=limit)
    assert sorted(g.edges()) == [("b", "a"), ("c", "b"), ("d", "c"), ("e", "a")]


@pytest.mark.parametrize("limit", [0, 30000])
def test_transitive_reduction_refuses_cycles(limit: int) -> None:
    with pytest.raises(CycleError):
        from_edges([("a", "b"), ("b", "a")]).transitive_reduction(bitset_limit=limit)


def test_transitive_reduction_long_chain_with_shortcuts() -> None:
    # every node also depends on the first: the V*E worst case for a per-node search
    n = 5000
    g: Graph[int] = Graph()
    for i in range(1, n):
        g.add_edge(i, i - 1)
        g.add_edge(i, 0)
    g.transitive_reduction()
    assert g.edge_count() == n - 1
    assert all(g.dependencies(i) == [i - 1] for i in range(1, n))


def test_cycles_name_every_node_of_every_component() -> None:
    g = from_edges([("a", "b"), ("b", "c"), ("c", "a"), ("d", "e"), ("e", "d"), ("f", "a"), ("g", "g"), ("h", "i")])
    cycles = g.cycles()
    assert [sorted(c) for c in cycles] == [["a", "b", "c"], ["d", "e"], ["g"]]
    # terraform's usual order: the order Tarjan pops them, exploring from the smallest name
    assert cycles[0] == ["c", "b", "a"]
    assert cycles[1] == ["e", "d"]
    with pytest.raises(CycleError) as ei:
        g.validate()
    assert str(ei.value) == "Cycle: c, b, a; Cycle: e, d; Cycle: g"
    with pytest.raises(CycleError):
        g.topological_order()


def test_no_cycles_in_dag() -> None:
    g = from_edges([("b", "a"), ("c", "a"), ("c", "b")])
    assert g.cycles() == []
    g.validate()


def test_deep_chain_no_recursion_limit() -> None:
    n = 20000
    g: Graph[int] = Graph()
    for i in range(1, n):
        g.add_edge(i, i - 1)
    assert g.cycles() == []
    g.add_edge(0, n - 1)
    cycles = g.cycles()
    assert len(cycles) == 1 and len(cycles[0]) == n and set(cycles[0]) == set(range(n))
    g.remove_edge(0, n - 1)
    order = g.topological_order()
    assert order.index(0) < order.index(1) < order.index(n - 1)


def test_project_through_unkept_nodes() -> None:
    g = from_edges([("r1", "local.x"), ("local.x", "var.y"), ("var.y", "r2"), ("r3", "r1"), ("r3", "local.x")])
    p = g.project(lambda n: n.startswith("r"))
    assert sorted(p.edges()) == [("r1", "r2"), ("r3", "r1"), ("r3", "r2")]
    p.transitive_reduction()
    assert sorted(p.edges()) == [("r1", "r2"), ("r3", "r1")]


def test_dot_generic() -> None:
    g = from_edges([("b", "a"), ("c", "b")])
    assert g.dot() == (
        'digraph G {\n  rankdir = "RL";\n  node [shape = rect, fontname = "sans-serif"];\n'
        '  "a" [label="a"];\n  "b" [label="b"];\n  "c" [label="c"];\n'
        '  "b" -> "a";\n  "c" -> "b";\n}\n'
    )


def test_go_quote() -> None:
    assert go_quote('provider["x"]') == '"provider[\\"x\\"]"'
    assert go_quote("a\\b\n\x01é") == '"a\\\\b\\n\\x01é"'


# --- properties ---------------------------------------------------------------------------

@st.composite
def dags(draw: st.DrawFn) -> Graph[str]:
    n = draw(st.integers(min_value=0, max_value=30))
    names = [f"n{i:02d}" for i in range(n)]
    g: Graph[str] = Graph()
    for x in names:
        g.add_node(x)
    if n > 1:
        pairs = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=80))
        for i, j in pairs:
            if i > j:  # edges only from higher to lower index: acyclic
                g.add_edge(names[i], names[j])
    return g


@settings(max_examples=150, deadline=None)
@given(dags())
def test_topological_order_respects_every_edge(g: Graph[str]) -> None:
    order = g.topological_order()
    assert sorted(order) == sorted(g.nodes())
    pos = {n: i for i, n in enumerate(order)}
    for a, b in g.edges():
        assert pos[b] < pos[a]
    assert g.cycles() == []


@settings(max_examples=150, deadline=None)
@given(dags())
def test_reduction_preserves_reachability_and_is_minimal(g: Graph[str]) -> None:
    before = {n: g.ancestors(n) for n in g}
    r = g.copy()
    r.transitive_reduction()
    assert {n: r.ancestors(n) for n in r} == before
    r2 = g.copy()
    r2.transitive_reduction(bitset_limit=0)  # the depth-first variant agrees
    assert sorted(r2.edges()) == sorted(r.edges())
    for a, b in r.edges():
        r.remove_edge(a, b)
        assert b not in r.ancestors(a)  # every remaining edge is necessary
        r.add_edge(a, b)


@settings(max_examples=150, deadline=None)
@given(dags(), st.lists(st.tuples(st.integers(0, 29), st.integers(0, 29)), max_size=5))
def test_cycles_match_mutual_reachability(g: Graph[str], back: list[tuple[int, int]]) -> None:
    names = sorted(g.nodes())
    for i, j in back:
        if i < len(names) and j < len(names):
            g.add_edge(names[i], names[j])
    cyclic = {n for c in g.cycles() for n in c}
    expected = {n for n in g if n in g.ancestors(n)}
    assert cyclic == expected
    for c in g.cycles():
        for x in c:
            for y in c:
                assert x == y or y in g.ancestors(x)


@settings(max_examples=100, deadline=None)
@given(dags(), st.sets(st.integers(0, 29)))
def test_project_keeps_exactly_the_reachability_through_dropped_nodes(g: Graph[str], kept_idx: set[int]) -> None:
    kept = {f"n{i:02d}" for i in kept_idx} & set(g.nodes())
    p = g.project(lambda n: n in kept)
    assert set(p.nodes()) == kept
    for a in kept:
        # b is a direct dependency in the projection iff some path a -> ... -> b avoids other kept nodes
        expected = set()
        stack = list(g.dependencies(a))
        seen: set[str] = set()
        while stack:
            x = stack.pop()
            if x in seen:
                continue
            seen.add(x)
            if x in kept:
                expected.add(x)
            else:
                stack.extend(g.dependencies(x))
        assert set(p.dependencies(a)) == expected
