"""Bad parameters and items: a clear error naming the parameter, the value and the rule."""

from __future__ import annotations

from typing import Any

import pytest

from tidegate.proofs.cli import main
from tidegate.proofs.protocol.traces import TraceFileError, load_traces


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
