"""Task transitions (v2) of the model broken on purpose, and how to put one in its place.

Each is a mistake a port of tokio's asynchronous half plausibly makes; each takes and
returns what the real transition does. `substitute_task` puts one in place for the length
of a test, under every name the reference explorer and `tidegate.model.apply` reach it by.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

import tidegate.model
import tidegate.model.ops
import tidegate.model.tasks
from tidegate.model import OK, ChannelState, OpName, Subject, TaskOpName, Transition
from tidegate.model import cancel as model_cancel
from tidegate.model import notify_one as model_notify_one
from tidegate.model import try_recv as model_try_recv


def substitute_task(monkeypatch: pytest.MonkeyPatch, name: str, broken: Callable[..., Any]) -> None:
    """Put `broken` in the place of the model's `cancel`, `notify_one` or `try_recv`."""
    monkeypatch.setattr(tidegate.model, name, broken)
    if name == "try_recv":
        monkeypatch.setattr(tidegate.model.ops, name, broken)
        monkeypatch.setitem(tidegate.model.ops._ITEMLESS, OpName.TRY_RECV, broken)
        return
    monkeypatch.setattr(tidegate.model.tasks, name, broken)
    if name == "notify_one":
        monkeypatch.setitem(tidegate.model.ops._TASK_ARGLESS, TaskOpName.NOTIFY_ONE, broken)


def cancel_sends_reserved(s: Subject, task: int) -> Transition:
    """cancel that, for a send holding a reserved slot, leaves its item in the buffer:
    tidegate's channel before slot reservation wrote the item in at the receive, so the
    cancelled send was both delivered and reported unsent (issue 10)."""
    ch = s.channel
    for p in ch.reserved:
        if p.task == task:
            reserved = tuple(r for r in ch.reserved if r.task != task)
            channel = ChannelState(
                ch.capacity, ch.buffer + (p.item,), ch.receiver, ch.waiting, reserved
            )
            return Transition(s.with_channel(channel), OK)
    return model_cancel(s, task)


def recv_reserves_for_newest(s: Subject) -> Transition:
    """try_recv that hands the slot it frees to the newest parked send (a stack of
    waiters where tokio keeps a queue)."""
    t = model_try_recv(s)
    ch = t.state.channel
    if len(ch.reserved) == len(s.channel.reserved) or not ch.waiting:
        return t
    line = ch.reserved[-1:] + ch.waiting
    channel = replace(ch, waiting=line[:-1], reserved=ch.reserved[:-1] + line[-1:])
    return Transition(t.state.with_channel(channel), t.answer, t.discarded)


def notify_one_forgets_waiters(s: Subject) -> Transition:
    """notify_one that stores a permit only when nobody waits and otherwise does nothing:
    a waiting task is never woken (a lost notification)."""
    if s.notify.waiters:
        return Transition(s, OK)
    return model_notify_one(s)
