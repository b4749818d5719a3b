"""`tidegate conform` against adapters that conform: tidegate's own subjects and the oracle."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from tests.support.adapters import PORT
from tidegate import model
from tidegate.model import CLOSED, EMPTY, OK, QUEUE_FULL, Ok, Op, OpName, Pending, TaskOp
from tidegate.proofs.cli import main
from tidegate.proofs.conform.cases import Case
from tidegate.proofs.conform.coverage import (
    SMALL_BOUNDS,
    CoverageKind,
    answer_class,
    kind_of,
    kinds_of,
    reachable,
    reachable_kinds,
    shape,
    transition_of,
)
from tidegate.proofs.conform.deep import DEEP_RUNS
from tidegate.proofs.conform.generate import ANCHORS, coverage_cases, random_case
from tidegate.proofs.conform.probes import PROBES
from tidegate.proofs.conform.report import print_outcome, step_table
from tidegate.proofs.conform.runner import Mismatch
from tidegate.proofs.conform.session import Settings, conform, planned_cases
from tidegate.proofs.conform.shrink import shrink_mismatch
from tidegate.proofs.core import ExitCode, Verdict
from tidegate.proofs.protocol.adapter import Breach
from tidegate.proofs.protocol.subjects import make_runner
from tidegate.proofs.protocol.traces import load_traces
from tidegate.proofs.recordings.replay import replay_trace
from tidegate.proofs.report import make_console

SERVE = f"{sys.executable} -m tidegate.proofs serve --subject"
# Long runs need TIDEGATE_SLOW=1 (and carry the registered `slow` marker for -m selection).
SLOW = [
    pytest.mark.slow,
    pytest.mark.skipif(os.environ.get("TIDEGATE_SLOW") != "1", reason="long run: TIDEGATE_SLOW=1"),
]
# Recordings, every coverage case and the anchor runs: the smallest run that meets the goal
# without the deep runs (about 10 s more; test_deep.py and one test here run them).
QUICK = Settings(max_examples=len(ANCHORS), deep=False)


def tidegate(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tidegate.proofs", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(("subject", "deep"), [("model", False), ("impl", True)])
def test_tidegate_serve_conforms(subject: str, deep: bool) -> None:
    # The model replays the recordings in-process in test_recordings; once through a pipe is enough.
    outcome = conform(f"{SERVE} {subject}", replace(QUICK, recordings=deep, deep=deep))
    assert outcome.error is None and outcome.found is None
    assert outcome.verdict is Verdict.PASS
    assert outcome.covered == outcome.reachable
    assert outcome.deep_run == outcome.deep_planned == (DEEP_RUNS if deep else 0)
    assert not outcome.v1_only and outcome.task_reachable > 1000
    assert outcome.task_covered == outcome.task_reachable
    phases = ["coverage", "task coverage", "random", "task runs"]
    if deep:
        phases = ["traces", *phases[:3], "deep", phases[3]]
    assert [p.name for p in outcome.phases] == phases
    assert outcome.phases[-1].cases == QUICK.task_examples


def test_seed_oracle_conforms(oracle_path: Path) -> None:
    outcome = conform(str(oracle_path), Settings(max_examples=len(ANCHORS), check_protocol=True))
    assert outcome.verdict is Verdict.PASS, outcome.error or outcome.found
    assert outcome.deep_run == DEEP_RUNS
    # on v1 and v2: the 600 task recordings replayed, every task kind covered
    assert not outcome.v1_only and outcome.task_covered == outcome.task_reachable > 1000
    assert outcome.phases[0].cases == 1200
    assert outcome.protocol is not None and outcome.protocol.failures == []
    assert outcome.protocol.probes == len(PROBES)


def test_coverage_cases_cover_every_reachable_kind() -> None:
    targets = reachable_kinds()
    cases = list(coverage_cases(targets, random.Random(0)))
    covered: set[CoverageKind] = set().union(*(kinds_of(case) for case in cases))
    assert set(targets) <= covered
    assert len(targets) == 181
    assert {(c.capacity, c.cap) for c in targets.values()} <= set(SMALL_BOUNDS)


def test_random_runs_reach_far_beyond_the_recordings() -> None:
    rng = random.Random(1)
    cases = [random_case(rng, index, 500) for index in range(60)]
    items = [op.item for case in cases for op in case.ops if op.item is not None]
    assert {(c.capacity, c.cap) for c in cases[: len(ANCHORS)]} == set(ANCHORS)
    assert {8, 32} <= {c.cap for c in cases} and max(c.cap for c in cases) >= 64
    assert max(c.capacity for c in cases) >= 64
    assert max(items) > 2**62 and min(items) < -(2**62)
    assert max(len(c.ops) for c in cases) >= 400
    for case in cases:
        case_items = [op.item for op in case.ops if op.item is not None]
        assert len(case_items) == len(set(case_items))


def test_budget_ending_before_the_goal_is_inconclusive(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = in_process("conform", "--adapter", f"{SERVE} model", "--time-budget", "0")
    out = capsys.readouterr().out
    assert code == ExitCode.INCONCLUSIVE, out
    assert "INCONCLUSIVE" in out and "not a pass" in out


def test_save_failures_appends_a_replayable_minimal_trace(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    saved = tmp_path / "regressions.jsonl"
    earlier = '{"id":"earlier","capacity":1,"cap":0,"steps":[]}\n'
    saved.write_text(earlier)
    args = ["conform", "--adapter", f"{PORT} --bug slot-not-freed", "--no-recordings"]
    code = in_process(*args, "--save-failures", str(saved))
    out = capsys.readouterr().out
    assert code == ExitCode.FAILED, out
    assert "<-- differs" in out and "confirmed on a fresh adapter process" in out
    assert saved.read_text().startswith(earlier)  # appended, not overwritten
    earlier_trace, trace = load_traces(saved)
    assert earlier_trace.id == "earlier" and trace.id == "conform-seed0-coverage-case-3"
    assert len(trace.steps) == 3
    # The reference answers: the model replays it; the trace passes back into conform.
    assert replay_trace(trace, make_runner("model")) is None
    assert in_process(*args, "--traces", str(saved), "--max-examples", "0") == ExitCode.FAILED
    assert "divergence in conform-seed0-coverage-case-3 at step 2" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--max-steps", "0"], "must be an integer >= 1"),
        (["--max-examples", "many"], "must be an integer >= 0 and <= 1,000,000,000, got 'many'"),
        (["--time-budget", "-1"], "must be a number >= 0"),
        (["--traces", "/nonexistent/traces.jsonl"], "/nonexistent/traces.jsonl"),
    ],
)
def test_usage_errors_exit_2(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = in_process("conform", "--adapter", f"{SERVE} model", *args)
    assert code == ExitCode.USAGE
    out = capsys.readouterr()
    assert message in out.out + out.err


def test_a_bad_trace_file_names_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"id": "x", "capacity": 0, "cap": 1, "steps": []}) + "\n")
    code = in_process("conform", "--adapter", f"{SERVE} model", "--traces", str(bad))
    assert code == ExitCode.USAGE
    assert (
        f"tidegate conform: error: {bad}:1: capacity must be >= 1, got 0" in capsys.readouterr().err
    )


def test_an_adapter_that_cannot_start_is_an_adapter_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = in_process("conform", "--adapter", "/nonexistent/port --serve", "--max-examples", "0")
    assert code == ExitCode.USAGE
    assert "cannot start adapter '/nonexistent/port --serve'" in capsys.readouterr().err


def in_process(*args: str) -> int:
    """The exit code of `tidegate ARGS` run in this process (argparse errors included)."""
    try:
        return main(list(args))
    except SystemExit as exc:
        return int(exc.code or 0)


@pytest.mark.parametrize("subject", ["model", "impl"])
@SLOW[0]
@SLOW[1]
def test_default_conform_run_against_serve(subject: str) -> None:
    done = tidegate("conform", "--adapter", f"{SERVE} {subject}", "--check-protocol")
    assert done.returncode == ExitCode.OK, done.stdout


def test_step_table_keeps_expected_and_got_apart() -> None:
    # Wide answers once ran together: `ok 9007230264855657ok 9007230264855656`.
    case = Case(1, 0, (Op(OpName.ENQUEUE_OR_SEND, 9007230264855657), Op(OpName.TRY_RECV)))
    expected = (OK, OK, Ok(9007230264855657))
    mismatch = Mismatch(case, expected, (OK, OK, Ok(9007230264855656)))
    last = step_table(mismatch)[-1]
    assert "ok 9007230264855657  ok 9007230264855656   <-- differs" in last
    failed = Mismatch(case, expected, (OK, OK), Breach.EXITED, "it died")
    assert step_table(failed)[-1].endswith("ok 9007230264855657  (exited)   <-- differs")


def test_too_few_examples_say_why_the_goal_is_unmet(capsys: pytest.CaptureFixture[str]) -> None:
    # No budget ended here: the words must not say one did.
    args = ["--no-recordings", "--no-deep", "--max-examples", "3"]
    code = in_process("conform", "--adapter", f"{SERVE} model", *args)
    out = capsys.readouterr().out
    assert code == ExitCode.INCONCLUSIVE, out
    assert "goal, v1: 181/181 kinds, 3/6 anchor runs, 0/0 deep runs" in out
    assert "not a pass: 3 of the 6 anchor runs ran at least 100 steps (3 asked for by " in out
    assert "budget" not in out


def test_the_units_and_the_default_budget_are_explained(capsys: pytest.CaptureFixture[str]) -> None:
    assert in_process("conform", "--help") == 0
    help_text = " ".join(capsys.readouterr().out.split())
    assert "(default 60);" in help_text and "4 the adapter failed mid-run" in help_text
    code = in_process("conform", "--adapter", f"{SERVE} model", "--no-recordings", "--no-deep")
    assert code == ExitCode.OK
    assert "(kinds = (state, operation, answer) combinations reachable at capacity 1-3" in (
        capsys.readouterr().out
    )


def test_the_seed_oracle_conforms_on_v1_and_v2_from_the_command_line(oracle_path: Path) -> None:
    done = tidegate("conform", "--adapter", str(oracle_path), "--no-deep", "--require-v2")
    assert done.returncode == ExitCode.OK, done.stdout
    assert "  traces: 1200 cases" in done.stdout
    assert "goal, v2 (tasks): 1450/1450 task kinds" in done.stdout
    assert "\nCONFORMS: " in done.stdout


def test_a_v1_port_is_told_it_is_checked_on_v1_only(capsys: pytest.CaptureFixture[str]) -> None:
    # The v1 port answers every task operation Unsupported: never shown as a full pass.
    args = ["--adapter", PORT, "--no-recordings", "--no-deep", "--max-examples", "6"]
    assert in_process("conform", *args) == ExitCode.OK
    out = capsys.readouterr().out
    assert "goal, v2 (tasks): not checked (v1 only: the adapter answers every v2 task " in out
    assert "\nCONFORMS (v1 only: v2 tasks Unsupported; --require-v2 makes this exit 3): " in out
    assert in_process("conform", *args, "--require-v2") == ExitCode.INCONCLUSIVE
    out = capsys.readouterr().out
    assert "not a pass: --require-v2, and the port was checked on v1 only" in out
    assert "\nINCONCLUSIVE (the goal was not met; not a pass): " in out


def test_a_v1_port_runs_to_the_total_of_its_v1_cases() -> None:
    # The first estimate counts v2 cases; a v1-only port is told the corrected total.
    settings = replace(QUICK, recordings=False, max_examples=6, task_examples=3)
    told: list[tuple[int, int | None]] = []
    outcome = conform(PORT, settings, lambda done, total=None: told.append((done, total)))
    assert outcome.v1_only and outcome.verdict is Verdict.PASS
    planned = planned_cases(settings, v2=False)
    assert planned < planned_cases(settings)
    # The plan for a port that speaks v2, then the correction once it is known not to.
    assert [t for _, t in told if t is not None] == [planned_cases(settings), planned]
    assert told[-1] == (planned, None)


def test_a_ctrl_c_while_the_plan_is_worked_out_still_reports_what_ran(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Working out the targets takes seconds of CPU; CI once sent its SIGINT just then, and
    # the KeyboardInterrupt escaped conform() before any report was printed.
    from tidegate.proofs.conform import session

    def interrupted() -> object:
        raise KeyboardInterrupt

    monkeypatch.setattr(session, "_targets", interrupted)
    outcome = conform(PORT, QUICK)
    assert outcome.verdict is Verdict.INCONCLUSIVE and outcome.requests == 0
    assert outcome.budget_ended and outcome.stopped == "interrupted"
    print_outcome(make_console(), outcome)
    out = capsys.readouterr().out
    assert "stopped before every case ran: interrupted" in out
    assert "(exit 3)" in out


def test_v2_is_checked_unless_every_task_operation_is_unsupported() -> None:
    settings = replace(QUICK, recordings=False, coverage=False, max_examples=0, task_examples=3)
    v1 = conform(PORT, settings)
    assert v1.error is None and v1.found is None
    assert v1.v1_only and v1.task_reachable == 0 and v1.phases == []
    v2 = conform(f"{SERVE} model", settings)
    assert v2.error is None and v2.found is None and not v2.v1_only
    assert [(p.name, p.cases) for p in v2.phases] == [("task runs", 3)]


def test_a_move_past_the_bound_leaves_the_other_moves_of_its_state_searched() -> None:
    """Mutation: kills conform.coverage.reachable 28 (the first move leading past the bound
    ended the search of its state)."""

    def empty_channel_only(s: model.Subject) -> tuple[int, str] | None:
        return None if s.channel.buffer else (len(s.queue.backlog), s.channel.receiver.value)

    everything = reachable([(1, 0)], kind_of)
    bounded = reachable([(1, 0)], kind_of, state_key=empty_channel_only)
    # The sends that fill the channel lead past the bound; the other moves of the empty
    # channel are each still a kind reached in one step.
    first_moves = {kind for kind, case in everything.items() if len(case.ops) == 1}
    filling = {k for k in first_moves if everything[k].ops[0].name.takes_item}
    assert filling and first_moves - filling
    assert first_moves - filling <= bounded.keys() and not filling & bounded.keys()


def test_answers_fall_into_their_coverage_classes() -> None:
    """Mutation: kills conform.coverage.answer_class's mutants (a class renamed or merged:
    0 is an int, not null; False is not true)."""
    assert [
        answer_class(a)
        for a in (Ok(None), Ok(True), Ok(False), Ok(0), Ok(7), Pending(3), CLOSED, QUEUE_FULL)
    ] == ["ok null", "ok true", "ok false", "ok int", "ok int", "pending", "Closed", "QueueFull"]


def test_a_kind_is_the_abstract_state_the_operation_and_the_answer_class() -> None:
    """Mutation: kills conform.coverage's _level, shape, kind_of, transition_of and
    CoverageKind.__str__ mutants (a level off by one, a part of the state swapped)."""
    state = model.new(3, 2)
    kinds = []
    for op in [enq(1), enq(2), enq(3), enq(4), enq(5), Op(OpName.CLOSE)]:
        kinds.append(kind_of(state, op, model.apply(state, op)[1]))
        state = model.apply(state, op)[0]
    assert [(k.buffer, k.backlog, k.receiver, k.answer) for k in kinds] == [
        ("empty", "empty", "open", "ok null"),
        ("partial", "empty", "open", "ok null"),
        ("partial", "empty", "open", "ok null"),
        ("full", "empty", "open", "ok null"),
        ("full", "partial", "open", "ok null"),
        ("full", "full", "open", "ok null"),
    ]
    assert shape(state) == ("full", "full", "closed")
    assert shape(model.new(1, 0)) == ("empty", "empty", "open")
    assert str(kinds[4]) == (
        "enqueue_or_send -> ok null (buffer full, backlog partial, receiver open)"
    )
    assert transition_of(state, enq(6), QUEUE_FULL) == (3, 2, 3, 2, "closed", "enqueue_or_send")


def test_every_reachable_kind_comes_with_a_shortest_case_of_fresh_items() -> None:
    """Mutation: kills conform.coverage.reachable's mutants (a depth-first search, which finds
    longer cases; items reused; a kind credited to the wrong case; kinds_of's key)."""
    targets = reachable_kinds()
    for kind, case in targets.items():
        *before, last = case.ops
        state = model.new(case.capacity, case.cap)
        for op in before:
            state = model.apply(state, op)[0]
        assert kind_of(state, last, model.apply(state, last)[1]) == kind
        items = [op.item for op in case.ops if op.item is not None]
        assert items == sorted(set(items)) and all(0 < i <= len(case.ops) for i in items)
    assert sum(len(case.ops) for case in targets.values()) == 665
    assert max(len(case.ops) for case in targets.values()) == 6
    assert Counter(k.receiver for k in targets) == {"open": 82, "closed": 81, "dropped": 18}
    # Breadth first: the shortest cases, 2,082 steps for the 312 transitions at capacity 3,
    # cap 3 (a depth-first search finds cases 2,190 steps long in all).
    per_transition = reachable([(3, 3)], transition_of)
    assert (len(per_transition), sum(len(c.ops) for c in per_transition.values())) == (312, 2082)
    case = Case(2, 1, (enq(1), Op(OpName.TRY_RECV)))
    assert kinds_of(case, transition_of) == {
        (2, 1, 0, 0, "open", "enqueue_or_send"),
        (2, 1, 1, 0, "open", "try_recv"),
    }


