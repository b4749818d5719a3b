"""`python -m tidegate.proofs` runs the tidegate command line."""

from tidegate.proofs.cli import run

run()
