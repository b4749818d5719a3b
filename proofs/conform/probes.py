"""`--check-protocol`: every rule of PROTOCOL.md's "Answers about the request itself", probed.

`PROBES` is one session of request lines, each with the answer PROTOCOL.md
gives it (None: a blank line, which gets no answer) and the rule it probes.
It starts before the first `new` and runs in order: later lines rely on the
subject the earlier ones made, so a bad request that disturbs the subject
shows up in the answers that follow it. The seed oracle (the reference
adapter) answers every line so, and so does `tidegate serve` over the model
and over the implementation (`tests/test_serve.py` holds all three to the
table; the adapter kits' tests use the same table).

Two lines follow the oracle where PROTOCOL.md is silent: a number no double
can hold, and a lone UTF-16 surrogate escape, both BadRequest even in a field
the operation does not use.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from tidegate.proofs.protocol.adapter import Adapter
from tidegate.proofs.protocol.wire import CAP_MAX, CAPACITY_MAX, WireError, reply_from_wire

I64_MAX = 2**63 - 1
BLANK_WAIT = 0.5
"""Seconds to wait, after a blank line, for an answer that must not come."""


@dataclass(frozen=True)
class Probe:
    """A raw request line, the answer PROTOCOL.md gives it (None: none at all), and why."""

    line: bytes
    answer: dict[str, Any] | None
    rule: str


_BAD = {"err": "BadRequest"}
_NO_SUBJECT = {"err": "NoSubject"}
_UNSUPPORTED = {"err": "Unsupported"}
_NEST_127 = b"[" * 126 + b"]" * 126  # inside the request object: 127 levels in all


def _p(line: bytes | str, answer: dict[str, Any] | None, rule: str) -> Probe:
    return Probe(line.encode() if isinstance(line, str) else line, answer, rule)


PROBES: tuple[Probe, ...] = (
    _p(b"", None, "rule 1: an empty line gets no answer"),
    _p(b"  \t \r", None, "rule 1: spaces, tabs and a carriage return get no answer"),
    _p('{"op":"capacity"}', _NO_SUBJECT, "rule 3: an operation before the first new"),
    _p('{"op":"enqueue_or_send","item":1}', _NO_SUBJECT, "rule 3: a well-formed send before new"),
    _p('{"op":"frobnicate"}', _NO_SUBJECT, "rule 3: an unknown op before new is NoSubject"),
    _p('{"op":"frobnicate","item":"x"}', _NO_SUBJECT, "rule 3: an unknown op's fields are unread"),
    _p('{"op":"try_send"}', _BAD, "rule 2 before rule 3: a malformed request before new"),
    _p("[1]", _BAD, "rule 2 before rule 3: not an object, before new"),
    _p('{"op":"new","capacity":0,"cap":1}', _BAD, "rule 2: capacity below 1"),
    _p(
        f'{{"op":"new","capacity":{CAPACITY_MAX},"cap":{CAP_MAX}}}',
        {"ok": None},
        "the largest capacity (2^61 - 1) and cap (2^64 - 1)",
    ),
    _p('{"op":"capacity"}', {"ok": CAPACITY_MAX}, "capacity reports 2^61 - 1 free slots"),
    _p(f'{{"op":"new","capacity":{CAPACITY_MAX + 1},"cap":1}}', _BAD, "rule 2: capacity 2^61"),
    _p(f'{{"op":"new","capacity":1,"cap":{CAP_MAX + 1}}}', _BAD, "rule 2: cap 2^64"),
    _p('{"op":"new","capacity":1,"cap":-1}', _BAD, "rule 2: cap below 0"),
    _p('{"op":"new","capacity":1,"cap":1,"capacity":0}', _BAD, "the last duplicate key counts"),
    _p('{"op":"capacity"}', {"ok": CAPACITY_MAX}, "a BadRequest new leaves the subject as it was"),
    _p('{"op":"new","capacity":3,"cap":1}', {"ok": None}, "a fresh subject"),
    _p(f'{{"op":"try_send","item":{I64_MAX}}}', {"ok": None}, "the largest item, 2^63 - 1"),
    _p(f'{{"op":"try_send","item":{-I64_MAX - 1}}}', {"ok": None}, "the smallest item, -2^63"),
    _p('{"op":"enqueue_or_send","item":9007199254740993}', {"ok": None}, "item 2^53 + 1"),
    _p('{"op":"enqueue_or_send","item":9007199254740995}', {"ok": None}, "item 2^53 + 3 spills"),
    _p('{"op":"len"}', {"ok": 1}, "the backlog holds one item"),
    _p(f'{{"op":"try_send","item":{I64_MAX + 1}}}', _BAD, "rule 2: item 2^63"),
    _p(f'{{"op":"try_send","item":{-I64_MAX - 2}}}', _BAD, "rule 2: item -2^63 - 1"),
    _p('{"op":"try_send","item":-0}', _BAD, "rule 2: -0 is not an integer"),
    _p('{"op":"try_send","item":1.0}', _BAD, "rule 2: 1.0 is not an integer"),
    _p('{"op":"try_send","item":1e3}', _BAD, "rule 2: 1e3 is not an integer"),
    _p('{"op":"try_send","item":"5"}', _BAD, 'rule 2: "5" is not an integer'),
    _p('{"op":"try_send","item":true}', _BAD, "rule 2: true is not an integer"),
    _p('{"op":"try_send","item":null}', _BAD, "rule 2: null is not an integer"),
    _p('{"op":"enqueue_or_send"}', _BAD, "rule 2: a needed field is missing"),
    _p('{"op":"enqueue_or_send","item":7.5}', _BAD, "rule 2: a fraction"),
    _p('{"op":"new","capacity":1.0,"cap":1}', _BAD, "rule 2: capacity 1.0"),
    _p('{"op":"new","capacity":true,"cap":1}', _BAD, "rule 2: capacity true"),
    _p('{"op":"new","capacity":"2","cap":1}', _BAD, 'rule 2: capacity "2"'),
    _p('{"op":"new","capacity":1,"cap":-0}', _BAD, "rule 2: cap -0"),
    _p('{"op":"new","capacity":1}', _BAD, "rule 2: new without cap"),
    _p('{"op":"new","cap":1}', _BAD, "rule 2: new without capacity"),
    _p("[1]", _BAD, "rule 2: an array"),
    _p('"try_recv"', _BAD, "rule 2: a string"),
    _p("7", _BAD, "rule 2: a number"),
    _p("true", _BAD, "rule 2: a bool"),
    _p("null", _BAD, "rule 2: null"),
    _p("{}", _BAD, "rule 2: no op"),
    _p('{"item":1}', _BAD, "rule 2: no op"),
    _p('{"op":5}', _BAD, "rule 2: op is not a string"),
    _p("not json", _BAD, "rule 2: not JSON"),
    _p('{"op":"try_send"', _BAD, "rule 2: truncated JSON"),
    _p('{"op":"len"} x', _BAD, "rule 2: trailing text"),
    _p('{"op":"len",}', _BAD, "rule 2: a trailing comma is not JSON"),
    _p('{"op":"len","x":01}', _BAD, "rule 2: a leading zero is not JSON"),
    _p('{"op":"len","x":NaN}', _BAD, "rule 2: NaN is not JSON"),
    _p(b'{"op":"len","x":"\xff"}', _BAD, "rule 2: not UTF-8"),
    _p(b'{"op":"len","x":"\xed\xa0\x80"}', _BAD, "rule 2: an encoded surrogate is not UTF-8"),
    _p(b'\xef\xbb\xbf{"op":"len"}', _BAD, "rule 2: a byte-order mark is not JSON"),
    _p(b"\xc2\xa0", _BAD, "rule 2: U+00A0 is not a blank"),
    _p(b'{"op":"len"}\x0c', _BAD, "rule 2: a form feed is trailing text"),
    _p(b'{"op":"len","x":"a\tb"}', _BAD, "rule 2: a raw tab inside a string is not JSON"),
    _p(r'{"op":"len","x":"\ud800"}', _BAD, "a lone high surrogate escape (as the oracle)"),
    _p(r'{"op":"len","x":"\udc00"}', _BAD, "a lone low surrogate escape (as the oracle)"),
    _p(r'{"op":"len","x":"\ud800\u0041"}', _BAD, "a high surrogate escape and no low one"),
    _p(r'{"op":"len","\ud800":1}', _BAD, "a lone surrogate escape in a key"),
    _p(
        r'{"op":"len","x":"\u00e9\ud83d\ude00\/\b\f\n\r\t\"\\"}',
        {"ok": 1},
        "every escape JSON has, and a surrogate pair",
    ),
    _p(b'{"op":"len","x":"\xc3\xa9\xf0\x9f\x98\x80"}', {"ok": 1}, "UTF-8 of 2 and 4 bytes"),
    _p('{"op":"len","x":1e400}', _BAD, "a number no double holds (as the oracle)"),
    _p('{"op":"len","x":' + "9" * 400 + "}", _BAD, "an integer no double holds (as the oracle)"),
    _p(
        '{"op":"len","x":-0.0e-5,"y":1E+2,"z":' + "9" * 60 + ',"w":-0}',
        {"ok": 1},
        "unused fields are ignored, -0 and numbers beyond 64 bits too",
    ),
    _p(b'{"op":"len","x":' + _NEST_127 + b"}", {"ok": 1}, "nested 127 levels deep"),
    _p(b'{"op":"len","x":[' + _NEST_127 + b"]}", _BAD, "rule 2: nested 128 levels deep"),
    _p('{"op":"len","x":{"a":[true,false,null,{}]}}', {"ok": 1}, "an unused nested field"),
    _p('{"op":"len","item":"x","capacity":true}', {"ok": 1}, "unused fields, whatever the type"),
    _p('{"op":"frobnicate","op":"len"}', {"ok": 1}, "the last duplicate key counts"),
    _p('{"op":"try_send","item":"x","item":5}', {"err": "Full"}, "the last duplicate key counts"),
    _p(r'{"\u006fp":"l\u0065n"}', {"ok": 1}, "escapes in keys and values"),
    _p(' \t{ "op" : "len" }\r', {"ok": 1}, "JSON whitespace around and inside"),
    _p(b"\r", None, "rule 1: a carriage return alone gets no answer"),
    _p('{"op":"frobnicate"}', _UNSUPPORTED, "rule 4: an unknown op"),
    _p('{"op":"Len"}', _UNSUPPORTED, "rule 4: op names are case-sensitive"),
    _p('{"op":"try_recv"}', {"ok": I64_MAX}, "the subject survived every bad line"),
    _p('{"op":"try_recv"}', {"ok": -I64_MAX - 1}, "items at the ends of i64 come back exactly"),
    _p('{"op":"try_drain_one"}', {"ok": True}, "the backlog drains"),
    _p('{"op":"try_recv"}', {"ok": 9007199254740993}, "2^53 + 1 comes back exactly"),
    _p('{"op":"try_recv"}', {"ok": 9007199254740995}, "2^53 + 3 comes back exactly"),
    _p('{"op":"try_recv"}', {"err": "Empty"}, "and nothing else was sent"),
)


@dataclass
class ProbeReport:
    """Probes run, and the failures (each naming line, expected and got)."""

    probes: int = 0
    failures: list[str] = field(default_factory=list)


def _shown(line: bytes, limit: int = 80) -> str:
    """The line as sent: as it is when that reads plainly, else quoted with escapes."""
    text = line.decode(errors="backslashreplace")
    text = text if len(text) <= limit else text[:limit] + "..."
    return text if text.isprintable() and text.strip() == text and text else repr(text)


def _reply_text(raw: bytes) -> str:
    try:
        return str(reply_from_wire(json.loads(raw)))
    except (ValueError, RecursionError, WireError):  # RecursionError: deep nesting
        return f"non-answer {raw.decode(errors='replace')!r}"


def run_probes(adapter: Adapter) -> ProbeReport:
    """Send every probe to `adapter`, which must not have served a `new` yet.

    Raises AdapterError if the adapter breaks the protocol (it exits, hangs, or
    writes a line that answers nothing we sent); a wrong answer is a failure.
    """
    report = ProbeReport()
    for probe in PROBES:
        report.probes += 1
        if probe.answer is None:
            adapter.send_unanswered(probe.line)
            stray = adapter.read_stray(BLANK_WAIT)
            if stray is not None:
                report.failures.append(
                    f"{_shown(probe.line)}  ({probe.rule}): expected no answer, got "
                    f"{_reply_text(stray)}"
                )
            continue
        got = _reply_text(adapter.request_line(probe.line))
        want = str(reply_from_wire(probe.answer))
        if got != want:
            report.failures.append(
                f"{_shown(probe.line)}  ({probe.rule}): expected {want}, got {got}"
            )
    return report
