"""Errors the model raises for arguments outside the protocol's rules.

The model's transitions are total over valid states and valid arguments; an
argument that breaks a rule of PROTOCOL.md is refused with one of these, whose
message names the parameter, the value given and the rule it broke.
"""

from __future__ import annotations

I64_MIN = -(2**63)
I64_MAX = 2**63 - 1


class ModelValueError(ValueError):
    """Raised when an argument has the right type but breaks a rule (range, bound)."""


class ModelTypeError(TypeError):
    """Raised when an argument is not an integer (bools and floats are refused too)."""


def require_int(name: str, value: object, *, minimum: int, maximum: int | None = None) -> int:
    """Return `value` if it is a plain int within [minimum, maximum]; raise otherwise.

    A bool is refused although Python counts it as an int: `True` as a capacity
    is a mistake, never an intention.
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise ModelTypeError(f"{name} must be an int, got {value!r} ({type(value).__name__})")
    if value < minimum:
        raise ModelValueError(f"{name} must be >= {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ModelValueError(f"{name} must be <= {maximum}, got {value}")
    return value


def require_item(value: object) -> int:
    """Return `value` if it is an int in the signed 64-bit range; raise otherwise."""
    return require_int("item", value, minimum=I64_MIN, maximum=I64_MAX)
