"""The search index: written once per release at build time, read-only while served.

:func:`write_index` writes ``search.sqlite`` (SQLite FTS5 from the standard library) from
the documents of a built store: a ``docs`` table with what a hit shows, and an FTS5 table
of their stems (:mod:`ruhrgraph.search.analysis`), so inflected and folded forms match.
The file is written beside its final name and renamed into place, inside a release that is
itself swapped in atomically with its store.

:class:`Index` answers a :class:`~ruhrgraph.search.analysis.SearchQuery` with hits ranked
by BM25 (names weigh more than text), filtered by kind, paged, with the count per kind and
a snippet of the text around the matched words. Every value goes to SQLite as a bound
parameter; the MATCH expression is built from stems, which hold letters and digits only.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ruhrgraph.search.analysis import SearchQuery, Word, stems_text, words
from ruhrgraph.search.documents import KINDS, Document

FILE_NAME = "search.sqlite"
SNIPPET_WORDS = 24
#: BM25 weights of the FTS5 columns: title, body, keys.
_WEIGHTS = (6.0, 1.0, 8.0)
_SCHEMA = """
CREATE TABLE docs (id INTEGER PRIMARY KEY, iri TEXT NOT NULL, kind TEXT NOT NULL,
  label TEXT NOT NULL, title TEXT NOT NULL, body TEXT NOT NULL, keys TEXT NOT NULL,
  context TEXT NOT NULL, source TEXT NOT NULL, first_line INTEGER, last_line INTEGER);
CREATE VIRTUAL TABLE fts USING fts5(title, body, keys, tokenize = 'unicode61');
"""

_HITS = """SELECT d.iri, d.kind, d.label, d.context, d.title, d.body, d.source, d.first_line,
  d.last_line, bm25(fts, ?, ?, ?) AS score FROM fts JOIN docs d ON d.id = fts.rowid
WHERE fts MATCH ? AND instr(?, ',' || d.kind || ',') > 0
ORDER BY score, d.label, d.iri LIMIT ? OFFSET ?"""


@dataclass(frozen=True)
class Hit:
    iri: str
    kind: str
    label: str
    context: str
    snippet: tuple[tuple[str, bool], ...]  # (text, marked) pieces
    source: str
    first_line: int
    last_line: int
    score: float

    def snippet_text(self, mark: tuple[str, str] = ("", "")) -> str:
        return "".join(f"{mark[0]}{t}{mark[1]}" if on else t for t, on in self.snippet)


@dataclass(frozen=True)
class Results:
    query: SearchQuery
    hits: tuple[Hit, ...]
    total: int
    per_kind: dict[str, int]
    any_word: bool  # True when no document had every word and hits have some of them


def write_index(path: Path, documents: Iterable[Document]) -> int:
    """Write the index of ``documents`` to ``path`` atomically; the number indexed."""
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    db = sqlite3.connect(partial)
    try:
        db.executescript(_SCHEMA)
        count = 0
        ordered = sorted(documents, key=lambda d: (KINDS.index(d.kind), d.iri))
        for count, doc in enumerate(ordered, 1):
            db.execute("INSERT INTO docs VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                       (count, doc.iri, doc.kind, doc.label, doc.title, doc.body, doc.keys,
                        doc.context, doc.source, doc.first_line, doc.last_line))
            db.execute("INSERT INTO fts(rowid, title, body, keys) VALUES (?,?,?,?)",
                       (count, stems_text(doc.title), stems_text(doc.body),
                        stems_text(doc.keys)))
        db.execute("INSERT INTO fts(fts) VALUES ('optimize')")
        db.commit()
    finally:
        db.close()
    os.replace(partial, path)
    return count


def _match(stems: Sequence[str], joiner: str) -> str:
    """An FTS5 expression: each stem as a phrase, a prefix from four letters on (German
    compounds: "wasserstoff" finds "Wasserstoffwirtschaft")."""
    return f" {joiner} ".join(f'"{s}"*' if len(s) >= 4 else f'"{s}"' for s in stems)


class Index:
    """A release's search index, opened read-only (one connection per thread)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        if not self.path.is_file():
            raise FileNotFoundError(f"no search index at {self.path}: run `ruhrgraph build`")
        self._local = threading.local()

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = sqlite3.connect(
                f"file:{self.path}?mode=ro&immutable=1", uri=True, check_same_thread=False)
        return db

    def search(self, query: SearchQuery, kinds: Sequence[str] = (), limit: int = 20,
               offset: int = 0) -> Results:
        """Hits for ``query`` of the given ``kinds`` (all when empty), best first."""
        wanted = [k for k in kinds if k in KINDS] or list(KINDS)
        for joiner in ("AND", "OR"):
            expression = _match(query.stems, joiner)
            per_kind = self._per_kind(expression)
            total = sum(per_kind.get(k, 0) for k in wanted)
            if total or joiner == "OR" or len(query.stems) == 1:
                break
        rows = self._rows(expression, wanted, limit, offset) if total else []
        hits = tuple(_hit(row, query.stems) for row in rows)
        return Results(query, hits, total, per_kind, joiner == "OR" and bool(total))

    def _per_kind(self, expression: str) -> dict[str, int]:
        rows = self._db().execute(
            "SELECT d.kind, count(*) FROM fts JOIN docs d ON d.id = fts.rowid "
            "WHERE fts MATCH ? GROUP BY d.kind", (expression,))
        return dict(rows.fetchall())

    def _rows(self, expression: str, kinds: list[str], limit: int, offset: int) -> list:
        kind_list = "," + ",".join(kinds) + ","
        return self._db().execute(_HITS, (*_WEIGHTS, expression, kind_list, limit, offset)
                                  ).fetchall()

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None