def enq(item: int) -> Op:
    return Op(OpName.ENQUEUE_OR_SEND, item)


def _port_losing_the_second_item(case: Case) -> Mismatch | None:
    """A port whose try_recv answers Empty once the channel held two items at once: the
    mismatch at its first wrong answer, cut there, as `conform` reports one."""
    expected = [OK, *case.expected()]
    state = model.new(case.capacity, case.cap)
    for at, op in enumerate(case.ops):
        wrong = op.name is OpName.TRY_RECV and len(state.channel.buffer) >= 2
        if wrong:
            cut = Case(case.capacity, case.cap, case.ops[: at + 1])
            return Mismatch(cut, tuple(expected[: at + 2]), (*expected[: at + 1], EMPTY))
        state = model.apply(state, op).state
    return None


def _port_closed_once_cap_reaches_capacity(case: Case) -> Mismatch | None:
    """A port whose try_recv answers Closed on an open channel whenever its cap is at least
    its capacity: the failure needs no item at all, only those two parameters."""
    expected = [OK, *case.expected()]
    for at, op in enumerate(case.ops):
        if op.name is OpName.TRY_RECV and case.cap >= case.capacity:
            cut = Case(case.capacity, case.cap, case.ops[: at + 1])
            return Mismatch(cut, tuple(expected[: at + 2]), (*expected[: at + 1], CLOSED))
    return None


