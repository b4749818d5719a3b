"""A CrossHair plugin (`crosshair check --extra_plugin THIS_FILE`) that lets it read `tidegate`.

`tidegate` is a namespace package (it has no `__init__.py`). CrossHair looks for
option directives in every parent package's `__init__.py` through
`importlib.resources`, which fails with NotADirectoryError when a namespace
package's path holds a non-directory entry, as setuptools' editable installs
put there. This plugin gives `tidegate` a spec whose search path is only its
real directories, so that lookup finds no `__init__.py` (which CrossHair
expects) instead of crashing. Imports are unaffected: the editable finder
locates `tidegate.model` and its siblings by name, not through this path.

CrossHair `exec`s this file; it must not be imported as part of the package's API.
"""

# CrossHair runs this with exec() inside a function, so everything stays at top level:
# a function defined here would not see the names imported here.
import importlib.machinery
import os

import tidegate

_spec = importlib.machinery.ModuleSpec("tidegate", None, is_package=True)
_spec.submodule_search_locations = [p for p in tidegate.__path__ if os.path.isdir(p)]
tidegate.__spec__ = _spec
