"""JUnit XML for CI: one testcase per check, failures and inconclusives marked."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

from tidegate.proofs.checks import CheckResult, Verdict


def write_junit(path: str | Path, suite: str, results: Sequence[CheckResult]) -> None:
    """Write `results` as one <testsuite>; an INCONCLUSIVE check is an <error>, never a pass."""
    failures = sum(r.verdict is Verdict.FAIL for r in results)
    errors = sum(r.verdict is Verdict.INCONCLUSIVE for r in results)
    root = ET.Element(
        "testsuite",
        name=suite,
        tests=str(len(results)),
        failures=str(failures),
        errors=str(errors),
        time=f"{sum(r.seconds for r in results):.3f}",
    )
    for result in results:
        case = ET.SubElement(
            root, "testcase", classname=suite, name=result.name, time=f"{result.seconds:.3f}"
        )
        text = "\n".join(result.details)
        if result.verdict is Verdict.FAIL:
            ET.SubElement(case, "failure", message=f"{result.name} failed").text = text
        elif result.verdict is Verdict.INCONCLUSIVE:
            ET.SubElement(case, "error", message=f"{result.name} inconclusive").text = text
        if result.findings:
            ET.SubElement(case, "system-out").text = "\n".join(result.findings)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
