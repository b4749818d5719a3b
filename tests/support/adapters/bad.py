"""Adapters that break the protocol, for the tests: `bad.py MODE [AT] [PIDFILE]`.

Until request number AT (default 20) each answers correctly (tidegate's model
behind `tidegate.proofs.protocol.serve.Session`); at request AT it misbehaves per MODE:

- crash: raises (a traceback on stderr, exit code 1), as a panicking port does;
- exit: exits with code 0 without answering;
- hang: first starts a child process that sleeps, then sleeps itself, forever;
  writes "adapter_pid child_pid" to PIDFILE so the test can check both are gone;
- garbage: answers with bytes that are not JSON;
- extra: answers twice;
- json-noise: answers with a JSON object that is no answer;
- stdout-diag: from the start, prints a diagnostic line before every answer;
- no-flush: from the start, answers correctly but never flushes standard output
  (so the answers stay in its buffer until it exits).
"""

from __future__ import annotations

import subprocess
import sys
import time

from tidegate.proofs.protocol.serve import Session


def main() -> None:
    mode = sys.argv[1]
    at = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    pidfile = sys.argv[3] if len(sys.argv) > 3 else None
    session = Session("model")
    out = sys.stdout.buffer
    if mode == "no-flush":
        # A pipe's buffer, as a port that writes answers without flushing them has.
        out = open(sys.stdout.fileno(), "wb", buffering=65536)  # noqa: SIM115 (lives as long)
    for number, line in enumerate(sys.stdin.buffer, 1):
        answer = session.answer(line)
        if mode == "stdout-diag":
            out.write(b"debug: handling " + line.strip() + b"\n")
        elif number == at:
            if mode == "crash":
                raise RuntimeError(f"port panicked on {line.strip().decode()}")
            if mode == "exit":
                sys.exit(0)
            if mode == "hang":
                child = subprocess.Popen(["sleep", "300"])
                if pidfile:
                    with open(pidfile, "w") as handle:
                        handle.write(f"{__import__('os').getpid()} {child.pid}\n")
                time.sleep(300)
            if mode == "garbage":
                answer = b"\x00\xff garbage \x01\n"
            if mode == "extra" and answer is not None:
                answer = answer + answer
            if mode == "json-noise":
                answer = b'{"debug": "state dump", "len": 3}\n'
        if answer is None:
            continue
        out.write(answer)
        if mode != "no-flush":
            out.flush()


if __name__ == "__main__":
    main()
