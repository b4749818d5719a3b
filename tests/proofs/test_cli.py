"""The command line's shared policy: one error handler, one verdict-to-exit-code table, verify's
one clock, and the shipped PROTOCOL.md."""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import time

import pytest
from rich.console import Console

from tests.conftest import SHARED
from tidegate.proofs.cli import exit_code, main, number
from tidegate.proofs.core import (
    AdapterFailure,
    CheckContext,
    CheckResult,
    ExitCode,
    Profile,
    TidegateError,
    Verdict,
    interrupted,
    note_interrupt,
)
from tidegate.proofs.protocol.data import PROTOCOL, shipped
from tidegate.proofs.verify import run_checks


def test_each_verdict_has_its_exit_code_and_an_error_exits_2() -> None:
    assert [exit_code(v) for v in Verdict] == [
        ExitCode.OK,
        ExitCode.FAILED,
        ExitCode.INCONCLUSIVE,
    ]
    assert exit_code(TidegateError("bad")) is ExitCode.USAGE


@pytest.mark.parametrize(
    ("argv", "err"),
    [
        (
            ["replay", "--traces", "/nonexistent/t.jsonl"],
            "tidegate replay: error: cannot read trace file /nonexistent/t.jsonl: ",
        ),
        (
            ["verify", "--queue-class", "nonsense"],
            "tidegate verify: error: --queue-class must be MODULE:CLASS, got 'nonsense'",
        ),
        (
            ["conform", "--adapter", "", "--max-examples", "0", "--no-recordings"],
            "tidegate conform: error: the adapter command is empty",
        ),
    ],
)
def test_usage_errors_go_to_stderr_naming_the_command(
    argv: list[str], err: str, capsys: pytest.CaptureFixture[str]
) -> None:
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's own checks of the values
        code = exc.code  # type: ignore[assignment]
    assert code == ExitCode.USAGE
    out = capsys.readouterr()
    assert out.err.splitlines()[-1].startswith(err) and "error" not in out.out


@pytest.mark.parametrize(
    ("argv", "err"),
    [
        (
            ["interleave", "--random", "0"],
            "argument --random: must be an integer >= 1 and <= 1,000,000,000, got '0'",
        ),
        (
            ["simulate", "--capacity", "0"],
            "argument --capacity: must be an integer >= 1 and <= 4,096, got '0'",
        ),
        (["simulate", "--slow-ratio", "1"], "must be a number > 0 and < 1, got '1'"),
        (["conform", "--adapter", "x", "--op-timeout", "nan"], "must be a number >= 0.01"),
    ],
)
def test_bad_numbers_are_usage_errors_naming_rule_and_value(
    argv: list[str], err: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == ExitCode.USAGE
    assert err in capsys.readouterr().err


def test_a_number_type_holds_every_bound_it_is_given() -> None:
    inside = number(int, minimum=1, maximum=3)
    assert [inside(t) for t in ("1", "3")] == [1, 3]
    strictly = number(float, above=0, below=1)
    assert strictly("0.5") == 0.5
    for parse, text in ((inside, "0"), (inside, "4"), (strictly, "0"), (strictly, "1")):
        with pytest.raises(argparse.ArgumentTypeError, match=f"got '{text}'"):
            parse(text)


def test_an_interrupt_proves_nothing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted() -> list[object]:
        raise KeyboardInterrupt

    monkeypatch.setattr("tidegate.proofs.recordings.cli.recorded_traces", interrupted)
    assert main(["replay"]) == ExitCode.INCONCLUSIVE
    assert capsys.readouterr().err == "interrupted\n"


def test_a_nested_command_names_itself_whole_in_its_errors(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["traces", "generate", "--out", "/nonexistent/dir/x.jsonl", "--runs", "0"]) == 2
    assert capsys.readouterr().err.startswith("tidegate traces generate: error: cannot write ")


def test_verify_times_every_check_with_one_clock() -> None:
    def slow(ctx: CheckContext) -> CheckResult:
        time.sleep(0.05)
        return CheckResult("slow", Verdict.PASS, 1, "naps")

    def quick(ctx: CheckContext) -> CheckResult:
        return CheckResult("quick", Verdict.PASS, 1, "nothing")

    ctx = CheckContext(Profile.QUICK, 0, Console(file=io.StringIO()))
    timed = run_checks([slow, quick], ctx)
    assert timed[0].seconds >= 0.05 and timed[1].seconds < timed[0].seconds


def test_protocol_prints_the_shipped_path_or_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["protocol"]) == 0
    path = capsys.readouterr().out.strip()
    assert path.endswith("PROTOCOL.md") and path == str(shipped(PROTOCOL))
    assert main(["protocol", "--print"]) == 0
    text = capsys.readouterr().out
    assert text == shipped(PROTOCOL).read_text(encoding="utf-8")
    assert "Answers about the request itself" in text


