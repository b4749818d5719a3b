"""The model's errors: bad parameters and items refused with a message naming the parameter,
the value and the rule."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.bad_values import BAD_CAPACITIES, BAD_CAPS
from tidegate import model


@pytest.mark.parametrize(("value", "kind", "words"), BAD_CAPACITIES)
def test_model_refuses_bad_capacity(value: Any, kind: type[Exception], words: str) -> None:
    with pytest.raises(kind, match="capacity") as info:
        model.new(value, 1)
    assert words in str(info.value)


@pytest.mark.parametrize(("value", "kind", "words"), BAD_CAPS)
def test_model_refuses_bad_cap(value: Any, kind: type[Exception], words: str) -> None:
    with pytest.raises(kind, match="cap") as info:
        model.new(1, value)
    assert words in str(info.value)


@pytest.mark.parametrize(
    ("item", "kind"),
    [(2**63, ValueError), (-(2**63) - 1, ValueError), (True, TypeError), (1.5, TypeError)],
)
def test_model_refuses_items_outside_i64(item: Any, kind: type[Exception]) -> None:
    s = model.new(1, 1)
    with pytest.raises(kind, match="item"):
        model.enqueue_or_send(s, item)
    with pytest.raises(kind, match="item"):
        model.try_send(s, item)


def test_model_accepts_the_i64_extremes() -> None:
    s = model.new(2, 1)
    s, a, _ = model.enqueue_or_send(s, -(2**63))
    s, b, _ = model.try_send(s, 2**63 - 1)
    assert (a, b) == (model.OK, model.OK)
    assert s.channel.buffer == (-(2**63), 2**63 - 1)


def test_op_refuses_missing_or_extra_item() -> None:
    with pytest.raises(model.ModelValueError, match="needs an item"):
        model.Op(model.OpName.TRY_SEND)
    with pytest.raises(model.ModelValueError, match="takes no item"):
        model.Op(model.OpName.CLOSE, 3)


def test_model_errors_are_value_and_type_error_subclasses() -> None:
    assert issubclass(model.ModelValueError, ValueError)
    assert issubclass(model.ModelTypeError, TypeError)


def test_an_item_out_of_range_is_refused_naming_the_item() -> None:
    """Mutation: kills the string mutants of `require_int`'s `must be <=` message and of the
    name `require_item` passes (`"XXitemXX"`; model/errors.py)."""
    with pytest.raises(model.ModelValueError, match=r"^item must be <= 9223372036854775807, got"):
        model.enqueue_or_send(model.new(1, 1), 2**63)
