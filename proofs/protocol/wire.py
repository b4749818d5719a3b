"""PROTOCOL.md's JSON forms: requests, answers and replies, to and from plain values.

The one reading of the wire format: the reference adapter (`serve`) parses
requests with `request_from_wire` and writes answers with `answer_line`; the
checkers read trace steps with `op_from_wire` (the same parser) and adapters'
replies with `reply_from_wire`.

A request is `New(capacity, cap)`, a v1 `Op` or a v2 `TaskOp` (PROTOCOL.md's
"Tasks (v2)": `send` and `poll`/`cancel` carry a signed 64-bit `item` or `task`;
an answer may be `{"pending": T}`). `request_from_wire` raises
`BadRequestError` for a malformed one (not an object; no string `op`; a field
the operation needs missing, of the wrong type or out of range) and
`UnknownOpError` for an `op` the protocol does not know; an adapter answers
them BadRequest, and Unsupported (NoSubject before the first `new`).
`request_from_line` reads one line as PROTOCOL.md's rules for requests say,
in their order: a blank line is no request (None, no answer); a line that is
not one JSON object is BadRequest; then as `request_from_wire`. Where
PROTOCOL.md is silent it follows the seed oracle (the reference adapter): a
number no double can hold (`1e400`, 400 digits) and a string escape that is a
lone UTF-16 surrogate (`"\\ud800"`) are BadRequest, even in a field the
operation does not use.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from tidegate.model import (
    I64_MAX,
    I64_MIN,
    Answer,
    Err,
    ErrorKind,
    Ok,
    Op,
    OpName,
    Pending,
    TaskOp,
    TaskOpName,
)
from tidegate.proofs.core import TidegateError

OP_NAMES = {name.value: name for name in OpName}
TASK_OP_NAMES = {name.value: name for name in TaskOpName}
_KNOWN = ", ".join(sorted([*OP_NAMES, *TASK_OP_NAMES]))
ERROR_KINDS = {kind.value: kind for kind in ErrorKind}
REQUEST_ERRORS = ("BadRequest", "NoSubject", "Unsupported")

CAPACITY_MAX = 2**61 - 1
"""The largest capacity PROTOCOL.md allows (tokio 1.24.2's semaphore: `usize::MAX >> 3`)."""
CAP_MAX = 2**64 - 1
"""The largest backlog cap PROTOCOL.md allows (a u64)."""

NESTING_LIMIT = 128
"""Arrays and objects nested this deep or deeper make a line BadRequest (the request object
itself is level 1): the reference adapter's JSON library stops there."""

CAPACITY_RANGE = (1, CAPACITY_MAX)
CAP_RANGE = (0, CAP_MAX)
ITEM_RANGE = (I64_MIN, I64_MAX)
TASK_RANGE = (I64_MIN, I64_MAX)


class WireError(TidegateError, ValueError):
    """Raised when a JSON value is not a valid request, answer or reply of PROTOCOL.md."""


class BadRequestError(WireError):
    """Raised when a request is malformed: an adapter answers it BadRequest."""


class UnknownOpError(WireError):
    """Raised when a request's `op` is no operation of the protocol: an adapter answers it
    Unsupported (NoSubject before the first `new`)."""


@dataclass(frozen=True)
class New:
    """The request `new`: a fresh subject of `capacity` slots and backlog cap `cap`."""

    capacity: int
    cap: int


Request = New | Op | TaskOp


def _int_field(request: dict[str, Any], name: str, op: str, bounds: tuple[int, int]) -> int:
    """The field `name` of `request` if it is a plain int within `bounds` (bools are not
    ints); raises BadRequestError naming the operation, the field and the rule."""
    value = request.get(name)
    low, high = bounds
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        if name not in request:
            raise BadRequestError(f"op {op} needs an integer field {name!r}")
        raise BadRequestError(
            f"op {op}: {name} must be an integer from {low} to {high}, got {_short(value)}"
        )
    return value


def request_from_wire(obj: Any) -> Request:
    """The request a decoded JSON line states (see the module docstring for what it raises).

    Fields the operation does not use are ignored.
    """
    if not isinstance(obj, dict):
        raise BadRequestError(f"an operation must be a JSON object, got {_short(obj)}")
    name = obj.get("op")
    if not isinstance(name, str):
        raise BadRequestError(f"unknown op {_short(name)}; known: {_KNOWN}")
    if name == "new":
        return New(
            _int_field(obj, "capacity", name, CAPACITY_RANGE),
            _int_field(obj, "cap", name, CAP_RANGE),
        )
    task_name = TASK_OP_NAMES.get(name)
    if task_name is not None:
        return TaskOp(
            task_name,
            _int_field(obj, "item", name, ITEM_RANGE) if task_name.takes_item else None,
            _int_field(obj, "task", name, TASK_RANGE) if task_name.takes_task else None,
        )
    op_name = OP_NAMES.get(name)
    if op_name is None:
        raise UnknownOpError(f"unknown op {name!r:.200}; known: {_KNOWN}")
    if op_name.takes_item:
        return Op(op_name, _int_field(obj, "item", name, ITEM_RANGE))
    return Op(op_name)


def is_blank(line: bytes) -> bool:
    """True for a line that is no request and gets no answer: nothing but spaces, tabs and
    carriage returns (and its newline)."""
    return not line.strip(b" \t\r\n")


def _no_double(text: str) -> float:
    raise BadRequestError(f"{text:.40} is no number a double can hold")


def _float(text: str) -> float:
    value = float(text)
    return _no_double(text) if math.isinf(value) else value


def _int(text: str) -> int | float:
    # The reference adapter's JSON library reads -0 as a float: it is no integer.
    if text == "-0":
        return -0.0
    if len(text) > 300 and math.isinf(float(text)):
        _no_double(text)
    return int(text)


# The quick decoder leaves integers to C; the careful one sees each integer's text, which
# only `-0` and very long numbers need. A reused decoder on str is about three times
# quicker than json.loads(bytes), which re-detects the encoding every time.
_QUICK = json.JSONDecoder(parse_float=_float, parse_constant=_no_double)
_CAREFUL = json.JSONDecoder(parse_int=_int, parse_float=_float, parse_constant=_no_double)


def _too_deep(value: Any, depth: int = 1) -> bool:
    if depth >= NESTING_LIMIT:
        return True
    children = value.values() if isinstance(value, dict) else value
    return any(isinstance(c, dict | list) and _too_deep(c, depth + 1) for c in children)


def decode_line(line: bytes) -> Any:
    """The JSON value on one request line; raises BadRequestError when the line is not
    JSON as the reference adapter reads it (see the module docstring)."""
    try:
        text = line.decode("utf-8")
        decoder = _CAREFUL if b"-0" in line or len(line) > 300 else _QUICK
        value = decoder.decode(text)
        # A request is one flat object: only the rare line with brackets or escapes needs
        # the checks below, so the common one pays two scans for a byte.
        if b"[" in line or b"\\" in line or line.count(b"{") > 1:
            _check_structure(value, line)
    except BadRequestError:
        raise
    except (ValueError, RecursionError) as exc:  # UnicodeError is a ValueError
        raise BadRequestError(f"not one JSON value in UTF-8: {exc}") from None
    return value


def _check_structure(value: Any, line: bytes) -> None:
    if line.count(b"{") + line.count(b"[") >= NESTING_LIMIT and _too_deep(value):
        raise BadRequestError(f"nested {NESTING_LIMIT} levels deep or more")
    if b"\\u" in line:
        # A lone surrogate escape decodes to a str that UTF-8 cannot encode.
        json.dumps(value, ensure_ascii=False).encode("utf-8")


def request_from_line(line: bytes) -> Request | None:
    """The request on one line, None for a blank line (see the module docstring); raises
    BadRequestError and UnknownOpError as `request_from_wire` does."""
    if is_blank(line):
        return None
    return request_from_wire(decode_line(line))


def op_from_wire(obj: Any) -> Op | TaskOp:
    """The operation a trace step names, read as a request; raises WireError saying what
    is wrong.

    Stricter than a request: a step is never `new` (a trace starts its subject
    itself), and an `item` or `task` on an operation that takes none is an error
    (the step was written for another one). Fields other than `op`, `item`,
    `task` and `result` are ignored.
    """
    request = request_from_wire(obj)
    if isinstance(request, New):
        raise WireError("a trace step cannot be new: a trace starts a fresh subject itself")
    if request.item is None and "item" in obj:
        raise WireError(f"op {obj['op']} takes no item, got 'item': {_short(obj['item'])}")
    if getattr(request, "task", None) is None and "task" in obj:
        raise WireError(f"op {obj['op']} takes no task, got 'task': {_short(obj['task'])}")
    return request


def op_to_wire(op: Op | TaskOp) -> dict[str, Any]:
    """The JSON object for `op`, e.g. {"op": "try_send", "item": 1002} or
    {"op": "poll", "task": 2}."""
    obj: dict[str, Any] = {"op": op.name.value}
    if op.item is not None:
        obj["item"] = op.item
    if isinstance(op, TaskOp) and op.task is not None:
        obj["task"] = op.task
    return obj


def answer_from_wire(obj: Any) -> Answer:
    """The Answer a JSON object states; raises WireError if it is no answer of PROTOCOL.md.

    `{"ok": V}` needs V null, a bool or an int; `{"pending": T}` a signed 64-bit int
    T (v2); `{"err": N}` needs N a known name
    (BadRequest, NoSubject and Unsupported are answers about requests, not
    about a subject, and are refused here: see `reply_from_wire`).
    """
    if isinstance(obj, dict) and len(obj) == 1:
        if "ok" in obj:
            value = obj["ok"]
            if value is None or isinstance(value, (bool, int)):
                return Ok(value)
        elif "err" in obj and obj["err"] in ERROR_KINDS:
            return Err(ERROR_KINDS[obj["err"]])
        elif "pending" in obj:
            task = obj["pending"]
            if type(task) is int and I64_MIN <= task <= I64_MAX:
                return Pending(task)
    raise WireError(f"not an answer of PROTOCOL.md: {_short(obj)}")


def _short(value: Any, limit: int = 200) -> str:
    """`value` as JSON for a message, cut to `limit` characters."""
    try:
        text = json.dumps(value)
    except (ValueError, TypeError, RecursionError):  # e.g. an int of 5,000 digits
        text = f"(a {type(value).__name__} too large to show)"
    return text if len(text) <= limit else text[:limit] + "..."


@dataclass(frozen=True)
class RequestError:
    """An answer about the request itself: BadRequest, NoSubject or Unsupported."""

    name: str

    def to_wire(self) -> dict[str, Any]:
        """The protocol form, `{"err": name}`."""
        return {"err": self.name}

    def __str__(self) -> str:
        return f"err {self.name}"


Reply = Answer | RequestError
"""What an adapter may answer: a subject's answer, or an answer about the request."""


def reply_from_wire(obj: Any) -> Reply:
    """The Reply a decoded answer line states; raises WireError for anything else."""
    if isinstance(obj, dict) and len(obj) == 1 and obj.get("err") in REQUEST_ERRORS:
        return RequestError(obj["err"])
    return answer_from_wire(obj)


def dumps(obj: Any) -> str:
    """Compact one-line JSON, as adapters and trace files use."""
    return json.dumps(obj, separators=(",", ":"))


# Every answer but `{"ok": INT}` is one of a few fixed lines, encoded once.
_FIXED_ANSWERS: list[Answer] = [Ok(None), Ok(True), Ok(False), *(Err(kind) for kind in ErrorKind)]
_FIXED_LINES = {answer: dumps(answer.to_wire()).encode() + b"\n" for answer in _FIXED_ANSWERS}
REQUEST_ERROR_LINES = {name: dumps({"err": name}).encode() + b"\n" for name in REQUEST_ERRORS}
"""The answer line of each request error, e.g. `{"err":"BadRequest"}` and its newline."""


def answer_line(answer: Answer) -> bytes:
    """The answer line an adapter writes for `answer`, newline included (`{"ok":7}\\n`)."""
    if isinstance(answer, Ok) and type(answer.value) is int:
        return b'{"ok":%d}\n' % answer.value
    if isinstance(answer, Pending):
        return b'{"pending":%d}\n' % answer.task
    return _FIXED_LINES[answer]
