"""Answers as values: how each reads as PROTOCOL.md's text."""

from __future__ import annotations

import pytest

from tidegate import model


@pytest.mark.parametrize(
    ("answer", "text"),
    [
        (model.Ok(True), "ok true"),
        (model.Ok(False), "ok false"),
        (model.Ok(-7), "ok -7"),
        (model.OK, "ok null"),
        (model.QUEUE_FULL, "err QueueFull"),
    ],
)
def test_answers_read_as_their_protocol_text(answer: model.Answer, text: str) -> None:
    """Mutation: kills the string mutants of `Ok.__str__`, `Err.__str__` and `_show`
    (`"XXnullXX"`, `"XXtrueXX"`, `_show(None)`; model/answers.py)."""
    assert str(answer) == text