def test_the_shipped_protocol_is_the_shared_one_byte_for_byte() -> None:
    reference = SHARED / "PROTOCOL.md"
    if not reference.is_file():
        pytest.skip(f"{reference} not found (../shared/ absent): nothing to compare with")
    assert shipped(PROTOCOL).read_bytes() == reference.read_bytes(), (
        "copy ../shared/PROTOCOL.md into proofs/protocol/data/"
    )


def test_the_package_runs_as_a_module() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tidegate.proofs", "protocol"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0 and done.stdout.strip().endswith("PROTOCOL.md")


def _replay_raises(monkeypatch: pytest.MonkeyPatch, exc: BaseException) -> None:
    def raises(*args: object) -> Verdict:
        raise exc

    monkeypatch.setattr("tidegate.proofs.recordings.cli.run_replay", raises)


def test_how_a_command_ends_is_its_exit_code(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Mutation: kills cli.main's and cli.exit_code's mutants (an adapter failure, running
    out of memory, a closed pipe or an earlier interrupt turned into another exit code or
    message)."""
    _replay_raises(monkeypatch, AdapterFailure("the adapter died"))
    assert main(["replay"]) == 4
    assert capsys.readouterr().err == "tidegate replay: error: the adapter died\n"
    assert exit_code(AdapterFailure("x")) is ExitCode.ADAPTER_FAILED
    _replay_raises(monkeypatch, MemoryError())
    assert main(["replay"]) == ExitCode.INCONCLUSIVE
    assert capsys.readouterr().err == (
        "out of memory: stopped before the bounds were covered (inconclusive)\n"
    )
    _replay_raises(monkeypatch, BrokenPipeError())
    assert main(["replay"]) == ExitCode.INCONCLUSIVE
    assert capsys.readouterr().err == ""
    monkeypatch.undo()
    note_interrupt()  # left over from an earlier command of this process: forgotten
    assert main(["replay", "--subject", "model"]) == ExitCode.OK
    assert not interrupted()


def test_an_option_number_is_refused_naming_its_rule_and_the_text() -> None:
    """Mutation: kills cli.number 24 and 26 (a word, or an infinity within the bounds,
    escaping as another error or accepted) and cli._bound 2 (a float bound printed as an
    int would be, with thousands separators)."""
    from tidegate.proofs.cli import number

    at_least_one = number(int, minimum=1)
    with pytest.raises(argparse.ArgumentTypeError, match=r"^must be an integer >= 1, got 'abc'$"):
        at_least_one("abc")
    with pytest.raises(argparse.ArgumentTypeError, match=r"^must be a number >= 0, got 'inf'$"):
        number(float, minimum=0)("inf")
    with pytest.raises(
        argparse.ArgumentTypeError, match=r"^must be a number <= 1500.5, got '2000'$"
    ):
        number(float, maximum=1500.5)("2000")
    assert number(int, maximum=1_000_000)("1000000") == 1_000_000


def test_commands_names_every_command_in_help_order_with_the_module_that_adds_it() -> None:
    from tidegate.proofs.cli import COMMANDS, build_parser

    def choices(parser: argparse.ArgumentParser) -> list[str]:
        (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        return list(sub.choices)

    assert choices(build_parser()) == list(COMMANDS)
    for command, module in COMMANDS.items():
        # Only the command's module: its own commands, each with the same options.
        assert choices(build_parser(command)) == [c for c, m in COMMANDS.items() if m == module]
    assert choices(build_parser("no-such-command")) == list(COMMANDS)


def test_serve_starts_without_the_checks() -> None:
    # An adapter is started once per conform session and per shrinking run: `serve` had
    # imported numpy, hypothesis and every check (0.8 s a start; 0.3 s without them).
    code = (
        "import sys; from tidegate.proofs.cli import build_parser; build_parser('serve');"
        "print(sorted(m for m in ('numpy', 'hypothesis', 'crosshair') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


def test_main_builds_the_parser_of_the_command_it_is_given(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Mutation: kills cli.main's mutants that build every command's parser (a slower start,
    the same parse) or read the wrong argument as the command."""
    from tidegate.proofs import cli

    built: list[str | None] = []
    real = cli.build_parser

    def recording(command: str | None = None) -> argparse.ArgumentParser:
        built.append(command)
        return real(command)

    monkeypatch.setattr(cli, "build_parser", recording)
    assert main(["protocol"]) == 0
    monkeypatch.setattr(sys, "argv", ["tidegate", "protocol"])
    assert main() == 0
    with pytest.raises(SystemExit):
        main(["--version"])
    with pytest.raises(SystemExit):
        main([])
    assert built == ["protocol", "protocol", None, None]
    capsys.readouterr()
