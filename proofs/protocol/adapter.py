"""The client side of PROTOCOL.md's adapter protocol: one adapter process on a pipe.

`Adapter(command)` starts the command (split with shlex) in its own process
group, then `request(obj)` writes one JSON line and reads exactly one answer
line, waiting at most `timeout` seconds (`send_lines` / `receive` do the same
for several requests written at once, answers read back in order). Anything
else — the process exits, stays silent past the timeout, answers with a line
that is not a PROTOCOL.md answer, or writes more than one line per request —
raises `AdapterError`, whose message names the operation sent, what came back,
and the tail of the adapter's standard error. `close()` (or leaving the `with`
block) ends the whole process group and every descendant (see
`tidegate.proofs.processes`), so a misbehaving adapter never outlives the
checker, nor do its children. `finish()` is the orderly end of a session: it
closes the adapter's input and raises AdapterError if anything but silence and
an exit follows (a line written after the last answer is a protocol breach).
"""

from __future__ import annotations

import contextlib
import enum
import json
import os
import selectors
import shlex
import subprocess
import tempfile
import time
from collections import deque
from collections.abc import Sequence
from types import TracebackType
from typing import Any

from tidegate.proofs import processes
from tidegate.proofs.core import TidegateError
from tidegate.proofs.protocol.wire import Reply, WireError, dumps, reply_from_wire

_MAX_LINE = 1 << 20


class Breach(enum.Enum):
    """How an adapter broke the protocol (or could not start)."""

    START = "could not start"
    EXITED = "exited"
    NON_ANSWER = "wrote a line that is no answer"
    EXTRA_LINE = "wrote an extra line"
    STOPPED_READING = "stopped reading its input"
    NO_ANSWER = "gave no answer in time"


FAILURES = frozenset(
    {Breach.EXITED, Breach.NON_ANSWER, Breach.EXTRA_LINE, Breach.STOPPED_READING, Breach.NO_ANSWER}
)
"""Breaches that happen at one request, so that a trace ending there shows them again: a
checker reports them like a wrong answer (and shrinks them, but for a hang, which costs the
whole timeout at every try)."""


class AdapterError(TidegateError):
    """Raised when an adapter breaks the protocol: it exits, hangs, or writes a non-answer.

    `breach` says which (START: the command cannot even be started, a usage error).
    """

    def __init__(self, message: str, breach: Breach = Breach.START) -> None:
        super().__init__(message)
        self.breach = breach


