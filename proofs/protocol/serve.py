"""The reference adapter: tidegate's model or implementation behind PROTOCOL.md on stdio.

This is also the example a porter reads. An adapter is a loop: read one JSON
line, answer it with one JSON line, flush, until standard input closes. The
request itself is judged first, by PROTOCOL.md's rules in their order
(`tidegate.proofs.protocol.wire` reads every line):

1. a blank line (spaces, tabs, carriage returns) gets no answer at all;
2. `{"err": "BadRequest"}`: the line is not one JSON object; `op` is not a
   string; a field the operation needs is missing, not an integer (bools, `1.0`
   and `-0` are not) or out of range;
3. `{"err": "NoSubject"}`: any other operation before the first `new`, whether
   this adapter knows it or not;
4. `{"err": "Unsupported"}`: an `op` this adapter does not know.

None of them ends the session, and a BadRequest `new` leaves the subject as it
was. Nothing but answers goes to standard output.
"""

from __future__ import annotations

from typing import IO

from tidegate.proofs.protocol.subjects import make_runner
from tidegate.proofs.protocol.wire import (
    REQUEST_ERROR_LINES,
    BadRequestError,
    New,
    UnknownOpError,
    answer_line,
    request_from_line,
)

BAD_REQUEST = REQUEST_ERROR_LINES["BadRequest"]
NO_SUBJECT = REQUEST_ERROR_LINES["NoSubject"]
UNSUPPORTED = REQUEST_ERROR_LINES["Unsupported"]


class Session:
    """One adapter session over a subject kind ("model" or "impl")."""

    def __init__(self, subject: str) -> None:
        self.runner = make_runner(subject)
        self.started = False

    def answer(self, line: bytes) -> bytes | None:
        """The answer line (with its newline) to one request line; None for a blank line."""
        try:
            request = request_from_line(line)
        except UnknownOpError:
            return UNSUPPORTED if self.started else NO_SUBJECT
        except BadRequestError:
            return BAD_REQUEST
        if request is None:
            return None
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
        answer = session.answer(line)
        if answer is not None:
            stdout.write(answer)
            stdout.flush()
