"""Curated reference data: ministries, action fields, places and organisations.

The files live in ``data/reference/`` (see its README for sources and licences). Loading
checks them and reports a bad cell with file and line.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path


class ReferenceError(ValueError):
    """A reference file is missing or holds a bad value; the message names file:line."""


@dataclass(frozen=True)
class Ministry:
    key: str
    abbreviation: str
    aliases: tuple[str, ...]
    name_de: str
    name_en: str
    wikidata: str | None


@dataclass(frozen=True)
class FieldRef:
    number: int
    title_de: str
    label_en: str
    short_de: str
    short_en: str


@dataclass(frozen=True)
class Place:
    """A place; ``key`` names it: the AGS in Germany, a slug abroad (where ``ags`` is None)."""

    ags: str | None
    name: str
    kind: str
    district: str | None
    in_rvr: bool
    lat: float
    lon: float
    wikidata: str | None
    aliases: tuple[str, ...]
    key: str = ""

    def __post_init__(self) -> None:
        if not self.key:
            object.__setattr__(self, "key", self.ags or "")

    @property
    def abroad(self) -> bool:
        return self.kind in ABROAD_KINDS


@dataclass(frozen=True)
class Organisation:
    key: str
    name: str
    kind: str
    aliases: tuple[str, ...]
    wikidata: str | None


@dataclass(frozen=True)
class Reference:
    ministries: tuple[Ministry, ...]
    fields: tuple[FieldRef, ...]
    places: tuple[Place, ...]
    organisations: tuple[Organisation, ...]

    def ministry_by_abbreviation(self, abbreviation: str) -> Ministry | None:
        for ministry in self.ministries:
            if ministry.abbreviation == abbreviation:
                return ministry
        return None


#: kinds of places outside Germany: no AGS, never in the Ruhr area, keyed by ``key``
ABROAD_KINDS = {"stadt-im-ausland"}
PLACE_KINDS = {"kreisfreie-stadt", "kreisangehoerige-gemeinde", "kreis", *ABROAD_KINDS}
_QID = re.compile(r"Q[1-9][0-9]*")
_KEY = re.compile(r"[a-z0-9][a-z0-9-]*")


def _rows(path: Path, columns: tuple[str, ...]):
    if not path.is_file():
        raise ReferenceError(f"{path}: reference file missing")
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != columns:
            raise ReferenceError(f"{path}:1: header must be {','.join(columns)}")
        for row in reader:
            yield reader.line_num, row


def _split(cell: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in (cell or "").split("|") if part.strip())


def _qid(path: Path, line: int, cell: str) -> str | None:
    cell = (cell or "").strip()
    if not cell:
        return None
    if not _QID.fullmatch(cell):
        raise ReferenceError(f"{path}:{line}: bad Wikidata QID {cell!r}")
    return cell


def _key(path: Path, line: int, cell: str) -> str:
    if not _KEY.fullmatch(cell or ""):
        raise ReferenceError(f"{path}:{line}: bad key {cell!r}")
    return cell


PLACE_COLUMNS = ("ags", "name", "kind", "district", "in_rvr", "lat", "lon", "wikidata",
                 "aliases", "note", "source", "key")


def _place(path: Path, line: int, row: dict[str, str]) -> Place:
    """One row of ``places.csv``: a German place by its AGS, a place abroad by its ``key``."""
    if row["kind"] not in PLACE_KINDS:
        raise ReferenceError(f"{path}:{line}: place kind {row['kind']!r} not in "
                             f"{sorted(PLACE_KINDS)}")
    abroad = row["kind"] in ABROAD_KINDS
    ags = row["ags"].strip()
    if abroad:
        if ags or row["in_rvr"].strip().lower() != "false":
            raise ReferenceError(f"{path}:{line}: a place abroad has no AGS and in_rvr false")
        key = _key(path, line, (row["key"] or "").strip())
    else:
        if not re.fullmatch(r"[0-9]{8}", ags):
            raise ReferenceError(f"{path}:{line}: AGS must have 8 digits, got {ags!r}")
        if (row["key"] or "").strip() not in ("", ags):
            raise ReferenceError(f"{path}:{line}: a German place is keyed by its AGS")
        key = ags
    try:
        lat, lon = float(row["lat"]), float(row["lon"])
    except ValueError:
        raise ReferenceError(f"{path}:{line}: bad coordinates {row['lat']!r},"
                             f" {row['lon']!r}") from None
    return Place(ags or None, row["name"].strip(), row["kind"],
                 row["district"].strip() or None, row["in_rvr"].strip().lower() == "true",
                 lat, lon, _qid(path, line, row["wikidata"]), _split(row["aliases"]), key)


def load(directory: str | Path) -> Reference:
    directory = Path(directory)
    ministries = []
    path = directory / "ministries.csv"
    for line, row in _rows(path, ("key", "abbreviation", "aliases", "name_de", "name_en",
                                  "wikidata", "note", "source")):
        ministries.append(Ministry(_key(path, line, row["key"]), row["abbreviation"].strip(),
                                   _split(row["aliases"]), row["name_de"].strip(),
                                   row["name_en"].strip(), _qid(path, line, row["wikidata"])))
    fields = []
    path = directory / "fields.csv"
    for line, row in _rows(path, ("number", "title_de", "label_en", "short_de", "short_en")):
        if not row["number"].isdigit():
            raise ReferenceError(f"{path}:{line}: bad field number {row['number']!r}")
        fields.append(FieldRef(int(row["number"]), row["title_de"].strip(),
                               row["label_en"].strip(), row["short_de"].strip(),
                               row["short_en"].strip()))
    places = [_place(directory / "places.csv", line, row)
              for line, row in _rows(directory / "places.csv", PLACE_COLUMNS)]
    organisations = []
    path = directory / "organisations.csv"
    for line, row in _rows(path, ("key", "name", "kind", "aliases", "wikidata", "note",
                                  "source")):
        organisations.append(Organisation(_key(path, line, row["key"]), row["name"].strip(),
                                          row["kind"].strip(), _split(row["aliases"]),
                                          _qid(path, line, row["wikidata"])))
    for label, items, attr in (("ministry", ministries, "key"), ("place", places, "key"),
                               ("organisation", organisations, "key")):
        seen: set[str] = set()
        for item in items:
            value = getattr(item, attr)
            if value in seen:
                raise ReferenceError(f"{directory}: duplicate {label} {attr} {value!r}")
            seen.add(value)
    return Reference(tuple(ministries), tuple(fields), tuple(places), tuple(organisations))