class Adapter:
    """One running adapter process. Requests go out one at a time (`request`) or several in
    one write (`send_lines`); answers are read back in order, each within `timeout`.

    Raises AdapterError from the constructor when `command` is empty or cannot
    be started (the message names the command and the reason).
    """

    def __init__(self, command: str, *, timeout: float = 5.0) -> None:
        try:
            argv = shlex.split(command)
        except ValueError as exc:
            raise AdapterError(f"cannot parse adapter command {command!r}: {exc}") from None
        if not argv:
            raise AdapterError("the adapter command is empty")
        self.command = command
        self.timeout = timeout
        self.requests = 0
        # A file, not a pipe: an adapter that floods stderr can never block on it.
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 (lives as long as the adapter)
        try:
            self._proc = processes.spawn(
                argv,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self._stderr,
                bufsize=0,
            )
        except OSError as exc:
            self._stderr.close()
            raise AdapterError(f"cannot start adapter {command!r}: {exc}") from None
        assert self._proc.stdin is not None and self._proc.stdout is not None
        self._stdin = self._proc.stdin
        self._out = self._proc.stdout.fileno()
        os.set_blocking(self._out, False)
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._out, selectors.EVENT_READ)
        self._buffer = b""
        self._eof = False
        self._closed = False
        self._pending: deque[str] = deque()
        self._answered = "(nothing yet)"

    @property
    def pid(self) -> int:
        """The adapter's process id (also its process group id)."""
        return self._proc.pid

    def request(self, obj: dict[str, Any]) -> Reply:
        """Send one operation, return its answer; raises AdapterError on any protocol breach."""
        self.send(obj)
        return self.receive()

    def send(self, obj: dict[str, Any]) -> None:
        """Send one operation without waiting; `receive()` then gives its answer."""
        self.send_lines([dumps(obj)])

    def receive(self) -> Reply:
        """The answer to the oldest unanswered request; raises AdapterError on any breach."""
        line = self._pending[0] if self._pending else "(nothing)"
        raw = self.receive_line()
        try:
            return reply_from_wire(json.loads(raw))
        except (ValueError, RecursionError, WireError):  # RecursionError: deep nesting
            raise self._error(
                f"answered {line} with {_show(raw)}, which is not an answer of "
                "PROTOCOL.md (diagnostics belong on standard error)",
                Breach.NON_ANSWER,
            ) from None

    def request_line(self, line: str | bytes) -> bytes:
        """Send `line` as it is, return the one line that comes back (without newline)."""
        self.send_lines([line])
        return self.receive_line()

    def read_stray(self, seconds: float) -> bytes | None:
        """A line that comes within `seconds` while no answer is awaited, else None."""
        return self._poll_line(seconds, "(nothing)") if not self._pending else None

    def expect_silence(self, seconds: float) -> None:
        """Wait `seconds` for output nobody asked for; raises AdapterError if any comes."""
        stray = self.read_stray(seconds)
        if stray is not None:
            raise self._error(
                f"wrote an extra line {_show(stray)} after its answer to {self._answered}: "
                "exactly one answer line per request",
                Breach.EXTRA_LINE,
            )

    def send_lines(self, lines: Sequence[str | bytes]) -> None:
        """Send `lines` in one write, without waiting; answers come back in order.

        When nothing is awaited, first checks that nothing unasked-for came out.
        Keep the lines sent ahead of their answers to a few hundred, so that
        neither pipe fills up while the other side waits.
        """
        self._write(lines, answered=True)

    def send_unanswered(self, line: bytes) -> None:
        """Send a line that PROTOCOL.md gives no answer (a blank line); nothing is awaited."""
        self._write([line], answered=False)

    def _write(self, lines: Sequence[str | bytes], *, answered: bool) -> None:
        if self._closed:
            raise AdapterError(f"adapter {self.command!r} is already closed")
        self.expect_silence(0.0)
        data = [line.encode() if isinstance(line, str) else line for line in lines]
        if answered:
            self.requests += len(lines)
            self._pending.extend(_text(line) for line in lines)
        try:
            self._stdin.write(b"".join(line + b"\n" for line in data))
        except (BrokenPipeError, ConnectionResetError):
            raise self._error(
                f"stopped reading its input; request {_text(lines[0])} not delivered",
                Breach.STOPPED_READING,
            ) from None

    def receive_line(self) -> bytes:
        """The one line that answers the oldest unanswered request (without its newline)."""
        line = self._pending.popleft() if self._pending else "(nothing)"
        answer = self._poll_line(self.timeout, line)
        if answer is None:
            raise self._error(
                f"gave no answer to {line} within {self.timeout:g}s{self._unflushed()}; killed it",
                Breach.NO_ANSWER,
                exited=False,
            )
        self._answered = line
        return answer

    def _poll_line(self, timeout: float, line: str, *, exiting: bool = False) -> bytes | None:
        """The next complete line, waiting up to `timeout`; None when none came in time
        (or, when `exiting`, when the adapter closed its output without one)."""
        deadline = time.monotonic() + timeout
        while True:
            newline = self._buffer.find(b"\n")
            if newline >= 0:
                answer, self._buffer = self._buffer[:newline], self._buffer[newline + 1 :]
                return answer.rstrip(b"\r")
            if self._eof and exiting:
                return None
            if self._eof:
                tail = f"; its last output was {_show(self._buffer)}" if self._buffer else ""
                try:
                    self._proc.wait(timeout=self.timeout)
                except subprocess.TimeoutExpired:
                    # It closed its standard output yet lives on: it will never answer.
                    self.kill()
                    raise self._error(
                        f"closed its standard output while answering {line}{tail}; killed it",
                        Breach.EXITED,
                        exited=False,
                    ) from None
                raise self._error(f"exited while answering {line}{tail}", Breach.EXITED)
            if len(self._buffer) > _MAX_LINE:
                raise self._error(
                    f"answered {line} with over {_MAX_LINE} bytes and no newline",
                    Breach.NON_ANSWER,
                )
            if not self._selector.select(max(deadline - time.monotonic(), 0.0)):
                return None
            try:
                chunk = os.read(self._out, 65536)
            except BlockingIOError:
                continue
            if chunk:
                self._buffer += chunk
            else:
                self._eof = True

    def _unflushed(self) -> str:
        """After a timeout: close the adapter's input and see whether answers come out now.

        They do from an adapter that writes its answers into a buffer it flushes
        only at exit: it answers a person typing at a terminal (line-buffered),
        but never a checker that sends several requests before it reads any
        answer. Returns a hint for the error message; the adapter is killed.
        """
        with contextlib.suppress(OSError):
            self._stdin.close()
        late = self._poll_line(min(self.timeout, 1.0), "(its input closed)", exiting=True)
        self.kill()
        if late is None:
            return ""
        return (
            f", but wrote {_show(late)} once its input was closed: does it flush standard "
            "output after each answer? (a checker sends several requests before it reads "
            "their answers)"
        )

    def _error(self, what: str, breach: Breach, *, exited: bool = True) -> AdapterError:
        code = self._proc.poll()
        status = f" (exit code {code})" if exited and code is not None else ""
        message = f"adapter {self.command!r}{status} {what}{self._stderr_tail()}"
        return AdapterError(message, breach)

    def _stderr_tail(self, limit: int = 1500) -> str:
        with contextlib.suppress(OSError, ValueError):
            self._stderr.flush()
            size = self._stderr.seek(0, os.SEEK_END)
            self._stderr.seek(max(0, size - limit))
            text = self._stderr.read().decode(errors="replace").strip()
            if text:
                return "\n  its standard error ended with:\n    " + text.replace("\n", "\n    ")
        return ""

    def kill(self) -> None:
        """Kill the adapter's whole process group and its descendants at once (no grace)."""
        processes.end(self._proc)

    def finish(self, grace: float = 1.0) -> None:
        """End the session in order: close the adapter's input and wait up to `grace`
        seconds for it to exit, then `close()`. Raises AdapterError if it wrote anything
        after its last answer (a complete line, or a partial one) before exiting."""
        if self._closed:
            return
        self.expect_silence(0.0)
        family = processes.descendants(self._proc.pid)
        with contextlib.suppress(OSError):
            self._stdin.close()
        stray = self._poll_line(grace, "(its input closed)", exiting=True)
        if stray is None and self._buffer:
            stray = self._buffer
        if stray is not None:
            processes.end_family(family)
            error = self._error(
                f"wrote {_show(stray)} after its input closed (after its last answer, to "
                f"{self._answered}): nothing but one answer per request goes to standard output",
                Breach.EXTRA_LINE,
            )
            self.close()
            raise error
        processes.end_family(family)
        self.close()

    def close(self, grace: float = 1.0) -> None:
        """Close the adapter's input, give it `grace` seconds to exit, then end its group and
        every descendant (those that left the group too, as far as they can be found)."""
        if self._closed:
            return
        self._closed = True
        # Taken while the adapter lives: once it exits, its orphans no longer name it.
        family = processes.descendants(self._proc.pid)
        with contextlib.suppress(OSError):
            self._stdin.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self._proc.wait(timeout=grace)
        processes.end_family(family)
        # Even after a clean exit, children it left behind share its process group.
        self.kill()
        self._selector.close()
        with contextlib.suppress(OSError):
            self._proc.stdout.close()  # type: ignore[union-attr]
        self._stderr.close()

    def __enter__(self) -> Adapter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _text(line: str | bytes) -> str:
    """A request line as text for messages (bytes that are not UTF-8 shown escaped)."""
    return line if isinstance(line, str) else line.decode(errors="backslashreplace")


def _show(raw: bytes, limit: int = 200) -> str:
    text = raw.decode(errors="replace")
    return repr(text if len(text) <= limit else text[:limit] + "...")
