"""Child processes of a build die with it: ``die_with_parent()`` at a child's start.

`ruhrgraph build` runs the store step and pyLODE as child processes. When the build itself is
killed (``kill -9``, the OOM killer), nothing in it can stop them: they would go on loading,
dumping and writing into a staging directory the next build removes, competing with that
build for the cores. On Linux the kernel can deliver a signal to a process when its parent
dies (``prctl(PR_SET_PDEATHSIG)``); elsewhere this does nothing.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Ask the kernel to SIGKILL this process when its parent ends; exit at once if the
    parent has already ended (the orphan was adopted before the request took effect)."""
    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            return
    except (OSError, AttributeError):
        return
    if parent == 1 or os.getppid() != parent:
        os._exit(1)
