"""The interleaving explorer: the properties hold for the real loops at the default bounds,
each finding comes with a short replayable schedule, and broken loops are caught."""

from __future__ import annotations

import functools
import subprocess
import sys
from dataclasses import replace

import pytest

from tidegate.impl.channel import ReceiverStatus
from tidegate.impl.reports import ConsumerEnd, ReaderEnd
from tidegate.impl.variants import Variant
from tidegate.model.protocol import FAULTS
from tidegate.proofs.cli import main
from tidegate.proofs.core import Verdict
from tidegate.proofs.interleave.bounds import DEFAULT_SCENARIOS, SEED_FINDINGS
from tidegate.proofs.interleave.explore import (
    InterleaveExploration,
    InterleaveWitness,
    explore_all,
    explore_random,
    run_schedule,
    run_to_end,
)
from tidegate.proofs.interleave.properties import Finding, InterleaveProperty
from tidegate.proofs.interleave.run import Event
from tidegate.proofs.interleave.schedule import (
    format_replay,
    format_schedule,
    parse_replay,
    parse_schedule,
)
from tidegate.proofs.interleave.verdict import missing_seed_findings, summarize
from tidegate.proofs.interleave.world import Scenario


@functools.cache
def explored(scenario: Scenario) -> InterleaveExploration:
    """Each scenario is explored once for the whole module (the real loops only)."""
    return explore_all(scenario)


TIGHT = Scenario.parse("capacity=1,cap=1,wire=3")
COALESCE = Scenario.parse("capacity=3,cap=3,wire=6")
COMPETE = Scenario.parse("capacity=1,cap=1,wire=2,producers=2")
FAULTY = Scenario.parse("capacity=1,cap=2,wire=3,faults=E+S+X")
SMALL_FAULTY = Scenario.parse("capacity=1,cap=1,wire=2,faults=E+S+X")


@pytest.mark.parametrize("scenario", DEFAULT_SCENARIOS, ids=str)
def test_the_seed_keeps_every_property_at_the_default_bounds(scenario: Scenario) -> None:
    ex = explored(scenario)
    assert ex.exhausted and ex.complete > 0
    assert ex.violations == {}, {p.value: w.event.detail for p, w in ex.violations.items()}


def test_disconnect_with_room_is_found_with_a_minimal_schedule() -> None:
    ex = explored(TIGHT)
    witness = ex.findings[Finding.DISCONNECT_WITH_ROOM]
    # The wire delivers 1, 2, 3; the reader sends 1, spills 2; the consumer takes 1 and pings;
    # the reader handles item 3 before the ping: QueueFull with one free slot.
    assert format_schedule(witness.schedule) == "W:3.R:3.C.R"
    run = run_schedule(TIGHT, witness.schedule)
    assert Finding.DISCONNECT_WITH_ROOM in run.findings
    assert run.world.reader_report.free_slots_at_end == 1


def test_coalesced_pings_hold_the_drain_to_one_item_per_notification() -> None:
    ex = explored(COALESCE)
    witness = ex.findings[Finding.COALESCED]
    run = run_schedule(COALESCE, witness.schedule)
    assert Finding.COALESCED in run.findings and not run.violations
    assert run.world.consumer_report.pings == 3 and run.world.reader_report.notifications == 2


def test_competing_producers_starve_the_backlog() -> None:
    ex = explored(COMPETE)
    witness = ex.findings[Finding.STARVED]
    run = run_schedule(COMPETE, witness.schedule)
    assert Finding.STARVED in run.findings
    assert all(x > 100 for x in run.world.consumer_report.delivered)