def test_shrinking_goes_on_while_a_round_makes_progress() -> None:
    """Mutation: kills conform.shrink.shrink_mismatch 15-19 and 21 (a round's progress lost
    to a later pass that made none, or the rounds stopped after the first one that made
    progress): cap 3 can go down only once capacity 3 has, in the round after."""
    found = _port_closed_once_cap_reaches_capacity(Case(3, 3, (Op(OpName.TRY_RECV),)))
    assert found is not None
    best, _, complete = shrink_mismatch(found, _port_closed_once_cap_reaches_capacity)
    assert best.case == Case(1, 1, (Op(OpName.TRY_RECV),)) and complete


def test_items_are_renumbered_in_order_or_lowered_one_by_one_never_grown() -> None:
    """Mutation: kills conform.shrink._case_size 1 (items not counted: candidates of equal
    length cannot be compared), _Shrinker.attempt 18 (a candidate no larger refused) and 20
    (a larger candidate reported as progress, which ends the items' pass)."""

    def shrunk(*items: int) -> tuple[Op | TaskOp, ...]:
        found = _port_losing_the_second_item(Case(2, 0, (*map(enq, items), Op(OpName.TRY_RECV))))
        assert found is not None
        return shrink_mismatch(found, _port_losing_the_second_item).mismatch.case.ops

    # 2, 1 renumbered as 1, 2: the same size, in order of appearance.
    assert shrunk(2, 1) == (enq(1), enq(2), Op(OpName.TRY_RECV))
    # 0, -1 renumbered would be 1, 2 (larger): kept, then -1 lowered to its positive twin.
    assert shrunk(0, -1) == (enq(0), enq(1), Op(OpName.TRY_RECV))


