"""Integrity of a built store: the SHA-256 of each of its files, checked before it is served.

The build writes ``store.SHA256SUMS`` beside the store directory (``sha256sum``'s format,
paths relative to the release, so ``cd release && sha256sum -c store.SHA256SUMS`` checks it
by hand). :func:`verify` compares the store with it and raises :class:`DamagedStore` naming
the first file that is missing, shorter or longer, or different. A read-only store never
changes its files (checked: Oxigraph opens RocksDB read-only), so any difference is damage.
RocksDB's own checks at open catch a missing or truncated table file, but not a changed
byte: a flipped block can make queries answer fewer rows without any error (measured, see
``docs/reliability.md``), which is why the whole content is hashed.

Not listed: RocksDB's ``LOCK`` file and its informational ``LOG`` files, which hold no data.

While the store is served, :class:`StoreWatch` compares the metadata of its files (``stat``,
no reading) with what they were after the check, every ``STORE_WATCH_SECONDS``: a store
damaged after start-up is noticed within that time (``docs/reliability.md``).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import threading
import time
import weakref
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from ruhrgraph.store import StoreError

SUFFIX = ".SHA256SUMS"
_NOT_DATA = re.compile(r"LOCK|LOG(\.old\..*)?")
_LINE = re.compile(r"([0-9a-f]{64})  (.+)")


class DamagedStore(StoreError):
    """The store's files differ from the list the build wrote: never serve it."""


def sums_path(store_dir: Path) -> Path:
    """``release/store.SHA256SUMS`` for ``release/store``."""
    return store_dir.parent / (store_dir.name + SUFFIX)


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file, read in blocks (the build's inputs and the store's files)."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _data_files(store_dir: Path) -> list[Path]:
    return sorted(p for p in store_dir.iterdir() if p.is_file() and not _NOT_DATA.fullmatch(p.name))


def write(store_dir: str | Path) -> Path:
    """List every data file of the (closed) store at ``store_dir``; return the list's path."""
    store_dir = Path(store_dir)
    lines = [f"{sha256_file(p)}  {store_dir.name}/{p.name}\n" for p in _data_files(store_dir)]
    target = sums_path(store_dir)
    target.write_text("".join(lines), encoding="utf-8")
    return target


def _built_by_ruhrgraph(release: Path) -> bool:
    try:
        manifest = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        return False
    except (OSError, ValueError) as error:
        raise DamagedStore(f"{release / 'manifest.json'} cannot be read: {error}") from None
    return isinstance(manifest, dict) and "store" in manifest


def verify(store_dir: str | Path) -> int:
    """Check ``store_dir`` against its ``.SHA256SUMS``; return the number of files checked.

    A store without a list is accepted only when no ``ruhrgraph build`` manifest claims it
    (a store made by hand, e.g. a test fixture); a build's store must have its list.
    """
    store_dir = Path(store_dir)
    sums = sums_path(store_dir)
    advice = "; rebuild with `ruhrgraph build` or point `current` at an intact release"
    if not store_dir.is_dir():
        raise StoreError(f"no store at {store_dir}: run `ruhrgraph build` first")
    if not sums.is_file():
        if _built_by_ruhrgraph(store_dir.parent):
            raise DamagedStore(f"the store at {store_dir} has no integrity list {sums.name} "
                               f"(it is missing, or the build predates it){advice}")
        return 0
    try:
        text = sums.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise DamagedStore(f"{sums} cannot be read: {error}{advice}") from None
    listed = []
    for number, line in enumerate(text.splitlines(), 1):
        match = _LINE.fullmatch(line)
        if match is None or "/" not in match.group(2):
            raise DamagedStore(f"{sums}:{number}: not a `sha256  store/file` line{advice}")
        expected, name = match.groups()
        path = store_dir / name.split("/", 1)[1]
        if "/" in name.split("/", 1)[1] or not path.is_file():
            raise DamagedStore(f"the store at {store_dir} is damaged: {name} is missing{advice}")
        listed.append((expected, name, path))
    if not listed:
        raise DamagedStore(f"{sums} lists no file{advice}")
    # hashlib releases the interpreter lock on large buffers: one thread per core
    with ThreadPoolExecutor(max(1, min(len(listed), os.cpu_count() or 1))) as pool:
        digests = list(pool.map(sha256_file, (path for _, _, path in listed)))
    for (expected, name, _), digest in zip(listed, digests, strict=True):
        if digest != expected:
            raise DamagedStore(f"the store at {store_dir} is damaged: {name} differs from "
                               f"its checksum in {sums.name}{advice}")
    return len(listed)


# --- watching the served store --------------------------------------------------------------

log = logging.getLogger("ruhrgraph.integrity")


def _stat(path: str | Path) -> tuple[int, int, int, int] | None:
    try:
        s = os.stat(path)
    except FileNotFoundError:
        return None
    return s.st_size, s.st_mtime_ns, s.st_ctime_ns, s.st_ino