def test_fault_steps_are_offered_where_the_consumer_can_take_them() -> None:
    fresh = run_schedule(SMALL_FAULTY, [])
    assert fresh.runnable() == ["W", "R", "C", "S", "X"]  # nothing processed yet: no E
    processing = run_schedule(SMALL_FAULTY, ["W", "R", "R", "C"])  # item 1 in processing
    assert processing.runnable() == ["W", "R", "C", "E", "S", "X"]
    failed = run_schedule(SMALL_FAULTY, ["W", "R", "R", "C", "E"])  # then parked: empty
    assert failed.runnable() == ["W", "R"]
    for run in (fresh, processing, failed):
        run.discard()
    with pytest.raises(KeyError, match="role E cannot run"):
        run_schedule(SMALL_FAULTY, ["E"])


def test_processing_that_raises_is_reported_and_costs_no_ping() -> None:
    run = run_to_end(run_schedule(SMALL_FAULTY, ["W", "R", "R", "C", "E"]))
    cr = run.world.consumer_report
    assert cr.delivered == [1, 2] and cr.failed == [1] and cr.pings == 2
    assert run.world.reader_report.end is ReaderEnd.EOF and not run.violations


def test_a_consumer_that_stops_first_leaves_the_reader_to_shut_down() -> None:
    run = run_to_end(run_schedule(SMALL_FAULTY, ["S"]))
    rr, cr = run.world.reader_report, run.world.consumer_report
    assert cr.end is ConsumerEnd.STOPPED and cr.delivered == []
    assert rr.end is ReaderEnd.SHUTDOWN and rr.refused == [1] and not run.violations


def test_a_closed_receiver_is_drained_then_the_stream_ends() -> None:
    scenario = Scenario.parse("capacity=2,cap=1,wire=3,faults=X")
    run = run_to_end(run_schedule(scenario, ["W", "W", "R", "R", "X"]))
    rr, cr = run.world.reader_report, run.world.consumer_report
    assert run.world.rx.status is ReceiverStatus.CLOSED
    assert cr.delivered == [1] and cr.end is ConsumerEnd.END_OF_STREAM
    assert rr.refused == [2] and rr.end is ReaderEnd.SHUTDOWN and not run.violations


def test_the_faults_keep_every_property_and_strand_the_reader() -> None:
    ex = explored(FAULTY)
    assert ex.exhausted and ex.complete > 0 and ex.violations == {}
    witness = ex.findings[Finding.STRANDED]
    assert format_schedule(witness.schedule) == "W:4.R:5.S"
    run = run_schedule(FAULTY, witness.schedule)
    assert Finding.STRANDED in run.findings and run.world.reader_report.left == [2, 3]


@pytest.mark.parametrize("variant", [Variant.DRAIN_FIRST, Variant.DRAIN_FIRST_ALL])
def test_our_variants_remove_disconnect_with_room(variant: Variant) -> None:
    for scenario in (TIGHT, Scenario.parse("capacity=1,cap=2,wire=3,stop=2")):
        ex = explore_all(replace(scenario, variant=variant))
        assert ex.exhausted and not ex.violations
        assert Finding.DISCONNECT_WITH_ROOM not in ex.findings


def test_drain_all_removes_the_coalescing_finding() -> None:
    seed = explored(COALESCE)
    ours = explore_all(replace(COALESCE, variant=Variant.DRAIN_FIRST_ALL))
    assert Finding.COALESCED in seed.findings
    assert Finding.COALESCED not in ours.findings and not ours.violations


def test_random_exploration_is_reproducible_and_finds_disconnect_with_room() -> None:
    bigger = Scenario.parse("capacity=2,cap=2,wire=8")
    first = explore_random(bigger, runs=100, seed=7)
    second = explore_random(bigger, runs=100, seed=7)
    assert first.findings.keys() == second.findings.keys()
    assert {f: w.schedule for f, w in first.findings.items()} == {
        f: w.schedule for f, w in second.findings.items()
    }
    assert Finding.DISCONNECT_WITH_ROOM in first.findings and not first.violations


