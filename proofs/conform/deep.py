"""Deep runs: the long runs and boundary sizes where a port's integers wrap around.

The classic porting bug is an integer too narrow for what it counts: a ring
buffer's 8-bit index, a 16-bit length, a capacity kept in 32 bits. It shows
only once the count crosses 2^8, 2^16 or 2^32, far beyond the recordings
(capacity 1-5, cap 0-8, 40 steps) and the random runs (capacity and cap up to
72, 500 steps). `deep_cases(seed)` gives the runs that cross those lines,
cheapest first:

- `bounds`: capacities and caps just past 2^16, 2^31, 2^32 and 2^53, and the
  largest the protocol allows (2^61 - 1, 2^64 - 1), each observed and used
  for a few sends (a capacity kept in 16 bits reports 3 free slots of 65,539);
- `fill 300`: a channel of 300 slots and a backlog of cap 300 filled to the
  brim and emptied again (counts of slots, items and backlog past 2^8);
- `random 2^8`: two long random runs at sizes around 2^8;
- `stream 2^8`, `stream 2^16`: items streamed through a full channel of 3
  slots and a backlog holding 2, each item passing through both, until more
  than 2^8 (2^16) items went through: every ring index and every counter of
  items passes 2^8 (2^16) with several items in flight, where a ring whose
  index wraps at a power of two that is no multiple of the capacity puts
  items in the wrong slots.

Counts past 2^16 *held at once* (a backlog of 65,536 items) are left out: the
model is a spec of immutable tuples, and copying one that long at every step
would take minutes.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from tidegate.model import Op, OpName
from tidegate.proofs.conform.cases import Case
from tidegate.proofs.conform.generate import Items, random_run

E, D, T, R = OpName.ENQUEUE_OR_SEND, OpName.TRY_DRAIN_ONE, OpName.TRY_SEND, OpName.TRY_RECV
LEN, CAPACITY, PENDING = OpName.LEN, OpName.CAPACITY, OpName.HAS_PENDING

WIDE_CAPACITIES = (2**16 + 3, 2**31 + 3, 2**32 + 3, 2**53 + 1, 2**61 - 1)
WIDE_CAPS = (2**16 + 5, 2**31 + 5, 2**32 + 5, 2**53 + 1, 2**63 + 5, 2**64 - 1)


class _Ops:
    """A growing list of operations, with fresh distinct items for the sending ones."""

    def __init__(self, rng: random.Random, wide: bool = True) -> None:
        self.items = Items(rng, wide)
        self.ops: list[Op] = []

    def add(self, *names: OpName) -> None:
        for name in names:
            self.ops.append(Op(name, self.items.next() if name.takes_item else None))

    def observe(self) -> None:
        self.add(LEN, CAPACITY, PENDING)


def wide_capacity(capacity: int, rng: random.Random) -> Case:
    """A channel too large to fill, its free slots observed as items come and go."""
    run = _Ops(rng)
    run.add(CAPACITY, T, E, CAPACITY, LEN, R, R, R, CAPACITY, E, T, CAPACITY)
    run.add(OpName.CLOSE, CAPACITY, T, R, R, OpName.DROP_RECEIVER, CAPACITY, E)
    return Case(capacity, 2, tuple(run.ops))


def wide_cap(cap: int, rng: random.Random) -> Case:
    """A backlog too large to fill, given a few items behind a one-slot channel."""
    run = _Ops(rng)
    run.add(T, *[E] * 6)
    run.observe()
    run.add(D, R, D, R)
    run.observe()
    for _ in range(6):
        run.add(R, D)
    run.observe()
    return Case(1, cap, tuple(run.ops))


def fill_and_empty(capacity: int, cap: int, rng: random.Random) -> Case:
    """The channel filled by the other producer and the backlog to cap, then both emptied."""
    run = _Ops(rng)
    run.add(*[T] * (capacity + 1), CAPACITY)
    run.add(*[E] * (cap + 1))
    run.observe()
    for n in range(cap):
        run.add(R, D)
        if n % 32 == 31:
            run.observe()
    run.add(*[R] * (capacity + 1))
    run.observe()
    return Case(capacity, cap, tuple(run.ops))


def stream(items: int, rng: random.Random, capacity: int = 3) -> Case:
    """More than `items` items through a full channel and a backlog of two, one at a time.

    Each round takes one item out of the channel, moves the backlog's front
    into the freed slot and appends a new item to the backlog: the state is the
    same after every round, and the item counts of both grow by one. Now and
    then the other producer takes the freed slot instead, and the observers
    are asked. Items are 1, 2, 3, ...: what counts here is how many.
    """
    run = _Ops(rng, wide=False)
    run.add(*[E] * (capacity + 2))
    for n in range(items):
        run.add(R, D, E)
        if n % 97 == 96:
            run.add(R, T)
        if n % 251 == 250:
            run.observe()
    for _ in range(3):
        run.add(R, D)
    run.add(*[R] * (capacity + 1))
    run.observe()
    return Case(capacity, 4, tuple(run.ops))


DEEP_RUNS = len(WIDE_CAPACITIES) + len(WIDE_CAPS) + 5


def deep_cases(seed: int) -> Iterator[tuple[str, Case]]:
    """The `DEEP_RUNS` deep runs for `seed` (items differ by seed, shapes never), cheapest
    first, each made when it is asked for."""
    rng = random.Random(f"tidegate-deep-{seed}")
    for capacity in WIDE_CAPACITIES:
        yield f"bounds capacity={capacity}", wide_capacity(capacity, rng)
    for cap in WIDE_CAPS:
        yield f"bounds cap={cap}", wide_cap(cap, rng)
    yield "fill 300", fill_and_empty(300, 300, rng)
    yield "random 2^8", random_run(rng, 257, 300, 4000)
    yield "random 2^8", random_run(rng, 5, 260, 4000)
    yield "stream 2^8", stream(2**8 + 40, rng)
    yield "stream 2^16", stream(2**16 + 40, rng)
