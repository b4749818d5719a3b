"""Traces in the ITF format of Apalache and Quint (ADR-015), for teams that model there.

One trace becomes one ITF object: `#meta` (format, source, the trace id and
parameters), `vars`, and `states`, where state 0 is the fresh subject and
state i is the subject after step i. Integers are `{"#bigint": "N"}`,
sequences (buffer, backlog, discarded) are JSON lists, the step is Quint's
`mbt::actionTaken` (the operation's name, `init` for state 0) with its item
in `mbt::nondetPicks` as an Option variant, and the answer is a variant:
`Ok` carrying `{"#tup": []}` (unit), a bool or a bigint; `Err` carrying the
error's name; `None` for state 0.
"""

from __future__ import annotations

from typing import Any

from tidegate import model
from tidegate.model import Answer, Err, Pending
from tidegate.proofs.protocol.traces import Trace

FORMAT_DESCRIPTION = "https://apalache-mc.org/docs/adr/015adr-trace.html"
VARS = [
    "capacity",
    "cap",
    "buffer",
    "backlog",
    "receiver",
    "answer",
    "discarded",
    "mbt::actionTaken",
    "mbt::nondetPicks",
]
UNIT: dict[str, list[Any]] = {"#tup": []}


def bigint(n: int) -> dict[str, str]:
    """An ITF integer: `{"#bigint": "N"}` (exact at any size)."""
    return {"#bigint": str(n)}


def _itf_answer(answer: Answer | None) -> dict[str, Any]:
    if answer is None:
        return {"tag": "None", "value": UNIT}
    if isinstance(answer, Err):
        return {"tag": "Err", "value": answer.kind.value}
    if isinstance(answer, Pending):
        return {"tag": "Pending", "value": bigint(answer.task)}
    value = answer.value
    if value is None:
        return {"tag": "Ok", "value": UNIT}
    return {"tag": "Ok", "value": value if isinstance(value, bool) else bigint(value)}


def _state(
    index: int,
    s: model.Subject,
    action: str,
    item: int | None,
    answer: Answer | None,
    discarded: tuple[int, ...],
) -> dict[str, Any]:
    picked = (
        {"tag": "None", "value": UNIT} if item is None else {"tag": "Some", "value": bigint(item)}
    )
    return {
        "#meta": {"index": index},
        "capacity": bigint(s.channel.capacity),
        "cap": bigint(s.queue.cap),
        "buffer": [bigint(x) for x in s.channel.buffer],
        "backlog": [bigint(x) for x in s.queue.backlog],
        "receiver": s.channel.receiver.value,
        "answer": _itf_answer(answer),
        "discarded": [bigint(x) for x in discarded],
        "mbt::actionTaken": action,
        "mbt::nondetPicks": {"item": picked},
    }


def to_itf(trace: Trace) -> dict[str, Any]:
    """The ITF object for `trace`; states follow the model, answers are the trace's results."""
    s = model.new(trace.capacity, trace.cap)
    states = [_state(0, s, "init", None, None, ())]
    for index, step in enumerate(trace.steps, 1):
        s, _, discarded = model.apply(s, step.op)
        states.append(_state(index, s, step.op.name.value, step.op.item, step.result, discarded))
    return {
        "#meta": {
            "format": "ITF",
            "format-description": FORMAT_DESCRIPTION,
            "source": "tidegate.model",
            "description": f"trace {trace.id}: new(capacity={trace.capacity}, cap={trace.cap})",
            "id": trace.id,
        },
        "vars": VARS,
        "states": states,
    }
