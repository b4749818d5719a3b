"""tidegate.proofs: what checks the implementation against the model, proves properties
of the model, checks ports through their adapters, and the `tidegate` command line.

One folder per capability (protocol, recordings, differential, explore, crosshair,
conform, interleave, simulate), each with its engine, `check.py` (what `tidegate verify`
runs) and `cli.py` (its commands); beside them the shared policy: `core` (verdicts, exit
codes, checks, errors, budgets), `profiles` (every size and budget per profile), `report`
(console and summaries), `verify` (runs the checks) and `cli` (the parser, the exit code,
the error handler). The README's Layout section draws the tree.
"""