def test_schedule_strings_round_trip_and_bad_ones_are_named() -> None:
    roles = ["W", "W", "R", "C", "P1", "P1", "P1"]
    assert parse_schedule(format_schedule(roles)) == roles
    scenario = Scenario.parse("capacity=2,cap=0,wire=1,producers=3,stop=1,variant=drain-first")
    assert parse_replay(format_replay(scenario, roles)) == (scenario, roles)
    with pytest.raises(ValueError, match="'Q'"):
        parse_schedule("W.Q")
    with pytest.raises(ValueError, match="P2"):
        parse_replay("capacity=1,cap=1,wire=1,producers=1/P2")
    with pytest.raises(ValueError, match="cap must be an integer from 0 to 1000"):
        Scenario.parse("capacity=1,cap=-1,wire=1")
    assert str(Scenario.parse("capacity=1,cap=1,wire=1,faults=X+E")).endswith("faults=E+X")
    with pytest.raises(ValueError, match="faults must name distinct faults of E\\+S\\+X\\+K"):
        Scenario.parse("capacity=1,cap=1,wire=1,faults=E+Q")
    with pytest.raises(ValueError, match="got 'S\\+S'"):
        Scenario.parse("capacity=1,cap=1,wire=1,faults=S+S")
    with pytest.raises(ValueError, match="role X but scenario"):
        parse_replay("capacity=1,cap=1,wire=1,faults=E/X")
    cancels = ["R", "KP1", "KC", "KR"]
    assert parse_replay("capacity=1,cap=1,wire=1,producers=1,faults=K/R.KP1.KC.KR")[1] == cancels
    with pytest.raises(ValueError, match="role KP2 but scenario"):
        parse_replay("capacity=1,cap=1,wire=1,producers=1,faults=K/KP2")
    with pytest.raises(ValueError, match="role KR but scenario"):
        parse_replay("capacity=1,cap=1,wire=1,faults=E/KR")
    with pytest.raises(ValueError, match="'K'"):
        parse_schedule("W.K")


def test_cli_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["interleave", "--scenario", str(TIGHT), "--variant", "seed"]) == 0
    out = capsys.readouterr().out
    assert "disconnect while the channel had room" in out and "W:3.R:3.C.R" in out
    assert main(["interleave", "--replay", f"{TIGHT}/W:3.R:3.C.R"]) == 0
    assert "finding at step 8" in capsys.readouterr().out
    assert main(["interleave", "--replay", f"{TIGHT}/R.R"]) == 2
    assert main(["interleave", "--scenario", "capacity=1,cap=1"]) == 2
    assert main(["interleave", "--scenario", str(TIGHT), "--max-executions", "3"]) == 3


def test_the_command_runs_as_a_program() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tidegate.proofs", "interleave", "--replay", "x/W"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and "must be NAME=VALUE" in done.stderr
    assert done.stderr.startswith("tidegate interleave: error: --replay: ")


def test_the_verify_check_passes_at_quick_and_fails_when_a_finding_goes_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tidegate.proofs.core import CheckContext, Profile, Verdict
    from tidegate.proofs.interleave import bounds
    from tidegate.proofs.interleave import check as interleave_check
    from tidegate.proofs.profiles import PROFILES
    from tidegate.proofs.report import make_console

    ctx = CheckContext(Profile.QUICK, 0, make_console())
    result = interleave_check.check_interleave(ctx)
    assert result.verdict is Verdict.PASS and result.cases > 100 and result.findings
    assert result.coverage == "64/64 protocol transitions (66 in the model)"
    # The seed is expected to coalesce pings, but quick bounds are too small to show it.
    quick = PROFILES[Profile.QUICK]
    expecting = replace(
        quick.interleave, seed_findings=(Finding.DISCONNECT_WITH_ROOM, Finding.COALESCED)
    )
    monkeypatch.setitem(PROFILES, Profile.QUICK, replace(quick, interleave=expecting))
    assert interleave_check.check_interleave(ctx).verdict is Verdict.FAIL
    monkeypatch.undo()
    # A variant that claims to remove a finding it still shows fails.
    monkeypatch.setitem(bounds.REMOVED_BY, Variant.SEED, (Finding.DISCONNECT_WITH_ROOM,))
    failed = interleave_check.check_interleave(ctx)
    assert failed.verdict is Verdict.FAIL and "claims to remove" in failed.details[0]


