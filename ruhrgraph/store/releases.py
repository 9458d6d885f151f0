"""A release that a server is serving is never pruned by a later build.

A server holds a shared ``flock`` on its release's ``manifest.json`` for as long as it runs
(:func:`hold`; ``ruhrgraph serve`` takes it before it becomes gunicorn, so the arbiter and
every worker it forks share it). A build prunes an old release only when it can take the
lock exclusively (:func:`in_use`). Without this, three builds after a server started, its
release was deleted under it: its dumps answered 404 (found by ``bench/fault_bench.py``).
Advisory locks need no write access, so a read-only data directory is served as well.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path

MARKER = "manifest.json"


class Hold:
    """A shared lock on a release, released when this object is closed or collected."""

    def __init__(self, fd: int):
        self.fd: int | None = fd

    def close(self) -> None:
        if self.fd is not None:
            with contextlib.suppress(OSError):
                os.close(self.fd)
            self.fd = None

    def __del__(self) -> None:
        self.close()


def hold(release: str | Path, inheritable: bool = False) -> Hold | None:
    """Take a shared lock on ``release`` for as long as the returned :class:`Hold` lives
    (None if the release has no manifest to lock); ``inheritable``: it survives ``exec``."""
    try:
        fd = os.open(Path(release) / MARKER, os.O_RDONLY)
    except OSError:
        return None
    fcntl.flock(fd, fcntl.LOCK_SH)
    if inheritable:
        os.set_inheritable(fd, True)
    return Hold(fd)


def in_use(release: str | Path) -> bool:
    """Whether a server holds ``release`` (False when it has no manifest to lock)."""
    try:
        fd = os.open(Path(release) / MARKER, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        with contextlib.suppress(OSError):
            os.close(fd)  # closing drops the exclusive lock if it was taken
    return False
