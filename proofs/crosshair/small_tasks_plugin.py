"""A CrossHair plugin (`--extra_plugin`, after `plugin.py`): small subjects with tasks.

See `tidegate.proofs.crosshair.small_tasks`. CrossHair execs this file; it must not be
imported as part of the package's API.
"""

from tidegate.proofs.crosshair.small_tasks import register

register()
