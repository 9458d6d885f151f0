"""The N-Quads writer of the mapping: terms and lines as text, no in-memory graph.

Each function returns one RDF term in N-Quads syntax (https://www.w3.org/TR/n-quads/):
:func:`iriref` an IRI in angle brackets (the grammar's IRIREF), :func:`lit` a plain or
language-tagged literal (escaped so that any Python string reads back unchanged),
:func:`typed`, :func:`integer`, :func:`boolean` and :func:`decimal` typed literals.
:class:`Lines` collects the lines of one chunk in one named graph. Pure functions of their
arguments: the same records always give the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from ruhrgraph.namespaces import RDF, XSD

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"}
_ESCAPES.update({chr(c): f"\\u{c:04X}" for c in range(0x20) if chr(c) not in "\t\n\r"})
_ESCAPES["\x7f"] = "\\u007F"
_ESCAPE = str.maketrans(_ESCAPES)

_TYPE = f"<{RDF}type>"


def iriref(value: str) -> str:
    """An IRI term: ``<value>``."""
    return f"<{value}>"


def lit(text: str, lang: str | None = None) -> str:
    """A string literal, language-tagged when ``lang`` is given."""
    body = '"' + text.translate(_ESCAPE) + '"'
    return f"{body}@{lang}" if lang else body


def typed(lexical: str, datatype: str) -> str:
    """A typed literal; ``lexical`` must need no escaping (numbers, dates, hex)."""
    return f'"{lexical}"^^<{datatype}>'


def integer(value: int) -> str:
    """An xsd:integer. Also for line numbers and offsets, whose ranges are the positive and
    non-negative integers: Oxigraph stores every integer type as xsd:integer, so the graph
    says what the store will give back."""
    return f'"{value}"^^<{XSD}integer>'


def boolean(value: bool) -> str:
    return f'"{"true" if value else "false"}"^^<{XSD}boolean>'


def number(value: float) -> str:
    """The shortest decimal notation that reads back as ``value`` (no exponent)."""
    return format(Decimal(repr(value)), "f")


def decimal(value: float) -> str:
    return typed(number(value), XSD + "decimal")


class Lines:
    """Collects the N-Quads lines of one chunk in one graph (``graph``: an :func:`iriref`)."""

    __slots__ = ("graph", "lines")

    def __init__(self, graph: str):
        self.graph = graph
        self.lines: list[str] = []

    def add(self, s: str, p: str, o: str) -> None:
        self.lines.append(f"{s} {p} {o} {self.graph} .\n")

    def types(self, s: str, classes: Iterable[str]) -> None:
        for c in classes:
            self.lines.append(f"{s} {_TYPE} {c} {self.graph} .\n")

    def text(self) -> str:
        return "".join(self.lines)
