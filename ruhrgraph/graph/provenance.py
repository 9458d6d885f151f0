"""The provenance of a build: the ``{base}graph/meta`` graph as N-Quads text.

:class:`BuildProvenance` is what the build tells the graph about itself (id, start time,
software version, the input files with their sha256, the catalogue's title); :func:`meta`
writes it as PROV-O: the build activity, the software agent, the inputs, and which named
graph the build generated from what. Not to be confused with the served build the web
knows (:class:`ruhrgraph.query.backends.BuildInfo`), which is read from the manifest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ruhrgraph.graph.nquads import Lines, integer, iriref, lit, typed
from ruhrgraph.graph.terms import GOVERNMENT_KEY, C, P
from ruhrgraph.iris import Iris
from ruhrgraph.namespaces import ONTOLOGY, XSD


@dataclass(frozen=True)
class SourceFile:
    """One input of a build: ``role`` is ``catalogue`` or ``reference``."""

    name: str
    sha256: str
    size: int
    role: str
    media_type: str = "text/plain"


@dataclass(frozen=True)
class BuildProvenance:
    """What the meta graph says of one build: its id, start, software version, inputs and
    the catalogue's title."""

    build_id: str
    started: datetime
    version: str
    sources: tuple[SourceFile, ...]
    title: str = ""


def meta(build: BuildProvenance, iris: Iris) -> str:
    """The ``{base}graph/meta`` graph: the build activity (PROV-O), the software, the input
    files with their sha256, and which graph each build step generated."""
    out = Lines(iriref(iris.graph("meta")))
    b = iriref(iris.build(build.build_id))
    software = iriref(iris.software(build.version))
    started = typed(build.started.isoformat().replace("+00:00", "Z"), XSD + "dateTime")
    out.add(b, P.type, C.activity)
    out.add(b, P.label, lit(f"ruhrgraph build {build.build_id}", "en"))
    out.add(b, P.identifier, lit(build.build_id))
    out.add(b, P.started_at, started)
    out.add(b, P.associated_with, software)
    out.types(software, C.software)
    out.add(software, P.label, lit(f"ruhrgraph {build.version}", "en"))
    out.add(software, P.name, lit("ruhrgraph"))
    out.add(software, P.software_version, lit(build.version))
    for source in build.sources:
        iri = iris.source(source.sha256)
        src = iriref(iri)
        out.add(b, P.used, src)
        out.types(src, C.document)
        out.add(src, P.label, lit(source.name))
        out.add(src, P.identifier, lit(source.name))
        if source.role == "catalogue" and build.title:
            out.add(src, P.title, lit(build.title, "de"))
            out.add(src, P.publisher, iriref(iris.organisation(GOVERNMENT_KEY)))
        out.add(src, P.encoding_format, lit(source.media_type))
        out.add(src, P.content_size, integer(source.size))
        checksum = iriref(Iris.fragment(iri, "sha256"))
        out.add(src, P.checksum, checksum)
        out.add(checksum, P.type, C.checksum)
        out.add(checksum, P.algorithm, C.sha256)
        out.add(checksum, P.checksum_value, typed(source.sha256, XSD + "hexBinary"))
    for name in ("catalogue", "ontology", "meta"):
        g = iriref(iris.graph(name))
        out.add(g, P.type, C.named_graph)
        out.add(g, P.generated_by, b)
        out.add(g, P.generated_at, started)
        if name == "catalogue":
            for source in build.sources:
                out.add(g, P.derived_from, iriref(iris.source(source.sha256)))
        if name == "ontology":
            out.add(g, P.derived_from, iriref(ONTOLOGY))
    return out.text()
