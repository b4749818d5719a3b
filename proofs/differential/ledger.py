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
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from tidegate.model import CLOSED, OK, Answer, Ok, Op, OpName


class Ledger:
    """The history of one run: what was accepted, received and discarded, and by what."""

    def __init__(self) -> None:
        self.accepted: list[int] = []
        self.queue_accepted: list[int] = []
        self.received: list[int] = []
        self.dropped: list[int] = []
        self.lost_to_closed_drain: list[int] = []
        self.bad_discards: list[str] = []

    def record(self, op: Op, answer: Answer, discarded: Sequence[int]) -> None:
        """Account for one operation, its answer and the items it discarded."""
        if op.item is not None and answer == OK:
            self.accepted.append(op.item)
            if op.name is OpName.ENQUEUE_OR_SEND:
                self.queue_accepted.append(op.item)
        value = answer.value if isinstance(answer, Ok) else None
        if op.name is OpName.TRY_RECV and isinstance(value, int) and not isinstance(value, bool):
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

    def problems(self, buffer: Sequence[int], backlog: Sequence[int]) -> list[str]:
        """Every way the subject's `buffer` and `backlog` break the ledger (empty: none)."""
        held = (
            list(backlog) + list(buffer) + self.received + self.dropped + self.lost_to_closed_drain
        )
        if (
            not self.bad_discards
            and sorted(held) == sorted(self.accepted)
            and len(set(self.accepted)) == len(self.accepted)
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
        for name, counter in places.items():
            for item in counter:
                if item not in accepted:
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
