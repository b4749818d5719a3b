"""What `tidegate.proofs.report` writes for CI: JUnit XML, in which only a pass passes."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tidegate.proofs.core import CheckResult, Verdict
from tidegate.proofs.report import make_console, progress, write_junit


def test_junit_reports_a_failure_and_an_inconclusive_check_as_an_error(tmp_path: Path) -> None:
    """Mutation: kills report.write_junit's mutants (the counts, the element and attribute
    names CI reads, an inconclusive check written as a pass or a failure)."""
    results = [
        CheckResult("holds", Verdict.PASS, 3, "traces", seconds=1.25),
        CheckResult("broke", Verdict.FAIL, 2, "states", 0.5, ["step 1", "step 2"]),
        CheckResult("cut short", Verdict.INCONCLUSIVE, 1, "runs", 2.0, ["ran out"], ["a find"]),
        CheckResult("cut too", Verdict.INCONCLUSIVE, 0, "runs", 0.0, [], ["one", "two"]),
        CheckResult("holds too", Verdict.PASS, 0, "runs", 0.0),
    ]
    path = tmp_path / "verify.xml"
    write_junit(path, "tidegate.verify", results)
    assert path.read_bytes().startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    suite = ET.parse(path).getroot()
    assert suite.tag == "testsuite"
    assert suite.attrib == {
        "name": "tidegate.verify",
        "tests": "5",
        "failures": "1",
        "errors": "2",
        "time": "3.750",
    }
    holds, broke, cut, too, _ = suite
    assert [c.tag for c in suite] == ["testcase"] * 5
    assert holds.attrib == {"classname": "tidegate.verify", "name": "holds", "time": "1.250"}
    assert list(holds) == []
    assert broke.attrib["name"] == "broke" and broke.attrib["time"] == "0.500"
    (failure,) = broke
    assert (failure.tag, failure.attrib, failure.text) == (
        "failure",
        {"message": "broke failed"},
        "step 1\nstep 2",
    )
    error, out = cut
    assert (error.tag, error.attrib, error.text) == (
        "error",
        {"message": "cut short inconclusive"},
        "ran out",
    )
    assert (out.tag, out.text) == ("system-out", "a find")
    empty, both = too
    assert (empty.tag, empty.text) == ("error", None)
    assert (both.tag, both.text) == ("system-out", "one\ntwo")


def test_progress_takes_a_corrected_total_in_its_log_lines(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # A CI log (no terminal) ends with the total the run corrected itself to, not its guess.
    with progress(make_console(), "cases", 2140) as tick:
        tick(0, 851)
        tick(851)
    assert capsys.readouterr().out.splitlines()[-1].startswith("  cases: 851/851 done in ")
