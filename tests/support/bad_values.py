"""Bad values for a capacity and a cap, each with the error it must raise and a word the
message must contain: the model and the implementation refuse them alike."""

from __future__ import annotations

from typing import Any

BAD_CAPACITIES: list[tuple[Any, type[Exception], str]] = [
    (0, ValueError, "capacity must be"),
    (-3, ValueError, "-3"),
    (True, TypeError, "True"),
    (2.0, TypeError, "float"),
    ("4", TypeError, "str"),
    (None, TypeError, "None"),
]


BAD_CAPS: list[tuple[Any, type[Exception], str]] = [
    (-1, ValueError, "cap must be"),
    (False, TypeError, "bool"),
    (8.0, TypeError, "float"),
]
