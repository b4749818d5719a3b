"""The protocol model's fault steps and cancellations, on the model alone: when each can be
taken, what it does."""

from __future__ import annotations

import pytest

from tidegate.model import ModelValueError
from tidegate.model.channel import ReceiverState
from tidegate.model.protocol import (
    CANCEL,
    CLOSE,
    FAULTS,
    RAISE,
    STOP,
    ConsumerPos,
    ProducerPos,
    ProtocolState,
    ReaderEnd,
    Wait,
    finished,
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
    s = start(1, 1, (1, 2), faults=(RAISE, STOP, CLOSE))
    assert runnable(s) == ("W", "R", "C", STOP, CLOSE)  # nothing to process yet: no E
    s = run(s, "W", "R", "R", "C")  # item 1 received and in processing
    assert s.consumer.processing and runnable(s)[-3:] == (RAISE, STOP, CLOSE)
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


def test_a_task_can_be_cancelled_once_it_stands_at_an_await_and_once_a_run() -> None:
    s = start(1, 1, (1, 2), producers=((101,),), faults=FAULTS)
    assert runnable(s) == ("W", "R", "C", "P1", STOP, CLOSE)  # nobody has started
    s = run(s, "R", "P1")  # the reader waits; P1 sent 101 and yields
    assert runnable(s)[-2:] == ("KR", "KP1")
    s = run(s, "C")  # the consumer received 101 and processes it
    assert runnable(s)[-3:] == ("KR", "KC", "KP1") and s.faults == FAULTS
    s = run(s, "KP1")  # cancelled after its last send: nothing of it is lost
    assert s.producers[0].pos is ProducerPos.CANCELLED and s.producers[0].refused == ()
    assert s.faults == (RAISE, STOP, CLOSE) and not any(r.startswith(CANCEL) for r in runnable(s))


def test_a_cancelled_parked_send_never_delivers_and_hands_its_slot_on() -> None:
    # Capacity 1: P1 buffers 101; P2 parks 201, then P1 parks 102; the consumer's receive
    # reserves the freed slot for P2 (the longest parked). Cancelled, P2 sends nothing, and
    # the slot passes to P1.
    s = start(1, 1, (), producers=((101, 102), (201,)), faults=(CANCEL,))
    s = run(s, "P1", "P2", "P1", "C")
    assert [p.pos for p in s.producers] == [ProducerPos.PARKED] * 2
    assert "P2" in runnable(s) and "P1" not in runnable(s)
    s = run(s, "KP2")
    p2 = s.producers[1]
    assert p2.pos is ProducerPos.CANCELLED and p2.sent == () and p2.refused == (201,)
    assert "P1" in runnable(s) and s.senders == 2  # the reader's and P1's
    s = run(s, "P1", "C")
    assert s.consumer.delivered == (101, 102)


def test_a_cancelled_reader_reports_what_it_read_and_did_not_handle() -> None:
    s = start(1, 1, (1, 2), faults=(CANCEL,))
    s = run(s, "W", "R")  # item 1 read: in the reader's inbox, not handled
    assert s.reader.inbox == (1,) and s.reader.ping is Wait.WAITING
    s = run(s, "KR")
    r = s.reader
    assert r.end is ReaderEnd.CANCELLED and r.unhandled == (1,) and r.accepted == ()
    assert not s.subject.notify.waiters and s.senders == 0  # its wait gone, its sender too
    s = run(s, "C", "W", "W")
    assert s.consumer.pos is ConsumerPos.END_OF_STREAM and finished(s)


def test_a_cancelled_consumer_drops_its_receiver_and_loses_nothing_silently() -> None:
    s = start(2, 1, (), producers=((101, 102, 103),), faults=(CANCEL,))
    s = run(s, "P1", "C", "P1", "P1", "P1")  # 101 received; 102, 103 buffered; P1 done
    s = run(s, "KC")
    c = s.consumer
    assert c.pos is ConsumerPos.CANCELLED and c.delivered == (101,) and c.discarded == (102, 103)
    assert s.subject.channel.receiver is ReceiverState.DROPPED
