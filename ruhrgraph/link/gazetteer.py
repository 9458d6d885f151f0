"""The gazetteer: every surface form the linker looks for, and the lists that extend it.

A :class:`Gazetteer` is built from the reference data (places, organisations, ministries
with their aliases), the catalogue's own project titles, the project aliases of
``project_aliases.csv`` and the stop phrases of ``stop_phrases.csv``, and compiles them into
one longest-first regular expression. :meth:`Gazetteer.lookup` maps a matched surface form
to its entries (a place may take a genitive s). Loading the two CSV files raises
:class:`~ruhrgraph.link.reference.ReferenceError` on a bad header or row.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from ruhrgraph.link.reference import Reference, ReferenceError
from ruhrgraph.records import Catalogue


@dataclass(frozen=True)
class Entry:
    category: str  # place | organisation | ministry | project | stop
    key: str
    method: str


@dataclass(frozen=True)
class ProjectAlias:
    code: str
    alias: str


@dataclass(frozen=True)
class ProgrammeName:
    """A programme or product named after an organisation: ``name`` inside ``phrase``."""

    phrase: str
    name: str
    organisation: str


#: The words before a city's name that make a region of it ("Region Köln", "Großraum
#: Dortmund"): a mention of the city, marked by the link method ``region``.
REGION_WORDS = ("Region", "Großraum", "Großraums", "Raum", "Raums", "Metropolregion",
                "Stadtregion")
#: The place kinds a region may be named after: cities, not Kreise.
REGION_KINDS = {"kreisfreie-stadt", "kreisangehoerige-gemeinde", "stadt-im-ausland"}


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


def load_programme_names(directory: str | Path) -> tuple[ProgrammeName, ...]:
    """``programme_names.csv``: programmes and products whose name names an organisation."""
    path = Path(directory) / "programme_names.csv"
    if not path.is_file():
        return ()
    out = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != ("phrase", "name", "organisation", "reason"):
            raise ReferenceError(f"{path}:1: header must be phrase,name,organisation,reason")
        for row in reader:
            phrase, name = row["phrase"].strip(), row["name"].strip()
            if not name or name not in phrase or not row["organisation"].strip():
                raise ReferenceError(f"{path}:{reader.line_num}: bad row {row!r}")
            out.append(ProgrammeName(phrase, name, row["organisation"].strip()))
    return tuple(out)


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
                 stop_phrases: tuple[str, ...] = (),
                 programme_names: tuple[ProgrammeName, ...] = ()):
        self.entries: dict[str, list[Entry]] = defaultdict(list)
        #: programme phrase -> (the organisation's name inside it, its start in the phrase)
        self.inner_names: dict[str, tuple[str, int]] = {}
        self._add_reference(reference)
        for project in catalogue.projects:
            for title in {project.title, project.title_toc}:
                self._add(_bare_title(title), Entry("project", project.code, "title"))
        for alias in project_aliases:
            self._add(alias.alias, Entry("project", alias.code, "alias"))
        for phrase in stop_phrases:
            self.entries[phrase.strip()] = [Entry("stop", "", "stop")]
        for programme in programme_names:
            self.entries[programme.phrase] = [Entry("organisation", programme.organisation,
                                                    "programme")]
            self.inner_names[programme.phrase] = (programme.name,
                                                  programme.phrase.index(programme.name))
        self.pattern = self._compile(self.entries)
        # Inside a project's own title (which hides the names it holds, being longest):
        # every name but the titles, so "Open District Hub Bochum" still names Bochum.
        self.inner_pattern = self._compile(
            {s: e for s, e in self.entries.items() if all(x.category != "project" for x in e)})

    def _add_reference(self, reference: Reference) -> None:
        for place in reference.places:
            self._add(place.name, Entry("place", place.key, "name"))
            for alias in place.aliases:
                self._add(alias, Entry("place", place.key, "alias"))
            if place.kind in REGION_KINDS:
                for word in REGION_WORDS:
                    for name in (place.name, *place.aliases):
                        self._add(f"{word} {name}", Entry("place", place.key, "region"))
        for org in reference.organisations:
            self._add(org.name, Entry("organisation", org.key, "name"))
            for alias in org.aliases:
                self._add(alias, Entry("organisation", org.key, "alias"))
        for ministry in reference.ministries:
            self._add(ministry.abbreviation, Entry("ministry", ministry.key, "abbreviation"))
            for alias in ministry.aliases:
                self._add(alias, Entry("ministry", ministry.key, "name"))

    @staticmethod
    def _compile(entries: dict[str, list[Entry]]) -> re.Pattern[str]:
        # A name stands alone: no letter or digit may touch it, and it is not the head or the
        # tail of a hyphenated compound ("EU-Ratspräsidentschaft", "Duisburg-Essen"; a
        # suspended hyphen too: "EU-, Bundes- und Landesebene"), unless the compound itself
        # is a listed name. Places may take a genitive s.
        surfaces = sorted(entries, key=lambda s: (-len(s), s))
        alternation = "|".join(re.escape(s) for s in surfaces)
        return re.compile(rf"(?<![\w])(?<!\w-)(?:{alternation})(?:s(?![\w]))?"
                          rf"(?![\w])(?!-)")

    def _add(self, surface: str, entry: Entry) -> None:
        surface = surface.strip()
        if not surface:
            return
        known = self.entries[surface]
        if not any(e.category == entry.category and e.key == entry.key for e in known):
            known.append(entry)

    def lookup(self, matched: str) -> tuple[str, list[Entry]] | None:
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
