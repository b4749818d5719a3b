"""The stateful differential: the model and an implementation, in lockstep, step by step.

`Differential` is a hypothesis `RuleBasedStateMachine`. Each program starts one
subject of each kind with the same capacity and cap, then runs the same
operations on both — the queue's, the other producer's, the receiver's, and
the tasks of v2 (start a `send`, `recv` or `notified`, `notify_one`, `poll` or
`cancel` any pending task, in any order) — and fails as soon as they answer
differently. After every step it also compares the whole observable state
(channel buffer, backlog, free slots, receiver; the pending tasks, which of
them a poll would complete, the Notify's permit), the items each reported
discarded, each side's ghost ledger (`tidegate.proofs.differential.ledger`: a
parked send's item is nowhere until the send answers ok, and an item reported
unsent is never delivered), and the catalogue's invariants on the model.

A failure carries the run so far as one PROTOCOL.md trace (the model's
answers as results), followed by observations (`len`, `has_pending`,
`capacity`, then receives) that expose any difference in state, and the
trace is replayed on a fresh implementation at once (`poll` of every pending
task and a `notified` are among the observations): `DifferentialFailure`
when the replay diverges (the trace shows the bug to any subject, through
`tidegate replay` or an adapter), `UnobservableFailure` when it does not (the
difference lies where no PROTOCOL.md operation can look). Hypothesis shrinks
each kind separately and reports both.

Use it from pytest as `Differential.TestCase`, or with `run_differential`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, cast

from hypothesis import HealthCheck, Phase, settings
from hypothesis import seed as use_seed
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from tidegate import model
from tidegate.model import (
    DISPATCH_BACKLOG_CAP,
    EVENT_BACKLOG_CAP,
    I64_MAX,
    I64_MIN,
    Ok,
    Op,
    OpName,
    ReceiverState,
    Subject,
    TaskOp,
    TaskOpName,
    Transition,
)
from tidegate.proofs.differential.ledger import Ledger
from tidegate.proofs.explore.properties import INVARIANTS, Moment
from tidegate.proofs.protocol.queue_class import QueueFactory, QueueRunner
from tidegate.proofs.protocol.subjects import ChannelFactory, ModelRunner, Runner
from tidegate.proofs.protocol.traces import Step, Trace
from tidegate.proofs.recordings.replay import replay_trace

CAPACITIES = st.one_of(st.integers(1, 3), st.integers(1, 64))
"""Channel capacities 1..64, small ones (where the interesting cases are) drawn more often."""

CAPS = st.one_of(st.sampled_from([DISPATCH_BACKLOG_CAP, EVENT_BACKLOG_CAP]), st.integers(0, 64))
"""Backlog caps 0..64, with the seed's own 8 and 32 drawn about half the time."""

LIVES = st.one_of(st.integers(0, 16), st.integers(0, 400))
"""Steps before the receiver may close or drop: often early, sometimes never in a run."""

ITEMS = st.integers(I64_MIN, I64_MAX)
"""Items over the whole signed 64-bit range (made distinct per program, see `_fresh`)."""

BATCHES = st.lists(ITEMS, min_size=1, max_size=4)
"""Items a producer sends in one rule: batches fill the channel and the backlog within
short programs, where one item per rule would leave most programs far from full."""

STARTS = (TaskOpName.SEND, TaskOpName.RECV, TaskOpName.NOTIFIED, TaskOpName.NOTIFY_ONE)
"""The task operations that name no task. Two rules carry every task operation, so that
the v1 operations keep most of the choices (and a broken queue is found about as fast)."""

PICKS = st.integers(0, 255)
"""Which pending task a `poll` or `cancel` names (modulo their number: 0, the oldest, is
what shrinking tends to); from 240 up it names an id that is not pending (NoTask)."""

OBSERVERS = (OpName.HAS_PENDING, OpName.LEN, OpName.CAPACITY)

