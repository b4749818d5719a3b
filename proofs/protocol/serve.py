"""The reference adapter: tidegate's model or implementation behind PROTOCOL.md on stdio.

This is also the example a porter reads. An adapter is a loop: read one JSON
line, answer it with one JSON line, flush, until standard input closes. Three
answers are about the request rather than the subject:

- `{"err": "BadRequest"}`: the line is not a JSON object; `op` is not a string;
  a field is missing or not an int (bools are not ints); `new` with capacity < 1
  or cap < 0; an item outside the signed 64-bit range;
- `{"err": "NoSubject"}`: any operation other than `new` before the first `new`;
- `{"err": "Unsupported"}`: an `op` this adapter does not know.

None of them ends the session. Nothing but answers goes to standard output.
"""

from __future__ import annotations

import json
from typing import IO, Any

from tidegate.model import I64_MAX, I64_MIN, Answer, Err, ErrorKind, Ok, Op
from tidegate.proofs.protocol.subjects import make_runner
from tidegate.proofs.protocol.wire import OP_NAMES

BAD_REQUEST = b'{"err":"BadRequest"}\n'
NO_SUBJECT = b'{"err":"NoSubject"}\n'
UNSUPPORTED = b'{"err":"Unsupported"}\n'

_DECODER = json.JSONDecoder()

# Every answer but `{"ok": INT}` is one of a few fixed lines.
_ANSWERS: list[Answer] = [Ok(None), Ok(True), Ok(False), *(Err(kind) for kind in ErrorKind)]
_FIXED = {a: json.dumps(a.to_wire(), separators=(",", ":")).encode() + b"\n" for a in _ANSWERS}


def _int_field(request: dict[str, Any], name: str, low: int, high: int) -> int | None:
    """The field `name` if it is a plain int in [low, high], else None."""
    value = request.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        return None
    return value


class Session:
    """One adapter session over a subject kind ("model" or "impl")."""

    def __init__(self, subject: str) -> None:
        self.runner = make_runner(subject)
        self.started = False

    def answer(self, line: bytes) -> bytes:
        """The answer line (with its newline) to one request line."""
        try:
            # A reused decoder on str is about three times quicker than json.loads(bytes),
            # which re-detects the encoding on every line. UnicodeDecodeError is a ValueError.
            request = _DECODER.decode(line.decode("utf-8"))
        except (ValueError, RecursionError):  # RecursionError: absurdly deep nesting
            return BAD_REQUEST
        if not isinstance(request, dict) or not isinstance(request.get("op"), str):
            return BAD_REQUEST
        name = request["op"]
        if name == "new":
            capacity = _int_field(request, "capacity", 1, I64_MAX)
            cap = _int_field(request, "cap", 0, I64_MAX)
            if capacity is None or cap is None:
                return BAD_REQUEST
            self.runner.reset(capacity, cap)
            self.started = True
            return b'{"ok":null}\n'
        if not self.started:
            return NO_SUBJECT
        op_name = OP_NAMES.get(name)
        if op_name is None:
            return UNSUPPORTED
        item = None
        if op_name.takes_item:
            item = _int_field(request, "item", I64_MIN, I64_MAX)
            if item is None:
                return BAD_REQUEST
        answer = self.runner.apply(Op(op_name, item))
        if isinstance(answer, Ok) and type(answer.value) is int:
            return b'{"ok":%d}\n' % answer.value
        return _FIXED[answer]


def serve(subject: str, stdin: IO[bytes], stdout: IO[bytes]) -> None:
    """Answer every line of `stdin` on `stdout`, flushing each answer, until end of input."""
    session = Session(subject)
    for line in stdin:
        stdout.write(session.answer(line))
        stdout.flush()
