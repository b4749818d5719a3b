"""Exhaustive, breadth-first exploration of every reachable state of the model.

The state space is canonical, so that counts compare with any other model checker:

- parameters: channel capacity C, backlog cap K, NQ items the queue submits
  (1..NQ, in order), NO items the other producer submits (1001, 1002, …, in order);
- a state is (channel buffer in order, backlog in order, receiver
  open/closed/dropped, queue items submitted so far, other items submitted so
  far) — nothing else;
- the actions: enqueue_or_send of the next queue item (while any remain; a
  refused item is used up too), try_drain_one, the other producer's try_send
  of its next item (while any remain; Full and Closed use it up), and the
  receiver's operations the model enables (`tidegate.model.enabled`: none once
  dropped): try_recv, drop_receiver, and close while open (closing again
  changes nothing). Observers change nothing and are not actions.

With task bounds (v2; `tidegate.proofs.explore.tasks`): NS `send` tasks the
other producer starts (items 2001, 2002, …, in order), NR `recv` tasks, NW
`notified` tasks, each counted in the state as started so far; and the task
actions: the next `send`, a `recv` (not once dropped), a `notified`,
`notify_one` (whenever NW > 0), and `poll` and `cancel` of every pending task
the model lets a trace name (`tidegate.model.pollable_tasks`). The subject
then holds the parked sends, pending receives, the Notify and the task ids.
Without task bounds the state space is exactly v1's, counts included.

Counted: `states` reachable (the initial one included); `transitions`, every
enabled (state, action) pair, self-loops and edges to known states included
(TLC's "states generated" minus the initial state); `depth`, the largest
number of actions on a shortest path from the initial state (TLC prints one
more, counting the initial state as depth 1).

Every transition is computed by the model's own functions. Because the search
is breadth-first, the first violation found of each property is a shortest
counterexample; it is rebuilt from parent pointers into a PROTOCOL.md trace.
"""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tidegate import model
from tidegate.model import (
    I64_MAX,
    Op,
    OpName,
    ReceiverState,
    Subject,
    TaskOp,
    TaskOpName,
    Transition,
)
from tidegate.proofs.core import Budget, TidegateError, Verdict
from tidegate.proofs.explore.memory import peak_rss, rss
from tidegate.proofs.explore.properties import (
    CATALOGUE,
    OFF_CONTRACT,
    OTHER_BASE,
    SEND_BASE,
    WITNESSES,
    Moment,
    Property,
    PropertyKind,
    Witness,
)
from tidegate.proofs.explore.task_properties import TASK_CATALOGUE
from tidegate.proofs.explore.tasks import TaskActions, kind_polled
from tidegate.proofs.protocol.traces import Trace, model_trace

StateKey = tuple[int, ...]
"""A canonical state: the interned id of the model's subject (its buffer, backlog and
receiver, and its tasks; capacity and cap are fixed), queue items submitted, other items
submitted, and with task bounds `send`, `recv` and `notified` tasks started."""

AnyOp = Op | TaskOp


class BoundsError(TidegateError, ValueError):
    """Raised when exploration bounds break a rule; the message names the value and the rule."""


MAX_QUEUE_ITEMS = OTHER_BASE - 1
MAX_OTHER_ITEMS = I64_MAX - OTHER_BASE + 1
MAX_OTHER_ITEMS_WITH_SENDS = SEND_BASE - OTHER_BASE
MAX_SENDS = I64_MAX - SEND_BASE + 1
WHY_MAX = {
    "queue_items": f"so that queue items (1..NQ) stay below the other producer's items "
    f"({OTHER_BASE}, ...)",
    "other_items": f"so that the other producer's items ({OTHER_BASE}, ...) stay within the "
    "signed 64-bit range",
    "sends": f"so that the send tasks' items ({SEND_BASE}, ...) stay within the signed "
    "64-bit range",
}
"""Why NQ, NO and NS are bounded: the items must stay distinct and be items of PROTOCOL.md."""