def test_the_controlled_loop_runs_real_asyncio_code_in_virtual_time() -> None:
    import asyncio

    from tidegate.proofs.interleave.loop import ControlledLoop

    loop = ControlledLoop()  # type: ignore[abstract]
    seen: list[str] = []

    async def sleeper(name: str, delay: float) -> float:
        await asyncio.sleep(delay)
        seen.append(name)
        return asyncio.get_running_loop().time()

    slow = loop.spawn("A", sleeper("slow", 3600.0))
    fast = loop.spawn("B", sleeper("fast", 1.0))
    assert loop.runnable() == ["A", "B"]
    loop.step("B")  # B starts its sleep; A has not run yet
    assert loop.runnable() == ["A"]
    with pytest.raises(KeyError, match="'B'"):
        loop.step("B")
    loop.step("A")
    assert loop.runnable() == [] and loop.advance() and loop.runnable() == ["B"]
    loop.step("B")
    assert fast.result() == 1.0 and seen == ["fast"]
    assert loop.advance() and loop.runnable() == ["A"]
    loop.step("A")
    assert slow.result() == 3600.0 and seen == ["fast", "slow"]
    assert not loop.advance()


def test_model_and_implementation_agree_on_random_scenarios() -> None:
    import random

    rng = random.Random(2026)
    for _ in range(60):
        scenario = Scenario(
            capacity=rng.randint(1, 3),
            cap=rng.randint(0, 3),
            wire=rng.randint(0, 6),
            producers=tuple(rng.randint(1, 3) for _ in range(rng.randint(0, 2))),
            stop_after=rng.choice([None, None, 0, 1, 2, 4]),
            variant=rng.choice(list(Variant)),
            faults=tuple(f for f in FAULTS if rng.random() < 0.3),
        )
        ex = explore_random(scenario, runs=10, seed=rng.randint(0, 10**6))
        assert ex.complete == 10
        assert not ex.violations, (
            str(scenario),
            {p.value: w.event.detail for p, w in ex.violations.items()},
        )


def test_every_fault_step_is_explored_by_default_and_in_every_profile() -> None:
    from tidegate.proofs.profiles import PROFILES

    def allowed(scenarios: tuple[Scenario, ...]) -> set[str]:
        return {f for s in scenarios if s.variant is Variant.SEED for f in s.faults}

    assert allowed(DEFAULT_SCENARIOS) == set(FAULTS)
    for profile, sizes in PROFILES.items():
        assert allowed(sizes.interleave.scenarios) == set(FAULTS), profile


def test_a_slot_a_failing_parked_send_frees_after_close_is_no_lost_wake_up() -> None:
    # Capacity 1: P1 sends 101 and parks 102; the consumer takes 101, so the slot is
    # reserved for P1 (not filled); the reader spills 1; the consumer closes (X) and waits
    # for that slot; P1's send fails and frees it, with no receive and so no ping. The
    # closed channel's free slot takes nothing: no lost wake-up, and every property holds.
    scenario = Scenario.parse("capacity=1,cap=1,wire=1,producers=2,faults=S+X")
    run = run_schedule(scenario, ["W", "R", "P1", "P1", "C", "R", "X", "P1"])
    assert run.world.rx.status is ReceiverStatus.CLOSED and run.world.tx.capacity() == 1
    assert run.world.queue.backlog() == (1,) and run.world.producer_reports[0].refused == [102]
    assert run.violations == {}
    run.discard()
    ex = explore_all(scenario)
    assert ex.exhausted and ex.violations == {}


CANCEL = Scenario.parse("capacity=1,cap=1,wire=2,producers=1,stop=1,faults=K")


