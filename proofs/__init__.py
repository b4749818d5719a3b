"""tidegate.proofs: what checks the implementation against the model, proves properties
of the model, and the `tidegate` command line."""