# Invariants that hold for any items; `order` needs the exploration's numbering and is
# checked here by the ledger instead.
GENERIC_INVARIANTS = tuple(p for p in INVARIANTS if not p.canonical_items)


class DifferentialFailure(AssertionError):
    """Raised when the implementation and the model part ways where a trace shows it:
    `trace` replayed against the implementation diverges as `replay` says."""

    def __init__(self, reason: str, trace: Trace, replay: str) -> None:
        super().__init__(f"{reason}\ntrace: {trace.to_json()}\nreplayed on the subject: {replay}")
        self.reason = reason
        self.trace = trace
        self.replay = replay


class UnobservableFailure(DifferentialFailure):
    """Raised when a check fails that no PROTOCOL.md trace can show: the same answers
    but a different internal state or different discards (e.g. in a backlog the
    closed channel keeps from the receiver), or a property the model itself broke."""


@dataclass
class Tally:
    """How much a sequence of runs covered: programs started, steps taken, and when
    (`time.perf_counter()`, after how many programs) a check first failed."""

    programs: int = 0
    steps: int = 0
    task_steps: int = 0
    """Of `steps`, the task operations (v2)."""
    first_failure: float | None = None
    programs_to_failure: int | None = None


class Differential(RuleBasedStateMachine):
    """Model and implementation in lockstep; see the module docstring."""

    def __init__(
        self,
        queue_factory: QueueFactory | None = None,
        tally: Tally | None = None,
        channel_factory: ChannelFactory | None = None,
    ) -> None:
        super().__init__()
        self.model = ModelRunner()
        self.impl = QueueRunner(queue_factory, channel_factory)
        self.ledgers = {"model": Ledger(), "impl": Ledger()}
        self.steps: list[Step] = []
        self.used: set[int] = set()
        self.capacity = self.cap = self.receiver_lives = 0
        self.tally = tally
        if tally is not None:
            tally.programs += 1

    # ---- rules ---------------------------------------------------------------------------

    @initialize(capacity=CAPACITIES, cap=CAPS, receiver_lives=LIVES)
    def new(self, capacity: int, cap: int, receiver_lives: int) -> None:
        """Start both subjects; the receiver may close or drop after `receiver_lives` steps."""
        self.capacity, self.cap, self.receiver_lives = capacity, cap, receiver_lives
        self.model.reset(capacity, cap)
        self.impl.reset(capacity, cap)

    @rule(items=BATCHES)
    def enqueue_or_send(self, items: list[int]) -> None:
        """The queue's enqueue_or_send, once per item, in order."""
        for item in items:
            self._step(Op(OpName.ENQUEUE_OR_SEND, self._fresh(item)))

    @rule()
    def try_drain_one(self) -> None:
        self._step(Op(OpName.TRY_DRAIN_ONE))

    @rule(items=BATCHES)
    def try_send(self, items: list[int]) -> None:
        """The other producer's try_send on the same channel, once per item, in order."""
        for item in items:
            self._step(Op(OpName.TRY_SEND, self._fresh(item)))

    @precondition(lambda self: self._enabled(OpName.TRY_RECV))
    @rule()
    def try_recv(self) -> None:
        self._step(Op(OpName.TRY_RECV))

    @precondition(lambda self: self._may_end(OpName.CLOSE))
    @rule()
    def close(self) -> None:
        self._step(Op(OpName.CLOSE))

    @precondition(lambda self: self._may_end(OpName.DROP_RECEIVER))
    @rule()
    def drop_receiver(self) -> None:
        self._step(Op(OpName.DROP_RECEIVER))

    @rule(name=st.sampled_from(STARTS), item=ITEMS)
    def start_task(self, name: TaskOpName, item: int) -> None:
        """Start a send (a fresh item), recv or notified task, or notify_one; nothing if the
        model does not enable it (`tidegate.model.enabled_tasks`: no recv after drop)."""
        if name in model.enabled_tasks(self._state()):
            self._step(TaskOp(name, item=self._fresh(item) if name.takes_item else None))

    @rule(pick=PICKS, cancel=st.booleans())
    def poll_or_cancel(self, pick: int, cancel: bool) -> None:
        """Poll or cancel a pending task (`tidegate.model.pollable_tasks`), or now and then
        an id that names no pending task (NoTask); a no-op when there is neither."""
        state = self._state()
        tasks = model.pollable_tasks(state)
        if pick >= 240 or not tasks:
            gone = [t for t in range(state.last_task + 2) if t not in state.task_ids]
            if pick < 240:
                return
            task = gone[pick % len(gone)]
        else:
            task = tasks[pick % len(tasks)]
        self._step(TaskOp(TaskOpName.CANCEL if cancel else TaskOpName.POLL, task=task))

    # ---- checks after every step ---------------------------------------------------------

    @invariant()
    def agree(self) -> None:
        """Same observers' answers, observable state and discards; both ledgers balance."""
        for observer in OBSERVERS:
            # Observers change nothing, so asking them here leaves the program as it was.
            expected, got = self.model.apply(Op(observer)), self.impl.apply(Op(observer))
            if expected != got:
                self._fail(f"{observer.value}: model answered {expected}, implementation {got}")
        model_view, impl_view = self.model.view(), self.impl.view()
        if model_view != impl_view:
            self._fail(f"state differs after the last step: model {model_view}, impl {impl_view}")
        if self.model.discarded != self.impl.discarded:
            self._fail(
                f"discarded items differ: model {self.model.discarded}, impl {self.impl.discarded}"
            )
        for side, view in (("model", model_view), ("impl", impl_view)):
            problems = self.ledgers[side].problems(view.buffer, view.backlog)
            if problems:
                self._fail(f"ledger of the {side}: " + "; ".join(problems))

    # ---- helpers -------------------------------------------------------------------------

    def _state(self) -> Subject:
        assert self.model.state is not None
        return self.model.state

    def _enabled(self, name: OpName) -> bool:
        """Whether the model enables `name` now (`tidegate.model.enabled`)."""
        return name in model.enabled(self._state())

    def _may_end(self, name: OpName) -> bool:
        """`name` (close or drop_receiver) is enabled and the receiver has lived long enough."""
        return self._enabled(name) and len(self.steps) >= self.receiver_lives

    def _fresh(self, item: int) -> int:
        """`item`, or the next unused value after it (wrapping), so items stay distinct."""
        while item in self.used:
            item = item + 1 if item < I64_MAX else I64_MIN
        self.used.add(item)
        return item

    def _step(self, op: Op | TaskOp) -> None:
        before = self.model.state
        assert before is not None
        lost_before = len(self.model.discarded)
        answer = self.model.apply(op)
        assert self.model.state is not None
        transition = Transition(self.model.state, answer, tuple(self.model.discarded[lost_before:]))
        self.steps.append(Step(op, answer))
        if self.tally is not None:
            self.tally.steps += 1
            self.tally.task_steps += isinstance(op, TaskOp)
        impl_lost_before = len(self.impl.discarded)
        try:
            got = self.impl.apply(op)
        except Exception as exc:
            self._fail(f"{op}: the implementation raised {type(exc).__name__}: {exc}")
        self.ledgers["model"].record(op, answer, transition.discarded)
        self.ledgers["impl"].record(op, got, self.impl.discarded[impl_lost_before:])
        if got != answer:
            self._fail(f"{op}: model answered {answer}, implementation answered {got}")
        for prop in GENERIC_INVARIANTS:
            ok_state = prop.on_state is None or prop.on_state(transition.state)
            # The catalogue's steps are v1 moments; the ledgers account for task steps.
            ok_step = (
                prop.on_step is None
                or not isinstance(op, Op)
                or prop.on_step(Moment(before, op, transition))
            )
            if not ok_state or not ok_step:
                self._fail(f"{op}: the model broke {prop.name} ({prop.statement})")

    def _fail(self, reason: str) -> Any:
        if self.tally is not None and self.tally.first_failure is None:
            self.tally.first_failure = time.perf_counter()
            self.tally.programs_to_failure = self.tally.programs
        trace = self.trace()
        diverged, replay = replayed(
            trace, QueueRunner(self.impl.factory, self.impl.channel_factory)
        )
        if diverged:
            raise DifferentialFailure(reason, trace, replay)
        raise UnobservableFailure(reason, trace, replay)

    def trace(self) -> Trace:
        """The run so far as a PROTOCOL.md trace, then observations that expose its state."""
        steps = list(self.steps)
        state = self.model.state
        if state is not None:
            steps.extend(_observations(state))
        return Trace(
            f"differential-{self.capacity}-{self.cap}-{len(self.steps)}",
            self.capacity,
            self.cap,
            tuple(steps),
        )


