"""`tidegate serve`: the reference adapter answers PROTOCOL.md, request errors included."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tidegate.proofs.conform.probes import run_probes
from tidegate.proofs.protocol.adapter import Adapter
from tidegate.proofs.protocol.serve import Session
from tidegate.proofs.protocol.wire import RequestError

SERVE = f"{sys.executable} -m tidegate.proofs serve --subject"


@pytest.mark.parametrize("subject", ["model", "impl"])
def test_serve_answers_every_malformed_request_as_protocol_says(subject: str) -> None:
    with Adapter(f"{SERVE} {subject}", timeout=10) as adapter:
        report = run_probes(adapter)
    assert report.probes == 27
    assert report.failures == []


@pytest.mark.parametrize(
    ("line", "answer"),
    [
        (b"", b'{"err":"BadRequest"}\n'),
        (b"[1]\n", b'{"err":"BadRequest"}\n'),
        (b"[" * 100_000, b'{"err":"BadRequest"}\n'),
        (b"\xff\xfe{}", b'{"err":"BadRequest"}\n'),
        (b'{"op":"new","capacity":1,"cap":0}', b'{"ok":null}\n'),
        (b'{"op":"new","capacity":false,"cap":0}', b'{"err":"BadRequest"}\n'),
        (b'{"op":"try_send","item":9223372036854775807}', b'{"ok":null}\n'),
        (b'{"op":"try_send","item":-9223372036854775808}', b'{"err":"Full"}\n'),
        (b'{"op":"try_recv"}', b'{"ok":9223372036854775807}\n'),
        (b'{"op":"has_pending"}', b'{"ok":false}\n'),
        (b'{"op":"len"}', b'{"ok":0}\n'),
        (b'{"op":"frobnicate"}', b'{"err":"Unsupported"}\n'),
    ],
)
def test_session_answers_line_by_line(line: bytes, answer: bytes) -> None:
    # Each case runs on a session that has already seen the earlier lines of the table.
    session = _TABLE_SESSION
    assert session.answer(line) == answer


_TABLE_SESSION = Session("impl")


def test_nothing_before_new() -> None:
    session = Session("model")
    assert session.answer(b'{"op":"len"}') == b'{"err":"NoSubject"}\n'
    assert session.answer(b'{"op":"frobnicate"}') == b'{"err":"NoSubject"}\n'
    assert session.answer(b'{"op":"new","capacity":0,"cap":0}') == b'{"err":"BadRequest"}\n'
    assert session.answer(b'{"op":"len"}') == b'{"err":"NoSubject"}\n'


def test_serve_end_to_end_and_exit_at_end_of_input() -> None:
    requests = b'{"op":"new","capacity":1,"cap":1}\n{"op":"enqueue_or_send","item":5}\n'
    requests += b'{"op":"enqueue_or_send","item":6}\n{"op":"len"}\n{"op":"capacity"}\n'
    done = subprocess.run(
        [*SERVE.split(), "impl"], input=requests, capture_output=True, timeout=30, check=False
    )
    assert done.returncode == 0
    assert done.stdout.splitlines() == [b'{"ok":null}'] * 3 + [b'{"ok":1}', b'{"ok":0}']
    assert done.stderr == b""


def test_request_errors_are_typed_replies() -> None:
    with Adapter(f"{SERVE} model", timeout=10) as adapter:
        assert adapter.request({"op": "len"}) == RequestError("NoSubject")