def _matches(word: Word, stems: Sequence[str]) -> bool:
    return any(word.stem == s or (len(s) >= 4 and word.stem.startswith(s)) for s in stems)


def _hit(row: tuple, stems: Sequence[str]) -> Hit:
    iri, kind, label, context, title, body, source, first, last, score = row
    found = words(body)  # the body is split into words once, for the test and the snippet
    if any(_matches(w, stems) for w in found):
        cut = snippet(body, stems, found=found)
    else:
        cut = snippet(body or title, stems)
    return Hit(iri, kind, label, context, cut, source, first or 0, last or 0, -score)


def snippet(text: str, stems: Sequence[str], size: int = SNIPPET_WORDS,
            found: Sequence[Word] | None = None) -> tuple[tuple[str, bool], ...]:
    """The stretch of ``size`` words of ``text`` with the most matched words, as (text,
    marked) pieces, with "…" where text was left out (``found``: its words, when split
    already)."""
    found = words(text) if found is None else found
    if not found:
        return ()
    hits = [i for i, w in enumerate(found) if _matches(w, stems)]
    marked = set(hits)
    start = 0
    if hits:
        best = max(hits, key=lambda i: sum(1 for j in hits if i <= j < i + size))
        start = max(0, min(best - 3, len(found) - size))
    end = min(len(found), start + size)
    pieces: list[tuple[str, bool]] = [("…", False)] if start > 0 else []
    cursor = found[start].start
    for i in range(start, end):
        word = found[i]
        if i in marked:
            pieces += [(text[cursor:word.start], False), (text[word.start:word.end], True)]
            cursor = word.end
    tail_end = found[end - 1].end if end < len(found) else len(text)
    pieces.append((text[cursor:tail_end], False))
    if end < len(found):
        pieces.append(("…", False))
    return tuple(p for p in pieces if p[0])


def index_release(release: Path) -> int:
    """Write ``release/search.sqlite`` from the release's finished store (a build step)."""
    from ruhrgraph.search.documents import documents
    from ruhrgraph.store import ReadStore

    return write_index(Path(release) / FILE_NAME, documents(ReadStore.open(Path(release) /
                                                                          "store")))
