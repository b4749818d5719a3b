"""The pytest entry point: `pytest --tidegate-adapter CMD` gives conformance as test items."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PORT = f"{sys.executable} {Path(__file__).parent / 'adapters' / 'port.py'}"


def run_pytest(where: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", *args],
        cwd=where,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_inert_without_the_option(tmp_path: Path) -> None:
    (tmp_path / "test_theirs.py").write_text("def test_one():\n    assert True\n")
    done = run_pytest(tmp_path)
    assert done.returncode == 0
    assert "1 passed" in done.stdout and "tidegate" not in done.stdout


def test_a_conforming_port_passes_every_item(tmp_path: Path) -> None:
    # Recordings through a pipe are covered by test_conform; here the items and their report.
    done = run_pytest(
        tmp_path,
        "--tidegate-adapter",
        PORT,
        "--tidegate-max-examples",
        "6",
        "-rA",
        "-k",
        "not recordings",
    )
    assert done.returncode == 0, done.stdout
    for part in ("protocol", "coverage", "random"):
        assert f"PASSED ::tidegate::{part}" in done.stdout
    assert "3 passed, 1 deselected" in done.stdout


def test_a_broken_port_fails_with_the_minimal_trace(tmp_path: Path) -> None:
    command = f"{PORT} --bug disconnected-after-close"
    done = run_pytest(tmp_path, "--tidegate-adapter", command, "--tidegate-max-examples", "6")
    assert done.returncode == 1
    assert "FAILED ::tidegate::recordings" in done.stdout
    assert (
        "1  try_recv                err Empty       err Disconnected   <-- differs" in done.stdout
    )
    assert '{"id":"minimal","capacity":1,"cap":0,"steps":[{"op":"close"' in done.stdout


def test_a_crashing_adapter_fails_the_item_with_its_error(tmp_path: Path) -> None:
    bad = f"{sys.executable} {Path(__file__).parent / 'adapters' / 'bad.py'} crash 3"
    done = run_pytest(tmp_path, "--tidegate-adapter", bad, "-k", "recordings")
    assert done.returncode == 1
    assert "adapter error: during tokio-1-0" in done.stdout
    assert "RuntimeError: port panicked" in done.stdout
