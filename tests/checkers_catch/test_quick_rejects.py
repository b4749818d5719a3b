"""`tidegate verify --profile quick` rejects every broken subject in tests/ that pytest rejects
and that verify can be given.

Each broken subject is put where verify looks for it (a `--queue-class`, the model's
transitions, the protocol loops, the protocol model), and the quick profile's checks that
look at it run through verify's own wrapper (`_timed`: an exception is a FAIL): at least one
must answer FAIL, as `verify --profile quick` then exits 1. The lists are complete: a broken
queue class or loop added to tests/support fails `test_every_broken_subject_is_listed` until
it is listed here or in `NOT_VERIFYS`, with the reason (README: "What verify --profile quick
rejects").
"""

from __future__ import annotations

import functools
import importlib.util
import inspect
import io
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from tests.checkers_catch.test_broken_model import WRONG_TRANSITIONS
from tests.support import (
    broken_loops,
    broken_model,
    broken_queues,
    differential_queues,
    hostile_queues,
)
from tidegate.impl.queue import BackpressureQueue
from tidegate.model import protocol
from tidegate.proofs.core import Check, CheckContext, CheckResult, Profile, Verdict
from tidegate.proofs.interleave.check import check_interleave
from tidegate.proofs.interleave.world import Loops
from tidegate.proofs.profiles import PROFILES
from tidegate.proofs.recordings.check import check_recordings_on
from tidegate.proofs.verify import _timed, check_label, checks_for

QUICK = Profile.QUICK

QUEUE_MODULES = (broken_queues, differential_queues, hostile_queues)
LOOPS = (
    broken_loops.consumer_pings_before_receiving,
    broken_loops.consumer_dead_letters_after_a_failure,
    broken_loops.consumer_forgets_every_second_item,
    broken_loops.reader_drains_on_a_timer,
    broken_loops.reader_sends_around_its_backlog,
    broken_loops.reader_awaits_the_channel,
    broken_loops.reader_forgets_what_it_read_when_cancelled,
)
MODEL_TRANSITIONS = (
    ("try_drain_one", broken_model.drain_newest_first),
    ("try_drain_one", broken_model.drain_forgets_on_closed),
    ("try_drain_one", broken_model.drain_never_sends),
    ("enqueue_or_send", broken_model.enqueue_refuses_on_closed),
)
NOT_VERIFYS = {
    "NotAQueue": "not a queue class at all: verify refuses it before any check (exit 2)",
}
"""Broken subjects in tests/support that verify cannot be given, and why."""


def ctx() -> CheckContext:
    return CheckContext(QUICK, 0, Console(file=io.StringIO()))


def verdicts(checks: list[Check]) -> dict[str, Verdict]:
    """Each check's verdict, run as verify runs it, until the first FAIL (verify then exits 1
    whatever the rest answer)."""
    got: dict[str, Verdict] = {}
    for check in checks:
        result: CheckResult = _timed(check, ctx())
        got[check_label(check)] = result.verdict
        if result.verdict is Verdict.FAIL:
            break
    return got


def queue_classes() -> list[type[Any]]:
    found = {
        cls
        for module in QUEUE_MODULES
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if cls.__module__ == module.__name__ and cls.__name__ not in NOT_VERIFYS
    }
    return sorted(found, key=lambda cls: cls.__name__)


def model_checks() -> list[Check]:
    """What verify --profile quick runs on the model in this process, the fastest first: the
    recordings replayed on it, the explorations, then the differential (CrossHair searches
    the model's source in processes of its own: `test_broken_model` shows it catching wrong
    transitions)."""
    wanted = ("recordings model", "explore ", "witnesses", "findings", "differential")
    checks = [check for check in checks_for(QUICK) if check_label(check).startswith(wanted)]
    return sorted(checks, key=lambda check: check_label(check) == "differential")


