"""Validation stage: the mapped graph against ``ontology/shapes.ttl`` with pySHACL.

Each violation comes back as a :class:`Violation` that says where the offending fact came
from (``file:line`` of the catalogue or of a reference file) when it can be told, what is
wrong, and which shape says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ruhrgraph.config import ROOT
from ruhrgraph.namespaces import PREFIXES, SH, SHAPES_NS

SHAPES = ROOT / "ontology" / "shapes.ttl"


@dataclass(frozen=True)
class Violation:
    focus: str
    path: str | None
    value: str | None
    message: str
    shape: str
    severity: str
    where: str | None = None

    def __str__(self) -> str:
        parts = [f"{self.where}: " if self.where else "", self.focus]
        if self.path:
            parts.append(f" {self.path}")
        parts.append(f": {self.message}")
        if self.value is not None:
            parts.append(f" (value: {self.value})")
        parts.append(f" [{self.severity} of {self.shape}]")
        return "".join(parts)


def _short(term, prefixes: dict[str, str]) -> str:
    from rdflib import Literal, URIRef

    if isinstance(term, URIRef):
        text = str(term)
        best = max((ns for ns in prefixes.values() if text.startswith(ns)), key=len,
                   default=None)
        if best is not None:
            name = next(p for p, ns in prefixes.items() if ns == best)
            return f"{name}:{text[len(best):]}"
        return f"<{text}>"
    if isinstance(term, Literal):
        return term.n3()
    return str(term)


def _path(node, shapes, prefixes: dict[str, str]) -> str:
    """A SHACL property path as SPARQL property path text (sequence ``a/b``, inverse ``^a``)."""
    from rdflib import RDF, BNode, Namespace
    from rdflib.collection import Collection

    sh = Namespace(SH)
    if isinstance(node, BNode):
        if shapes.value(node, RDF.first) is not None:
            return "/".join(_path(step, shapes, prefixes) for step in Collection(shapes, node))
        inverse = shapes.value(node, sh.inversePath)
        if inverse is not None:
            return "^" + _path(inverse, shapes, prefixes)
    return _short(node, prefixes)


def validate(graph, shapes: str | Path = SHAPES, base: str | None = None,
             where: Callable[[str], str | None] | None = None) -> list[Violation]:
    """Validate the rdflib ``graph``; return every result (empty: the graph conforms)."""
    import pyshacl
    from rdflib import Graph, Namespace, URIRef

    shapes_graph = Graph().parse(str(shapes), format="turtle")
    _conforms, report, _text = pyshacl.validate(
        graph, shacl_graph=shapes_graph, inference="none", advanced=False,
        allow_warnings=False, allow_infos=False)
    sh = Namespace(SH)
    prefixes = dict(PREFIXES)
    prefixes["rgsh"] = SHAPES_NS
    if base:
        prefixes["base"] = base
    # A property shape is a blank node: name the node shape that holds it instead.
    parents = {prop: node for node, prop in shapes_graph.subject_objects(sh.property)}
    out = []
    for result in report.subjects(predicate=sh.focusNode):
        focus = report.value(result, sh.focusNode)
        path = report.value(result, sh.resultPath)
        value = report.value(result, sh.value)
        messages = sorted(str(m) for m in report.objects(result, sh.resultMessage))
        shape = report.value(result, sh.sourceShape)
        shape = parents.get(shape, shape)
        severity = report.value(result, sh.resultSeverity)
        out.append(Violation(
            focus=_short(focus, prefixes),
            path=_path(path, shapes_graph, prefixes) if path is not None else None,
            value=_short(value, prefixes) if value is not None else None,
            message="; ".join(messages) or "does not conform",
            shape=_short(shape, prefixes) if isinstance(shape, URIRef) else "a nested shape",
            severity=str(severity).rsplit("#", 1)[-1],
            where=where(str(focus)) if where and isinstance(focus, URIRef) else None))
    return sorted(out, key=lambda v: (v.where or "", v.focus, v.path or "", v.message))
