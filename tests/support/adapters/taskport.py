"""A stand-alone port of the asynchronous half (v2 tasks), as another team would write it.

It imports nothing from tidegate: the v1 port of `port.py` (its queue, its
ring-buffer channel with a permit count, its request parsing), a channel that
parks sends in a list and reserves freed slots for them, a Notify with one
permit, and hand-polled tasks numbered as PROTOCOL.md numbers them. Run with
no argument it conforms on v1 and v2; `--bug NAME` plants one mistake of the
asynchronous half that a port plausibly makes (see BUGS).
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script: the repository root makes the v1 port importable by its package name.
sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
from tests.support.adapters.port import Channel, Queue, serve
from tests.support.adapters.port import answer as v1_answer

BUGS = {
    "write-at-handover": "a freed slot is filled with the parked send's item at once "
    "(tidegate's own old bug: a send cancelled after the handover still delivers)",
    "lifo-parked": "a freed slot goes to the send that parked last",
    "cancel-reserved-loses-slot": "cancelling a send that holds a reserved slot frees nothing",
    "close-keeps-reserved": "close does not fail a send that holds a reserved slot",
    "recv-none-while-reserved": "recv on a closed, empty channel answers None while a slot "
    "is reserved",
    "capacity-counts-reserved": "capacity counts a reserved slot as free",
    "notify-counts-permits": "the Notify stores one permit per notify_one",
    "notify-one-stores-with-waiters": "notify_one with waiters also stores a permit",
    "cancel-picked-loses": "a cancelled picked waiter's notification is lost",
}

OK: dict[str, object] = {"ok": None}
CLOSED: dict[str, object] = {"err": "Closed"}


class TaskChannel(Channel):
    """The v1 channel with parked sends: `waiting` in the order they parked, `reserved`
    those a freed slot went to (taken from the permits, holding no item yet)."""

    def __init__(self, capacity: int, bug: str) -> None:
        super().__init__(capacity, bug)
        self.waiting: list[tuple[int, int]] = []
        self.reserved: dict[int, int] = {}

    def release(self) -> None:
        """One slot freed: reserved for the longest-waiting send while open, else free."""
        if self.state != "open" or not self.waiting:
            self.permits += 1
            return
        task, item = self.waiting.pop(-1 if self.bug == "lifo-parked" else 0)
        if self.bug == "write-at-handover":
            self.permits += 1
            self.try_send(item)
            self.reserved[task] = item
            return
        self.reserved[task] = item

    def try_recv(self) -> tuple[str, int | str]:
        before = self.permits
        kind, value = super().try_recv()
        if kind == "ok" and self.permits > before:
            self.permits = before
            self.release()
        return kind, value

    def send(self, task: int, item: int) -> dict[str, object]:
        if self.state != "open":
            return CLOSED
        if self.permits > 0:
            self.try_send(item)
            return OK
        self.waiting.append((task, item))
        return {"pending": task}

    def poll_send(self, task: int) -> dict[str, object]:
        if task in self.reserved:
            item = self.reserved.pop(task)
            kept = self.bug == "close-keeps-reserved" and self.state == "closed"
            if self.state != "open" and not kept:
                self.permits += 1
                return CLOSED
            if self.bug != "write-at-handover":  # that bug wrote the item already
                self.permits += 1
                self._push(item)
            return OK
        if self.state != "open":
            self.waiting = [(t, i) for t, i in self.waiting if t != task]
            return CLOSED
        return {"pending": task}

    def _push(self, item: int) -> None:
        """Buffer `item` in a free slot, even on a closed channel (which try_send refuses)."""
        state, self.state = self.state, "open"
        self.try_send(item)
        self.state = state

    def cancel_send(self, task: int) -> None:
        if task in self.reserved:
            del self.reserved[task]
            if self.bug == "write-at-handover":
                return  # the item went in already: the slot is the item's
            if self.bug != "cancel-reserved-loses-slot":
                self.release()
            return
        self.waiting = [(t, i) for t, i in self.waiting if t != task]

    def poll_recv(self, task: int) -> dict[str, object]:
        if self.state == "dropped":
            return OK
        if self.count:
            kind, value = self.try_recv()
            return {kind: value}
        reserved = self.reserved and self.bug != "recv-none-while-reserved"
        if self.state == "closed" and not reserved:
            return OK
        return {"pending": task}

    def free(self) -> int:
        reserved = len(self.reserved) if self.bug == "capacity-counts-reserved" else 0
        return self.permits + reserved


class Notify:
    """One permit (a count, with a bug), waiters in order, picked waiters."""

    def __init__(self, bug: str) -> None:
        self.bug = bug
        self.permits = 0
        self.waiters: list[int] = []
        self.picked: list[int] = []

    def notified(self, task: int) -> dict[str, object]:
        if self.permits:
            self.permits -= 1
            return OK
        self.waiters.append(task)
        return {"pending": task}

    def notify_one(self) -> None:
        if self.waiters:
            self.picked.append(self.waiters.pop(0))
            if self.bug != "notify-one-stores-with-waiters":
                return
        self.permits = self.permits + 1 if self.bug == "notify-counts-permits" else 1

    def poll(self, task: int) -> dict[str, object]:
        if task in self.picked:
            self.picked.remove(task)
            return OK
        return {"pending": task}

    def cancel(self, task: int) -> None:
        if task in self.waiters:
            self.waiters.remove(task)
        elif task in self.picked:
            self.picked.remove(task)
            if self.bug != "cancel-picked-loses":
                self.notify_one()


class Subject:
    """The queue, its channel, the Notify, and the pending tasks by id."""

    def __init__(self, capacity: int, cap: int, bug: str) -> None:
        self.channel = TaskChannel(capacity, bug)
        self.queue = Queue(self.channel, cap, bug)
        self.notify = Notify(bug)
        self.tasks: dict[int, str] = {}
        self.last = 0

    def start(self, kind: str, request: dict[str, object]) -> dict[str, object]:
        task = self.last + 1
        if kind == "send":
            item = request["item"]
            assert isinstance(item, int)
            reply = self.channel.send(task, item)
        elif kind == "recv":
            reply = self.channel.poll_recv(task)
        else:
            reply = self.notify.notified(task)
        if "pending" in reply:
            self.tasks[task], self.last = kind, task
        return reply

    def poll(self, task: int) -> dict[str, object]:
        kind = self.tasks.get(task)
        if kind is None:
            return {"err": "NoTask"}
        if kind == "send":
            reply = self.channel.poll_send(task)
        elif kind == "recv":
            reply = self.channel.poll_recv(task)
        else:
            reply = self.notify.poll(task)
        if "pending" not in reply:
            del self.tasks[task]
        return reply

    def cancel(self, task: int) -> dict[str, object]:
        kind = self.tasks.pop(task, None)
        if kind == "send":
            self.channel.cancel_send(task)
        elif kind == "notified":
            self.notify.cancel(task)
        return OK if kind is not None else {"err": "NoTask"}


I64 = 2**63
TASK_FIELDS = {"send": "item", "poll": "task", "cancel": "task"}


def answer(request: object, state: dict[str, Subject], bug: str) -> dict[str, object]:
    if not isinstance(request, dict) or request.get("op") not in (
        "send",
        "recv",
        "notified",
        "notify_one",
        "poll",
        "cancel",
        "new",
        "capacity",
    ):
        subject = state.get("subject")
        return v1_answer(request, {"queue": subject.queue} if subject else {}, bug)
    op = request["op"]
    field = TASK_FIELDS.get(op)
    value = request.get(field) if field else 0
    if isinstance(value, bool) or not isinstance(value, int) or not -I64 <= value < I64:
        return {"err": "BadRequest"}
    if op == "new":
        reply = v1_answer(request, {}, bug)
        if reply == OK:
            state["subject"] = Subject(request["capacity"], request["cap"], bug)
        return reply
    subject = state.get("subject")
    if subject is None:
        return {"err": "NoSubject"}
    if op == "capacity":
        return {"ok": subject.channel.free()}
    if op == "notify_one":
        subject.notify.notify_one()
        return OK
    if op == "poll":
        return subject.poll(value)
    if op == "cancel":
        return subject.cancel(value)
    return subject.start(op, request)


def main() -> None:
    serve(answer, BUGS)


if __name__ == "__main__":
    main()
