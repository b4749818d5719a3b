"""PROTOCOL.md in code: what every capability uses to speak to a subject.

- `wire`: the one codec of PROTOCOL.md's requests and answers (serve and the checkers);
- `traces`: trace files, and the recordings shipped in `data/`;
- `itf`: traces as Apalache/Quint ITF;
- `subjects`: the model and the implementation behind one `reset`/`apply` interface;
- `queue_class`: another Python queue class in the implementation's place;
- `serve`: the reference adapter (`tidegate serve`); `adapter`: the pipe to any adapter;
- `data/`: the recordings of the seed on tokio 1.24.2 and PROTOCOL.md itself;
- `cli`: the `serve` and `protocol` commands.
"""
