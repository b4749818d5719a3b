"""One schedule, step by step: the real loops on a controlled loop, the model in lockstep,
every property checked after every step."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from types import FrameType
from typing import Any

from tidegate.impl.reports import ReaderEnd
from tidegate.model import protocol
from tidegate.model.protocol import is_fault_step
from tidegate.proofs.interleave.coverage import Kind, kinds, start_of
from tidegate.proofs.interleave.properties import (
    Finding,
    InterleaveProperty,
    awaits_channel,
    disconnect_with_room,
    lost_wakeup,
    out_of_order,
    room_and_backlog,
    silent_losses,
    stranded,
    unannounced_slot,
)
from tidegate.proofs.interleave.world import REFERENCE_LOOPS, Loops, Scenario, World

Obs = tuple[Any, ...]


@dataclass(frozen=True)
class Event:
    """A property broken or a finding shown, after `step` steps of `schedule`."""

    what: InterleaveProperty | Finding
    step: int
    detail: str


class Run:
    """A fresh world, driven one role-step at a time (`step`), checked after each."""

    def __init__(
        self, scenario: Scenario, loops: Loops = REFERENCE_LOOPS, *, with_model: bool
    ) -> None:
        self.scenario = scenario
        self.world = World(scenario, loops)
        self.model: protocol.ProtocolState | None = None
        if with_model:
            self.model = start_of(scenario)
        self.schedule: list[str] = []
        self.covered: set[Kind] = set()
        """The kinds of step the model took in lockstep (`tidegate.proofs.interleave.coverage`)."""
        self.violations: dict[InterleaveProperty, Event] = {}
        self.findings: dict[Finding, Event] = {}
        self.finished = False
        self.stuck: list[str] = []
        self._spill: tuple[list[int], int, int] | None = None
        self.starved_seen = False
        self._coalesced = False
        self._cancel_freed = False
        self._seen = 0
        self._after_step()

    def discard(self) -> None:
        """End an unfinished run's tasks quietly (abandoned prefixes of an exploration)."""
        if not self.finished:
            self.world.cancel_rest()

    def runnable(self) -> list[str]:
        """The roles that can step now, then the fault steps the consumer can take."""
        if self.finished:
            return []
        return self.world.loop.runnable() + self.world.fault_steps()

    def step(self, role: str, *, check: bool = True) -> None:
        """Run `role`'s next step, or the fault step `role` (KeyError if it cannot run),
        then check everything.

        With `check` False (replaying a prefix already checked) only the bookkeeping
        runs, and the model is not stepped.
        """
        w = self.world
        permit, pings, free = w.notify.has_permit, w.consumer_report.pings, _free(w)
        if is_fault_step(role):
            w.take_fault(role)
        else:
            w.loop.step(role)
        self.schedule.append(role)
        if (role == "C" or is_fault_step(role)) and permit and w.consumer_report.pings > pings:
            self._coalesced = True  # this ping found the permit already stored
        if role.startswith("KP") and _free(w) > free:
            self._cancel_freed = True  # a cancelled send gave its slot back: no ping says so
        if self.model is not None and check:
            before, self.model = self.model, protocol.step(self.model, role)
            self.covered |= kinds(before, role, self.model)
        self._after_step(check)

    def _after_step(self, check: bool = True) -> None:
        w = self.world
        while True:
            if check:
                self._note(InterleaveProperty.NEVER_AWAITS_CHANNEL, awaits_channel(w))
                if self.model is not None:
                    self._note(InterleaveProperty.MATCHES_MODEL, self._compare())
            self._monitor(check)
            if w.loop.runnable():
                return
            if check:
                self._note(self._wakeup_rule(), lost_wakeup(w))
            if not w.loop.advance():
                break
            if self.model is not None and check:
                self._note(InterleaveProperty.MATCHES_MODEL, "the implementation waited on a timer")
        self._finish()

    def _finish(self) -> None:
        w = self.world
        if not w.all_done():
            self.stuck = w.cancel_rest()
            self._note(Finding.STRANDED, stranded(w, self.stuck))
        self._note(InterleaveProperty.ORDER, out_of_order(w))
        self._note(InterleaveProperty.NO_SILENT_LOSS, silent_losses(w))
        self.finished = True

    def _monitor(self, check: bool) -> None:
        w = self.world
        rr = w.reader_report
        delivered = w.consumer_report.delivered
        fresh, self._seen = delivered[self._seen :], len(delivered)
        if self._spill is not None:
            self._spill[0].extend(fresh)
        if not w.loop.task("R").done():
            if not w.queue.backlog():
                self._spill = None
            elif self._spill is None:
                self._spill = ([], rr.notifications, rr.drained)
        if not room_and_backlog(w):
            self._coalesced = self._cancel_freed = False
        if check:
            unannounced = unannounced_slot(w)
            if self._coalesced:
                self._note(Finding.COALESCED, unannounced)
            else:
                self._note(self._wakeup_rule(), unannounced)
            self._note(Finding.DISCONNECT_WITH_ROOM, disconnect_with_room(w))
        if rr.end is ReaderEnd.DISCONNECT and self._spill is not None and not self.starved_seen:
            self.starved_seen = True
            got, pings, drained = self._spill
            producers_only = bool(got) and all(x > 100 for x in got)
            if producers_only and rr.notifications > pings and rr.drained == drained:
                self._note(
                    Finding.STARVED,
                    f"after the backlog filled, the consumer received only {got} (other "
                    f"producers'); the reader's {rr.notifications - pings} drain(s) found "
                    f"the channel full every time, and it disconnected with backlog {rr.left}",
                )

    def _wakeup_rule(self) -> InterleaveProperty | Finding:
        """Where a wake-up missing now belongs: the seed's design shows it after a cancelled
        send gave its slot back (a finding); otherwise it breaks a property."""
        return Finding.CANCELLED_SLOT if self._cancel_freed else InterleaveProperty.NO_LOST_WAKEUP

    def _note(self, what: InterleaveProperty | Finding, detail: str | None) -> None:
        if detail is None:
            return
        table: dict[Any, Event] = (
            self.violations if isinstance(what, InterleaveProperty) else self.findings
        )
        if what not in table:
            table[what] = Event(what, len(self.schedule), detail)

    # --- observation, for the model comparison and the state key --------------------

    def observe(self) -> Obs:
        """What the model must agree on: buffer, backlog, permit, reports, who can run."""
        w = self.world
        rr, cr = w.reader_report, w.consumer_report
        reader_end = rr.end.value if rr.end is not None else None
        consumer_end = cr.end.value if cr.end is not None else None
        return (
            tuple(w.rx.buffered()),
            w.queue.backlog(),
            w.notify.has_permit,
            tuple(self.runnable()),
            tuple(cr.delivered),
            tuple(cr.discarded),
            tuple(cr.failed),
            w.rx.status.value,
            consumer_end,
            reader_end,
            tuple(rr.accepted),
            tuple(rr.refused),
            tuple(rr.lost),
            tuple(rr.left) if reader_end else (),
            tuple(rr.unhandled),
            tuple((tuple(p.sent), tuple(p.refused)) for p in w.producer_reports),
        )

    def model_observe(self) -> Obs:
        s = self.model
        assert s is not None
        r, c = s.reader, s.consumer
        ended = c.pos in (
            protocol.ConsumerPos.END_OF_STREAM,
            protocol.ConsumerPos.STOPPED,
            protocol.ConsumerPos.CANCELLED,
        )
        return (
            s.subject.channel.buffer,
            s.subject.queue.backlog,
            s.permit,
            protocol.runnable(s),
            c.delivered,
            c.discarded,
            c.failed,
            s.subject.channel.receiver.value,
            c.pos.value if ended else None,
            r.end.value if r.end is not None else None,
            r.accepted,
            r.refused,
            r.lost,
            r.left,
            r.unhandled,
            tuple((p.sent, p.refused) for p in s.producers),
        )

    def _compare(self) -> str | None:
        got, want = self.observe(), self.model_observe()
        if got == want:
            return None
        names = [
            "buffer",
            "backlog",
            "permit",
            "runnable",
            "delivered",
            "discarded",
            "failed",
            "receiver",
            "consumer_end",
            "reader_end",
            "accepted",
            "refused",
            "lost",
            "left",
            "unhandled",
            "producers",
        ]
        diffs = [
            f"{n}: impl {g!r}, model {m!r}"
            for n, g, m in zip(names, got, want, strict=True)
            if g != m
        ]
        return "; ".join(diffs)

    def key(self) -> object:
        """Everything that decides what can happen next (for pruning repeated states)."""
        w = self.world
        tasks = [w.loop.task(role) for role in w.roles]
        for role in w.roles:
            tasks.extend(w.loop.subtasks(role))
        frames = tuple((t.done(), _frames(t)) for t in tasks)
        spill = None
        if self._spill is not None:
            got, pings, drained = self._spill
            rr = w.reader_report
            spill = (
                bool(got),
                all(x > 100 for x in got),
                rr.notifications > pings,
                rr.drained > drained,
            )
        return (
            self.observe(),
            self.model,
            frames,
            w.wire.pending(),
            spill,
            self._coalesced,
            self._cancel_freed,
            tuple(sorted(w.faults_left)),
            w.processing,
        )


def _free(world: World) -> int:
    """The channel's free slots while the reader lives (its sender is dropped when it ends,
    and a free slot matters only to it), else 0."""
    return 0 if world.loop.task("R").done() else world.tx.capacity()


def _frames(task: Any) -> tuple[Any, ...]:
    out: list[Any] = []
    coro = task.get_coro()
    while coro is not None:
        frame: FrameType | None = getattr(coro, "cr_frame", None) or getattr(coro, "gi_frame", None)
        if frame is None:
            break
        local = tuple(sorted((k, _freeze(v)) for k, v in frame.f_locals.items()))
        out.append((frame.f_code.co_name, frame.f_lasti, local))
        coro = getattr(coro, "cr_await", None) or getattr(coro, "gi_yieldfrom", None)
    return tuple(out)


def _freeze(value: object) -> object:
    if value is None or isinstance(value, bool | int | float | str | enum.Enum):
        return value
    if isinstance(value, list | tuple) and all(isinstance(v, int) for v in value):
        return tuple(value)
    return type(value).__name__
