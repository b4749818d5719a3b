"""Shrinking a failure to a minimal case: fewest steps, then smallest parameters and items.

`shrink_mismatch(mismatch, test)` only ever keeps candidates that `test` (a run on
the adapter) still finds failing the same way — a wrong answer, or the same
breach of the protocol (the adapter exits, or writes a non-answer) — so the
result is a real failure, never a guess. The passes, cheapest first, repeated
until none makes progress (the items' pass runs once, last):

1. drop every step that changed nothing in the model (failed sends, empty
   receives, observers) at once — long runs are mostly such steps;
2. lower cap, then capacity: small values (up to `SCAN`) to the smallest that
   still fails, larger ones by bisection (a failure at capacity 5e9 is lowered
   in about 33 runs, never one run per value); each candidate comes without
   the steps its smaller parameters make idle, so a long case shrinks at once;
3. delete steps from the last to the first, growing a deletion that works by
   doubling (then bisecting back), so that no single step can be removed from
   the result; then, on short cases, replace one step by another operation
   where that lets another step go;
4. renumber the items 1, 2, 3, ... in order of appearance, or, if the failure
   needs large items, lower each item: first to the values where ports wrap
   or round (2^k - 1, 2^k, 2^k + 1 for k = 7, 8, 15, 16, 31, 32, 53, 63: a port
   that reads items as doubles fails first at 2^53 + 1), then by bisection.

Task ids stay consistent throughout: every candidate is made from the
current best case *tagged* (`tidegate.proofs.conform.taskids`: a `poll` or
`cancel` names the step that started its task), and its tasks are numbered
afresh, 1, 2, 3 ... in the order they go pending, as PROTOCOL.md numbers them;
a `poll` or `cancel` whose task a candidate no longer starts goes with it.

Each kept candidate is cut at its own first failure, so the last step of the
result is always the failing one. A `Budget` bounds the whole shrink (runs as
its steps, and time): when it runs out, the smallest failure seen so far is
the result, and `Shrunk.complete` is False (otherwise the result is
1-minimal: no single step can go).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import NamedTuple

from tidegate import model
from tidegate.model import Op, OpName, TaskOp
from tidegate.proofs.conform.cases import Case
from tidegate.proofs.conform.runner import Mismatch
from tidegate.proofs.conform.taskids import Tagged, tag, untag
from tidegate.proofs.core import Budget, BudgetExhausted

Test = Callable[[Case], Mismatch | None]

SCAN = 64
"""Capacities and caps up to this are lowered one value at a time (to the smallest that
fails); above it, by bisection."""

_WIDTHS = (7, 8, 15, 16, 31, 32, 53, 63)
BOUNDARIES = tuple(sorted({2**k + d for k in _WIDTHS for d in (-1, 0, 1)}))
"""Magnitudes at which integers wrap (two's complement, unsigned) or stop being exact doubles."""


class Shrunk(NamedTuple):
    """The smallest failure found, how many candidates ran, and whether every pass ran to
    its end (the budget lasted)."""

    mismatch: Mismatch
    runs: int
    complete: bool


class _Shrinker:
    def __init__(self, best: Mismatch, test: Test, budget: Budget) -> None:
        self.best = best
        self.test = test
        self.budget = budget
        self.attempts = 0
        self.tried: set[Case] = set()
        self._tagged: tuple[Case, tuple[Tagged, ...]] = (best.case, tag(best.case))
        self.idle_matters = False
        """Set once dropping idle steps lost the failure: the bug lives in steps the model
        calls idle, which are kept from then on."""

    @property
    def out(self) -> bool:
        """True once the budget has run out: every pass stops at once."""
        return self.budget.exhausted() is not None

    def attempt(self, case: Case) -> bool:
        """Run `case` unless tried or invalid; keep it when it diverges and is no longer."""
        if case in self.tried or not case.valid() or self.out:
            return False
        self.tried.add(case)
        self.attempts += 1
        self.budget.spend()
        found = self.test(case)
        if found is None or not found.same_kind(self.best):
            return False
        if _case_size(found.case) > _case_size(self.best.case):
            return False
        self.best = found
        return True

    @property
    def ops(self) -> tuple[Tagged, ...]:
        """The best case's steps, tagged (candidates are made from these)."""
        if self._tagged[0] is not self.best.case:
            self._tagged = (self.best.case, tag(self.best.case))
        return self._tagged[1]

    def with_ops(self, ops: tuple[Tagged, ...] | list[Tagged]) -> Case:
        return untag(self.best.case.capacity, self.best.case.cap, ops)

    def drop_idle_steps(self) -> bool:
        """Drop every step but the last that changes nothing in the model, in one run."""
        if self.idle_matters:
            return False
        compact = _compact(self.best.case)
        if len(compact.ops) == len(self.ops):
            return False
        if self.attempt(compact):
            return True
        self.idle_matters = True
        return False

    def delete_chunks(self) -> bool:
        """Delete steps from the last to the first; where one can go, grow the deletion.

        At each position one step is tried first; when it can go, the deletion
        doubles leftwards while it still can, then bisects back. A case of which
        no step can go costs one run per step; a long stretch that can go, a few
        runs per doubling.
        """
        progress = False
        end = len(self.ops)
        while end > 0 and not self.out:
            end = min(end, len(self.ops))
            base = self.ops
            if not self._without(base, end - 1, end):
                end -= 1
                continue
            progress = True
            good, size = 1, 2
            while size <= end and self._without(base, end - size, end):
                good, size = size, size * 2
            bad = min(size, end + 1)
            while bad - good > 1 and not self.out:
                middle = (good + bad) // 2
                if self._without(base, end - middle, end):
                    good = middle
                else:
                    bad = middle
            end -= good
        return progress

    def _without(self, ops: tuple[Tagged, ...], start: int, end: int) -> bool:
        """Try `ops` without the steps [start, end)."""
        return self.attempt(self.with_ops(ops[:start] + ops[end:]))

    def swap_and_delete(self, longest: int = 12) -> bool:
        """Replace one step by another operation so that some other step can go.

        Deletion alone keeps the operations it starts with; a divergence found
        through `enqueue_or_send` may need only `try_send`. Tried on short cases
        only: it runs up to 9 x n x n candidates.
        """
        if len(self.ops) > longest:
            return False
        fresh = max((abs(op.item) for _, op in self.ops if op.item is not None), default=0) + 1
        for index, (label, old) in enumerate(self.ops):
            if isinstance(old, TaskOp):
                continue  # a task's start is named by its polls: swaps are for v1 steps
            for name in OpName:
                if name is old.name or self.out:
                    continue
                item = (old.item if old.item is not None else fresh) if name.takes_item else None
                swapped = list(self.ops)
                swapped[index] = (label, Op(name, item))
                for gone in range(len(swapped)):
                    if gone != index and self.attempt(
                        self.with_ops(swapped[:gone] + swapped[gone + 1 :])
                    ):
                        return True
        return False

    def lower_parameters(self) -> bool:
        # cap first: a failure of the channel's seldom needs the backlog, and without it
        # the queue's steps turn idle.
        cap = self._lower(self.best.case.cap, 0, lambda k: self._shape(self.best.case.capacity, k))
        capacity = self._lower(
            self.best.case.capacity, 1, lambda c: self._shape(c, self.best.case.cap)
        )
        return capacity or cap

    def _shape(self, capacity: int, cap: int) -> Case:
        """The current steps at other parameters, less the steps those make idle."""
        case = untag(capacity, cap, self.ops)
        return case if self.idle_matters else _compact(case)

    def _lower(self, value: int, floor: int, case: Callable[[int], Case]) -> bool:
        """Lower one parameter from `value` toward `floor`: the smallest value that diverges
        when `value` <= SCAN, else by bisection between `floor` (tried first) and `value`."""
        if value <= SCAN:
            return any(self.attempt(case(v)) for v in range(floor, value))
        if self.attempt(case(floor)):
            return True
        low, high, progress = floor, value, False
        while high - low > 1 and not self.out:
            middle = (low + high) // 2
            if self.attempt(case(middle)):
                high, progress = middle, True
            else:
                low = middle
        return progress

    def lower_items(self, most: int = 32) -> bool:
        order = list(dict.fromkeys(op.item for _, op in self.ops if op.item is not None))
        small = {item: n for n, item in enumerate(order, 1)}
        if order != list(small.values()) and self.attempt(self.with_ops(_renamed(self.ops, small))):
            return True
        if len(order) > most:
            # One at a time is for a few items that matter, not for a long run's thousands.
            return False
        progress = False
        for item in order:
            progress |= self._lower_item(item)
        return progress

    def _lower_item(self, item: int) -> bool:
        """Lower |item| to a smaller magnitude that still fails, keeping it distinct."""
        found = False
        # A positive item reads smaller than its negative twin: try flipping the sign first.
        if item < 0 and self._rename(item, -item):
            item, found = -item, True
        sign = -1 if item < 0 else 1
        low = 0
        for magnitude in BOUNDARIES:
            if magnitude >= abs(item) or self.out:
                break
            if self._rename(item, sign * magnitude):
                item, found = sign * magnitude, True
                break
            low = magnitude
        high = abs(item)
        while high - low > 1 and not self.out:
            middle = (low + high) // 2
            if self._rename(item, sign * middle):
                item, high, found = sign * middle, middle, True
            else:
                low = middle
        return found

    def _rename(self, item: int, value: int) -> bool:
        used = {op.item for _, op in self.ops}
        return value not in used and self.attempt(self.with_ops(_renamed(self.ops, {item: value})))


def _compact(case: Case) -> Case:
    """`case` without the steps, but the last, that change nothing in the model."""
    state = model.new(case.capacity, case.cap)
    tagged = tag(case)
    kept = []
    for step in tagged[:-1]:
        after = model.apply(state, case.ops[step[0]]).state
        if after != state:
            kept.append(step)
        state = after
    return untag(case.capacity, case.cap, (*kept, *tagged[-1:]))


def _renamed(ops: tuple[Tagged, ...], names: dict[int, int]) -> list[Tagged]:
    return [
        (label, replace(op, item=names.get(op.item, op.item)) if op.item is not None else op)
        for label, op in ops
    ]


def _case_size(case: Case) -> tuple[int, int, int, int]:
    items = sum(abs(op.item) for op in case.ops if op.item is not None)
    return (len(case.ops), case.capacity, case.cap, items)


def shrink_mismatch(mismatch: Mismatch, test: Test, budget: Budget | int = 5000) -> Shrunk:
    """A minimal failure found from `mismatch` (see the module docstring).

    `budget` bounds the runs (its steps; an int is a budget of that many runs and
    no time limit); the result is the smallest failure seen so far when it runs
    out.
    """
    if isinstance(budget, int):
        budget = Budget(steps=budget)
    shrinker = _Shrinker(mismatch, test, budget)
    try:
        for _ in range(8):
            progress = shrinker.drop_idle_steps()
            progress |= shrinker.lower_parameters()
            progress |= shrinker.delete_chunks()
            progress |= shrinker.swap_and_delete()
            if not progress or shrinker.out:
                break
        # Items last: renumbering makes every candidate new, which would undo the record
        # of the deletions already tried.
        shrinker.lower_items()
    except BudgetExhausted:
        pass  # a candidate run that outlasted the budget: what was kept stands
    except KeyboardInterrupt:
        budget.interrupt()  # the caller reports the failure as found so far
    return Shrunk(shrinker.best, shrinker.attempts, not shrinker.out)
