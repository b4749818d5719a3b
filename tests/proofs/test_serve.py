"""`tidegate serve`: the reference adapter answers PROTOCOL.md, request errors included."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from tidegate.proofs.conform.probes import PROBES, Probe, run_probes
from tidegate.proofs.protocol.adapter import Adapter
from tidegate.proofs.protocol.serve import Session
from tidegate.proofs.protocol.traces import recorded_task_traces
from tidegate.proofs.protocol.wire import RequestError, dumps, op_to_wire

SERVE = f"{sys.executable} -m tidegate.proofs serve --subject"


def session(command: str, probes: Sequence[Probe] = PROBES) -> list[object]:
    """The answers to every probe's line, sent in one go, each parsed as JSON."""
    done = subprocess.run(
        shlex.split(command),
        input=b"".join(probe.line + b"\n" for probe in probes),
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    return [json.loads(line) for line in done.stdout.decode().splitlines()]


def wrong(answers: Sequence[object], probes: Sequence[Probe] = PROBES) -> list[str]:
    """Each probe answered otherwise than the table says (type-strictly: true is not 1)."""
    expected = [(p.line, p.answer) for p in probes if p.answer is not None]
    if len(answers) != len(expected):
        return [f"{len(answers)} answers to {len(expected)} lines that need one"]
    return [
        f"{line!r}: expected {json.dumps(want)}, got {json.dumps(got)}"
        for (line, want), got in zip(expected, answers, strict=True)
        if json.dumps(want) != json.dumps(got)
    ]


@pytest.mark.parametrize("subject", ["model", "impl"])
def test_serve_answers_every_request_rule_probe(subject: str) -> None:
    # In-process first: each line's own answer, None where a blank line gets none.
    serving = Session(subject)
    answers = [serving.answer(probe.line + b"\n") for probe in PROBES]
    expected = [probe.answer for probe in PROBES]
    assert [None if a is None else json.loads(a) for a in answers] == expected
    # Then through the pipe, as --check-protocol probes an adapter.
    with Adapter(f"{SERVE} {subject}", timeout=10) as adapter:
        report = run_probes(adapter)
    assert report.probes == len(PROBES)
    assert report.failures == []


def test_the_seed_oracle_answers_every_probe_as_the_table_says(oracle_path: Path) -> None:
    # The reference adapter decides where PROTOCOL.md is silent: the table follows it.
    assert wrong(session(str(oracle_path))) == []
    assert wrong(session(f"{SERVE} impl")) == []


# Each line is answered by a session that has already seen the earlier lines of the table.
LINE_BY_LINE: list[tuple[bytes, bytes | None]] = [
    (b"", None),
    (b" \t\r\n", None),
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
    # v2: capacity 1 holds 9223372036854775807 until the try_recv above took it
    (b'{"op":"try_send","item":1}', b'{"ok":null}\n'),
    (b'{"op":"send","item":2}', b'{"pending":1}\n'),
    (b'{"op":"poll","task":1}', b'{"pending":1}\n'),
    (b'{"op":"recv","task":1}', b'{"ok":1}\n'),
    (b'{"op":"poll","task":1}', b'{"ok":null}\n'),
    (b'{"op":"poll","task":1}', b'{"err":"NoTask"}\n'),
    (b'{"op":"cancel","task":-9223372036854775808}', b'{"err":"NoTask"}\n'),
    (b'{"op":"poll","task":9223372036854775808}', b'{"err":"BadRequest"}\n'),
    (b'{"op":"poll","task":1.0}', b'{"err":"BadRequest"}\n'),
    (b'{"op":"cancel"}', b'{"err":"BadRequest"}\n'),
    (b'{"op":"send"}', b'{"err":"BadRequest"}\n'),
    (b'{"op":"notified"}', b'{"pending":2}\n'),
    (b'{"op":"notify_one","item":"ignored"}', b'{"ok":null}\n'),
    (b'{"op":"poll","task":2}', b'{"ok":null}\n'),
]


@pytest.mark.parametrize(("line", "answer"), LINE_BY_LINE)
def test_session_answers_line_by_line(line: bytes, answer: bytes | None) -> None:
    # A fresh session per case, fed the lines before it: the cases may run in any order
    # (or on other pytest-xdist workers) and still see the session the table describes.
    session = Session("impl")
    for earlier, _ in LINE_BY_LINE[: LINE_BY_LINE.index((line, answer))]:
        session.answer(earlier)
    assert session.answer(line) == answer


def test_nothing_before_new() -> None:
    session = Session("model")
    assert session.answer(b'{"op":"len"}') == b'{"err":"NoSubject"}\n'
    assert session.answer(b'{"op":"poll","task":1}') == b'{"err":"NoSubject"}\n'
    assert session.answer(b'{"op":"poll"}') == b'{"err":"BadRequest"}\n'
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


@pytest.mark.parametrize("subject", ["model", "impl"])
def test_serve_answers_the_600_task_recordings_line_for_line(subject: str) -> None:
    # Through the wire both ways: each step's request line in, the recorded answer's line out.
    session, wrong = Session(subject), []
    traces = recorded_task_traces()
    assert len(traces) == 600
    for trace in traces:
        session.answer(dumps({"op": "new", "capacity": trace.capacity, "cap": trace.cap}).encode())
        for index, step in enumerate(trace.steps):
            got = session.answer(dumps(op_to_wire(step.op)).encode())
            if got != dumps(step.result.to_wire()).encode() + b"\n":
                wrong.append(f"{trace.id} step {index} {step.op}: {got!r}, recorded {step.result}")
                break
    assert wrong == []
    assert any(step.op.name.value == "cancel" for t in traces for step in t.steps)


def _v2(line: str, answer: dict[str, object] | None) -> Probe:
    return Probe(line.encode(), answer, "v2 tasks")


V2_SESSION = [
    # Probe P2 of PROTOCOL.md (a slot handed over, not filled), then request errors of v2.
    _v2('{"op":"poll","task":1}', {"err": "NoSubject"}),
    _v2('{"op":"new","capacity":1,"cap":0}', {"ok": None}),
    _v2('{"op":"try_send","item":1}', {"ok": None}),
    _v2('{"op":"send","item":2}', {"pending": 1}),
    _v2('{"op":"try_recv"}', {"ok": 1}),
    _v2('{"op":"try_recv"}', {"err": "Empty"}),
    _v2('{"op":"capacity"}', {"ok": 0}),
    _v2('{"op":"recv"}', {"pending": 2}),
    _v2('{"op":"poll","task":1}', {"ok": None}),
    _v2('{"op":"poll","task":2}', {"ok": 2}),
    _v2('{"op":"notify_one"}', {"ok": None}),
    _v2('{"op":"notified"}', {"ok": None}),
    _v2('{"op":"notified"}', {"pending": 3}),
    _v2('{"op":"cancel","task":3}', {"ok": None}),
    _v2('{"op":"poll","task":3}', {"err": "NoTask"}),
    _v2('{"op":"cancel","task":-9223372036854775808}', {"err": "NoTask"}),
    _v2('{"op":"poll","task":9223372036854775808}', {"err": "BadRequest"}),
    _v2('{"op":"poll","task":true}', {"err": "BadRequest"}),
    _v2('{"op":"cancel"}', {"err": "BadRequest"}),
    _v2('{"op":"send"}', {"err": "BadRequest"}),
    _v2('{"op":"send","item":1.0}', {"err": "BadRequest"}),
]


@pytest.mark.parametrize("subject", ["model", "impl"])
def test_serve_answers_tasks(subject: str) -> None:
    """v2 through `tidegate serve`: task ids, pending answers, NoTask and BadRequest."""
    serving = Session(subject)
    answers = [serving.answer(probe.line + b"\n") for probe in V2_SESSION]
    assert [None if a is None else json.loads(a) for a in answers] == [p.answer for p in V2_SESSION]
    assert wrong(session(f"{SERVE} {subject}", V2_SESSION), V2_SESSION) == []


@pytest.mark.oracle
def test_the_seed_oracle_answers_tasks_as_the_table_says(oracle_path: Path) -> None:
    assert wrong(session(str(oracle_path), V2_SESSION), V2_SESSION) == []
