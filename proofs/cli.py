"""The `tidegate` command line: the parser, built from each capability's `cli.register`, and
the one place where a command's outcome becomes its exit code.

A command's `run(args)` returns its `Verdict`, or raises a `TidegateError`: `main`
prints that as `tidegate CMD: error: MESSAGE` on standard error and exits 2 (a
usage or input error), or 4 for an `AdapterFailure` (an adapter that died, hung
or broke the protocol mid-run; its report is printed before). Interrupted
(Ctrl-C; SIGTERM or SIGHUP to the `tidegate` program), a command has proved
nothing: `interrupted` on standard error, exit 3; out of memory, likewise
inconclusive; a reader that stops reading (`tidegate ... | head`) ends it
quietly, also with exit 3. However a command ends, no process it started
outlives it (`tidegate.proofs.processes`).
"""

from __future__ import annotations

import _thread
import argparse
import contextlib
import importlib
import math
import operator
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from types import FrameType
from typing import Any, cast

from tidegate.proofs import processes
from tidegate.proofs.core import (
    AdapterFailure,
    ExitCode,
    TidegateError,
    Verdict,
    clear_interrupt,
    interrupted,
    note_interrupt,
)

COMMANDS = {
    "verify": "tidegate.proofs.verify",
    "replay": "tidegate.proofs.recordings.cli",
    "serve": "tidegate.proofs.protocol.cli",
    "protocol": "tidegate.proofs.protocol.cli",
    "conform": "tidegate.proofs.conform.cli",
    "traces": "tidegate.proofs.conform.cli",
    "explore": "tidegate.proofs.explore.cli",
    "interleave": "tidegate.proofs.interleave.cli",
    "simulate": "tidegate.proofs.simulate.cli",
}
"""Each command, in `--help` order, and the module whose `register(subparsers)` adds it.
The modules are imported when the parser is built, so that each may import `exit_code`
from here; a command line naming a command imports only that command's module (`serve`,
started once per adapter, then skips numpy, hypothesis and every check)."""

_EXIT_CODES = {
    Verdict.PASS: ExitCode.OK,
    Verdict.FAIL: ExitCode.FAILED,
    Verdict.INCONCLUSIVE: ExitCode.INCONCLUSIVE,
}


def exit_code(outcome: Verdict | TidegateError) -> ExitCode:
    """The exit code of a command that concluded `outcome`: its verdict's, ADAPTER_FAILED (4)
    for an adapter that failed mid-run, or USAGE (2) for a usage or input error."""
    if isinstance(outcome, AdapterFailure):
        return ExitCode.ADAPTER_FAILED
    if isinstance(outcome, TidegateError):
        return ExitCode.USAGE
    return _EXIT_CODES[outcome]


def number(
    kind: type[int] | type[float],
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    above: float | None = None,
    below: float | None = None,
    why: str = "",
) -> Callable[[str], Any]:
    """An argparse type for an option's number: a `kind` (int or float) >= `minimum`,
    <= `maximum`, > `above` and < `below` (each bound None for none). Anything else is a
    usage error naming the rule and the value (argparse names the option), e.g.
    `must be an integer >= 1, got '0'`; `why` follows the rule."""
    bounds: list[tuple[str, float | None, Callable[[float, float], bool]]] = [
        (">=", minimum, operator.ge),
        (">", above, operator.gt),
        ("<=", maximum, operator.le),
        ("<", below, operator.lt),
    ]
    given = [(sign, bound, holds) for sign, bound, holds in bounds if bound is not None]
    rule = " and ".join(f"{sign} {_bound(bound)}" for sign, bound, _ in given)
    words = "an integer" if kind is int else "a number"

    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except (ValueError, OverflowError):
            value = None
        # NaN compares false with everything, so it is refused like a word; so are the
        # infinities, which no budget or timeout means.
        if value is None or not math.isfinite(value) or not all(ok(value, b) for _, b, ok in given):
            raise argparse.ArgumentTypeError(f"must be {words} {rule}{why}, got {text!r}")
        return value

    return parse


