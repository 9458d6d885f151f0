"""The linked records as JSON and CSV: the output of ``ruhrgraph extract``.

The JSON shape is documented in ``docs/records.md`` and pinned by the JSON Schema
``ruhrgraph/records.schema.json``.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from ruhrgraph.extract import read
from ruhrgraph.link import (
    link,
    load_programme_names,
    load_project_aliases,
    load_stop_phrases,
)
from ruhrgraph.link.reference import Reference
from ruhrgraph.link.reference import load as load_reference
from ruhrgraph.records import EntityLink, LinkedCatalogue


def linked_catalogue(source: str | Path, reference_dir: str | Path) -> LinkedCatalogue:
    """Read ``source`` and link it against the reference data in ``reference_dir``."""
    catalogue = read(source)
    reference = load_reference(reference_dir)
    return link(catalogue, reference, load_project_aliases(reference_dir),
                load_stop_phrases(reference_dir), load_programme_names(reference_dir))


def to_dict(linked: LinkedCatalogue, reference: Reference) -> dict:
    places = {p.key: p for p in reference.places}
    orgs = {o.key: o for o in reference.organisations}
    ministries = {m.key: m for m in reference.ministries}
    fields = {f.number: f for f in reference.fields}
    catalogue = linked.catalogue

    def mentions(link_: EntityLink) -> list[dict]:
        return [m.to_dict() for m in link_.mentions]

    projects = []
    for item in linked.projects:
        record = item.project.to_dict()
        record["ministry_key"] = item.ministry_key
        record["cities"] = [{"name": places[e.key].name, "key": e.key, "ags": places[e.key].ags,
                             "kind": places[e.key].kind, "in_ruhr": places[e.key].in_rvr,
                             "wikidata": places[e.key].wikidata, "mentions": mentions(e)}
                            for e in item.places]
        record["organisations"] = [{"key": e.key, "name": orgs[e.key].name,
                                    "kind": orgs[e.key].kind, "wikidata": orgs[e.key].wikidata,
                                    "mentions": mentions(e)} for e in item.organisations]
        record["other_ministries"] = [{"key": e.key, "abbreviation": ministries[e.key].abbreviation,
                                       "name": ministries[e.key].name_de,
                                       "mentions": mentions(e)} for e in item.other_ministries]
        record["related_projects"] = [{"code": e.key, "mentions": mentions(e)}
                                      for e in item.related_projects]
        projects.append(record)
    return {
        "source": {"name": catalogue.source_name, "sha256": catalogue.source_sha256},
        "title": catalogue.title,
        "introduction": catalogue.introduction,
        "fields": [dict(f.to_dict(), label_en=fields[f.number].label_en if f.number in fields
                        else None) for f in catalogue.fields],
        "ministries": [{"key": m.key, "abbreviation": m.abbreviation, "name": m.name_de,
                        "name_en": m.name_en, "wikidata": m.wikidata}
                       for m in reference.ministries],
        "projects": projects,
        "findings": [f.to_dict() for f in linked.findings],
    }


def to_json(linked: LinkedCatalogue, reference: Reference) -> str:
    return json.dumps(to_dict(linked, reference), ensure_ascii=False, indent=1)


def write_csv(linked: LinkedCatalogue, reference: Reference, directory: str | Path) -> list[Path]:
    """``projects.csv``, ``measures.csv`` and ``mentions.csv`` in ``directory``."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    data = to_dict(linked, reference)
    paths = []

    def write(name: str, header: list[str], rows: list[list]) -> None:
        path = directory / name
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
        paths.append(path)

    write("projects.csv",
          ["code", "ministry", "title", "title_toc", "field", "description", "duration",
           "start_year", "end_year", "open_ended", "line_start", "line_end"],
          [[p["code"], p["ministry"], p["title"], p["title_toc"], p["field"], p["description"],
            p["duration"]["text"], p["duration"]["start_year"], p["duration"]["end_year"],
            p["duration"]["open_ended"], p["source"]["line_start"], p["source"]["line_end"]]
           for p in data["projects"]])
    write("measures.csv", ["code", "position", "kind", "label", "text", "line_start", "line_end"],
          [[p["code"], m["position"], m["kind"], m["label"], m["text"],
            m["source"]["line_start"], m["source"]["line_end"]]
           for p in data["projects"] for m in p["measures"]])
    rows = []
    for p in data["projects"]:
        for category, items, key in (("place", p["cities"], "key"),
                                     ("organisation", p["organisations"], "key"),
                                     ("ministry", p["other_ministries"], "key"),
                                     ("project", p["related_projects"], "code")):
            for item in items:
                for m in item["mentions"]:
                    rows.append([p["code"], category, item[key], item.get("name", item[key]),
                                 m["text"], m["line"], m["start"], m["end"], m["method"]])
    write("mentions.csv", ["code", "category", "key", "name", "text", "line", "start", "end",
                           "method"], rows)
    return paths
