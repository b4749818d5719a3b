"""`python -m tidegate.proofs` runs the tidegate command line."""

import sys

from tidegate.proofs.cli import main

sys.exit(main())
