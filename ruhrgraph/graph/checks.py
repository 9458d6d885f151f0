"""The referential checks of the mapping: a pre-pass over the linked records.

:func:`check` returns every way in which the records do not fit together, as
:class:`~ruhrgraph.records.Finding` ``(line, kind, message)`` in the order the mapping
meets them (action fields, then each project: its spans, lead ministry, links, mentions).
:class:`MappingError` carries them; its text names ``file:line`` of each. The kinds are
listed in ``docs/build.md`` (Mapping checks). The mapping itself (:mod:`.mapping`) only
writes triples; it assumes records that passed these checks.

A synthetic replica (:mod:`ruhrgraph.build.scale`) differs from its catalogue by the key
suffix alone, so the catalogue's findings are every replica's.
"""

from __future__ import annotations

from collections.abc import Container

from ruhrgraph.iris import replica_suffix
from ruhrgraph.link.reference import Reference
from ruhrgraph.records import (
    EntityLink,
    Finding,
    LinkedCatalogue,
    LinkedProject,
    Mention,
    Span,
)

#: kind slug -> what it means (``docs/build.md`` lists the same)
KINDS = {
    "bad-span": "a record's source span lies outside the text or its lines run backwards",
    "unknown-field": "an action field of the catalogue is not in the reference fields.csv",
    "unknown-ministry": "a project's lead ministry is not in the reference data",
    "unknown-entity": "a project mentions a place, organisation, ministry or project the "
                      "reference data (or the catalogue) does not have",
    "self-mention": "a project mentions itself",
    "link-without-mention": "a link to an entity has no mention in the text",
    "mention-off-text": "a mention's offsets do not select its words in the source",
}


class MappingError(ValueError):
    """The records do not fit together (an unknown key, offsets that miss their text):
    ``findings``, each shown as ``file:line: message`` (``file: message`` without a line)."""

    def __init__(self, findings: list[Finding], source: str = ""):
        self.findings = findings
        self.source = source
        super().__init__("\n".join(self._where(f) + f.message for f in findings))

    def _where(self, finding: Finding) -> str:
        return f"{self.source}:{finding.line}: " if finding.line else f"{self.source}: "


def check(linked: LinkedCatalogue, reference: Reference) -> list[Finding]:
    """Every finding of the records against each other and the reference data."""
    return _Checks(linked, reference).run()


class _Checks:
    def __init__(self, linked: LinkedCatalogue, reference: Reference):
        self.linked = linked
        self.text = linked.catalogue.text
        self.known = {
            "place": {p.key for p in reference.places},
            "organisation": {o.key for o in reference.organisations},
            "ministry": {m.key for m in reference.ministries},
            "project": {p.code for p in linked.catalogue.projects},
        }
        self.fields = {f.number for f in reference.fields}
        self.findings: list[Finding] = []

    def run(self) -> list[Finding]:
        for f in self.linked.catalogue.fields:
            self._span(f"action field {f.number}", f.span)
            if f.number not in self.fields:
                self._add(f.span.line_start, "unknown-field", f"action field {f.number} is "
                          f"not in the reference fields.csv")
        for project in self.linked.projects:
            self._project(project)
        return self.findings

    def _add(self, line: int, kind: str, message: str) -> None:
        self.findings.append(Finding(line, kind, message))

    def _span(self, what: str, span: Span) -> None:
        if not (0 <= span.start <= span.end <= len(self.text)) or span.line_start < 1 \
                or span.line_end < span.line_start:
            self._add(span.line_start, "bad-span", f"{what}: bad source span {span}")

    def _project(self, linked: LinkedProject) -> None:
        project = linked.project
        self._span(f"project {project.code}", project.span)
        if linked.ministry_key not in self.known["ministry"]:
            self._add(project.span.line_start, "unknown-ministry",
                      f"project {project.code}: lead ministry {linked.ministry_key!r} is "
                      f"not in the reference data")
        for measure in project.measures:
            self._span(f"measure {project.code}/{measure.position}", measure.span)
        self._span(f"duration of {project.code}", project.duration.span)
        spans: dict[tuple[int, int], Mention] = {}
        for kind, links in (("place", linked.places), ("organisation", linked.organisations),
                            ("ministry", linked.other_ministries),
                            ("project", linked.related_projects)):
            for link in links:
                self._link(kind, link, self.known[kind], project.code)
                for mention in link.mentions:
                    spans.setdefault((mention.start, mention.end), mention)
        for _, mention in sorted(spans.items(), key=lambda item: item[0]):
            self._mention(project.code, mention)

    def _link(self, kind: str, link: EntityLink, known: Container[str], code: str) -> None:
        key = link.key
        if kind == "project":  # a synthetic replica refers to its own copies
            key = key[: len(key) - len(replica_suffix(key))]
        line = link.mentions[0].line if link.mentions else 0
        if key not in known:
            self._add(line, "unknown-entity", f"project {code} mentions {kind} {link.key!r}, "
                      f"which is not in the reference data")
        if kind == "project" and link.key == code:
            self._add(line, "self-mention", f"project {code} mentions itself")
        if not link.mentions:
            self._add(0, "link-without-mention",
                      f"project {code}: link to {kind} {link.key!r} without a mention")

    def _mention(self, code: str, mention: Mention) -> None:
        found = self.text[mention.start:mention.end]
        if found != mention.text:
            self._add(mention.line, "mention-off-text",
                      f"project {code}: mention {mention.text!r} at "
                      f"{mention.start}-{mention.end} reads {found!r} in the source")
