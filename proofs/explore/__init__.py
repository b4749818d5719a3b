"""Exhaustive exploration of the model: every reachable state, every property in each.

- `search`: the engine, a breadth-first search over canonical states;
- `properties`: the catalogue (invariants, findings, witnesses);
- `check`: `tidegate verify`'s exploration checks (one per bound set, witnesses, findings);
- `cli`: `tidegate explore`.
"""
