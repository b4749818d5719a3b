"""A CrossHair plugin (`--extra_plugin`, after `plugin.py`): subjects without tasks.

See `tidegate.proofs.crosshair.task_free`. CrossHair execs this file; it must not be
imported as part of the package's API.
"""

from tidegate.proofs.crosshair.task_free import register

register()
