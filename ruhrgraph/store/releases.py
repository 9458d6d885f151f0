"""The release directory: one build at a time, an atomic swap, and pruning that spares what
a server serves.

``build_dir/releases/<build-id>`` holds each finished build, ``releases/.tmp-<id>`` one in
progress, and ``current`` is a symlink to the one served. A build holds :func:`lock` (an
exclusive ``flock`` on ``build_dir/.lock``), removes what interrupted builds left
(:func:`clean_leftovers`), names its release (:func:`new_build_id`), points ``current`` at it
with one rename (:func:`swap`) and drops old releases (:func:`prune`). Failures raise
:class:`ReleaseError`; the build turns it into its own error.

A release that a server is serving is never pruned by a later build.
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
import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

MARKER = "manifest.json"


class ReleaseError(Exception):
    """The release directory cannot be used: another build holds it, or ``current`` is not
    a symlink."""


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


# --- the build's side -----------------------------------------------------------------


@contextlib.contextmanager
def lock(build_dir: Path) -> Iterator[None]:
    """Hold ``build_dir`` for one build (:class:`ReleaseError` if another build holds it)."""
    build_dir.mkdir(parents=True, exist_ok=True)
    with (build_dir / ".lock").open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ReleaseError(f"another build is running in {build_dir}") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def clean_leftovers(releases: Path) -> None:
    """Remove what interrupted builds left (under :func:`lock`: none is running)."""
    for stale in releases.glob(".tmp-*"):
        shutil.rmtree(stale, ignore_errors=True)


def new_build_id(started: datetime, inputs: str, releases: Path) -> str:
    """``<UTC start>-<first 8 of the inputs' digest>``, numbered on when it is taken."""
    base = f"{started:%Y%m%dT%H%M%SZ}-{inputs[:8]}"
    build_id, n = base, 1
    while (releases / build_id).exists() or (releases / f".tmp-{build_id}").exists():
        n += 1
        build_id = f"{base}-{n}"
    return build_id


def swap(build_dir: Path, build_id: str) -> None:
    """Point ``current`` at ``releases/<build_id>`` with one atomic rename."""
    current = build_dir / "current"
    if current.exists() and not current.is_symlink():
        raise ReleaseError(f"{current} is not a symlink; move it away and build again")
    tmp = build_dir / f".current-{build_id}"
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    os.symlink(Path("releases") / build_id, tmp)
    os.replace(tmp, current)
    fd = os.open(build_dir, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def prune(releases: Path, keep: int, current: Path) -> None:
    """Keep the ``keep`` newest releases, whatever ``current`` points to, and every release
    a running server still serves (:func:`in_use`)."""
    target = current.resolve() if current.is_symlink() else None
    done = sorted((p for p in releases.iterdir() if p.is_dir() and not p.name.startswith(".")),
                  key=lambda p: p.name, reverse=True)
    for old in done[keep:]:
        if old.resolve() != target and not in_use(old):
            shutil.rmtree(old, ignore_errors=True)
