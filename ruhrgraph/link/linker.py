"""Link stage: records + curated reference data -> linked records.

In each project's own text (its title line and its rows) the linker finds every place,
organisation, other ministry and other catalogue project named, following
``docs/linking.md``. Names are matched on a masked copy of the source (markup blanked in
place), so every mention's offsets slice the source to exactly its surface form. Where two
names overlap, the longest wins: "Ruhr-Universität Bochum" is an organisation, and its
"Bochum" is not a place mention. Capitalised names that look like organisations but match
nothing are reported as findings.
"""

from __future__ import annotations

import bisect
import csv
import re
from collections import defaultdict, deque
from dataclasses import dataclass
from pathlib import Path

from ruhrgraph.extract import markup
from ruhrgraph.link.reference import Reference, ReferenceError
from ruhrgraph.records import (
    Catalogue,
    EntityLink,
    Finding,
    LinkedCatalogue,
    LinkedProject,
    Mention,
    Project,
)


@dataclass(frozen=True)
class _Entry:
    category: str  # place | organisation | ministry | project
    key: str
    method: str


@dataclass(frozen=True)
class ProjectAlias:
    code: str
    alias: str


def load_stop_phrases(directory: str | Path) -> tuple[str, ...]:
    """``stop_phrases.csv``: phrases whose names are no mentions ("Region Köln", "KfW 432").

    A stop phrase is matched like any name; being longer, it hides the names inside it.
    """
    path = Path(directory) / "stop_phrases.csv"
    if not path.is_file():
        return ()
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != ("phrase", "reason"):
            raise ReferenceError(f"{path}:1: header must be phrase,reason")
        return tuple(row["phrase"].strip() for row in reader if row["phrase"].strip())


def load_project_aliases(directory: str | Path) -> tuple[ProjectAlias, ...]:
    """``project_aliases.csv``: variants by which the text refers to a catalogue project."""
    path = Path(directory) / "project_aliases.csv"
    if not path.is_file():
        return ()
    out = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != ("code", "alias", "note"):
            raise ReferenceError(f"{path}:1: header must be code,alias,note")
        for row in reader:
            if not re.fullmatch(r"\d{2}-\d{2}", row["code"]) or not row["alias"].strip():
                raise ReferenceError(f"{path}:{reader.line_num}: bad row {row!r}")
            out.append(ProjectAlias(row["code"], row["alias"].strip()))
    return tuple(out)


class Gazetteer:
    """Every surface form to look for, compiled into one longest-first alternation."""

    def __init__(self, reference: Reference, catalogue: Catalogue,
                 project_aliases: tuple[ProjectAlias, ...] = (),
                 stop_phrases: tuple[str, ...] = ()):
        self.entries: dict[str, list[_Entry]] = defaultdict(list)
        for place in reference.places:
            self._add(place.name, _Entry("place", place.ags, "name"))
            for alias in place.aliases:
                self._add(alias, _Entry("place", place.ags, "alias"))
        for org in reference.organisations:
            self._add(org.name, _Entry("organisation", org.key, "name"))
            for alias in org.aliases:
                self._add(alias, _Entry("organisation", org.key, "alias"))
        for ministry in reference.ministries:
            self._add(ministry.abbreviation, _Entry("ministry", ministry.key, "abbreviation"))
            for alias in ministry.aliases:
                self._add(alias, _Entry("ministry", ministry.key, "name"))
        for project in catalogue.projects:
            for title in {project.title, project.title_toc}:
                self._add(_bare_title(title), _Entry("project", project.code, "title"))
        for alias in project_aliases:
            self._add(alias.alias, _Entry("project", alias.code, "alias"))
        for phrase in stop_phrases:
            self.entries[phrase.strip()] = [_Entry("stop", "", "stop")]
        self.pattern = self._compile(self.entries)
        # Inside a project's own title (which hides the names it holds, being longest):
        # every name but the titles, so "Open District Hub Bochum" still names Bochum.
        self.inner_pattern = self._compile(
            {s: e for s, e in self.entries.items() if all(x.category != "project" for x in e)})

    @staticmethod
    def _compile(entries: dict[str, list[_Entry]]) -> re.Pattern[str]:
        # A name stands alone: no letter or digit may touch it, and it is not the head or the
        # tail of a hyphenated compound ("EU-Ratspräsidentschaft", "Duisburg-Essen"; a
        # suspended hyphen too: "EU-, Bundes- und Landesebene"), unless the compound itself
        # is a listed name. Places may take a genitive s.
        surfaces = sorted(entries, key=lambda s: (-len(s), s))
        alternation = "|".join(re.escape(s) for s in surfaces)
        return re.compile(rf"(?<![\w])(?<!\w-)(?:{alternation})(?:s(?![\w]))?"
                          rf"(?![\w])(?!-)")

    def _add(self, surface: str, entry: _Entry) -> None:
        surface = surface.strip()
        if not surface:
            return
        known = self.entries[surface]
        if not any(e.category == entry.category and e.key == entry.key for e in known):
            known.append(entry)

    def lookup(self, matched: str) -> tuple[str, list[_Entry]] | None:
        if matched in self.entries:
            return matched, self.entries[matched]
        if matched.endswith("s") and matched[:-1] in self.entries:
            places = [e for e in self.entries[matched[:-1]] if e.category == "place"]
            if places:
                return matched, places
        return None


