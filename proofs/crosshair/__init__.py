"""CrossHair on the model: its contracts searched symbolically, and the model against the
implementation (`diffbehavior`).

- `run`: the one way CrossHair is launched, and how its output is read;
- `diff`: model and implementation as two plain functions for `diffbehavior`;
- `plugin`: lets CrossHair read the `tidegate` namespace package;
- `check`: `tidegate verify`'s CrossHair checks.
"""
