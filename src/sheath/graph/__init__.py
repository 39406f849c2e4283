"""Dependency graphs: a generic DAG, a concurrent walker, and the configuration graph."""

from sheath.goquote import go_quote
from sheath.graph.dag import CycleError, Graph, from_edges

__all__ = ["CycleError", "Graph", "from_edges", "go_quote"]
