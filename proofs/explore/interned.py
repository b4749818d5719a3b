"""Breadth-first exploration with task bounds: interned subjects, counters and search on arrays.

The same search as `tidegate.proofs.explore.search.explore`, with the same answers — states,
transitions, depth, every catalogue entry checked in every state and transition, the
same shortest counterexamples and witnesses, trace for trace — for bounds with tasks
(v2), whose subjects the 64-bit layout of `tidegate.proofs.explore.packed` cannot hold.

What the reference explorer does per transition, this one does per array:

- a state is one 64-bit integer: the counters (queue items, other items, `send`,
  `recv` and `notified` tasks started) above the id of its interned subject;
- each (subject, action) pair is stepped once, by the model's own function, and
  checked once against every catalogue entry and witness, as in the reference; what
  it gave is kept in tables indexed by subject id and action: the subject it leads
  to, which entries it breaks and which witnesses it reaches (as bit masks). The
  subject it leads to is checked against every state entry when first interned;
- a level of the search is then a few array operations: each state's enabled moves
  (from its counters and its subject's enabled operations), their targets and
  breaches looked up in the tables, the targets deduplicated against a sorted
  visited set (`fast._Visited`, one sorted array per value of the counters);
- a state's own cost is about 15 bytes (its key, the index of its parent in the
  previous level, the action); a subject's, a row of the tables and the model's
  object, which dominate: about 300 bytes a state in all at 2/2/6/3 NS=2 NR=1.

The first breach of each entry, the first witness reached and the first dropped
state are those of the reference: the reference checks a pair at its first use, so
its first breach is the first transition, in its order (level, then state, then the
move order of `search._Search.levels`), whose pair or whose new subject breaks the
entry; here the same order is the order of a level's (state, move) matrix. Traces are
rebuilt from parent indices and replayed on the model (`search.trace_of`).

Budgets: `max_seconds`, `max_memory` (bytes of resident memory) and `budget` are
checked before each chunk of at most `LEVEL_CHUNK` states.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tidegate import model
from tidegate.model import ReceiverState, Subject, TaskOp, Transition
from tidegate.proofs.core import Budget
from tidegate.proofs.explore.fast import _Visited, path_to
from tidegate.proofs.explore.memory import peak_rss, rss
from tidegate.proofs.explore.packed import U64, LayoutError
from tidegate.proofs.explore.properties import CATALOGUE, OFF_CONTRACT, Moment, Witness
from tidegate.proofs.explore.search import (
    _FIXED,
    AnyOp,
    Bounds,
    Exploration,
    ExploreOutcome,
    Reach,
    _Search,
    trace_of,
)
from tidegate.proofs.explore.task_properties import TASK_CATALOGUE
from tidegate.proofs.explore.tasks import kind_polled
from tidegate.proofs.protocol.traces import Trace

_I64 = npt.NDArray[np.int64]

LEVEL_CHUNK = 1 << 16
"""States of a level expanded together, at most: bounds the temporaries (a few hundred
bytes a state) and how long a budget can be overrun."""

_NONE = -1
"""A table cell whose pair has not been stepped yet."""

# Move slots, in the reference's order of moves from a state: the v1 moves, then the
# task starts, then `poll` and `cancel` of task 1, of task 2, ...
_ENQUEUE, _DRAIN, _TRY_SEND, _RECV, _DROP, _CLOSE = range(6)
_SEND, _TASK_RECV, _NOTIFIED, _NOTIFY_ONE = range(6, 10)
_POLLS = 10


def explore_interned(
    bounds: Bounds,
    *,
    max_seconds: float | None = None,
    max_memory: int | None = None,
    tick: Callable[[int], None] | None = None,
    budget: Budget | None = None,
) -> Exploration:
    """Explore every state reachable within `bounds`, checking the catalogue everywhere
    (`properties.CATALOGUE`, and with task bounds `task_properties.TASK_CATALOGUE`).

    Stops early, with `complete` False and `stopped` set, once `max_seconds` have
    passed, when the next chunk would take the process's resident memory past
    `max_memory` bytes, or once `budget` runs out (Ctrl-C included). `tick` is called
    with the number of states found after each chunk.
    """
    return InternedSearch(bounds).run(max_seconds, max_memory, tick, budget)


_Made = tuple[
    AnyOp,
    Callable[[Subject], Transition],
    list[tuple[int, Callable[[Moment], bool]]],
    list[tuple[int, Witness]],
]
"""A column's operation, the model's function, its step checks and the witnesses about it."""


SID_BITS = 24
"""The fewest bits a state keeps for its subject's id: 16,777,216 subjects."""


