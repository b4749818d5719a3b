"""Shrinking a divergence to a minimal case: fewest steps, then smallest parameters and items.

`shrink_mismatch(mismatch, test)` only ever keeps candidates that `test` (a run on the
adapter) still finds diverging, so the result is a real divergence, never a
guess. The passes, repeated until none makes progress:

1. drop every step that changed nothing in the model (failed sends, empty
   receives, observers) at once — long random runs are mostly such steps;
2. delete chunks of steps, halving the chunk size down to single steps, so
   that no single step can be removed from the result; then, on short cases,
   replace one step by another operation where that lets another step go;
3. lower capacity, then cap: small values (up to `SCAN`) to the smallest that
   still diverges, larger ones by bisection (a divergence at capacity 5e9 is
   lowered in about 33 runs, never one run per value);
4. renumber the items 1, 2, 3, ... in order of appearance, or, if the bug needs
   large items, lower each item's magnitude by bisection (items stay distinct).

Each kept candidate is cut at its own first divergence, so the last step of
the result is always the wrong answer. A `Budget` bounds the whole shrink
(runs as its steps, and time): when it runs out, the smallest divergence seen
so far is the result.
"""

from __future__ import annotations

from collections.abc import Callable

from tidegate import model
from tidegate.model import Op, OpName
from tidegate.proofs.conform.cases import Case
from tidegate.proofs.conform.runner import Mismatch
from tidegate.proofs.core import Budget, BudgetExhausted

Test = Callable[[Case], Mismatch | None]

SCAN = 64
"""Capacities and caps up to this are lowered one value at a time (to the smallest that
diverges); above it, by bisection."""


class _Shrinker:
    def __init__(self, best: Mismatch, test: Test, budget: Budget) -> None:
        self.best = best
        self.test = test
        self.budget = budget
        self.attempts = 0
        self.tried: set[Case] = set()

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
        if found is None or _case_size(found.case) > _case_size(self.best.case):
            return False
        self.best = found
        return True

    @property
    def ops(self) -> tuple[Op, ...]:
        return self.best.case.ops

    def with_ops(self, ops: tuple[Op, ...] | list[Op]) -> Case:
        return Case(self.best.case.capacity, self.best.case.cap, tuple(ops))

    def drop_idle_steps(self) -> bool:
        state = model.new(self.best.case.capacity, self.best.case.cap)
        kept = []
        for op in self.ops[:-1]:
            after = model.apply(state, op).state
            if after != state:
                kept.append(op)
            state = after
        return len(kept) + 1 < len(self.ops) and self.attempt(self.with_ops([*kept, self.ops[-1]]))

    def delete_chunks(self) -> bool:
        progress = False
        size = max(1, len(self.ops) // 2)
        while size >= 1 and not self.out:
            start = len(self.ops) - size
            while start >= 0 and not self.out:
                ops = self.ops
                if self.attempt(self.with_ops(ops[:start] + ops[start + size :])):
                    progress = True
                start = min(start, len(self.ops)) - size
            size //= 2
        return progress

    def swap_and_delete(self, longest: int = 12) -> bool:
        """Replace one step by another operation so that some other step can go.

        Deletion alone keeps the operations it starts with; a divergence found
        through `enqueue_or_send` may need only `try_send`. Tried on short cases
        only: it runs up to 9 x n x n candidates.
        """
        if len(self.ops) > longest:
            return False
        fresh = max((abs(op.item) for op in self.ops if op.item is not None), default=0) + 1
        for index, old in enumerate(self.ops):
            for name in OpName:
                if name is old.name or self.out:
                    continue
                item = (old.item if old.item is not None else fresh) if name.takes_item else None
                swapped = list(self.ops)
                swapped[index] = Op(name, item)
                for gone in range(len(swapped)):
                    if gone != index and self.attempt(
                        self.with_ops(swapped[:gone] + swapped[gone + 1 :])
                    ):
                        return True
        return False

    def lower_parameters(self) -> bool:
        best = self.best.case
        capacity = self._lower(best.capacity, 1, lambda c: Case(c, self.best.case.cap, self.ops))
        cap = self._lower(best.cap, 0, lambda k: Case(self.best.case.capacity, k, self.ops))
        return capacity or cap

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

    def lower_items(self) -> bool:
        order = list(dict.fromkeys(op.item for op in self.ops if op.item is not None))
        small = {item: n for n, item in enumerate(order, 1)}
        if order != list(small.values()) and self.attempt(self.with_ops(_renamed(self.ops, small))):
            return True
        progress = False
        for item in order:
            progress |= self._bisect_item(item)
        return progress

    def _bisect_item(self, item: int) -> bool:
        """Lower |item| to the smallest magnitude that still diverges, keeping its sign."""
        found = False
        # A positive item reads smaller than its negative twin: try flipping the sign first.
        if item < 0 and -item not in {op.item for op in self.ops}:
            found = self.attempt(self.with_ops(_renamed(self.ops, {item: -item})))
            item = -item if found else item
        sign = -1 if item < 0 else 1
        low, high = 0, abs(item)
        while high - low > 1 and not self.out:
            middle = (low + high) // 2
            value = sign * middle
            used = {op.item for op in self.ops}
            if value not in used and self.attempt(self.with_ops(_renamed(self.ops, {item: value}))):
                item, high, found = value, middle, True
            else:
                low = middle
        return found


def _renamed(ops: tuple[Op, ...], names: dict[int, int]) -> list[Op]:
    return [Op(op.name, names.get(op.item, op.item)) if op.item is not None else op for op in ops]


def _case_size(case: Case) -> tuple[int, int, int, int]:
    items = sum(abs(op.item) for op in case.ops if op.item is not None)
    return (len(case.ops), case.capacity, case.cap, items)


def shrink_mismatch(
    mismatch: Mismatch, test: Test, budget: Budget | int = 5000
) -> tuple[Mismatch, int]:
    """A minimal divergence found from `mismatch`, and how many candidates were run.

    `budget` bounds the runs (its steps; an int is a budget of that many runs and
    no time limit); the result is the smallest divergence seen so far when it
    runs out.
    """
    if isinstance(budget, int):
        budget = Budget(steps=budget)
    shrinker = _Shrinker(mismatch, test, budget)
    try:
        for _ in range(8):
            progress = shrinker.drop_idle_steps()
            progress |= shrinker.delete_chunks()
            progress |= shrinker.swap_and_delete()
            progress |= shrinker.lower_parameters()
            progress |= shrinker.lower_items()
            if not progress or shrinker.out:
                break
    except BudgetExhausted:
        pass  # a candidate run that outlasted the budget: what was kept stands
    except KeyboardInterrupt:
        budget.interrupt()  # the caller reports the divergence as found so far
    return shrinker.best, shrinker.attempts
