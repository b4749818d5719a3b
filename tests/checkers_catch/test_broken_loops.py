"""Broken reader and consumer loops, and a broken protocol model, each caught by the
interleaving explorer with a minimal schedule that replays."""

from __future__ import annotations

import contextlib
from dataclasses import replace

import pytest

from tests.support import broken_loops
from tidegate.model import protocol
from tidegate.proofs.interleave.explore import explore_all, run_schedule
from tidegate.proofs.interleave.properties import InterleaveProperty
from tidegate.proofs.interleave.schedule import format_schedule
from tidegate.proofs.interleave.world import ConsumerLoop, Loops, ReaderLoop, Scenario

TIGHT = Scenario.parse("capacity=1,cap=1,wire=3")


@pytest.mark.parametrize(
    ("consumer", "reader", "broken"),
    [
        (broken_loops.consumer_pings_before_receiving, None, InterleaveProperty.NO_LOST_WAKEUP),
        (None, broken_loops.reader_drains_on_a_timer, InterleaveProperty.NO_LOST_WAKEUP),
        (broken_loops.consumer_forgets_every_second_item, None, InterleaveProperty.NO_SILENT_LOSS),
        (None, broken_loops.reader_sends_around_its_backlog, InterleaveProperty.ORDER),
        (None, broken_loops.reader_awaits_the_channel, InterleaveProperty.NEVER_AWAITS_CHANNEL),
    ],
    ids=["pings-first", "timer-drain", "forgets", "overtakes", "awaits-send"],
)
def test_broken_loops_are_caught_with_a_replayable_schedule(
    consumer: ConsumerLoop | None, reader: ReaderLoop | None, broken: InterleaveProperty
) -> None:
    loops = Loops(name="broken")
    if consumer is not None:
        loops = replace(loops, consumer=consumer)
    if reader is not None:
        loops = replace(loops, reader=reader)
    ex = explore_all(TIGHT, loops)
    assert broken in ex.violations
    witness = ex.violations[broken]
    again = run_schedule(TIGHT, witness.schedule, loops)
    again.discard()
    assert broken in again.violations
    # Shrunk: no single step can be dropped and still show it.
    for i in range(len(witness.schedule)):
        shorter = witness.schedule[:i] + witness.schedule[i + 1 :]
        with contextlib.suppress(KeyError):  # dropping that step made a later one impossible
            shorter_run = run_schedule(TIGHT, shorter, loops)
            shorter_run.discard()
            assert broken not in shorter_run.violations


def test_a_model_that_disagrees_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(protocol, "_notify_one", broken_loops.protocol_notify_forgets_the_permit)
    ex = explore_all(TIGHT)
    assert InterleaveProperty.MATCHES_MODEL in ex.violations
    assert "permit" in ex.violations[InterleaveProperty.MATCHES_MODEL].event.detail


def test_a_consumer_that_fails_its_pings_after_a_processing_error_needs_the_fault_to_show() -> None:
    # Without a processing error it is the real consumer: every property holds. With the
    # fault step E its dead-lettering frees a slot nobody announces: a lost wake-up.
    loops = Loops(consumer=broken_loops.consumer_dead_letters_after_a_failure, name="broken")
    quiet = explore_all(TIGHT, loops)
    assert quiet.exhausted and not quiet.violations
    faulty = replace(TIGHT, faults=("E",))
    ex = explore_all(faulty, loops)
    witness = ex.violations[InterleaveProperty.NO_LOST_WAKEUP]
    assert format_schedule(witness.schedule) == "W:3.R:2.C.R:2.E"
    again = run_schedule(faulty, witness.schedule, loops)
    again.discard()
    assert InterleaveProperty.NO_LOST_WAKEUP in again.violations


def test_a_reader_that_loses_its_unhandled_reads_when_cancelled_needs_the_cancel_to_show() -> None:
    # Without cancellation it is the real reader. Cancelled (KR) with an item read from the
    # wire and not yet handled, it reports that item nowhere: a silent loss.
    loops = Loops(reader=broken_loops.reader_forgets_what_it_read_when_cancelled, name="broken")
    wire_only = Scenario.parse("capacity=1,cap=1,wire=2")
    assert not explore_all(wire_only, loops).violations
    cancelled = replace(wire_only, faults=("K",))
    ex = explore_all(cancelled, loops)
    witness = ex.violations[InterleaveProperty.NO_SILENT_LOSS]
    assert format_schedule(witness.schedule) == "W:3.R.KR.C"  # to its end: checked there
    assert "read from the wire" in witness.event.detail
