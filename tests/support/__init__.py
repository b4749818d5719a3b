"""What the tests use and never collect: subjects broken on purpose, adapters, seed cases.

- `broken_queues`: queue classes each breaking one rule (for the seed's tests, verify);
- `differential_queues`: queue classes `tidegate verify --queue-class` must reject;
- `broken_loops`: reader and consumer loops each breaking the protocol one way;
- `seed_cases`: the seed's ten unit tests, runnable against any queue class;
- `crosshair_diff_fixture`: a broken implementation for `crosshair diffbehavior`;
- `adapters`: a stand-alone port with switchable bugs, and adapters that break the protocol.
"""
