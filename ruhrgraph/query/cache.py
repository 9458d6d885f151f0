"""A small thread-safe LRU cache of complete responses, bounded in entries and bytes."""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Hashable
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class Entry:
    body: bytes
    content_type: str
    rows: int
    truncated: bool
    stored: float


def etag_for(key: Hashable) -> str:
    """The opaque part of a weak validator (``W/"..."``) derived from the cache key (query,
    dataset, format, data version): known before the query runs, so a matching
    If-None-Match costs nothing."""
    return hashlib.blake2b(repr(key).encode("utf-8"), digest_size=12).hexdigest()


def etag_matches(header: str, etag: str) -> bool:
    """Whether an ``If-None-Match`` header names the validator ``etag`` (weak comparison,
    RFC 9110 §13.1.2: ``W/`` is ignored on both sides; ``*`` matches)."""
    opaque = etag.removeprefix("W/").strip('"')
    for candidate in header.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/").strip('"') == opaque:
            return True
    return False


class ResultCache:
    def __init__(self, entries: int, max_bytes: int, entry_max_bytes: int, ttl: float):
        self.entries, self.max_bytes = entries, max_bytes
        self.entry_max_bytes, self.ttl = entry_max_bytes, ttl
        self._data: OrderedDict[Hashable, Entry] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self._inflight: dict[Hashable, threading.Event] = {}

    def get(self, key: Hashable) -> Entry | None:
        with self._lock:
            entry = self._data.get(key)
            if entry is None:
                return None
            if self.ttl and time.monotonic() - entry.stored > self.ttl:
                self._drop(key)
                return None
            self._data.move_to_end(key)
            return entry

    def put(self, key: Hashable, body: bytes, content_type: str, rows: int,
            truncated: bool) -> None:
        if self.entries <= 0 or len(body) > min(self.entry_max_bytes, self.max_bytes):
            return
        with self._lock:
            if key in self._data:
                self._drop(key)
            self._data[key] = Entry(body, content_type, rows, truncated, time.monotonic())
            self._bytes += len(body)
            while len(self._data) > self.entries or self._bytes > self.max_bytes:
                self._drop(next(iter(self._data)))

    @contextmanager
    def single_flight(self, key: Hashable, wait: float):
        """Let one request of this worker compute ``key``; the others wait for it (at most
        ``wait`` seconds) and then look the cache up again. Yields True to the one that
        computes."""
        with self._lock:
            event = self._inflight.get(key)
            leader = event is None
            if leader:
                event = self._inflight[key] = threading.Event()
        if not leader:
            event.wait(wait)
            yield False
            return
        try:
            yield True
        finally:
            with self._lock:
                self._inflight.pop(key, None)
            event.set()

    def _drop(self, key: Hashable) -> None:
        self._bytes -= len(self._data.pop(key).body)

    def __len__(self) -> int:
        return len(self._data)
