"""What search finds, read from a built store: one :class:`Document` per searchable thing.

Projects (title, code, description, duration), measures (their text, in the context of their
project), action fields (German and English names, introduction), places, organisations and
ministries (names and other names). Each document keeps the source lines it came from: its
own passage, or for a place, an organisation or a ministry the first line that names it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ruhrgraph.namespaces import DCTERMS, OA, ORG, PROV, RDFS, RG, SCHEMA, SKOS
from ruhrgraph.store import ReadStore

_PROLOGUE = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in {
    "dcterms": DCTERMS, "oa": OA, "org": ORG, "prov": PROV, "rdfs": RDFS, "skos": SKOS,
    "schema": SCHEMA,
    "rg": str(RG._NS)}.items())

#: The kinds of documents, in the order results are grouped by.
KINDS = ("project", "measure", "field", "place", "organisation", "ministry")


@dataclass(frozen=True)
class Document:
    iri: str
    kind: str
    label: str           # what a hit is called
    title: str           # the indexed name(s)
    body: str            # the indexed text
    keys: str = ""       # codes and identifiers, matched as words
    context: str = ""    # where it belongs (a measure's project)
    source: str = ""     # the source text's IRI
    first_line: int = 0
    last_line: int = 0


_PASSAGE = """
  OPTIONAL { ?s prov:wasDerivedFrom ?passage . ?passage oa:hasSource ?source ;
             rg:firstLine ?first ; rg:lastLine ?last . }"""

_QUERIES = {
    "project": """SELECT ?s ?title ?code ?description ?duration ?source ?first ?last WHERE {
  ?s a rg:Project ; dcterms:title ?title ; dcterms:identifier ?code .
  OPTIONAL { ?s dcterms:description ?description }
  OPTIONAL { ?s dcterms:temporal/rg:durationText ?duration }""" + _PASSAGE + "}",
    "measure": """SELECT ?s ?text ?project ?code ?source ?first ?last WHERE {
  ?s a rg:Measure ; rdfs:label ?text ; dcterms:isPartOf ?p .
  ?p dcterms:title ?project ; dcterms:identifier ?code .""" + _PASSAGE + "}",
    "field": """SELECT ?s (GROUP_CONCAT(DISTINCT ?name; separator=" · ") AS ?names)
       (SAMPLE(?de) AS ?label) (SAMPLE(?d) AS ?description) (SAMPLE(?n) AS ?code)
       (SAMPLE(?src) AS ?source) (SAMPLE(?f) AS ?first) (SAMPLE(?l) AS ?last) WHERE {
  ?s a skos:Concept ; skos:prefLabel ?name ; skos:notation ?n .
  ?s skos:prefLabel ?de . FILTER(LANG(?de) = "de")
  OPTIONAL { ?s dcterms:description ?d }
  OPTIONAL { ?s prov:wasDerivedFrom ?passage . ?passage oa:hasSource ?src ;
             rg:firstLine ?f ; rg:lastLine ?l . }
} GROUP BY ?s""",
}

_NAMED = """SELECT ?s (SAMPLE(?de) AS ?label) (SAMPLE(?key) AS ?code)
       (GROUP_CONCAT(DISTINCT ?alt; separator=" · ") AS ?alts) WHERE {
  ?s a %s ; rdfs:label ?de . FILTER(LANG(?de) = "de")
  %s
  OPTIONAL { ?s skos:altLabel ?alt }
  OPTIONAL { ?s rg:ags ?key }
} GROUP BY ?s"""
_NAMED_KINDS = {
    "place": ("schema:Place", ""),
    "organisation": ("org:Organization", "FILTER NOT EXISTS { ?s a rg:Ministry }"),
    "ministry": ("rg:Ministry", ""),
}
_FIRST_MENTION = """SELECT ?body ?source (MIN(?first) AS ?line) WHERE {
  ?mention oa:hasBody ?body ; oa:hasTarget ?passage .
  ?passage oa:hasSource ?source ; rg:firstLine ?first .
} GROUP BY ?body ?source"""


def _value(row: dict, name: str) -> str:
    term = row.get(name)
    return term.value if term is not None else ""


def _line(row: dict, name: str) -> int:
    value = _value(row, name)
    return int(value) if value else 0


def documents(store: ReadStore) -> Iterator[Document]:
    """Every searchable document of the store, kind by kind (see :data:`KINDS`)."""
    select = lambda text: store.select(_PROLOGUE + text)  # noqa: E731
    for row in select(_QUERIES["project"]):
        yield Document(row["s"].value, "project", _value(row, "title"), _value(row, "title"),
                       " ".join(filter(None, (_value(row, "description"),
                                              _value(row, "duration")))),
                       keys=_value(row, "code"), source=_value(row, "source"),
                       first_line=_line(row, "first"), last_line=_line(row, "last"))
    for row in select(_QUERIES["measure"]):
        yield Document(row["s"].value, "measure", _value(row, "text"), "",
                       _value(row, "text"),
                       context=f"{_value(row, 'code')} {_value(row, 'project')}",
                       source=_value(row, "source"), first_line=_line(row, "first"),
                       last_line=_line(row, "last"))
    for row in select(_QUERIES["field"]):
        yield Document(row["s"].value, "field", _value(row, "label"), _value(row, "names"),
                       _value(row, "description"), keys=_value(row, "code"),
                       source=_value(row, "source"), first_line=_line(row, "first"),
                       last_line=_line(row, "last"))
    yield from _named(store, select)


def _named(store: ReadStore, select) -> Iterator[Document]:
    first: dict[str, tuple[str, int]] = {}
    for row in select(_FIRST_MENTION):
        body, line = row["body"].value, _line(row, "line")
        if body not in first or line < first[body][1]:
            first[body] = (_value(row, "source"), line)
    for kind, (cls, extra) in _NAMED_KINDS.items():
        for row in select(_NAMED % (cls, extra)):
            source, line = first.get(row["s"].value, ("", 0))
            yield Document(row["s"].value, kind, _value(row, "label"), _value(row, "label"),
                           _value(row, "alts"), keys=_value(row, "code"), source=source,
                           first_line=line, last_line=line)
