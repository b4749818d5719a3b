"""The ghost ledger: where every accepted item is, at every moment of a run.

A subject answers operations; the ledger watches the answers and keeps the
history the subject itself forgets. An item accepted with ok (by the queue's
`enqueue_or_send` or the other producer's `try_send`) must afterwards be in
exactly one of five places:

- the backlog or the channel (looked up in the subject's state);
- received (a `try_recv` answered it);
- discarded by `drop_receiver` (from the channel's buffer);
- discarded by a `try_drain_one` that answered Closed (the backlog's front).

Nothing else may discard, nothing may appear that was not accepted, and the
queue's items must reach the receiver, channel and backlog in the order the
queue accepted them. The ledger needs distinct items to tell them apart.

A `send` task (v2) accepts its item only when it answers ok, at its start or
at a later poll. Until then the parked send holds the item, which must be in
none of the places; an item whose send answered Closed or was cancelled was
reported unsent and must never be delivered (in the channel, received).
Receives count whether `try_recv` or a `recv` task (at its start or a poll)
answered the item.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from tidegate.model import CLOSED, OK, Answer, Ok, Op, OpName, Pending, TaskOp, TaskOpName


class Ledger:
    """The history of one run: what was accepted, received and discarded, and by what."""

    def __init__(self) -> None:
        self.accepted: list[int] = []
        self.queue_accepted: list[int] = []
        self.received: list[int] = []
        self.dropped: list[int] = []
        self.lost_to_closed_drain: list[int] = []
        self.bad_discards: list[str] = []
        # Items a send task holds, by task id, and items reported unsent, with why.
        self.parked: dict[int, int] = {}
        self.unsent: dict[int, str] = {}

    def record(self, op: Op | TaskOp, answer: Answer, discarded: Sequence[int]) -> None:
        """Account for one operation, its answer and the items it discarded."""
        if isinstance(op, TaskOp):
            self._record_task(op, answer)
            if discarded:
                self.bad_discards.append(
                    f"{op} answered {answer} and discarded {list(discarded)}: a task "
                    "operation never discards"
                )
            return
        if op.item is not None and answer == OK:
            self.accepted.append(op.item)
            if op.name is OpName.ENQUEUE_OR_SEND:
                self.queue_accepted.append(op.item)
        value = answer.value if isinstance(answer, Ok) else None
        if op.name is OpName.TRY_RECV and _is_item(value):
            assert isinstance(value, int)
            self.received.append(value)
        if not discarded:
            return
        if op.name is OpName.DROP_RECEIVER:
            self.dropped.extend(discarded)
        elif op.name is OpName.TRY_DRAIN_ONE and answer == CLOSED:
            self.lost_to_closed_drain.extend(discarded)
        else:
            self.bad_discards.append(
                f"{op} answered {answer} and discarded {list(discarded)}: only drop_receiver "
                "and a try_drain_one answering Closed may discard"
            )

    def _record_task(self, op: TaskOp, answer: Answer) -> None:
        if op.name is TaskOpName.SEND:
            assert op.item is not None  # guaranteed by TaskOp
            self._settle(op.item, answer)
            if isinstance(answer, Pending):
                self.parked[answer.task] = op.item
            return
        if op.task is not None and op.task in self.parked:
            if op.name is TaskOpName.CANCEL and answer == OK:
                self.unsent[self.parked.pop(op.task)] = f"its send (task {op.task}) was cancelled"
            elif op.name is TaskOpName.POLL and not isinstance(answer, Pending):
                self._settle(self.parked.pop(op.task), answer)
            return
        value = answer.value if isinstance(answer, Ok) else None
        if op.name in (TaskOpName.RECV, TaskOpName.POLL) and _is_item(value):
            assert isinstance(value, int)
            self.received.append(value)

    def _settle(self, item: int, answer: Answer) -> None:
        """A send task's item at the send's completion: accepted (ok) or reported unsent."""
        if answer == OK:
            self.accepted.append(item)
        elif answer == CLOSED:
            self.unsent[item] = "its send answered Closed"

    def problems(self, buffer: Sequence[int], backlog: Sequence[int]) -> list[str]:
        """Every way the subject's `buffer` and `backlog` break the ledger (empty: none)."""
        held = (
            list(backlog) + list(buffer) + self.received + self.dropped + self.lost_to_closed_drain
        )
        if (
            not self.bad_discards
            and sorted(held) == sorted(self.accepted)
            and not self._order_problems(buffer, backlog)
        ):
            return []
        found = list(self.bad_discards)
        places = {
            "the backlog": Counter(backlog),
            "the channel": Counter(buffer),
            "received": Counter(self.received),
            "discarded by drop_receiver": Counter(self.dropped),
            "discarded by a Closed try_drain_one": Counter(self.lost_to_closed_drain),
        }
        accepted = Counter(self.accepted)
        for item, times in accepted.items():
            where = [name for name, c in places.items() for _ in range(c[item])]
            if len(where) != times:
                found.append(
                    f"item {item}, accepted with ok, is in {len(where)} places"
                    + (f" ({', '.join(where)})" if where else "")
                    + ": it must be in exactly one"
                )
        held_by = {item: task for task, item in self.parked.items()}
        for name, counter in places.items():
            for item in counter:
                if item in accepted:
                    continue
                if item in held_by:
                    found.append(
                        f"item {item} is in {name} while its send (task {held_by[item]}) is "
                        "still pending: a send's item goes in only when the send answers ok"
                    )
                elif item in self.unsent:
                    found.append(
                        f"item {item} is in {name}, but {self.unsent[item]}: an item is never "
                        "both delivered and reported unsent"
                    )
                else:
                    found.append(f"item {item} is in {name} but was never accepted with ok")
        if not found:
            # Order is judged only once every item is accounted for, to name one fault once.
            found.extend(self._order_problems(buffer, backlog))
        return found

    def _order_problems(self, buffer: Sequence[int], backlog: Sequence[int]) -> list[str]:
        ours = set(self.queue_accepted)
        lost = set(self.dropped) | set(self.lost_to_closed_drain)
        expected = [x for x in self.queue_accepted if x not in lost]
        actual = (
            [x for x in self.received if x in ours]
            + [x for x in buffer if x in ours]
            + list(backlog)
        )
        if actual == expected:
            return []
        return [
            f"the queue's items out of order: accepted (less those discarded) {expected}, "
            f"but received + channel + backlog hold {actual}"
        ]


def _is_item(value: object) -> bool:
    """An item answered by a receive (try_drain_one's bools and None are not items)."""
    return isinstance(value, int) and not isinstance(value, bool)
