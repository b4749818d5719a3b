"""Conformance of ports: generation, coverage, shrinking and reporting behind `tidegate conform`.

- `cases`: a `Case` (parameters and operations), judged by the model;
- `coverage`: coverage kinds and the exact reachable set at small bounds;
- `generate`: coverage-guided cases, then wide random runs;
- `runner`: one case on an adapter, its first `Mismatch`;
- `shrink`: a divergence down to a minimal case;
- `probes`: PROTOCOL.md's malformed requests (`--check-protocol`);
- `settings`: how a run is sized; `session`: one whole run (`conform`), `report`: printing it;
- `suite`: trace suites for `tidegate traces generate`;
- `rules`: the model's rules in one sentence each, as PORTING.md cites them;
- `check`: `tidegate verify`'s conformance check (the implementation served as an adapter);
- `cli`: `tidegate conform` and `tidegate traces generate`;
- `pytest_plugin`: conformance as pytest items (`pytest --tidegate-adapter CMD`).
"""
