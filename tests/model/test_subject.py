"""What each model operation does to the subject: here, what it reports as discarded."""

from __future__ import annotations

from tidegate import model


def test_drop_receiver_reports_the_buffered_items_as_discarded() -> None:
    """Mutation: kills `drop_receiver` built without its discarded items (`Transition(..., OK, )`)
    and `channel_drop_receiver` returning None for them (model/subject.py, model/channel.py)."""
    s = model.new(2, 1)
    s = model.try_send(s, 1001).state
    s = model.enqueue_or_send(s, 1).state
    assert model.drop_receiver(s).discarded == (1001, 1)


def test_a_closed_drain_reports_the_front_item_as_discarded() -> None:
    """Mutation: kills `try_drain_one` answering Closed without its discarded front item
    (`Transition(..., CLOSED, )`, model/subject.py)."""
    s = model.new(1, 2)
    for item in (1, 2, 3):
        s = model.enqueue_or_send(s, item).state
    s = model.close(s).state
    drained = model.try_drain_one(s)
    assert (drained.answer, drained.discarded, drained.state.queue.backlog) == (
        model.CLOSED,
        (2,),
        (3,),
    )
