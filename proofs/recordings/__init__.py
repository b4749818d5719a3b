"""The recordings of the seed on real tokio, replayed against a subject.

- `replay`: the engine: a trace fed to a subject, the first divergence of each;
- `check`: `tidegate verify`'s recordings checks (model, implementation, a queue class);
- `cli`: `tidegate replay`.
"""