def test_cancellation_steps_are_offered_once_a_task_stands_at_an_await() -> None:
    run = run_schedule(CANCEL, [])
    assert run.runnable() == ["W", "R", "C", "P1"]  # nobody has started: nothing to cancel
    run.step("R")
    run.step("P1")
    assert run.runnable()[-2:] == ["KR", "KP1"]
    run.step("KP1")  # cancelled after its send: only one cancellation a run
    assert run.world.producer_reports[0].sent == [101] and "KR" not in run.runnable()
    run_to_end(run)
    assert run.finished and not run.violations


def test_a_cancelled_reader_reports_the_item_it_read_and_did_not_handle() -> None:
    run = run_to_end(run_schedule(CANCEL, ["R", "W", "KR"]))
    rr = run.world.reader_report
    assert rr.end is ReaderEnd.CANCELLED and rr.unhandled == [1] and rr.accepted == []
    assert not run.violations and run.world.consumer_report.end is ConsumerEnd.STOPPED


def test_a_consumer_cancelled_while_processing_drops_its_receiver() -> None:
    scenario = Scenario.parse("capacity=2,cap=1,wire=0,producers=3,faults=K")
    run = run_schedule(scenario, ["P1", "C", "P1", "P1", "KC"])
    cr = run.world.consumer_report
    assert cr.end is ConsumerEnd.CANCELLED and cr.delivered == [101] and cr.discarded == [102, 103]
    assert run.world.rx.status is ReceiverStatus.DROPPED and not run.world.processing
    run_to_end(run)
    assert not run.violations


def test_a_send_cancelled_holding_its_slot_delivers_nothing_and_the_slot_goes_unannounced() -> None:
    ex = explored(CANCEL)
    assert ex.exhausted and ex.violations == {}
    witness = ex.findings[Finding.CANCELLED_SLOT]
    # The reader sends 1 and spills 2; P1 parks 101; the consumer takes 1 (the slot is
    # reserved for P1) and pings; the reader's drain finds no room; P1 is cancelled: the
    # slot is free, 2 waits in the backlog, and no ping is coming.
    assert format_schedule(witness.schedule) == "W:2.R:2.P1.C.R.KP1"
    run = run_schedule(CANCEL, witness.schedule)
    p1 = run.world.producer_reports[0]
    assert p1.sent == [] and p1.refused == [101] and run.world.tx.capacity() == 1
    assert run.world.queue.backlog() == (2,) and not run.world.notify.has_permit
    run.discard()
    assert Finding.STRANDED in ex.findings


def _explored(
    scenario: Scenario, mode: str = "exhaustive", **fields: object
) -> InterleaveExploration:
    return InterleaveExploration(scenario, mode, **fields)  # type: ignore[arg-type]


def _shown(what: Finding | InterleaveProperty, *schedule: str) -> InterleaveWitness:
    return InterleaveWitness(Event(what, len(schedule), f"{what.name} seen"), schedule)


