"""A stand-alone port of the backpressure queue and its channel, as another team would write it.

It imports nothing from tidegate: a ring-buffer channel with a permit count, a
list backlog, and a PROTOCOL.md adapter loop. Run with no argument it
conforms; `--bug NAME` plants one mistake a port plausibly makes (see BUGS).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable
from typing import Any

BUGS = {
    # in the queue
    "drain-reorders": "try_drain_one takes the newest backlog item instead of the oldest",
    "send-past-backlog": "enqueue_or_send tries the channel even while the backlog is non-empty",
    "queuefull-off-by-one": "QueueFull only when len > cap instead of len >= cap",
    "cap0-unbounded": "cap 0 is taken to mean 'no limit'",
    "drain-keeps-on-closed": "try_drain_one puts the item back when the channel is closed",
    # in the channel
    "full-before-closed": "try_send checks fullness before closure",
    "capacity-after-drop": "dropping the receiver does not give the slots back",
    "disconnected-after-close": "try_recv on a closed, empty channel answers Disconnected",
    "slot-not-freed": "try_recv does not return the slot it took",
    # only beyond the recordings' ranges
    "items-32bit": "items are stored as 32-bit integers",
    "capacity-over-32": "the channel's slot bitmap has 32 bits",
    "cap-over-16": "the backlog is a fixed array of 16",
    # only past 2^8, 2^16, 2^32: integers too narrow (the deep runs find them)
    "ring-index-u8": "the ring buffer's head and tail are 8-bit counters",
    "backlog-len-u8": "the backlog's length is kept in an 8-bit counter",
    "ring-index-u16": "the ring buffer's head and tail are 16-bit counters",
    "capacity-u16": "the channel's capacity is kept in 16 bits",
    "cap-u32": "the backlog's cap is kept in 32 bits",
    "items-double": "items are read through a double, as JavaScript's JSON.parse does",
    # the adapter fails mid-run (conform shrinks these too, and exits 4)
    "backlog-array-16": "the backlog is a fixed array of 16 that raises when it overflows",
    "stdout-debug": "a debug line goes to standard output when a drain meets a closed channel",
    "answers-blank-lines": "a blank line is answered BadRequest instead of skipped",
    # in the adapter's request parsing (only --check-protocol sees it)
    "bools-as-ints": "true and false are accepted as integers, as isinstance(x, int) does",
    "unsupported-non-objects": "a non-object, or no string op, is answered Unsupported "
    "(the seed oracle before PROTOCOL.md v2)",
}

I64 = 2**63


class Channel:
    """A bounded MPSC channel: a ring buffer of `capacity` slots and a permit count."""

    def __init__(self, capacity: int, bug: str) -> None:
        self.bug = bug
        self.capacity = min(capacity, 32) if bug == "capacity-over-32" else capacity
        if bug == "capacity-u16":
            self.capacity = capacity % 2**16
        # Slots are made as they are first written: a capacity of 2^61 - 1 is allowed.
        self.slots: dict[int, int] = {}
        self.head = self.tail = self.count = 0
        self.permits = self.capacity
        self.state = "open"
        self.wrap = {"ring-index-u8": 2**8, "ring-index-u16": 2**16}.get(bug, 2**64)

    def try_send(self, item: int) -> str | None:
        if self.bug == "full-before-closed" and self.permits == 0:
            return "Full"
        if self.state != "open":
            return "Closed"
        if self.permits == 0:
            return "Full"
        if self.bug == "items-32bit":
            item = (item + 2**31) % 2**32 - 2**31
        self.permits -= 1
        self.slots[self.tail % self.capacity] = item
        self.tail = (self.tail + 1) % self.wrap
        self.count += 1
        return None

    def try_recv(self) -> tuple[str, int | str]:
        if self.state == "dropped":
            return "err", "Disconnected"
        if self.count == 0:
            closed = self.state == "closed" and self.bug == "disconnected-after-close"
            return "err", "Disconnected" if closed else "Empty"
        item = self.slots.get(self.head % self.capacity, 0)
        self.head = (self.head + 1) % self.wrap
        self.count -= 1
        if self.bug != "slot-not-freed":
            self.permits += 1
        return "ok", item

    def close(self) -> None:
        if self.state == "open":
            self.state = "closed"

    def drop(self) -> None:
        self.state = "dropped"
        if self.bug != "capacity-after-drop":
            self.permits += self.count
        self.count = 0


class Queue:
    """The reader-side backpressure queue over one channel."""

    def __init__(self, channel: Channel, cap: int, bug: str) -> None:
        self.channel, self.bug = channel, bug
        self.backlog: list[int] = []
        self.cap = min(cap, 16) if bug == "cap-over-16" else cap
        if bug == "cap-u32":
            self.cap = cap % 2**32

    def __len__(self) -> int:
        return len(self.backlog) % 2**8 if self.bug == "backlog-len-u8" else len(self.backlog)

    def at_cap(self) -> bool:
        if self.bug == "cap0-unbounded" and self.cap == 0:
            return False
        if self.bug == "queuefull-off-by-one":
            return len(self) > self.cap
        return len(self) >= self.cap

    def enqueue_or_send(self, item: int) -> str | None:
        if self.backlog and self.bug != "send-past-backlog":
            if self.at_cap():
                return "QueueFull"
            self.append(item)
            return None
        error = self.channel.try_send(item)
        if error == "Full":
            if self.at_cap():
                return "QueueFull"
            self.append(item)
            return None
        return error

    def append(self, item: int) -> None:
        if self.bug == "backlog-array-16" and len(self.backlog) == 16:
            raise IndexError("index 16 out of bounds for the backlog array of length 16")
        self.backlog.append(item)

    def try_drain_one(self) -> tuple[str, bool | str]:
        if not self.backlog:
            return "ok", False
        front = self.backlog.pop() if self.bug == "drain-reorders" else self.backlog.pop(0)
        error = self.channel.try_send(front)
        if error is None:
            return "ok", True
        if error == "Closed" and self.bug == "stdout-debug":
            print(f"debug: drained {front} into a closed channel")
        if error == "Full" or self.bug == "drain-keeps-on-closed":
            self.backlog.insert(0, front)
            return ("ok", False) if error == "Full" else ("err", "Closed")
        return "err", "Closed"


BOOLS_AS_INTS = "--bug" in sys.argv and "bools-as-ints" in sys.argv
FIELDS = {
    "new": (("capacity", 1, 2**61 - 1), ("cap", 0, 2**64 - 1)),
    "enqueue_or_send": (("item", -I64, I64 - 1),),
    "try_send": (("item", -I64, I64 - 1),),
    **{op: () for op in ("try_drain_one", "has_pending", "len", "try_recv", "close")},
    **{op: () for op in ("drop_receiver", "capacity")},
}


def is_int(value: object, low: int, high: int) -> bool:
    if isinstance(value, bool) and not BOOLS_AS_INTS:
        return False
    return isinstance(value, int) and low <= value <= high


def finite(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"no double holds {text}")
    return value


def integer(text: str) -> int | float:
    # -0 is a float (as the reference adapter reads it), and no double holds 400 digits.
    if text == "-0":
        return -0.0
    finite(text)
    return int(text)


def not_json(text: str) -> None:
    raise ValueError(f"{text} is not JSON")


def depth(value: object) -> int:
    children = (
        value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    )
    return 1 + max(map(depth, children), default=0) if isinstance(value, (dict, list)) else 0


def parse(line: str) -> object:
    """The request on `line`; raises ValueError where PROTOCOL.md says BadRequest."""
    request = json.loads(line, parse_int=integer, parse_float=finite, parse_constant=not_json)
    if "\\u" in line:
        json.dumps(request, ensure_ascii=False).encode()  # lone surrogate escapes fail here
    if line.count("[") + line.count("{") >= 128 and depth(request) >= 128:
        raise ValueError("nested 128 levels deep")
    return request


def answer(request: object, state: dict[str, Queue], bug: str) -> dict[str, object]:
    if not isinstance(request, dict) or not isinstance(request.get("op"), str):
        return {"err": "Unsupported" if bug == "unsupported-non-objects" else "BadRequest"}
    op = request["op"]
    if any(not is_int(request.get(name), low, high) for name, low, high in FIELDS.get(op, ())):
        return {"err": "BadRequest"}
    if op == "new":
        capacity, cap = request["capacity"], request["cap"]
        state["queue"] = Queue(Channel(capacity, bug), cap, bug)
        return {"ok": None}
    if "queue" not in state:
        return {"err": "NoSubject"}
    queue = state["queue"]
    channel = queue.channel
    if op in ("enqueue_or_send", "try_send"):
        item = request["item"]
        if bug == "items-double":
            item = int(float(item))
        sender = queue.enqueue_or_send if op == "enqueue_or_send" else channel.try_send
        error = sender(item)
        return {"ok": None} if error is None else {"err": error}
    if op == "try_drain_one":
        drained = queue.try_drain_one()
        return {drained[0]: drained[1]}
    if op == "try_recv":
        received = channel.try_recv()
        return {received[0]: received[1]}
    if op == "close":
        channel.close()
        return {"ok": None}
    if op == "drop_receiver":
        channel.drop()
        return {"ok": None}
    if op == "has_pending":
        return {"ok": bool(queue.backlog)}
    if op == "len":
        return {"ok": len(queue)}
    if op == "capacity":
        return {"ok": channel.permits}
    return {"err": "Unsupported"}


def serve(
    answer: Callable[[object, dict[str, Any], str], dict[str, object]], bugs: Iterable[str]
) -> None:
    """The stdin loop of a port: `--bug NAME` (one of `bugs`) from the command line, one
    answer line per non-blank request line, flushed at once; `answer(request, state, bug)`
    gives the answer, `state` holding the subject between requests."""
    bug = sys.argv[2] if len(sys.argv) > 2 and sys.argv[1] == "--bug" else ""
    if bug and bug not in bugs:
        sys.exit(f"unknown bug {bug!r}; known: {', '.join(bugs)}")
    state: dict[str, Any] = {}
    for raw in sys.stdin.buffer:
        if not raw.strip(b" \t\r\n") and bug != "answers-blank-lines":
            continue  # a blank line gets no answer
        try:
            request = parse(raw.decode("utf-8"))
        except (ValueError, RecursionError):
            reply: dict[str, object] = {"err": "BadRequest"}
        else:
            reply = answer(request, state, bug)
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


def main() -> None:
    serve(answer, BUGS)


if __name__ == "__main__":
    main()
