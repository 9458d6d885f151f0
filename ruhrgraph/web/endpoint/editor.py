"""The query page: an editor with SPARQL highlighting, examples, results, downloads.

It is served at ``/sparql`` to clients that prefer HTML (a browser's GET, with or without
``query=``), so a permalink is simply ``/sparql?query=...``. Everything it needs is in
``static/`` (no CDN): it works offline, and without JavaScript the form still submits.
"""

from __future__ import annotations

import re
from pathlib import Path

from flask import Response, render_template

from ruhrgraph.query import canned
from ruhrgraph.query.canned import editor_text
from ruhrgraph.web import state
from ruhrgraph.web.endpoint import negotiation
from ruhrgraph.web.endpoint import service as description

_HEADER = re.compile(r"^#\+?\s*([A-Za-z_-]+)\s*:\s*(.*?)\s*$")


def examples(directory: str) -> list[dict[str, str]]:
    """The canned queries (``*.rq``) as the editor's examples: through ``canned`` (the
    header, and the parameters' defaults written in so the example runs as it stands), or for
    a file ``canned`` does not take, the ``#+ title:`` and ``#+ description:`` lines."""
    found = []
    for path in sorted(Path(directory).glob("*.rq")):
        try:
            query = canned.load(path)
        except canned.CannedQueryError:
            pass
        else:
            found.append({"name": query.name, "title": query.title,
                          "description": query.description, "query": editor_text(query)})
            continue
        text = path.read_text(encoding="utf-8")
        meta: dict[str, str] = {}
        for line in text.splitlines():
            if not line.startswith("#"):
                break
            match = _HEADER.match(line)
            if match:
                meta.setdefault(match.group(1).lower(), match.group(2))
        found.append({"name": path.stem, "title": meta.get("title", path.stem),
                      "description": meta.get("description", ""), "query": text})
    return found


def _starter(prologue: str) -> str:
    return (prologue + "\nSELECT ?project ?label WHERE {\n  ?project a rg:Project ;\n"
            "           rdfs:label ?label .\n}\nORDER BY ?label\nLIMIT 25\n")


def page(query: str) -> Response:
    st = state()
    canned = st.extras.get("examples")
    if canned is None:
        canned = st.extras["examples"] = examples(st.settings.queries_dir)
    prefixes = description.prefixes(st.iris)
    formats = {"results": [{"name": f.name, "media_type": f.media_type, "ext": f.extension}
                           for f in negotiation.RESULTS],
               "graph": [{"name": f.name, "media_type": f.media_type, "ext": f.extension}
                         for f in negotiation.GRAPHS]}
    html = render_template(
        "sparql.html", query=query or _starter(description.prologue(st.iris)),
        autorun=bool(query), examples=canned, prefixes=prefixes, formats=formats,
        base=st.iris.base, build=st.build, timeout=st.settings.query_timeout,
        max_rows=st.settings.max_result_rows)
    return Response(html, 200, content_type="text/html; charset=utf-8",
                    headers={"Vary": "Accept", "Cache-Control": "no-cache"})
