"""Exhaustive exploration: exact counts, shortest counterexamples, the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace

import pytest

from tidegate.model import Op, OpName
from tidegate.proofs.cli import main
from tidegate.proofs.core import parse_size
from tidegate.proofs.explore.memory import rss
from tidegate.proofs.explore.properties import (
    FINDINGS,
    INVARIANTS,
    Moment,
    PropertyKind,
)
from tidegate.proofs.explore.search import Bounds, BoundsError, explore
from tidegate.proofs.protocol.subjects import ModelRunner
from tidegate.proofs.recordings.replay import replay_trace

# The reference counts, held against an independent checker.
REFERENCE = [((1, 1, 3, 2), 197), ((2, 2, 4, 3), 1123)]


@pytest.mark.parametrize(("bounds", "states"), REFERENCE)
def test_reference_state_counts(bounds: tuple[int, int, int, int], states: int) -> None:
    result = explore(Bounds(*bounds))
    assert result.complete
    assert result.states == states
    assert result.invariants_hold()


def test_counts_are_stable_at_other_bounds() -> None:
    # Pinned from this explorer (transitions and depth follow the module's definitions);
    # a change to the model or to the search shows up here.
    r = explore(Bounds(1, 1, 3, 2))
    assert (r.transitions, r.depth) == (835, 8)
    r = explore(Bounds(2, 2, 4, 3))
    assert (r.transitions, r.depth) == (4863, 13)
    assert explore(Bounds(2, 0, 4, 2)).states == 315


def test_no_items_leaves_only_receiver_states() -> None:
    # Nothing submitted: open, closed, dropped; and try_recv/try_drain_one change nothing.
    r = explore(Bounds(1, 1, 0, 0))
    # open: drain, recv, drop, close; closed: drain, recv, drop; dropped: drain.
    assert (r.states, r.transitions, r.depth) == (3, 4 + 3 + 1, 1)


def test_findings_have_their_shortest_counterexamples() -> None:
    r = explore(Bounds(1, 1, 3, 2))
    by_name = {o.prop.name: o for o in r.outcomes}
    no_room = by_name["queue_full_means_no_room"].counterexample
    assert no_room is not None
    assert [str(s.op) for s in no_room.steps] == [
        "enqueue_or_send(1)",
        "enqueue_or_send(2)",
        "try_recv",
        "enqueue_or_send(3)",
    ]
    lost = by_name["accepted_never_lost_to_closed_drain"].counterexample
    assert lost is not None and len(lost.steps) == 4
    assert str(lost.steps[-1].op) == "try_drain_one" and str(lost.steps[-1].result) == "err Closed"
    # Each counterexample is a trace the model reproduces exactly.
    for o in r.outcomes:
        if o.counterexample is not None:
            assert replay_trace(o.counterexample, ModelRunner()) is None


def test_every_witness_is_reached_and_disconnected_only_off_contract() -> None:
    r = explore(Bounds(1, 1, 3, 2))
    on_contract = [w for w in r.reaches if not w.off_contract]
    assert all(w.reached for w in on_contract), [w.witness.name for w in on_contract]
    (off,) = [w for w in r.reaches if w.off_contract]
    assert off.witness.name == "try_recv -> Disconnected" and off.trace is not None
    assert [s.op.name for s in off.trace.steps][-2:] == [OpName.DROP_RECEIVER, OpName.TRY_RECV]


def test_cap_zero_never_drains() -> None:
    r = explore(Bounds(2, 0, 4, 2))
    reached = {w.witness.name: w.reached for w in r.reaches}
    assert not reached["try_drain_one -> ok true"]
    assert not reached["try_drain_one -> Closed"]


def test_each_catalogue_predicate_rejects_a_broken_moment() -> None:
    # The model never produces these moments; each hand-made one breaks one predicate.
    from tidegate import model

    s = model.new(1, 1)
    full = model.enqueue_or_send(s, 1).state
    spilled = model.enqueue_or_send(full, 2).state
    bad_cap = replace(spilled, queue=replace(spilled.queue, backlog=(2, 3)))
    preds = {p.name: p for p in INVARIANTS}
    assert preds["backlog_within_cap"].on_state is not None
    assert not preds["backlog_within_cap"].on_state(bad_cap)
    over = replace(full, channel=replace(full.channel, buffer=(1, 2)))
    assert preds["channel_within_capacity"].on_state is not None
    assert not preds["channel_within_capacity"].on_state(over)
    qf = model.Transition(s, model.QUEUE_FULL)
    step = preds["queue_full_only_at_cap"].on_step
    assert step is not None and not step(Moment(s, Op(OpName.ENQUEUE_OR_SEND, 5), qf))
    reversed_backlog = replace(spilled, queue=replace(spilled.queue, cap=2, backlog=(3, 2)))
    assert preds["order"].on_state is not None and not preds["order"].on_state(reversed_backlog)
    lost = model.Transition(replace(spilled, queue=replace(spilled.queue, backlog=())), model.OK)
    loss = preds["no_silent_loss"].on_step
    assert loss is not None and not loss(Moment(spilled, Op(OpName.TRY_DRAIN_ONE), lost))


def test_findings_are_documented_false_statements() -> None:
    assert {p.kind for p in FINDINGS} == {PropertyKind.FINDING}
    assert {p.name for p in FINDINGS} >= {
        "queue_full_means_no_room",
        "accepted_never_lost_to_closed_drain",
    }


def test_budget_cut_short_is_incomplete() -> None:
    r = explore(Bounds(4, 8, 12, 4), max_seconds=0.05)
    assert not r.complete and r.states < 104290


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"capacity": 0}, "capacity must be >= 1, got 0"),
        ({"cap": -1}, "cap must be >= 0, got -1"),
        ({"queue_items": 1001}, "queue_items must be <= 1000"),
        ({"other_items": True}, "other_items must be an integer, got True"),
    ],
)
def test_bounds_refuse_bad_values(kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {"capacity": 1, "cap": 1, "queue_items": 1, "other_items": 1}
    args.update(kwargs)
    with pytest.raises(BoundsError, match=message):
        Bounds(**args)  # type: ignore[arg-type]


def test_cli_json_reports_counts_and_properties() -> None:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "tidegate.proofs",
            "explore",
            "--capacity",
            "2",
            "--cap",
            "2",
            "--queue-items",
            "4",
            "--other-items",
            "3",
            "--json",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert (data["states"], data["transitions"], data["depth"]) == (1123, 4863, 13)
    assert data["seconds"] >= 0 and data["complete"] is True
    assert data["engine"] == "packed" and data["stopped"] is None
    props = data["properties"]
    assert props["no_silent_loss"]["holds"] is True
    finding = props["queue_full_means_no_room"]
    assert finding["holds"] is False and finding["counterexample"]["capacity"] == 2
    assert props["reachable: try_recv -> Disconnected"]["kind"] == "witness"


def test_cli_human_output_shows_counterexample_traces(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["explore", "--capacity", "1", "--cap", "1", "--queue-items", "3", "--other-items", "2"]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "197 states, 835 transitions, depth 8" in out
    assert 'trace: {"id":"explore-queue_full_means_no_room-1-1"' in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--capacity", "0"], "argument --capacity: must be an integer >= 1, got '0'"),
        (["--cap", "x"], "argument --cap: must be an integer >= 0, got 'x'"),
        (["--queue-items", "1001"], "--queue-items: must be an integer >= 0 and <= 1,000"),
        (["--max-seconds", "0"], "--max-seconds: must be a number > 0"),
    ],
)
def test_cli_refuses_bad_arguments_with_exit_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stop:
        code = main(["explore", *argv])
        raise SystemExit(code)
    assert stop.value.code == 2
    assert message in capsys.readouterr().err


def test_cli_budget_exit_3(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "explore",
            "--capacity",
            "4",
            "--cap",
            "8",
            "--queue-items",
            "16",
            "--other-items",
            "6",
            "--max-seconds",
            "0.05",
        ]
    )
    assert code == 3
    assert "INCOMPLETE: time budget of 0.05 s ran out (at depth" in capsys.readouterr().out


def test_cli_memory_budget_exit_3_saying_how_far_it_got(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # 4,211,404 states need well over 40 MiB more than the process holds already.
    budget = str(rss() + 40 * 2**20)
    code = main(["explore", "--queue-items", "16", "--other-items", "6", "--max-memory", budget])
    out = capsys.readouterr().out
    assert code == 3
    assert f"INCOMPLETE: memory budget of {int(budget):,} bytes would be exceeded" in out
    assert "states found)" in out


def test_reference_engine_keeps_to_its_memory_budget_too() -> None:
    r = explore(Bounds(4, 8, 12, 4), max_memory=rss() + 32 * 2**20)
    assert not r.complete and r.stopped is not None
    assert "memory budget" in r.stopped and r.states < 104_290


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--max-memory", "lots"], "--max-memory: 'lots' is not a size > 0 such as 512M"),
        (["--max-memory", "0"], "--max-memory: '0' is not a size > 0"),
        (["--max-memory", "8X"], "'8X' is not a size"),
    ],
)
def test_cli_refuses_bad_memory_sizes_with_exit_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["explore", *argv])
    assert stop.value.code == 2
    assert message in capsys.readouterr().err


def test_cli_packed_engine_refuses_bounds_it_cannot_hold(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["explore", "--queue-items", "60", "--other-items", "8", "--engine", "packed"])
    assert code == 2
    assert "needs 86 bits a state, the packed explorer holds at most 52" in (
        capsys.readouterr().err
    )


def test_cli_auto_engine_takes_the_reference_where_packed_cannot_hold_a_state(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # 45 queue items need more bits a state (58) than the packed layout holds (52).
    argv = ["--capacity", "1", "--cap", "0", "--queue-items", "45", "--other-items", "1"]
    assert main(["explore", *argv, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["engine"] == "reference" and data["complete"] is True
    assert data["states"] == 4508


@pytest.mark.parametrize(("text", "size"), [("8G", 8 * 2**30), ("1.5GiB", 3 * 2**29), ("512", 512)])
def test_sizes_read_as_people_write_them(text: str, size: int) -> None:
    assert parse_size(text) == size
