"""Adapters that are wrong in ways only a hostile run finds: `hostile.py MODE [ARG]`.

Each answers as tidegate's model does (`tidegate.proofs.protocol.serve.Session`)
except as its MODE says:

- capacity-i32: keeps the free-slot count in a signed 32-bit integer, so `capacity`
  answers wrap above 2^31 - 1 (a port that stores usize in i32);
- backlog-9: the backlog silently holds at most 9 items: a 10th that should be
  spilled is answered ok and dropped;
- extra-at-exit: when its input closes, writes one more answer line before it exits;
- setsid-child: first starts a child in a session of its own that ignores SIGTERM and
  sleeps; writes the child's pid to the file ARG;
- scripted: answers request n with the n-th entry of the JSON list in the file ARG
  (a string: those bytes are written as they are, newline included or not; null:
  exit at once; a number: sleep that many seconds, then answer as the model), and
  as the model after the list ends.
"""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
import time

from tidegate.proofs.protocol.serve import Session
from tidegate.proofs.protocol.subjects import ModelRunner

_CHILD = (
    "import os, signal, time\n"
    "os.setsid()\n"
    "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
    "time.sleep(600)\n"
)


def _wrap_i32(value: int) -> int:
    return (value + 2**31) % 2**32 - 2**31


def main() -> None:
    mode = sys.argv[1]
    arg = sys.argv[2] if len(sys.argv) > 2 else ""
    session = Session("model")
    out = sys.stdout.buffer
    script: list[object] = []
    if mode == "setsid-child":
        child = subprocess.Popen([sys.executable, "-c", _CHILD])
        with open(arg, "w") as handle:
            handle.write(str(child.pid))
    if mode == "scripted":
        with open(arg) as handle:
            script = json.load(handle)
    for number, line in enumerate(sys.stdin.buffer):
        answer = session.answer(line)
        if answer is None:
            continue  # a blank line gets no answer
        request = _request(line)
        if mode == "capacity-i32" and request.get("op") == "capacity":
            value = json.loads(answer)["ok"]
            answer = b'{"ok":%d}\n' % _wrap_i32(value)
        elif mode == "backlog-9" and request.get("op") == "enqueue_or_send":
            answer = _backlog_9(session, line, answer)
        elif mode == "scripted" and number < len(script):
            entry = script[number]
            if entry is None:
                out.flush()
                os._exit(3)
            if isinstance(entry, str):
                answer = entry.encode("utf-8", "surrogateescape")
            elif isinstance(entry, int | float):
                time.sleep(float(entry))
        out.write(answer)
        out.flush()
    if mode == "extra-at-exit":
        out.write(b'{"ok":null}\n')
        out.flush()


def _request(line: bytes) -> dict[str, object]:
    try:
        request = json.loads(line)
    except ValueError:
        return {}
    return request if isinstance(request, dict) else {}


def _backlog_9(session: Session, line: bytes, answer: bytes) -> bytes:
    """After an enqueue that left 10 items in the backlog, take the newest back out."""
    runner = session.runner
    assert isinstance(runner, ModelRunner)
    state = runner.state
    if state is None or len(state.queue.backlog) != 10:
        return answer
    queue = dataclasses.replace(state.queue, backlog=state.queue.backlog[:-1])
    runner.state = dataclasses.replace(state, queue=queue)
    return answer


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    main()
