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
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from concurrent.futures import ThreadPoolExecutor
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


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _data_files(store_dir: Path) -> list[Path]:
    return sorted(p for p in store_dir.iterdir() if p.is_file() and not _NOT_DATA.fullmatch(p.name))


def write(store_dir: str | Path) -> Path:
    """List every data file of the (closed) store at ``store_dir``; return the list's path."""
    store_dir = Path(store_dir)
    lines = [f"{_digest(p)}  {store_dir.name}/{p.name}\n" for p in _data_files(store_dir)]
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
        digests = list(pool.map(_digest, (path for _, _, path in listed)))
    for (expected, name, _), digest in zip(listed, digests, strict=True):
        if digest != expected:
            raise DamagedStore(f"the store at {store_dir} is damaged: {name} differs from "
                               f"its checksum in {sums.name}{advice}")
    return len(listed)
