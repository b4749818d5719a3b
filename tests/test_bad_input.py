"""Bad parameters and items: a clear error naming the parameter, the value and the rule."""

from __future__ import annotations

from typing import Any

import pytest

from tidegate import impl, model
from tidegate.impl.channel import channel
from tidegate.impl.errors import ParameterError, ParameterTypeError
from tidegate.proofs.cli import main
from tidegate.proofs.protocol.traces import TraceFileError, load_traces

BAD_CAPACITIES: list[tuple[Any, type[Exception], str]] = [
    (0, ValueError, "capacity must be"),
    (-3, ValueError, "-3"),
    (True, TypeError, "True"),
    (2.0, TypeError, "float"),
    ("4", TypeError, "str"),
    (None, TypeError, "None"),
]
BAD_CAPS: list[tuple[Any, type[Exception], str]] = [
    (-1, ValueError, "cap must be"),
    (False, TypeError, "bool"),
    (8.0, TypeError, "float"),
]


@pytest.mark.parametrize(("value", "kind", "words"), BAD_CAPACITIES)
def test_impl_channel_refuses_bad_capacity(value: Any, kind: type[Exception], words: str) -> None:
    with pytest.raises(kind, match="capacity") as info:
        channel(value)
    assert words in str(info.value)


@pytest.mark.parametrize(("value", "kind", "words"), BAD_CAPS)
def test_impl_queue_refuses_bad_cap(value: Any, kind: type[Exception], words: str) -> None:
    with pytest.raises(kind, match="cap") as info:
        impl.BackpressureQueue(value)
    assert words in str(info.value)


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


def test_errors_are_value_and_type_error_subclasses() -> None:
    assert issubclass(ParameterError, ValueError)
    assert issubclass(ParameterTypeError, TypeError)
    assert issubclass(model.ModelValueError, ValueError)
    assert issubclass(model.ModelTypeError, TypeError)


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("not json", "not JSON"),
        ('{"id": "x", "capacity": 0, "cap": 1, "steps": []}', "capacity must be >= 1, got 0"),
        ('{"id": "x", "capacity": 1, "steps": []}', "lacks field 'cap'"),
        (
            '{"id": "x", "capacity": 1, "cap": 1, "steps": [{"op": "fly", "result": {}}]}',
            "unknown op 'fly'",
        ),
        (
            '{"id": "x", "capacity": 1, "cap": 1, "steps": [{"op": "len", "result": {"ok": 1.5}}]}',
            "not an answer",
        ),
    ],
)
def test_trace_file_errors_name_file_line_and_rule(tmp_path: Any, line: str, words: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "ok", "capacity": 1, "cap": 1, "steps": []}\n' + line + "\n")
    with pytest.raises(TraceFileError) as info:
        load_traces(path)
    assert f"{path}:2" in str(info.value)
    assert words in str(info.value)


def test_cli_reports_a_bad_trace_file_with_exit_2(tmp_path: Any, capsys: Any) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text("{nope\n")
    assert main(["replay", "--traces", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("tidegate replay: error: ") and "bad.jsonl:1: not JSON" in err


def test_cli_usage_error_exits_2(capsys: Any) -> None:
    with pytest.raises(SystemExit) as info:
        main(["verify", "--profile", "enormous"])
    assert info.value.code == 2
    assert "invalid choice: 'enormous'" in capsys.readouterr().err
