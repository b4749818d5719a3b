"""Model transitions broken on purpose, and how to put one in the model's place.

Each is a mistake a reader of the seed could write into the specification; each
takes and returns what the real transition does, so every checker that runs the
model runs it unchanged. `substitute` puts one in place for the length of a test,
under every name the checkers reach it by. The packed explorer computes the
model's rules on arrays of its own (`tidegate.proofs.explore.packed`), so a broken
model transition needs its packed form too (`packed_*`) to reach it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np
import pytest

import tidegate.model
import tidegate.model.ops
from tidegate.model import CLOSED, Ok, OpName, Subject, Transition
from tidegate.model import enqueue_or_send as model_enqueue_or_send
from tidegate.model import try_drain_one as model_try_drain_one
from tidegate.proofs.explore.packed import Action, Fields, Layout, Moves, successors

_OPS = {"try_drain_one": OpName.TRY_DRAIN_ONE, "enqueue_or_send": OpName.ENQUEUE_OR_SEND}


def substitute(monkeypatch: pytest.MonkeyPatch, name: str, broken: Callable[..., Any]) -> None:
    """Put `broken` in the place of the model's transition `name` (`try_drain_one` or
    `enqueue_or_send`): for `tidegate.model.apply` (the recordings, the differential,
    conform's reference) and for the reference explorer."""
    monkeypatch.setattr(tidegate.model, name, broken)
    monkeypatch.setattr(tidegate.model.ops, name, broken)
    if _OPS[name] in tidegate.model.ops._ITEMLESS:
        monkeypatch.setitem(tidegate.model.ops._ITEMLESS, _OPS[name], broken)


def drain_newest_first(s: Subject) -> Transition:
    """try_drain_one with the drain order flipped: the backlog's back goes first."""
    if not s.queue.backlog:
        return Transition(s, Ok(False))
    flipped = replace(s, queue=replace(s.queue, backlog=s.queue.backlog[::-1]))
    t = model_try_drain_one(flipped)
    if t.answer == Ok(False):
        return Transition(s, t.answer)
    rest = t.state.queue.backlog[::-1]
    return Transition(
        replace(t.state, queue=replace(t.state.queue, backlog=rest)), t.answer, t.discarded
    )


def drain_forgets_on_closed(s: Subject) -> Transition:
    """try_drain_one that loses the front item on a closed channel without reporting it."""
    t = model_try_drain_one(s)
    return Transition(t.state, t.answer) if t.answer == CLOSED else t


def drain_never_sends(s: Subject) -> Transition:
    """try_drain_one that never moves an item: where one would fit it answers ok false
    and keeps it (no invariant breaks; the answer ok true is never given)."""
    t = model_try_drain_one(s)
    return Transition(s, Ok(False)) if t.answer == Ok(True) else t


def enqueue_refuses_on_closed(s: Subject, item: int) -> Transition:
    """enqueue_or_send that looks at the channel even behind a backlog: on a closed
    channel it answers Closed where the seed appends (the finding 'ok only while open'
    then holds, and the model is no longer the seed)."""
    if s.channel.is_closed:
        return Transition(s, CLOSED)
    return model_enqueue_or_send(s, item)


def packed_drain_forgets_on_closed(layout: Layout, f: Fields, action: Action) -> Moves:
    """The packed explorer's step (`packed.successors`) with `drain_forgets_on_closed`'s
    mistake: a Closed try_drain_one still removes the front item but reports no discard.
    Put it in place of `tidegate.proofs.explore.fast.successors`."""
    moves = successors(layout, f, action)
    if action is Action.DRAIN:
        return moves._replace(discarded=np.zeros_like(moves.discarded))
    return moves
