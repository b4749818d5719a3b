"""The stateful differential: model and implementation in lockstep, whole state compared.

- `machine`: the engine, a hypothesis state machine;
- `ledger`: the ghost ledger that places every accepted item at every step;
- `check`: `tidegate verify`'s differential check (rounds, budget, the failure explained).
"""
