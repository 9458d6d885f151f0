"""The one module that knows the IRI patterns of the graph.

Every entity IRI is ``{base}{kind}/{key}``: the kind is the first path segment, the key is
built from a stable identifier (project code, ministry key, AGS, field number, measure
position, source offsets), never from row order or labels. The web layer resolves an IRI
by its path under the base, so the same patterns serve any host.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DEFAULT_BASE = "https://w3id.org/ruhrgraph/"

#: kind -> regular expression of its key; the order is the order of the browse pages.
KINDS: dict[str, str] = {
    "programme": r"ruhr-konferenz",
    "field": r"[1-9][0-9]*",
    "project": r"[0-9]{2}-[0-9]{2}(?:-x[0-9]+)?",
    "ministry": r"[a-z][a-z0-9-]*",
    "measure": r"[0-9]{2}-[0-9]{2}(?:-x[0-9]+)?/[0-9]+",
    "duration": r"[0-9]{2}-[0-9]{2}(?:-x[0-9]+)?",
    "place": r"[0-9]{2,12}|[a-z][a-z0-9-]*",  # the AGS; a slug for a place abroad
    "organisation": r"[a-z0-9][a-z0-9-]*",
    "mention": r"[0-9]+-[0-9]+(?:-x[0-9]+)?",
    "source": r"[0-9a-f]{16}",
    "build": r"[0-9A-Za-z-]+",
    "dataset": r"ruhrgraph",
    "catalog": r"ruhrgraph",
    "service": r"sparql",
    "graph": r"catalogue|ontology|meta",
    "scheme": r"fields",
    "software": r"[0-9A-Za-z.+-]+",
}

#: The parts of an entity that the graph build describes on the entity's own page, as
#: ``<iri>#<name>`` (other stages add their own, e.g. the parts of the dataset description).
FRAGMENTS: dict[str, str] = {
    "passage": "the passage of the source the entity was read from (oa:SpecificResource)",
    "chars": "its character range (oa:TextPositionSelector)",
    "lines": "its line range, RFC 5147 (oa:FragmentSelector)",
    "quote": "its words (oa:TextQuoteSelector)",
    "geometry": "a place's point (geo:Geometry)",
    "beginning": "a duration's first year (time:Instant)",
    "end": "a duration's last year (time:Instant)",
    "sha256": "a source file's checksum (spdx:Checksum)",
}

#: Suffix of the keys of the synthetic replicas of ``ruhrgraph build --scale N``.
REPLICA_SUFFIX = re.compile(r"-x([0-9]+)$")
_FRAGMENT = re.compile(r"[a-z][a-z0-9-]*")

_KIND_RE = {kind: re.compile(pattern) for kind, pattern in KINDS.items()}


def slug(text: str) -> str:
    """A lower-case ASCII key: ``Stk/CdS`` -> ``stk-cds``, ``Straße`` -> ``strasse``."""
    table = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "ae",
                           "Ö": "oe", "Ü": "ue"})
    text = text.translate(table).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


@dataclass(frozen=True)
class Iris:
    """IRI factory under one base (configurable; default :data:`DEFAULT_BASE`)."""

    base: str = DEFAULT_BASE

    def __post_init__(self) -> None:
        if not self.base.endswith("/"):
            raise ValueError(f"IRI base must end with '/': {self.base!r}")

    def of(self, kind: str, key: str) -> str:
        if kind not in _KIND_RE:
            raise KeyError(f"unknown IRI kind {kind!r}")
        if not _KIND_RE[kind].fullmatch(key):
            raise ValueError(f"bad key {key!r} for IRI kind {kind!r}")
        return f"{self.base}{kind}/{key}"

    # Named constructors keep call sites readable and typo-proof.
    def programme(self) -> str:
        return self.of("programme", "ruhr-konferenz")

    def field(self, number: int) -> str:
        return self.of("field", str(number))

    def project(self, code: str) -> str:
        return self.of("project", code)

    def ministry(self, key: str) -> str:
        return self.of("ministry", key)

    def measure(self, code: str, position: int) -> str:
        return self.of("measure", f"{code}/{position}")

    def duration(self, code: str) -> str:
        return self.of("duration", code)

    def place(self, key: str) -> str:
        """A place by its key: the AGS, or a slug for a place abroad (``place/jakarta``)."""
        return self.of("place", key)

    def organisation(self, key: str) -> str:
        return self.of("organisation", key)

    def mention(self, start: int, end: int, suffix: str = "") -> str:
        return self.of("mention", f"{start}-{end}{suffix}")

    def source(self, sha256: str) -> str:
        return self.of("source", sha256[:16])

    def build(self, build_id: str) -> str:
        return self.of("build", build_id)

    def dataset(self) -> str:
        return self.of("dataset", "ruhrgraph")

    def catalog(self) -> str:
        return self.of("catalog", "ruhrgraph")

    def service(self) -> str:
        return self.of("service", "sparql")

    def graph(self, name: str) -> str:
        return self.of("graph", name)

    def scheme(self, name: str) -> str:
        return self.of("scheme", name)

    def software(self, version: str) -> str:
        return self.of("software", version)

    @staticmethod
    def fragment(iri: str, name: str) -> str:
        """A part of an entity described on the entity's page: ``<iri>#<name>`` (the
        build's names are :data:`FRAGMENTS`). The web layer resolves it by the IRI before
        the ``#`` (see :func:`split_fragment`)."""
        if "#" in iri or not _FRAGMENT.fullmatch(name):
            raise ValueError(f"bad fragment {name!r} of {iri!r}")
        return f"{iri}#{name}"

    def parse(self, iri: str) -> tuple[str, str] | None:
        """``(kind, key)`` of an entity IRI under this base, or None."""
        if not iri.startswith(self.base):
            return None
        return parse_path(iri[len(self.base):])


def split_fragment(iri: str) -> tuple[str, str | None]:
    """``(entity IRI, fragment name)`` of a part IRI, ``(iri, None)`` for any other IRI."""
    entity, sep, name = iri.partition("#")
    return (entity, name) if sep and _FRAGMENT.fullmatch(name) else (iri, None)


def replica_suffix(code: str) -> str:
    """The synthetic-replica suffix of a project code: ``13-01-x2`` -> ``-x2``, else ``""``."""
    match = REPLICA_SUFFIX.search(code)
    return match.group(0) if match else ""


def parse_path(path: str) -> tuple[str, str] | None:
    """``(kind, key)`` of a path like ``project/13-01`` (no leading slash), or None."""
    kind, sep, key = path.partition("/")
    if not sep or kind not in _KIND_RE or not _KIND_RE[kind].fullmatch(key):
        return None
    return kind, key