def _observations(s: Subject) -> list[Step]:
    """Steps whose model answers reveal `s`: the observers, what can be received, then
    (if tasks ran) a poll of every pending task, oldest first, a `notified` (is a permit
    stored?) and what can be received again.

    Receives empty the channel (unless dropped); with the receiver open, the
    backlog is then drained and received item by item. Only operations the model
    enables (`tidegate.model.enabled`, `enabled_tasks`: nothing is received after
    drop_receiver).
    """
    steps: list[Step] = []

    def do(op: Op | TaskOp) -> model.Answer:
        nonlocal s
        s, answer, _ = model.apply(s, op)
        steps.append(Step(op, answer))
        return answer

    def receive_all() -> None:
        if OpName.TRY_RECV in model.enabled(s):
            while isinstance(do(Op(OpName.TRY_RECV)), Ok):
                pass

    for name in OBSERVERS:
        do(Op(name))
    receive_all()
    if s.last_task > 0 or s.notify.permit:
        for task in model.pollable_tasks(s):
            do(TaskOp(TaskOpName.POLL, task=task))
        do(TaskOp(TaskOpName.NOTIFIED))
        receive_all()
    if OpName.TRY_RECV not in model.enabled(s):
        return steps
    while s.channel.receiver is ReceiverState.OPEN and do(Op(OpName.TRY_DRAIN_ONE)) == Ok(True):
        do(Op(OpName.TRY_RECV))
    return steps


