"""`python -m tidegate.proofs` runs the tidegate command line."""

from tidegate.proofs.program import enter

enter()
