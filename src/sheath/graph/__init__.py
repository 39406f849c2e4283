"""Dependency graphs: a generic DAG, a concurrent walker, and the configuration graph."""

from sheath.graph.dag import CycleError, Graph, from_edges, go_quote

__all__ = ["CycleError", "Graph", "from_edges", "go_quote"]
