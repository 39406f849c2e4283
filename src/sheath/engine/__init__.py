"""The engine: orchestration of validate (and, later, plan/apply) over the layers below.

The CLI is a thin layer over these functions; tests and the Python front end
use them directly.
"""

from sheath.engine.validate import ValidateResult, validate

__all__ = ["ValidateResult", "validate"]
