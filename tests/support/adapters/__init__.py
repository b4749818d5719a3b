"""Adapters written for the tests, and the command lines that start them.

- `port.py [--bug NAME]`: a stand-alone port of the queue; each bug is one mistake a port
  plausibly makes (`PORT_BUG` + NAME);
- `taskport.py [--bug NAME]`: that port with the asynchronous half (v2 tasks); each bug is
  one mistake of that half (`TASK_PORT_BUG` + NAME);
- `bad.py MODE [AT] [PIDFILE]`: an adapter that breaks the protocol at request AT;
- `hostile.py`: adapters that attack the checker (floods, huge lines, stray output).
"""

from __future__ import annotations

import sys
from pathlib import Path

_HERE = Path(__file__).parent

PORT = f"{sys.executable} {_HERE / 'port.py'}"
"""The conforming port; append `--bug NAME` to plant a bug (or use `PORT_BUG`)."""
PORT_BUG = f"{PORT} --bug"
BAD = f"{sys.executable} {_HERE / 'bad.py'}"
HOSTILE = f"{sys.executable} {_HERE / 'hostile.py'}"
TASK_PORT = f"{sys.executable} {_HERE / 'taskport.py'}"
"""The v1 port with the asynchronous half (v2 tasks); append `--bug NAME` for one of its
bugs (or use `TASK_PORT_BUG`)."""
TASK_PORT_BUG = f"{TASK_PORT} --bug"
