"""Shared fixtures: where ../shared/ is, and the seed oracle when it is there."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("TIDEGATE_SHARED", REPO.parent / "shared"))
ORACLE = SHARED / "oracle" / "seed-oracle"

CROSSHAIR_SLOW = pytest.mark.skipif(
    not (os.environ.get("TIDEGATE_SLOW") or os.environ.get("HYPOTHESIS_PROFILE") == "thorough"),
    reason="a CrossHair search of a minute or more: set TIDEGATE_SLOW=1 to run it",
)
"""Marks a test that runs CrossHair for a minute or more (with `@pytest.mark.slow`)."""

settings.register_profile("ci", max_examples=100, deadline=None)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile(
    "thorough",
    max_examples=2000,
    stateful_step_count=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture
def oracle_path() -> Path:
    """The seed oracle binary; the test is skipped, saying why, where ../shared/ lacks it."""
    if not (ORACLE.is_file() and os.access(ORACLE, os.X_OK)):
        pytest.skip(f"seed oracle not found at {ORACLE} (../shared/ absent): reference skipped")
    return ORACLE
