"""The model's Notify: each transition's whole resulting state, the permit a real bool."""

from __future__ import annotations

from tidegate.model import OK, Pending
from tidegate.model.notify import NotifyState, cancel_notified, notified, notify_one


def test_a_notified_started_takes_the_permit_or_joins_the_line() -> None:
    """Mutation: kills `notify.notified` leaving the permit None instead of False, with a
    permit taken and with the task left waiting (model/notify.py)."""
    assert notified(NotifyState(True, (), (1,)), 2) == (NotifyState(False, (), (1,)), OK)
    assert notified(NotifyState(False, (1,)), 2) == (NotifyState(False, (1, 2)), Pending(2))


def test_notify_one_picks_the_longest_waiting_task_and_stores_no_permit() -> None:
    """Mutation: kills `notify.notify_one` giving the permit as None when it picks a waiter
    (model/notify.py)."""
    after = notify_one(NotifyState(False, (1, 2), (3,)))
    assert after == NotifyState(False, (2,), (3, 1)) and after.permit is False


def test_cancelling_a_notified_task_leaves_the_permit_false_while_tasks_wait() -> None:
    """Mutation: kills `notify.cancel_notified` giving the permit as None, for a task still in
    the line and for a picked task whose notification passes to a waiter (model/notify.py)."""
    assert cancel_notified(NotifyState(False, (1, 2)), 1) == NotifyState(False, (2,))
    passed_on = cancel_notified(NotifyState(False, (2,), (1,)), 1)
    assert passed_on == NotifyState(False, (), (2,)) and passed_on.permit is False
    assert cancel_notified(NotifyState(False, (), (1,)), 1) == NotifyState(True)
