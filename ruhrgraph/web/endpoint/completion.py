"""The query editor's completion index: the graph's prefixes, classes, properties and the
names of its entities, as one small JSON document (``/sparql/editor.json``).

It is made from the served store (through the backend, so a remote engine works too) the
first time a worker is asked for it, and kept for that build: the editor never asks an
outside service (LOV, prefix.cc) for anything. An entity is a project, place, ministry,
organisation, action field or the programme, found by its IRI under the base; its keys are
what a researcher types to find it: its labels in every language, its other names (a
ministry's abbreviation), its code or AGS and the last part of its IRI.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping

from ruhrgraph.iris import Iris
from ruhrgraph.namespaces import DCTERMS, ONTOLOGY_NS, OWL, RDF, RDFS, SKOS

#: The kinds of entity the editor completes by name, in the order it lists them.
ENTITY_KINDS: tuple[str, ...] = ("project", "place", "ministry", "organisation", "field",
                                 "programme")
_LABELS = (RDFS + "label", SKOS + "prefLabel")
_NAMES = (SKOS + "altLabel", DCTERMS + "identifier", SKOS + "notation", ONTOLOGY_NS + "ags")

NAMES_QUERY = ("SELECT ?s ?p ?o WHERE { ?s ?p ?o . VALUES ?p { "
               + " ".join(f"<{p}>" for p in (*_LABELS, *_NAMES)) + " } FILTER(isIRI(?s)) }")
CLASSES_QUERY = (f"SELECT DISTINCT ?c WHERE {{ {{ ?s <{RDF}type> ?c }} UNION "
                 f"{{ ?c <{RDF}type> <{OWL}Class> }} FILTER(isIRI(?c)) }}")
PROPERTIES_QUERY = (f"SELECT DISTINCT ?p WHERE {{ {{ ?s ?p ?o }} UNION {{ ?p <{RDF}type> ?t "
                    f"VALUES ?t {{ <{OWL}ObjectProperty> <{OWL}DatatypeProperty> "
                    f"<{RDF}Property> }} }} }}")


def build(rows: Callable[[str], list[dict[str, object]]], iris: Iris,
          prefixes: Mapping[str, str], build_id: str) -> dict:
    """The index from three queries run by ``rows`` (a query -> its rows of terms)."""
    names = rows(NAMES_QUERY)
    labels = _labels(names)
    classes = sorted({str(r["c"].value) for r in rows(CLASSES_QUERY)})
    properties = sorted({str(r["p"].value) for r in rows(PROPERTIES_QUERY)})
    return {"build": build_id, "base": iris.base, "prefixes": dict(prefixes),
            "classes": [_term(c, labels) for c in classes],
            "properties": [_term(p, labels) for p in properties],
            "entities": _entities(names, labels, iris)}


def encode(index: dict) -> tuple[bytes, str]:
    """The index as compact UTF-8 JSON, and its strong ETag."""
    body = json.dumps(index, ensure_ascii=False, separators=(",", ":")).encode()
    return body, hashlib.sha256(body).hexdigest()[:32]


def _labels(names: Iterable[dict[str, object]]) -> dict[str, dict[str, str]]:
    """IRI -> {language ("" for none): label}; the first (sorted) label of a language."""
    found: dict[str, dict[str, str]] = {}
    for row in sorted(names, key=lambda r: (str(r["s"].value), str(r["o"].value))):
        if str(row["p"].value) in _LABELS:
            language = (getattr(row["o"], "language", None) or "").lower()
            found.setdefault(str(row["s"].value), {}).setdefault(language, str(row["o"].value))
    return found


def _term(iri: str, labels: Mapping[str, dict[str, str]]) -> dict:
    return {"iri": iri, "labels": labels.get(iri, {})}


def _kind(iri: str, iris: Iris) -> str | None:
    for kind in ENTITY_KINDS:
        head = f"{iris.base}{kind}/"
        if iri.startswith(head) and "#" not in iri and "/" not in iri[len(head):]:
            return kind
    return None


def _entities(names: list[dict[str, object]], labels: Mapping[str, dict[str, str]],
              iris: Iris) -> list[dict]:
    keys: dict[str, set[str]] = {}
    for row in names:
        iri = str(row["s"].value)
        if _kind(iri, iris):
            keys.setdefault(iri, set()).add(str(row["o"].value))
    found = []
    for iri, words in keys.items():
        kind = _kind(iri, iris)
        words.add(iri.rsplit("/", 1)[1])
        found.append({"iri": iri, "kind": kind, "labels": labels.get(iri, {}),
                      "keys": sorted(words - set(labels.get(iri, {}).values()))})
    order = {kind: n for n, kind in enumerate(ENTITY_KINDS)}
    return sorted(found, key=lambda e: (order[e["kind"]], e["iri"]))
