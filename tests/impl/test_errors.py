"""The implementation's errors: bad parameters refused naming the parameter, the value and
the rule; every error hands back the item it failed to deliver."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.aio import pair
from tests.support.bad_values import BAD_CAPACITIES, BAD_CAPS
from tidegate import impl
from tidegate.impl import BackpressureQueue, ChannelClosed, ChannelFull, Closed, QueueFull
from tidegate.impl.channel import channel
from tidegate.impl.errors import ParameterError, ParameterTypeError


@pytest.mark.parametrize(("value", "kind", "words"), BAD_CAPACITIES)
def test_impl_channel_refuses_bad_capacity(value: Any, kind: type[Exception], words: str) -> None:
    with pytest.raises(kind, match="capacity") as info:
        channel(value)
    assert words in str(info.value)


@pytest.mark.parametrize(("value", "kind", "words"), BAD_CAPS)
def test_impl_queue_refuses_bad_cap(value: Any, kind: type[Exception], words: str) -> None:
    with pytest.raises(kind, match="cap") as info:
        impl.BackpressureQueue(value)
    assert words in str(info.value)


def test_impl_errors_are_value_and_type_error_subclasses() -> None:
    assert issubclass(ParameterError, ValueError)
    assert issubclass(ParameterTypeError, TypeError)


def test_queue_errors_carry_the_refused_or_discarded_item() -> None:
    """Mutation: kills `BackpressureError.__init__` passing None to `super().__init__`
    (impl/errors.py) and the queue raising `Closed(None)` from `enqueue_or_send` or
    `try_drain_one` (impl/queue.py)."""
    tx, rx = pair(1)
    q: BackpressureQueue[int] = BackpressureQueue(1)
    q.enqueue_or_send(tx, 1)
    q.enqueue_or_send(tx, 2)  # spilled
    with pytest.raises(QueueFull) as full:
        q.enqueue_or_send(tx, 3)
    assert (full.value.item, full.value.args) == (3, (3,))
    rx.close()
    with pytest.raises(Closed) as drained:
        q.try_drain_one(tx)
    assert drained.value.item == 2
    with pytest.raises(Closed) as refused:
        q.enqueue_or_send(tx, 4)
    assert refused.value.item == 4


def test_channel_errors_carry_the_item_as_their_argument() -> None:
    """Mutation: kills `TrySendError.__init__` passing None to `super().__init__`
    (impl/errors.py) and `try_send` raising `ChannelFull(None)` (impl/channel.py)."""
    tx, rx = pair(1)
    tx.try_send(1)
    with pytest.raises(ChannelFull) as full:
        tx.try_send(2)
    assert (full.value.item, full.value.args, str(full.value)) == (2, (2,), "2")
    rx.close()
    with pytest.raises(ChannelClosed) as closed:
        tx.try_send(3)
    assert closed.value.args == (3,)
