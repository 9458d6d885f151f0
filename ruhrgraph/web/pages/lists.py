"""A project's lists to take away: ``/lists/project/<code>/measures.csv`` (or ``.json``) and
``/lists/project/<code>/mentions.csv`` (or ``.json``), with headings in words.

The rows are those the project page shows (:func:`ruhrgraph.web.pages.entities.project`),
each with the line of the source text it came from and the IRI of what it is. ``?sep=;``
writes the CSV for German spreadsheets (a BOM and semicolons). The lists of a ministry, an
action field, a place or an organisation are the explorer's (``/explore.csv?ministry=…``),
which the entity pages link to.
"""

from __future__ import annotations

import json

from flask import Blueprint, Response
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from ruhrgraph.web import state
from ruhrgraph.web.ops.errors import localized
from ruhrgraph.web.pages import entities
from ruhrgraph.web.pages.spreadsheet import csv_download

bp = Blueprint("lists", __name__)
KINDS = {"place": _l("Place"), "organisation": _l("Organisation"),
         "ministry": _l("Ministry"), "project": _l("Project")}
#: list -> (JSON key, CSV heading in the interface's language) of each column
COLUMNS = {
    "measures": (("position", _l("Position")), ("measure", _l("Measure")),
                 ("kind", _l("Kind")), ("line", _l("Source line")),
                 ("source", _l("Source")), ("iri", "IRI")),
    "mentions": (("named", _l("Named")), ("name", _l("Name")),
                 ("words", _l("Words in the text")), ("line", _l("Source line")),
                 ("source", _l("Source")), ("iri", _l("IRI of the named")),
                 ("mention", _l("IRI of the mention"))),
}


def _rows(name: str, project: dict) -> list[tuple]:
    root = state().iris.base.rstrip("/")
    if name == "measures":
        return [(m["position"], m["text"], m["kind"], m["first"], root + m["src"],
                 root + m["path"]) for m in project["measures"]]
    rows = []
    for kind, entities_ in project["mentions"].items():
        for entity in entities_:
            for mention in entity["mentions"]:
                iri = entity["path"] if entity["path"].startswith("http") else (
                    root + entity["path"])
                rows.append((str(KINDS[kind]), entity["label"], mention["words"], mention["line"],
                             root + mention["src"], iri, root + mention["path"]))
    return sorted(rows, key=lambda r: (r[3], r[0], r[1]))


@bp.get("/lists/project/<code>/<name>.<ext>")
def project_list(code: str, name: str, ext: str) -> Response:
    if name not in COLUMNS or ext not in ("csv", "json"):
        raise localized(404, "Not Found", gettext(
            "a project has the lists measures and mentions, as .csv or .json, not "
            "%(name)s.%(ext)s", name=name[:40], ext=ext[:20]))
    project = entities.project(state().iris.base + "project/" + code)
    if project is None:
        raise localized(404, "Not Found", gettext("no project has the code %(code)r",
                                             code=code[:40]))
    rows = _rows(name, project)
    keys = [key for key, _ in COLUMNS[name]]
    if ext == "json":
        body = json.dumps({"project": code, "title": project["title"], name: [
            dict(zip(keys, row, strict=True)) for row in rows]}, ensure_ascii=False)
        return Response(body, mimetype="application/json")
    return csv_download([heading for _, heading in COLUMNS[name]], rows,
                        f"ruhrgraph-{code}-{name}.csv")
