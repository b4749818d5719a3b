"""The adapter kits in kits/: each builds, conforms, and answers the request errors exactly.

Every kit whose toolchain is on this machine is built into a temporary directory (never
into the repository), then run three ways: a short `tidegate conform --check-protocol`;
a session of request lines, blank and malformed ones included, whose answers must be
exactly `REQUESTS`' (`--check-protocol`'s table, which test_serve.py holds to the seed oracle);
and a copy with one planted mistake, which conform or the session must catch. A kit
whose toolchain is missing is skipped, saying which tool and how to get it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import REPO
from tidegate.proofs.conform.probes import PROBES
from tidegate.proofs.core import ExitCode

KITS = REPO / "kits"
BUILD_TIMEOUT = 300


@dataclass(frozen=True)
class Mutant:
    """One planted mistake: `old` (which must occur exactly once in `path`) becomes `new`."""

    path: str
    old: str
    new: str
    why: str


@dataclass(frozen=True)
class Kit:
    """How to build one kit and run its adapter."""

    name: str
    tools: tuple[str, ...]
    build: Callable[[Path], list[str]]  # builds the copy in the directory; returns the command
    port_mutant: Mutant  # a port rule broken: conform must diverge
    adapter_mutant: Mutant  # a request rule broken: the request session must differ


def run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> None:
    """Run a build step; the test fails, showing the output, when the step fails."""
    done = subprocess.run(
        command,
        cwd=cwd,
        env=None if env is None else {**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT,
        check=False,
    )
    if done.returncode != 0:
        pytest.fail(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}{done.stderr}")


def build_rust(copy: Path) -> list[str]:
    # The debug profile: quicker to build, and an arithmetic overflow panics instead of wrapping.
    run(
        ["cargo", "build", "--quiet", "--offline"], copy, {"CARGO_TARGET_DIR": str(copy / "target")}
    )
    return [str(copy / "target" / "debug" / "queue-adapter")]


def build_go(copy: Path) -> list[str]:
    run(["go", "build", "-o", "queue-adapter", "."], copy)
    return [str(copy / "queue-adapter")]


def build_java(copy: Path) -> list[str]:
    sources = sorted(str(path) for path in (copy / "src").glob("*.java"))
    run(["javac", "-Xlint:all", "-Werror", "-d", str(copy / "classes"), *sources], copy)
    return ["java", "-cp", str(copy / "classes"), "QueuePort"]


def build_typescript(copy: Path) -> list[str]:
    # typescript is the kit's only (development) dependency, pinned by package-lock.json.
    done = subprocess.run(
        ["npm", "ci", "--no-audit", "--no-fund"],
        cwd=copy,
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"typescript kit: `npm ci` could not install the compiler:\n{done.stderr}")
    run(["node", "node_modules/typescript/bin/tsc"], copy)
    return ["node", str(copy / "dist" / "port.js")]


KIT_LIST = [
    Kit(
        "rust",
        ("cargo",),
        build_rust,
        Mutant(
            "src/port.rs",
            "if self.receiver != Receiver::Open {",
            "if self.receiver != Receiver::Open && self.free > 0 {",
            "a full, closed channel answers Full, not Closed (rule 12)",
        ),
        Mutant(
            "src/main.rs",
            'if text != "-0" &&',
            "if",
            "-0 accepted as an integer",
        ),
    ),
    Kit(
        "go",
        ("go",),
        build_go,
        Mutant(
            "port.go",
            "s.backlog = s.backlog[1:] // sent, or Closed",
            "if err == nil { s.backlog = s.backlog[1:] } // sent",
            "a Closed try_drain_one keeps its item (rule 11)",
        ),
        Mutant(
            "json.go",
            "check(depth < 128)",
            "check(depth < 129)",
            "nesting 128 levels deep accepted",
        ),
    ),
    Kit(
        "java",
        ("javac", "java"),
        build_java,
        Mutant(
            "src/QueuePort.java",
            "throw new Refused(Err.Empty);",
            "throw new Refused(receiver == Receiver.OPEN ? Err.Empty : Err.Disconnected);",
            "try_recv on a closed, empty channel answers Disconnected (rule 17)",
        ),
        Mutant(
            "src/Adapter.java",
            '"[ \\t\\r]*"',
            '"[ \\t]*"',
            "a line of a carriage return is answered, not skipped",
        ),
    ),
    Kit(
        "typescript",
        ("node", "npm"),
        build_typescript,
        Mutant(
            "src/adapter.ts",
            "const n = BigInt(value.text);",
            "const n = BigInt(Number(value.text));",
            "items read through a double, as JSON.parse does",
        ),
        Mutant(
            "src/json.ts",
            "check(u < 0xdc00 || u > 0xdfff);",
            "",
            "a lone low surrogate escape accepted",
        ),
    ),
]


def build(kit: Kit, directory: Path, mutant: Mutant | None = None) -> list[str]:
    """Copy the kit into `directory`, plant `mutant` if given, build it; the adapter command."""
    missing = [tool for tool in kit.tools if shutil.which(tool) is None]
    if missing:
        pytest.skip(
            f"{kit.name} kit: {', '.join(missing)} not on PATH (toolchain not installed); "
            f"see kits/{kit.name}/README.md to build and check it by hand"
        )
    copy = directory / kit.name
    shutil.copytree(
        KITS / kit.name, copy, ignore=shutil.ignore_patterns("target", "node_modules", "dist")
    )
    if mutant is not None:
        source = copy / mutant.path
        text = source.read_text(encoding="utf-8")
        assert text.count(mutant.old) == 1, f"{mutant.path} no longer holds {mutant.old!r} once"
        source.write_text(text.replace(mutant.old, mutant.new), encoding="utf-8")
    return kit.build(copy)


@pytest.fixture(scope="module", params=KIT_LIST, ids=lambda kit: kit.name)
def kit(request: pytest.FixtureRequest) -> Kit:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def adapter(kit: Kit, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The kit as shipped, built once per module."""
    return build(kit, tmp_path_factory.mktemp("kit"))


