"""Traces in the ITF format of Apalache and Quint (ADR-015), for teams that model there.

One trace becomes one ITF object: `#meta` (format, source, the trace id and
parameters), `vars`, and `states`, where state 0 is the fresh subject and
state i is the subject after step i. Integers are `{"#bigint": "N"}`,
sequences (buffer, backlog, discarded) are JSON lists, the step is Quint's
`mbt::actionTaken` (the operation's name, `init` for state 0) with its item
in `mbt::nondetPicks` as an Option variant, and the answer is a variant:
`Ok` carrying `{"#tup": []}` (unit), a bool or a bigint; `Err` carrying the
error's name; `Pending` carrying the task id; `None` for state 0.

The tasks (v2) are state too, in every trace (empty where none ran): `waiting`
and `reserved`, the parked sends as records `{"task", "item"}` (waiting for a
slot, longest-waiting first; holding a reserved slot, in the order they got
it); `receives`, the pending `recv` tasks; `permit`, `waiters` and `picked`,
the Notify's stored permit, its waiters in line and those `notify_one` picked;
`last_task`, the last id given. A `poll` or `cancel` names its task in
`mbt::nondetPicks` as `task`, beside `item`.
"""

from __future__ import annotations

from typing import Any

from tidegate import model
from tidegate.model import Answer, Err, Op, Pending, TaskOp
from tidegate.proofs.protocol.traces import Trace

FORMAT_DESCRIPTION = "https://apalache-mc.org/docs/adr/015adr-trace.html"
VARS = [
    "capacity",
    "cap",
    "buffer",
    "backlog",
    "receiver",
    "waiting",
    "reserved",
    "receives",
    "permit",
    "waiters",
    "picked",
    "last_task",
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


def _option(n: int | None) -> dict[str, Any]:
    return {"tag": "None", "value": UNIT} if n is None else {"tag": "Some", "value": bigint(n)}


def _parked(sends: tuple[model.ParkedSend, ...]) -> list[dict[str, Any]]:
    return [{"task": bigint(p.task), "item": bigint(p.item)} for p in sends]


def _state(
    index: int,
    s: model.Subject,
    op: Op | TaskOp | None,
    answer: Answer | None,
    discarded: tuple[int, ...],
) -> dict[str, Any]:
    task = op.task if isinstance(op, TaskOp) else None
    return {
        "#meta": {"index": index},
        "capacity": bigint(s.channel.capacity),
        "cap": bigint(s.queue.cap),
        "buffer": [bigint(x) for x in s.channel.buffer],
        "backlog": [bigint(x) for x in s.queue.backlog],
        "receiver": s.channel.receiver.value,
        "waiting": _parked(s.channel.waiting),
        "reserved": _parked(s.channel.reserved),
        "receives": [bigint(t) for t in s.receives],
        "permit": s.notify.permit,
        "waiters": [bigint(t) for t in s.notify.waiters],
        "picked": [bigint(t) for t in s.notify.picked],
        "last_task": bigint(s.last_task),
        "answer": _itf_answer(answer),
        "discarded": [bigint(x) for x in discarded],
        "mbt::actionTaken": "init" if op is None else op.name.value,
        "mbt::nondetPicks": {
            "item": _option(None if op is None else op.item),
            "task": _option(task),
        },
    }


def to_itf(trace: Trace) -> dict[str, Any]:
    """The ITF object for `trace`; states follow the model, answers are the trace's results."""
    s = model.new(trace.capacity, trace.cap)
    states = [_state(0, s, None, None, ())]
    for index, step in enumerate(trace.steps, 1):
        s, _, discarded = model.apply(s, step.op)
        states.append(_state(index, s, step.op, step.result, discarded))
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