def replayed(trace: Trace, runner: Runner) -> tuple[bool, str]:
    """Whether replaying `trace` on `runner` diverges, and a line saying how (or that it agrees)."""
    try:
        divergence = replay_trace(trace, runner)
    except Exception as exc:
        return True, f"raised {type(exc).__name__}: {exc}"
    if divergence is None:
        return False, f"agrees with all {len(trace.steps)} steps"
    return True, (
        f"diverges at step {divergence.step}: {divergence.op} expected "
        f"{divergence.expected}, got {divergence.got}"
    )


def sized(examples: int, steps: int) -> settings:
    """Settings for `examples` programs of up to `steps` steps, no database, no deadline."""
    return settings(
        max_examples=examples,
        stateful_step_count=steps,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        print_blob=False,
        # A divergence a trace can replay and one it cannot are reported side by side.
        report_multiple_bugs=True,
        # The explain phase reruns variations of the minimal program to annotate it; for a
        # machine this size it costs more than the shrinking and adds little to a trace.
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
    )


def run_differential(
    chosen: settings,
    seed: int,
    queue_factory: QueueFactory | None = None,
    tally: Tally | None = None,
    channel_factory: ChannelFactory | None = None,
) -> None:
    """Run the machine under `chosen` settings and `seed`; raises DifferentialFailure
    (with hypothesis's shrunk program in its `__notes__`) when a program fails.
    `channel_factory` replaces the implementation's channel (to see a broken one caught)."""
    tally = tally if tally is not None else Tally()

    def factory() -> Differential:
        return Differential(queue_factory, tally, channel_factory)

    # hypothesis accepts any factory of machines; its annotation says "class".
    machine = cast(type[RuleBasedStateMachine], use_seed(seed)(factory))
    run_state_machine_as_test(machine, settings=chosen)
