"""A project's lists to take away: ``/lists/project/<code>/measures.csv`` (or ``.json``) and
``/lists/project/<code>/mentions.csv`` (or ``.json``), with headings in words.

The rows are those the project page shows (:func:`ruhrgraph.web.pages.entities.project`),
each with the line of the source text it came from and the IRI of what it is. ``?sep=;``
writes the CSV for German spreadsheets (a BOM and semicolons). The lists of a ministry, an
action field, a place or an organisation are the explorer's (``/explore.csv?ministry=…``),
which the entity pages link to.
"""

from __future__ import annotations

import csv
import io
import json

from flask import Blueprint, Response, request

from ruhrgraph.web import state
from ruhrgraph.web.ops.errors import ApiError
from ruhrgraph.web.pages import entities

bp = Blueprint("lists", __name__)
KINDS = {"place": "Place", "organisation": "Organisation", "ministry": "Ministry",
         "project": "Project"}
HEADINGS = {
    "measures": ("Position", "Measure", "Kind", "Source line", "Source", "IRI"),
    "mentions": ("Named", "Name", "Words in the text", "Source line", "Source", "IRI of the "
                 "named", "IRI of the mention"),
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
                rows.append((KINDS[kind], entity["label"], mention["words"], mention["line"],
                             root + mention["src"], iri, root + mention["path"]))
    return sorted(rows, key=lambda r: (r[3], r[0], r[1]))


@bp.get("/lists/project/<code>/<name>.<ext>")
def project_list(code: str, name: str, ext: str) -> Response:
    if name not in HEADINGS or ext not in ("csv", "json"):
        raise ApiError(404, "Not Found", f"a project has the lists measures and mentions, "
                       f"as .csv or .json, not {name}.{ext}")
    project = entities.project(state().iris.base + "project/" + code)
    if project is None:
        raise ApiError(404, "Not Found", f"no project has the code {code[:40]!r}")
    rows = _rows(name, project)
    headings = HEADINGS[name]
    if ext == "json":
        body = json.dumps({"project": code, "title": project["title"], name: [
            dict(zip(headings, row, strict=True)) for row in rows]}, ensure_ascii=False)
        return Response(body, mimetype="application/json")
    german = request.args.get("sep") == ";"
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if german else ",", lineterminator="\r\n")
    writer.writerow(headings)
    writer.writerows(rows)
    text = ("\ufeff" if german else "") + out.getvalue()
    return Response(text.encode("utf-8"), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="ruhrgraph-{code}-{name}.csv"'})