def test_summary_fails_on_a_broken_property_or_removed_finding_inconclusive_when_cut() -> None:
    """Mutation: kills interleave.verdict's Summary, summarize and missing_seed_findings
    mutants (a verdict softened, the shortest witness of a finding not kept, totals)."""
    seed, drain = Scenario(1, 1, 3), Scenario(1, 1, 3, variant=Variant.DRAIN_FIRST)
    room = Finding.DISCONNECT_WITH_ROOM
    long, short = _shown(room, "W", "R", "W", "R"), _shown(room, "W", "R", "R")
    held = summarize(
        [
            _explored(seed, executions=5, states=7, exhausted=True, findings={room: long}),
            _explored(seed, "random", executions=2, states=0, findings={room: short}),
            _explored(seed, executions=1, states=1, exhausted=True, findings={room: long}),
        ]
    )
    assert (held.verdict, held.executions, held.states, held.failures) == (Verdict.PASS, 8, 8, [])
    replay = format_replay(seed, short.schedule)
    assert held.findings == [f"[seed] {room.value}: DISCONNECT_WITH_ROOM seen; replay: {replay}"]
    assert held.shown == {Variant.SEED: {room}}
    assert missing_seed_findings(held) == [f for f in SEED_FINDINGS if f is not room]

    cut = summarize([_explored(seed, stopped="interrupted"), _explored(seed, executions=3)])
    assert cut.verdict is Verdict.INCONCLUSIVE
    assert cut.failures == [f"budget ran out before every schedule of {seed} was run (interrupted)"]
    unfinished = summarize([_explored(seed, executions=3)])
    assert unfinished.verdict is Verdict.INCONCLUSIVE
    assert unfinished.failures == [f"budget ran out before every schedule of {seed} was run"]
    random_cut = summarize([_explored(seed, "random", stopped="budget")])
    assert random_cut.verdict is Verdict.INCONCLUSIVE

    order = InterleaveProperty.ORDER
    broken = summarize(
        [
            _explored(seed, stopped="budget"),
            _explored(seed, exhausted=True, violations={order: _shown(order, "W", "C")}),
            _explored(drain, exhausted=True, findings={room: short}),
        ]
    )
    assert broken.verdict is Verdict.FAIL
    assert broken.failures == [
        f"budget ran out before every schedule of {seed} was run (budget)",
        f"{order.value} broken in {seed}: ORDER seen; replay: {format_replay(seed, ('W', 'C'))}",
        f"variant drain-first claims to remove '{room.value}' but: {room.value}: "
        f"DISCONNECT_WITH_ROOM seen; replay: {format_replay(drain, short.schedule)}",
    ]
    assert broken.findings == [] and missing_seed_findings(broken) == list(SEED_FINDINGS)
    assert missing_seed_findings(summarize([_explored(drain)])) == list(SEED_FINDINGS)


