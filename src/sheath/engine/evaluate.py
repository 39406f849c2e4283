"""terraform's eval walk (``walkEval``, what ``terraform console`` evaluates against): the
configuration evaluated over the state, nothing planned.

Every resource takes the value the state holds (unknown where the state has none), so
no provider is asked to plan or read anything; providers are configured, as terraform's
eval walk configures them, because upgrading a stored object may need its provider.
Module calls, their variables, locals and outputs are evaluated as a plan evaluates
them, so ``module.NAME`` in the console is what the plan would see.
"""

from __future__ import annotations

from sheath.addrs.module import ModuleInstance
from sheath.diag import Diagnostics
from sheath.engine.evalctx import NamedValues
from sheath.engine.operations import Session, visit_node
from sheath.engine.run import PLAN, Run, RunOptions
from sheath.graph.references import CHECK, OUTPUT
from sheath.states.state import State
from sheath.types.cty import Value


def root_module_calls(session: Session, state: State) -> tuple[dict[str, Value], Diagnostics]:
    """The value of each module call of the root module (``module.NAME``), from the
    configuration and state; the walk's errors with them."""
    values = NamedValues(session.root_dir, session.functions, path_root=session.config_dir, workspace=session.workspace, scopes=session.function_scopes())
    run = Run(PLAN, session.config, session.graph, state, session.provider_schemas(), values, session.variables, RunOptions(refresh=False))
    run.target_closure = set()  # no resource is planned: each takes its value from the state
    try:
        # the root module's outputs and the checks are not needed for module.NAME
        run.walk(
            session.graph.graph,
            lambda n: None if n.kind == CHECK or (n.kind == OUTPUT and not n.module.names) else visit_node(run, n, False),
        )
    finally:
        run.close_providers()
    root = ModuleInstance()
    return {name: values.call_value(root, name) for name in session.config.module.module_calls}, run.diags
