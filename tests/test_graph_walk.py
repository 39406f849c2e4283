"""The concurrent walker: dependency order, failure propagation, parallelism, cancellation."""

from __future__ import annotations

import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sheath.graph.dag import CycleError, Graph, from_edges
from sheath.graph.walk import Status, walk


class Recorder:
    """A visit function that records what ran, checks dependencies were finished first,
    and fails on request."""

    def __init__(self, g: Graph[str], fail: frozenset[str] = frozenset(), reverse: bool = False) -> None:
        self.g = g
        self.fail = fail
        self.reverse = reverse
        self.lock = threading.Lock()
        self.finished: set[str] = set()
        self.visits: list[str] = []
        self.violations: list[str] = []

    def __call__(self, n: str) -> str:
        needs = self.g.dependents(n) if self.reverse else self.g.dependencies(n)
        with self.lock:
            self.visits.append(n)
            missing = [d for d in needs if d not in self.finished]
            if missing:
                self.violations.append(f"{n} before {missing}")
        if n in self.fail:
            raise RuntimeError(f"boom {n}")
        with self.lock:
            self.finished.add(n)
        return n.upper()


def test_order_and_values_parallelism_one() -> None:
    g = from_edges([("c", "b"), ("b", "a"), ("d", "a")], nodes=["e"])
    rec = Recorder(g)
    res = walk(g, rec, parallelism=1)
    assert rec.visits == ["a", "b", "c", "d", "e"]
    assert res.order == rec.visits
    assert res.ok()
    assert res["c"].status is Status.OK and res["c"].value == "C"


def test_reverse_walk_dependents_first() -> None:
    g = from_edges([("c", "b"), ("b", "a"), ("d", "a")])
    rec = Recorder(g, reverse=True)
    res = walk(g, rec, parallelism=1, reverse=True)
    assert rec.visits == ["c", "b", "d", "a"]
    assert rec.violations == [] and res.ok()


def test_failure_skips_dependents_only() -> None:
    # a <- b <- c <- d ; a <- x ; b fails: c and d skipped, x runs
    g = from_edges([("b", "a"), ("c", "b"), ("d", "c"), ("x", "a"), ("y", "x"), ("d", "y")])
    rec = Recorder(g, fail=frozenset({"b"}))
    res = walk(g, rec, parallelism=4)
    assert res["a"].status is Status.OK
    assert res["b"].status is Status.FAILED
    assert isinstance(res["b"].error, RuntimeError) and str(res["b"].error) == "boom b"
    assert res["c"].status is Status.SKIPPED and res["c"].cause == "b"
    assert res["d"].status is Status.SKIPPED and res["d"].cause == "b"
    assert res["x"].status is Status.OK and res["y"].status is Status.OK
    assert "c" not in rec.visits and "d" not in rec.visits
    assert [n for n, _ in res.errors()] == ["b"]
    assert res.with_status(Status.SKIPPED) == ["c", "d"]
    assert not res.ok()


def test_two_failures_report_both() -> None:
    g = from_edges([("c", "a"), ("c", "b")], nodes=["d"])
    res = walk(g, Recorder(g, fail=frozenset({"a", "b"})), parallelism=1)
    assert [n for n, _ in res.errors()] == ["a", "b"]
    assert res["c"].status is Status.SKIPPED and res["c"].cause == "a"
    assert res["d"].status is Status.OK


def test_parallelism_bound_respected() -> None:
    g: Graph[str] = Graph()
    for i in range(40):
        g.add_node(f"n{i:02d}")
    lock = threading.Lock()
    running = 0
    peak = 0
    gate = threading.Barrier(3, timeout=10)

    started = 0

    def visit(n: str) -> None:
        nonlocal running, peak, started
        with lock:
            running += 1
            started += 1
            first_wave = started <= 3
            peak = max(peak, running)
        if first_wave:
            gate.wait()  # the first three must all be in flight together
        with lock:
            running -= 1

    res = walk(g, visit, parallelism=3)
    assert res.ok()
    assert peak == 3


