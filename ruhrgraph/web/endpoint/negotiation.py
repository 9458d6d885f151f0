"""Media types of the SPARQL endpoint, as data, and the choice among them.

Each row: format name (also the ``format=`` value), media type, other media types a client
may ask for it by, other ``format=`` names, file extension, specification.

``format=`` is read leniently, as clients send it (SPARQLWrapper sends ``format=tsv&format=
text/tab-separated-values``, ``format=json-ld``, ``format=application/ld+json,application/
x-json+ld``, ``format=n3``): every value, and every comma-separated media type in one, is
tried in order, and the first one naming a format the query can be answered in wins. One
naming none (``pdf``, or ``csv`` for a CONSTRUCT) is ignored and Accept decides, as
Oxigraph's server does. N3 is asked for with Turtle, which is N3.
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
    Format("json", "application/sparql-results+json", ("application/json",), ("srj",), "srj",
           "https://www.w3.org/TR/sparql11-results-json/"),
    Format("xml", "application/sparql-results+xml", ("application/xml", "text/xml"), ("srx",),
           "srx", "https://www.w3.org/TR/rdf-sparql-XMLres/"),
    Format("csv", "text/csv", (), (), "csv", "https://www.w3.org/TR/sparql11-results-csv-tsv/"),
    Format("tsv", "text/tab-separated-values", (), (), "tsv",
           "https://www.w3.org/TR/sparql11-results-csv-tsv/"),
)

#: CONSTRUCT and DESCRIBE results, and the service description; Turtle is the default.
GRAPHS = (
    Format("turtle", "text/turtle",
           ("application/x-turtle", "application/turtle", "text/n3", "text/rdf+n3",
            "application/n3"), ("ttl", "n3"), "ttl", "https://www.w3.org/TR/turtle/"),
    Format("ntriples", "application/n-triples", ("text/plain",), ("nt",), "nt",
           "https://www.w3.org/TR/n-triples/"),
    Format("rdfxml", "application/rdf+xml", ("application/xml", "text/xml"),
           ("rdf", "xml", "rdf+xml"), "rdf", "https://www.w3.org/TR/rdf-syntax-grammar/"),
    Format("jsonld", "application/ld+json", ("application/json", "application/x-json+ld"),
           ("json", "json-ld"), "jsonld", "https://www.w3.org/TR/json-ld11/"),
    Format("nquads", "application/n-quads", (), ("nq",), "nq", "https://www.w3.org/TR/n-quads/"),
    Format("trig", "application/trig", (), (), "trig", "https://www.w3.org/TR/trig/"),
)

HTML = "text/html"


class NotAcceptable(Exception):
    """No offered format is acceptable; ``offered`` lists the media types that are."""

    def __init__(self, offered: list[str]):
        super().__init__("none of the offered media types is acceptable: " + ", ".join(offered))
        self.offered = offered


def table(kind: str) -> tuple[Format, ...]:
    """The formats for a result kind: ``bindings``/``boolean`` or ``graph``."""
    return GRAPHS if kind == "graph" else RESULTS


def by_format_param(value: str, formats: tuple[Format, ...]) -> Format | None:
    """The format a ``format=`` value names (a name, short name or media type, parameters
    such as ``;charset=utf-8`` ignored)."""
    value = value.split(";")[0].strip().lower()
    for fmt in formats:
        if value in (fmt.name, fmt.media_type, *fmt.names, *fmt.aliases):
            return fmt
    return None


def from_params(values: list[str], formats: tuple[Format, ...],
                html: bool = False) -> Format | str | None:
    """The first of the ``format=`` values (each may list media types, comma-separated)
    that names one of ``formats`` (or :data:`HTML` when ``html``); None: Accept decides."""
    for value in values:
        for token in value.split(","):
            if html and token.split(";")[0].strip().lower() in ("html", HTML):
                return HTML
            fmt = by_format_param(token, formats)
            if fmt is not None:
                return fmt
    return None


def choose(formats: tuple[Format, ...], accept: MIMEAccept,
           format_params: list[str] | None = None, html: bool = False) -> Format | str:
    """The format to answer in, or :data:`HTML` when ``html`` is offered and preferred.

    A ``format=`` value naming one of ``formats`` overrides Accept (:func:`from_params`).
    Among the media types Accept allows equally well, a format's own media type wins over
    an alias of another's (``text/*`` gets CSV or Turtle, labelled as such, not XML by its
    alias ``text/xml``). Raises :class:`NotAcceptable`.
    """
    chosen = from_params(format_params or [], formats, html)
    if chosen is not None:
        return chosen
    if not accept:
        return formats[0]
    own = {fmt.media_type: fmt for fmt in formats}
    offers: list[str] = list(own)
    owner: dict[str, Format | str] = dict(own)
    for fmt in formats:
        for media_type in fmt.aliases:
            if media_type not in owner:
                offers.append(media_type)
                owner[media_type] = fmt
    if html:
        offers.append(HTML)
        owner[HTML] = HTML
    best = accept.best_match(offers)
    if best is None:
        raise NotAcceptable([f.media_type for f in formats] + ([HTML] if html else []))
    primary = accept.best_match([*own, *([HTML] if html else [])])
    if primary is not None and accept.quality(primary) >= accept.quality(best):
        return owner[primary]
    return owner[best]


@lru_cache(maxsize=1024)
def choose_for(kind: str, accept: str, format_params: tuple[str, ...] = (),
               html: bool = False) -> Format | str:
    """:func:`choose` for a result ``kind`` (see :func:`table`) and a raw ``Accept`` header,
    remembered per (kind, Accept, format= values, html): clients send few distinct headers,
    and parsing and matching one costs more than the rest of a cached answer."""
    return choose(table(kind), parse_accept_header(accept, MIMEAccept), list(format_params),
                  html)
