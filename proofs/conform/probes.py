"""`--check-protocol`: PROTOCOL.md's malformed requests, and what an adapter must answer.

Each probe is one raw line and the one answer PROTOCOL.md's section "Answers
about the request itself" gives it; the seed oracle answers every probe so.
Around the probes the subject's state is checked: a bad request, even a bad
`new`, must leave the subject exactly as it was. An empty line is never sent:
it gets no answer at all, so a checker waiting for one would only time out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from tidegate.proofs.protocol.adapter import Adapter, AdapterError
from tidegate.proofs.protocol.wire import WireError, reply_from_wire

_BIG = 2**63


@dataclass(frozen=True)
class Probe:
    """A raw request line, the answer PROTOCOL.md names for it, and why."""

    line: str
    expected: str
    why: str


BEFORE_NEW = (
    Probe('{"op":"capacity"}', "NoSubject", "an operation before the first new"),
    Probe('{"op":"enqueue_or_send","item":1}', "NoSubject", "an operation before the first new"),
    Probe('{"op":"frobnicate"}', "NoSubject", "unknown op before new"),
)

AFTER_NEW = (
    Probe("this is not json", "BadRequest", "not JSON"),
    Probe('{"op":"try_send"', "BadRequest", "truncated JSON"),
    Probe("[1]", "BadRequest", "a JSON array, not an object"),
    Probe('"try_recv"', "BadRequest", "a JSON string, not an object"),
    Probe('{"item":1}', "BadRequest", "no op field"),
    Probe('{"op":5}', "BadRequest", "op is not a string"),
    Probe('{"op":"new","capacity":0,"cap":1}', "BadRequest", "new with capacity < 1"),
    Probe('{"op":"new","capacity":1,"cap":-1}', "BadRequest", "new with cap < 0"),
    Probe('{"op":"new","capacity":1}', "BadRequest", "new without cap"),
    Probe('{"op":"new","cap":1}', "BadRequest", "new without capacity"),
    Probe('{"op":"new","capacity":"2","cap":1}', "BadRequest", "capacity is a string"),
    Probe('{"op":"new","capacity":1.5,"cap":1}', "BadRequest", "capacity is a float"),
    Probe('{"op":"new","capacity":true,"cap":1}', "BadRequest", "capacity is a bool"),
    Probe('{"op":"try_send"}', "BadRequest", "try_send without item"),
    Probe('{"op":"enqueue_or_send"}', "BadRequest", "enqueue_or_send without item"),
    Probe('{"op":"try_send","item":"7"}', "BadRequest", "item is a string"),
    Probe('{"op":"try_send","item":7.5}', "BadRequest", "item is a float"),
    Probe('{"op":"try_send","item":true}', "BadRequest", "item is a bool"),
    Probe('{"op":"try_send","item":null}', "BadRequest", "item is null"),
    Probe(f'{{"op":"try_send","item":{_BIG}}}', "BadRequest", "item above the i64 range"),
    Probe(f'{{"op":"enqueue_or_send","item":{-_BIG - 1}}}', "BadRequest", "item below i64"),
    Probe('{"op":"frobnicate"}', "Unsupported", "an unknown op"),
)

# Probes run on a subject new(2, 1) holding item 7 in its channel; afterwards it
# must still hold exactly that, whatever the probes were.
SETUP = ('{"op":"new","capacity":2,"cap":1}', '{"op":"try_send","item":7}')
AFTER = (('{"op":"capacity"}', {"ok": 1}), ('{"op":"try_recv"}', {"ok": 7}))


@dataclass
class ProbeReport:
    """Probes run, and the failures (each naming line, expected and got)."""

    probes: int = 0
    failures: list[str] = field(default_factory=list)


def _reply_text(adapter: Adapter, line: str) -> str:
    raw = adapter.request_line(line)
    try:
        return str(reply_from_wire(json.loads(raw)))
    except (ValueError, WireError):
        return f"non-answer {raw.decode(errors='replace')!r}"


def _probe(adapter: Adapter, probe: Probe, report: ProbeReport) -> None:
    report.probes += 1
    got = _reply_text(adapter, probe.line)
    if got != f"err {probe.expected}":
        report.failures.append(
            f"{probe.line}  ({probe.why}): expected err {probe.expected}, got {got}"
        )


def run_probes(adapter: Adapter) -> ProbeReport:
    """Send every probe; raises AdapterError if the adapter stops answering."""
    report = ProbeReport()
    for probe in BEFORE_NEW:
        _probe(adapter, probe, report)
    for line in SETUP:
        if _reply_text(adapter, line) != "ok null":
            raise AdapterError(f"adapter {adapter.command!r} did not answer ok null to {line}")
    for probe in AFTER_NEW:
        _probe(adapter, probe, report)
    for line, want in AFTER:
        report.probes += 1
        got = _reply_text(adapter, line)
        if got != str(reply_from_wire(want)):
            report.failures.append(
                f"{line} after the bad requests: expected {reply_from_wire(want)}, got {got} "
                "(a bad request must leave the subject as it was)"
            )
    return report
