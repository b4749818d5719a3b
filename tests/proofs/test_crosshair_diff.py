"""crosshair diffbehavior finds a program that tells a broken queue from the model.

The searches take tens of CPU seconds, so they run only with TIDEGATE_SLOW=1 or
HYPOTHESIS_PROFILE=thorough; the decoding of programs is checked in every run.
"""

from __future__ import annotations

import pytest

from tests.conftest import CROSSHAIR_SLOW, REPO
from tidegate.model import Op, OpName
from tidegate.proofs.core import Verdict
from tidegate.proofs.crosshair.check import IMPL, MODEL, diff_result
from tidegate.proofs.crosshair.diff import MAX_STEPS, decode_program, impl_answers, model_answers
from tidegate.proofs.crosshair.run import diffbehavior


def test_decode_gives_distinct_items_and_respects_drop() -> None:
    ops = decode_program([0, 2, 0, 5, 3, 4, 5, 2, 6, 7])
    assert ops == [
        Op(OpName.ENQUEUE_OR_SEND, 1),
        Op(OpName.TRY_SEND, 1001),
        Op(OpName.ENQUEUE_OR_SEND, 2),
        Op(OpName.DROP_RECEIVER),
        Op(OpName.TRY_SEND, 1002),
        Op(OpName.CAPACITY),
        Op(OpName.LEN),
    ]
    assert len(decode_program(list(range(3 * MAX_STEPS)))) <= MAX_STEPS


def test_model_and_impl_agree_on_the_overtaking_program() -> None:
    program = [0, 0, 3, 0]  # fill the only slot, spill, free the slot, enqueue again
    assert model_answers(0, 3, program) == impl_answers(0, 3, program)
    assert model_answers(0, 3, program)[-1].startswith(
        "state SubjectView(buffer=(), backlog=(2, 3)"
    )


@pytest.mark.slow
@CROSSHAIR_SLOW
def test_diffbehavior_finds_no_difference_between_model_and_impl() -> None:
    result = diff_result("diff", diffbehavior(MODEL, IMPL, 20, REPO))
    assert result.verdict is Verdict.PASS, result.details
    assert result.cases > 0
