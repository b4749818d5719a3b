"""The reference adapter: tidegate's model or implementation behind PROTOCOL.md on stdio.

This is also the example a porter reads. An adapter is a loop: read one JSON
line, answer it with one JSON line, flush, until standard input closes. Three
answers are about the request rather than the subject:

- `{"err": "BadRequest"}`: the line is not a JSON object; `op` is not a string;
  a field the operation needs is missing or not an int (bools are not ints);
  `new` with capacity < 1 or cap < 0; an item outside the signed 64-bit range
  (`tidegate.proofs.protocol.wire` reads every request);
- `{"err": "NoSubject"}`: any well-formed operation other than `new` before the
  first `new`, whether this adapter knows it or not;
- `{"err": "Unsupported"}`: an `op` this adapter does not know.

None of them ends the session. Nothing but answers goes to standard output.
"""

from __future__ import annotations

import json
from typing import IO

from tidegate.proofs.protocol.subjects import make_runner
from tidegate.proofs.protocol.wire import (
    REQUEST_ERROR_LINES,
    BadRequestError,
    New,
    UnknownOpError,
    answer_line,
    request_from_wire,
)

BAD_REQUEST = REQUEST_ERROR_LINES["BadRequest"]
NO_SUBJECT = REQUEST_ERROR_LINES["NoSubject"]
UNSUPPORTED = REQUEST_ERROR_LINES["Unsupported"]

_DECODER = json.JSONDecoder()


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
            request = request_from_wire(_DECODER.decode(line.decode("utf-8")))
        except UnknownOpError:
            return UNSUPPORTED if self.started else NO_SUBJECT
        except (BadRequestError, ValueError, RecursionError):  # RecursionError: deep nesting
            return BAD_REQUEST
        if isinstance(request, New):
            self.runner.reset(request.capacity, request.cap)
            self.started = True
            return b'{"ok":null}\n'
        if not self.started:
            return NO_SUBJECT
        return answer_line(self.runner.apply(request))


def serve(subject: str, stdin: IO[bytes], stdout: IO[bytes]) -> None:
    """Answer every line of `stdin` on `stdout`, flushing each answer, until end of input."""
    session = Session(subject)
    for line in stdin:
        stdout.write(session.answer(line))
        stdout.flush()
