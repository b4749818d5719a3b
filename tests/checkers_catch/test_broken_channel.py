"""A broken channel caught by the stateful differential: tidegate's old channel, which writes a
parked send's item into the buffer when a receive frees a slot (tokio only reserves the slot),
so a cancelled send's item is delivered too (issue 10)."""

from __future__ import annotations

import pytest

from tests.support.broken_channels import write_at_receive_channel
from tidegate.proofs.differential.check import program_lines
from tidegate.proofs.differential.machine import (
    DifferentialFailure,
    Tally,
    UnobservableFailure,
    run_differential,
    sized,
)
from tidegate.proofs.protocol.queue_class import QueueRunner
from tidegate.proofs.protocol.subjects import ModelRunner
from tidegate.proofs.recordings.replay import replay_trace


def test_write_at_receive_is_caught_with_a_shrunk_program_and_a_trace() -> None:
    with pytest.raises((DifferentialFailure, ExceptionGroup)) as caught:
        run_differential(
            sized(150, 50), seed=1, tally=Tally(), channel_factory=write_at_receive_channel
        )
    raised = caught.value
    found = list(raised.exceptions) if isinstance(raised, ExceptionGroup) else [raised]
    failures = [f for f in found if isinstance(f, DifferentialFailure)]
    failure = next(f for f in failures if not isinstance(f, UnobservableFailure))
    program = program_lines(failure)
    # Shrunk: a full channel, a parked send, a receive that frees the slot (and little else).
    assert any("name=TaskOpName.SEND" in line for line in program), program
    assert any(line.startswith("state.try_recv()") for line in program), program
    assert len(program) <= 6, program
    # The trace shows it to any subject: the model replays it, the old channel diverges.
    assert replay_trace(failure.trace, ModelRunner()) is None
    broken = QueueRunner(channel_factory=write_at_receive_channel)
    divergence = replay_trace(failure.trace, broken)
    assert divergence is not None
    broken.close()
