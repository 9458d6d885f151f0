"""Typed terms bound into our own queries, for an engine that has no substitutions.

The embedded store binds values with pyoxigraph substitutions (``ReadStore.evaluate(...,
bindings=)``). A remote SPARQL endpoint has no such thing, so :func:`inline_values` writes
the bound terms as an inline ``VALUES`` block at the start of the query's outermost group,
where it joins with everything in that group as a substitution would. The block is written
from the terms themselves (an IRI pyoxigraph has validated, a literal escaped here
character by character), never from the text a user typed, and the query it is put into is
always one of ours (a canned query or a page's query), never user text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from itertools import product

from ruhrgraph import store
from ruhrgraph.namespaces import XSD

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<string>'''(?:(?:'|'')?(?:[^'\\]|\\.))*'''|\"\"\"(?:(?:"|"")?(?:[^"\\]|\\.))*\"\"\"
              |'(?:[^'\\\r\n]|\\.)*'|"(?:[^"\\\r\n]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<punct>[{}()])
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_LANGUAGE = re.compile(r"[A-Za-z]+(?:-[A-Za-z0-9]+)*")
_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^<>\"{}|^`\\\x00-\x20]*")
_ECHAR = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b",
          "\f": "\\f"}
_XSD_STRING = XSD + "string"


def _iri(value: str) -> str:
    if not _IRI.fullmatch(value):
        raise ValueError(f"not an IRI that can be written in a query: {value!r}")
    return f"<{value}>"


def term_syntax(term: object) -> str:
    """The SPARQL syntax of an IRI or literal term (pyoxigraph's ``NamedNode``/``Literal``)."""
    kind = store.term_kind(term)
    if kind == "iri":
        return _iri(term.value)
    if kind != "literal":
        raise ValueError("only IRIs and literals can be bound")
    body = '"' + "".join(_ECHAR.get(c, c) for c in term.value) + '"'
    if term.language:
        if not _LANGUAGE.fullmatch(term.language):
            raise ValueError(f"bad language tag {term.language!r}")
        return f"{body}@{term.language}"
    if term.datatype.value == _XSD_STRING:
        return body
    return f"{body}^^{_iri(term.datatype.value)}"


def _outer_group(query: str) -> int:
    """The offset just after the ``{`` that opens the query's WHERE clause."""
    depth = 0
    form = None
    skip_template = False
    for match in _TOKEN.finditer(query):
        kind, value = match.lastgroup, match.group()
        if kind in ("ws", "comment"):
            continue
        if form is None:
            if kind == "word" and value.upper() in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
                form = value.upper()
                skip_template = form == "CONSTRUCT"
            continue
        if kind == "punct" and value in "({":
            if value == "{" and depth == 0 and not skip_template:
                return match.end()
            depth += 1
        elif kind == "punct" and value in ")}":
            depth -= 1
            if depth == 0 and value == "}":
                skip_template = False
        elif kind == "word" and value.upper() == "WHERE" and depth == 0:
            skip_template = False
    raise ValueError("the query has no WHERE group to bind values in")


def inline_values(query: str, bindings: Mapping[str, object | Sequence[object]]) -> str:
    """``query`` with ``VALUES (?a ?b) { (term term) ... }`` opening its WHERE group.

    A value is a term, or a sequence of terms for several rows (every combination of the
    sequences is a row; an empty sequence gives no row, so the query answers nothing)."""
    names = list(bindings)
    for name in names:
        if not _VARIABLE.fullmatch(name):
            raise ValueError(f"bad variable name {name!r}")
    columns = []
    for name in names:
        value = bindings[name]
        terms = value if isinstance(value, (list, tuple)) else (value,)
        columns.append([term_syntax(term) for term in terms])
    at = _outer_group(query)
    rows = " ".join("(" + " ".join(row) + ")" for row in product(*columns))
    block = " VALUES (" + " ".join("?" + n for n in names) + ") { " + rows + " }\n"
    return query[:at] + block + query[at:]