@dataclass(frozen=True)
class Bounds:
    """The exploration's parameters: C, K, NQ, NO, and the task bounds NS, NR, NW (see
    the module docstring; all three 0: no tasks, v1's state space)."""

    capacity: int
    cap: int
    queue_items: int
    other_items: int
    sends: int = 0
    recvs: int = 0
    waiters: int = 0

    def __post_init__(self) -> None:
        rules = (
            ("capacity", self.capacity, 1, None),
            ("cap", self.cap, 0, None),
            ("queue_items", self.queue_items, 0, MAX_QUEUE_ITEMS),
            ("other_items", self.other_items, 0, MAX_OTHER_ITEMS),
            ("sends", self.sends, 0, MAX_SENDS),
            ("recvs", self.recvs, 0, None),
            ("waiters", self.waiters, 0, None),
        )
        for name, value, low, high in rules:
            if isinstance(value, bool) or not isinstance(value, int):
                raise BoundsError(f"{name} must be an integer, got {value!r}")
            if value < low:
                raise BoundsError(f"{name} must be >= {low}, got {value}")
            if high is not None and value > high:
                raise BoundsError(f"{name} must be <= {high} {WHY_MAX[name]}, got {value}")
        if self.sends and self.other_items > MAX_OTHER_ITEMS_WITH_SENDS:
            raise BoundsError(
                f"other_items must be <= {MAX_OTHER_ITEMS_WITH_SENDS} when sends are set, so "
                f"that the other producer's items ({OTHER_BASE}, ...) stay below the send "
                f"tasks' items ({SEND_BASE}, ...), got {self.other_items}"
            )

    @property
    def has_tasks(self) -> bool:
        """True when any task bound is set: the exploration starts tasks."""
        return bool(self.sends or self.recvs or self.waiters)

    def __str__(self) -> str:
        v1 = f"C={self.capacity} K={self.cap} NQ={self.queue_items} NO={self.other_items}"
        if not self.has_tasks:
            return v1
        return f"{v1} NS={self.sends} NR={self.recvs} NW={self.waiters}"


DEFAULT_BOUNDS = Bounds(capacity=4, cap=8, queue_items=12, other_items=4)
"""The default bounds: the seed's dispatch cap 8, a channel of 4, enough queue items to
fill both and reach QueueFull, and other items to compete for the slots."""


@dataclass
class ExploreOutcome:
    """One catalogue entry's result: `holds`, or the shortest `counterexample`."""

    prop: Property
    counterexample: Trace | None = None

    @property
    def holds(self) -> bool:
        """True when no state or transition refuted the statement."""
        return self.counterexample is None


@dataclass
class Reach:
    """One witness's result: the shortest `trace` reaching it, or None if never reached."""

    witness: Witness
    trace: Trace | None = None
    off_contract: bool = False

    @property
    def reached(self) -> bool:
        """True when some explored transition (or off-contract probe) gave the answer."""
        return self.trace is not None


@dataclass
class Exploration:
    """What a run covered and found.

    `complete` is False if a budget ran out first; `stopped` then says which, and how
    far the search got. `engine` names the explorer ("reference": this module's;
    "packed": `tidegate.proofs.explore.fast`'s), and `engine_note` why it was picked,
    when it was picked for a reason the caller may not expect. `peak_rss` is the
    process's peak resident memory in bytes when the run ended (what ran before it
    included).
    """

    bounds: Bounds
    states: int = 0
    transitions: int = 0
    depth: int = 0
    seconds: float = 0.0
    complete: bool = False
    outcomes: list[ExploreOutcome] = field(default_factory=list)
    reaches: list[Reach] = field(default_factory=list)
    engine: str = "reference"
    engine_note: str | None = None
    stopped: str | None = None
    peak_rss: int = 0

    @property
    def states_per_second(self) -> float:
        """States found per second of wall time."""
        return self.states / self.seconds if self.seconds > 0 else 0.0

    def invariants_hold(self) -> bool:
        """True when every invariant of the catalogue held everywhere explored."""
        return all(o.holds for o in self.outcomes if o.prop.kind is PropertyKind.INVARIANT)

    @property
    def verdict(self) -> Verdict:
        """FAIL if an invariant fails, else INCONCLUSIVE if the budget ran out, else PASS."""
        if not self.invariants_hold():
            return Verdict.FAIL
        if not self.complete:
            return Verdict.INCONCLUSIVE
        return Verdict.PASS

    def to_json(self) -> dict[str, Any]:
        """The JSON object `tidegate explore --json` prints."""
        props: dict[str, Any] = {}
        for o in self.outcomes:
            props[o.prop.name] = {
                "kind": o.prop.kind.value,
                "statement": o.prop.statement,
                "holds": o.holds,
                "counterexample": _trace_obj(o.counterexample),
            }
        for r in self.reaches:
            props[f"reachable: {r.witness.name}"] = {
                "kind": "witness",
                "statement": f"{r.witness.name} is reachable"
                + (" (only off-contract: try_recv after drop_receiver)" if r.off_contract else ""),
                "holds": r.reached,
                "witness": _trace_obj(r.trace),
            }
        return {
            "bounds": {
                "capacity": self.bounds.capacity,
                "cap": self.bounds.cap,
                "queue_items": self.bounds.queue_items,
                "other_items": self.bounds.other_items,
                "sends": self.bounds.sends,
                "recvs": self.bounds.recvs,
                "waiters": self.bounds.waiters,
            },
            "states": self.states,
            "transitions": self.transitions,
            "depth": self.depth,
            "seconds": round(self.seconds, 6),
            "states_per_second": round(self.states_per_second, 1),
            "complete": self.complete,
            "stopped": self.stopped,
            "engine": self.engine,
            "engine_note": self.engine_note,
            "peak_rss_bytes": self.peak_rss,
            "properties": props,
        }


