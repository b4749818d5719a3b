"""The pytest entry point: `pytest --tidegate-adapter CMD` gives conformance as test items."""

from __future__ import annotations

import pytest

from tests.support.adapters import BAD, PORT, TASK_PORT

pytest_plugins = ["pytester"]
PARTS = ("protocol", "recordings", "coverage", "deep", "random", "tasks")


def test_inert_without_the_option(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_theirs="def test_one():\n    assert True\n")
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    assert "tidegate::" not in result.stdout.str()


def test_a_conforming_port_passes_every_item(pytester: pytest.Pytester) -> None:
    # Recordings through a pipe are covered by test_conform; here the items and their report.
    # The deep runs through a pipe are covered by test_conform_deep; here the items' report.
    result = pytester.runpytest_inprocess(
        "--tidegate-adapter",
        PORT,
        "--tidegate-max-examples",
        "6",
        "-rA",
        "-k",
        "not recordings and not deep",
    )
    result.assert_outcomes(passed=3, skipped=1, deselected=2)
    result.stdout.fnmatch_lines(["collected 6 items / 2 deselected / 4 selected"])
    for part in ("protocol", "coverage", "random"):
        result.stdout.fnmatch_lines([f"PASSED tidegate::{part}"])
    # A v1 port: its tasks item says so, never a silent pass.
    result.stdout.fnmatch_lines(
        ["SKIPPED * v1 only: the adapter answers every v2 task operation Unsupported"]
    )


def test_items_are_collected_and_selected_by_node_id(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_theirs="def test_one():\n    assert True\n")
    result = pytester.runpytest_inprocess("--tidegate-adapter", PORT, "--collect-only", "-q")
    result.stdout.fnmatch_lines(
        ["test_theirs.py::test_one", *(f"tidegate::{part}" for part in PARTS), "7 tests collected*"]
    )
    # Named on the command line, an item runs alone (and nothing else is collected).
    result = pytester.runpytest_inprocess(
        "--tidegate-adapter", PORT, "tidegate::coverage", "tidegate::protocol", "-rA"
    )
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["collected 2 items", "PASSED tidegate::protocol"])
    result = pytester.runpytest_inprocess("--tidegate-adapter", PORT, "tidegate::bogus")
    result.stdout.fnmatch_lines(["*tidegate::bogus: no such conformance item; the items are *"])
    assert result.ret == pytest.ExitCode.INTERRUPTED


def test_a_broken_port_fails_with_the_minimal_trace(pytester: pytest.Pytester) -> None:
    command = f"{PORT} --bug disconnected-after-close"
    result = pytester.runpytest_inprocess(
        "--tidegate-adapter", command, "--tidegate-max-examples", "6"
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(
        [
            "_* tidegate::recordings _*",
            "*1  try_recv                err Empty  err Disconnected   <-- differs",
            '{"id":"minimal","capacity":1,"cap":0,"steps":[{"op":"close"*',
        ],
        consecutive=False,
    )


def test_a_crashing_adapter_fails_the_item_with_its_error(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_inprocess(
        "--tidegate-adapter", f"{BAD} crash 3", "-k", "recordings"
    )
    result.assert_outcomes(failed=1, deselected=5)
    result.stdout.fnmatch_lines(
        [
            "adapter failure in tokio-1-0; minimal trace*",
            "*(exited)   <-- differs",
            "*RuntimeError: port panicked*",
        ],
        consecutive=False,
    )


def test_the_tasks_item_checks_a_v2_port_and_fails_a_broken_one(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_inprocess("--tidegate-adapter", TASK_PORT, "tidegate::tasks")
    result.assert_outcomes(passed=1)
    command = f"{TASK_PORT} --bug write-at-handover"
    result = pytester.runpytest_inprocess("--tidegate-adapter", command, "tidegate::tasks")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["divergence in *; minimal trace (confirmed on a fresh process):"])