def _counter_bits(bounds: Bounds) -> int:
    limits = (bounds.queue_items, bounds.other_items, bounds.sends, bounds.recvs)
    return sum(max(1, n.bit_length()) for n in (*limits, bounds.waiters))


def interned_fits(bounds: Bounds) -> bool:
    """True when `bounds`' counters leave at least `SID_BITS` bits of a state for ids."""
    return 64 - _counter_bits(bounds) >= SID_BITS


def require_fit(bounds: Bounds) -> None:
    """Raises `packed.LayoutError` (naming the bits) unless `interned_fits(bounds)`."""
    if not interned_fits(bounds):
        raise LayoutError(
            f"--engine packed: {bounds} needs {_counter_bits(bounds)} bits a state for its "
            f"counters, which leaves fewer than {SID_BITS} for subject ids; use "
            "--engine reference"
        )


@dataclass
class _First:
    """Where something first happened: level, index in that level, column (or None)."""

    level: int
    index: int
    column: int | None


class InternedSearch:
    """One search. Public so that the tests can hold `expand` to the model's step."""

    def __init__(self, bounds: Bounds) -> None:
        self.bounds = bounds
        self.catalogue = CATALOGUE + TASK_CATALOGUE if bounds.has_tasks else CATALOGUE
        # The reference's own numbering of actions (columns here) and their operations.
        self.ref = _Search(bounds, self.catalogue)
        nq, no = bounds.queue_items, bounds.other_items
        self.drain = nq + no
        tasks = self.ref.tasks
        self.width = nq + no + len(_FIXED) if tasks is None else tasks.end
        self.task_ids = bounds.sends + bounds.recvs + bounds.waiters
        self.slots = _POLLS + 2 * self.task_ids if tasks is not None else _CLOSE + 1
        self.witnesses = self.ref.witnesses
        # Counters above the subject id: queue, other, send, recv, notified.
        limits = (nq, no, bounds.sends, bounds.recvs, bounds.waiters)
        self.shifts: list[int] = []
        shift = 64
        for limit in reversed(limits):
            shift -= max(1, limit.bit_length())
            self.shifts.insert(0, shift)
        self.sid_bits = min(self.shifts)
        require_fit(bounds)
        self.subjects: list[Subject] = []
        self.ids: dict[Subject, int] = {}
        self.to = np.full((1024, self.width), _NONE, dtype=np.int64)
        self.breaks = np.zeros((1024, self.width), dtype=np.uint64)
        self.reaches = np.zeros((1024, self.width), dtype=np.uint64)
        self.state_breaks = np.zeros(1024, dtype=np.uint64)
        # Per subject: which receiver moves (bit per slot) and `recv` start are enabled,
        # which tasks may be polled (bit t-1), and whether it is dropped (off-contract).
        self.moves_ok = np.zeros(1024, dtype=np.uint64)
        self.pollable = np.zeros(1024, dtype=np.uint64)
        self.dropped = np.zeros(1024, dtype=np.bool_)
        self.failed: dict[str, _First] = {}
        self.reached: dict[str, _First] = {}
        self.failed_bits = self.reached_bits = 0
        self.made: dict[int, _Made] = {}
        self.receiver_moves = [
            (slot, self.ref.op_of(self.drain + action).name)
            for slot, action in ((_RECV, 1), (_DROP, 2), (_CLOSE, 3))
        ]
        self.off_contract: _First | None = None
        self.parents: list[npt.NDArray[np.uint32]] = [np.zeros(1, dtype=np.uint32)]
        self.columns: list[npt.NDArray[np.uint16]] = [np.zeros(1, dtype=np.uint16)]

    # ---- subjects and pairs: the model's functions, once each ----------------------------

    def intern(self, s: Subject) -> int:
        """The id of `s`; a new subject is checked against every state entry."""
        sid = self.ids.get(s)
        if sid is not None:
            return sid
        sid = self.ids[s] = len(self.subjects)
        self.subjects.append(s)
        if sid == len(self.state_breaks):
            self._grow()
        bad = 0
        for bit, prop in enumerate(self.catalogue):
            if prop.on_state is not None and not prop.on_state(s):
                bad |= 1 << bit
        self.state_breaks[sid] = bad
        receiver = s.channel.receiver
        allowed = model.enabled(s)
        ok = 0
        for slot, name in self.receiver_moves:
            if name in allowed and (slot != _CLOSE or receiver is ReceiverState.OPEN):
                ok |= 1 << slot
        if self.ref.tasks is not None:
            if model.TaskOpName.RECV in model.enabled_tasks(s):
                ok |= 1 << _TASK_RECV
            self.pollable[sid] = sum(1 << (t - 1) for t in model.pollable_tasks(s))
        self.moves_ok[sid] = ok
        self.dropped[sid] = not ok & 0b111000 and _probe(s)
        return sid

    def _grow(self) -> None:
        n = 2 * len(self.state_breaks)
        for name in ("to", "breaks", "reaches"):
            old = getattr(self, name)
            new = np.full((n, self.width), _NONE if name == "to" else 0, dtype=old.dtype)
            new[: len(old)] = old
            setattr(self, name, new)
        for name in ("state_breaks", "moves_ok", "pollable", "dropped"):
            old = getattr(self, name)
            new = np.zeros(n, dtype=old.dtype)
            new[: len(old)] = old
            setattr(self, name, new)

    def step(self, sid: int, column: int) -> None:
        """Step pair (`sid`, `column`) with the model and check it: fills its table cells.

        Entries and witnesses already found at an earlier level or chunk are not asked
        again: nothing found later can come before them."""
        s = self.subjects[sid]
        made = self.made.get(column)
        if made is None:
            made = self.made[column] = self._make(column)
        op, function, checks, sought = made
        transition = function(s)
        moment = Moment(s, op, transition)
        bad = 0
        for bit, on_step in checks:
            if not on_step(moment):
                bad |= bit
        reached = 0
        if sought:
            answer = transition.answer
            kind = kind_polled(s, op) if isinstance(op, TaskOp) else None
            for bit, w in sought:
                if w.matches(answer) and (w.kind is None or kind is w.kind):
                    reached |= bit
        # Many moves change nothing (QueueFull, pending again, NoTask): the same object.
        to = sid if transition.state is s else self.intern(transition.state)
        self.to[sid, column] = to
        self.breaks[sid, column] = bad
        self.reaches[sid, column] = reached

    def _make(self, column: int) -> _Made:
        op = self.ref.op_of(column)
        # Only what is still sought: `made` is emptied whenever something is first found.
        failed, reached = self.failed_bits, self.reached_bits
        checks = [
            (1 << bit, p.on_step)
            for bit, p in enumerate(self.catalogue)
            if p.on_step is not None and not failed >> bit & 1
        ]
        sought = [
            (1 << bit, w)
            for bit, w in enumerate(self.witnesses)
            if w.op is op.name and not reached >> bit & 1
        ]
        return op, self.ref.step_of(column), checks, sought

    # ---- the search on arrays --------------------------------------------------------------

    def initial(self) -> int:
        """The initial state's key (its subject interned; counters 0)."""
        return self.intern(model.new(self.bounds.capacity, self.bounds.cap))

    def counters(self, keys: U64) -> list[_I64]:
        """The counters of `keys`: queue, other, send, recv and notified."""
        tops = [*self.shifts[1:], 64]
        return [
            ((keys >> np.uint64(lo)) & np.uint64((1 << (hi - lo)) - 1)).astype(np.int64)
            for lo, hi in zip(self.shifts, tops, strict=True)
        ]

    def moves(self, keys: U64) -> tuple[_I64, npt.NDArray[np.bool_], U64]:
        """The (state, slot) matrices of `keys`' moves: the column (action) of each slot,
        whether it is enabled, and what it adds to the key's counters."""
        n, b = len(keys), self.bounds
        sid = (keys & np.uint64((1 << self.sid_bits) - 1)).astype(np.int64)
        queued, others, sent, received, waited = self.counters(keys)
        cols = np.zeros((n, self.slots), dtype=np.int64)
        on = np.zeros((n, self.slots), dtype=np.bool_)
        add = np.zeros(self.slots, dtype=np.uint64)
        ok = self.moves_ok[sid]
        cols[:, _ENQUEUE], on[:, _ENQUEUE] = queued, queued < b.queue_items
        cols[:, _DRAIN], on[:, _DRAIN] = self.drain, True
        cols[:, _TRY_SEND] = b.queue_items + others
        on[:, _TRY_SEND] = others < b.other_items
        for slot, action in ((_RECV, 1), (_DROP, 2), (_CLOSE, 3)):
            cols[:, slot] = self.drain + action
            on[:, slot] = (ok >> np.uint64(slot)) & np.uint64(1) != 0
        add[_ENQUEUE], add[_TRY_SEND] = 1 << self.shifts[0], 1 << self.shifts[1]
        tasks = self.ref.tasks
        if tasks is not None:
            cols[:, _SEND], on[:, _SEND] = tasks.first + sent, sent < b.sends
            cols[:, _TASK_RECV] = tasks.recv
            on[:, _TASK_RECV] = (received < b.recvs) & ((ok >> np.uint64(_TASK_RECV)) & 1 != 0)
            cols[:, _NOTIFIED], on[:, _NOTIFIED] = tasks.notified, waited < b.waiters
            cols[:, _NOTIFY_ONE], on[:, _NOTIFY_ONE] = tasks.notify_one, b.waiters > 0
            add[_SEND], add[_TASK_RECV] = 1 << self.shifts[2], 1 << self.shifts[3]
            add[_NOTIFIED] = 1 << self.shifts[4]
            pollable = self.pollable[sid]
            for t in range(self.task_ids):
                can = (pollable >> np.uint64(t)) & np.uint64(1) != 0
                for c in (0, 1):
                    cols[:, _POLLS + 2 * t + c] = tasks.polls + 2 * t + c
                    on[:, _POLLS + 2 * t + c] = can
        return cols, on, add

    def expand(self, keys: U64) -> tuple[_I64, npt.NDArray[np.bool_], U64]:
        """Every move of `keys`: the (state, slot) matrices of columns, enabled, and the
        key each leads to (meaningless where not enabled). Steps with the model, first,
        every pair that has not been stepped yet."""
        cols, on, add = self.moves(keys)
        sid = (keys & np.uint64((1 << self.sid_bits) - 1)).astype(np.int64)
        sids = np.broadcast_to(sid[:, None], cols.shape)
        todo = on & (self.to[sids, cols] == _NONE)
        if todo.any():
            pairs = np.unique(sids[todo] * self.width + cols[todo])
            for pair in pairs.tolist():
                self.step(*divmod(pair, self.width))
        to = self.to[sids, cols]
        base = keys & ~np.uint64((1 << self.sid_bits) - 1)
        after = base[:, None] + add[None, :] + np.where(on, to, 0).astype(np.uint64)
        return cols, on, after

    def run(
        self,
        max_seconds: float | None,
        max_memory: int | None,
        tick: Callable[[int], None] | None,
        budget: Budget | None,
    ) -> Exploration:
        start = time.perf_counter()
        deadline = None if max_seconds is None else start + max_seconds
        result = Exploration(self.bounds, engine="packed")
        init = self.initial()
        for bit, prop in enumerate(self.catalogue):
            if int(self.state_breaks[init]) >> bit & 1:
                self.failed[prop.name] = _First(0, 0, None)
                self.failed_bits |= 1 << bit
        frontier = np.array([init], dtype=np.uint64)
        visited = _Visited(self.sid_bits)
        visited.add(frontier)
        level = 0
        stopped: str | None = None
        while frontier.size and stopped is None:
            found, parents, columns = [], [], []
            for lo in range(0, len(frontier), LEVEL_CHUNK):
                chunk = frontier[lo : lo + LEVEL_CHUNK]
                stopped = self._budget(deadline, max_seconds, max_memory, budget, len(chunk))
                if stopped is None:
                    try:
                        new, parent, column, moves = self._level_chunk(level, lo, chunk, visited)
                    except KeyboardInterrupt:
                        if budget is not None:
                            budget.interrupt()
                        stopped = "interrupted"
                if stopped is not None:
                    stopped += f" (at depth {level}, {len(visited):,} states found)"
                    break
                result.transitions += moves
                found.append(new)
                parents.append(parent + np.uint32(lo))
                columns.append(column)
                if tick is not None:
                    tick(len(visited))
            frontier = np.concatenate(found) if found else np.zeros(0, dtype=np.uint64)
            if frontier.size:
                self.parents.append(np.concatenate(parents))
                self.columns.append(np.concatenate(columns))
                level += 1
        result.states, result.depth = len(visited), level
        result.complete, result.stopped = stopped is None, stopped
        result.outcomes = [
            ExploreOutcome(p, self._trace(self.failed.get(p.name), p.name)) for p in self.catalogue
        ]
        result.reaches = [
            Reach(w, self._trace(self.reached.get(w.name), w.name)) for w in self.witnesses
        ]
        off = self._trace(self.off_contract, "off-contract")
        result.reaches.append(Reach(OFF_CONTRACT, off, off_contract=True))
        result.seconds = time.perf_counter() - start
        result.peak_rss = peak_rss()
        return result

    def _budget(
        self,
        deadline: float | None,
        max_seconds: float | None,
        max_memory: int | None,
        budget: Budget | None,
        chunk: int,
    ) -> str | None:
        if deadline is not None and time.perf_counter() > deadline:
            return f"time budget of {max_seconds:g} s ran out"
        if max_memory is not None:
            # The chunk's (state, slot) matrices, about ten words a cell, twice over.
            need = rss() + chunk * self.slots * 160
            if need > max_memory:
                return f"memory budget of {max_memory:,} bytes would be exceeded"
        return None if budget is None else budget.exhausted()

    def _level_chunk(
        self, level: int, offset: int, keys: U64, visited: _Visited
    ) -> tuple[U64, npt.NDArray[np.uint32], npt.NDArray[np.uint16], int]:
        """Check and expand `keys` (states `offset`.. of `level`); merge the new states
        into `visited`. Returns them in the order the reference finds them, their
        parents (indices into `keys`) and columns, and the transitions counted."""
        sid = (keys & np.uint64((1 << self.sid_bits) - 1)).astype(np.int64)
        if self.off_contract is None and self.dropped[sid].any():
            self.off_contract = _First(level, offset + int(self.dropped[sid].argmax()), None)
        cols, on, after = self.expand(keys)
        sids = np.broadcast_to(sid[:, None], cols.shape)
        to = (after & np.uint64((1 << self.sid_bits) - 1)).astype(np.int64)
        # Which entries each move breaks: its pair's step, or its (new) subject's state.
        bad = np.where(on, self.breaks[sids, cols] | self.state_breaks[to], np.uint64(0))
        names = [p.name for p in self.catalogue]
        failed = self._firsts(bad, names, self.failed, level, offset, cols)
        hit = np.where(on, self.reaches[sids, cols], np.uint64(0))
        names = [w.name for w in self.witnesses]
        reached = self._firsts(hit, names, self.reached, level, offset, cols)
        if failed or reached:
            self.failed_bits |= failed
            self.reached_bits |= reached
            self.made.clear()
        flat, where = after.ravel(), np.flatnonzero(on.ravel())
        unique, first = np.unique(flat[where], return_index=True)
        new = visited.add(unique)
        order = np.sort(where[first[new]])
        parent = (order // self.slots).astype(np.uint32)
        column = cols.ravel()[order].astype(np.uint16)
        return flat[order], parent, column, int(np.count_nonzero(on))

    def _firsts(
        self,
        bits: U64,
        names: list[str],
        table: dict[str, _First],
        level: int,
        offset: int,
        cols: _I64,
    ) -> int:
        """Record, for each entry (by bit, named `names[bit]`) whose bit is set somewhere
        in `bits` and which `table` has no first for yet, the first (state, slot) that
        sets it. Returns the bits of the entries recorded."""
        seen = int(np.bitwise_or.reduce(bits, axis=None)) if bits.size else 0
        recorded = 0
        for bit, name in enumerate(names):
            if seen >> bit & 1 and name not in table:
                at = int(np.argmax((bits.ravel() >> np.uint64(bit)) & np.uint64(1)))
                state, slot = divmod(at, self.slots)
                table[name] = _First(level, offset + state, int(cols[state, slot]))
                recorded |= 1 << bit
        return recorded

    def _trace(self, first: _First | None, label: str) -> Trace | None:
        if first is None:
            return None
        path = path_to(self.parents, self.columns, first.level, first.index)
        ops = [self.ref.op_of(column) for column in path]
        if label == "off-contract":
            ops.append(self.ref.op_of(self.drain + 1))
        elif first.column is not None:
            ops.append(self.ref.op_of(first.column))
        return trace_of(self.bounds, tuple(ops), label)


def _probe(s: Subject) -> bool:
    """True when `try_recv`, asked off-contract, answers as `OFF_CONTRACT` expects."""
    return OFF_CONTRACT.matches(model.try_recv(s).answer)