def _trace_obj(trace: Trace | None) -> Any:
    return None if trace is None else json.loads(trace.to_json())


def explore(
    bounds: Bounds,
    *,
    catalogue: tuple[Property, ...] | None = None,
    max_seconds: float | None = None,
    max_memory: int | None = None,
    tick: Callable[[int], None] | None = None,
    budget: Budget | None = None,
) -> Exploration:
    """Explore every state reachable within `bounds`, checking `catalogue` everywhere.

    Stops early, with `complete` False and `stopped` set, once `max_seconds` have
    passed, once the process's resident memory comes within `MEMORY_STEP` bytes of
    `max_memory`, or once `budget` runs out (Ctrl-C included). All are checked every
    4,096 states. `tick` is called with the number of states found, every few
    thousand states. `catalogue` defaults to every entry that can speak about the
    bounds: `properties.CATALOGUE`, and with task bounds `task_properties.TASK_CATALOGUE`.
    """
    if catalogue is None:
        catalogue = CATALOGUE + TASK_CATALOGUE if bounds.has_tasks else CATALOGUE
    return _Search(bounds, catalogue).run(max_seconds, max_memory, tick, budget)


MEMORY_STEP = 64 * 2**20
"""Headroom the reference search keeps below `max_memory`: more than 4,096 states and
their transitions take (about 2 KB a state)."""


_FIXED = (OpName.TRY_DRAIN_ONE, OpName.TRY_RECV, OpName.DROP_RECEIVER, OpName.CLOSE)