def _bound(value: float) -> str:
    """A bound as a person reads it: `1,000,000` for an int, `0.01` for a float."""
    return f"{value:,}" if isinstance(value, int) else f"{value:g}"


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The innermost parser's default wins, so errors name the whole command
        # (`tidegate traces generate`), as argparse's own usage errors do.
        self.set_defaults(command_name=self.prog)

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(int(ExitCode.USAGE), f"{self.prog}: error: {message}\n")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser: every command's, or only `command`'s module's commands
    when `command` is one of `COMMANDS` (what it parses is then the same)."""
    parser = _Parser(
        prog="tidegate",
        description="Formal model and reference implementation of the reader-side "
        "backpressure queue: verify it, check ports against it.",
        epilog="exit codes: 0 holds, 1 failed or diverged, 2 usage or input error (an "
        "adapter command that cannot start, too), 3 inconclusive (budget ran out; not a "
        "pass), 4 an adapter failed mid-run (conform: it died, hung or broke the protocol)",
    )
    parser.add_argument("--version", action="version", version=f"tidegate {version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    modules = [COMMANDS[command]] if command in COMMANDS else dict.fromkeys(COMMANDS.values())
    for name in modules:
        register = cast(Callable[[Any], None], importlib.import_module(name).register)
        register(sub)
    return parser


def version() -> str:
    """The installed distribution's version (`unknown` when run from an uninstalled tree)."""
    from importlib import metadata

    try:
        return metadata.version("tidegate")
    except metadata.PackageNotFoundError:
        return "unknown"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (see `ExitCode`)."""
    given = sys.argv[1:] if argv is None else list(argv)
    # Only --version and --help come before the command, and neither takes a value.
    command = given[0] if given and not given[0].startswith("-") else None
    args = build_parser(command).parse_args(given)
    clear_interrupt()
    try:
        verdict: Verdict = args.run(args)
    except TidegateError as exc:
        _say(f"{args.command_name}: error: {exc}")
        return int(exit_code(exc))
    except KeyboardInterrupt:
        _say("interrupted")
        return int(ExitCode.INCONCLUSIVE)
    except MemoryError:
        _say("out of memory: stopped before the bounds were covered (inconclusive)")
        return int(ExitCode.INCONCLUSIVE)
    except BrokenPipeError:
        _silence_stdout()
        return int(ExitCode.INCONCLUSIVE)
    finally:
        processes.end_all()
    return int(exit_code(verdict))


def run() -> None:
    """The `tidegate` program: `main`, with SIGTERM and SIGHUP ending a command as Ctrl-C
    does, orphans of its children ended (see `tidegate.proofs.processes`), and output cut
    off by a closed pipe handled quietly."""
    sys.unraisablehook = _unraisable
    for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        with contextlib.suppress(ValueError, OSError):
            # A signal ignored when the program started (a background job's SIGINT) stays so.
            if signal.getsignal(number) is not signal.SIG_IGN:
                signal.signal(number, _interrupt)
    _mend_standard_streams()
    processes.become_subreaper()
    code = int(ExitCode.INCONCLUSIVE)
    try:
        code = main()
        _ended()
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
    except KeyboardInterrupt:  # before the command began, or as it ended
        _ended()
        if not _said:
            _say("interrupted")
    finally:
        _ended()
        with contextlib.suppress(KeyboardInterrupt):
            processes.sweep_orphans()
    if interrupted():
        # CPython remembers a KeyboardInterrupt that passed through an eval() (as in
        # namedtuple, while modules import), caught or not, and then ends the program by
        # SIGINT rather than with its exit code: an interrupted run leaves without the
        # interpreter's finalization (its children are ended, its output flushed).
        with contextlib.suppress(OSError, ValueError):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


def _ended() -> None:
    """The command has ended: a signal delivered again (see `_unraisable`), or a second
    Ctrl-C, must not turn its exit code into death by SIGINT."""
    for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        with contextlib.suppress(ValueError, OSError):
            signal.signal(number, signal.SIG_IGN)


def _mend_standard_streams() -> None:
    """Give a standard stream that was closed when the program started (`tidegate serve
    <&-`, `>&-`) /dev/null instead: reading it is an empty input, writing it discards.
    Also keeps descriptors 0 to 2 from being reused by a file or a pipe opened later."""
    for fd, name, mode in ((0, "stdin", "r"), (1, "stdout", "w"), (2, "stderr", "w")):
        try:
            os.fstat(fd)
        except OSError:
            devnull = os.open(os.devnull, os.O_RDWR)
            if devnull != fd:
                os.dup2(devnull, fd)
                os.close(devnull)
            setattr(sys, name, open(fd, mode, closefd=False))  # noqa: SIM115 (for good)


def _interrupt(number: int, frame: FrameType | None) -> None:
    """Ctrl-C, SIGTERM, SIGHUP: note it (every Budget runs out), then raise KeyboardInterrupt
    where the program is (see `_unraisable` for where Python swallows it)."""
    note_interrupt()
    raise KeyboardInterrupt


def _unraisable(unraisable: sys.UnraisableHookArgs) -> None:
    """Python swallows an exception raised in a garbage-collector or weakref callback or a
    `__del__` (and prints it). A KeyboardInterrupt swallowed so is delivered again a moment
    later, elsewhere, and nothing is printed; anything else is printed as usual."""
    if isinstance(unraisable.exc_value, KeyboardInterrupt):
        # Not a real signal: interrupt_main does nothing once the program has stopped
        # handling SIGINT (it is ending), where a signal would kill it.
        again = threading.Timer(0.01, _thread.interrupt_main)
        again.daemon = True
        again.start()
        return
    sys.__unraisablehook__(unraisable)


_said: list[str] = []


def _say(message: str) -> None:
    _said.append(message)
    with contextlib.suppress(OSError, ValueError):
        print(message, file=sys.stderr)


def _silence_stdout() -> None:
    """Point standard output at /dev/null: the reader went away, and Python would otherwise
    complain once more while flushing it at exit."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


if __name__ == "__main__":
    run()