def test_stop_event_cancels_unstarted() -> None:
    g = from_edges([(f"n{i + 1}", f"n{i}") for i in range(5)])
    stop = threading.Event()

    def visit(n: str) -> None:
        if n == "n2":
            stop.set()

    res = walk(g, visit, parallelism=2, stop=stop)
    assert [res[f"n{i}"].status for i in range(6)] == [Status.OK] * 3 + [Status.CANCELLED] * 3
    assert res.order == ["n0", "n1", "n2"]


def test_in_flight_visits_finish_after_stop() -> None:
    g: Graph[str] = Graph()
    for n in ("a", "b", "c"):
        g.add_node(n)
    stop = threading.Event()
    both = threading.Barrier(2, timeout=10)

    def visit(n: str) -> str:
        if n in ("a", "b"):
            both.wait()
            stop.set()
        return n

    res = walk(g, visit, parallelism=2, stop=stop)
    assert res["a"].status is Status.OK and res["b"].status is Status.OK
    assert res["c"].status is Status.CANCELLED


def test_cycle_refused_before_visiting() -> None:
    g = from_edges([("a", "b"), ("b", "a"), ("c", "d")])
    seen: list[str] = []
    with pytest.raises(CycleError):
        walk(g, seen.append)
    assert seen == []


def test_bad_parallelism() -> None:
    with pytest.raises(ValueError):
        walk(Graph[str](), lambda n: None, parallelism=0)


def test_ten_thousand_nodes() -> None:
    # 1000 chains of depth 10 plus a fan-in node per 100 chains; one chain head fails
    g: Graph[str] = Graph()
    for c in range(1000):
        for d in range(10):
            name = f"c{c:04d}.d{d}"
            g.add_node(name)
            if d:
                g.add_edge(name, f"c{c:04d}.d{d - 1}")
    for k in range(10):
        for c in range(k * 100, (k + 1) * 100):
            g.add_edge(f"sum{k}", f"c{c:04d}.d9")
    rec = Recorder(g, fail=frozenset({"c0042.d3"}))
    res = walk(g, rec, parallelism=10)
    assert rec.violations == []
    assert len(rec.visits) == len(set(rec.visits)) == 10010 - 6 - 1
    assert res.with_status(Status.FAILED) == ["c0042.d3"]
    assert res.with_status(Status.SKIPPED) == [f"c0042.d{d}" for d in range(4, 10)] + ["sum0"]
    assert all(res[f"sum{k}"].status is Status.OK for k in range(1, 10))
    rev = walk(g, Recorder(g, reverse=True), parallelism=10, reverse=True)
    assert rev.ok() and len(rev.order) == 10010


# --- properties ---------------------------------------------------------------------------

@st.composite
def dag_and_failures(draw: st.DrawFn) -> tuple[Graph[str], frozenset[str]]:
    n = draw(st.integers(min_value=1, max_value=25))
    names = [f"n{i:02d}" for i in range(n)]
    g: Graph[str] = Graph()
    for x in names:
        g.add_node(x)
    for i, j in draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=60)):
        if i > j:
            g.add_edge(names[i], names[j])
    fail = frozenset(draw(st.lists(st.sampled_from(names), max_size=3)))
    return g, fail


@settings(max_examples=100, deadline=None)
@given(dag_and_failures(), st.sampled_from([1, 3, 10]), st.booleans())
def test_walk_properties(case: tuple[Graph[str], frozenset[str]], parallelism: int, reverse: bool) -> None:
    g, fail = case
    rec = Recorder(g, fail=fail, reverse=reverse)
    res = walk(g, rec, parallelism=parallelism, reverse=reverse)
    assert rec.violations == []
    assert len(rec.visits) == len(set(rec.visits))
    # exactly the nodes downstream of a failed node are skipped
    downstream = (lambda n: g.ancestors(n)) if reverse else (lambda n: g.descendants(n))
    failed = set(res.with_status(Status.FAILED))
    skipped_expected: set[str] = set()
    for f in failed:
        skipped_expected |= downstream(f)
    assert set(res.with_status(Status.SKIPPED)) == skipped_expected
    assert failed == {f for f in fail if f not in skipped_expected}
    assert set(rec.visits) == set(g.nodes()) - skipped_expected
    for n in skipped_expected:
        cause = res[n].cause
        assert cause in failed and n in downstream(cause)
