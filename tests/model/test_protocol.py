"""The protocol model's fault steps, on the model alone: when each can be taken, what it does."""

from __future__ import annotations

import pytest

from tidegate.model import ModelValueError
from tidegate.model.channel import ReceiverState
from tidegate.model.protocol import (
    CLOSE,
    FAULTS,
    RAISE,
    STOP,
    ConsumerPos,
    ProducerPos,
    ProtocolState,
    runnable,
    start,
    step,
)


def run(s: ProtocolState, *roles: str) -> ProtocolState:
    for role in roles:
        assert role in runnable(s), (role, runnable(s))
        s = step(s, role)
    return s


def test_start_takes_only_distinct_fault_steps() -> None:
    assert start(1, 1, (1,), faults=(CLOSE, RAISE)).faults == (RAISE, CLOSE)  # FAULTS order
    with pytest.raises(ModelValueError, match=r"faults must be distinct fault steps of"):
        start(1, 1, (1,), faults=("Q",))
    with pytest.raises(ModelValueError, match=r"got \('S', 'S'\)"):
        start(1, 1, (1,), faults=(STOP, STOP))


def test_a_fault_step_is_the_consumers_and_is_taken_once() -> None:
    s = start(1, 1, (1, 2), faults=FAULTS)
    assert runnable(s) == ("W", "R", "C", STOP, CLOSE)  # nothing to process yet: no E
    s = run(s, "W", "R", "R", "C")  # item 1 received and in processing
    assert s.consumer.processing and runnable(s)[-3:] == FAULTS
    s = run(s, RAISE)  # item 1's processing fails; the consumer goes on (and parks: empty)
    assert s.consumer.failed == (1,) and s.consumer.delivered == (1,)
    assert s.consumer.pos is ConsumerPos.PARKED and s.faults == (STOP, CLOSE)
    assert step(s, RAISE) == s  # not runnable: the state is unchanged


def test_stop_drops_the_receiver_discarding_the_buffer_and_fails_parked_producers() -> None:
    s = start(1, 1, (), producers=((101, 102, 103),), faults=(STOP,))
    s = run(s, "P1", "P1", "C", "P1", "P1")  # 101 received, 102 took its slot, 103 parks
    assert s.consumer.processing and s.producers[0].pos is ProducerPos.PARKED
    s = run(s, STOP)
    assert s.consumer.pos is ConsumerPos.STOPPED and s.consumer.discarded == (102,)
    assert s.subject.channel.receiver is ReceiverState.DROPPED
    # Still parked, and runnable: its send fails at its next step.
    assert s.producers[0].pos is ProducerPos.PARKED and "P1" in runnable(s)


def test_close_keeps_the_buffer_receivable_and_ends_the_stream_once_empty() -> None:
    s = start(2, 1, (), producers=((101, 102, 103),), faults=(CLOSE,))
    s = run(s, "P1", "P1", "P1")  # 101 and 102 buffered; 103 parks
    assert s.producers[0].pos is ProducerPos.PARKED
    s = run(s, CLOSE)  # closes, then receives 101 (the parked send now fails)
    assert s.subject.channel.receiver is ReceiverState.CLOSED
    assert s.consumer.delivered == (101,) and s.producers[0].pos is ProducerPos.PARKED
    assert "P1" in runnable(s)  # its send fails at its next step
    s = run(s, "C", "C", "P1")
    assert s.consumer.delivered == (101, 102) and s.consumer.pos is ConsumerPos.END_OF_STREAM
    assert s.producers[0].refused == (103,)