def conform(command: list[str]) -> subprocess.CompletedProcess[str]:
    """A short conform: the recordings, the coverage goal, the anchor runs, the probes."""
    return subprocess.run(
        [sys.executable, "-m", "tidegate.proofs", "conform", "--adapter", " ".join(command)]
        + ["--max-examples", "6", "--max-steps", "200", "--check-protocol"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


# Each line with the answer PROTOCOL.md gives it (None: a blank line, no answer): the one
# table of request lines, which `--check-protocol` sends and test_serve holds the oracle to.
REQUESTS: list[tuple[bytes, object]] = [(probe.line, probe.answer) for probe in PROBES]
# A kit knows v1 only: every v2 task operation is Unsupported, whatever its fields.
V2_REQUESTS: list[tuple[bytes, object]] = [
    (b'{"op":"new","capacity":1,"cap":0}', {"ok": None}),
    *(
        (line, {"err": "Unsupported"})
        for line in [
            b'{"op":"send","item":1}',
            b'{"op":"send"}',
            b'{"op":"recv"}',
            b'{"op":"notified"}',
            b'{"op":"notify_one"}',
            b'{"op":"poll","task":1}',
            b'{"op":"cancel"}',
        ]
    ),
]


def session(command: list[str], requests: list[tuple[bytes, object]]) -> list[object]:
    """The answers to all of `requests`' lines sent in one go, each parsed as JSON."""
    done = subprocess.run(
        command,
        input=b"".join(line + b"\n" for line, _ in requests),
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    return [json.loads(line) for line in done.stdout.decode().splitlines()]


def differences(answers: list[object], requests: list[tuple[bytes, object]]) -> list[str]:
    """Each request whose answer differs, type-strictly (true is not 1), or a count mismatch."""
    expected = [want for _, want in requests if want is not None]
    if len(answers) != len(expected):
        return [f"{len(answers)} answers to {len(expected)} non-blank lines: {answers}"]
    lines = [line for line, want in requests if want is not None]
    return [
        f"{line!r}: expected {json.dumps(want)}, got {json.dumps(got)}"
        for line, want, got in zip(lines, expected, answers, strict=True)
        if json.dumps(want) != json.dumps(got)
    ]


def test_kit_conforms(adapter: list[str]) -> None:
    done = conform(adapter)
    assert done.returncode == ExitCode.OK, done.stdout + done.stderr
    # The kits answer the v2 task operations Unsupported: a pass on v1 only, never shown
    # as a full one.
    assert "CONFORMS (v1 only: v2 tasks Unsupported" in done.stdout, done.stdout[-2000:]
    probes = next(line for line in done.stdout.splitlines() if "request-rule probes" in line)
    count, total = probes.split()[1].split("/")
    assert count == total, probes


def test_kit_answers_requests_exactly(adapter: list[str]) -> None:
    assert differences(session(adapter, REQUESTS), REQUESTS) == []
    assert differences(session(adapter, V2_REQUESTS), V2_REQUESTS) == []


def test_broken_port_diverges(kit: Kit, tmp_path: Path) -> None:
    done = conform(build(kit, tmp_path, kit.port_mutant))
    assert done.returncode == ExitCode.FAILED, f"{kit.port_mutant.why}:\n{done.stdout}"
    assert "divergence" in done.stdout


def test_broken_adapter_answers_differently(kit: Kit, tmp_path: Path) -> None:
    command = build(kit, tmp_path, kit.adapter_mutant)
    assert differences(session(command, REQUESTS), REQUESTS) != [], kit.adapter_mutant.why


@pytest.mark.parametrize("name", [kit.name for kit in KIT_LIST])
def test_readme_line_counts_are_current(name: str) -> None:
    readme = (KITS / name / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([^`]+)` \| (\d+) \|", readme, flags=re.MULTILINE)
    assert rows, f"kits/{name}/README.md has no file table"
    for path, lines in rows:
        text = (KITS / name / path).read_text(encoding="utf-8")
        assert text.count("\n") == int(lines), f"kits/{name}/{path} has {text.count(chr(10))} lines"
