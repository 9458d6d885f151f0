"""Link stage: records + curated reference data -> linked records.

In each project's own text (its title line and its rows) the linker finds every place,
organisation, other ministry and other catalogue project named, following
``docs/linking.md``. Names are matched on a masked copy of the source (markup blanked in
place), so every mention's offsets slice the source to exactly its surface form. Where two
names overlap, the longest wins: "Ruhr-Universität Bochum" is an organisation, and its
"Bochum" is not a place mention. Capitalised names that look like organisations but match
nothing are reported as findings. :func:`link` is a pure function of its arguments; the
names it looks for come from :class:`~ruhrgraph.link.gazetteer.Gazetteer`.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict, deque
from dataclasses import dataclass

from ruhrgraph.extract import markup
from ruhrgraph.link.gazetteer import Entry, Gazetteer, ProgrammeName, ProjectAlias
from ruhrgraph.link.reference import Ministry, Reference
from ruhrgraph.records import (
    Catalogue,
    EntityLink,
    Finding,
    LinkedCatalogue,
    LinkedProject,
    Mention,
    Project,
)

# Words that look like names of organisations but are generic or name no body.
_CANDIDATE = re.compile(
    r"(?<![\w])(?:"
    r"[A-ZÄÖÜ][\w.&-]*(?:\s+[A-ZÄÖÜ&][\w.&-]*)*\s+(?:GmbH|e\.\s?V\.|AG|gGmbH|mbH)"
    r"|(?:Stiftung|Verband|Verein|Institut|Universität|Hochschule|Agentur|Bank|Amt|Akademie)"
    r"\s+(?:für|der|des)?\s*[A-ZÄÖÜ][\w-]*(?:\s+[A-ZÄÖÜ][\w-]*)*"
    r"|[A-ZÄÖÜ]{2,}[a-z]?[A-Z]*(?:\.[A-Z]+)?"
    r")(?![\w])")
_NOT_CANDIDATES = {
    "NRW", "EU", "ÖPNV", "KMU", "VR", "AR", "IT", "PV", "SWOT", "ESC", "SME", "STB", "SKM",
    "FuE", "UWE", "RUHR", "TV", "VC", "PPA", "PPAP", "IKT", "VHS", "CO", "B2B", "II", "III",
    "UN", "FUSSBALL", "TRÄUMER", "MINT", "BMBF", "GmbH", "AG", "PR", "KI", "NRWir", "EFRE",
    "App", "Apps", "DFB", "CdS", "Stk", "OB", "GZ", "ZS",
    "WLAN",  # wireless network
    "FH",    # Fachhochschule, generic
    "ÜBS",   # überbetriebliche Bildungsstätten, generic
    "TN",    # Teilnehmende
}


def link(catalogue: Catalogue, reference: Reference,
         project_aliases: tuple[ProjectAlias, ...] = (),
         stop_phrases: tuple[str, ...] = (),
         programme_names: tuple[ProgrammeName, ...] = ()) -> LinkedCatalogue:
    """Find places, organisations, other ministries and projects named in every project."""
    gazetteer = Gazetteer(reference, catalogue, project_aliases, stop_phrases, programme_names)
    source = _Source(catalogue.text)
    findings: list[Finding] = list(catalogue.findings)
    linked = []
    for project in catalogue.projects:
        lead = reference.ministry_by_abbreviation(project.ministry)
        if lead is None:
            findings.append(Finding(project.span.line_start, "unknown-ministry",
                                    f"project {project.code}: lead ministry "
                                    f"{project.ministry!r} is not in ministries.csv"))
        project_linker = _ProjectLinker(project, lead, gazetteer, source)
        linked.append(project_linker.run())
        findings.extend(project_linker.findings)
    return LinkedCatalogue(catalogue, tuple(linked),
                           tuple(sorted(set(findings), key=lambda f: (f.line, f.kind, f.message))))


class _Source:
    """The source text, its masked copy (markup blanked in place) and its line starts."""

    def __init__(self, text: str):
        self.text = text
        self.masked = markup.mask(text)
        self.line_starts = [0, *(m.end() for m in re.finditer("\n", text))]

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self.line_starts, offset)


@dataclass
class _ProjectLinker:
    """Finds the names in one project's text; ``found`` is category -> key -> mentions."""

    project: Project
    lead: Ministry | None
    gazetteer: Gazetteer
    source: _Source

    def __post_init__(self) -> None:
        self.found: dict[str, dict[str, list[Mention]]] = defaultdict(lambda: defaultdict(list))
        self.covered: list[tuple[int, int]] = []  # the offsets of the names found
        self.findings: list[Finding] = []

    def run(self) -> LinkedProject:
        for start, end in _project_regions(self.project):
            self._names(start, end)
            self._unlinked_candidates(start, end)
        return LinkedProject(self.project, self.lead.key if self.lead else "",
                             self._links("place"), self._links("organisation"),
                             self._links("ministry"), self._links("project"))

    def _names(self, start: int, end: int) -> None:
        """Every gazetteer name between ``start`` and ``end``, longest first."""
        matches = deque(self.gazetteer.pattern.finditer(self.source.masked, start, end))
        while matches:
            match = matches.popleft()
            hit = self.gazetteer.lookup(match.group(0))
            if hit is None:
                continue
            surface, entries = hit
            if all(e.category == "project" and e.key == self.project.code for e in entries):
                # the project's own title: look for the names inside it instead
                inner = self.gazetteer.inner_pattern.finditer(self.source.masked,
                                                              match.start(), match.end())
                matches.extendleft(reversed(list(inner)))
                continue
            self._record(match, surface, entries)

    def _record(self, match: re.Match, surface: str, entries: list[Entry]) -> None:
        m_start, m_end = match.start(), match.end()
        line = self.source.line_of(m_start)
        self.covered.append((m_start, m_end))
        categories = {e.category for e in entries} & {"place", "organisation"}
        if len(categories) > 1:
            self.findings.append(Finding(line, "ambiguous-name",
                                         f"project {self.project.code}: {surface!r} names a "
                                         f"{' and a '.join(sorted(categories))}"))
        for entry in entries:
            if self._is_own(entry):
                continue
            start, end = m_start, m_end
            if entry.method == "programme":
                # the organisation's own name inside the programme's: "KfW" in "KfW 432"
                name, offset = self.gazetteer.inner_names[surface]
                start, end = m_start + offset, m_start + offset + len(name)
            self.found[entry.category][entry.key].append(
                Mention(self.source.text[start:end], line, start, end, entry.method))

    def _is_own(self, entry: Entry) -> bool:
        """A stop phrase, the lead ministry or the project itself: no mention."""
        if entry.category == "stop":
            return True
        if entry.category == "ministry" and self.lead and entry.key == self.lead.key:
            return True
        return entry.category == "project" and entry.key == self.project.code

    def _unlinked_candidates(self, start: int, end: int) -> None:
        """Names that look like organisations but overlap no name found."""
        for match in _CANDIDATE.finditer(self.source.masked, start, end):
            word = match.group(0)
            if word in _NOT_CANDIDATES or any(s <= match.start() < e or
                                              s < match.end() <= e for s, e in self.covered):
                continue
            self.findings.append(Finding(self.source.line_of(match.start()), "unlinked-name",
                                         f"project {self.project.code}: {word!r} looks like a "
                                         "name but matches no reference entry"))

    def _links(self, category: str) -> tuple[EntityLink, ...]:
        """The links of one category, in the order of their first mention."""
        items = self.found.get(category, {})
        ordered = sorted(items.items(), key=lambda kv: kv[1][0].start)
        return tuple(EntityLink(key, tuple(mentions)) for key, mentions in ordered)


def _project_regions(project: Project) -> list[tuple[int, int]]:
    """The offsets of a project's own text: its title line and its rows."""
    regions = []
    if project.title_span is not None:
        regions.append((project.title_span.start, project.title_span.end))
    for span in (project.description_span, project.measures_span, project.duration.span):
        regions.append((span.start, span.end))
    return regions