class _Search:
    """One breadth-first search. Subjects are interned to small ints so that a state
    key is a tuple of ints; an action's result depends only on the subject and the
    action (its item included), so each (subject, action) pair is computed and
    checked once, however many (queued, others, tasks started) counters the subject
    appears with."""

    def __init__(self, bounds: Bounds, catalogue: tuple[Property, ...]) -> None:
        self.bounds = bounds
        self.catalogue = catalogue
        self.state_props = [p for p in catalogue if p.on_state is not None]
        self.step_props = [p for p in catalogue if p.on_step is not None]
        self.ids: dict[Subject, int] = {}
        self.subjects: list[Subject] = []
        self.parents: dict[StateKey, tuple[StateKey, AnyOp] | None] = {}
        self.failed: dict[str, Trace] = {}
        self.reached: dict[str, Trace] = {}
        nq, no = bounds.queue_items, bounds.other_items
        self.tasks = (
            TaskActions(bounds.sends, bounds.recvs, bounds.waiters, nq + no + len(_FIXED))
            if bounds.has_tasks
            else None
        )
        self.witnesses = WITNESSES + (() if self.tasks is None else self.tasks.witnesses())
        # The witnesses not reached yet, by the operation they wait for.
        self.pending: dict[OpName | TaskOpName, list[Witness]] = {}
        for w in self.witnesses:
            self.pending.setdefault(w.op, []).append(w)
        self.off_contract: Trace | None = None
        self.memo: dict[int, int] = {}
        self.made: dict[int, tuple[AnyOp, Callable[[Subject], Transition]]] = {}

    def intern(self, s: Subject, key: StateKey | None, via: AnyOp | None) -> int:
        """The id of `s`; a new subject is checked against every state property."""
        sid = self.ids.get(s)
        if sid is None:
            sid = self.ids[s] = len(self.subjects)
            self.subjects.append(s)
            for prop in self.state_props:
                assert prop.on_state is not None
                if prop.name not in self.failed and not prop.on_state(s):
                    tail = () if via is None else (via,)
                    self.failed[prop.name] = self.trace_to(key, tail, prop.name)
        return sid

    def trace_to(self, key: StateKey | None, tail: tuple[AnyOp, ...], label: str) -> Trace:
        ops = tail if key is None else _path(self.parents, key) + tail
        return trace_of(self.bounds, ops, label)

    def check(self, key: StateKey, s: Subject, op: AnyOp, transition: Transition) -> int:
        """Check one transition from state `key`; returns the id of the subject it leads to."""
        moment = Moment(s, op, transition)
        for prop in self.step_props:
            assert prop.on_step is not None
            if prop.name not in self.failed and not prop.on_step(moment):
                self.failed[prop.name] = self.trace_to(key, (op,), prop.name)
        waiting = self.pending.get(op.name)
        if waiting:
            for w in waiting:
                if w.matches(transition.answer) and (
                    w.kind is None or (isinstance(op, TaskOp) and kind_polled(s, op) is w.kind)
                ):
                    self.reached[w.name] = self.trace_to(key, (op,), w.name)
            waiting[:] = [w for w in waiting if w.name not in self.reached]
        return self.intern(transition.state, key, op)

    def run(
        self,
        max_seconds: float | None,
        max_memory: int | None,
        tick: Callable[[int], None] | None,
        budget: Budget | None = None,
    ) -> Exploration:
        start = time.perf_counter()
        result = Exploration(self.bounds)
        counters = (0, 0, 0, 0, 0) if self.tasks is not None else (0, 0)
        init: StateKey = (
            self.intern(model.new(self.bounds.capacity, self.bounds.cap), None, None),
            *counters,
        )
        self.parents[init] = None
        deadline = None if max_seconds is None else start + max_seconds

        def out() -> str | None:
            if deadline is not None and time.perf_counter() > deadline:
                return f"time budget of {max_seconds:g} s ran out"
            if max_memory is not None and rss() + MEMORY_STEP > max_memory:
                return f"memory budget of {max_memory:,} bytes would be exceeded"
            return None if budget is None else budget.exhausted()

        try:
            stopped = self.levels(result, [init], out, tick)
        except KeyboardInterrupt:
            if budget is not None:
                budget.interrupt()
            stopped = "interrupted"
        if stopped is not None:
            where = f"at depth {result.depth}, {len(self.parents):,} states found"
            result.stopped = f"{stopped} ({where})"
        else:
            result.complete = True
            if tick is not None:
                tick(len(self.parents))
        return self.finish(result, start)

    def op_of(self, action: int) -> AnyOp:
        """The operation of action number `action`: the queue's items 0..NQ-1, the other
        producer's NQ..NQ+NO-1, then the fixed actions (`_FIXED`), then the task actions
        (`tasks.TaskActions`). Made when first taken,
        so that setting up costs nothing however many items the bounds allow (a budget
        then holds from the first state)."""
        return self.made[action][0] if action in self.made else self._make(action)[0]

    def step_of(self, action: int) -> Callable[[Subject], Transition]:
        """The model's function for action number `action` (see `op_of`)."""
        return self.made[action][1] if action in self.made else self._make(action)[1]

    def _make(self, action: int) -> tuple[AnyOp, Callable[[Subject], Transition]]:
        nq, no = self.bounds.queue_items, self.bounds.other_items
        step: Callable[[Subject], Transition]
        op: AnyOp
        if self.tasks is not None and action >= self.tasks.first:
            op, step = self.tasks.make(action)
        elif action < nq:
            op = Op(OpName.ENQUEUE_OR_SEND, action + 1)
            step = functools.partial(model.enqueue_or_send, item=action + 1)
        elif action < nq + no:
            item = OTHER_BASE + action - nq
            op = Op(OpName.TRY_SEND, item)
            step = functools.partial(model.try_send, item=item)
        else:
            op = Op(_FIXED[action - nq - no])
            step = getattr(model, op.name.value)  # try_drain_one, try_recv, ...
        self.made[action] = (op, step)
        return op, step

    def levels(
        self,
        result: Exploration,
        frontier: list[StateKey],
        out: Callable[[], str | None],
        tick: Callable[[int], None] | None,
    ) -> str | None:
        """Breadth-first from `frontier`, a level at a time, until no state is left (None)
        or `out()`, asked every 4,096 states, says why the budget ran out (returned)."""
        parents, memo = self.parents, self.memo
        # A transition's result depends only on (subject, action), so it is computed and
        # checked once per pair: memo key sid * width + action.
        nq, no = self.bounds.queue_items, self.bounds.other_items
        drain, recv, drop, close = range(nq + no, nq + no + len(_FIXED))
        tasks = self.tasks
        width = nq + no + len(_FIXED) if tasks is None else tasks.end
        receiver_moves: dict[int, tuple[int, ...]] = {}
        explored = 0
        while frontier:
            following: list[StateKey] = []
            for key in frontier:
                sid, queued, others = key[0], key[1], key[2]
                tail, same = key[3:], key[1:]
                s = self.subjects[sid]
                mine = receiver_moves.get(sid)
                if mine is None:
                    allowed = model.enabled(s)
                    mine = receiver_moves[sid] = tuple(
                        a
                        for a in (recv, drop, close)
                        if self.op_of(a).name in allowed
                        and (a != close or s.channel.receiver is ReceiverState.OPEN)
                    )
                moves: list[tuple[int, tuple[int, ...]]] = []
                # The order of actions, then the task actions, so that ties
                # between shortest paths resolve the same way in every run.
                if queued < nq:
                    moves.append((queued, (queued + 1, others, *tail)))
                moves.append((drain, same))
                if others < no:
                    moves.append((nq + others, (queued, others + 1, *tail)))
                moves.extend((a, same) for a in mine)
                if tasks is not None:
                    tasks.moves(sid, s, key, moves)
                if not mine and self.off_contract is None:
                    # No receiver action is enabled (dropped): probe Disconnected off-contract.
                    probe = model.try_recv(s)
                    if OFF_CONTRACT.matches(probe.answer):
                        self.off_contract = self.trace_to(key, (self.op_of(recv),), "off-contract")
                result.transitions += len(moves)
                for action, rest in moves:
                    memo_key = sid * width + action
                    to_sid = memo.get(memo_key)
                    if to_sid is None:
                        op = self.op_of(action)
                        to_sid = memo[memo_key] = self.check(key, s, op, self.step_of(action)(s))
                    after: StateKey = (to_sid, *rest)
                    if after not in parents:
                        parents[after] = (key, self.op_of(action))
                        following.append(after)
                explored += 1
                if explored % 4096 == 0:
                    if tick is not None:
                        tick(len(parents))
                    stopped = out()
                    if stopped is not None:
                        return stopped
            if following:
                result.depth += 1
            frontier = following
        return None

    def finish(self, result: Exploration, start: float) -> Exploration:
        result.states = len(self.parents)
        result.outcomes = [ExploreOutcome(p, self.failed.get(p.name)) for p in self.catalogue]
        result.reaches = [Reach(w, self.reached.get(w.name)) for w in self.witnesses]
        result.reaches.append(Reach(OFF_CONTRACT, self.off_contract, off_contract=True))
        result.seconds = time.perf_counter() - start
        result.peak_rss = peak_rss()
        return result


def _path(
    parents: dict[StateKey, tuple[StateKey, AnyOp] | None], key: StateKey
) -> tuple[AnyOp, ...]:
    ops: list[AnyOp] = []
    link = parents[key]
    while link is not None:
        key, op = link
        ops.append(op)
        link = parents[key]
    return tuple(reversed(ops))


def trace_of(bounds: Bounds, ops: tuple[AnyOp, ...], label: str) -> Trace:
    """The trace of `ops` from a fresh subject, with the model's answers as results."""
    name = label.replace(" ", "").replace("->", "-")
    trace_id = f"explore-{name}-{bounds.capacity}-{bounds.cap}"
    return model_trace(trace_id, bounds.capacity, bounds.cap, ops)
