"""PROTOCOL.md's JSON forms: operations and answers to and from plain dicts.

Everything that reads a trace file or talks to an adapter goes through here,
so there is exactly one reading of the wire format.
"""

from __future__ import annotations

import json
from typing import Any

from tidegate.model import Answer, Err, ErrorKind, ModelTypeError, ModelValueError, Ok, Op, OpName
from tidegate.proofs.core import TidegateError

OP_NAMES = {name.value: name for name in OpName}
ERROR_KINDS = {kind.value: kind for kind in ErrorKind}

CAPACITY_MAX = 2**61 - 1
"""The largest capacity PROTOCOL.md allows (tokio 1.24.2's semaphore: `usize::MAX >> 3`)."""
CAP_MAX = 2**64 - 1
"""The largest backlog cap PROTOCOL.md allows (a u64)."""


class WireError(TidegateError, ValueError):
    """Raised when a JSON value is not a valid operation or answer of PROTOCOL.md."""


def op_from_wire(obj: Any) -> Op:
    """The Op a trace step names; raises WireError saying what is wrong with it.

    Fields other than `op`, `item` and `result` are ignored; an `item` on an
    operation that takes none is an error (the step was written for another one).
    """
    if not isinstance(obj, dict):
        raise WireError(f"an operation must be a JSON object, got {_short(obj)}")
    name = obj.get("op")
    if not isinstance(name, str) or name not in OP_NAMES:
        shown = repr(name) if isinstance(name, str) else _short(name)
        raise WireError(f"unknown op {shown:.200}; known: {', '.join(sorted(OP_NAMES))}")
    op_name = OP_NAMES[name]
    if op_name.takes_item and "item" not in obj:
        raise WireError(f"op {name} needs an integer field 'item'")
    if not op_name.takes_item and "item" in obj:
        raise WireError(f"op {name} takes no item, got 'item': {_short(obj['item'])}")
    try:
        return Op(op_name, obj.get("item") if op_name.takes_item else None)
    except (ModelTypeError, ModelValueError) as exc:
        raise WireError(f"op {name}: {exc}") from None


def op_to_wire(op: Op) -> dict[str, Any]:
    """The JSON object for `op`, e.g. {"op": "try_send", "item": 1002}."""
    obj: dict[str, Any] = {"op": op.name.value}
    if op.item is not None:
        obj["item"] = op.item
    return obj


def answer_from_wire(obj: Any) -> Answer:
    """The Answer a JSON object states; raises WireError if it is no answer of PROTOCOL.md.

    `{"ok": V}` needs V null, a bool or an int; `{"err": N}` needs N a known name
    (BadRequest, NoSubject and Unsupported are answers about requests, not
    about a subject, and are refused here).
    """
    if isinstance(obj, dict) and len(obj) == 1:
        if "ok" in obj:
            value = obj["ok"]
            if value is None or isinstance(value, (bool, int)):
                return Ok(value)
        elif "err" in obj and obj["err"] in ERROR_KINDS:
            return Err(ERROR_KINDS[obj["err"]])
    raise WireError(f"not an answer of PROTOCOL.md: {_short(obj)}")


def _short(value: Any, limit: int = 200) -> str:
    """`value` as JSON for a message, cut to `limit` characters."""
    try:
        text = json.dumps(value)
    except (ValueError, TypeError, RecursionError):  # e.g. an int of 5,000 digits
        text = f"(a {type(value).__name__} too large to show)"
    return text if len(text) <= limit else text[:limit] + "..."


def dumps(obj: Any) -> str:
    """Compact one-line JSON, as adapters and trace files use."""
    return json.dumps(obj, separators=(",", ":"))
