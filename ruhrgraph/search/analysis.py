"""Text analysis for search: words, folding and German stems, the same for text and query.

A word is a run of letters and digits (``\\w`` without ``_``). Each word is lower-cased,
``ß`` becomes ``ss``, and the Snowball German stemmer (PyStemmer) reduces it, which also
maps umlauts and their ``ae``/``oe``/``ue`` spellings to one form: "Wasserstoffs" and
"Wasserstoff", "Straße" and "Strasse", "Schüler" and "Schueler" have the same stem.

A query is words only. Search operators (quotes, ``*``, ``-``, ``NEAR``, ``AND``/``OR``,
brackets) are not part of the language: :func:`parse_query` drops them and says so in
:attr:`SearchQuery.notes`, and refuses empty and overlong input with a
:class:`SearchInputError` that names the problem and its position.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import Stemmer

WORD = re.compile(r"[^\W_]+", re.UNICODE)
MAX_QUERY_CHARS = 200
MAX_TERMS = 12
#: Characters that are operators in FTS-like syntaxes (and in other search boxes).
_OPERATORS = re.compile(r'["*()\[\]{}^:+\-]|\b(?:NEAR|AND|OR|NOT)\b')
_stemmer = Stemmer.Stemmer("german")


#: What the analysis can say about a query, as data: kind -> the English message (a
#: ``%``-format over the note's ``params``). The web layer says the same in the interface's
#: language (``web/pages/search.py``, ``SAID``).
MESSAGES = {
    "empty": "Please enter a word to search for.",
    "too_long": "The search is %(length)d characters long; at most %(limit)d are searched. "
                "Please shorten it.",
    "no_words": "The search has no words in it, only signs: please enter a word.",
    "operator": "Search operators such as %(operator)s (at character %(position)d) are not "
                "supported; the words alone were searched.",
    "too_many": "Only the first %(limit)d of %(count)d words were searched.",
}


@dataclass(frozen=True)
class Note:
    """One thing said about a query: its ``kind`` (a key of :data:`MESSAGES`) and values."""

    kind: str
    params: tuple[tuple[str, object], ...] = ()

    @property
    def message(self) -> str:
        return MESSAGES[self.kind] % dict(self.params)

    def __str__(self) -> str:
        return self.message


class SearchInputError(ValueError):
    """A query that cannot be searched: ``note`` says why (``message`` in English),
    ``position`` (0-based character) where, when there is one place to point at."""

    def __init__(self, note: Note, position: int | None = None):
        super().__init__(note.message)
        self.note, self.message, self.position = note, note.message, position


@dataclass(frozen=True)
class Word:
    start: int
    end: int
    stem: str


@dataclass(frozen=True)
class SearchQuery:
    """The words searched for (as typed) and their stems, and notes on what was ignored."""

    text: str
    words: tuple[str, ...]
    stems: tuple[str, ...]
    notes: tuple[Note, ...] = field(default=())


def fold(word: str) -> str:
    return word.lower().replace("ß", "ss")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The stem of one word (folded first)."""
    return _stemmer.stemWord(fold(word))


def words(text: str) -> list[Word]:
    """Every word of ``text`` with its offsets and stem."""
    return [Word(m.start(), m.end(), stem(m.group())) for m in WORD.finditer(text)]


def stems_text(text: str) -> str:
    """``text`` as the space-separated stems the index holds."""
    return " ".join(w.stem for w in words(text))


def parse_query(text: str | None) -> SearchQuery:
    """The words of a user's query, or :class:`SearchInputError` when there are none or the
    query is too long; operators are dropped with a note."""
    text = (text or "").strip()
    if not text:
        raise SearchInputError(Note("empty"))
    if len(text) > MAX_QUERY_CHARS:
        raise SearchInputError(Note("too_long", (("length", len(text)),
                                                 ("limit", MAX_QUERY_CHARS))), MAX_QUERY_CHARS)
    notes = []
    operator = _OPERATORS.search(text)
    if operator:
        notes.append(Note("operator", (("operator", repr(operator.group())),
                                       ("position", operator.start() + 1))))
    found = [m.group() for m in WORD.finditer(_OPERATORS.sub(" ", text))]
    if not found:
        raise SearchInputError(Note("no_words"), operator.start() if operator else 0)
    if len(found) > MAX_TERMS:
        notes.append(Note("too_many", (("limit", MAX_TERMS), ("count", len(found)))))
        found = found[:MAX_TERMS]
    stems = tuple(dict.fromkeys(stem(w) for w in found))
    return SearchQuery(text, tuple(found), stems, tuple(notes))
