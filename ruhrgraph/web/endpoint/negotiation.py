"""Media types of the SPARQL endpoint, as data, and the choice among them.

Each row: format name (also the ``format=`` value), media type, other media types a client
may ask for it by, other ``format=`` names, file extension, specification.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header


@dataclass(frozen=True)
class Format:
    name: str
    media_type: str
    aliases: tuple[str, ...]
    names: tuple[str, ...]
    extension: str
    spec: str

    @property
    def content_type(self) -> str:
        return f"{self.media_type}; charset=utf-8"


#: SELECT and ASK results; the first is the default for ``*/*``.
RESULTS = (
    Format("json", "application/sparql-results+json", ("application/json",), (), "srj",
           "https://www.w3.org/TR/sparql11-results-json/"),
    Format("xml", "application/sparql-results+xml", ("application/xml", "text/xml"), (), "srx",
           "https://www.w3.org/TR/rdf-sparql-XMLres/"),
    Format("csv", "text/csv", (), (), "csv", "https://www.w3.org/TR/sparql11-results-csv-tsv/"),
    Format("tsv", "text/tab-separated-values", (), (), "tsv",
           "https://www.w3.org/TR/sparql11-results-csv-tsv/"),
)

#: CONSTRUCT and DESCRIBE results, and the service description; Turtle is the default.
GRAPHS = (
    Format("turtle", "text/turtle", ("application/x-turtle",), ("ttl",), "ttl",
           "https://www.w3.org/TR/turtle/"),
    Format("ntriples", "application/n-triples", ("text/plain",), ("nt",), "nt",
           "https://www.w3.org/TR/n-triples/"),
    Format("rdfxml", "application/rdf+xml", ("application/xml", "text/xml"), ("rdf", "xml"),
           "rdf", "https://www.w3.org/TR/rdf-syntax-grammar/"),
    Format("jsonld", "application/ld+json", ("application/json",), ("json",), "jsonld",
           "https://www.w3.org/TR/json-ld11/"),
    Format("nquads", "application/n-quads", (), ("nq",), "nq", "https://www.w3.org/TR/n-quads/"),
    Format("trig", "application/trig", (), (), "trig", "https://www.w3.org/TR/trig/"),
)

HTML = "text/html"


class NotAcceptable(Exception):
    """No offered format is acceptable; ``offered`` lists the media types that are."""

    def __init__(self, offered: list[str]):
        super().__init__("none of the offered media types is acceptable: " + ", ".join(offered))
        self.offered = offered


class UnknownFormat(ValueError):
    pass


def table(kind: str) -> tuple[Format, ...]:
    """The formats for a result kind: ``bindings``/``boolean`` or ``graph``."""
    return GRAPHS if kind == "graph" else RESULTS


def by_format_param(value: str, formats: tuple[Format, ...]) -> Format | None:
    """The format a ``format=`` value names (a name, short name or media type)."""
    value = value.strip().lower()
    for fmt in formats:
        if value in (fmt.name, fmt.media_type, *fmt.names, *fmt.aliases):
            return fmt
    return None


def known_format_param(value: str) -> bool:
    return any(by_format_param(value, t) for t in (RESULTS, GRAPHS)) or value.lower() in (
        "html", HTML)


def choose(formats: tuple[Format, ...], accept: MIMEAccept, format_param: str | None = None,
           html: bool = False) -> Format | str:
    """The format to answer in, or :data:`HTML` when ``html`` is offered and preferred.

    ``format=`` overrides Accept; raises :class:`UnknownFormat` or :class:`NotAcceptable`.
    """
    if format_param:
        if html and format_param.strip().lower() in ("html", HTML):
            return HTML
        fmt = by_format_param(format_param, formats)
        if fmt is None:
            if known_format_param(format_param):
                raise NotAcceptable([f.media_type for f in formats])
            raise UnknownFormat(f"unknown format {format_param!r}; use one of "
                                + ", ".join(f.name for f in formats))
        return fmt
    offers: list[str] = []
    owner: dict[str, Format | str] = {}
    for fmt in formats:
        for media_type in (fmt.media_type, *fmt.aliases):
            if media_type not in owner:
                offers.append(media_type)
                owner[media_type] = fmt
    if html:
        offers.append(HTML)
        owner[HTML] = HTML
    if not accept:
        return formats[0]
    best = accept.best_match(offers)
    if best is None:
        raise NotAcceptable([f.media_type for f in formats] + ([HTML] if html else []))
    return owner[best]


@lru_cache(maxsize=1024)
def choose_for(kind: str, accept: str, format_param: str | None = None,
               html: bool = False) -> Format | str:
    """:func:`choose` for a result ``kind`` (see :func:`table`) and a raw ``Accept`` header,
    remembered per (kind, Accept, format=, html): clients send few distinct headers, and
    parsing and matching one costs more than the rest of a cached answer."""
    return choose(table(kind), parse_accept_header(accept, MIMEAccept), format_param, html)