def test_every_broken_subject_is_listed() -> None:
    assert all(issubclass(cls, BackpressureQueue) for cls in queue_classes())
    listed = {f.__name__ for f in LOOPS}
    loops = {
        name
        for name, f in inspect.getmembers(broken_loops, inspect.iscoroutinefunction)
        if not name.startswith("_") and f.__module__ == broken_loops.__name__
    }
    assert loops == listed, f"broken loops not listed here: {sorted(loops - listed)}"
    transitions = {
        name
        for name, f in inspect.getmembers(broken_model, inspect.isfunction)
        if f.__module__ == broken_model.__name__ and not name.startswith(("packed_", "substitute"))
    }
    assert transitions == {f.__name__ for _, f in MODEL_TRANSITIONS}
    assert len(model_checks()) >= 4  # the recordings, explorations, the differential


@pytest.mark.parametrize("queue_class", queue_classes(), ids=lambda cls: cls.__name__)
def test_quick_rejects_each_broken_queue_class(queue_class: type[Any]) -> None:
    # `verify --profile quick --queue-class ...`: its recordings check on that class comes
    # first and answers FAIL for every one (the differential catches most too, slower).
    (on_class,) = [
        c for c in checks_for(QUICK, queue_class) if getattr(c, "func", None) is check_recordings_on
    ]
    result = _timed(on_class, ctx())
    assert result.verdict is Verdict.FAIL, (queue_class.__name__, result.details[:3])


@pytest.mark.parametrize("loop", LOOPS, ids=lambda f: f.__name__)
def test_quick_rejects_each_broken_loop(loop: Callable[..., Any]) -> None:
    if loop.__name__.startswith("consumer"):
        loops = Loops(consumer=loop, name=loop.__name__)
    else:
        loops = Loops(reader=loop, name=loop.__name__)
    result = _timed(functools.partial(check_interleave, loops=loops), ctx())
    assert result.verdict is Verdict.FAIL, result.details[:3]


@pytest.mark.parametrize(
    ("name", "broken"), MODEL_TRANSITIONS, ids=[f.__name__ for _, f in MODEL_TRANSITIONS]
)
def test_quick_rejects_each_broken_model_transition(
    monkeypatch: pytest.MonkeyPatch, name: str, broken: Callable[..., Any]
) -> None:
    # drain_forgets_on_closed is caught by the differential alone (it compares which items
    # a Closed drain discarded): its programs, not its wall-clock budget, are quick's
    # claim, and a loaded machine may spend that budget first (inconclusive, exit 3).
    sizes = PROFILES[QUICK]
    unhurried = replace(sizes.differential, budget=600.0)
    monkeypatch.setitem(PROFILES, QUICK, replace(sizes, differential=unhurried))
    broken_model.substitute(monkeypatch, name, broken)
    got = verdicts(model_checks())
    assert Verdict.FAIL in got.values(), got


@pytest.mark.parametrize("bug", sorted(WRONG_TRANSITIONS))
def test_quick_rejects_the_wrong_transitions_crosshair_is_shown(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, bug: str
) -> None:
    old, new, function = WRONG_TRANSITIONS[bug]
    source = Path(importlib.import_module("tidegate.model.subject").__file__ or "").read_text()
    assert source.count(old) == 1, f"the model changed: {old!r} no longer found once"
    path = tmp_path / "wrong_subject.py"
    path.write_text(source.replace(old, new))
    spec = importlib.util.spec_from_file_location("wrong_subject", path)
    assert spec is not None and spec.loader is not None
    wrong = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "wrong_subject", wrong)  # its dataclasses look it up
    spec.loader.exec_module(wrong)
    real = importlib.import_module("tidegate.model.subject")
    for key, value in vars(real).items():
        if isinstance(value, type):  # the model's own state classes, not copies of them
            setattr(wrong, key, value)
    broken_model.substitute(monkeypatch, function, getattr(wrong, function))
    got = verdicts(model_checks())
    assert Verdict.FAIL in got.values(), got


def test_quick_rejects_the_broken_packed_step(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        "tidegate.proofs.explore.fast.successors", broken_model.packed_drain_forgets_on_closed
    )
    got = verdicts(model_checks())
    assert Verdict.FAIL in got.values(), got


def test_quick_rejects_a_protocol_model_that_forgets_the_permit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(protocol, "_notify_one", broken_loops.protocol_notify_forgets_the_permit)
    result = _timed(check_interleave, ctx())
    assert result.verdict is Verdict.FAIL, result.details[:3]
