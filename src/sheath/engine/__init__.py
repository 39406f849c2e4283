"""The engine: validate, plan, apply and the operations over the layers below.

The CLI is a thin layer over these modules; tests and the Python API use them
directly. Import the module you need (``sheath.engine.validate``,
``sheath.engine.runner``, ...): this package imports none of them itself, so a
command loads only the engine parts it uses.
"""