def _change(name: str, before: tuple[int, int, int, int], after) -> str:
    if after is None:
        return f"{name} is gone"
    what = []
    if before[3] != after[3]:
        what.append(f"replaced (inode {before[3]} -> {after[3]})")
    if before[0] != after[0]:
        what.append(f"size {before[0]} -> {after[0]} bytes")
    if before[1] != after[1]:
        what.append("modified (mtime "
                    f"{datetime.fromtimestamp(before[1] / 1e9, UTC):%H:%M:%S.%f} -> "
                    f"{datetime.fromtimestamp(after[1] / 1e9, UTC):%H:%M:%S.%f} UTC)")
    if not what:
        what.append("changed (ctime only: a write with its mtime set back, chmod, a link)")
    return f"{name} {', '.join(what)}"


class StoreWatch:
    """A cheap watch of a served store: size, mtime, ctime and inode of each of its files and
    the names in its directory, taken once (after :func:`verify`) and compared by :meth:`look`
    with ``stat`` only, no reading. A store opened read-only never changes (checked: RocksDB
    opened read-only writes no LOG, LOCK or any other file, and changes no time), so any
    difference is damage: :attr:`problem` says which file and what changed (relative to the
    release: ``store/000028.sst size 1034028 -> 4096 bytes``), is logged once, and stays set
    (a store damaged once is not served again by this process; a restart checks it in full).
    Damage below the file system (a bad disk block, a write to the device) changes no
    metadata and is not seen; nor is a change between two looks, until the next look.
    """

    def __init__(self, store_dir: str | Path, baseline: str | Path | None = None):
        """The baseline is taken now, or read from ``baseline``, a file :meth:`save` wrote
        (``ruhrgraph serve`` takes it once, right after its full check, so a worker started
        later, after the store was damaged, compares with the intact store, not the damage)."""
        self.store_dir = Path(store_dir)
        if baseline:
            saved = json.loads(Path(baseline).read_text(encoding="utf-8"))
            self.baseline = {n: tuple(v) if v is not None else None
                             for n, v in saved["files"].items()}
            self.names = list(self.baseline)
            self.entries = frozenset(saved["entries"])
        else:
            self.names = self._listed() or [p.name for p in _data_files(self.store_dir)]
            self.baseline = {name: _stat(self.store_dir / name) for name in self.names}
            self.entries = frozenset(os.listdir(self.store_dir))
        self._paths = [(name, os.path.join(self.store_dir, name), before)
                       for name, before in self.baseline.items()]
        self.problem: str | None = None
        self.looks = 0
        self.last = time.monotonic()
        self._lock = threading.Lock()

    def _listed(self) -> list[str]:
        """Names in ``store.SHA256SUMS`` (empty without a readable list: then every file)."""
        try:
            text = sums_path(self.store_dir).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return []
        names = [m.group(2).split("/", 1)[1] for m in map(_LINE.fullmatch, text.splitlines())
                 if m is not None and "/" in m.group(2)]
        return names if all("/" not in n for n in names) else []

    def _compare(self) -> str | None:
        for name, path, before in self._paths:
            after = _stat(path)
            if after != before:
                return _change(f"store/{name}", before, after) if before is not None \
                    else f"store/{name} appeared"
        try:
            entries = frozenset(os.listdir(self.store_dir))
        except OSError as error:
            return f"the store directory cannot be listed: {error.strerror}"
        if entries != self.entries:
            added, gone = sorted(entries - self.entries), sorted(self.entries - entries)
            return "; ".join([*(f"store/{n} appeared" for n in added),
                              *(f"store/{n} is gone" for n in gone)])
        return None

    def save(self, path: str | Path) -> None:
        """Write the baseline for workers to read (see ``__init__``)."""
        Path(path).write_text(json.dumps({"store": str(self.store_dir), "files": self.baseline,
                                          "entries": sorted(self.entries)}), encoding="utf-8")

    def look(self, wait: bool = True) -> str | None:
        """Compare the store with the baseline; return the problem (None: unchanged). With
        ``wait=False`` a look that another thread is making is not waited for."""
        if self.problem is not None or not self._lock.acquire(blocking=wait):
            return self.problem
        try:
            if self.problem is None:
                self.looks += 1
                problem = self._compare()
                self.last = time.monotonic()
                if problem is not None:
                    self.problem = problem
                    log.error("process %d: the store at %s changed while served: %s; "
                              "answering 503 instead of data from now on (restart to check "
                              "it in full, or point `current` at an intact release)",
                              os.getpid(), self.store_dir, problem)
        finally:
            self._lock.release()
        return self.problem

    def look_if_due(self, seconds: float) -> str | None:
        """:meth:`look` if the last look is ``seconds`` old (a request's check, which bounds
        how long a damaged store is served even if the watch thread is late or absent)."""
        if self.problem is None and time.monotonic() - self.last >= seconds:
            return self.look(wait=False)
        return self.problem

    def start(self, seconds: float) -> threading.Thread:
        """Look every ``seconds`` in a daemon thread, which ends once damage is found or the
        watch is no longer referenced (the app it belongs to is gone)."""
        thread = threading.Thread(target=_watch, args=(weakref.ref(self), seconds),
                                  name="ruhrgraph-store-watch", daemon=True)
        thread.start()
        return thread


def _watch(ref: weakref.ref, seconds: float) -> None:
    while True:
        time.sleep(seconds)
        watch = ref()
        if watch is None or watch.look() is not None:
            return
        del watch