def test_shrinking_keeps_only_smaller_failures_of_the_same_kind() -> None:
    """Mutation: kills conform.shrink's _Shrinker.attempt, _case_size and shrink_mismatch
    mutants (a larger or different failure kept, a candidate run twice, the rounds cut)."""
    ops = [enq(i) if i % 3 else Op(OpName.TRY_DRAIN_ONE) for i in range(100, 140)]
    long = Case(9, 7, (*ops, Op(OpName.LEN), Op(OpName.TRY_RECV)))
    found = _port_losing_the_second_item(long)
    assert found is not None and len(found.case.ops) > 20
    runs: list[Case] = []

    def test(case: Case) -> Mismatch | None:
        runs.append(case)
        return _port_losing_the_second_item(case)

    best, attempts, complete = shrink_mismatch(found, test)
    assert best.case == Case(2, 0, (enq(1), enq(2), Op(OpName.TRY_RECV)))
    assert best == _port_losing_the_second_item(best.case) and complete
    # Each candidate runs once; 41 runs (a pass that reports progress it did not make, or
    # hides progress it made, runs more or fewer).
    assert attempts == len(runs) == len(set(runs)) == 41
    # A failure of another kind (a breach) is no smaller failure of this one: never kept.
    breach = replace(found, answers=found.answers[:-1], breach=Breach.EXITED, error="exited")
    assert shrink_mismatch(found, lambda case: breach).mismatch == found
    # Nor is a larger failure of the same kind (an adapter failing later than it did).
    later = Case(long.capacity, long.cap, (*found.case.ops, Op(OpName.LEN)))
    larger = replace(found, case=later, expected=(*found.expected, OK))
    assert shrink_mismatch(found, lambda case: larger).mismatch == found
    # Its budget counts the runs: an int is that many runs.
    few = shrink_mismatch(found, test, 3)
    assert (few.runs, few.complete) == (3, False) and len(few.mismatch.case.ops) < 30
