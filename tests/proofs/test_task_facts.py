"""PROTOCOL.md's v2 section on both subjects: its four probes and its eleven facts.

Each session is a fresh subject fed the steps in order; the answers written here
are the seed oracle's (tokio 1.24.2), and `test_the_oracle_gives_these_answers`
asks it again where ../shared/ is present. The numbers in the names are the
facts of PROTOCOL.md's "What the recordings show about tokio 1.24.2's
asynchronous half".
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.task_sessions import SUBJECTS, op, run


@dataclass(frozen=True)
class Session:
    name: str
    capacity: int
    cap: int
    steps: tuple[tuple[str, str], ...]


SESSIONS = [
    Session(
        "P1 cancelled",
        1,
        0,
        (
            ("try_send 1", "ok null"),
            ("send 2", "pending 1"),
            ("try_recv", "ok 1"),
            ("cancel 1", "ok null"),
            ("try_recv", "err Empty"),
            ("capacity", "ok 1"),
        ),
    ),
    Session(
        "P2 not yet run",
        1,
        0,
        (
            ("try_send 1", "ok null"),
            ("send 2", "pending 1"),
            ("try_recv", "ok 1"),
            ("try_recv", "err Empty"),
            ("capacity", "ok 0"),
            ("poll 1", "ok null"),
            ("try_recv", "ok 2"),
        ),
    ),
    Session(
        "P5 closed",
        1,
        0,
        (
            ("try_send 1", "ok null"),
            ("send 2", "pending 1"),
            ("try_recv", "ok 1"),
            ("close", "ok null"),
            ("poll 1", "err Closed"),
            ("try_recv", "err Empty"),
            ("try_recv", "err Empty"),
        ),
    ),
    Session(
        "P6 receiver dropped",
        1,
        0,
        (
            ("try_send 1", "ok null"),
            ("send 2", "pending 1"),
            ("try_recv", "ok 1"),
            ("drop_receiver", "ok null"),
            ("capacity", "ok 0"),
            ("poll 1", "err Closed"),
            ("capacity", "ok 1"),
        ),
    ),
    Session(
        "1 send: ok, pending, pending again, Closed",
        2,
        0,
        (
            ("send 2001", "ok null"),
            ("capacity", "ok 1"),
            ("send 2002", "ok null"),
            ("send 2003", "pending 1"),
            ("poll 1", "pending 1"),
            ("poll 1", "pending 1"),
            ("capacity", "ok 0"),
            ("close", "ok null"),
            ("send 2004", "err Closed"),
            ("drop_receiver", "ok null"),
            ("send 2005", "err Closed"),
        ),
    ),
    Session(
        "2 a freed slot is reserved, not filled",
        1,
        1,
        (
            ("try_send 1001", "ok null"),
            ("send 2001", "pending 1"),
            ("try_recv", "ok 1001"),
            ("capacity", "ok 0"),
            ("try_send 1002", "err Full"),
            ("enqueue_or_send 1", "ok null"),
            ("len", "ok 1"),
            ("try_drain_one", "ok false"),
            ("send 2002", "pending 2"),
            ("try_recv", "err Empty"),
            ("recv", "pending 3"),
            ("poll 1", "ok null"),
            ("poll 3", "ok 2001"),
            ("try_drain_one", "ok false"),
            ("poll 2", "ok null"),
            ("try_recv", "ok 2002"),
            ("try_drain_one", "ok true"),
            ("try_recv", "ok 1"),
        ),
    ),
    Session(
        "2 the item goes behind the items buffered by then",
        2,
        0,
        (
            ("try_send 1001", "ok null"),
            ("try_send 1002", "ok null"),
            ("send 2001", "pending 1"),
            ("try_recv", "ok 1001"),
            ("try_send 1003", "err Full"),
            ("poll 1", "ok null"),
            ("try_recv", "ok 1002"),
            ("try_recv", "ok 2001"),
        ),
    ),
    Session(
        "3 FIFO whatever the poll order",
        1,
        0,
        (
            ("try_send 1001", "ok null"),
            ("send 2001", "pending 1"),
            ("send 2002", "pending 2"),
            ("try_recv", "ok 1001"),
            ("poll 2", "pending 2"),
            ("try_recv", "err Empty"),
            ("poll 1", "ok null"),
            ("try_recv", "ok 2001"),
            ("poll 2", "ok null"),
            ("try_recv", "ok 2002"),
        ),
    ),
    Session(
        "4 cancel: waiting leaves, reserved passes on",
        1,
        0,
        (
            ("try_send 1001", "ok null"),
            ("send 2001", "pending 1"),
            ("send 2002", "pending 2"),
            ("cancel 2", "ok null"),
            ("capacity", "ok 0"),
            ("try_recv", "ok 1001"),
            ("send 2003", "pending 3"),
            ("cancel 1", "ok null"),
            ("capacity", "ok 0"),
            ("try_recv", "err Empty"),
            ("poll 3", "ok null"),
            ("try_recv", "ok 2003"),
            ("capacity", "ok 1"),
        ),
    ),
    Session(
        "5 close fails parked sends, reserved too",
        1,
        0,
        (
            ("try_send 1001", "ok null"),
            ("send 2001", "pending 1"),
            ("send 2002", "pending 2"),
            ("try_recv", "ok 1001"),
            ("try_send 1002", "err Full"),
            ("close", "ok null"),
            ("capacity", "ok 0"),
            ("poll 2", "err Closed"),
            ("capacity", "ok 0"),
            ("poll 1", "err Closed"),
            ("capacity", "ok 1"),
            ("send 2003", "err Closed"),
            ("try_recv", "err Empty"),
        ),
    ),
    Session(
        "5 a slot freed after close is reserved for no one",
        1,
        0,
        (
            ("try_send 1001", "ok null"),
            ("send 2001", "pending 1"),
            ("close", "ok null"),
            ("try_recv", "ok 1001"),
            ("capacity", "ok 1"),
            ("poll 1", "err Closed"),
            ("capacity", "ok 1"),
        ),
    ),
    Session(
        "6 drop_receiver frees the buffer's slots, not a reserved one",
        2,
        0,
        (
            ("try_send 1001", "ok null"),
            ("try_send 1002", "ok null"),
            ("send 2001", "pending 1"),
            ("try_recv", "ok 1001"),
            ("drop_receiver", "ok null"),
            ("capacity", "ok 1"),
            ("poll 1", "err Closed"),
            ("capacity", "ok 2"),
        ),
    ),
    Session(
        "7 recv: oldest item, or pending and holding nothing",
        2,
        0,
        (
            ("recv", "pending 1"),
            ("recv", "pending 2"),
            ("try_send 1001", "ok null"),
            ("try_send 1002", "ok null"),
            ("poll 2", "ok 1001"),
            ("try_recv", "ok 1002"),
            ("poll 1", "pending 1"),
            ("try_send 1003", "ok null"),
            ("cancel 1", "ok null"),
            ("try_recv", "ok 1003"),
            ("try_send 1004", "ok null"),
            ("recv", "ok 1004"),
        ),
    ),
    Session(
        "8 recv after close: items, then None",
        2,
        0,
        (
            ("try_send 1001", "ok null"),
            ("close", "ok null"),
            ("recv", "ok 1001"),
            ("recv", "ok null"),
            ("try_recv", "err Empty"),
        ),
    ),
    Session(
        "8 recv after close is pending while a slot is reserved",
        1,
        0,
        (
            ("try_send 1001", "ok null"),
            ("send 2001", "pending 1"),
            ("try_recv", "ok 1001"),
            ("close", "ok null"),
            ("recv", "pending 2"),
            ("try_recv", "err Empty"),
            ("poll 1", "err Closed"),
            ("poll 2", "ok null"),
            ("recv", "ok null"),
        ),
    ),
    Session(
        "8 ... until the reserved send is cancelled",
        1,
        0,
        (
            ("try_send 1001", "ok null"),
            ("send 2001", "pending 1"),
            ("try_recv", "ok 1001"),
            ("close", "ok null"),
            ("recv", "pending 2"),
            ("cancel 1", "ok null"),
            ("poll 2", "ok null"),
        ),
    ),
    Session(
        "9 one permit",
        1,
        0,
        (
            ("notify_one", "ok null"),
            ("notify_one", "ok null"),
            ("notified", "ok null"),
            ("notified", "pending 1"),
            ("poll 1", "pending 1"),
        ),
    ),
    Session(
        "10 waiters in order, picked at once",
        1,
        0,
        (
            ("notified", "pending 1"),
            ("notified", "pending 2"),
            ("notify_one", "ok null"),
            ("poll 2", "pending 2"),
            ("poll 1", "ok null"),
            ("notify_one", "ok null"),
            ("notified", "pending 3"),
            ("poll 2", "ok null"),
            ("poll 3", "pending 3"),
            ("notify_one", "ok null"),
            ("notify_one", "ok null"),
            ("notified", "ok null"),
            ("poll 3", "ok null"),
        ),
    ),
    Session(
        "11 a cancelled waiter",
        1,
        0,
        (
            ("notified", "pending 1"),
            ("notified", "pending 2"),
            ("notify_one", "ok null"),
            ("cancel 2", "ok null"),
            ("notified", "pending 3"),
            ("cancel 1", "ok null"),
            ("poll 3", "ok null"),
            ("notified", "pending 4"),
            ("notify_one", "ok null"),
            ("cancel 4", "ok null"),
            ("notified", "ok null"),
        ),
    ),
    Session(
        "NoTask",
        1,
        0,
        (
            ("poll 0", "err NoTask"),
            ("poll -1", "err NoTask"),
            ("cancel 1", "err NoTask"),
            ("notified", "pending 1"),
            ("poll 2", "err NoTask"),
            ("cancel 1", "ok null"),
            ("cancel 1", "err NoTask"),
            ("poll 1", "err NoTask"),
            ("send 1", "ok null"),
            ("recv", "ok 1"),
            ("poll 2", "err NoTask"),
            ("poll 3", "err NoTask"),
        ),
    ),
    Session(
        "after drop_receiver, the adapter's conventions",
        1,
        0,
        (
            ("recv", "pending 1"),
            ("drop_receiver", "ok null"),
            ("recv", "ok null"),
            ("poll 1", "ok null"),
            ("poll 1", "err NoTask"),
            ("recv", "ok null"),
        ),
    ),
]


@pytest.mark.parametrize("subject", SUBJECTS)
@pytest.mark.parametrize("session", SESSIONS, ids=[s.name for s in SESSIONS])
def test_session_answers_as_tokio(subject: str, session: Session) -> None:
    got = run(subject, session.capacity, session.cap, *(step for step, _ in session.steps))
    assert list(zip([step for step, _ in session.steps], got, strict=True)) == list(session.steps)


@pytest.mark.oracle
def test_the_oracle_gives_these_answers(oracle_path: Path) -> None:
    for session in SESSIONS:
        lines = [json.dumps({"op": "new", "capacity": session.capacity, "cap": session.cap})]
        for step, _ in session.steps:
            task_op = op(step)
            obj: dict[str, object] = {"op": task_op.name.value}
            for field in ("item", "task"):
                if getattr(task_op, field, None) is not None:
                    obj[field] = getattr(task_op, field)
            lines.append(json.dumps(obj))
        out = subprocess.run(
            [str(oracle_path)], input="\n".join(lines) + "\n", capture_output=True, text=True
        ).stdout.splitlines()[1:]
        wanted = [_wire(answer) for _, answer in session.steps]
        assert [json.loads(line) for line in out] == wanted, session.name


def _wire(text: str) -> dict[str, object]:
    kind, _, value = text.partition(" ")
    if kind == "err":
        return {"err": value}
    if kind == "pending":
        return {"pending": int(value)}
    return {"ok": json.loads(value)}