def _bare_title(title: str) -> str:
    """A title without the quotation marks and final period it is sometimes written with."""
    return title.strip().strip("„“”\"").rstrip(".").strip("„“”\"").strip()


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


def _project_regions(project: Project) -> list[tuple[int, int]]:
    """The offsets of a project's own text: its title line and its rows."""
    regions = []
    if project.title_span is not None:
        regions.append((project.title_span.start, project.title_span.end))
    for span in (project.description_span, project.measures_span, project.duration.span):
        regions.append((span.start, span.end))
    return regions


def _line_starts(text: str) -> list[int]:
    starts = [0]
    starts.extend(m.end() for m in re.finditer("\n", text))
    return starts


def _links(found: dict[str, dict[str, list[Mention]]],
           category: str) -> tuple[EntityLink, ...]:
    """The links of one category, in the order of their first mention."""
    items = found.get(category, {})
    ordered = sorted(items.items(), key=lambda kv: kv[1][0].start)
    return tuple(EntityLink(key, tuple(mentions)) for key, mentions in ordered)


def link(catalogue: Catalogue, reference: Reference,
         project_aliases: tuple[ProjectAlias, ...] = (),
         stop_phrases: tuple[str, ...] = ()) -> LinkedCatalogue:
    """Find places, organisations, other ministries and projects named in every project."""
    gazetteer = Gazetteer(reference, catalogue, project_aliases, stop_phrases)
    masked = markup.mask(catalogue.text)
    line_starts = _line_starts(catalogue.text)
    findings: list[Finding] = list(catalogue.findings)
    linked = []

    def line_of(offset: int) -> int:
        return bisect.bisect_right(line_starts, offset)

    for project in catalogue.projects:
        lead = reference.ministry_by_abbreviation(project.ministry)
        if lead is None:
            findings.append(Finding(project.span.line_start, "unknown-ministry",
                                    f"project {project.code}: lead ministry "
                                    f"{project.ministry!r} is not in ministries.csv"))
        found: dict[str, dict[str, list[Mention]]] = defaultdict(lambda: defaultdict(list))
        covered: list[tuple[int, int]] = []
        for start, end in _project_regions(project):
            matches = deque(gazetteer.pattern.finditer(masked, start, end))
            while matches:
                match = matches.popleft()
                hit = gazetteer.lookup(match.group(0))
                if hit is None:
                    continue
                surface, entries = hit
                m_start, m_end = match.start(), match.end()
                if all(e.category == "project" and e.key == project.code for e in entries):
                    # the project's own title: look for the names inside it instead
                    inner = gazetteer.inner_pattern.finditer(masked, m_start, m_end)
                    matches.extendleft(reversed(list(inner)))
                    continue
                covered.append((m_start, m_end))
                mention_text = catalogue.text[m_start:m_end]
                categories = {e.category for e in entries} & {"place", "organisation"}
                if len(categories) > 1:
                    findings.append(Finding(line_of(m_start), "ambiguous-name",
                                            f"project {project.code}: {surface!r} names a "
                                            f"{' and a '.join(sorted(categories))}"))
                for entry in entries:
                    if entry.category == "stop":
                        continue
                    if entry.category == "ministry" and lead and entry.key == lead.key:
                        continue
                    if entry.category == "project" and entry.key == project.code:
                        continue
                    found[entry.category][entry.key].append(
                        Mention(mention_text, line_of(m_start), m_start, m_end, entry.method))
            for match in _CANDIDATE.finditer(masked, start, end):
                word = match.group(0)
                if word in _NOT_CANDIDATES or any(s <= match.start() < e or
                                                  s < match.end() <= e for s, e in covered):
                    continue
                findings.append(Finding(line_of(match.start()), "unlinked-name",
                                        f"project {project.code}: {word!r} looks like a "
                                        "name but matches no reference entry"))

        linked.append(LinkedProject(project, lead.key if lead else "",
                                    _links(found, "place"), _links(found, "organisation"),
                                    _links(found, "ministry"), _links(found, "project")))
    return LinkedCatalogue(catalogue, tuple(linked),
                           tuple(sorted(set(findings), key=lambda f: (f.line, f.kind, f.message))))