def test_the_verify_check_names_what_it_explored_and_the_findings_gone_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Mutation: kills interleave.check.check_interleave mutants (the deadline, the random
    runs per variant, the seed findings compared, the result's name, unit and lines)."""
    from tidegate.proofs.core import CheckContext, Profile
    from tidegate.proofs.interleave.check import check_interleave
    from tidegate.proofs.profiles import PROFILES
    from tidegate.proofs.report import make_console

    small = Scenario.parse("capacity=1,cap=1,wire=3")
    room, stranded = Finding.DISCONNECT_WITH_ROOM, Finding.STRANDED
    quick = PROFILES[Profile.QUICK]
    for random_runs, cases in ((0, 145), (3, 145 + 3 * len(Variant))):
        sizes = replace(
            quick.interleave,
            scenarios=(small,),
            seed_findings=(room, stranded),
            random_runs=random_runs,
            random_scenario=small,
        )
        monkeypatch.setitem(PROFILES, Profile.QUICK, replace(quick, interleave=sizes))
        result = check_interleave(CheckContext(Profile.QUICK, 0, make_console()))
        assert (result.name, result.verdict, result.cases, result.unit) == (
            "protocol: loops under every interleaving vs model",
            Verdict.FAIL,
            cases,
            "schedules",
        )
        assert result.details == [f"the seed no longer shows '{stranded.value}' at these bounds"]
        assert result.findings == [
            f"protocol: [seed] {room.value}: QueueFull on item 3 with backlog [2] at cap 1 "
            "while the channel had 1 free slot(s); replay: capacity=1,cap=1,wire=3/W:3.R:3.C.R"
        ]


def _small_quick(monkeypatch: pytest.MonkeyPatch, random_runs: int) -> Scenario:
    """Make the quick profile's interleave check one small scenario the seed passes."""
    from tidegate.proofs.core import Profile
    from tidegate.proofs.profiles import PROFILES

    small = Scenario.parse("capacity=1,cap=1,wire=3")
    quick = PROFILES[Profile.QUICK]
    sizes = replace(
        quick.interleave,
        scenarios=(small,),
        seed_findings=(Finding.DISCONNECT_WITH_ROOM,),
        random_runs=random_runs,
        random_scenario=small,
    )
    monkeypatch.setitem(PROFILES, Profile.QUICK, replace(quick, interleave=sizes))
    return small


async def _the_real_reader(*args: object, **kwargs: object) -> object:
    from tidegate.impl.reader import run_reader

    return await run_reader(*args, **kwargs)  # type: ignore[arg-type]


def test_the_verify_check_runs_its_loops_and_seed_at_random_and_shows_progress(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Mutation: kills interleave.check.check_interleave 6, 7, 11, 12, 16, 17, 28
    (progress), 30, 40, 42 (random runs: only when asked for, with the check's loops and
    seed) and 62 (a coverage claimed for loops the model does not describe)."""
    from tidegate.proofs.core import CheckContext, Profile
    from tidegate.proofs.interleave import check as interleave_check
    from tidegate.proofs.interleave.explore import explore_random
    from tidegate.proofs.interleave.world import Loops
    from tidegate.proofs.report import make_console

    calls: list[tuple[object, int, int]] = []
    real = explore_random

    def recording(scenario: Scenario, loops: Loops, *, runs: int, seed: int) -> object:
        calls.append((loops, runs, seed))
        return real(scenario, loops, runs=runs, seed=seed)

    monkeypatch.setattr(interleave_check, "explore_random", recording)
    wrapped = Loops(reader=_the_real_reader, name="the real loops, wrapped")  # type: ignore[arg-type]
    _small_quick(monkeypatch, random_runs=2)
    result = interleave_check.check_interleave(
        CheckContext(Profile.QUICK, 5, make_console()), wrapped
    )
    assert calls == [(wrapped, 2, 5)] * len(Variant)
    assert result.verdict is Verdict.PASS and result.coverage is None
    assert "  protocol interleavings (scenarios): 1/1 done in " in capsys.readouterr().out

    calls.clear()
    _small_quick(monkeypatch, random_runs=0)
    result = interleave_check.check_interleave(CheckContext(Profile.QUICK, 5, make_console()))
    assert calls == [] and result.verdict is Verdict.PASS
    assert result.coverage is not None


def test_the_verify_check_fails_when_the_model_missed_steps_it_reaches(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Mutation: kills interleave.check.check_interleave 74-85 (every schedule explored but
    a step kind the model reaches never taken: a FAIL that names the kinds missed)."""
    from tidegate.proofs.core import CheckContext, Profile
    from tidegate.proofs.interleave import check as interleave_check
    from tidegate.proofs.interleave.coverage import describe_step, reachable_step_kinds
    from tidegate.proofs.report import make_console

    small = _small_quick(monkeypatch, random_runs=0)
    larger = Scenario.parse("capacity=2,cap=1,wire=3,producers=1")
    reached = frozenset(reachable_step_kinds((small,)))
    beyond = frozenset(reachable_step_kinds((larger,))) - reached
    assert beyond
    monkeypatch.setattr(
        interleave_check, "reachable_step_kinds", lambda scenarios: reached | beyond
    )
    result = interleave_check.check_interleave(CheckContext(Profile.QUICK, 0, make_console()))
    assert result.verdict is Verdict.FAIL
    assert result.details == [
        "every schedule was explored, yet the model in lockstep never took "
        + "; ".join(sorted(describe_step(k) for k in beyond))
        + " (reachable at these bounds): the explorer skipped schedules"
    ]


def test_of_two_shortest_witnesses_of_a_finding_the_first_explored_is_shown() -> None:
    """Mutation: kills interleave.verdict.summarize 27 (a tie in length goes to the later
    exploration)."""
    seed = Scenario(1, 1, 3)
    room = Finding.DISCONNECT_WITH_ROOM
    first, second = _shown(room, "W", "R", "W"), _shown(room, "W", "W", "R")
    summary = summarize(
        [
            _explored(seed, exhausted=True, findings={room: first}),
            _explored(seed, exhausted=True, findings={room: second}),
        ]
    )
    replay = format_replay(seed, first.schedule)
    assert summary.findings == [f"[seed] {room.value}: DISCONNECT_WITH_ROOM seen; replay: {replay}"]
